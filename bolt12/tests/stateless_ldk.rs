//! Byte-for-byte compatibility of `bolt12::stateless` with LDK's offers signer
//! (`lightning` 0.2.7, an independent implementation) given the same key material and nonce:
//! identical offers and invoice requests, each side recognising the other's messages, LDK's
//! payment hashes, and both refusing under another key.
use std::num::NonZeroU64;
use std::time::Duration;

use bolt12::stateless::payer::{self, PayerKeys};
use bolt12::stateless::{issuer, payment, ExpandedKey, IssuerKeys, Nonce, PaymentId, RequestKeys};
use bolt12::tlv::BlindedPath;
use bolt12::{Invoice, InvoiceRequest, Offer, OfferBuilder};
use lightning::blinded_path::message::BlindedMessagePath;
use lightning::blinded_path::payment::{BlindedPayInfo, BlindedPaymentPath};
use lightning::blinded_path::BlindedHop;
use lightning::ln::channelmanager::PaymentId as LPaymentId;
use lightning::ln::inbound_payment::{self, ExpandedKey as LExpandedKey};
use lightning::offers::invoice::{Bolt12Invoice as LInvoice, UnsignedBolt12Invoice};
use lightning::offers::invoice_request::InvoiceRequest as LRequest;
use lightning::offers::nonce::Nonce as LNonce;
use lightning::offers::offer::{Offer as LOffer, OfferBuilder as LOfferBuilder, Quantity};
use lightning::sign::EntropySource;
use lightning::types::features::BlindedHopFeatures;
use lightning::types::payment::PaymentHash;
use lightning::util::ser::Writeable;
use secp256k1::{Keypair, PublicKey, Secp256k1};

mod common;
use common::{blinded_path, hops, kp, payinfo, NOW};

/// `offer_absolute_expiry` far enough ahead that LDK's wall-clock check passes.
const FAR_EXPIRY: u64 = 4_000_000_000;

fn material(i: u8) -> [u8; 32] {
    core::array::from_fn(|j| (j as u8).wrapping_mul(31).wrapping_add(i))
}

fn nonce(i: u8) -> [u8; 16] {
    core::array::from_fn(|j| (j as u8).wrapping_mul(7) ^ i)
}

fn ours(i: u8) -> ExpandedKey {
    ExpandedKey::new(&material(i))
}

fn ldk(i: u8) -> LExpandedKey {
    LExpandedKey::new(material(i))
}

fn lnonce(i: u8) -> LNonce {
    LNonce::try_from(&nonce(i)[..]).unwrap()
}

/// A two-hop blinded path ending at `last`, in our types and in LDK's.
fn message_path(last: u8) -> (BlindedPath, BlindedMessagePath) {
    let hops = hops(kp(last).public_key());
    let theirs = BlindedMessagePath::from_blinded_path(
        kp(9).public_key(),
        kp(8).public_key(),
        hops.iter()
            .map(|(id, data)| BlindedHop {
                blinded_node_id: *id,
                encrypted_payload: data.clone(),
            })
            .collect(),
    );
    (blinded_path(hops), theirs)
}

