//! Refunds (invoice requests without an offer) against LDK 0.2.7's `Refund`, an independent
//! implementation: the same inputs give the same bytes and the same `lnr` string, each
//! side parses the other's with every field agreeing, the invoices each side builds for a
//! refund pass the other side's payer checks, stateless refunds are byte-identical from the
//! same key material and nonce and each side recognises the other's invoices, and the
//! reader rules agree except where LDK goes beyond BOLT 12 (each such case asserted).
use std::time::Duration;

use bolt12::stateless::refund::{self as srefund, RefundKeys};
use bolt12::stateless::{ExpandedKey, Nonce, PaymentId};
use bolt12::tlv::BlindedPath;
use bolt12::{
    Invoice, InvoiceBuilder, ParseError, PayerCheckError, Refund, RefundBuilder, SemanticError,
};
use lightning::bitcoin::Network;
use lightning::blinded_path::message::BlindedMessagePath;
use lightning::blinded_path::payment::{BlindedPayInfo, BlindedPaymentPath};
use lightning::blinded_path::BlindedHop;
use lightning::ln::channelmanager::PaymentId as LPaymentId;
use lightning::ln::inbound_payment::ExpandedKey as LExpandedKey;
use lightning::offers::invoice::{Bolt12Invoice as LInvoice, UnsignedBolt12Invoice};
use lightning::offers::nonce::Nonce as LNonce;
use lightning::offers::parse::Bolt12SemanticError;
use lightning::offers::refund::{Refund as LRefund, RefundBuilder as LRefundBuilder};
use lightning::types::features::BlindedHopFeatures;
use lightning::types::payment::PaymentHash;
use lightning::util::ser::Writeable;
use secp256k1::{Keypair, Secp256k1, SECP256K1};
use wire::{ChainHash, Point, Sha256};

mod common;
use common::{hops, kp, path_to, payinfo, NOW};

/// The testnet3 genesis hash, as LDK writes it for `Network::Testnet`.
fn testnet() -> ChainHash {
    ChainHash(
        lightning::bitcoin::constants::ChainHash::using_genesis_block(Network::Testnet).to_bytes(),
    )
}

const FAR: u64 = 4_000_000_000;

fn our_path(last: u8) -> BlindedPath {
    path_to(kp(last).public_key())
}

fn ldk_hops(last: u8) -> Vec<BlindedHop> {
    hops(kp(last).public_key())
        .into_iter()
        .map(|(id, data)| BlindedHop {
            blinded_node_id: id,
            encrypted_payload: data,
        })
        .collect()
}

fn ldk_message_path(last: u8) -> BlindedMessagePath {
    BlindedMessagePath::from_blinded_path(kp(9).public_key(), kp(8).public_key(), ldk_hops(last))
}

fn ldk_payment_paths() -> Vec<BlindedPaymentPath> {
    let p = payinfo();
    vec![BlindedPaymentPath::from_blinded_path_and_payinfo(
        kp(9).public_key(),
        kp(8).public_key(),
        ldk_hops(5),
        BlindedPayInfo {
            fee_base_msat: p.fee_base_msat,
            fee_proportional_millionths: p.fee_proportional_millionths,
            cltv_expiry_delta: p.cltv_expiry_delta,
            htlc_minimum_msat: p.htlc_minimum_msat,
            htlc_maximum_msat: p.htlc_maximum_msat,
            features: BlindedHopFeatures::empty(),
        },
    )]
}

/// The optional fields of one refund shape.
#[derive(Clone, Debug, Default)]
struct Shape {
    expiry: Option<u64>,
    issuer: Option<&'static str>,
    paths: bool,
    testnet: bool,
    quantity: Option<u64>,
    note: Option<&'static str>,
}

fn shapes() -> Vec<Shape> {
    vec![
        Shape::default(),
        Shape {
            expiry: Some(FAR),
            issuer: Some("Shop ☕"),
            ..Default::default()
        },
        Shape {
            paths: true,
            quantity: Some(3),
            note: Some("sorry for the delay"),
            ..Default::default()
        },
        Shape {
            expiry: Some(NOW - 10),
            testnet: true,
            paths: true,
            issuer: Some("x"),
            quantity: Some(1),
            note: Some(""),
        },
    ]
}

