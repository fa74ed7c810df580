//! Property tests: random valid offers, invoice requests and invoices (random fields through
//! our builders) round-trip exactly through their string and byte forms; mutating random
//! bytes (or characters) of valid messages never panics, and whatever is still accepted is a
//! message whose re-encoding is exactly the mutated input.
use std::str::FromStr;

use bolt12::tlv::{BlindedPath, BlindedPathHop, BlindedPayinfo};
use bolt12::{
    features, string, Invoice, InvoiceBuilder, InvoiceRequest, InvoiceRequestBuilder, Offer,
    OfferBuilder, ParseError,
};
use proptest::prelude::*;
use secp256k1::{Keypair, PublicKey, SecretKey, SECP256K1};
use wire::{ChainHash, Direction, SciddirOrPubkey, Sha256, ShortChannelId};

const NOW: u64 = 1_700_000_000;

fn keypair() -> impl Strategy<Value = Keypair> {
    any::<[u8; 32]>().prop_filter_map("valid secret key", |b| {
        SecretKey::from_slice(&b)
            .ok()
            .map(|sk| Keypair::from_secret_key(SECP256K1, &sk))
    })
}

fn point() -> impl Strategy<Value = PublicKey> {
    keypair().prop_map(|k| k.public_key())
}

fn hop() -> impl Strategy<Value = BlindedPathHop> {
    (point(), proptest::collection::vec(any::<u8>(), 0..64)).prop_map(|(id, data)| BlindedPathHop {
        blinded_node_id: wire::Point::from(id),
        encrypted_recipient_data: data,
    })
}

fn path() -> impl Strategy<Value = BlindedPath> {
    let intro = prop_oneof![
        point().prop_map(|k| SciddirOrPubkey::Pubkey(k.into())),
        (any::<bool>(), any::<u64>()).prop_map(|(d, scid)| SciddirOrPubkey::Scid {
            direction: if d {
                Direction::NodeTwo
            } else {
                Direction::NodeOne
            },
            scid: ShortChannelId(scid),
        }),
    ];
    (intro, point(), proptest::collection::vec(hop(), 1..4)).prop_map(|(first, key, hops)| {
        BlindedPath {
            first_node_id: first,
            first_path_key: wire::Point::from(key),
            path: hops,
        }
    })
}

/// Only odd (optional) feature bits: even unknown bits make a message unacceptable.
fn odd_features() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(0usize..40, 0..4)
        .prop_map(|bits| features::from_bits(&bits.iter().map(|b| 2 * b + 1).collect::<Vec<_>>()))
}

fn chain() -> impl Strategy<Value = ChainHash> {
    prop_oneof![
        Just(ChainHash::BITCOIN),
        any::<[u8; 32]>().prop_map(ChainHash)
    ]
}

#[derive(Debug, Clone)]
struct OfferFields {
    issuer_key: Option<Keypair>,
    description: Option<String>,
    amount: Option<(Option<String>, u64)>,
    issuer: Option<String>,
    quantity_max: Option<u64>,
    expiry: Option<u64>,
    chains: Option<Vec<ChainHash>>,
    metadata: Option<Vec<u8>>,
    paths: Option<Vec<BlindedPath>>,
    features: Option<Vec<u8>>,
    unknown_odd: Option<(u64, Vec<u8>)>,
}

fn offer_fields() -> impl Strategy<Value = OfferFields> {
    let currency = prop_oneof![Just(None), "[A-Z]{3}".prop_map(Some)];
    (
        proptest::option::of(keypair()),
        proptest::option::of(".{0,20}"),
        proptest::option::of((currency, 1u64..=u64::MAX)),
        proptest::option::of(".{0,12}"),
        proptest::option::of(any::<u64>()),
        proptest::option::of(any::<u64>()),
        proptest::option::of(proptest::collection::vec(chain(), 1..3)),
        proptest::option::of(proptest::collection::vec(any::<u8>(), 0..20)),
        proptest::option::of(proptest::collection::vec(path(), 1..3)),
        proptest::option::of(odd_features()),
        proptest::option::of((0u64..25, proptest::collection::vec(any::<u8>(), 0..10))),
    )
        .prop_map(
            |(
                issuer_key,
                description,
                amount,
                issuer,
                quantity_max,
                expiry,
                chains,
                metadata,
                paths,
                features,
                unknown_odd,
            )| {
                let mut f = OfferFields {
                    issuer_key,
                    description,
                    amount,
                    issuer,
                    quantity_max,
                    expiry,
                    chains,
                    metadata,
                    paths,
                    features,
                    // Odd types in the offer range not defined by the spec: 23, 25, ..., 71.
                    unknown_odd: unknown_odd.map(|(i, v)| (23 + 2 * i, v)),
                };
                // Readers need an offer_description with an amount, and a key or a path.
                if f.amount.is_some() && f.description.is_none() {
                    f.description = Some(String::new());
                }
                if f.issuer_key.is_none() && f.paths.is_none() {
                    f.issuer_key = Some(Keypair::from_secret_key(
                        SECP256K1,
                        &SecretKey::from_slice(&[7; 32]).unwrap(),
                    ));
                }
                f
            },
        )
}

