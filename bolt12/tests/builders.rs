//! Writers: offer -> invoice request -> invoice, signed and checked, with the payer's checks.
use std::str::FromStr;

use bolt12::tlv::BlindedPayinfo;
use bolt12::{
    BuildError, Invoice, InvoiceBuilder, InvoiceRequest, InvoiceRequestBuilder, Offer,
    OfferBuilder, ParseError, PayerCheckError, SemanticError,
};
use secp256k1::{Keypair, PublicKey};
use wire::{ChainHash, Sha256};

mod common;
use common::{coffee_offer, kp, path_to, payinfo, NOW};

fn request_for<'a>(offer: &'a Offer, payer: &Keypair) -> InvoiceRequestBuilder<'a> {
    InvoiceRequestBuilder::new(offer, vec![0xaa; 16], payer.public_key()).unwrap()
}

#[test]
fn issuer_payer_issuer_round_trip_with_issuer_id() {
    let issuer = kp(1);
    let payer = kp(2);
    let offer = Offer::from_str(&coffee_offer(&issuer).to_string()).unwrap();
    let req = request_for(&offer, &payer)
        .quantity(3)
        .payer_note("thanks")
        .build_and_sign(&payer, NOW)
        .unwrap();
    let req = InvoiceRequest::from_str(&req.to_string()).unwrap();
    assert_eq!(req.offer_id(), Some(offer.id()));
    assert_eq!(req.expected_amount_msat(), Some(15_000));
    let inv = InvoiceBuilder::for_request(
        &req,
        NOW,
        Sha256([5; 32]),
        vec![(path_to(issuer.public_key()), payinfo())],
    )
    .unwrap()
    .relative_expiry(600)
    .build_and_sign(&issuer)
    .unwrap();
    let inv = Invoice::from_str(&inv.to_string()).unwrap();
    assert_eq!(inv.amount_msat(), 15_000);
    assert_eq!(inv.node_id(), issuer.public_key());
    assert_eq!(inv.offer_id(), Some(offer.id()));
    assert_eq!(
        inv.check_against_request(&req, NOW + 10, &[ChainHash::BITCOIN]),
        Ok(())
    );
    // Payer checks: expiry, chain, node id, amount, mirrored fields.
    assert!(matches!(
        inv.check_against_request(&req, NOW + 601, &[ChainHash::BITCOIN]),
        Err(PayerCheckError::Expired { .. })
    ));
    assert_eq!(
        inv.check_against_request(&req, NOW, &[ChainHash([1; 32])]),
        Err(PayerCheckError::UnsupportedChain)
    );
    let other_req = request_for(&offer, &payer)
        .quantity(2)
        .build_and_sign(&payer, NOW)
        .unwrap();
    assert!(matches!(
        inv.check_against_request(&other_req, NOW, &[ChainHash::BITCOIN]),
        Err(PayerCheckError::FieldMismatch { .. })
    ));
}

#[test]
fn offer_without_issuer_id_signs_with_the_path_key() {
    let node = kp(3);
    let payer = kp(4);
    let offer = OfferBuilder::new()
        .paths(vec![path_to(node.public_key())])
        .build()
        .unwrap();
    assert!(offer.issuer_id().is_none());
    assert_eq!(offer.signing_keys(), vec![node.public_key()]);
    // No offer_amount: invreq_amount is required.
    let missing = request_for(&offer, &payer).build_and_sign(&payer, NOW);
    assert_eq!(
        missing,
        Err(BuildError::Invalid(ParseError::Semantic(
            SemanticError::Missing("invreq_amount")
        )))
    );
    let req = request_for(&offer, &payer)
        .amount_msat(42_000)
        .build_and_sign(&payer, NOW)
        .unwrap();
    let builder = InvoiceBuilder::for_request(
        &req,
        NOW,
        Sha256([6; 32]),
        vec![(path_to(node.public_key()), payinfo())],
    )
    .unwrap();
    assert_eq!(
        builder.clone().build_and_sign(&node).map(|_| ()),
        Err(BuildError::NodeIdNeeded)
    );
    let inv = builder
        .node_id(node.public_key())
        .build_and_sign(&node)
        .unwrap();
    assert_eq!(
        inv.check_against_request(&req, NOW, &[ChainHash::BITCOIN]),
        Ok(())
    );
    // An invoice signed by another key for the same request fails the payer's node check.
    let stranger = kp(5);
    let forged = InvoiceBuilder::for_request(
        &req,
        NOW,
        Sha256([6; 32]),
        vec![(path_to(stranger.public_key()), payinfo())],
    )
    .unwrap()
    .node_id(stranger.public_key())
    .build_and_sign(&stranger)
    .unwrap();
    assert_eq!(
        forged.check_against_request(&req, NOW, &[ChainHash::BITCOIN]),
        Err(PayerCheckError::NodeIdMismatch)
    );
}