fn ours_for(s: &Shape, metadata: Vec<u8>, payer: &Keypair, msat: u64, desc: &str) -> RefundBuilder {
    let mut b = RefundBuilder::new(metadata, payer.public_key(), msat, desc);
    if let Some(e) = s.expiry {
        b = b.absolute_expiry(e);
    }
    if let Some(i) = s.issuer {
        b = b.issuer(i);
    }
    if s.paths {
        b = b.paths(vec![our_path(3), our_path(4)]);
    }
    if s.testnet {
        b = b.chain(testnet());
    }
    if let Some(q) = s.quantity {
        b = b.quantity(q);
    }
    if let Some(n) = s.note {
        b = b.payer_note(n);
    }
    b
}

fn ldk_for<'a, T: secp256k1::Signing>(
    s: &Shape,
    mut b: LRefundBuilder<'a, T>,
    desc: &str,
) -> LRefundBuilder<'a, T> {
    b = b.description(desc.to_string());
    if let Some(e) = s.expiry {
        b = b.absolute_expiry(Duration::from_secs(e));
    }
    if let Some(i) = s.issuer {
        b = b.issuer(i.to_string());
    }
    if s.paths {
        b = b.path(ldk_message_path(3)).path(ldk_message_path(4));
    }
    if s.testnet {
        b = b.chain(Network::Testnet);
    }
    if let Some(q) = s.quantity {
        b = b.quantity(q);
    }
    if let Some(n) = s.note {
        b = b.payer_note(n.to_string());
    }
    b
}

fn ldk_bytes(r: &LRefund) -> Vec<u8> {
    let mut v = Vec::new();
    r.write(&mut v).unwrap();
    v
}

/// Every field LDK exposes, read from both parsers.
fn compare(ours: &Refund, ldk: &LRefund) {
    assert_eq!(ours.as_bytes(), ldk_bytes(ldk).as_slice());
    assert_eq!(ours.to_string(), ldk.to_string());
    let t = ours.tlvs();
    assert_eq!(t.invreq_metadata.as_deref(), Some(ldk.payer_metadata()));
    assert_eq!(ours.payer_id(), Point::from(ldk.payer_signing_pubkey()));
    assert_eq!(ours.amount_msat(), ldk.amount_msats());
    assert_eq!(ours.description(), ldk.description().0);
    assert_eq!(
        ours.absolute_expiry(),
        ldk.absolute_expiry().map(|d| d.as_secs())
    );
    assert_eq!(t.offer_issuer.as_deref(), ldk.issuer().map(|i| i.0));
    assert_eq!(ours.chain().0, ldk.chain().to_bytes());
    assert_eq!(t.invreq_quantity, ldk.quantity());
    assert_eq!(
        t.invreq_payer_note.as_deref(),
        ldk.payer_note().map(|n| n.0)
    );
    assert_eq!(ours.paths().len(), ldk.paths().len());
    for (a, b) in ours.paths().iter().zip(ldk.paths()) {
        let hops: Vec<_> = a
            .path
            .iter()
            .map(|h| (h.blinded_node_id, h.encrypted_recipient_data.clone()))
            .collect();
        let theirs: Vec<_> = b
            .blinded_hops()
            .iter()
            .map(|h| (Point::from(h.blinded_node_id), h.encrypted_payload.clone()))
            .collect();
        assert_eq!(hops, theirs);
        assert_eq!(a.first_path_key, Point::from(b.blinding_point()));
    }
    assert!(!ours.is_signed());
}

