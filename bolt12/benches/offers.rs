//! Decode + validation of offers, ours against LDK's (`lightning` 0.2.7), and signature
//! verification of invoice requests and invoices against a bare libsecp256k1 BIP-340
//! verification of a precomputed digest (the lower bound). Each comparison is one criterion
//! group, so the anchor is measured in the same run, side by side.
//!
//! Run: `cargo bench -p bolt12 --bench offers -- --warm-up-time 1 --measurement-time 3`
mod fixtures;
use fixtures::*;
use std::hint::black_box;
use std::str::FromStr;

use bolt12::{merkle, Invoice, InvoiceRequest, Offer};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use secp256k1::{schnorr, Message, SECP256K1};

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
