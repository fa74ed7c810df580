//! Differential tests against LDK (`lightning` 0.2.7), an independent BOLT 12
//! implementation.
//!
//! - Every `offers-test.json` vector is parsed by both; they must agree on accept/reject
//!   (except the documented differences below) and, when both accept, on every field.
//! - A deterministic corpus of offers, invoice requests and invoices is built by LDK's
//!   builders and by ours, crossed in every combination (LDK answers our request, we answer
//!   LDK's, ...). Each message is parsed by both libraries, which must agree on every field,
//!   on the Merkle root / signature digest, and on signature validity.
//! - Corpus messages are mutated (byte flip, truncation, dropped record); both must agree
//!   on accept/reject. Every disagreement must be one of the documented differences (D0-D16),
//!   each of which is also pinned by a crafted input in a `dN_*` test, with the spec line
//!   that decides who is right (`/work/shared/bolts/12-offer-encoding.md`). Where we are
//!   wrong, the `dN_*` test asserts the right behaviour (the four bugs found this way are fixed).
//! - String-level mutations (format-string vectors, mutated corpus strings) likewise.
use std::num::NonZeroU64;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bolt12::tlv::{
    BlindedPath, BlindedPathHop, BlindedPayinfo, FallbackAddress, InvoiceRequestTlvs, InvoiceTlvs,
    OfferTlvs,
};
use bolt12::{
    features, merkle, string, Invoice, InvoiceBuilder, InvoiceRequest, InvoiceRequestBuilder,
    Offer, OfferBuilder, ParseError, SemanticError,
};
use lightning::bitcoin::hashes::Hash as _;
use lightning::bitcoin::{Network, WPubkeyHash};
use lightning::blinded_path::message::BlindedMessagePath;
use lightning::blinded_path::payment::{BlindedPayInfo, BlindedPaymentPath};
use lightning::blinded_path::BlindedHop;
use lightning::ln::channelmanager::PaymentId;
use lightning::ln::inbound_payment::ExpandedKey;
use lightning::offers::invoice::{Bolt12Invoice as LInvoice, UnsignedBolt12Invoice};
use lightning::offers::invoice_request::InvoiceRequest as LRequest;
use lightning::offers::nonce::Nonce;
use lightning::offers::offer::{Offer as LOffer, OfferBuilder as LOfferBuilder, Quantity};
use lightning::types::features::BlindedHopFeatures;
use lightning::types::payment::PaymentHash;
use secp256k1::{Keypair, PublicKey, SecretKey, SECP256K1};
use serde_json::Value;
use wire::{ChainHash, Direction, SciddirOrPubkey, Sha256, ShortChannelId, TlvStreamReader};

// ---------------------------------------------------------------------------------------
// Deterministic randomness.