#[test]
fn same_inputs_same_bytes_and_each_parses_the_other() {
    let secp = Secp256k1::signing_only();
    let _ = &secp;
    for (i, s) in shapes().iter().enumerate() {
        let payer = kp(20 + i as u8);
        let metadata = vec![i as u8 + 1; 16 + i];
        let msat = 5_000 + i as u64 * 1_234_567;
        let desc = format!("refund #{i}");
        let ours = ours_for(s, metadata.clone(), &payer, msat, &desc)
            .build()
            .unwrap();
        let ldk = ldk_for(
            s,
            LRefundBuilder::new(metadata, payer.public_key(), msat).unwrap(),
            &desc,
        )
        .build()
        .unwrap();
        compare(&ours, &ldk);
        // Each parses the other's string.
        let theirs_in_ours: Refund = ldk.to_string().parse().unwrap();
        compare(&theirs_in_ours, &ldk);
        let ours_in_ldk: LRefund = ours.to_string().parse().unwrap();
        compare(&ours, &ours_in_ldk);
    }
}

/// BOLT 12: the writer of a request without an offer "MUST NOT include `signature`". LDK's
/// reader refuses a signed refund (the stream has a record it does not expect); Core
/// Lightning requires one. Ours reads both, and checks the signature when there is one.
#[test]
fn signed_refunds_ldk_refuses_we_verify() {
    let payer = kp(30);
    let signed = RefundBuilder::new(vec![1; 32], payer.public_key(), 5000, "refund")
        .build_and_sign(&payer)
        .unwrap();
    assert!(signed.is_signed());
    assert!(LRefund::try_from(signed.as_bytes().to_vec()).is_err());
    // A signature by another key is refused, naming the key.
    let mut tlvs = signed.tlvs().clone();
    tlvs.invreq_payer_id = Some(kp(31).public_key().into());
    let err = Refund::from_bytes(tlvs.encode().unwrap()).unwrap_err();
    assert_eq!(
        err,
        ParseError::Semantic(SemanticError::InvalidSignature {
            key_field: "invreq_payer_id"
        })
    );
    // The wrong key cannot sign.
    let err = RefundBuilder::new(vec![1; 32], payer.public_key(), 5000, "refund")
        .build_and_sign(&kp(31))
        .unwrap_err();
    assert_eq!(err, bolt12::BuildError::WrongSigningKey("invreq_payer_id"));
}

fn sign_ldk(unsigned: UnsignedBolt12Invoice, key: &Keypair) -> LInvoice {
    unsigned
        .sign(|m: &UnsignedBolt12Invoice| {
            Ok(SECP256K1.sign_schnorr_no_aux_rand(m.as_ref().as_digest(), key))
        })
        .unwrap()
}

fn ldk_invoice_bytes(i: &LInvoice) -> Vec<u8> {
    let mut v = Vec::new();
    i.write(&mut v).unwrap();
    v
}

