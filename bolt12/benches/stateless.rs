//! Cost of recognising an invoice request statelessly, against its budget: one HMAC-SHA256
//! over the request's bytes plus one key derivation (secret → public key), measured in the
//! same run. Recognition should cost at most 1.5× the baseline.
//!
//! `CARGO_TARGET_DIR=... cargo bench -p bolt12 --bench stateless`
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use hmac::{Hmac, Mac};
use secp256k1::{Keypair, SecretKey, SECP256K1};
use sha2::Sha256;

use bolt12::stateless::payer::{self, PayerKeys};
use bolt12::stateless::{issuer, ExpandedKey, IssuerKeys, Nonce, PaymentId};
use bolt12::tlv::{BlindedPath, BlindedPathHop};
use bolt12::{InvoiceRequest, OfferBuilder};
use wire::SciddirOrPubkey;

const NOW: u64 = 1_700_000_000;

fn kp(byte: u8) -> Keypair {
    Keypair::from_secret_key(SECP256K1, &SecretKey::from_slice(&[byte; 32]).unwrap())
}

fn path(last: u8) -> BlindedPath {
    BlindedPath {
        first_node_id: SciddirOrPubkey::Pubkey(wire::Point::from(kp(9).public_key())),
        first_path_key: wire::Point::from(kp(8).public_key()),
        path: vec![
            BlindedPathHop {
                blinded_node_id: wire::Point::from(kp(7).public_key()),
                encrypted_recipient_data: vec![1; 50],
            },
            BlindedPathHop {
                blinded_node_id: wire::Point::from(kp(last).public_key()),
                encrypted_recipient_data: vec![2; 30],
            },
        ],
    }
}

/// A request for an offer with two paths (derived issuer key) or without (metadata).
fn request(key: &ExpandedKey, nonce: &Nonce, derived: bool) -> InvoiceRequest {
    let mut b = OfferBuilder::new()
        .description("a cup of tea, hot")
        .amount_msat(21_000)
        .issuer("Teahouse");
    let keys = if derived {
        b = b.paths(vec![path(6), path(4)]);
        IssuerKeys::Derived
    } else {
        IssuerKeys::Explicit {
            node_id: wire::Point::from(kp(42).public_key()),
        }
    };
    let offer = issuer::create_offer(key, nonce, b, keys).unwrap();
    let payer_key = ExpandedKey::new(&[2; 32]);
    payer::request_invoice(
        &payer_key,
        &Nonce([3; 16]),
        &PaymentId([4; 32]),
        &offer,
        PayerKeys::Derived,
        |b| b.payer_note("thanks"),
        NOW,
    )
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let key = ExpandedKey::new(&[1; 32]);
    let nonce = Nonce([5; 16]);
    let derived = request(&key, &nonce, true);
    let explicit = request(&key, &nonce, false);
    let hmac_key = [7u8; 32];

    let mut g = c.benchmark_group("recognise_invoice_request");
    g.bench_function(
        "baseline: HMAC-SHA256(request bytes) + key derivation",
        |b| {
            b.iter(|| {
                let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&hmac_key).unwrap();
                mac.update(black_box(derived.as_bytes()));
                let secret: [u8; 32] = mac.finalize().into_bytes().into();
                let sk = SecretKey::from_slice(&secret).unwrap();
                black_box(Keypair::from_secret_key(SECP256K1, &sk).public_key())
            })
        },
    );
    g.bench_function("verify_request: derived key (nonce given)", |b| {
        b.iter(|| {
            let v = issuer::verify_request(&key, black_box(&derived), Some(&nonce)).unwrap();
            black_box(v.keys_kind())
        })
    });
    g.bench_function("verify_request: offer_metadata", |b| {
        b.iter(|| {
            let v = issuer::verify_request(&key, black_box(&explicit), None).unwrap();
            black_box(v.keys_kind())
        })
    });
    g.finish();
    eprintln!(
        "request sizes: derived-key offer {} bytes, metadata offer {} bytes",
        derived.as_bytes().len(),
        explicit.as_bytes().len()
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
