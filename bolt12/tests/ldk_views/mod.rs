//! Normalised views of offers, invoice requests and invoices, read from our types and
//! from LDK 0.2.7's, and the field-by-field comparisons between them: what both libraries
//! must agree on. Shared by the LDK differential test (`bolt12/tests/ldk_differential.rs`)
//! and the LDK differential fuzz target (`fuzz/fuzz_targets/ldk_differential.rs`, through
//! `#[path]`), so both hold the two readers to the same comparison.
#![allow(dead_code, unused_imports)]
use bolt12::tlv::{BlindedPath, BlindedPayinfo, InvoiceRequestTlvs, InvoiceTlvs, OfferTlvs};
use bolt12::{features, merkle, Invoice, InvoiceRequest, Offer, ParseError, SemanticError};
use lightning::bitcoin::hashes::Hash as _;
use lightning::blinded_path::message::BlindedMessagePath;
use lightning::blinded_path::payment::BlindedPaymentPath;
use lightning::blinded_path::{Direction as LDirection, IntroductionNode};
use lightning::offers::invoice::Bolt12Invoice as LInvoice;
use lightning::offers::invoice_request::InvoiceRequest as LRequest;
use lightning::offers::offer::{Amount as LAmount, Offer as LOffer, Quantity};
use lightning::util::ser::Writeable;
use secp256k1::{Message, PublicKey, SECP256K1};
use wire::{Bip340Sig, ChainHash, SciddirOrPubkey, TlvStreamReader};