/// LDK answers our refund (`Refund::respond_with_no_std`, `relative_expiry`); the invoice
/// passes our payer checks, and each check fails when its condition is broken.
#[test]
fn ldk_invoice_for_our_refund_passes_our_payer_check() {
    let payee = kp(40);
    for (i, s) in shapes().iter().enumerate() {
        let refund = ours_for(s, vec![9; 32], &kp(21), 77_000, "refund")
            .build()
            .unwrap();
        let lrefund = LRefund::try_from(refund.as_bytes().to_vec()).unwrap();
        let created = NOW + i as u64;
        let answer = lrefund.respond_with_no_std(
            ldk_payment_paths(),
            PaymentHash([i as u8; 32]),
            payee.public_key(),
            Duration::from_secs(created),
        );
        if refund.is_expired_at(created) {
            // Neither side answers an expired refund (LDK's `build` checks the wall clock).
            assert!(matches!(
                answer.unwrap().build(),
                Err(Bolt12SemanticError::AlreadyExpired)
            ));
            let ours = InvoiceBuilder::for_refund(
                &refund,
                created,
                Sha256([1; 32]),
                vec![(our_path(5), payinfo())],
                payee.public_key(),
            );
            assert_eq!(
                ours.unwrap_err(),
                bolt12::BuildError::RefundExpired {
                    expiry: s.expiry.unwrap(),
                    created_at: created
                }
            );
            continue;
        }
        let unsigned = answer.unwrap().relative_expiry(600).build().unwrap();
        let linvoice = sign_ldk(unsigned, &payee);
        let invoice = Invoice::from_bytes(ldk_invoice_bytes(&linvoice)).unwrap();
        assert_eq!(invoice.amount_msat(), 77_000);
        assert_eq!(invoice.payment_hash(), Sha256([i as u8; 32]));
        assert_eq!(invoice.created_at(), created);
        assert_eq!(invoice.expires_at(), created + 600);
        let chains = [refund.chain()];
        let payee_id = Point::from(payee.public_key());
        refund
            .check_invoice(&invoice, created + 1, &chains, Some(&payee_id))
            .unwrap();
        refund
            .check_invoice(&invoice, created + 1, &chains, None)
            .unwrap();
        // Another payee key than the one confirmed out of band.
        assert_eq!(
            refund.check_invoice(
                &invoice,
                created,
                &chains,
                Some(&Point::from(kp(41).public_key()))
            ),
            Err(PayerCheckError::NodeIdMismatch)
        );
        // Expired.
        assert_eq!(
            refund.check_invoice(&invoice, created + 601, &chains, None),
            Err(PayerCheckError::Expired {
                expires_at: created + 600,
                now: created + 601
            })
        );
        // A chain we do not pay on.
        assert_eq!(
            refund.check_invoice(&invoice, created, &[ChainHash([7; 32])], None),
            Err(PayerCheckError::UnsupportedChain)
        );
        // Not the refund it answers: another description (field 10).
        let other = ours_for(s, vec![9; 32], &kp(21), 77_000, "refunD")
            .build()
            .unwrap();
        assert_eq!(
            other.check_invoice(&invoice, created, &chains, None),
            Err(PayerCheckError::FieldMismatch { tlv_type: 10 })
        );
        // Another payer id (field 88).
        let other = ours_for(s, vec![9; 32], &kp(22), 77_000, "refund")
            .build()
            .unwrap();
        assert_eq!(
            other.check_invoice(&invoice, created, &chains, None),
            Err(PayerCheckError::FieldMismatch { tlv_type: 88 })
        );
        // Another amount (field 82).
        let other = ours_for(s, vec![9; 32], &kp(21), 77_001, "refund")
            .build()
            .unwrap();
        assert_eq!(
            other.check_invoice(&invoice, created, &chains, None),
            Err(PayerCheckError::FieldMismatch { tlv_type: 82 })
        );
    }
}