fn ldk_payment_paths() -> Vec<BlindedPaymentPath> {
    let (ours, _) = message_path(5);
    let hops = ours
        .path
        .iter()
        .map(|h| BlindedHop {
            blinded_node_id: h.blinded_node_id.to_pubkey().unwrap(),
            encrypted_payload: h.encrypted_recipient_data.clone(),
        })
        .collect();
    let p = payinfo();
    vec![BlindedPaymentPath::from_blinded_path_and_payinfo(
        kp(9).public_key(),
        kp(8).public_key(),
        hops,
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

fn node() -> Keypair {
    kp(42)
}

/// The offer shapes compared: (with paths?, extra fields?).
#[derive(Clone, Copy, Debug)]
struct Shape {
    paths: bool,
    rich: bool,
}

const SHAPES: [Shape; 4] = [
    Shape {
        paths: false,
        rich: false,
    },
    Shape {
        paths: false,
        rich: true,
    },
    Shape {
        paths: true,
        rich: false,
    },
    Shape {
        paths: true,
        rich: true,
    },
];

fn our_offer(shape: Shape, i: u8) -> Offer {
    let mut b = OfferBuilder::new()
        .description(format!("coffee {i}"))
        .amount_msat(10_000 + u64::from(i));
    if shape.rich {
        b = b.issuer("Cafe").absolute_expiry(FAR_EXPIRY).quantity_max(5);
    }
    let keys = if shape.paths {
        b = b.paths(vec![message_path(6).0, message_path(4).0]);
        IssuerKeys::Derived
    } else {
        IssuerKeys::Explicit {
            node_id: wire::Point::from(node().public_key()),
        }
    };
    assert_eq!(
        IssuerKeys::like_ldk(&b, wire::Point::from(node().public_key())),
        keys
    );
    issuer::create_offer(&ours(i), &Nonce(nonce(i)), b, keys).unwrap()
}

fn ldk_offer(shape: Shape, i: u8) -> LOffer {
    let secp = Secp256k1::new();
    let mut b =
        LOfferBuilder::deriving_signing_pubkey(node().public_key(), &ldk(i), lnonce(i), &secp)
            .description(format!("coffee {i}"))
            .amount_msats(10_000 + u64::from(i));
    if shape.rich {
        b = b
            .issuer("Cafe".into())
            .absolute_expiry(Duration::from_secs(FAR_EXPIRY))
            .supported_quantity(Quantity::Bounded(NonZeroU64::new(5).unwrap()));
    }
    if shape.paths {
        b = b.path(message_path(6).1).path(message_path(4).1);
    }
    b.build().unwrap()
}

fn to_ldk_request(r: &InvoiceRequest) -> LRequest {
    LRequest::try_from(r.as_bytes().to_vec()).unwrap()
}

fn from_ldk_request(r: &LRequest) -> InvoiceRequest {
    InvoiceRequest::from_bytes(r.encode()).unwrap()
}

#[test]
fn offers_are_identical_to_ldk() {
    for i in 0..8 {
        for shape in SHAPES {
            let ours = our_offer(shape, i);
            let theirs = ldk_offer(shape, i);
            assert_eq!(ours.to_string(), theirs.to_string(), "{shape:?} {i}");
            // Explicit: node id and 48-byte metadata; derived: no metadata, another key.
            if shape.paths {
                assert_eq!(ours.tlvs().offer_metadata, None);
                assert_ne!(
                    ours.issuer_id(),
                    Some(&wire::Point::from(node().public_key()))
                );
            } else {
                assert_eq!(ours.tlvs().offer_metadata.as_ref().map(Vec::len), Some(48));
                assert_eq!(
                    &ours.tlvs().offer_metadata.as_ref().unwrap()[..16],
                    &nonce(i)
                );
                assert_eq!(
                    ours.issuer_id(),
                    Some(&wire::Point::from(node().public_key()))
                );
            }
        }
    }
}

#[test]
fn derived_payer_requests_are_identical_to_ldk() {
    let secp = Secp256k1::new();
    for i in 0..6 {
        for shape in SHAPES {
            let offer = our_offer(shape, i);
            let loffer = ldk_offer(shape, i);
            let payment_id = [i.wrapping_add(100); 32];
            // Payer key material and nonce differ from the issuer's.
            let (pm, pn) = (i + 50, i + 60);
            let mut lb = loffer
                .request_invoice(&ldk(pm), lnonce(pn), &secp, LPaymentId(payment_id))
                .unwrap();
            if shape.rich {
                lb = lb.quantity(2).unwrap();
            }
            let theirs = lb.build_and_sign().unwrap();
            let ours = payer::request_invoice(
                &ours(pm),
                &Nonce(nonce(pn)),
                &PaymentId(payment_id),
                &offer,
                PayerKeys::Derived,
                |b| if shape.rich { b.quantity(2) } else { b },
                NOW,
            )
            .unwrap();
            assert_eq!(ours.as_bytes(), theirs.encode().as_slice(), "{shape:?} {i}");
            assert_eq!(ours.tlvs().invreq_metadata.as_ref().map(Vec::len), Some(32));
        }
    }
}

#[test]
fn each_issuer_recognises_the_others_requests() {
    let secp = Secp256k1::new();
    for i in 0..4 {
        for shape in SHAPES {
            let offer = our_offer(shape, i);
            let loffer = ldk_offer(shape, i);
            let n = Nonce(nonce(i));
            let nonce_arg = shape.paths.then_some(&n);
            // LDK's request, our recognition.
            let mut lb = loffer
                .request_invoice(&ldk(77), lnonce(78), &secp, LPaymentId([1; 32]))
                .unwrap();
            if shape.rich {
                lb = lb.quantity(1).unwrap();
            }
            let lreq = lb.build_and_sign().unwrap();
            let req = from_ldk_request(&lreq);
            let verified = issuer::verify_request(&ours(i), &req, nonce_arg).unwrap();
            match verified.keys() {
                RequestKeys::Derived(k) => {
                    assert!(shape.paths);
                    assert_eq!(Some(&wire::Point::from(k.public_key())), offer.issuer_id());
                }
                RequestKeys::Explicit => assert!(!shape.paths),
            }
            assert_eq!(verified.offer_id(), Some(offer.id()));
            // Our request, LDK's recognition (both payer layouts).
            let payer_key = kp(33);
            for keys in [PayerKeys::Derived, PayerKeys::Explicit(&payer_key)] {
                let req = payer::request_invoice(
                    &ours(90),
                    &Nonce(nonce(91)),
                    &PaymentId([2; 32]),
                    &offer,
                    keys,
                    |b| b,
                    NOW,
                )
                .unwrap();
                let lreq = to_ldk_request(&req);
                let verified = if shape.paths {
                    lreq.verify_using_recipient_data(lnonce(i), &ldk(i), &secp)
                } else {
                    lreq.verify_using_metadata(&ldk(i), &secp)
                };
                assert!(verified.is_ok(), "{shape:?} {i} {keys:?}");
            }
        }
    }
}

#[test]
fn ldk_and_we_refuse_under_another_key_or_nonce() {
    let secp = Secp256k1::new();
    for shape in SHAPES {
        let offer = our_offer(shape, 1);
        let req = payer::request_invoice(
            &ours(9),
            &Nonce(nonce(9)),
            &PaymentId([2; 32]),
            &offer,
            PayerKeys::Derived,
            |b| b,
            NOW,
        )
        .unwrap();
        let lreq = to_ldk_request(&req);
        // Wrong key material.
        let n = Nonce(nonce(1));
        assert!(issuer::verify_request(&ours(2), &req, shape.paths.then_some(&n)).is_err());
        let ldk_result = if shape.paths {
            lreq.clone()
                .verify_using_recipient_data(lnonce(1), &ldk(2), &secp)
        } else {
            lreq.clone().verify_using_metadata(&ldk(2), &secp)
        };
        assert!(ldk_result.is_err());
        if shape.paths {
            // Wrong nonce.
            assert!(issuer::verify_request(&ours(1), &req, Some(&Nonce(nonce(2)))).is_err());
            assert!(lreq
                .verify_using_recipient_data(lnonce(2), &ldk(1), &secp)
                .is_err());
        }
    }
}

#[test]
fn our_payer_recognises_ldk_invoices() {
    let secp = Secp256k1::new();
    for i in 0..4 {
        for shape in SHAPES {
            let offer = our_offer(shape, i);
            let payment_id = PaymentId([i.wrapping_mul(3).wrapping_add(1); 32]);
            let payer_key = kp(34);
            for keys in [PayerKeys::Derived, PayerKeys::Explicit(&payer_key)] {
                let (pm, pn) = (i + 20, i + 30);
                let req = payer::request_invoice(
                    &ours(pm),
                    &Nonce(nonce(pn)),
                    &payment_id,
                    &offer,
                    keys,
                    |b| b,
                    NOW,
                )
                .unwrap();
                let lreq = to_ldk_request(&req);
                let created = Duration::from_secs(NOW);
                let hash = PaymentHash([5; 32]);
                let linvoice: LInvoice = if shape.paths {
                    let v = lreq
                        .verify_using_recipient_data(lnonce(i), &ldk(i), &secp)
                        .unwrap();
                    v.respond_using_derived_keys_no_std(ldk_payment_paths(), hash, created)
                        .unwrap()
                        .build_and_sign(&secp)
                        .unwrap()
                } else {
                    let v = lreq.verify_using_metadata(&ldk(i), &secp).unwrap();
                    v.respond_with_no_std(ldk_payment_paths(), hash, created)
                        .unwrap()
                        .build()
                        .unwrap()
                        .sign(|m: &UnsignedBolt12Invoice| {
                            Ok(secp.sign_schnorr_no_aux_rand(m.as_ref().as_digest(), &node()))
                        })
                        .unwrap()
                };
                let invoice = Invoice::from_bytes(linvoice.encode()).unwrap();
                let recovered = match keys {
                    PayerKeys::Derived => {
                        payer::verify_invoice(&ours(pm), &invoice, Some(&Nonce(nonce(pn))))
                    }
                    PayerKeys::Explicit(_) => payer::verify_invoice(&ours(pm), &invoice, None),
                };
                assert_eq!(recovered, Ok(payment_id), "{shape:?} {i} {keys:?}");
                // And LDK's own payer check agrees.
                let ldk_recovered = match keys {
                    PayerKeys::Derived => linvoice.verify_using_payer_data(
                        LPaymentId(payment_id.0),
                        lnonce(pn),
                        &ldk(pm),
                        &secp,
                    ),
                    PayerKeys::Explicit(_) => linvoice.verify_using_metadata(&ldk(pm), &secp),
                };
                assert_eq!(ldk_recovered.map(|p| p.0), Ok(payment_id.0));
            }
        }
    }
}

#[test]
fn ldk_payer_recognises_our_invoices() {
    let secp = Secp256k1::new();
    for i in 0..4 {
        for shape in SHAPES {
            let offer = our_offer(shape, i);
            let loffer = LOffer::try_from(offer.as_bytes().to_vec()).unwrap();
            let payment_id = LPaymentId([i.wrapping_add(7); 32]);
            let (pm, pn) = (i + 40, i + 41);
            let mut lb = loffer
                .request_invoice(&ldk(pm), lnonce(pn), &secp, payment_id)
                .unwrap();
            if shape.rich {
                lb = lb.quantity(3).unwrap();
            }
            let req = from_ldk_request(&lb.build_and_sign().unwrap());
            let n = Nonce(nonce(i));
            let verified =
                issuer::verify_request(&ours(i), &req, shape.paths.then_some(&n)).unwrap();
            let params = issuer::InvoiceParams {
                created_at: NOW,
                relative_expiry: issuer::DEFAULT_RELATIVE_EXPIRY,
                paths: vec![(message_path(5).0, payinfo())],
                payment_iv: nonce(i + 1),
                amount_msat: None,
            };
            let answer = issuer::respond(&ours(i), &verified, Some(&node()), params).unwrap();
            let linvoice = LInvoice::try_from(answer.invoice.as_bytes().to_vec()).unwrap();
            assert_eq!(
                linvoice.verify_using_payer_data(payment_id, lnonce(pn), &ldk(pm), &secp),
                Ok(payment_id)
            );
            assert!(linvoice
                .verify_using_payer_data(payment_id, lnonce(pn), &ldk(pm + 1), &secp)
                .is_err());
            assert_eq!(
                linvoice.relative_expiry(),
                Duration::from_secs(u64::from(issuer::DEFAULT_RELATIVE_EXPIRY))
            );
            let signer: PublicKey = linvoice.signing_pubkey();
            assert_eq!(Some(&wire::Point::from(signer)), offer.issuer_id());
        }
    }
}

/// An entropy source that yields a fixed IV, so LDK's payment hash is reproducible.
struct FixedIv([u8; 16]);

impl EntropySource for FixedIv {
    fn get_secure_random_bytes(&self) -> [u8; 32] {
        let mut b = [0u8; 32];
        b[..16].copy_from_slice(&self.0);
        b
    }
}

#[test]
fn payment_hashes_are_ldks_inbound_payments() {
    for i in 0..16u8 {
        let iv = nonce(i);
        let amount = [
            None,
            Some(1),
            Some(123_456_789),
            Some(payment::MAX_VALUE_MSAT),
        ][usize::from(i % 4)];
        let expiry = [60u32, 600, 7200, 86_400][usize::from(i / 4)];
        let now = NOW + u64::from(i) * 1000;
        let entropy = FixedIv(iv);
        let (lhash, lsecret) =
            inbound_payment::create(&ldk(i), amount, expiry, &&entropy, now, None).unwrap();
        let (hash, secret) = payment::create(&ours(i), amount, expiry, &iv, now).unwrap();
        assert_eq!(hash.0, lhash.0);
        assert_eq!(secret.0, lsecret.0);
        let preimage = payment::claim(&ours(i), &hash, &secret, amount.unwrap_or(0), now).unwrap();
        assert_eq!(preimage.payment_hash().0, lhash.0);
    }
}

mod random_inputs {
    //! The same comparisons over random key material, nonces, payment ids and offer fields.
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

        #[test]
        fn offers_requests_and_payment_hashes_match_ldk(
            issuer_material in any::<[u8; 32]>(),
            payer_material in any::<[u8; 32]>(),
            offer_nonce in any::<[u8; 16]>(),
            payer_nonce in any::<[u8; 16]>(),
            payment_id in any::<[u8; 32]>(),
            description in "[ -~]{0,40}",
            amount in 1u64..=payment::MAX_VALUE_MSAT,
            paths in any::<bool>(),
            iv in any::<[u8; 16]>(),
            relative_expiry in any::<u32>(),
        ) {
            let secp = Secp256k1::new();
            let key = ExpandedKey::new(&issuer_material);
            let lkey = LExpandedKey::new(issuer_material);
            let lnonce = LNonce::try_from(&offer_nonce[..]).unwrap();
            let mut b = OfferBuilder::new().description(description.clone()).amount_msat(amount);
            let mut lb = LOfferBuilder::deriving_signing_pubkey(node().public_key(), &lkey, lnonce, &secp)
                .description(description)
                .amount_msats(amount);
            if paths {
                b = b.paths(vec![message_path(6).0]);
                lb = lb.path(message_path(6).1);
            }
            let keys = IssuerKeys::like_ldk(&b, wire::Point::from(node().public_key()));
            let offer = issuer::create_offer(&key, &Nonce(offer_nonce), b, keys).unwrap();
            let loffer = lb.build().unwrap();
            prop_assert_eq!(offer.to_string(), loffer.to_string());

            let pkey = ExpandedKey::new(&payer_material);
            let lpkey = LExpandedKey::new(payer_material);
            let lpnonce = LNonce::try_from(&payer_nonce[..]).unwrap();
            let req = payer::request_invoice(&pkey, &Nonce(payer_nonce), &PaymentId(payment_id), &offer, PayerKeys::Derived, |b| b, NOW).unwrap();
            let lreq = loffer.request_invoice(&lpkey, lpnonce, &secp, LPaymentId(payment_id)).unwrap().build_and_sign().unwrap();
            let lbytes = lreq.encode();
            prop_assert_eq!(req.as_bytes(), lbytes.as_slice());
            let n = Nonce(offer_nonce);
            prop_assert!(issuer::verify_request(&key, &req, paths.then_some(&n)).is_ok());

            let now = NOW;
            let (hash, secret) = payment::create(&key, Some(amount), relative_expiry, &iv, now).unwrap();
            let (lhash, lsecret) = inbound_payment::create(&lkey, Some(amount), relative_expiry, &&FixedIv(iv), now, None).unwrap();
            prop_assert_eq!(hash.0, lhash.0);
            prop_assert_eq!(secret.0, lsecret.0);
        }
    }
}
