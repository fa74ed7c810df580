//! Differential fuzzing against LDK 0.2.7 (`lightning`), an independent BOLT 12 reader.
//!
//! The first byte picks the reader (offer, invoice request, invoice); the rest goes to
//! ours (`Offer::from_bytes`, ...) and to LDK's (`Offer::try_from(Vec<u8>)`,
//! `InvoiceRequest::try_from`, `Bolt12Invoice::try_from`). Both accept or both refuse;
//! when both accept, every field both expose agrees (offer, request and invoice fields,
//! paths and payinfo, features), as do the bytes, the Merkle root, the signature digest and
//! the signature check. A disagreement on accept/reject must be one of the differences in
//! [`DIFFERENCES`], each with the BOLT 12 lines that decide it (line numbers of
//! `/work/shared/bolts/12-offer-encoding.md`; each is pinned by a `dN_*` test in
//! `bolt12/tests/ldk_differential.rs`, where the views below come from).
#![no_main]
#![allow(clippy::too_many_arguments)]
use bolt12::tlv::{BlindedPath, BlindedPayinfo, InvoiceRequestTlvs, InvoiceTlvs, OfferTlvs};
use bolt12::{features, merkle, Invoice, InvoiceRequest, Offer, ParseError, SemanticError};
use libfuzzer_sys::fuzz_target;
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

/// The known disagreements: (name, who is right and the BOLT 12 lines that decide it).
pub const DIFFERENCES: &[(&str, &str)] = &[
    ("D1", "292-294: unknown even offer_features bit, \"MUST NOT respond to the offer\"; we refuse at parse, LDK when requesting. Both comply."),
    ("D2", "354-356: \"An empty offer_chains ... is explicitly invalid\"; we refuse, LDK accepts. We are right."),
    ("D3", "248 is a writer rule (ISO 4217 code); the reader rules 288-319 have none; LDK refuses at parse. LDK is stricter."),
    ("D4", "303 bounds offer_amount only below; LDK refuses amounts above 21M BTC at parse, we refuse requests for them. Both refuse to pay."),
    ("D5", "308-309, 321-322, 265: empty offer_paths without offer_issuer_id leaves nowhere to send a request."),
    ("D6", "509-510: unknown even invreq_features bit, \"MUST reject the invoice request\"; LDK parses it. We are right."),
    ("D7", "541-547: a request answering no offer is valid (with invreq_amount); LDK reads only requests for offers. We are right."),
    ("D8", "531-536: requests for currency-priced offers are valid (the reader converts); LDK refuses them. We are right."),
    ("D9", "487, 547: invreq_paths is defined and no reader rule refuses it; LDK refuses it. LDK is stricter."),
    ("D10", "464-465, 548-549: no invreq_chain means bitcoin, which offer_chains may exclude; we refuse only an explicit chain outside offer_chains here."),
    ("D12", "769-770: unknown even invoice_features bit, \"MUST reject the invoice\"; LDK parses it. We are right."),
    ("D13", "779-781: \"MUST reject the invoice if this leaves no usable paths\" (payinfo with unknown even features); LDK parses it. We are right."),
    ("D14", "782-785: invoice_node_id must be offer_issuer_id, checked where the request is known (payer side); LDK at parse. Both reject before paying."),
    ("D15", "798-799: invoice_amount must equal invreq_amount; payer-side check in ours, parse in LDK."),
    ("D16", "758-811 set no TLV type range for invoices; LDK refuses odd types 1001-999999999. LDK is stricter."),
    ("D17", "Core Lightning's recurrence draft (spec-csv/cln-recurrence.csv) uses even types in the experimental ranges (BOLT 12 337: self-assigned experimental ranges); we know them (README, Spec choices), LDK does not and refuses an unknown even type (BOLT 1 176, 'if type is even: MUST fail to parse'). Deliberate: we read what Core Lightning writes."),
];

/// The even types of Core Lightning's recurrence draft (`spec-csv/cln-recurrence.csv`).
const CLN_RECURRENCE_EVEN: &[u64] = &[1_000_000_024, 1_000_000_026, 2_000_000_092, 2_000_000_094];