/// Our invoice for LDK's refund: LDK parses it with every field agreeing, our invoice for a
/// tampered refund is refused by our check, and an invoice amount that differs from
/// `invreq_amount` cannot be built (our reader refuses it; so does LDK's).
#[test]
fn our_invoice_for_ldk_refund_parses_in_ldk() {
    let payee = kp(50);
    for (i, s) in shapes().iter().enumerate() {
        let lrefund = ldk_for(
            s,
            LRefundBuilder::new(vec![3; 20], kp(51).public_key(), 1_000 + i as u64).unwrap(),
            "money back",
        )
        .build()
        .unwrap();
        let refund = Refund::from_bytes(ldk_bytes(&lrefund)).unwrap();
        if refund.is_expired_at(NOW) {
            continue; // Neither answers it: see ldk_invoice_for_our_refund_passes_our_payer_check.
        }
        let invoice = InvoiceBuilder::for_refund(
            &refund,
            NOW,
            Sha256([7; 32]),
            vec![(our_path(5), payinfo())],
            payee.public_key(),
        )
        .unwrap()
        .relative_expiry(3600)
        .build_and_sign(&payee)
        .unwrap();
        refund
            .check_invoice(&invoice, NOW, &[refund.chain()], None)
            .unwrap();
        let linvoice = LInvoice::try_from(invoice.as_bytes().to_vec()).unwrap();
        assert_eq!(linvoice.amount_msats(), refund.amount_msat());
        assert_eq!(linvoice.payment_hash(), PaymentHash([7; 32]));
        assert_eq!(linvoice.signing_pubkey(), payee.public_key());
        assert_eq!(linvoice.created_at(), Duration::from_secs(NOW));
        assert_eq!(linvoice.relative_expiry(), Duration::from_secs(3600));
        assert_eq!(linvoice.payer_metadata(), lrefund.payer_metadata());
        assert_eq!(
            linvoice.payer_signing_pubkey(),
            lrefund.payer_signing_pubkey()
        );
        assert_eq!(linvoice.description(), Some(lrefund.description()));
        assert_eq!(linvoice.payer_note(), lrefund.payer_note());
        assert_eq!(linvoice.quantity(), lrefund.quantity());
        assert_eq!(linvoice.chain(), lrefund.chain());
        assert_eq!(linvoice.message_paths().len(), lrefund.paths().len());
        assert_eq!(linvoice.payment_paths().len(), 1);
        assert_eq!(
            linvoice.offer_chains(),
            None,
            "LDK sees an invoice for a refund"
        );
        assert_eq!(ldk_invoice_bytes(&linvoice), invoice.as_bytes());
        // The mirrored amount differing: our builder's reader refuses, naming the field.
        let err = InvoiceBuilder::for_refund(
            &refund,
            NOW,
            Sha256([7; 32]),
            vec![(our_path(5), payinfo())],
            payee.public_key(),
        )
        .unwrap()
        .amount_msat(refund.amount_msat() + 1)
        .build_and_sign(&payee)
        .unwrap_err();
        assert!(matches!(
            err,
            bolt12::BuildError::Invalid(ParseError::Semantic(
                SemanticError::InvoiceAmountMismatch { .. }
            ))
        ));
    }
}

fn material(i: u8) -> [u8; 32] {
    core::array::from_fn(|j| (j as u8).wrapping_mul(29).wrapping_add(i))
}

fn nonce(i: u8) -> [u8; 16] {
    core::array::from_fn(|j| (j as u8).wrapping_mul(5) ^ i)
}