/// SplitMix64: small, deterministic, good enough to pick test inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
    fn array32(&mut self) -> [u8; 32] {
        self.bytes(32).try_into().unwrap()
    }
    fn keypair(&mut self) -> Keypair {
        loop {
            if let Ok(sk) = SecretKey::from_slice(&self.array32()) {
                return Keypair::from_secret_key(SECP256K1, &sk);
            }
        }
    }
    fn text(&mut self, max: usize) -> String {
        const PIECES: &[&str] = &[
            "a",
            "Z",
            "7",
            " ",
            "coffee",
            "€",
            "ñ",
            "☕",
            "\u{1F600}",
            "-",
            "@",
            "x.y",
        ];
        let n = self.below(max as u64 + 1) as usize;
        (0..n)
            .map(|_| PIECES[self.below(PIECES.len() as u64) as usize])
            .collect()
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

// ---------------------------------------------------------------------------------------
// Normalised views and comparisons: tests/ldk_views/mod.rs (shared with the fuzz target).
mod ldk_views;
use ldk_views::*;

fn to_our_path(v: &PathView) -> BlindedPath {
    BlindedPath {
        first_node_id: match v.intro {
            Intro::Node(pk) => SciddirOrPubkey::Pubkey(wire::Point::from(pk)),
            Intro::Scid(d, scid) => SciddirOrPubkey::Scid {
                direction: if d == 0 {
                    Direction::NodeOne
                } else {
                    Direction::NodeTwo
                },
                scid: ShortChannelId(scid),
            },
        },
        first_path_key: wire::Point::from(v.blinding),
        path: v
            .hops
            .iter()
            .map(|(id, data)| BlindedPathHop {
                blinded_node_id: wire::Point::from(*id),
                encrypted_recipient_data: data.clone(),
            })
            .collect(),
    }
}

fn to_our_payinfo(v: &PayinfoView) -> BlindedPayinfo {
    BlindedPayinfo {
        fee_base_msat: v.fee_base_msat,
        fee_proportional_millionths: v.fee_proportional_millionths,
        cltv_expiry_delta: v.cltv_expiry_delta,
        htlc_minimum_msat: v.htlc_minimum_msat,
        htlc_maximum_msat: v.htlc_maximum_msat,
        features: features::from_bits(&v.feature_bits),
    }
}

fn ldk_hops(v: &PathView) -> Vec<BlindedHop> {
    v.hops
        .iter()
        .map(|(id, data)| BlindedHop {
            blinded_node_id: *id,
            encrypted_payload: data.clone(),
        })
        .collect()
}

fn intro_pk(v: &PathView) -> PublicKey {
    match v.intro {
        Intro::Node(pk) => pk,
        Intro::Scid(..) => unreachable!("LDK builders only take node-id introduction points"),
    }
}

fn to_ldk_msg_path(v: &PathView) -> BlindedMessagePath {
    BlindedMessagePath::from_blinded_path(intro_pk(v), v.blinding, ldk_hops(v))
}

fn to_ldk_payinfo(v: &PayinfoView) -> BlindedPayInfo {
    BlindedPayInfo {
        fee_base_msat: v.fee_base_msat,
        fee_proportional_millionths: v.fee_proportional_millionths,
        cltv_expiry_delta: v.cltv_expiry_delta,
        htlc_minimum_msat: v.htlc_minimum_msat,
        htlc_maximum_msat: v.htlc_maximum_msat,
        features: BlindedHopFeatures::from_be_bytes(features::from_bits(&v.feature_bits)),
    }
}

/// Parses with both; panics unless both accept (and agree on every field).
fn both_offer(bytes: &[u8]) -> (Offer, LOffer) {
    let ours = Offer::from_bytes(bytes.to_vec()).expect("ours accepts");
    let ldk = LOffer::try_from(bytes.to_vec()).expect("LDK accepts");
    compare_offer(&ours, &ldk);
    (ours, ldk)
}

fn both_request(bytes: &[u8]) -> (InvoiceRequest, LRequest) {
    let ours = InvoiceRequest::from_bytes(bytes.to_vec()).expect("ours accepts");
    let ldk = LRequest::try_from(bytes.to_vec()).expect("LDK accepts");
    compare_request(&ours, &ldk);
    (ours, ldk)
}

fn both_invoice(bytes: &[u8]) -> (Invoice, LInvoice) {
    let ours = Invoice::from_bytes(bytes.to_vec()).expect("ours accepts");
    let ldk = LInvoice::try_from(bytes.to_vec()).expect("LDK accepts");
    compare_invoice(&ours, &ldk);
    (ours, ldk)
}

// ---------------------------------------------------------------------------------------
// Spec vectors.

fn load(name: &str) -> Vec<Value> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn offer_vectors_agree_with_ldk() {
    let mut differences = Vec::new();
    let cases = load("offers-test.json");
    assert_eq!(cases.len(), 53);
    for case in &cases {
        let description = case["description"].as_str().unwrap();
        let s = case["bolt12"].as_str().unwrap();
        let valid = case["valid"].as_bool().unwrap();
        let ours = Offer::from_str(s);
        let ldk = LOffer::from_str(s);
        assert_eq!(ours.is_ok(), valid, "ours on {description}");
        match (&ours, &ldk) {
            (Ok(o), Ok(l)) => compare_offer(o, l),
            (Err(_), Err(_)) => {}
            _ => {
                let bytes = string::decode(s).map(|(_, b)| b).unwrap_or_default();
                let reason = match &ours {
                    Err(ParseError::String(string::StringError::ExcessPadding { .. })) => {
                        Some("D0 bech32 padding over 4 bits")
                    }
                    _ => offer_difference(&bytes, &ours),
                };
                assert!(
                    reason.is_some(),
                    "{description}: ours {:?}, LDK {:?}",
                    ours.as_ref().err(),
                    ldk.as_ref().err()
                );
                differences.push((description, reason.unwrap()));
            }
        }
    }
    // Exactly these vectors are judged differently, each for a documented reason: LDK
    // leaves offer_features to `request_invoice`, accepts an empty offer_chains, and drops
    // excess bech32 padding (the vector is marked invalid: LDK is wrong there).
    assert_eq!(
        differences,
        vec![
            (
                "Contains unknown feature 122",
                "D1 offer_features unknown even bit"
            ),
            ("offer_chains with zero entries", "D2 empty offer_chains"),
            (
                "Bech32 padding exceeds 4-bit limit",
                "D0 bech32 padding over 4 bits"
            ),
        ]
    );
}

/// The string-format vectors (`format-string-test.json`): both accept the valid ones (to
/// the same offer) and refuse the invalid ones.
#[test]
fn format_string_vectors_agree_with_ldk() {
    let cases = load("format-string-test.json");
    assert_eq!(cases.len(), 12);
    for case in &cases {
        let s = case["string"].as_str().unwrap();
        let comment = case["comment"].as_str().unwrap();
        let ours = Offer::from_str(s);
        let ldk = LOffer::from_str(s);
        assert_eq!(
            ours.is_ok(),
            case["valid"].as_bool().unwrap(),
            "ours: {comment}"
        );
        assert_eq!(ldk.is_ok(), ours.is_ok(), "LDK: {comment}: {:?}", ldk.err());
        if let (Ok(o), Ok(l)) = (&ours, &ldk) {
            compare_offer(o, l);
        }
    }
}

// ---------------------------------------------------------------------------------------
// The generated corpus.

#[derive(Debug, Clone)]
struct OfferSpec {
    issuer: Option<Keypair>,
    metadata: Option<Vec<u8>>,
    chains: Vec<Network>,
    amount: Option<u64>,
    currency: Option<String>,
    description: Option<String>,
    issuer_name: Option<String>,
    quantity_max: Option<u64>,
    expiry: Option<u64>,
    paths: Vec<PathView>,
    /// Secret keys of each path's final blinded node (to sign invoices for path-only offers).
    final_hop_keys: Vec<Keypair>,
    odd_feature: bool,
}

fn gen_path(rng: &mut Rng, scid_intro: bool) -> (PathView, Keypair) {
    let hops = rng.range(1, 4) as usize;
    let mut keys: Vec<Keypair> = (0..hops).map(|_| rng.keypair()).collect();
    let last = keys.pop().unwrap();
    let mut ids: Vec<PublicKey> = keys.iter().map(|k| k.public_key()).collect();
    ids.push(last.public_key());
    let view = PathView {
        intro: if scid_intro {
            Intro::Scid(rng.below(2) as u8, rng.next() >> 8)
        } else {
            Intro::Node(rng.keypair().public_key())
        },
        blinding: rng.keypair().public_key(),
        hops: ids
            .into_iter()
            .map(|id| {
                let len = rng.below(80) as usize;
                (id, rng.bytes(len))
            })
            .collect(),
    };
    (view, last)
}

/// `ldk_compatible`: fields LDK's builder can produce (issuer id, msat amounts, node-id
/// introduction points, no features).
fn gen_offer_spec(rng: &mut Rng, ldk_compatible: bool) -> OfferSpec {
    const NETS: [Network; 5] = [
        Network::Bitcoin,
        Network::Testnet,
        Network::Testnet4,
        Network::Signet,
        Network::Regtest,
    ];
    let chains = match rng.below(5) {
        0 | 1 => vec![],
        2 => vec![Network::Bitcoin],
        3 => vec![NETS[rng.range(1, 4) as usize]],
        _ => vec![Network::Bitcoin, NETS[rng.range(1, 4) as usize]],
    };
    let currency = (!ldk_compatible && rng.chance(20))
        .then(|| ["USD", "EUR", "JPY"][rng.below(3) as usize].to_owned());
    let amount = rng.chance(70).then(|| match rng.below(3) {
        0 => rng.range(1, 1000),
        1 => rng.range(1, 10_000_000_000),
        _ => rng.range(1, 100_000_000_000_000),
    });
    let description = if amount.is_some() || rng.chance(50) {
        Some(rng.text(12))
    } else {
        None
    };
    let npaths = rng.below(3) as usize;
    let mut paths = Vec::new();
    let mut final_hop_keys = Vec::new();
    for _ in 0..npaths {
        let scid_intro = !ldk_compatible && rng.chance(30);
        let (p, k) = gen_path(rng, scid_intro);
        paths.push(p);
        final_hop_keys.push(k);
    }
    let issuer = if ldk_compatible || npaths == 0 || rng.chance(50) {
        Some(rng.keypair())
    } else {
        None
    };
    let now = now();
    OfferSpec {
        issuer,
        metadata: rng.chance(30).then(|| {
            let n = rng.range(1, 40) as usize;
            rng.bytes(n)
        }),
        chains,
        amount,
        currency: if amount.is_some() { currency } else { None },
        description,
        issuer_name: rng.chance(40).then(|| rng.text(8)),
        quantity_max: match rng.below(4) {
            0 => Some(0),
            1 => Some(rng.range(1, 20)),
            _ => None,
        },
        expiry: match rng.below(6) {
            0 => Some(now - rng.range(1, 1_000_000)), // expired
            1 | 2 => Some(now + rng.range(100_000, 1_000_000_000)),
            _ => None,
        },
        paths,
        final_hop_keys,
        odd_feature: !ldk_compatible && rng.chance(20),
    }
}

fn ldk_build_offer(spec: &OfferSpec) -> LOffer {
    let mut b = LOfferBuilder::new(spec.issuer.unwrap().public_key());
    if let Some(m) = &spec.metadata {
        b = b.metadata(m.clone()).unwrap();
    }
    for net in &spec.chains {
        b = b.chain(*net);
    }
    if let Some(a) = spec.amount {
        b = b.amount_msats(a);
    }
    if let Some(d) = &spec.description {
        b = b.description(d.clone());
    }
    if let Some(i) = &spec.issuer_name {
        b = b.issuer(i.clone());
    }
    if let Some(q) = spec.quantity_max {
        b = b.supported_quantity(match q {
            0 => Quantity::Unbounded,
            n => Quantity::Bounded(NonZeroU64::new(n).unwrap()),
        });
    }
    if let Some(e) = spec.expiry {
        b = b.absolute_expiry(Duration::from_secs(e));
    }
    for p in &spec.paths {
        b = b.path(to_ldk_msg_path(p));
    }
    b.build().expect("LDK builds the offer")
}

fn our_build_offer(spec: &OfferSpec) -> Offer {
    let mut b = OfferBuilder::new();
    if let Some(kp) = &spec.issuer {
        b = b.issuer_id(kp.public_key());
    }
    if let Some(m) = &spec.metadata {
        b = b.metadata(m.clone());
    }
    if !spec.chains.is_empty() {
        b = b.chains(
            spec.chains
                .iter()
                .map(|n| {
                    ChainHash(
                        lightning::bitcoin::constants::ChainHash::using_genesis_block(*n)
                            .to_bytes(),
                    )
                })
                .collect(),
        );
    }
    match (spec.amount, &spec.currency) {
        (Some(a), Some(c)) => b = b.amount_currency(c.clone(), a),
        (Some(a), None) => b = b.amount_msat(a),
        _ => {}
    }
    if let Some(d) = &spec.description {
        b = b.description(d.clone());
    }
    if let Some(i) = &spec.issuer_name {
        b = b.issuer(i.clone());
    }
    if let Some(q) = spec.quantity_max {
        b = b.quantity_max(q);
    }
    if let Some(e) = spec.expiry {
        b = b.absolute_expiry(e);
    }
    if !spec.paths.is_empty() {
        b = b.paths(spec.paths.iter().map(to_our_path).collect());
    }
    if spec.odd_feature {
        b = b.features(features::from_bits(&[2 * rng_bit(&spec.paths) + 1]));
    }
    b.build().expect("we build the offer")
}

/// A deterministic odd-feature choice derived from the spec (keeps `OfferSpec` plain data).
fn rng_bit(paths: &[PathView]) -> usize {
    10 + paths.len() * 7
}

#[derive(Debug, Clone)]
struct RequestSpec {
    chain: Option<Network>,
    amount: Option<u64>,
    quantity: Option<u64>,
    note: Option<String>,
    payer: Keypair,
    metadata: Vec<u8>,
    ldk_key: [u8; 32],
    ldk_nonce: [u8; 16],
}

fn gen_request_spec(rng: &mut Rng, offer: &OfferSpec) -> RequestSpec {
    let quantity = match offer.quantity_max {
        None => None,
        Some(0) => Some(rng.range(1, 1000)),
        Some(max) => Some(rng.range(1, max)),
    };
    let per_item = if offer.currency.is_none() {
        offer.amount.unwrap_or(0)
    } else {
        0
    };
    let expected = per_item.saturating_mul(quantity.unwrap_or(1));
    let amount = if offer.amount.is_none() || rng.chance(40) {
        Some(expected.max(1) + rng.below(3) * rng.range(0, 1_000_000))
    } else {
        None
    };
    let chain = match offer.chains.as_slice() {
        [] => None,
        chains if rng.chance(70) => Some(chains[rng.below(chains.len() as u64) as usize]),
        _ => None,
    };
    let chain = chain.or_else(|| {
        // Without offer_chains, or when bitcoin is not offered, the chain must be named.
        (!offer.chains.is_empty() && !offer.chains.contains(&Network::Bitcoin))
            .then(|| offer.chains[0])
    });
    RequestSpec {
        chain,
        amount: if expected > MAX_MSAT {
            None
        } else {
            amount.filter(|a| *a <= MAX_MSAT)
        },
        quantity,
        note: rng.chance(50).then(|| rng.text(10)),
        payer: rng.keypair(),
        metadata: {
            let n = rng.range(1, 48) as usize;
            rng.bytes(n)
        },
        ldk_key: rng.array32(),
        ldk_nonce: rng.bytes(16).try_into().unwrap(),
    }
}

fn ldk_build_request(offer: &LOffer, spec: &RequestSpec) -> Result<LRequest, String> {
    let key = ExpandedKey::new(spec.ldk_key);
    let nonce = Nonce::try_from(&spec.ldk_nonce[..]).unwrap();
    let mut b = offer
        .request_invoice(&key, nonce, SECP256K1, PaymentId(spec.ldk_key))
        .map_err(|e| format!("{e:?}"))?;
    if let Some(n) = spec.chain {
        b = b.chain(n).map_err(|e| format!("{e:?}"))?;
    }
    if let Some(q) = spec.quantity {
        b = b.quantity(q).map_err(|e| format!("{e:?}"))?;
    }
    if let Some(a) = spec.amount {
        b = b.amount_msats(a).map_err(|e| format!("{e:?}"))?;
    }
    if let Some(n) = &spec.note {
        b = b.payer_note(n.clone());
    }
    b.build_and_sign().map_err(|e| format!("{e:?}"))
}

fn our_build_request(offer: &Offer, spec: &RequestSpec) -> Result<InvoiceRequest, String> {
    let mut b = InvoiceRequestBuilder::new(offer, spec.metadata.clone(), spec.payer.public_key())
        .map_err(|e| e.to_string())?;
    if let Some(n) = spec.chain {
        b = b.chain(ChainHash(
            lightning::bitcoin::constants::ChainHash::using_genesis_block(n).to_bytes(),
        ));
    }
    if let Some(q) = spec.quantity {
        b = b.quantity(q);
    }
    if let Some(a) = spec.amount {
        b = b.amount_msat(a);
    }
    if let Some(n) = &spec.note {
        b = b.payer_note(n.clone());
    }
    b.build_and_sign(&spec.payer, now())
        .map_err(|e| e.to_string())
}

#[derive(Debug, Clone)]
struct InvoiceSpec {
    created_at: u64,
    payment_hash: [u8; 32],
    paths: Vec<(PathView, PayinfoView)>,
    relative_expiry: Option<u32>,
    mpp: bool,
    fallback: Option<[u8; 20]>,
}

fn gen_invoice_spec(rng: &mut Rng) -> InvoiceSpec {
    let n = rng.range(1, 3) as usize;
    let paths = (0..n)
        .map(|i| {
            let (p, _) = gen_path(rng, false);
            let mut feature_bits = Vec::new();
            if rng.chance(20) {
                feature_bits.push(2 * rng.range(1, 40) as usize + 1); // unknown odd: fine
            }
            if i > 0 && rng.chance(15) {
                feature_bits.push(2 * rng.range(1, 40) as usize); // unknown even, not on path 0
            }
            feature_bits.sort_unstable();
            let min = rng.range(0, 10_000);
            (
                p,
                PayinfoView {
                    fee_base_msat: rng.below(5000) as u32,
                    fee_proportional_millionths: rng.below(10_000) as u32,
                    cltv_expiry_delta: rng.range(18, 2016) as u16,
                    htlc_minimum_msat: min,
                    htlc_maximum_msat: min + rng.range(0, 10_000_000_000),
                    feature_bits,
                },
            )
        })
        .collect();
    InvoiceSpec {
        created_at: now() - rng.below(3600),
        payment_hash: rng.array32(),
        paths,
        relative_expiry: match rng.below(3) {
            0 => None,
            // At least an hour: `created_at` is up to an hour ago and the payer checks expiry.
            _ => Some(rng.range(3600, 1_000_000) as u32),
        },
        mpp: rng.chance(50),
        fallback: rng.chance(30).then(|| rng.bytes(20).try_into().unwrap()),
    }
}

fn ldk_build_invoice(
    req: &LRequest,
    spec: &InvoiceSpec,
    key: &Keypair,
) -> Result<LInvoice, String> {
    let paths = spec
        .paths
        .iter()
        .map(|(p, i)| {
            BlindedPaymentPath::from_blinded_path_and_payinfo(
                intro_pk(p),
                p.blinding,
                ldk_hops(p),
                to_ldk_payinfo(i),
            )
        })
        .collect();
    let mut b = req
        .respond_with_no_std(
            paths,
            PaymentHash(spec.payment_hash),
            Duration::from_secs(spec.created_at),
        )
        .map_err(|e| format!("{e:?}"))?;
    if let Some(e) = spec.relative_expiry {
        b = b.relative_expiry(e);
    }
    if spec.mpp {
        b = b.allow_mpp();
    }
    if let Some(f) = spec.fallback {
        b = b.fallback_v0_p2wpkh(&WPubkeyHash::from_byte_array(f));
    }
    let unsigned = b.build().map_err(|e| format!("{e:?}"))?;
    unsigned
        .sign(|m: &UnsignedBolt12Invoice| {
            Ok(SECP256K1.sign_schnorr_no_aux_rand(m.as_ref().as_digest(), key))
        })
        .map_err(|e| format!("{e:?}"))
}

fn our_build_invoice(
    req: &InvoiceRequest,
    spec: &InvoiceSpec,
    key: &Keypair,
) -> Result<Invoice, String> {
    let paths = spec
        .paths
        .iter()
        .map(|(p, i)| (to_our_path(p), to_our_payinfo(i)))
        .collect();
    let mut b = InvoiceBuilder::for_request(req, spec.created_at, Sha256(spec.payment_hash), paths)
        .map_err(|e| e.to_string())?;
    if req.tlvs().offer_issuer_id.is_none() {
        b = b.node_id(key.public_key());
    }
    if let Some(e) = spec.relative_expiry {
        b = b.relative_expiry(e);
    }
    if spec.mpp {
        b = b.features(features::from_bits(&[17]));
    }
    if let Some(f) = spec.fallback {
        b = b.fallbacks(vec![FallbackAddress {
            version: 0,
            address: f.to_vec(),
        }]);
    }
    b.build_and_sign(key).map_err(|e| e.to_string())
}

/// Every valid message of the corpus, by kind.
#[derive(Default)]
struct Corpus {
    offers: Vec<Vec<u8>>,
    requests: Vec<Vec<u8>>,
    invoices: Vec<Vec<u8>>,
    ldk_request_refusals: usize,
    /// Messages written by LDK's builders: offers, requests, invoices.
    ldk_built: [usize; 3],
}

fn build_corpus(seed: u64, n: usize) -> Corpus {
    let mut rng = Rng(seed);
    let mut corpus = Corpus::default();
    let now = now();
    for i in 0..n {
        let ldk_compatible = i % 3 != 2;
        let spec = gen_offer_spec(&mut rng, ldk_compatible);
        let ours = our_build_offer(&spec);
        let (our_offer, ldk_offer) = both_offer(ours.as_bytes());
        if ldk_compatible {
            // Both writers produce exactly the same offer from the same fields.
            let ldk = ldk_build_offer(&spec);
            corpus.ldk_built[0] += 1;
            assert_eq!(
                ldk.as_ref(),
                our_offer.as_bytes(),
                "writers agree on {spec:?}"
            );
            // String forms agree and cross-parse.
            assert_eq!(ldk.to_string(), our_offer.to_string());
            let ldk_from_ours = LOffer::from_str(&our_offer.to_string()).unwrap();
            compare_offer(&Offer::from_str(&ldk.to_string()).unwrap(), &ldk_from_ours);
        }
        corpus.offers.push(our_offer.as_bytes().to_vec());

        let expired = spec.expiry.is_some_and(|e| now > e);
        let rspec = gen_request_spec(&mut rng, &spec);
        // Our request for the offer.
        let our_req = our_build_request(&our_offer, &rspec);
        // LDK's request for the same offer (LDK refuses currency offers; see D8).
        let ldk_req = ldk_build_request(&ldk_offer, &rspec);
        if expired {
            assert!(
                our_req.is_err() && ldk_req.is_err(),
                "both refuse to answer an expired offer"
            );
            continue;
        }
        let our_req = our_req.unwrap_or_else(|e| panic!("our request for {spec:?} {rspec:?}: {e}"));
        let (our_req, our_req_ldk) = if spec.currency.is_some() {
            // D8: LDK refuses invoice requests for currency-priced offers.
            assert!(ldk_req.is_err());
            corpus.ldk_request_refusals += 1;
            assert!(LRequest::try_from(our_req.as_bytes().to_vec()).is_err());
            (our_req, None)
        } else {
            let (o, l) = both_request(our_req.as_bytes());
            (o, Some(l))
        };
        corpus.requests.push(our_req.as_bytes().to_vec());
        let ldk_req = match ldk_req {
            Ok(r) => {
                let (o, l) = both_request(&ldk_request_bytes(&r));
                corpus.ldk_built[1] += 1;
                corpus.requests.push(o.as_bytes().to_vec());
                Some((o, l))
            }
            Err(e) => {
                assert!(
                    spec.currency.is_some(),
                    "LDK refused {spec:?} {rspec:?}: {e}"
                );
                None
            }
        };

        // Invoices: the signer is the issuer, or the final hop of the first path.
        let signer = spec.issuer.unwrap_or_else(|| spec.final_hop_keys[0]);
        let ispec = gen_invoice_spec(&mut rng);
        let chains = [ChainHash::BITCOIN]
            .into_iter()
            .chain(spec.chains.iter().map(|n| {
                ChainHash(
                    lightning::bitcoin::constants::ChainHash::using_genesis_block(*n).to_bytes(),
                )
            }))
            .collect::<Vec<_>>();
        // We answer our request and LDK's.
        let mut answered: Vec<(InvoiceRequest, Invoice)> = Vec::new();
        let currency_needs_amount = spec.currency.is_some() && rspec.amount.is_none();
        for req in std::iter::once(&our_req).chain(ldk_req.as_ref().map(|(o, _)| o)) {
            match our_build_invoice(req, &ispec, &signer) {
                Ok(inv) => answered.push((req.clone(), inv)),
                Err(e) => assert!(currency_needs_amount, "our invoice: {e}"),
            }
        }
        // LDK answers its request and ours (it needs offer_issuer_id, which its offers have).
        if spec.issuer.is_some() {
            for (req, ldk) in std::iter::once((&our_req, our_req_ldk.as_ref()))
                .chain(ldk_req.as_ref().map(|(o, l)| (o, Some(l))))
            {
                let Some(ldk) = ldk else { continue };
                let inv = ldk_build_invoice(ldk, &ispec, &signer).expect("LDK invoice");
                corpus.ldk_built[2] += 1;
                let (o, _) = both_invoice(&ldk_invoice_bytes(&inv));
                // Same request, same fields: both writers produce the same unsigned invoice,
                // unless our builder omitted an explicit default relative expiry.
                if ispec.relative_expiry != Some(7200) {
                    let ours = our_build_invoice(req, &ispec, &signer).unwrap();
                    assert_eq!(
                        unsigned_part(ours.as_bytes()),
                        unsigned_part(o.as_bytes()),
                        "writers agree"
                    );
                }
                answered.push((req.clone(), o));
            }
        }
        for (req, inv) in &answered {
            let bytes = inv.as_bytes();
            let ours = Invoice::from_bytes(bytes.to_vec()).unwrap();
            if spec.currency.is_none() {
                both_invoice(bytes);
            } else {
                assert!(
                    LInvoice::try_from(bytes.to_vec()).is_err(),
                    "D8 for invoices"
                );
            }
            // The payer's checks pass for the request it answers.
            ours.check_against_request(req, now, &chains).unwrap();
            corpus.invoices.push(bytes.to_vec());
        }
    }
    corpus
}

#[test]
fn generated_corpus_agrees_with_ldk() {
    let corpus = build_corpus(0x0b01_7212, 300);
    eprintln!(
        "corpus: {} offers, {} requests, {} invoices; written by LDK: {:?}",
        corpus.offers.len(),
        corpus.requests.len(),
        corpus.invoices.len(),
        corpus.ldk_built
    );
    assert!(
        corpus.ldk_built.iter().all(|n| *n >= 100),
        "{:?}",
        corpus.ldk_built
    );
    assert_eq!(corpus.offers.len(), 300);
    assert!(corpus.requests.len() >= 300, "{}", corpus.requests.len());
    assert!(corpus.invoices.len() >= 300, "{}", corpus.invoices.len());
    assert!(corpus.ldk_request_refusals > 0);
}

// ---------------------------------------------------------------------------------------
// Mutations.

/// Byte ranges of each record.
fn record_spans(bytes: &[u8]) -> Vec<(usize, usize, u64)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for r in TlvStreamReader::new(bytes, "x").map_while(Result::ok) {
        out.push((offset, offset + r.bytes.len(), r.tlv_type));
        offset += r.bytes.len();
    }
    out
}