#[test]
fn writer_rules_are_enforced() {
    let issuer = kp(1);
    let payer = kp(2);
    assert_eq!(
        OfferBuilder::new()
            .amount_msat(10)
            .issuer_id(issuer.public_key())
            .build()
            .map(|_| ()),
        Err(BuildError::Invalid(ParseError::Semantic(
            SemanticError::MissingDescription
        )))
    );
    assert_eq!(
        OfferBuilder::new()
            .description("x")
            .amount_currency("usd", 5)
            .issuer_id(issuer.public_key())
            .build()
            .map(|_| ()),
        Err(BuildError::InvalidCurrency("usd".into()))
    );
    assert_eq!(
        BuildError::InvalidCurrency("\u{20ac}\n".into()).to_string(),
        "offer_currency: \"\\u{20ac}\\n\" is not an ISO 4217 three-letter code"
    );
    // Bitcoin alone is written by omitting offer_chains.
    let btc = OfferBuilder::new()
        .chains(vec![ChainHash::BITCOIN])
        .issuer_id(issuer.public_key())
        .build()
        .unwrap();
    assert!(btc.tlvs().offer_chains.is_none());
    let offer = OfferBuilder::new()
        .description("tea")
        .amount_msat(1000)
        .issuer_id(issuer.public_key())
        .quantity_max(2)
        .absolute_expiry(NOW)
        .build()
        .unwrap();
    assert!(matches!(
        request_for(&offer, &payer).build_and_sign(&payer, NOW + 1),
        Err(BuildError::OfferExpired { .. })
    ));
    assert_eq!(
        request_for(&offer, &payer)
            .build_and_sign(&kp(9), NOW)
            .map(|_| ()),
        Err(BuildError::WrongSigningKey("invreq_payer_id"))
    );
    assert_eq!(
        request_for(&offer, &payer)
            .quantity(3)
            .build_and_sign(&payer, NOW)
            .map(|_| ()),
        Err(BuildError::Invalid(ParseError::Semantic(
            SemanticError::InvalidQuantity {
                quantity: 3,
                max: 2
            }
        )))
    );
    assert_eq!(
        request_for(&offer, &payer)
            .quantity(2)
            .amount_msat(1999)
            .build_and_sign(&payer, NOW)
            .map(|_| ()),
        Err(BuildError::Invalid(ParseError::Semantic(
            SemanticError::InsufficientAmount {
                msat: 1999,
                expected: 2000
            }
        )))
    );
    assert_eq!(
        request_for(&offer, &payer)
            .chain(ChainHash([3; 32]))
            .build_and_sign(&payer, NOW)
            .map(|_| ()),
        Err(BuildError::UnsupportedChain)
    );
    let req = request_for(&offer, &payer)
        .build_and_sign(&payer, NOW)
        .unwrap();
    assert_eq!(
        InvoiceBuilder::for_request(&req, NOW, Sha256([0; 32]), vec![]).map(|_| ()),
        Err(BuildError::NoPaths)
    );
    let inv = InvoiceBuilder::for_request(
        &req,
        NOW,
        Sha256([0; 32]),
        vec![(path_to(issuer.public_key()), payinfo())],
    )
    .unwrap();
    assert_eq!(
        inv.build_and_sign(&payer).map(|_| ()),
        Err(BuildError::WrongSigningKey("invoice_node_id"))
    );
}