/// Stateless refunds: LDK's `RefundBuilder::deriving_signing_pubkey` and ours give the same
/// bytes (no paths: the node id pays and the metadata holds nonce and HMAC; with paths: the
/// payer key is derived); invoices built by either side for either refund are recognised
/// by both, recovering the payment id, and refused under another key or nonce.
#[test]
fn stateless_refunds_byte_identical_and_mutually_recognised() {
    let secp = Secp256k1::new();
    let node = kp(60);
    let payee = kp(61);
    for (i, s) in shapes().iter().enumerate() {
        let i = i as u8;
        let payment_id = [i + 100; 32];
        let lrefund = ldk_for(
            s,
            LRefundBuilder::deriving_signing_pubkey(
                node.public_key(),
                &LExpandedKey::new(material(i)),
                LNonce::try_from(&nonce(i)[..]).unwrap(),
                &secp,
                10_000,
                LPaymentId(payment_id),
            )
            .unwrap(),
            "stateless",
        )
        .build()
        .unwrap();
        let keys = if s.paths {
            RefundKeys::Derived
        } else {
            RefundKeys::Explicit(node.public_key().into())
        };
        let key = ExpandedKey::new(&material(i));
        let ours = srefund::refund(
            &key,
            &Nonce(nonce(i)),
            &PaymentId(payment_id),
            keys,
            10_000,
            "stateless",
            |b| {
                let mut b = b;
                if let Some(e) = s.expiry {
                    b = b.absolute_expiry(e);
                }
                if let Some(x) = s.issuer {
                    b = b.issuer(x);
                }
                if s.paths {
                    b = b.paths(vec![our_path(3), our_path(4)]);
                }
                if s.testnet {
                    b = b.chain(testnet());
                }
                if let Some(q) = s.quantity {
                    b = b.quantity(q);
                }
                if let Some(n) = s.note {
                    b = b.payer_note(n);
                }
                b
            },
            None,
        )
        .unwrap();
        compare(&ours.refund, &lrefund);
        assert_eq!(ours.derived.is_some(), s.paths);

        if ours.refund.is_expired_at(NOW) {
            continue; // Neither answers it: see ldk_invoice_for_our_refund_passes_our_payer_check.
        }
        // LDK's invoice for the refund, recognised by us.
        let unsigned = lrefund
            .respond_with_no_std(
                ldk_payment_paths(),
                PaymentHash([1; 32]),
                payee.public_key(),
                Duration::from_secs(NOW),
            )
            .unwrap()
            .build()
            .unwrap();
        let linvoice = sign_ldk(unsigned, &payee);
        let invoice = Invoice::from_bytes(ldk_invoice_bytes(&linvoice)).unwrap();
        let n = Nonce(nonce(i));
        let nonce_arg = s.paths.then_some(&n);
        assert_eq!(
            srefund::verify_invoice(&key, &invoice, nonce_arg).unwrap(),
            PaymentId(payment_id)
        );
        assert!(
            srefund::verify_invoice(&ExpandedKey::new(&material(i + 1)), &invoice, nonce_arg)
                .is_err()
        );
        if s.paths {
            assert!(srefund::verify_invoice(&key, &invoice, Some(&Nonce([0; 16]))).is_err());
        }
        // An offer-side request's IV does not recognise a refund's invoice.
        assert!(bolt12::stateless::payer::verify_invoice(&key, &invoice, nonce_arg).is_err());

        // Our invoice for the refund, recognised by LDK.
        let ours_invoice = InvoiceBuilder::for_refund(
            &ours.refund,
            NOW,
            Sha256([2; 32]),
            vec![(our_path(5), payinfo())],
            payee.public_key(),
        )
        .unwrap()
        .build_and_sign(&payee)
        .unwrap();
        let l = LInvoice::try_from(ours_invoice.as_bytes().to_vec()).unwrap();
        let lkey = LExpandedKey::new(material(i));
        let got = if s.paths {
            l.verify_using_payer_data(
                LPaymentId(payment_id),
                LNonce::try_from(&nonce(i)[..]).unwrap(),
                &lkey,
                &secp,
            )
            .unwrap()
        } else {
            l.verify_using_metadata(&lkey, &secp).unwrap()
        };
        assert_eq!(got.0, payment_id);
        let wrong = LExpandedKey::new(material(i + 1));
        if s.paths {
            assert!(l
                .verify_using_payer_data(
                    LPaymentId(payment_id),
                    LNonce::try_from(&nonce(i)[..]).unwrap(),
                    &wrong,
                    &secp
                )
                .is_err());
        } else {
            assert!(l.verify_using_metadata(&wrong, &secp).is_err());
        }
    }
}

/// The derived payer key signs the refund in Core Lightning's form; the signature verifies
/// with the derived `invreq_payer_id`, and the signed refund still answers to the same
/// invoice recognition.
#[test]
fn stateless_refund_signed_with_derived_key() {
    let key = ExpandedKey::new(&material(1));
    let out = srefund::refund(
        &key,
        &Nonce(nonce(1)),
        &PaymentId([5; 32]),
        RefundKeys::Derived,
        42_000,
        "signed",
        |b| b.paths(vec![our_path(3)]),
        Some(&kp(99)),
    )
    .unwrap();
    assert!(out.refund.is_signed());
    let derived = out.derived.as_ref().unwrap();
    assert_eq!(out.refund.payer_id(), Point::from(derived.public_key()));
    let payee = kp(62);
    let invoice = InvoiceBuilder::for_refund(
        &out.refund,
        NOW,
        Sha256([2; 32]),
        vec![(our_path(5), payinfo())],
        payee.public_key(),
    )
    .unwrap()
    .build_and_sign(&payee)
    .unwrap();
    assert_eq!(
        srefund::verify_invoice(&key, &invoice, Some(&Nonce(nonce(1)))).unwrap(),
        PaymentId([5; 32])
    );
}