/// D17: we accept and the stream carries an even recurrence record (LDK: unknown even
/// type), or we refuse for a rule of the recurrence draft (LDK ignores its odd records).
fn recurrence_difference(bytes: &[u8], ours: Result<(), &ParseError>) -> Option<&'static str> {
    use SemanticError::*;
    let has_even = TlvStreamReader::new(bytes, "x")
        .map_while(Result::ok)
        .any(|r| CLN_RECURRENCE_EVEN.contains(&r.tlv_type));
    let draft_rule = matches!(
        ours,
        Err(ParseError::Semantic(
            RecurrenceTimeUnit(_)
                | RecurrencePeriodZero
                | RecurrenceLimitZero
                | RecurrenceFieldWithoutRecurrence(_)
                | RecurrenceCancel(_)
        ))
    );
    ((ours.is_ok() && has_even) || draft_rule)
        .then_some("D17 Core Lightning recurrence records (experimental range)")
}

fn assert_listed(reason: Option<&'static str>, what: &str) {
    let reason = reason.unwrap_or_else(|| panic!("undocumented disagreement: {what}"));
    let name = reason.split(' ').next().unwrap_or_default();
    assert!(
        DIFFERENCES.iter().any(|(n, _)| *n == name),
        "difference {reason} not in DIFFERENCES"
    );
}

// ---------------------------------------------------------------------------------------
// Normalised views: what both libraries must agree on.

