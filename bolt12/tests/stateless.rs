//! `bolt12::stateless`: issuer → payer → issuer round trips for every combination of offer
//! paths, issuer keys and payer keys; tampering with every offer field (and the request
//! fields an invoice mirrors) is refused; foreign offers and other keys are refused; the
//! payment preimage is recomputed from the payment secret; the CLI reports' JSON.
use bolt12::stateless::payer::{self, PayerKeys};
use bolt12::stateless::report::{self, HexArgError};
use bolt12::stateless::{
    issuer, payment, ExpandedKey, IssuerKeys, Nonce, PaymentId, RequestKeys, VerifyError,
};
use bolt12::tlv::{BlindedPath, InvoiceRequestTlvs, InvoiceTlvs};
use bolt12::{merkle, Invoice, InvoiceRequest, Offer, OfferBuilder, ParseError};
use curve::{Keys, Signer};
use secp256k1::Keypair;
use serde_json::json;
use wire::{ChainHash, UnknownRecord};

mod common;
use common::{blinded_path, hops_with, kp, payinfo, NOW};

fn issuer_key() -> ExpandedKey {
    ExpandedKey::new(&[0x11; 32])
}

fn payer_key() -> ExpandedKey {
    ExpandedKey::new(&[0x22; 32])
}

fn node() -> Keypair {
    kp(42)
}

/// The two-hop path to `kp(last)`, `data` in the first hop's recipient data.
fn path(last: u8, data: u8) -> BlindedPath {
    blinded_path(hops_with(kp(last).public_key(), data))
}

const OFFER_NONCE: Nonce = Nonce([0xa1; 16]);
const PAYER_NONCE: Nonce = Nonce([0xb2; 16]);
const PAYMENT_ID: PaymentId = PaymentId([0xc3; 32]);

#[derive(Clone, Copy, Debug)]
struct Combo {
    paths: bool,
    derived_issuer: bool,
    derived_payer: bool,
}

fn combos() -> Vec<Combo> {
    let mut v = Vec::new();
    for paths in [false, true] {
        for derived_issuer in [false, true] {
            for derived_payer in [false, true] {
                v.push(Combo {
                    paths,
                    derived_issuer,
                    derived_payer,
                });
            }
        }
    }
    v
}

fn offer(c: Combo) -> Offer {
    let mut b = OfferBuilder::new()
        .description("tea")
        .amount_msat(21_000)
        .issuer("Teahouse")
        .absolute_expiry(NOW + 3600)
        .quantity_max(10);
    if c.paths {
        b = b.paths(vec![path(6, 1), path(4, 3)]);
    }
    let keys = if c.derived_issuer {
        IssuerKeys::Derived
    } else {
        IssuerKeys::Explicit {
            node_id: wire::Point::from(node().public_key()),
        }
    };
    issuer::create_offer(&issuer_key(), &OFFER_NONCE, b, keys).unwrap()
}

fn issuer_nonce(c: Combo) -> Option<&'static Nonce> {
    c.derived_issuer.then_some(&OFFER_NONCE)
}

fn payer_nonce(c: Combo) -> Option<&'static Nonce> {
    c.derived_payer.then_some(&PAYER_NONCE)
}

fn request(c: Combo, offer: &Offer, explicit: &Keypair) -> InvoiceRequest {
    let keys = if c.derived_payer {
        PayerKeys::Derived
    } else {
        PayerKeys::Explicit(explicit)
    };
    payer::request_invoice(
        &payer_key(),
        &PAYER_NONCE,
        &PAYMENT_ID,
        offer,
        keys,
        |b| b.quantity(2).payer_note("hi"),
        NOW,
    )
    .unwrap()
}

fn params(iv: u8) -> issuer::InvoiceParams {
    issuer::InvoiceParams {
        created_at: NOW,
        relative_expiry: issuer::DEFAULT_RELATIVE_EXPIRY,
        paths: vec![(path(5, 9), payinfo())],
        payment_iv: [iv; 16],
        amount_msat: None,
    }
}