fn build_offer(f: &OfferFields) -> Offer {
    let mut b = OfferBuilder::new();
    if let Some(k) = &f.issuer_key {
        b = b.issuer_id(k.public_key());
    }
    if let Some(d) = &f.description {
        b = b.description(d.clone());
    }
    match &f.amount {
        Some((Some(c), a)) => b = b.amount_currency(c.clone(), *a),
        Some((None, a)) => b = b.amount_msat(*a),
        None => {}
    }
    if let Some(i) = &f.issuer {
        b = b.issuer(i.clone());
    }
    if let Some(q) = f.quantity_max {
        b = b.quantity_max(q);
    }
    if let Some(e) = f.expiry {
        b = b.absolute_expiry(e);
    }
    if let Some(c) = &f.chains {
        b = b.chains(c.clone());
    }
    if let Some(m) = &f.metadata {
        b = b.metadata(m.clone());
    }
    if let Some(p) = &f.paths {
        b = b.paths(p.clone());
    }
    if let Some(x) = &f.features {
        b = b.features(x.clone());
    }
    let mut tlvs = b.tlvs().clone();
    if let Some((t, v)) = &f.unknown_odd {
        tlvs.unknown.push(wire::UnknownRecord {
            tlv_type: *t,
            value: v.clone(),
        });
    }
    Offer::from_tlvs(&tlvs).unwrap_or_else(|e| panic!("{f:?}: {e}"))
}

/// Splits a string with `+` and whitespace every `every` characters (BOLT 12 §Encoding).
fn split_plus(s: &str, every: usize, ws: &str) -> String {
    let (prefix, data) = s.split_at(s.find('1').unwrap() + 1);
    let chunks: Vec<String> = data
        .as_bytes()
        .chunks(every)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    format!("{prefix}{}", chunks.join(&format!("+{ws}")))
}

#[derive(Debug, Clone)]
struct RequestChoices {
    payer: Keypair,
    metadata: Vec<u8>,
    quantity_pick: u64,
    extra_amount: u64,
    note: Option<String>,
    features: Option<Vec<u8>>,
    chain_pick: usize,
}

fn request_choices() -> impl Strategy<Value = RequestChoices> {
    (
        keypair(),
        proptest::collection::vec(any::<u8>(), 1..40),
        any::<u64>(),
        0u64..1_000_000,
        proptest::option::of(".{0,16}"),
        proptest::option::of(odd_features()),
        any::<usize>(),
    )
        .prop_map(
            |(payer, metadata, quantity_pick, extra_amount, note, features, chain_pick)| {
                RequestChoices {
                    payer,
                    metadata,
                    quantity_pick,
                    extra_amount,
                    note,
                    features,
                    chain_pick,
                }
            },
        )
}

/// A valid request for `offer` from the random choices (quantity within bounds, amount at
/// least the expected amount, a chain the offer supports), or `None` when the offer cannot
/// be answered at NOW (expired, or its price overflows).
fn build_request(offer: &Offer, c: &RequestChoices) -> Option<InvoiceRequest> {
    if offer.is_expired_at(NOW) {
        return None;
    }
    let mut b =
        InvoiceRequestBuilder::new(offer, c.metadata.clone(), c.payer.public_key()).unwrap();
    let quantity = match offer.quantity_max() {
        None => None,
        Some(0) => Some(1 + c.quantity_pick % 100),
        Some(max) => Some(1 + c.quantity_pick % max),
    };
    if let Some(q) = quantity {
        b = b.quantity(q);
    }
    let expected = match offer.amount() {
        Some(bolt12::Amount::Msat(m)) => m.checked_mul(quantity.unwrap_or(1))?,
        _ => 0,
    };
    let amount = expected.checked_add(c.extra_amount)?.max(1);
    if amount > bolt12::invoice_request::MAX_MSAT {
        return None;
    }
    b = b.amount_msat(amount);
    let chains = offer.chains();
    b = b.chain(chains[c.chain_pick % chains.len()]);
    if let Some(n) = &c.note {
        b = b.payer_note(n.clone());
    }
    if let Some(f) = &c.features {
        b = b.features(f.clone());
    }
    Some(
        b.build_and_sign(&c.payer, NOW)
            .unwrap_or_else(|e| panic!("{e}")),
    )
}

