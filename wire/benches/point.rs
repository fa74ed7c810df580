//! `Point::from_slice` (the on-curve check of BOLT 1's `point`) next to libsecp256k1's
//! `PublicKey::from_slice` (full decompression) and the check before this change, on the
//! same 64 keys: half valid, half with an x that is not on the curve.
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

/// The check before this change (wire/src/point.rs at d04357f, one binary-Jacobi step at a
/// time on four limbs), kept here as the bench's "before".
mod before {
    /// 256-bit integers as four little-endian 64-bit limbs.
    type U256 = [u64; 4];

    /// p = 2^256 - 2^32 - 977.
    const P: U256 = [0xffff_fffe_ffff_fc2f, u64::MAX, u64::MAX, u64::MAX];
    /// 2^256 mod p.
    const C: u64 = 0x1_0000_03d1;

    fn from_be(bytes: &[u8]) -> U256 {
        let mut out = [0u64; 4];
        for (i, limb) in out.iter_mut().enumerate() {
            let start = 32 - 8 * (i + 1);
            let mut b = [0u8; 8];
            b.copy_from_slice(&bytes[start..start + 8]);
            *limb = u64::from_be_bytes(b);
        }
        out
    }

    fn less(a: &U256, b: &U256) -> bool {
        for i in (0..4).rev() {
            if a[i] != b[i] {
                return a[i] < b[i];
            }
        }
        false
    }

    /// a - b, for a >= b.
    fn sub(a: &U256, b: &U256) -> U256 {
        let mut out = [0u64; 4];
        let mut borrow = 0u64;
        for i in 0..4 {
            let (d, b1) = a[i].overflowing_sub(b[i]);
            let (d, b2) = d.overflowing_sub(borrow);
            out[i] = d;
            borrow = u64::from(b1 || b2);
        }
        out
    }

    /// a * b mod p.
    fn mul_mod(a: &U256, b: &U256) -> U256 {
        // Schoolbook 4x4 -> 8 limbs.
        let mut w = [0u64; 8];
        for i in 0..4 {
            let mut carry = 0u128;
            for j in 0..4 {
                let t = u128::from(a[i]) * u128::from(b[j]) + u128::from(w[i + j]) + carry;
                w[i + j] = t as u64;
                carry = t >> 64;
            }
            w[i + 4] = carry as u64;
        }
        // Fold the high half: hi * 2^256 = hi * C (mod p).
        let mut r = [0u64; 5];
        let mut carry = 0u128;
        for i in 0..4 {
            let t = u128::from(w[i]) + u128::from(w[i + 4]) * u128::from(C) + carry;
            r[i] = t as u64;
            carry = t >> 64;
        }
        r[4] = carry as u64;
        // Fold the fifth limb (< 2^34) the same way.
        let mut out = [0u64; 4];
        let mut carry = u128::from(r[4]) * u128::from(C);
        for i in 0..4 {
            let t = u128::from(r[i]) + carry;
            out[i] = t as u64;
            carry = t >> 64;
        }
        if carry != 0 {
            // Wrapped past 2^256 once more: add C (the result is then far below p).
            let mut c = u128::from(C);
            for limb in out.iter_mut() {
                let t = u128::from(*limb) + c;
                *limb = t as u64;
                c = t >> 64;
            }
        }
        while !less(&out, &P) {
            out = sub(&out, &P);
        }
        out
    }

    fn is_zero(a: &U256) -> bool {
        a.iter().all(|l| *l == 0)
    }

    /// Shifts right by `k` < 64 bits.
    fn shr(a: &mut U256, k: u32) {
        if k == 0 {
            return;
        }
        for i in 0..4 {
            let hi = if i < 3 { a[i + 1] << (64 - k) } else { 0 };
            a[i] = (a[i] >> k) | hi;
        }
    }

    /// The Jacobi symbol (a/n) for odd n, by the binary algorithm.
    fn jacobi(mut a: U256, mut n: U256) -> i8 {
        let mut t = 1i8;
        loop {
            if is_zero(&a) {
                return if n == [1, 0, 0, 0] { t } else { 0 };
            }
            while a[0] & 1 == 0 {
                let k = if a[0] == 0 {
                    63
                } else {
                    a[0].trailing_zeros().min(63)
                };
                shr(&mut a, k);
                // (2/n) = -1 exactly when n = 3 or 5 (mod 8); k factors of two.
                if k % 2 == 1 && matches!(n[0] & 7, 3 | 5) {
                    t = -t;
                }
            }
            if less(&a, &n) {
                core::mem::swap(&mut a, &mut n);
                if a[0] & 3 == 3 && n[0] & 3 == 3 {
                    t = -t;
                }
            }
            a = sub(&a, &n);
        }
    }

    /// Is `x` (32 bytes, big-endian) the x coordinate of a curve point: x < p and x³ + 7 a
    /// square mod p?
    pub fn x_on_curve(x: &[u8]) -> bool {
        let x = from_be(x);
        if !less(&x, &P) {
            return false;
        }
        let mut y2 = mul_mod(&mul_mod(&x, &x), &x);
        // + 7, reduced.
        let mut carry = 7u128;
        for limb in y2.iter_mut() {
            let t = u128::from(*limb) + carry;
            *limb = t as u64;
            carry = t >> 64;
        }
        if carry != 0 || !less(&y2, &P) {
            y2 = sub(&y2, &P);
        }
        jacobi(y2, P) >= 0
    }
}

/// `Point::from_slice` before this change.
fn before_from_slice(bytes: &[u8]) -> bool {
    bytes.len() == 33 && matches!(bytes[0], 2 | 3) && before::x_on_curve(&bytes[1..])
}

fn bench(c: &mut Criterion) {
    let keys = keys();
    // The three agree on every key.
    for k in &keys {
        let theirs = PublicKey::from_slice(k).is_ok();
        assert_eq!(Point::from_slice(k).is_ok(), theirs);
        assert_eq!(before_from_slice(k), theirs);
    }
    let mut group = c.benchmark_group("point_parse_64");
    group.bench_function("wire_point_from_slice", |b| {
        b.iter(|| {
            keys.iter()
                .filter(|k| Point::from_slice(black_box(k.as_slice())).is_ok())
                .count()
        })
    });
    group.bench_function("before_binary_jacobi_4_limbs", |b| {
        b.iter(|| {
            keys.iter()
                .filter(|k| before_from_slice(black_box(k.as_slice())))
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