#[test]
fn round_trip_every_combination() {
    let payer_explicit = kp(55);
    for c in combos() {
        let offer = offer(c);
        // Layout of the offer.
        if c.derived_issuer {
            assert_eq!(offer.tlvs().offer_metadata, None, "{c:?}");
            assert_ne!(
                offer.issuer_id(),
                Some(&wire::Point::from(node().public_key()))
            );
        } else {
            assert_eq!(offer.tlvs().offer_metadata.as_ref().map(Vec::len), Some(48));
            assert_eq!(
                offer.issuer_id(),
                Some(&wire::Point::from(node().public_key()))
            );
        }
        let req = request(c, &offer, &payer_explicit);
        // Layout of the request.
        let metadata = req.tlvs().invreq_metadata.clone().unwrap();
        if c.derived_payer {
            assert_eq!(metadata.len(), 32);
            assert_ne!(req.payer_id(), payer_explicit.public_key());
        } else {
            assert_eq!(metadata.len(), 80);
            assert_eq!(&metadata[32..48], &PAYER_NONCE.0);
            assert_eq!(req.payer_id(), payer_explicit.public_key());
        }
        // The payment id is encrypted, not in the clear.
        assert_ne!(&metadata[..32], &PAYMENT_ID.0);

        let verified = issuer::verify_request(&issuer_key(), &req, issuer_nonce(c)).unwrap();
        assert_eq!(verified.offer_id(), Some(offer.id()));
        match verified.keys() {
            RequestKeys::Derived(k) => {
                assert!(c.derived_issuer);
                assert_eq!(Some(&wire::Point::from(k.public_key())), offer.issuer_id());
                assert_eq!(verified.keys_kind(), "derived");
            }
            RequestKeys::Explicit => {
                assert!(!c.derived_issuer);
                assert_eq!(verified.keys_kind(), "explicit");
            }
        }

        let answer = issuer::respond(&issuer_key(), &verified, Some(&node()), params(7)).unwrap();
        let invoice = &answer.invoice;
        assert_eq!(Some(&invoice.node_id()), offer.issuer_id());
        assert_eq!(
            invoice.tlvs().invoice_relative_expiry,
            Some(issuer::DEFAULT_RELATIVE_EXPIRY)
        );
        assert_eq!(invoice.tlvs().invoice_amount, Some(42_000));
        assert_eq!(
            invoice.tlvs().invoice_payment_hash,
            Some(answer.payment_hash)
        );
        assert_eq!(
            invoice.check_against_request(&req, NOW, &[ChainHash::BITCOIN]),
            Ok(())
        );
        // The string form survives.
        let invoice: Invoice = invoice.to_string().parse().unwrap();

        assert_eq!(
            payer::verify_invoice(&payer_key(), &invoice, payer_nonce(c)),
            Ok(PAYMENT_ID),
            "{c:?}"
        );
        assert_eq!(
            payer::verify_invoice_with_payer_data(
                &payer_key(),
                &invoice,
                &PAYMENT_ID,
                &PAYER_NONCE
            )
            .is_ok(),
            c.derived_payer
        );

        // The payment arrives with the secret; the preimage is recomputed, nothing stored.
        let preimage = payment::claim(
            &issuer_key(),
            &answer.payment_hash,
            &answer.payment_secret,
            42_000,
            NOW + 60,
        )
        .unwrap();
        assert_eq!(preimage.payment_hash(), answer.payment_hash);
    }
}

#[test]
fn explicit_issuer_needs_the_node_key_and_an_unexpired_offer() {
    let c = Combo {
        paths: false,
        derived_issuer: false,
        derived_payer: true,
    };
    let offer = offer(c);
    let req = request(c, &offer, &kp(55));
    let verified = issuer::verify_request(&issuer_key(), &req, None).unwrap();
    assert!(issuer::respond(&issuer_key(), &verified, None, params(1)).is_err());
    assert!(issuer::respond(&issuer_key(), &verified, Some(&kp(43)), params(1)).is_err());
    // The offer expires at NOW + 3600: no invoice after that.
    let late = issuer::InvoiceParams {
        created_at: NOW + 3601,
        ..params(1)
    };
    assert_eq!(
        issuer::respond(&issuer_key(), &verified, Some(&node()), late).unwrap_err(),
        bolt12::BuildError::OfferExpired {
            expiry: NOW + 3600,
            now: NOW + 3601
        }
        .into()
    );
    assert!(issuer::respond(&issuer_key(), &verified, Some(&node()), params(1)).is_ok());
}

