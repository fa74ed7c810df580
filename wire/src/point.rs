//! `point` (BOLT 1 §"Fundamental Types"): a 33-byte compressed secp256k1 point.
//!
//! Decoding checks that the bytes are a point on the curve without decompressing it: the
//! prefix is 2 or 3, `x < p`, and `x³ + 7` is a square mod p, found with a variable-time
//! binary Jacobi symbol ([`jacobi`]: a few thousand instructions, where decompression's
//! square root costs about fifty thousand). That is exactly the set of encodings libsecp256k1's
//! `ec_pubkey_parse` accepts (tested against it). The key is decompressed only when it is
//! used ([`Point::to_pubkey`]), e.g. for the one key a signature is checked with. Offers
//! and invoices carry many points (paths, hops) that a reader never needs as keys.
//!
//! Field elements are public data here, so variable time is fine.
use core::fmt;
use core::str::FromStr;

use secp256k1::PublicKey;

/// A valid compressed secp256k1 point, kept in its 33-byte wire form.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Point([u8; 33]);

/// The bytes are not a compressed secp256k1 point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidPoint;

impl fmt::Display for InvalidPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a valid compressed secp256k1 point")
    }
}

impl std::error::Error for InvalidPoint {}

impl Point {
    /// Checks and wraps 33 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Point, InvalidPoint> {
        let bytes: [u8; 33] = bytes.try_into().map_err(|_| InvalidPoint)?;
        if !matches!(bytes[0], 2 | 3) || !x_on_curve(&bytes[1..]) {
            return Err(InvalidPoint);
        }
        Ok(Point(bytes))
    }

    /// The 33-byte compressed encoding.
    pub fn serialize(&self) -> [u8; 33] {
        self.0
    }

    /// The 33-byte compressed encoding, borrowed.
    pub fn as_bytes(&self) -> &[u8; 33] {
        &self.0
    }

    /// The decompressed key, for signature checks and key arithmetic. Fails only if
    /// libsecp256k1 disagrees with the on-curve check above, which the tests rule out.
    pub fn to_pubkey(&self) -> Result<PublicKey, InvalidPoint> {
        PublicKey::from_slice(&self.0).map_err(|_| InvalidPoint)
    }
}

impl From<PublicKey> for Point {
    fn from(key: PublicKey) -> Point {
        Point(key.serialize())
    }
}

impl From<&PublicKey> for Point {
    fn from(key: &PublicKey) -> Point {
        Point(key.serialize())
    }
}

impl PartialEq<PublicKey> for Point {
    fn eq(&self, other: &PublicKey) -> bool {
        self.0 == other.serialize()
    }
}

impl PartialEq<Point> for PublicKey {
    fn eq(&self, other: &Point) -> bool {
        self.serialize() == other.0
    }
}

impl fmt::Display for Point {
    /// Lowercase hex, as node ids are usually written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One `write_str` of a stack buffer, not 33 `{:02x}` formats: `decode` prints
        // every node id and path key this way.
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut buf = [0u8; 66];
        for (i, b) in self.0.iter().enumerate() {
            buf[2 * i] = DIGITS[usize::from(b >> 4)];
            buf[2 * i + 1] = DIGITS[usize::from(b & 15)];
        }
        f.write_str(core::str::from_utf8(&buf).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Point({self})")
    }
}

impl FromStr for Point {
    type Err = InvalidPoint;
    /// 66 hex digits.
    fn from_str(s: &str) -> Result<Point, InvalidPoint> {
        if s.len() != 66 {
            return Err(InvalidPoint);
        }
        let mut bytes = [0u8; 33];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = u8::from_str_radix(s.get(2 * i..2 * i + 2).ok_or(InvalidPoint)?, 16)
                .map_err(|_| InvalidPoint)?;
        }
        Point::from_slice(&bytes)
    }
}

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

#[cfg(test)]
fn is_zero(a: &U256) -> bool {
    a.iter().all(|l| *l == 0)
}

/// Shifts right by `k` < 64 bits.
#[cfg(test)]
fn shr(a: &mut U256, k: u32) {
    if k == 0 {
        return;
    }
    for i in 0..4 {
        let hi = if i < 3 { a[i + 1] << (64 - k) } else { 0 };
        a[i] = (a[i] >> k) | hi;
    }
}