fn mutations(rng: &mut Rng, bytes: &[u8], per_kind: usize) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for _ in 0..per_kind {
        let mut m = bytes.to_vec();
        let i = rng.below(m.len() as u64) as usize;
        m[i] ^= rng.range(1, 255) as u8;
        out.push((format!("flip byte {i}"), m));

        let cut = rng.below(bytes.len() as u64) as usize;
        out.push((format!("truncate to {cut}"), bytes[..cut].to_vec()));

        let spans = record_spans(bytes);
        let (a, b, t) = spans[rng.below(spans.len() as u64) as usize];
        let mut m = bytes[..a].to_vec();
        m.extend_from_slice(&bytes[b..]);
        out.push((format!("drop record type {t}"), m));
    }
    out
}

#[test]
fn mutated_corpus_agrees_with_ldk() {
    let corpus = build_corpus(0x5eed_0001, 120);
    let mut rng = Rng(0x7777);
    let mut unexplained = Vec::new();
    let mut explained: std::collections::BTreeMap<&'static str, usize> = Default::default();
    let mut both_accept = 0;
    let mut total = 0;
    let mut note = |kind: &str,
                    what: &str,
                    m: &[u8],
                    agree: bool,
                    reason: Option<&'static str>,
                    ours: String,
                    ldk: String| {
        total += 1;
        if agree {
            return;
        }
        match reason {
            Some(r) => *explained.entry(r).or_default() += 1,
            None => unexplained.push(format!(
                "{kind} {what}: {}\n  ours: {ours}\n  ldk: {ldk}",
                hex::encode(m)
            )),
        }
    };
    for bytes in &corpus.offers {
        for (what, m) in mutations(&mut rng, bytes, 3) {
            let ours = Offer::from_bytes(m.clone());
            let ldk = LOffer::try_from(m.clone());
            if let (Ok(o), Ok(l)) = (&ours, &ldk) {
                compare_offer(o, l);
                both_accept += 1;
            }
            note(
                "offer",
                &what,
                &m,
                ours.is_ok() == ldk.is_ok(),
                offer_difference(&m, &ours),
                format!("{:?}", ours.as_ref().err()),
                format!("{:?}", ldk.as_ref().err()),
            );
        }
    }
    for bytes in &corpus.requests {
        for (what, m) in mutations(&mut rng, bytes, 2) {
            let ours = InvoiceRequest::from_bytes(m.clone());
            let ldk = LRequest::try_from(m.clone());
            if let (Ok(o), Ok(l)) = (&ours, &ldk) {
                compare_request(o, l);
                both_accept += 1;
            }
            note(
                "request",
                &what,
                &m,
                ours.is_ok() == ldk.is_ok(),
                request_difference(&m, &ours),
                format!("{:?}", ours.as_ref().err()),
                format!("{:?}", ldk.as_ref().err()),
            );
        }
    }
    for bytes in &corpus.invoices {
        for (what, m) in mutations(&mut rng, bytes, 2) {
            let ours = Invoice::from_bytes(m.clone());
            let ldk = LInvoice::try_from(m.clone());
            if let (Ok(o), Ok(l)) = (&ours, &ldk) {
                compare_invoice(o, l);
                both_accept += 1;
            }
            note(
                "invoice",
                &what,
                &m,
                ours.is_ok() == ldk.is_ok(),
                invoice_difference(&m, &ours),
                format!("{:?}", ours.as_ref().err()),
                format!("{:?}", ldk.as_ref().err()),
            );
        }
    }
    eprintln!(
        "mutations: {total}, both accepted: {both_accept}, documented differences: {explained:?}"
    );
    assert!(
        unexplained.is_empty(),
        "{} unexplained disagreements:\n{}",
        unexplained.len(),
        unexplained
            .iter()
            .take(15)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(total > 2000);
    assert!(both_accept > 0);
}

// ---------------------------------------------------------------------------------------
// Each documented difference, pinned by a crafted input. Line numbers refer to
// /work/shared/bolts/12-offer-encoding.md.

use lightning::offers::parse::{Bolt12ParseError, Bolt12SemanticError};

fn kp(i: u8) -> Keypair {
    Keypair::from_secret_key(SECP256K1, &SecretKey::from_slice(&[i; 32]).unwrap())
}

/// An offer (issuer key 1, 1000 msat), our request for it (payer key 2), our invoice.
fn base() -> (Offer, InvoiceRequest, Invoice) {
    let offer = OfferBuilder::new()
        .issuer_id(kp(1).public_key())
        .description("base")
        .amount_msat(1000)
        .build()
        .unwrap();
    let req = InvoiceRequestBuilder::new(&offer, vec![1; 8], kp(2).public_key())
        .unwrap()
        .build_and_sign(&kp(2), now())
        .unwrap();
    let (path, _) = gen_path(&mut Rng(1), false);
    let info = PayinfoView {
        fee_base_msat: 1,
        fee_proportional_millionths: 1,
        cltv_expiry_delta: 40,
        htlc_minimum_msat: 1,
        htlc_maximum_msat: 1_000_000,
        feature_bits: vec![],
    };
    let inv = InvoiceBuilder::for_request(
        &req,
        now(),
        Sha256([3; 32]),
        vec![(to_our_path(&path), to_our_payinfo(&info))],
    )
    .unwrap()
    .build_and_sign(&kp(1))
    .unwrap();
    (offer, req, inv)
}

fn signed_request(mut t: InvoiceRequestTlvs, key: &Keypair) -> Vec<u8> {
    t.signature = None;
    let root = merkle::root(&t.encode().unwrap()).unwrap().unwrap();
    t.signature = Some(merkle::sign("invoice_request", "signature", &root, key));
    t.encode().unwrap()
}

fn signed_invoice(mut t: InvoiceTlvs, key: &Keypair) -> Vec<u8> {
    t.signature = None;
    let root = merkle::root(&t.encode().unwrap()).unwrap().unwrap();
    t.signature = Some(merkle::sign("invoice", "signature", &root, key));
    t.encode().unwrap()
}

fn base_offer_tlvs() -> OfferTlvs {
    OfferTlvs {
        offer_issuer_id: Some(wire::Point::from(kp(1).public_key())),
        offer_description: Some("d".into()),
        offer_amount: Some(1000),
        ..OfferTlvs::default()
    }
}

fn ldk_semantic(e: &Bolt12ParseError) -> Option<&Bolt12SemanticError> {
    match e {
        Bolt12ParseError::InvalidSemantics(s) => Some(s),
        _ => None,
    }
}

/// D1. Line 292-294: unknown even `offer_features` bit: "MUST NOT respond to the offer".
/// We refuse at parse; LDK parses and refuses in `request_invoice`. Both comply.
#[test]
fn d1_offer_unknown_even_feature() {
    let mut t = base_offer_tlvs();
    t.offer_features = Some(features::from_bits(&[122]));
    let bytes = t.encode().unwrap();
    assert!(matches!(
        Offer::from_bytes(bytes.clone()),
        Err(ParseError::Semantic(
            SemanticError::UnknownRequiredFeature {
                field: "offer_features",
                bit: 122
            }
        ))
    ));
    let ldk = LOffer::try_from(bytes).unwrap();
    let refused = ldk.request_invoice(
        &ExpandedKey::new([0; 32]),
        Nonce::try_from(&[0u8; 16][..]).unwrap(),
        SECP256K1,
        PaymentId([0; 32]),
    );
    assert!(matches!(
        refused,
        Err(Bolt12SemanticError::UnknownRequiredFeatures)
    ));
}

/// D2. Line 354-356: "An empty `offer_chains` (present but with zero entries) is explicitly
/// invalid". We refuse; LDK accepts the offer (but can then build no request for it). We
/// are right.
#[test]
fn d2_empty_offer_chains() {
    let mut t = base_offer_tlvs();
    t.offer_chains = Some(vec![]);
    let bytes = t.encode().unwrap();
    assert!(matches!(
        Offer::from_bytes(bytes.clone()),
        Err(ParseError::Semantic(SemanticError::EmptyOfferChains))
    ));
    let ldk = LOffer::try_from(bytes).unwrap();
    assert!(ldk.chains().is_empty());
    let b = ldk
        .request_invoice(
            &ExpandedKey::new([0; 32]),
            Nonce::try_from(&[0u8; 16][..]).unwrap(),
            SECP256K1,
            PaymentId([0; 32]),
        )
        .unwrap();
    assert!(matches!(
        b.build_and_sign(),
        Err(Bolt12SemanticError::UnsupportedChain)
    ));
}

/// D3. Line 248 is a writer rule ("MUST specify `offer_currency` `iso4217` as an ISO 4217
/// three-letter code"); the reader rules (288-319) have none. We accept what we read (our
/// builder enforces the writer rule); LDK refuses at parse. LDK is stricter than the spec.
#[test]
fn d3_currency_not_iso4217() {
    for code in ["usd", "US", "EURO"] {
        let mut t = base_offer_tlvs();
        t.offer_currency = Some(code.into());
        let bytes = t.encode().unwrap();
        let ours = Offer::from_bytes(bytes.clone());
        assert!(ours.is_ok(), "{code}");
        assert_eq!(
            offer_difference(&bytes, &ours),
            Some("D3 offer_currency not 3 uppercase letters")
        );
        assert!(LOffer::try_from(bytes).is_err(), "{code}");
        assert!(matches!(
            OfferBuilder::new()
                .issuer_id(kp(1).public_key())
                .description("d")
                .amount_currency(code, 1)
                .build(),
            Err(bolt12::BuildError::InvalidCurrency(_))
        ));
    }
}

/// D4. The offer reader rules (288-319) bound `offer_amount` only below ("greater than
/// zero", 303). LDK refuses amounts above 21 million BTC at parse; we accept the offer and
/// refuse any request for it (the expected amount is above the supply).
#[test]
fn d4_offer_amount_above_supply() {
    let mut t = base_offer_tlvs();
    t.offer_amount = Some(MAX_MSAT + 1);
    let bytes = t.encode().unwrap();
    let offer = Offer::from_bytes(bytes.clone()).unwrap();
    assert!(matches!(
        ldk_semantic(&LOffer::try_from(bytes).unwrap_err()),
        Some(Bolt12SemanticError::InvalidAmount)
    ));
    let req = InvoiceRequestBuilder::new(&offer, vec![1], kp(2).public_key())
        .unwrap()
        .amount_msat(MAX_MSAT)
        .build_and_sign(&kp(2), now());
    assert!(matches!(
        req,
        Err(bolt12::BuildError::Invalid(ParseError::Semantic(
            SemanticError::AmountOverflow("offer_amount")
        )))
    ));
}

/// D4, without `invreq_amount`: the expected amount (`offer_amount` x quantity, 531-534)
/// is above the bitcoin supply, and an invoice would have to carry it (729): refused.
#[test]
fn d4_request_without_amount_for_offer_above_supply() {
    let mut t = base_offer_tlvs();
    t.offer_amount = Some(MAX_MSAT + 1);
    let offer = Offer::from_bytes(t.encode().unwrap()).unwrap();
    let req = InvoiceRequestBuilder::new(&offer, vec![1], kp(2).public_key())
        .unwrap()
        .build_and_sign(&kp(2), now());
    assert!(req.is_err());
}

/// D5. 308-309: "if neither `offer_issuer_id` nor `offer_paths` are set: MUST NOT respond";
/// with `offer_paths` present but empty there is nothing to send the request to (321-322:
/// "MUST send the onion message via any path in `offer_paths`"), and writers "MUST include
/// `offer_paths` containing one or more paths" (265). Both refuse (LDK: MissingPaths).
#[test]
fn d5_empty_offer_paths_without_issuer_id() {
    let mut t = base_offer_tlvs();
    t.offer_issuer_id = None;
    t.offer_paths = Some(vec![]);
    let bytes = t.encode().unwrap();
    assert!(matches!(
        ldk_semantic(&LOffer::try_from(bytes.clone()).unwrap_err()),
        Some(Bolt12SemanticError::MissingPaths)
    ));
    assert!(Offer::from_bytes(bytes).is_err());
}

/// D6. 509-510: unknown even `invreq_features` bit: "MUST reject the invoice request". We
/// do, at parse; LDK parses it and refuses only when responding. We are right.
#[test]
fn d6_request_unknown_even_feature() {
    let (_, req, _) = base();
    let mut t = req.tlvs().clone();
    t.invreq_features = Some(features::from_bits(&[100]));
    let bytes = signed_request(t, &kp(2));
    assert!(matches!(
        InvoiceRequest::from_bytes(bytes.clone()),
        Err(ParseError::Semantic(
            SemanticError::UnknownRequiredFeature {
                field: "invreq_features",
                bit: 100
            }
        ))
    ));
    let ldk = LRequest::try_from(bytes).unwrap();
    let (path, info) = gen_invoice_spec(&mut Rng(2)).paths.remove(0);
    let paths = vec![BlindedPaymentPath::from_blinded_path_and_payinfo(
        intro_pk(&path),
        path.blinding,
        ldk_hops(&path),
        to_ldk_payinfo(&info),
    )];
    assert!(matches!(
        ldk.respond_with_no_std(paths, PaymentHash([0; 32]), Duration::from_secs(now())),
        Err(Bolt12SemanticError::UnknownRequiredFeatures)
    ));
}

/// D7. 541-547: an invoice request that answers no offer is valid (it needs
/// `invreq_amount`; the response goes to `invreq_paths` or `invreq_payer_id`). LDK reads
/// only requests for offers (its "refund" covers that flow). We are right.
#[test]
fn d7_request_without_offer() {
    let t = InvoiceRequestTlvs {
        invreq_metadata: Some(vec![5; 8]),
        offer_description: Some("refund".into()),
        invreq_amount: Some(5000),
        invreq_payer_id: Some(wire::Point::from(kp(2).public_key())),
        ..InvoiceRequestTlvs::default()
    };
    let bytes = signed_request(t, &kp(2));
    let ours = InvoiceRequest::from_bytes(bytes.clone()).unwrap();
    assert!(!ours.answers_offer());
    assert!(matches!(
        ldk_semantic(&LRequest::try_from(bytes).unwrap_err()),
        Some(Bolt12SemanticError::MissingIssuerSigningPubkey)
    ));
}

/// D8. 531-536: for a currency-priced offer the reader converts to the chain's currency;
/// requests for such offers are valid. LDK refuses them (UnsupportedCurrency). We are right.
#[test]
fn d8_request_for_currency_offer() {
    let offer = OfferBuilder::new()
        .issuer_id(kp(1).public_key())
        .description("d")
        .amount_currency("USD", 500)
        .build()
        .unwrap();
    let req = InvoiceRequestBuilder::new(&offer, vec![1; 8], kp(2).public_key())
        .unwrap()
        .amount_msat(7_000_000)
        .build_and_sign(&kp(2), now())
        .unwrap();
    assert!(LOffer::try_from(offer.as_bytes().to_vec()).is_ok());
    assert!(matches!(
        ldk_semantic(&LRequest::try_from(req.as_bytes().to_vec()).unwrap_err()),
        Some(Bolt12SemanticError::UnsupportedCurrency)
    ));
}

/// D9. The spec defines `invreq_paths` (487, 547) and no reader rule refuses it in a
/// request for an offer. LDK refuses it (UnexpectedPaths); we accept it. LDK is stricter.
#[test]
fn d9_request_with_paths() {
    let (_, req, _) = base();
    let mut t = req.tlvs().clone();
    let (p, _) = gen_path(&mut Rng(3), false);
    t.invreq_paths = Some(vec![to_our_path(&p)]);
    let bytes = signed_request(t, &kp(2));
    assert!(InvoiceRequest::from_bytes(bytes.clone()).is_ok());
    assert!(matches!(
        ldk_semantic(&LRequest::try_from(bytes).unwrap_err()),
        Some(Bolt12SemanticError::UnexpectedPaths)
    ));
}

/// D10. 464-465: with `offer_chains` set, the writer "MUST set `invreq_chain` to one of
/// `offer_chains` unless that chain is bitcoin"; an absent `invreq_chain` means bitcoin
/// (548-549). A request without `invreq_chain` for an offer whose chains exclude bitcoin
/// asks for a chain the offer does not offer. We refuse an explicit `invreq_chain` outside
/// `offer_chains` (ChainNotInOffer), this implicit one too; LDK: UnsupportedChain.
#[test]
fn d10_implicit_bitcoin_chain_not_offered() {
    let (_, req, _) = base();
    let mut t = req.tlvs().clone();
    t.offer_chains = Some(vec![ChainHash(
        lightning::bitcoin::constants::ChainHash::TESTNET4.to_bytes(),
    )]);
    t.invreq_chain = None;
    let bytes = signed_request(t, &kp(2));
    assert!(matches!(
        ldk_semantic(&LRequest::try_from(bytes.clone()).unwrap_err()),
        Some(Bolt12SemanticError::UnsupportedChain)
    ));
    assert!(matches!(
        InvoiceRequest::from_bytes(bytes),
        Err(ParseError::Semantic(SemanticError::ChainNotInOffer))
    ));
}

/// D12. 769-770: unknown even `invoice_features` bit: "MUST reject the invoice". We do;
/// LDK parses it. We are right.
#[test]
fn d12_invoice_unknown_even_feature() {
    let (_, _, inv) = base();
    let mut t = inv.tlvs().clone();
    t.invoice_features = Some(features::from_bits(&[100]));
    let bytes = signed_invoice(t, &kp(1));
    assert!(matches!(
        Invoice::from_bytes(bytes.clone()),
        Err(ParseError::Semantic(
            SemanticError::UnknownRequiredFeature {
                field: "invoice_features",
                bit: 100
            }
        ))
    ));
    assert!(LInvoice::try_from(bytes).is_ok());
}

/// D13. 779-781: a path whose `blinded_payinfo` has unknown even features is unusable, and
/// "MUST reject the invoice if this leaves no usable paths". We do; LDK parses it. We are
/// right.
#[test]
fn d13_no_usable_path() {
    let (_, _, inv) = base();
    let mut t = inv.tlvs().clone();
    t.invoice_blindedpay.as_mut().unwrap()[0].features = features::from_bits(&[40]);
    let bytes = signed_invoice(t, &kp(1));
    assert!(matches!(
        Invoice::from_bytes(bytes.clone()),
        Err(ParseError::Semantic(SemanticError::NoUsablePaths))
    ));
    assert!(LInvoice::try_from(bytes).is_ok());
}

/// D14. 782-785: "if the invoice is a response to an `invoice_request`: ... if
/// `offer_issuer_id` is present: MUST reject the invoice if `invoice_node_id` is not equal
/// to `offer_issuer_id`". We check it where the request is known
/// (`Invoice::check_against_request`); LDK already at parse. Both reject it before paying.
#[test]
fn d14_invoice_node_id_not_issuer() {
    let (_, req, inv) = base();
    let mut t = inv.tlvs().clone();
    t.invoice_node_id = Some(wire::Point::from(kp(9).public_key()));
    let bytes = signed_invoice(t, &kp(9));
    let ours = Invoice::from_bytes(bytes.clone()).unwrap();
    assert_eq!(
        ours.check_against_request(&req, now(), &[ChainHash::BITCOIN]),
        Err(bolt12::PayerCheckError::NodeIdMismatch)
    );
    assert!(matches!(
        ldk_semantic(&LInvoice::try_from(bytes).unwrap_err()),
        Some(Bolt12SemanticError::InvalidSigningPubkey)
    ));
}

/// D15. 798-799, a reader rule outside the "response to an invoice_request" block: "if
/// `invreq_amount` is present: MUST reject the invoice if `invoice_amount` is not equal to
/// `invreq_amount`". Both fields are in the invoice, so the reader can check it alone, as
/// LDK does (InvalidAmount); so do we (InvoiceAmountMismatch).
#[test]
fn d15_invoice_amount_differs_from_invreq_amount() {
    let (offer, _, _) = base();
    let req = InvoiceRequestBuilder::new(&offer, vec![1; 8], kp(2).public_key())
        .unwrap()
        .amount_msat(2000)
        .build_and_sign(&kp(2), now())
        .unwrap();
    let (path, info) = gen_invoice_spec(&mut Rng(4)).paths.remove(0);
    let builder = InvoiceBuilder::for_request(
        &req,
        now(),
        Sha256([3; 32]),
        vec![(to_our_path(&path), to_our_payinfo(&info))],
    )
    .unwrap();
    // Our writer refuses (it re-reads its output)...
    assert!(matches!(
        builder.clone().amount_msat(1500).build_and_sign(&kp(1)),
        Err(bolt12::BuildError::Invalid(ParseError::Semantic(
            SemanticError::InvoiceAmountMismatch {
                invoice: 1500,
                requested: 2000
            }
        )))
    ));
    // ...so craft the invoice by hand: change the amount of a valid one and re-sign.
    let inv = builder.build_and_sign(&kp(1)).unwrap();
    let mut t = inv.tlvs().clone();
    t.invoice_amount = Some(1500);
    t.signature = None;
    let root = bolt12::merkle::root(&t.encode().unwrap()).unwrap().unwrap();
    t.signature = Some(bolt12::merkle::sign("invoice", "signature", &root, &kp(1)));
    let bytes = t.encode().unwrap();
    assert!(matches!(
        ldk_semantic(&LInvoice::try_from(bytes.clone()).unwrap_err()),
        Some(Bolt12SemanticError::InvalidAmount)
    ));
    assert_eq!(
        Invoice::from_bytes(bytes),
        Err(ParseError::Semantic(SemanticError::InvoiceAmountMismatch {
            invoice: 1500,
            requested: 2000
        }))
    );
}

/// D16. The invoice reader rules (758-811) set no TLV type range (unlike offers, 288, and
/// requests, 506); LDK refuses odd records of types 1001 to 999999999. We accept them (and
/// sign over them). LDK is stricter than the spec.
#[test]
fn d16_invoice_odd_record_outside_ldk_ranges() {
    let (_, _, inv) = base();
    let mut t = inv.tlvs().clone();
    t.unknown.push(wire::UnknownRecord {
        tlv_type: 1001,
        value: vec![1, 2, 3],
    });
    let bytes = signed_invoice(t, &kp(1));
    let ours = Invoice::from_bytes(bytes.clone());
    assert!(ours.is_ok());
    assert_eq!(
        invoice_difference(&bytes, &ours),
        Some("D16 invoice record type in 1001..999999999")
    );
    assert!(LInvoice::try_from(bytes).is_err());
}

/// D17, found by the `ldk_differential` fuzz target: an offer whose Core Lightning
/// `offer_recurrence` (odd type 25, `spec-csv/cln-recurrence.csv`) has a `period` that is not
/// minimal (tu32 zero in one byte). We read the draft field and refuse its encoding; LDK
/// ignores the unknown odd record.
#[test]
fn d17_malformed_recurrence_subtype_field() {
    let bytes = hex::decode(
        "162103529d4e3a712390af2bb6a51faf8265e27b011404d224f0f68ffa290cea93525dfe3b9aca19020100",
    )
    .unwrap();
    let ours = Offer::from_bytes(bytes.clone());
    assert!(
        matches!(&ours, Err(ParseError::Decode(e)) if format!("{e:?}").contains("recurrence.period")),
        "{ours:?}"
    );
    assert!(LOffer::try_from(bytes).is_ok());
}

/// String-level mutations of corpus offers (a character replaced, removed or added, a `+`
/// continuation inserted): both libraries agree on accept/reject, except where the decoded
/// bytes hit a documented difference, or where LDK ignores bech32 padding rules (D0).
#[test]
fn mutated_strings_agree_with_ldk() {
    const CHARSET: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    let corpus = build_corpus(0x5eed_0002, 40);
    let mut rng = Rng(0x8888);
    let mut unexplained = Vec::new();
    let mut padding = 0;
    let mut total = 0;
    for bytes in &corpus.offers {
        let s = string::encode("lno", bytes);
        for _ in 0..25 {
            let mut m: Vec<u8> = s.as_bytes().to_vec();
            let at = rng.range(4, m.len() as u64 - 1) as usize;
            let c = CHARSET[rng.below(32) as usize];
            let what = match rng.below(5) {
                0 => {
                    m[at] = c;
                    "replace"
                }
                1 => {
                    m.remove(at);
                    "remove"
                }
                2 => {
                    m.insert(at, c);
                    "insert"
                }
                3 => {
                    m.insert(at, b'+');
                    "plus"
                }
                _ => {
                    m.splice(at..at, b"+ \n ".iter().copied());
                    "plus and whitespace"
                }
            };
            let m = String::from_utf8(m).unwrap();
            let ours = Offer::from_str(&m);
            let ldk = LOffer::from_str(&m);
            total += 1;
            match (&ours, &ldk) {
                (Ok(o), Ok(l)) => compare_offer(o, l),
                (Err(_), Err(_)) => {}
                (
                    Err(ParseError::String(
                        string::StringError::ExcessPadding { .. }
                        | string::StringError::NonZeroPadding,
                    )),
                    Ok(_),
                ) => padding += 1,
                _ => {
                    let decoded = string::decode(&m).map(|(_, b)| b).unwrap_or_default();
                    if offer_difference(&decoded, &ours).is_none() {
                        unexplained.push(format!(
                            "{what}: {m}\n  ours {:?}\n  ldk {:?}",
                            ours.err(),
                            ldk.err()
                        ));
                    }
                }
            }
        }
    }
    eprintln!("string mutations: {total}, LDK ignoring padding: {padding}");
    assert!(unexplained.is_empty(), "{}", unexplained.join("\n"));
    // Removing or adding one character changes the padding: LDK accepts some of these.
    assert!(padding > 0);
}

/// D0. The string form's padding. `offers-test.json` marks "Bech32 padding exceeds 4-bit
/// limit" invalid, and BIP-173 (whose 5-bit encoding BOLT 12 §Encoding uses, lines 78-79)
/// requires the final incomplete group to be at most 4 bits and all zeroes. We refuse both
/// excess and non-zero padding; LDK drops the extra bits and accepts. We are right.
#[test]
fn d0_string_padding() {
    // A minimal offer is 35 bytes = 280 bits = 56 characters exactly: no padding. Take an
    // offer whose length leaves padding bits, and set the lowest one.
    let offer = OfferBuilder::new()
        .issuer_id(kp(1).public_key())
        .description("x")
        .build()
        .unwrap();
    let s = offer.to_string();
    assert_ne!((offer.as_bytes().len() * 8) % 5, 0, "needs padding bits");
    const CHARSET: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    let last = s.as_bytes()[s.len() - 1];
    let v = CHARSET.iter().position(|c| *c == last).unwrap();
    let bad = format!("{}{}", &s[..s.len() - 1], CHARSET[v | 1] as char);
    assert!(matches!(
        Offer::from_str(&bad),
        Err(ParseError::String(string::StringError::NonZeroPadding))
    ));
    compare_offer(
        &offer,
        &LOffer::from_str(&bad).expect("LDK ignores the padding bits"),
    );
    // One character too many: 5 more bits of padding.
    let long = format!("{s}q");
    assert!(matches!(
        Offer::from_str(&long),
        Err(ParseError::String(
            string::StringError::ExcessPadding { .. }
        ))
    ));
    assert!(LOffer::from_str(&long).is_ok());
}