#[test]
fn payment_ids_are_independent_of_layout_and_nonce() {
    // Distinct payment ids come back distinct; the same id under two nonces encrypts apart.
    let c = Combo {
        paths: true,
        derived_issuer: true,
        derived_payer: true,
    };
    let offer = offer(c);
    let mut seen = Vec::new();
    for (i, n) in [[1u8; 16], [2u8; 16]].iter().enumerate() {
        let id = PaymentId([i as u8; 32]);
        let req = payer::request_invoice(
            &payer_key(),
            &Nonce(*n),
            &id,
            &offer,
            PayerKeys::Derived,
            |b| b.quantity(1),
            NOW,
        )
        .unwrap();
        let verified = issuer::verify_request(&issuer_key(), &req, Some(&OFFER_NONCE)).unwrap();
        let invoice = issuer::respond(&issuer_key(), &verified, None, params(3))
            .unwrap()
            .invoice;
        assert_eq!(
            payer::verify_invoice(&payer_key(), &invoice, Some(&Nonce(*n))),
            Ok(id)
        );
        // The other nonce does not recognise it.
        let other = Nonce(if n[0] == 1 { [2; 16] } else { [1; 16] });
        assert!(payer::verify_invoice(&payer_key(), &invoice, Some(&other)).is_err());
        seen.push(invoice.tlvs().invreq_metadata.clone());
    }
    assert_ne!(seen[0], seen[1]);
}

fn resign_request(
    mut tlvs: InvoiceRequestTlvs,
    key: &Keypair,
) -> Result<InvoiceRequest, ParseError> {
    tlvs.signature = None;
    let root = merkle::root(&tlvs.encode().unwrap()).unwrap().unwrap();
    tlvs.signature = Some(merkle::sign("invoice_request", "signature", &root, key));
    InvoiceRequest::from_bytes(tlvs.encode().unwrap())
}

fn resign_invoice(
    mut tlvs: InvoiceTlvs,
    key: &(impl Signer + ?Sized),
) -> Result<Invoice, ParseError> {
    tlvs.signature = None;
    let root = merkle::root(&tlvs.encode().unwrap()).unwrap().unwrap();
    tlvs.signature = Some(merkle::sign("invoice", "signature", &root, key));
    Invoice::from_bytes(tlvs.encode().unwrap())
}