#[derive(Debug, Clone, PartialEq, Eq)]
enum Intro {
    Node(PublicKey),
    Scid(u8, u64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct PathView {
    intro: Intro,
    blinding: PublicKey,
    hops: Vec<(PublicKey, Vec<u8>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct PayinfoView {
    fee_base_msat: u32,
    fee_proportional_millionths: u32,
    cltv_expiry_delta: u16,
    htlc_minimum_msat: u64,
    htlc_maximum_msat: u64,
    /// Feature bits set, lowest first.
    feature_bits: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct OfferView {
    /// `offer_chains`, or bitcoin when absent.
    chains: Vec<[u8; 32]>,
    metadata: Option<Vec<u8>>,
    /// `(offer_currency, offer_amount)`.
    amount: Option<(Option<String>, u64)>,
    description: Option<String>,
    issuer: Option<String>,
    quantity_max: Option<u64>,
    absolute_expiry: Option<u64>,
    issuer_id: Option<PublicKey>,
    paths: Vec<PathView>,
    feature_bits: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct RequestView {
    metadata: Vec<u8>,
    chain: [u8; 32],
    quantity: Option<u64>,
    payer_id: PublicKey,
    payer_note: Option<String>,
    feature_bits: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct InvoiceView {
    amount_msat: u64,
    created_at: u64,
    /// `invoice_relative_expiry`, 7200 when absent.
    relative_expiry: u64,
    payment_hash: [u8; 32],
    node_id: PublicKey,
    paths: Vec<(PathView, PayinfoView)>,
    feature_bits: Vec<usize>,
}

fn be_bits(features: &[u8]) -> Vec<usize> {
    let mut bits: Vec<usize> = features::set_bits(features).collect();
    bits.sort_unstable();
    bits
}

fn le_bits(le: &[u8]) -> Vec<usize> {
    (0..le.len() * 8)
        .filter(|bit| le[bit / 8] & (1 << (bit % 8)) != 0)
        .collect()
}

fn our_path(p: &BlindedPath) -> PathView {
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

fn our_payinfo(p: &BlindedPayinfo) -> PayinfoView {
    PayinfoView {
        fee_base_msat: p.fee_base_msat,
        fee_proportional_millionths: p.fee_proportional_millionths,
        cltv_expiry_delta: p.cltv_expiry_delta,
        htlc_minimum_msat: p.htlc_minimum_msat,
        htlc_maximum_msat: p.htlc_maximum_msat,
        feature_bits: be_bits(&p.features),
    }
}

fn ldk_intro(n: &IntroductionNode) -> Intro {
    match n {
        IntroductionNode::NodeId(pk) => Intro::Node(*pk),
        IntroductionNode::DirectedShortChannelId(d, scid) => {
            Intro::Scid(if *d == LDirection::NodeOne { 0 } else { 1 }, *scid)
        }
    }
}

fn ldk_msg_path(p: &BlindedMessagePath) -> PathView {
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

fn ldk_payment_path(p: &BlindedPaymentPath) -> (PathView, PayinfoView) {
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

fn ldk_amount(a: LAmount) -> (Option<String>, u64) {
    match a {
        LAmount::Bitcoin { amount_msats } => (None, amount_msats),
        LAmount::Currency {
            iso4217_code,
            amount,
        } => (Some(iso4217_code.as_str().to_owned()), amount),
    }
}

fn ldk_quantity(q: Quantity) -> Option<u64> {
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

fn ldk_invoice_offer_view(i: &LInvoice) -> OfferView {
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

fn our_invoice_view(t: &InvoiceTlvs) -> InvoiceView {
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

fn ldk_invoice_view(i: &LInvoice) -> InvoiceView {
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
fn ldk_offer_id_of(stream: &[u8]) -> [u8; 32] {
    let offer_range =
        |t: u64| (1..=79).contains(&t) || (1_000_000_000..=1_999_999_999).contains(&t);
    let records = wire::TlvStreamReader::new(stream, "offer")
        .map_while(Result::ok)
        .filter(|r| offer_range(r.tlv_type));
    let root = merkle::root_of_records(records).expect("offer records");
    merkle::tagged_hash(b"LDK Offer ID", &root)
}

fn compare_offer(ours: &Offer, ldk: &LOffer) {
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

#[allow(dead_code)]
fn ldk_request_bytes(r: &LRequest) -> Vec<u8> {
    r.encode()
}

fn ldk_invoice_bytes(i: &LInvoice) -> Vec<u8> {
    i.encode()
}

fn compare_request(ours: &InvoiceRequest, ldk: &LRequest) {
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

fn compare_invoice(ours: &Invoice, ldk: &LInvoice) {
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

/// Parses with both; panics unless both accept (and agree on every field).
// ---------------------------------------------------------------------------------------
// Documented differences: when the two disagree, which rule explains it.

const MAX_MSAT: u64 = 21_000_000 * 100_000_000 * 1000;

/// The offer-level reasons, for any stream with offer fields. `ours_ok`: which side
/// accepted. Returns the name of the documented difference, if one applies.
#[allow(clippy::too_many_arguments)]
fn offer_level_difference(
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

fn offer_difference(bytes: &[u8], ours: &Result<Offer, ParseError>) -> Option<&'static str> {
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

fn request_difference(
    bytes: &[u8],
    ours: &Result<InvoiceRequest, ParseError>,
) -> Option<&'static str> {
    let t = InvoiceRequestTlvs::decode(bytes).ok()?;
    request_level_difference!(&t, ours.as_ref().err())
}

fn invoice_difference(bytes: &[u8], ours: &Result<Invoice, ParseError>) -> Option<&'static str> {
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

fn unsigned_part(bytes: &[u8]) -> Vec<u8> {
    TlvStreamReader::new(bytes, "x")
        .map(Result::unwrap)
        .filter(|r| !merkle::is_signature_type(r.tlv_type))
        .flat_map(|r| r.bytes.to_vec())
        .collect()
}

fuzz_target!(|input: &[u8]| {
    let Some((&selector, bytes)) = input.split_first() else {
        return;
    };
    let v = bytes.to_vec();
    match selector % 3 {
        0 => {
            let ours = Offer::from_bytes(v.clone());
            let ldk = LOffer::try_from(v);
            match (&ours, &ldk) {
                (Ok(o), Ok(l)) => compare_offer(o, l),
                (Err(_), Err(_)) => {}
                _ => assert_listed(
                    recurrence_difference(bytes, ours.as_ref().map(|_| ()))
                        .or_else(|| offer_difference(bytes, &ours)),
                    &format!(
                        "offer: ours {:?}, LDK {:?}",
                        ours.as_ref().err(),
                        ldk.as_ref().err()
                    ),
                ),
            }
        }
        1 => {
            let ours = InvoiceRequest::from_bytes(v.clone());
            let ldk = LRequest::try_from(v);
            match (&ours, &ldk) {
                (Ok(o), Ok(l)) => compare_request(o, l),
                (Err(_), Err(_)) => {}
                _ => assert_listed(
                    recurrence_difference(bytes, ours.as_ref().map(|_| ()))
                        .or_else(|| request_difference(bytes, &ours)),
                    &format!(
                        "request: ours {:?}, LDK {:?}",
                        ours.as_ref().err(),
                        ldk.as_ref().err()
                    ),
                ),
            }
        }
        _ => {
            let ours = Invoice::from_bytes(v.clone());
            let ldk = LInvoice::try_from(v);
            match (&ours, &ldk) {
                (Ok(o), Ok(l)) => compare_invoice(o, l),
                (Err(_), Err(_)) => {}
                _ => assert_listed(
                    recurrence_difference(bytes, ours.as_ref().map(|_| ()))
                        .or_else(|| invoice_difference(bytes, &ours)),
                    &format!(
                        "invoice: ours {:?}, LDK {:?}",
                        ours.as_ref().err(),
                        ldk.as_ref().err()
                    ),
                ),
            }
        }
    }
});