/// An offer by key 1, a request for it signed by key 2, and the invoice signed by key 1.
fn signed_request_and_invoice() -> (Keypair, InvoiceRequest, Invoice) {
    let issuer = kp(1);
    let payer = kp(2);
    let offer = OfferBuilder::new()
        .description("d")
        .amount_msat(100)
        .issuer_id(issuer.public_key())
        .build()
        .unwrap();
    let req = request_for(&offer, &payer)
        .build_and_sign(&payer, NOW)
        .unwrap();
    let inv = InvoiceBuilder::for_request(
        &req,
        NOW,
        Sha256([1; 32]),
        vec![(path_to(issuer.public_key()), payinfo())],
    )
    .unwrap()
    .build_and_sign(&issuer)
    .unwrap();
    (issuer, req, inv)
}

#[test]
fn tampering_with_a_signed_request_or_invoice_is_detected() {
    let (_, req, inv) = signed_request_and_invoice();
    // Re-encode each with one field changed: the signature no longer verifies.
    let mut t = req.tlvs().clone();
    t.invreq_metadata = Some(vec![0xbb; 16]);
    assert_eq!(
        InvoiceRequest::from_bytes(t.encode().unwrap()),
        Err(ParseError::Semantic(SemanticError::InvalidSignature {
            key_field: "invreq_payer_id"
        }))
    );
    let mut t = inv.tlvs().clone();
    t.invoice_amount = Some(1);
    assert_eq!(
        Invoice::from_bytes(t.encode().unwrap()),
        Err(ParseError::Semantic(SemanticError::InvalidSignature {
            key_field: "invoice_node_id"
        }))
    );
    // Unknown odd records survive a round trip and stay covered by the signature.
    let mut t = req.tlvs().clone();
    t.unknown.push(wire::UnknownRecord {
        tlv_type: 1_000_000_001,
        value: b"x".to_vec(),
    });
    assert!(InvoiceRequest::from_bytes(t.encode().unwrap()).is_err());
}

#[test]
fn invoice_reader_rules() {
    let (issuer, _, inv) = signed_request_and_invoice();
    let resign = |mutate: &dyn Fn(&mut bolt12::tlv::InvoiceTlvs)| {
        let mut t = inv.tlvs().clone();
        mutate(&mut t);
        t.signature = None;
        let root = bolt12::merkle::root(&t.encode().unwrap()).unwrap().unwrap();
        t.signature = Some(bolt12::merkle::sign("invoice", "signature", &root, &issuer));
        Invoice::from_bytes(t.encode().unwrap())
    };
    assert!(resign(&|_| {}).is_ok());
    for (field, mutate) in [
        (
            "invoice_amount",
            (|t: &mut bolt12::tlv::InvoiceTlvs| t.invoice_amount = None) as fn(&mut _),
        ),
        ("invoice_created_at", |t| t.invoice_created_at = None),
        ("invoice_payment_hash", |t| t.invoice_payment_hash = None),
        ("invoice_paths", |t| t.invoice_paths = None),
        ("invoice_blindedpay", |t| t.invoice_blindedpay = None),
    ] {
        assert_eq!(
            resign(&mutate),
            Err(ParseError::Semantic(SemanticError::Missing(field))),
            "{field}"
        );
    }
    assert_eq!(
        resign(&|t| t.invoice_blindedpay = Some(vec![payinfo(), payinfo()])),
        Err(ParseError::Semantic(SemanticError::BlindedPayMismatch {
            paths: 1,
            payinfos: 2
        }))
    );
    assert_eq!(
        resign(&|t| t.invoice_blindedpay = Some(vec![BlindedPayinfo {
            features: vec![0x01, 0x00],
            ..payinfo()
        }])),
        Err(ParseError::Semantic(SemanticError::NoUsablePaths))
    );
    assert_eq!(
        resign(&|t| t.invoice_features = Some(bolt12::features::from_bits(&[20]))),
        Err(ParseError::Semantic(
            SemanticError::UnknownRequiredFeature {
                field: "invoice_features",
                bit: 20
            }
        ))
    );
    assert!(resign(&|t| t.invoice_features = Some(bolt12::features::from_bits(&[16, 21]))).is_ok());
    // Expiry is judged by the caller's clock, not at decode.
    let expired = resign(&|t| t.invoice_relative_expiry = Some(1)).unwrap();
    assert!(expired.is_expired_at(NOW + 2) && !expired.is_expired_at(NOW + 1));
    let _ = PublicKey::from_keypair(&issuer);
}