type Tamper = (&'static str, Box<dyn Fn(&mut InvoiceRequestTlvs)>);

/// One change to each offer field (and unknown offer records) as a request carries them.
fn offer_tampers(c: Combo) -> Vec<Tamper> {
    let mut v: Vec<Tamper> = vec![
        (
            "offer_chains",
            Box::new(|t| t.offer_chains = Some(vec![ChainHash::BITCOIN, ChainHash([7; 32])])),
        ),
        (
            "offer_currency",
            Box::new(|t| t.offer_currency = Some("USD".into())),
        ),
        (
            "offer_amount",
            Box::new(|t| t.offer_amount = t.offer_amount.map(|a| a - 1)),
        ),
        (
            "offer_description",
            Box::new(|t| t.offer_description = Some("TEA".into())),
        ),
        (
            "offer_features",
            Box::new(|t| t.offer_features = Some(vec![0x02])),
        ),
        (
            "offer_absolute_expiry",
            Box::new(|t| t.offer_absolute_expiry = t.offer_absolute_expiry.map(|e| e + 1)),
        ),
        (
            "offer_issuer",
            Box::new(|t| t.offer_issuer = Some("Teahouse!".into())),
        ),
        (
            "offer_quantity_max",
            Box::new(|t| t.offer_quantity_max = Some(11)),
        ),
        (
            "offer_issuer_id",
            Box::new(|t| t.offer_issuer_id = Some(wire::Point::from(kp(99).public_key()))),
        ),
        (
            "unknown offer record",
            Box::new(|t| {
                t.unknown.push(UnknownRecord {
                    tlv_type: 79,
                    value: vec![1],
                })
            }),
        ),
        (
            "experimental offer record",
            Box::new(|t| {
                t.unknown.push(UnknownRecord {
                    tlv_type: 1_000_000_001,
                    value: vec![1],
                })
            }),
        ),
    ];
    if c.paths {
        v.push((
            "offer_paths (changed)",
            Box::new(|t| t.offer_paths = Some(vec![path(6, 1), path(4, 4)])),
        ));
        v.push((
            "offer_paths (dropped one)",
            Box::new(|t| t.offer_paths = Some(vec![path(6, 1)])),
        ));
    } else {
        v.push((
            "offer_paths (added)",
            Box::new(|t| t.offer_paths = Some(vec![path(6, 1)])),
        ));
    }
    if c.derived_issuer {
        v.push((
            "offer_metadata (added)",
            Box::new(|t| t.offer_metadata = Some(vec![0xa1; 48])),
        ));
    } else {
        v.push((
            "offer_metadata (HMAC)",
            Box::new(|t| t.offer_metadata.as_mut().unwrap()[47] ^= 1),
        ));
        v.push((
            "offer_metadata (nonce)",
            Box::new(|t| t.offer_metadata.as_mut().unwrap()[0] ^= 1),
        ));
        v.push((
            "offer_metadata (nonce only)",
            Box::new(|t| t.offer_metadata.as_mut().unwrap().truncate(16)),
        ));
        v.push((
            "offer_metadata (removed)",
            Box::new(|t| t.offer_metadata = None),
        ));
    }
    v
}

#[test]
fn tampering_with_any_offer_field_is_refused() {
    let payer = kp(55);
    for c in combos().into_iter().filter(|c| !c.derived_payer) {
        let offer = offer(c);
        let req = request(c, &offer, &payer);
        // Control: the re-signed, unchanged request is still recognised.
        let same = resign_request(req.tlvs().clone(), &payer).unwrap();
        assert!(issuer::verify_request(&issuer_key(), &same, issuer_nonce(c)).is_ok());
        for (name, tamper) in offer_tampers(c) {
            let mut tlvs = req.tlvs().clone();
            tamper(&mut tlvs);
            let tampered = resign_request(tlvs, &payer).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_ne!(tampered.offer_id(), req.offer_id(), "{name}");
            let result = issuer::verify_request(&issuer_key(), &tampered, issuer_nonce(c));
            assert!(result.is_err(), "{c:?}: {name} was accepted");
        }
    }
}

#[test]
fn foreign_offers_and_other_keys_are_refused() {
    let payer = kp(55);
    for c in combos().into_iter().filter(|c| !c.derived_payer) {
        let offer = offer(c);
        let req = request(c, &offer, &payer);
        // Another key material.
        let other = ExpandedKey::new(&[0x12; 32]);
        assert!(matches!(
            issuer::verify_request(&other, &req, issuer_nonce(c)),
            Err(VerifyError::Mismatch { .. })
        ));
        // Another nonce, for derived offers; asking with a nonce for an explicit offer.
        if c.derived_issuer {
            assert!(issuer::verify_request(&issuer_key(), &req, Some(&Nonce([0xa2; 16]))).is_err());
            assert!(matches!(
                issuer::verify_request(&issuer_key(), &req, None),
                Err(VerifyError::MissingMetadata("offer_metadata"))
            ));
        } else {
            assert!(issuer::verify_request(&issuer_key(), &req, Some(&OFFER_NONCE)).is_err());
        }
    }
    // A foreign offer with metadata of the same shape: random bytes.
    let foreign = OfferBuilder::new()
        .description("tea")
        .amount_msat(21_000)
        .issuer_id(node().public_key())
        .metadata(vec![0xa1; 48])
        .build()
        .unwrap();
    let req = bolt12::InvoiceRequestBuilder::new(&foreign, vec![1; 16], payer.public_key())
        .unwrap()
        .build_and_sign(&payer, NOW)
        .unwrap();
    assert!(matches!(
        issuer::verify_request(&issuer_key(), &req, None),
        Err(VerifyError::Mismatch {
            field: "offer_metadata",
            ..
        })
    ));
    assert!(issuer::verify_request(&issuer_key(), &req, Some(&OFFER_NONCE)).is_err());
}

#[test]
fn tampering_with_mirrored_request_fields_in_an_invoice_is_refused() {
    type InvoiceTamper = (&'static str, Box<dyn Fn(&mut InvoiceTlvs)>);
    let payer = kp(55);
    for c in combos() {
        let offer = offer(c);
        let req = request(c, &offer, &payer);
        let verified = issuer::verify_request(&issuer_key(), &req, issuer_nonce(c)).unwrap();
        let signer = match verified.keys() {
            RequestKeys::Derived(k) => k.clone(),
            RequestKeys::Explicit => Keys::from(&node()),
        };
        let invoice = issuer::respond(&issuer_key(), &verified, Some(&node()), params(2))
            .unwrap()
            .invoice;
        let same = resign_invoice(invoice.tlvs().clone(), &signer).unwrap();
        assert_eq!(
            payer::verify_invoice(&payer_key(), &same, payer_nonce(c)),
            Ok(PAYMENT_ID)
        );
        let tampers: Vec<InvoiceTamper> = vec![
            (
                "invreq_metadata",
                Box::new(|t| t.invreq_metadata.as_mut().unwrap()[0] ^= 1),
            ),
            (
                "invreq_metadata (HMAC/length)",
                Box::new(|t| t.invreq_metadata.as_mut().unwrap().push(0)),
            ),
            ("invreq_quantity", Box::new(|t| t.invreq_quantity = Some(3))),
            (
                "invreq_payer_note",
                Box::new(|t| t.invreq_payer_note = Some("HI".into())),
            ),
            (
                "invreq_payer_id",
                Box::new(|t| t.invreq_payer_id = Some(wire::Point::from(kp(77).public_key()))),
            ),
            (
                // With invoice_amount too: the reader refuses an invoice whose amount differs
                // from invreq_amount, and this is about the HMAC noticing the request changed.
                "invreq_amount",
                Box::new(|t| {
                    t.invreq_amount = Some(50_000);
                    t.invoice_amount = Some(50_000);
                }),
            ),
            (
                "offer_description",
                Box::new(|t| t.offer_description = Some("TEA".into())),
            ),
            ("offer_amount", Box::new(|t| t.offer_amount = Some(20_000))),
            (
                "experimental invreq record",
                Box::new(|t| {
                    t.unknown.push(UnknownRecord {
                        tlv_type: 2_000_000_001,
                        value: vec![1],
                    })
                }),
            ),
        ];
        for (name, tamper) in tampers {
            let mut tlvs = invoice.tlvs().clone();
            tamper(&mut tlvs);
            let tampered = resign_invoice(tlvs, &signer).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(
                payer::verify_invoice(&payer_key(), &tampered, payer_nonce(c)).is_err(),
                "{c:?}: {name} was accepted"
            );
        }
        // Another payer key material, or (derived) another nonce.
        assert!(payer::verify_invoice(&issuer_key(), &invoice, payer_nonce(c)).is_err());
        if c.derived_payer {
            assert!(
                payer::verify_invoice(&payer_key(), &invoice, Some(&Nonce([0xb3; 16]))).is_err()
            );
            assert!(payer::verify_invoice(&payer_key(), &invoice, None).is_err());
        }
    }
}

#[test]
fn payment_claims_check_hash_amount_and_expiry() {
    let key = issuer_key();
    let (hash, secret) = payment::create(&key, Some(5_000), 600, &[4; 16], NOW).unwrap();
    let expiry = NOW + 600 + payment::EXPIRY_BUFFER;
    assert!(payment::claim(&key, &hash, &secret, 5_000, expiry).is_ok());
    assert_eq!(
        payment::claim(&key, &hash, &secret, 4_999, NOW).unwrap_err(),
        payment::PaymentError::AmountBelowMinimum {
            received: 4_999,
            minimum: 5_000
        }
    );
    assert_eq!(
        payment::claim(&key, &hash, &secret, 5_000, expiry + 1).unwrap_err(),
        payment::PaymentError::Expired {
            expiry,
            now: expiry + 1
        }
    );
    let mut other_hash = hash;
    other_hash.0[0] ^= 1;
    assert_eq!(
        payment::claim(&key, &other_hash, &secret, 5_000, NOW).unwrap_err(),
        payment::PaymentError::HashMismatch
    );
    assert!(payment::claim(&payer_key(), &hash, &secret, 5_000, NOW).is_err());
    let mut bad_secret = secret;
    bad_secret.0[20] ^= 0x80;
    assert!(payment::claim(&key, &hash, &bad_secret, 5_000, NOW).is_err());
    assert_eq!(
        payment::create(&key, Some(payment::MAX_VALUE_MSAT + 1), 600, &[4; 16], NOW),
        Err(payment::PaymentError::AmountTooLarge(
            payment::MAX_VALUE_MSAT + 1
        ))
    );
}

#[test]
fn cli_reports_have_the_documented_json_shape() {
    let key_hex = "11".repeat(32);
    let key = report::parse_key_material(&key_hex).unwrap();
    let payer = kp(55);
    for c in combos() {
        let offer = offer(c);
        let req = request(c, &offer, &payer);
        let nonce = issuer_nonce(c);
        let r = report::verify_request_str(&key, nonce, &req.to_string());
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({
                "ours": true,
                "offer_id": offer.id().to_string(),
                "keys": if c.derived_issuer { "derived" } else { "explicit" },
                "reason": null,
            })
        );
        let wrong = report::parse_key_material(&"12".repeat(32)).unwrap();
        let r = serde_json::to_value(report::verify_request_str(&wrong, nonce, &req.to_string()))
            .unwrap();
        assert_eq!(r["ours"], json!(false));
        assert_eq!(r["keys"], json!(null));
        assert_eq!(r["offer_id"], json!(offer.id().to_string()));
        assert!(
            r["reason"].as_str().unwrap().contains("offer_metadata")
                || r["reason"].as_str().unwrap().contains("nonce")
        );

        let verified = issuer::verify_request(&issuer_key(), &req, nonce).unwrap();
        let invoice = issuer::respond(&issuer_key(), &verified, Some(&node()), params(5))
            .unwrap()
            .invoice;
        let payer_material = report::parse_key_material(&"22".repeat(32)).unwrap();
        let r = report::verify_invoice_str(&payer_material, payer_nonce(c), &invoice.to_string());
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"ours": true, "payment_id": "c3".repeat(32), "reason": null})
        );
        let r = serde_json::to_value(report::verify_invoice_str(
            &key,
            payer_nonce(c),
            &invoice.to_string(),
        ))
        .unwrap();
        assert_eq!(r["ours"], json!(false));
        assert_eq!(r["payment_id"], json!(null));
        assert!(r["reason"].is_string());
    }
    let r = serde_json::to_value(report::verify_request_str(&key, None, "lnr1qqq")).unwrap();
    assert_eq!(r["ours"], json!(false));
    assert!(r["reason"]
        .as_str()
        .unwrap()
        .starts_with("invalid invoice request"));
    assert_eq!(report::parse_nonce(&"ab".repeat(16)), Ok(Nonce([0xab; 16])));
    assert_eq!(
        report::parse_nonce("abc").unwrap_err(),
        HexArgError::NotHex { what: "nonce" }
    );
    assert_eq!(
        report::parse_key_material(&"00".repeat(31)).unwrap_err(),
        HexArgError::WrongLength {
            what: "key material",
            expected: 32,
            found: 31
        }
    );
}

