//! `Point::from_slice` (the on-curve check of BOLT 1's `point`) next to libsecp256k1's
//! `PublicKey::from_slice` (full decompression), on the same 64 keys: half valid, half with
//! an x that is not on the curve. (The previous check's figures, measured beside these
//! before it was replaced, are in BENCHMARKS.md.)
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use secp256k1::{PublicKey, SecretKey, SECP256K1};
use wire::Point;

fn keys() -> Vec<[u8; 33]> {
    let mut out = Vec::new();
    for i in 1..=32u8 {
        let key = PublicKey::from_secret_key(SECP256K1, &SecretKey::from_slice(&[i; 32]).unwrap());
        let mut bytes = key.serialize();
        out.push(bytes);
        // The next x that is not on the curve.
        loop {
            bytes[32] = bytes[32].wrapping_add(1);
            if PublicKey::from_slice(&bytes).is_err() {
                break;
            }
        }
        out.push(bytes);
    }
    out
}

fn bench(c: &mut Criterion) {
    let keys = keys();
    // Both agree on every key.
    for k in &keys {
        assert_eq!(
            Point::from_slice(k).is_ok(),
            PublicKey::from_slice(k).is_ok()
        );
    }
    let mut group = c.benchmark_group("point_parse_64");
    group.bench_function("wire_point_from_slice", |b| {
        b.iter(|| {
            keys.iter()
                .filter(|k| Point::from_slice(black_box(k.as_slice())).is_ok())
                .count()
        })
    });
    group.bench_function("secp256k1_publickey_from_slice", |b| {
        b.iter(|| {
            keys.iter()
                .filter(|k| PublicKey::from_slice(black_box(k.as_slice())).is_ok())
                .count()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