/// Reader rules, compared with LDK's on mutations of one refund: both refuse what BOLT 12
/// refuses; where LDK refuses more (fields BOLT 12 lets a reader use or ignore) the
/// difference is asserted.
#[test]
fn reader_rules_against_ldk() {
    let base = RefundBuilder::new(vec![1; 32], kp(70).public_key(), 5000, "refund")
        .build()
        .unwrap();
    type Mutation = (
        &'static str,
        fn(&mut bolt12::tlv::InvoiceRequestTlvs),
        Option<SemanticError>,
        bool,
    );
    let cases: Vec<Mutation> = vec![
        (
            "no metadata",
            |t| t.invreq_metadata = None,
            Some(SemanticError::Missing("invreq_metadata")),
            false,
        ),
        (
            "no payer id",
            |t| t.invreq_payer_id = None,
            Some(SemanticError::Missing("invreq_payer_id")),
            false,
        ),
        (
            "no amount",
            |t| t.invreq_amount = None,
            Some(SemanticError::Missing("invreq_amount")),
            false,
        ),
        (
            "no description",
            |t| t.offer_description = None,
            Some(SemanticError::Missing("offer_description")),
            false,
        ),
        (
            "offer_issuer_id",
            |t| t.offer_issuer_id = Some(kp(71).public_key().into()),
            Some(SemanticError::RefundForOffer("offer_issuer_id")),
            false,
        ),
        (
            "offer_chains",
            |t| t.offer_chains = Some(vec![ChainHash::BITCOIN]),
            Some(SemanticError::UnexpectedOfferField("offer_chains")),
            false,
        ),
        (
            "offer_quantity_max",
            |t| t.offer_quantity_max = Some(5),
            Some(SemanticError::UnexpectedOfferField("offer_quantity_max")),
            false,
        ),
        // BOLT 12: "if `invreq_features` contains unknown _even_ bits that are non-zero: MUST
        // reject the invoice request". LDK's `Refund` reader accepts it, and refuses to
        // answer it (`respond_with`: UnknownRequiredFeatures).
        (
            "unknown even invreq feature",
            |t| t.invreq_features = Some(vec![0x01, 0x00]),
            Some(SemanticError::UnknownRequiredFeature {
                field: "invreq_features",
                bit: 8,
            }),
            true,
        ),
        // BOLT 12: "MAY use `offer_amount` (or `offer_currency`) for informational display":
        // ours reads it; LDK refuses (UnexpectedAmount).
        ("offer_amount", |t| t.offer_amount = Some(10), None, false),
        // BOLT 12 forbids the writer offer_metadata, sets no reader rule; LDK refuses.
        (
            "offer_metadata",
            |t| t.offer_metadata = Some(vec![1]),
            None,
            false,
        ),
        // A BIP 353 name on a refund: no reader rule; LDK refuses (UnexpectedHumanReadableName).
        (
            "bip353 name",
            |t| {
                t.invreq_bip_353_name = Some(bolt12::tlv::InvreqBip353Name {
                    name: b"a".to_vec(),
                    domain: b"b.c".to_vec(),
                })
            },
            None,
            false,
        ),
        // Plain fields both read.
        (
            "unknown odd invreq feature",
            |t| t.invreq_features = Some(vec![0x02, 0x00]),
            None,
            true,
        ),
    ];
    for (name, mutate, ours_err, ldk_ok) in cases {
        let mut t = base.tlvs().clone();
        mutate(&mut t);
        let bytes = t.encode().unwrap();
        let ours = Refund::from_bytes(bytes.clone());
        let ldk = LRefund::try_from(bytes);
        match ours_err {
            Some(e) => assert_eq!(ours.unwrap_err(), ParseError::Semantic(e), "{name}"),
            None => {
                ours.unwrap_or_else(|e| panic!("{name}: {e}"));
            }
        }
        assert_eq!(ldk.is_ok(), ldk_ok, "{name}: LDK says {ldk:?}");
    }
    // An empty metadata cannot be built.
    assert_eq!(
        RefundBuilder::new(vec![], kp(70).public_key(), 1, "x")
            .build()
            .unwrap_err(),
        bolt12::BuildError::EmptyMetadata
    );
}