#[test]
fn offer_with_key_material_follows_ldk_choice() {
    let key = issuer_key();
    let plain = OfferBuilder::new().description("x").amount_msat(1);
    let with_paths = plain.clone().paths(vec![path(6, 1)]);
    let explicit = report::offer_with_key_material(
        &key,
        &OFFER_NONCE,
        plain.clone(),
        Some(wire::Point::from(node().public_key())),
    )
    .unwrap();
    assert_eq!(
        explicit.tlvs().offer_metadata.as_ref().map(Vec::len),
        Some(48)
    );
    let derived =
        report::offer_with_key_material(&key, &OFFER_NONCE, with_paths.clone(), None).unwrap();
    assert_eq!(derived.tlvs().offer_metadata, None);
    // Same as asking for the layout explicitly.
    assert_eq!(
        derived,
        issuer::create_offer(&key, &OFFER_NONCE, with_paths, IssuerKeys::Derived).unwrap()
    );
    assert!(report::offer_with_key_material(&key, &OFFER_NONCE, plain.clone(), None).is_err());
    // Builders that already carry metadata are refused.
    assert!(issuer::create_offer(
        &key,
        &OFFER_NONCE,
        plain.metadata(vec![1]),
        IssuerKeys::Derived
    )
    .is_err());
}
