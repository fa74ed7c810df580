//! Decode + validation of offers, ours against LDK's (`lightning` 0.2.7), and signature
//! verification of invoice requests and invoices against a bare libsecp256k1 BIP-340
//! verification of a precomputed digest (the lower bound). Each comparison is one criterion
//! group, so the anchor is measured in the same run, side by side.
//!
//! Run: `cargo bench -p bolt12 --bench offers -- --warm-up-time 1 --measurement-time 3`
use std::hint::black_box;
use std::str::FromStr;

use bolt12::tlv::{BlindedPath, BlindedPathHop, BlindedPayinfo};
use bolt12::{
    merkle, Invoice, InvoiceBuilder, InvoiceRequest, InvoiceRequestBuilder, Offer, OfferBuilder,
};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use secp256k1::{schnorr, Keypair, Message, PublicKey, SecretKey, SECP256K1};
use wire::{SciddirOrPubkey, Sha256};

fn key(i: u8) -> Keypair {
    Keypair::from_secret_key(SECP256K1, &SecretKey::from_slice(&[i; 32]).unwrap())
}

fn pk(i: u8) -> PublicKey {
    key(i).public_key()
}

fn path(first: u8) -> BlindedPath {
    BlindedPath {
        first_node_id: SciddirOrPubkey::Pubkey(wire::Point::from(pk(first))),
        first_path_key: wire::Point::from(pk(first + 1)),
        path: vec![
            BlindedPathHop {
                blinded_node_id: wire::Point::from(pk(first + 2)),
                encrypted_recipient_data: vec![0x5a; 50],
            },
            BlindedPathHop {
                blinded_node_id: wire::Point::from(pk(first + 3)),
                encrypted_recipient_data: vec![0xa5; 35],
            },
        ],
    }
}

/// The 20 valid offers of `offers-test.json`.
fn vector_offers() -> Vec<String> {
    let path = format!("{}/tests/data/offers-test.json", env!("CARGO_MANIFEST_DIR"));
    let cases: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let offers: Vec<String> = cases
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["valid"].as_bool().unwrap())
        .map(|c| c["bolt12"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(offers.len(), 20);
    offers
}

fn typical_offer() -> Offer {
    OfferBuilder::new()
        .description("A cup of coffee, single origin, roasted this week")
        .amount_msat(4_500_000)
        .issuer("coffee@example.com")
        .issuer_id(pk(1))
        .build()
        .unwrap()
}

fn two_path_offer() -> Offer {
    OfferBuilder::new()
        .description("Donations")
        .issuer("example.org")
        .paths(vec![path(10), path(20)])
        .build()
        .unwrap()
}

fn bench_offer_decode(c: &mut Criterion) {
    let vectors = vector_offers();
    let typical = typical_offer().to_string();
    let two_paths = two_path_offer().to_string();
    // Both libraries accept every input.
    for s in vectors.iter().chain([&typical, &two_paths]) {
        Offer::from_str(s).unwrap();
        lightning::offers::offer::Offer::from_str(s).unwrap();
    }
    let mut group = c.benchmark_group("offer_decode");
    group.bench_function(BenchmarkId::new("ours", "20_vectors"), |b| {
        b.iter(|| {
            for s in &vectors {
                black_box(Offer::from_str(black_box(s)).unwrap());
            }
        })
    });
    group.bench_function(BenchmarkId::new("ldk", "20_vectors"), |b| {
        b.iter(|| {
            for s in &vectors {
                black_box(lightning::offers::offer::Offer::from_str(black_box(s)).unwrap());
            }
        })
    });
    for (name, s) in [("typical", &typical), ("two_paths", &two_paths)] {
        group.bench_with_input(BenchmarkId::new("ours", name), s, |b, s| {
            b.iter(|| black_box(Offer::from_str(black_box(s)).unwrap()))
        });
        group.bench_with_input(BenchmarkId::new("ldk", name), s, |b, s| {
            b.iter(|| black_box(lightning::offers::offer::Offer::from_str(black_box(s)).unwrap()))
        });
    }
    group.finish();
}

fn request_and_invoice() -> (InvoiceRequest, Invoice) {
    let offer = typical_offer();
    let payer = key(2);
    let req = InvoiceRequestBuilder::new(&offer, vec![7; 16], payer.public_key())
        .unwrap()
        .payer_note("thanks")
        .build_and_sign(&payer, 1_700_000_000)
        .unwrap();
    let info = BlindedPayinfo {
        fee_base_msat: 1000,
        fee_proportional_millionths: 100,
        cltv_expiry_delta: 144,
        htlc_minimum_msat: 1,
        htlc_maximum_msat: 10_000_000_000,
        features: vec![],
    };
    let inv =
        InvoiceBuilder::for_request(&req, 1_700_000_000, Sha256([9; 32]), vec![(path(30), info)])
            .unwrap()
            .build_and_sign(&key(1))
            .unwrap();
    (req, inv)
}

fn bench_signature_verify(c: &mut Criterion) {
    let (req, inv) = request_and_invoice();
    let cases = [
        (
            "invoice_request",
            req.as_bytes().to_vec(),
            req.merkle_root(),
            req.tlvs().signature.unwrap(),
            req.payer_id(),
        ),
        (
            "invoice",
            inv.as_bytes().to_vec(),
            inv.merkle_root(),
            inv.tlvs().signature.unwrap(),
            inv.node_id(),
        ),
    ];
    let mut group = c.benchmark_group("signature_verify");
    for (name, bytes, root, sig, signer) in &cases {
        // The limit: one BIP-340 verification of a digest computed beforehand.
        let digest = merkle::signature_digest(name, "signature", root);
        let msg = Message::from_digest(digest);
        let schnorr_sig = schnorr::Signature::from_slice(&sig.0).unwrap();
        let (xonly, _) = signer.to_pubkey().unwrap().x_only_public_key();
        assert!(SECP256K1.verify_schnorr(&schnorr_sig, &msg, &xonly).is_ok());
        group.bench_function(BenchmarkId::new("bare_secp256k1_verify", name), |b| {
            b.iter(|| {
                black_box(SECP256K1.verify_schnorr(
                    black_box(&schnorr_sig),
                    black_box(&msg),
                    black_box(&xonly),
                ))
                .is_ok()
            })
        });
        // Ours: tag hash of the root, signature and key conversion, verification.
        assert!(merkle::verify(name, "signature", root, sig, signer));
        group.bench_function(BenchmarkId::new("ours_merkle_verify", name), |b| {
            b.iter(|| {
                black_box(merkle::verify(
                    name,
                    "signature",
                    black_box(root),
                    black_box(sig),
                    black_box(signer),
                ))
            })
        });
        // Ours: the whole reader, bytes to a validated, signature-checked message.
        if *name == "invoice_request" {
            group.bench_function(BenchmarkId::new("ours_from_bytes", name), |b| {
                b.iter(|| black_box(InvoiceRequest::from_bytes(black_box(bytes.clone())).unwrap()))
            });
        } else {
            group.bench_function(BenchmarkId::new("ours_from_bytes", name), |b| {
                b.iter(|| black_box(Invoice::from_bytes(black_box(bytes.clone())).unwrap()))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_offer_decode, bench_signature_verify);
criterion_main!(benches);