/// The Jacobi symbol (a/n) for odd n, by the binary algorithm on four limbs throughout:
/// the previous implementation, kept as the tests' reference for [`jacobi`].
#[cfg(test)]
fn jacobi_binary(mut a: U256, mut n: U256) -> i8 {
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

/// The Jacobi symbol (a/n) for odd n, by the binary algorithm (J. Shallit and J. Sorenson,
/// "A binary algorithm for the Jacobi symbol", ACM SIGSAM Bulletin 27(1), 1993; the same
/// steps as [`jacobi_binary`], the previous implementation):
///
/// - while `a` is not zero: strip the factors of two from `a` (each flips the sign when
///   n = 3 or 5 (mod 8), as (2/n) = -1 then); then `(a, n) <- (a - n, n)` if `a >= n`,
///   else `(n - a, a)` (both odd, so quadratic reciprocity flips the sign when both are
///   3 (mod 4); ((a - n)/n) = (a/n) otherwise), which leaves `a` even;
/// - at `a = 0`, the symbol is the sign collected if `n = 1`, else 0 (not coprime).
///
/// Two things make it fast, neither changes a step, so it is exact (and tested against
/// [`jacobi_binary`] and libsecp256k1):
///
/// - no branch on `a < n`: which way it goes is random-looking, so a branch mispredicts
///   about every other step; the borrow of `a - n` selects with masks instead;
/// - `max(a, n)` never grows and loses about a bit per step, so the steps run on 256-bit
///   numbers (two `u128` halves, kept in registers) only until both fit in 128 bits,
///   then on one `u128`, then on one `u64`.
///
/// Measured (wire/benches/point.rs): about 1.5x the previous four-limb loop natively, and
/// 3-4x faster than libsecp256k1's full parse, which also computes the square root.
fn jacobi(a: U256, n: U256) -> i8 {
    // 256-bit numbers as (high, low) halves: the compiler keeps them in registers.
    let split = |x: &U256| {
        (
            u128::from(x[2]) | (u128::from(x[3]) << 64),
            u128::from(x[0]) | (u128::from(x[1]) << 64),
        )
    };
    let ((mut a_hi, mut a_lo), (mut n_hi, mut n_lo)) = (split(&a), split(&n));
    // Parity of the number of sign flips (bit 0; the other bits are noise).
    let mut flips = 0u64;
    while a_hi != 0 || n_hi != 0 {
        if a_hi == 0 && a_lo == 0 {
            // n > 1 is left: not coprime.
            return 0;
        }
        let k = if a_lo != 0 {
            a_lo.trailing_zeros()
        } else {
            128 + a_hi.trailing_zeros()
        };
        if k >= 128 {
            a_lo = shr128(a_hi, k - 128);
            a_hi = 0;
        } else if k > 0 {
            a_lo = shr128(a_lo, k) | shl128(a_hi, 128 - k);
            a_hi = shr128(a_hi, k);
        }
        let n0 = n_lo as u64;
        flips ^= u64::from(k) & ((n0 >> 1) ^ (n0 >> 2));
        // (a, n) <- a < n ? (n - a, a) : (a - n, n), without a branch on the comparison
        // (it goes either way at random, so a branch would mispredict half the time).
        let (d_lo, b0) = a_lo.overflowing_sub(n_lo);
        let (t, b1) = a_hi.overflowing_sub(n_hi);
        let (d_hi, b2) = t.overflowing_sub(u128::from(b0));
        let lt = u128::from(b1 | b2).wrapping_neg();
        // Reciprocity when they swap: -1 when both are 3 (mod 4).
        flips ^= (lt as u64 & a_lo as u64 & n0) >> 1;
        n_lo ^= (a_lo ^ n_lo) & lt;
        n_hi ^= (a_hi ^ n_hi) & lt;
        // |d|: negated (!d + 1) where a < n.
        let (lo, carry) = (d_lo ^ lt).overflowing_add(lt & 1);
        a_lo = lo;
        a_hi = (d_hi ^ lt).wrapping_add(u128::from(carry));
    }
    jacobi_u128(a_lo, n_lo, flips)
}

/// `x >> k` and `x << k` (k < 128) for the staged loop. On wasm32 a `u128` shift by a
/// variable amount is a call into compiler_builtins (`__lshrti3`, `__ashlti3`), a few
/// percent of the npm package's `decode()`; there they are done on the two 64-bit halves
/// ([`shr_halves`], [`shl_halves`]), inline.
#[cfg(not(target_arch = "wasm32"))]
#[inline(always)]
fn shr128(x: u128, k: u32) -> u128 {
    x >> k
}
#[cfg(not(target_arch = "wasm32"))]
#[inline(always)]
fn shl128(x: u128, k: u32) -> u128 {
    x << k
}
#[cfg(target_arch = "wasm32")]
use {shl_halves as shl128, shr_halves as shr128};

/// `x >> k` (k < 128) on 64-bit halves.
#[cfg(any(test, target_arch = "wasm32"))]
#[inline(always)]
fn shr_halves(x: u128, k: u32) -> u128 {
    let (lo, hi) = (x as u64, (x >> 64) as u64);
    let (lo, hi) = match k {
        0 => (lo, hi),
        1..=63 => ((lo >> k) | (hi << (64 - k)), hi >> k),
        _ => (hi >> (k - 64), 0),
    };
    u128::from(lo) | (u128::from(hi) << 64)
}

/// `x << k` (k < 128) on 64-bit halves.
#[cfg(any(test, target_arch = "wasm32"))]
#[inline(always)]
fn shl_halves(x: u128, k: u32) -> u128 {
    let (lo, hi) = (x as u64, (x >> 64) as u64);
    let (lo, hi) = match k {
        0 => (lo, hi),
        1..=63 => (lo << k, (hi << k) | (lo >> (64 - k))),
        _ => (0, lo << (k - 64)),
    };
    u128::from(lo) | (u128::from(hi) << 64)
}

/// +1 or -1 from the parity of the sign flips.
fn sign(flips: u64) -> i8 {
    if flips & 1 == 0 {
        1
    } else {
        -1
    }
}

/// The steps of [`jacobi`] on one native integer, `flips` the sign collected so far;
/// `$next` may hand over to a narrower width.
macro_rules! native_jacobi {
    ($name:ident, $int:ty, $shr:expr, $next:expr) => {
        fn $name(mut a: $int, mut n: $int, mut flips: u64) -> i8 {
            loop {
                if let Some(finish) = $next(a, n, flips) {
                    return finish;
                }
                if a == 0 {
                    return if n == 1 { sign(flips) } else { 0 };
                }
                let k = a.trailing_zeros();
                a = $shr(a, k);
                flips ^= u64::from(k) & ((n as u64 >> 1) ^ (n as u64 >> 2));
                let lt: $int = <$int>::from(a < n).wrapping_neg();
                flips ^= (lt & a & n) as u64 >> 1;
                let d = a.wrapping_sub(n);
                n ^= (a ^ n) & lt;
                a = (d ^ lt).wrapping_sub(lt);
            }
        }
    };
}

native_jacobi!(jacobi_u128, u128, shr128, |a: u128, n: u128, flips: u64| {
    // Both fit in 64 bits: finish there.
    (a >> 64 == 0 && n >> 64 == 0).then(|| jacobi_u64(a as u64, n as u64, flips))
});
native_jacobi!(
    jacobi_u64,
    u64,
    |a: u64, k: u32| a >> k,
    |_: u64, _: u64, _: u64| None::<i8>
);

/// Is `x` (32 bytes, big-endian) the x coordinate of a curve point: x < p and x³ + 7 a
/// square mod p?
fn x_on_curve(x: &[u8]) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;
    use secp256k1::{SecretKey, SECP256K1};

    /// A small deterministic generator (xorshift) for test inputs.
    struct Rng(u64);
    impl Rng {
        fn bytes(&mut self) -> [u8; 32] {
            let mut out = [0u8; 32];
            for chunk in out.chunks_mut(8) {
                self.0 ^= self.0 << 13;
                self.0 ^= self.0 >> 7;
                self.0 ^= self.0 << 17;
                chunk.copy_from_slice(&self.0.to_le_bytes());
            }
            out
        }
    }

    fn agree(x: &[u8; 32]) {
        for prefix in [2u8, 3] {
            let mut b = [0u8; 33];
            b[0] = prefix;
            b[1..].copy_from_slice(x);
            let ours = Point::from_slice(&b).is_ok();
            let theirs = PublicKey::from_slice(&b).is_ok();
            assert_eq!(ours, theirs, "x = {}", hex::encode(x));
        }
    }

    #[test]
    fn agrees_with_libsecp256k1_on_random_x() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut valid = 0;
        for _ in 0..100_000 {
            let x = rng.bytes();
            agree(&x);
            valid += usize::from(Point::from_slice(&[[2u8].as_slice(), &x].concat()).is_ok());
        }
        // About half of all x are on the curve: both branches are exercised.
        assert!((48_000..52_000).contains(&valid), "{valid}");
    }

    /// A random field element below p.
    fn field(rng: &mut Rng) -> U256 {
        let mut a = from_be(&rng.bytes());
        while !less(&a, &P) {
            a = sub(&a, &P);
        }
        a
    }

    #[test]
    fn staged_symbol_is_the_four_limb_symbol() {
        let mut rng = Rng(0x0123_4567_89ab_cdef);
        let mut counts = [0u32; 3];
        for i in 0..100_000u32 {
            // Random values, squares (symbol 1), small values and values of every width,
            // modulo p and modulo a random odd n (where the symbol can also be 0).
            let mut g = match i % 4 {
                0 => field(&mut rng),
                1 => {
                    let a = field(&mut rng);
                    mul_mod(&a, &a)
                }
                2 => [rng.bytes()[0].into(), 0, 0, 0],
                _ => {
                    let mut a = field(&mut rng);
                    let top = (i / 4 % 4) as usize;
                    a[top + 1..].fill(0);
                    a
                }
            };
            let mut n = P;
            if i % 3 == 0 {
                n = from_be(&rng.bytes());
                n[0] |= 1;
                // Small odd moduli too, with a common factor now and then.
                if i % 9 == 0 {
                    n = [n[0] & 0xffff, 0, 0, 0];
                    g[0] = g[0].wrapping_mul(3);
                }
            }
            let ours = jacobi(g, n);
            assert_eq!(ours, jacobi_binary(g, n), "({g:x?} / {n:x?})");
            if i % 4 == 1 && n == P && !is_zero(&g) {
                assert_eq!(ours, 1, "a square: {g:x?}");
            }
            counts[(ours + 1) as usize] += 1;
        }
        // All three values occur.
        assert!(counts.iter().all(|c| *c > 100), "{counts:?}");
    }

    #[test]
    fn shifts_on_halves_are_the_u128_shifts() {
        let mut rng = Rng(0xfeed_f00d_0bad_cafe);
        for _ in 0..200 {
            let b = rng.bytes();
            let x = u128::from_be_bytes(b[..16].try_into().unwrap());
            for x in [x, 0, 1, u128::MAX, 1 << 63, 1 << 64, 1 << 127] {
                for k in 0..128 {
                    assert_eq!(shr_halves(x, k), x >> k, "{x:x} >> {k}");
                    assert_eq!(shl_halves(x, k), x << k, "{x:x} << {k}");
                }
            }
        }
    }

    #[test]
    fn staged_symbol_edges() {
        let pm1 = sub(&P, &[1, 0, 0, 0]);
        // (1/p) = 1, (-1/p) = -1 as p = 3 (mod 4), (2/p) = 1 as p = 7 (mod 8), (0/p) = 0.
        assert_eq!(jacobi([1, 0, 0, 0], P), 1);
        assert_eq!(jacobi(pm1, P), -1);
        assert_eq!(jacobi([2, 0, 0, 0], P), 1);
        assert_eq!(jacobi([0; 4], P), 0);
        // -2 = (-1)(2): -1. (3/p) = -(p/3) = -(1/3) = -1 as p = 1 (mod 3), both 3 mod 4.
        assert_eq!(jacobi(sub(&P, &[2, 0, 0, 0]), P), -1);
        assert_eq!(jacobi([3, 0, 0, 0], P), -1);
        // Small moduli: (2/3) = -1, (3/9) = 0, (2/15) = 1 (= (2/3)(2/5)).
        assert_eq!(jacobi([2, 0, 0, 0], [3, 0, 0, 0]), -1);
        assert_eq!(jacobi([3, 0, 0, 0], [9, 0, 0, 0]), 0);
        assert_eq!(jacobi([2, 0, 0, 0], [15, 0, 0, 0]), 1);
        // A 2^200 factor: strips over whole limbs. (2/p) = 1, so (2^200 * 3 / p) = (3/p).
        let mut a = [0u64; 4];
        a[3] = 3 << 8;
        assert_eq!(jacobi(a, P), -1);
        assert_eq!(jacobi(a, P), jacobi_binary(a, P));
    }

    #[test]
    fn agrees_on_real_keys_and_edges() {
        for i in 1..=200u8 {
            let key =
                PublicKey::from_secret_key(SECP256K1, &SecretKey::from_slice(&[i; 32]).unwrap());
            let p = Point::from_slice(&key.serialize()).unwrap();
            assert_eq!(p.to_pubkey(), Ok(key));
            assert_eq!(p, key);
        }
        let p_bytes: [u8; 32] = {
            let mut b = [0xffu8; 32];
            b[27] = 0xfe;
            b[28] = 0xff;
            b[29] = 0xff;
            b[30] = 0xfc;
            b[31] = 0x2f;
            b
        };
        let mut edges = vec![[0u8; 32], [0xff; 32], p_bytes];
        for delta in 1..=40u8 {
            let mut below = p_bytes;
            below[31] -= delta;
            edges.push(below);
            let mut small = [0u8; 32];
            small[31] = delta;
            edges.push(small);
        }
        let mut above = p_bytes;
        above[31] += 1;
        edges.push(above);
        for x in &edges {
            agree(x);
        }
        for prefix in [0u8, 1, 4, 5, 6, 7, 0xff] {
            let mut b = [0u8; 33];
            b[0] = prefix;
            b[32] = 1;
            assert!(Point::from_slice(&b).is_err());
        }
        // Every prefix byte, on an x that is on the curve: only 2 and 3 pass, as in
        // libsecp256k1 (x = 1: 1 + 7 = 8 = 2^3, and 2 is a square mod p).
        for prefix in 0..=255u8 {
            let mut b = [0u8; 33];
            b[0] = prefix;
            b[32] = 1;
            assert_eq!(
                Point::from_slice(&b).is_ok(),
                PublicKey::from_slice(&b).is_ok()
            );
            assert_eq!(Point::from_slice(&b).is_ok(), matches!(prefix, 2 | 3));
        }
        assert!(Point::from_slice(&[2u8; 32]).is_err());
    }

    #[test]
    fn mul_mod_matches_reference_identities() {
        // (p-1)^2 = 1 mod p; 2^255 * 2 = 2^256 = C mod p.
        let pm1 = sub(&P, &[1, 0, 0, 0]);
        assert_eq!(mul_mod(&pm1, &pm1), [1, 0, 0, 0]);
        assert_eq!(mul_mod(&[0, 0, 0, 1 << 63], &[2, 0, 0, 0]), [C, 0, 0, 0]);
        // Jacobi of squares is 1.
        let mut rng = Rng(7);
        for _ in 0..200 {
            let mut a = from_be(&rng.bytes());
            while !less(&a, &P) {
                a = sub(&a, &P);
            }
            if is_zero(&a) {
                continue;
            }
            assert_eq!(jacobi_binary(mul_mod(&a, &a), P), 1);
            assert_eq!(jacobi(mul_mod(&a, &a), P), 1);
        }
    }

    #[test]
    fn hex_round_trip() {
        let key = PublicKey::from_secret_key(SECP256K1, &SecretKey::from_slice(&[3; 32]).unwrap());
        let p = Point::from(key);
        assert_eq!(p.to_string(), key.to_string());
        assert_eq!(p.to_string().parse::<Point>(), Ok(p));
        assert!("02".parse::<Point>().is_err());
    }
}