fn payinfo() -> impl Strategy<Value = BlindedPayinfo> {
    (
        any::<u32>(),
        any::<u32>(),
        any::<u16>(),
        any::<u64>(),
        any::<u64>(),
        odd_features(),
    )
        .prop_map(
            |(
                fee_base_msat,
                fee_proportional_millionths,
                cltv_expiry_delta,
                htlc_minimum_msat,
                htlc_maximum_msat,
                features,
            )| {
                BlindedPayinfo {
                    fee_base_msat,
                    fee_proportional_millionths,
                    cltv_expiry_delta,
                    htlc_minimum_msat,
                    htlc_maximum_msat,
                    features,
                }
            },
        )
}

#[derive(Debug, Clone)]
struct InvoiceChoices {
    created_at: u64,
    hash: [u8; 32],
    paths: Vec<(BlindedPath, BlindedPayinfo)>,
    relative_expiry: Option<u32>,
    node_key: Keypair,
}

fn invoice_choices() -> impl Strategy<Value = InvoiceChoices> {
    (
        any::<u64>(),
        any::<[u8; 32]>(),
        proptest::collection::vec((path(), payinfo()), 1..4),
        proptest::option::of(any::<u32>()),
        keypair(),
    )
        .prop_map(
            |(created_at, hash, paths, relative_expiry, node_key)| InvoiceChoices {
                created_at,
                hash,
                paths,
                relative_expiry,
                node_key,
            },
        )
}

/// An invoice answering `req`, signed by the offer's issuer key (or `node_key` when the
/// offer has no issuer id).
fn build_invoice(req: &InvoiceRequest, issuer: Option<&Keypair>, c: &InvoiceChoices) -> Invoice {
    let mut b =
        InvoiceBuilder::for_request(req, c.created_at, Sha256(c.hash), c.paths.clone()).unwrap();
    let key = match issuer {
        Some(k) if req.tlvs().offer_issuer_id.is_some() => *k,
        _ => {
            b = b.node_id(c.node_key.public_key());
            c.node_key
        }
    };
    if let Some(e) = c.relative_expiry {
        b = b.relative_expiry(e);
    }
    if req.expected_amount_msat().is_none() {
        b = b.amount_msat(1000);
    }
    b.build_and_sign(&key).unwrap_or_else(|e| panic!("{e}"))
}

/// A few mutations of `bytes`: `(index, xor)` flips, then an optional truncation and an
/// optional insertion.
#[derive(Debug, Clone)]
struct Mutation {
    flips: Vec<(usize, u8)>,
    truncate: Option<usize>,
    insert: Option<(usize, Vec<u8>)>,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    (
        proptest::collection::vec((any::<usize>(), 1u8..=255), 0..4),
        proptest::option::of(any::<usize>()),
        proptest::option::of((any::<usize>(), proptest::collection::vec(any::<u8>(), 1..6))),
    )
        .prop_map(|(flips, truncate, insert)| Mutation {
            flips,
            truncate,
            insert,
        })
}

fn apply(m: &Mutation, bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for (i, x) in &m.flips {
        if !out.is_empty() {
            let i = i % out.len();
            out[i] ^= x;
        }
    }
    if let Some(t) = m.truncate {
        out.truncate(t % (out.len() + 1));
    }
    if let Some((at, ins)) = &m.insert {
        let at = at % (out.len() + 1);
        out.splice(at..at, ins.iter().copied());
    }
    out
}