// Normalised views: what both libraries must agree on.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intro {
    Node(PublicKey),
    Scid(u8, u64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathView {
    pub intro: Intro,
    pub blinding: PublicKey,
    pub hops: Vec<(PublicKey, Vec<u8>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayinfoView {
    pub fee_base_msat: u32,
    pub fee_proportional_millionths: u32,
    pub cltv_expiry_delta: u16,
    pub htlc_minimum_msat: u64,
    pub htlc_maximum_msat: u64,
    /// Feature bits set, lowest first.
    pub feature_bits: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferView {
    /// `offer_chains`, or bitcoin when absent.
    pub chains: Vec<[u8; 32]>,
    pub metadata: Option<Vec<u8>>,
    /// `(offer_currency, offer_amount)`.
    pub amount: Option<(Option<String>, u64)>,
    pub description: Option<String>,
    pub issuer: Option<String>,
    pub quantity_max: Option<u64>,
    pub absolute_expiry: Option<u64>,
    pub issuer_id: Option<PublicKey>,
    pub paths: Vec<PathView>,
    pub feature_bits: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestView {
    pub metadata: Vec<u8>,
    pub chain: [u8; 32],
    pub quantity: Option<u64>,
    pub payer_id: PublicKey,
    pub payer_note: Option<String>,
    pub feature_bits: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceView {
    pub amount_msat: u64,
    pub created_at: u64,
    /// `invoice_relative_expiry`, 7200 when absent.
    pub relative_expiry: u64,
    pub payment_hash: [u8; 32],
    pub node_id: PublicKey,
    pub paths: Vec<(PathView, PayinfoView)>,
    pub feature_bits: Vec<usize>,
}

pub fn be_bits(features: &[u8]) -> Vec<usize> {
    let mut bits: Vec<usize> = features::set_bits(features).collect();
    bits.sort_unstable();
    bits
}

pub fn le_bits(le: &[u8]) -> Vec<usize> {
    (0..le.len() * 8)
        .filter(|bit| le[bit / 8] & (1 << (bit % 8)) != 0)
        .collect()
}

pub fn our_path(p: &BlindedPath) -> PathView {
    PathView {
        intro: match p.first_node_id {
            SciddirOrPubkey::Pubkey(pk) => Intro::Node(pk.to_pubkey().unwrap()),
            SciddirOrPubkey::Scid { direction, scid } => Intro::Scid(direction.as_u8(), scid.0),
        },
        blinding: p.first_path_key.to_pubkey().unwrap(),
        hops: p
            .path
            .iter()
            .map(|h| {
                (
                    h.blinded_node_id.to_pubkey().unwrap(),
                    h.encrypted_recipient_data.clone(),
                )
            })
            .collect(),
    }
}

pub fn our_payinfo(p: &BlindedPayinfo) -> PayinfoView {
    PayinfoView {
        fee_base_msat: p.fee_base_msat,
        fee_proportional_millionths: p.fee_proportional_millionths,
        cltv_expiry_delta: p.cltv_expiry_delta,
        htlc_minimum_msat: p.htlc_minimum_msat,
        htlc_maximum_msat: p.htlc_maximum_msat,
        feature_bits: be_bits(&p.features),
    }
}

pub fn ldk_intro(n: &IntroductionNode) -> Intro {
    match n {
        IntroductionNode::NodeId(pk) => Intro::Node(*pk),
        IntroductionNode::DirectedShortChannelId(d, scid) => {
            Intro::Scid(if *d == LDirection::NodeOne { 0 } else { 1 }, *scid)
        }
    }
}

pub fn ldk_msg_path(p: &BlindedMessagePath) -> PathView {
    PathView {
        intro: ldk_intro(p.introduction_node()),
        blinding: p.blinding_point(),
        hops: p
            .blinded_hops()
            .iter()
            .map(|h| (h.blinded_node_id, h.encrypted_payload.clone()))
            .collect(),
    }
}

pub fn ldk_payment_path(p: &BlindedPaymentPath) -> (PathView, PayinfoView) {
    let path = PathView {
        intro: ldk_intro(p.introduction_node()),
        blinding: p.blinding_point(),
        hops: p
            .blinded_hops()
            .iter()
            .map(|h| (h.blinded_node_id, h.encrypted_payload.clone()))
            .collect(),
    };
    let i = &p.payinfo;
    let info = PayinfoView {
        fee_base_msat: i.fee_base_msat,
        fee_proportional_millionths: i.fee_proportional_millionths,
        cltv_expiry_delta: i.cltv_expiry_delta,
        htlc_minimum_msat: i.htlc_minimum_msat,
        htlc_maximum_msat: i.htlc_maximum_msat,
        feature_bits: le_bits(i.features.le_flags()),
    };
    (path, info)
}

pub fn ldk_amount(a: LAmount) -> (Option<String>, u64) {
    match a {
        LAmount::Bitcoin { amount_msats } => (None, amount_msats),
        LAmount::Currency {
            iso4217_code,
            amount,
        } => (Some(iso4217_code.as_str().to_owned()), amount),
    }
}

pub fn ldk_quantity(q: Quantity) -> Option<u64> {
    match q {
        Quantity::One => None,
        Quantity::Unbounded => Some(0),
        Quantity::Bounded(n) => Some(n.get()),
    }
}

/// The offer fields of any of our three streams (they share the field names).
macro_rules! our_offer_view {
    ($t:expr) => {{
        let t = $t;
        OfferView {
            chains: t
                .offer_chains
                .as_ref()
                .map(|c| c.iter().map(|h| h.0).collect())
                .unwrap_or_else(|| vec![ChainHash::BITCOIN.0]),
            metadata: t.offer_metadata.clone(),
            amount: t.offer_amount.map(|a| (t.offer_currency.clone(), a)),
            description: t.offer_description.clone(),
            issuer: t.offer_issuer.clone(),
            quantity_max: t.offer_quantity_max,
            absolute_expiry: t.offer_absolute_expiry,
            issuer_id: t.offer_issuer_id.map(|p| p.to_pubkey().unwrap()),
            paths: t.offer_paths.iter().flatten().map(our_path).collect(),
            feature_bits: t.offer_features.as_deref().map(be_bits).unwrap_or_default(),
        }
    }};
}

/// The offer fields of an LDK `Offer` or `InvoiceRequest` (same accessors).
macro_rules! ldk_offer_view {
    ($o:expr) => {{
        let o = $o;
        OfferView {
            chains: o.chains().iter().map(|c| c.to_bytes()).collect(),
            metadata: o.metadata().cloned(),
            amount: o.amount().map(ldk_amount),
            description: o.description().map(|s| s.0.to_owned()),
            issuer: o.issuer().map(|s| s.0.to_owned()),
            quantity_max: ldk_quantity(o.supported_quantity()),
            absolute_expiry: o.absolute_expiry().map(|d| d.as_secs()),
            issuer_id: o.issuer_signing_pubkey(),
            paths: o.paths().iter().map(ldk_msg_path).collect(),
            feature_bits: le_bits(o.offer_features().le_flags()),
        }
    }};
}

pub fn ldk_invoice_offer_view(i: &LInvoice) -> OfferView {
    OfferView {
        chains: i
            .offer_chains()
            .unwrap_or_default()
            .iter()
            .map(|c| c.to_bytes())
            .collect(),
        metadata: i.metadata().cloned(),
        amount: i.amount().map(ldk_amount),
        description: i.description().map(|s| s.0.to_owned()),
        issuer: i.issuer().map(|s| s.0.to_owned()),
        quantity_max: i.supported_quantity().and_then(ldk_quantity),
        absolute_expiry: i.absolute_expiry().map(|d| d.as_secs()),
        issuer_id: i.issuer_signing_pubkey(),
        paths: i.message_paths().iter().map(ldk_msg_path).collect(),
        feature_bits: i
            .offer_features()
            .map(|f| le_bits(f.le_flags()))
            .unwrap_or_default(),
    }
}

macro_rules! our_request_view {
    ($t:expr) => {{
        let t = $t;
        RequestView {
            metadata: t.invreq_metadata.clone().unwrap(),
            chain: t.invreq_chain.unwrap_or(ChainHash::BITCOIN).0,
            quantity: t.invreq_quantity,
            payer_id: t.invreq_payer_id.unwrap().to_pubkey().unwrap(),
            payer_note: t.invreq_payer_note.clone(),
            feature_bits: t
                .invreq_features
                .as_deref()
                .map(be_bits)
                .unwrap_or_default(),
        }
    }};
}

macro_rules! ldk_request_view {
    ($r:expr) => {{
        let r = $r;
        RequestView {
            metadata: r.payer_metadata().to_vec(),
            chain: r.chain().to_bytes(),
            quantity: r.quantity(),
            payer_id: r.payer_signing_pubkey(),
            payer_note: r.payer_note().map(|s| s.0.to_owned()),
            feature_bits: le_bits(r.invoice_request_features().le_flags()),
        }
    }};
}

pub fn our_invoice_view(t: &InvoiceTlvs) -> InvoiceView {
    InvoiceView {
        amount_msat: t.invoice_amount.unwrap(),
        created_at: t.invoice_created_at.unwrap(),
        relative_expiry: t.invoice_relative_expiry.map_or(7200, u64::from),
        payment_hash: t.invoice_payment_hash.unwrap().0,
        node_id: t.invoice_node_id.unwrap().to_pubkey().unwrap(),
        paths: t
            .invoice_paths
            .iter()
            .flatten()
            .zip(t.invoice_blindedpay.iter().flatten())
            .map(|(p, i)| (our_path(p), our_payinfo(i)))
            .collect(),
        feature_bits: t
            .invoice_features
            .as_deref()
            .map(be_bits)
            .unwrap_or_default(),
    }
}

pub fn ldk_invoice_view(i: &LInvoice) -> InvoiceView {
    InvoiceView {
        amount_msat: i.amount_msats(),
        created_at: i.created_at().as_secs(),
        relative_expiry: i.relative_expiry().as_secs(),
        payment_hash: i.payment_hash().0,
        node_id: i.signing_pubkey(),
        paths: i.payment_paths().iter().map(ldk_payment_path).collect(),
        feature_bits: le_bits(i.invoice_features().le_flags()),
    }
}

// ---------------------------------------------------------------------------------------
// Field-by-field comparison of one message parsed by both libraries.

/// LDK's offer id is `H("LDK Offer ID", merkle root of the offer records)` of a stream;
/// ours (Core Lightning's) is the SHA-256 of those records, a different hash.
pub fn ldk_offer_id_of(stream: &[u8]) -> [u8; 32] {
    let offer_range =
        |t: u64| (1..=79).contains(&t) || (1_000_000_000..=1_999_999_999).contains(&t);
    let records = wire::TlvStreamReader::new(stream, "offer")
        .map_while(Result::ok)
        .filter(|r| offer_range(r.tlv_type));
    let root = merkle::root_of_records(records).expect("offer records");
    merkle::tagged_hash(b"LDK Offer ID", &root)
}

pub fn compare_offer(ours: &Offer, ldk: &LOffer) {
    assert_eq!(ours.as_bytes(), ldk.as_ref(), "same bytes");
    assert_eq!(
        our_offer_view!(ours.tlvs()),
        ldk_offer_view!(ldk),
        "offer fields"
    );
    assert_eq!(
        ldk.id().0,
        ldk_offer_id_of(ours.as_bytes()),
        "offer merkle root"
    );
}

pub fn ldk_request_bytes(r: &LRequest) -> Vec<u8> {
    r.encode()
}

pub fn ldk_invoice_bytes(i: &LInvoice) -> Vec<u8> {
    i.encode()
}

pub fn compare_request(ours: &InvoiceRequest, ldk: &LRequest) {
    assert_eq!(ours.as_bytes(), &ldk_request_bytes(ldk)[..], "same bytes");
    let t = ours.tlvs();
    assert_eq!(
        our_offer_view!(t),
        ldk_offer_view!(ldk),
        "offer fields of request"
    );
    assert_eq!(
        our_request_view!(t),
        ldk_request_view!(ldk),
        "invreq fields"
    );
    assert_eq!(
        t.invreq_amount.is_some(),
        ldk.has_amount_msats(),
        "invreq_amount presence"
    );
    assert_eq!(ours.expected_amount_msat(), ldk.amount_msats(), "amount");
    // Merkle root and digest: LDK exposes them for an unsigned request, which it parses
    // from the same bytes without the signature record.
    let unsigned = lightning::offers::invoice_request::UnsignedInvoiceRequest::try_from(
        unsigned_part(ours.as_bytes()),
    )
    .expect("LDK parses the unsigned request");
    assert_eq!(
        unsigned.tagged_hash().merkle_root().to_byte_array(),
        ours.merkle_root(),
        "merkle root"
    );
    assert_eq!(
        unsigned.tagged_hash().as_digest().as_ref(),
        &merkle::signature_digest("invoice_request", "signature", &ours.merkle_root()),
        "signature digest"
    );
    // Signatures: LDK's signature, checked with our digest over our Merkle root. (LDK's
    // parser already checked the same signature against its own digest.)
    let sig = ldk.signature();
    assert_eq!(t.signature.unwrap().0, sig.serialize(), "signature bytes");
    let digest = merkle::signature_digest("invoice_request", "signature", &ours.merkle_root());
    let (xonly, _) = ldk.payer_signing_pubkey().x_only_public_key();
    assert!(SECP256K1
        .verify_schnorr(&sig, &Message::from_digest(digest), &xonly)
        .is_ok());
}

pub fn compare_invoice(ours: &Invoice, ldk: &LInvoice) {
    assert_eq!(ours.as_bytes(), &ldk_invoice_bytes(ldk)[..], "same bytes");
    let t = ours.tlvs();
    assert_eq!(
        our_offer_view!(t),
        ldk_invoice_offer_view(ldk),
        "offer fields of invoice"
    );
    assert_eq!(
        our_request_view!(t),
        ldk_request_view!(ldk),
        "invreq fields of invoice"
    );
    assert_eq!(our_invoice_view(t), ldk_invoice_view(ldk), "invoice fields");
    // Merkle root and signature digest, compared directly.
    assert_eq!(
        ours.merkle_root(),
        ldk.tagged_hash().merkle_root().to_byte_array(),
        "merkle root"
    );
    let digest = merkle::signature_digest("invoice", "signature", &ours.merkle_root());
    assert_eq!(digest, ldk.signable_hash(), "signature digest");
    // Each side's signature verifies under the other side's digest.
    let sig = ldk.signature();
    assert_eq!(t.signature.unwrap().0, sig.serialize());
    assert!(merkle::verify(
        "invoice",
        "signature",
        &ours.merkle_root(),
        &Bip340Sig(sig.serialize()),
        &ours.node_id()
    ));
    let (xonly, _) = ldk.signing_pubkey().x_only_public_key();
    assert!(SECP256K1
        .verify_schnorr(&sig, &Message::from_digest(ldk.signable_hash()), &xonly)
        .is_ok());
    assert_eq!(
        ldk.offer_id().map(|id| id.0),
        ours.offer_id().map(|_| ldk_offer_id_of(ours.as_bytes())),
        "offer id of invoice"
    );
}

/// The records of `bytes` outside the signature range, re-concatenated.
pub fn unsigned_part(bytes: &[u8]) -> Vec<u8> {
    TlvStreamReader::new(bytes, "x")
        .map(Result::unwrap)
        .filter(|r| !merkle::is_signature_type(r.tlv_type))
        .flat_map(|r| r.bytes.to_vec())
        .collect()
}

// Documented differences: when the two disagree, which rule explains it.

pub const MAX_MSAT: u64 = 21_000_000 * 100_000_000 * 1000;

/// The offer-level reasons, for any stream with offer fields. `ours_ok`: which side
/// accepted. Returns the name of the documented difference, if one applies.
#[allow(clippy::too_many_arguments)]
pub fn offer_level_difference(
    ours_err: Option<&ParseError>,
    currency: &Option<String>,
    amount: Option<u64>,
    _chains: &Option<Vec<ChainHash>>,
    paths: &Option<Vec<BlindedPath>>,
    issuer_id: &Option<PublicKey>,
) -> Option<&'static str> {
    use ParseError::Semantic;
    match ours_err {
        // We refuse, LDK accepts.
        Some(Semantic(SemanticError::UnknownRequiredFeature {
            field: "offer_features",
            ..
        })) => Some("D1 offer_features unknown even bit"),
        Some(Semantic(SemanticError::EmptyOfferChains)) => Some("D2 empty offer_chains"),
        Some(_) => None,
        // We accept, LDK refuses.
        None => {
            if currency
                .as_ref()
                .is_some_and(|c| c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()))
            {
                Some("D3 offer_currency not 3 uppercase letters")
            } else if currency.is_none() && amount.is_some_and(|a| a > MAX_MSAT) {
                Some("D4 offer_amount above 21M BTC")
            } else if issuer_id.is_none() && paths.as_ref().is_some_and(Vec::is_empty) {
                Some("D5 empty offer_paths without offer_issuer_id")
            } else {
                None
            }
        }
    }
}

pub fn offer_difference(bytes: &[u8], ours: &Result<Offer, ParseError>) -> Option<&'static str> {
    let t = OfferTlvs::decode(bytes).ok()?;
    offer_level_difference(
        ours.as_ref().err(),
        &t.offer_currency,
        t.offer_amount,
        &t.offer_chains,
        &t.offer_paths,
        &t.offer_issuer_id.map(|p| p.to_pubkey().unwrap()),
    )
}

macro_rules! request_level_difference {
    ($t:expr, $ours_err:expr) => {{
        let t = $t;
        let ours_err: Option<&ParseError> = $ours_err;
        let answers_offer = t.offer_issuer_id.is_some() || t.offer_paths.is_some();
        let offer_reason = if answers_offer {
            offer_level_difference(
                ours_err,
                &t.offer_currency,
                t.offer_amount,
                &t.offer_chains,
                &t.offer_paths,
                &t.offer_issuer_id.map(|p| p.to_pubkey().unwrap()),
            )
        } else {
            None
        };
        offer_reason.or_else(|| match ours_err {
            Some(ParseError::Semantic(SemanticError::UnknownRequiredFeature {
                field: "invreq_features",
                ..
            })) => Some("D6 invreq_features unknown even bit"),
            Some(_) => None,
            None if !answers_offer => Some("D7 invoice request not answering an offer"),
            None if t.offer_currency.is_some() => Some("D8 request for a currency offer"),
            None if t.invreq_paths.is_some() => Some("D9 invreq_paths present"),
            None if t.invreq_chain.is_none()
                && t.offer_chains
                    .as_ref()
                    .is_some_and(|c| !c.contains(&ChainHash::BITCOIN)) =>
            {
                Some("D10 no invreq_chain, offer_chains without bitcoin")
            }
            None => None,
        })
    }};
}

pub fn request_difference(
    bytes: &[u8],
    ours: &Result<InvoiceRequest, ParseError>,
) -> Option<&'static str> {
    let t = InvoiceRequestTlvs::decode(bytes).ok()?;
    request_level_difference!(&t, ours.as_ref().err())
}

pub fn invoice_difference(
    bytes: &[u8],
    ours: &Result<Invoice, ParseError>,
) -> Option<&'static str> {
    let t = InvoiceTlvs::decode(bytes).ok()?;
    let ours_err = ours.as_ref().err();
    if let Some(reason) = request_level_difference!(&t, ours_err) {
        return Some(reason);
    }
    match ours_err {
        Some(ParseError::Semantic(SemanticError::UnknownRequiredFeature {
            field: "invoice_features",
            ..
        })) => Some("D12 invoice_features unknown even bit"),
        Some(ParseError::Semantic(SemanticError::NoUsablePaths)) => {
            Some("D13 every blinded_payinfo has unknown even features")
        }
        Some(_) => None,
        None => {
            let node_id = t.invoice_node_id?;
            let signing_keys: Vec<PublicKey> = match (&t.offer_issuer_id, &t.offer_paths) {
                (Some(id), _) => vec![id.to_pubkey().unwrap()],
                (None, Some(paths)) => paths
                    .iter()
                    .filter_map(|p| p.path.last())
                    .map(|h| h.blinded_node_id.to_pubkey().unwrap())
                    .collect(),
                (None, None) => vec![node_id.to_pubkey().unwrap()],
            };
            if !signing_keys.contains(&node_id.to_pubkey().unwrap()) {
                Some("D14 invoice_node_id not the offer's key (payer-side check)")
            } else if t.invreq_amount.is_some_and(|a| Some(a) != t.invoice_amount) {
                Some("D15 invoice_amount differs from invreq_amount (payer-side check)")
            } else if TlvStreamReader::new(bytes, "i")
                .map_while(Result::ok)
                .any(|r| !(r.tlv_type < 1001 || (1_000_000_000..).contains(&r.tlv_type)))
            {
                Some("D16 invoice record type in 1001..999999999")
            } else {
                None
            }
        }
    }
}