/// Whatever the parser accepts must be exactly what re-encodes: bytes kept verbatim, fields
/// re-encoding to the same bytes, the string form round-tripping.
macro_rules! check_mutated {
    ($ty:ty, $bytes:expr) => {{
        let bytes: Vec<u8> = $bytes;
        match <$ty>::from_bytes(bytes.clone()) {
            Ok(m) => {
                prop_assert_eq!(m.as_bytes(), &bytes[..]);
                prop_assert_eq!(m.tlvs().encode().unwrap(), bytes.clone());
                let again = <$ty>::from_str(&m.to_string()).unwrap();
                prop_assert_eq!(again, m);
            }
            // A typed error, and one that displays.
            Err(e) => {
                let _: ParseError = e.clone();
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }};
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    #[test]
    fn offer_roundtrips(f in offer_fields(), every in 1usize..40, upper in any::<bool>()) {
        let offer = build_offer(&f);
        let s = offer.to_string();
        prop_assert!(s.starts_with("lno1"));
        let parsed = Offer::from_str(&s).unwrap();
        prop_assert_eq!(&parsed, &offer);
        prop_assert_eq!(Offer::from_bytes(offer.as_bytes().to_vec()).unwrap(), offer.clone());
        prop_assert_eq!(offer.tlvs().encode().unwrap(), offer.as_bytes().to_vec());
        // Same bytes from the uppercase and the `+`-split forms.
        let variant = split_plus(&s, every, if every % 2 == 0 { " \n " } else { "" });
        let variant = if upper { variant.to_ascii_uppercase() } else { variant };
        prop_assert_eq!(string::decode(&variant).unwrap(), ("lno".to_owned(), offer.as_bytes().to_vec()));
        prop_assert_eq!(Offer::from_str(&variant).unwrap(), offer);
    }

    #[test]
    fn request_roundtrips(f in offer_fields(), c in request_choices()) {
        let offer = build_offer(&f);
        if let Some(req) = build_request(&offer, &c) {
            let s = req.to_string();
            prop_assert!(s.starts_with("lnr1"));
            prop_assert_eq!(&InvoiceRequest::from_str(&s).unwrap(), &req);
            prop_assert_eq!(&InvoiceRequest::from_bytes(req.as_bytes().to_vec()).unwrap(), &req);
            prop_assert_eq!(req.tlvs().encode().unwrap(), req.as_bytes().to_vec());
            prop_assert_eq!(req.offer_id(), Some(offer.id()));
        }
    }

    #[test]
    fn invoice_roundtrips(f in offer_fields(), c in request_choices(), i in invoice_choices()) {
        let offer = build_offer(&f);
        if let Some(req) = build_request(&offer, &c) {
            let inv = build_invoice(&req, f.issuer_key.as_ref(), &i);
            let s = inv.to_string();
            prop_assert!(s.starts_with("lni1"));
            prop_assert_eq!(&Invoice::from_str(&s).unwrap(), &inv);
            prop_assert_eq!(&Invoice::from_bytes(inv.as_bytes().to_vec()).unwrap(), &inv);
            prop_assert_eq!(inv.tlvs().encode().unwrap(), inv.as_bytes().to_vec());
            prop_assert_eq!(inv.offer_id(), Some(offer.id()));
        }
    }

    #[test]
    fn mutated_offers_never_panic(f in offer_fields(), m in mutation()) {
        let offer = build_offer(&f);
        check_mutated!(Offer, apply(&m, offer.as_bytes()));
    }

    #[test]
    fn mutated_requests_never_panic(f in offer_fields(), c in request_choices(), m in mutation()) {
        let offer = build_offer(&f);
        if let Some(req) = build_request(&offer, &c) {
            check_mutated!(InvoiceRequest, apply(&m, req.as_bytes()));
        }
    }

    #[test]
    fn mutated_invoices_never_panic(
        f in offer_fields(), c in request_choices(), i in invoice_choices(), m in mutation()
    ) {
        let offer = build_offer(&f);
        if let Some(req) = build_request(&offer, &c) {
            let inv = build_invoice(&req, f.issuer_key.as_ref(), &i);
            check_mutated!(Invoice, apply(&m, inv.as_bytes()));
        }
    }

    /// Character-level mutations of the string form: never a panic; any accepted string
    /// decodes to bytes that re-encode to the canonical string.
    #[test]
    fn mutated_strings_never_panic(
        f in offer_fields(),
        edits in proptest::collection::vec((any::<usize>(), any::<char>()), 1..4),
    ) {
        let s = build_offer(&f).to_string();
        let mut chars: Vec<char> = s.chars().collect();
        for (i, c) in edits {
            let i = i % chars.len();
            chars[i] = c;
        }
        let mutated: String = chars.into_iter().collect();
        if let Ok(o) = Offer::from_str(&mutated) {
            prop_assert_eq!(Offer::from_str(&o.to_string()).unwrap(), o);
        }
        if let Ok((hrp, bytes)) = string::decode(&mutated) {
            prop_assert_eq!(string::decode(&string::encode(&hrp, &bytes)).unwrap(), (hrp, bytes));
        }
    }
}
