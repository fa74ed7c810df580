//! Arithmetic in secp256k1's base field, integers mod p = 2^256 - 2^32 - 977 (SEC 2
//! §2.4.1), in constant time: no branch and no memory index depends on a value.
//!
//! Eight 32-bit limbs, least significant first. Between operations a value is any 256-bit
//! representative of its class (below 2^256, not necessarily below p): a carry out of 2^256
//! is folded back in arithmetically as 2^256 = 2^32 + 977 (mod p), with no selection, and
//! only the encoding (`to_be_bytes`) reduces fully. Products are `u32 x u32 -> u64`: wasm32
//! multiplies 64-bit integers natively, while a `u64 x u64 -> u128` product is a call into
//! compiler_builtins there.

use subtle::{Choice, ConditionallySelectable};
use zeroize::Zeroize;

/// p, least significant limb first.
const P: [u32; 8] = [
    0xffff_fc2f,
    0xffff_fffe,
    0xffff_ffff,
    0xffff_ffff,
    0xffff_ffff,
    0xffff_ffff,
    0xffff_ffff,
    0xffff_ffff,
];

/// 2^256 mod p = 2^32 + 977: what a carry out of the top limb is worth at the bottom.
const FOLD: u64 = 977;

/// An element of the field: a 256-bit representative of it.
#[derive(Clone, Copy)]
pub(crate) struct Fe([u32; 8]);

impl Zeroize for Fe {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

/// `a - b` on eight limbs, with the borrow out (0 or 1).
#[inline(always)]
fn sub_limbs(a: &[u32; 8], b: &[u32; 8]) -> ([u32; 8], u64) {
    let mut out = [0u32; 8];
    let mut borrow = 0u64;
    for i in 0..8 {
        let t = u64::from(a[i])
            .wrapping_sub(u64::from(b[i]))
            .wrapping_sub(borrow);
        out[i] = t as u32;
        borrow = t >> 63;
    }
    (out, borrow)
}

/// `a + b` on eight limbs, with the carry out (0 or 1).
#[inline(always)]
fn add_limbs(a: &[u32; 8], b: &[u32; 8]) -> ([u32; 8], u64) {
    let mut out = [0u32; 8];
    let mut carry = 0u64;
    for i in 0..8 {
        let t = u64::from(a[i]) + u64::from(b[i]) + carry;
        out[i] = t as u32;
        carry = t >> 32;
    }
    (out, carry)
}

/// `v + k * (2^32 + 977)` on eight limbs, with the carry out, for `k < 2^34`.
#[inline(always)]
fn plus_fold(v: &[u32; 8], k: u64) -> ([u32; 8], u64) {
    let mut out = [0u32; 8];
    // Below 2^32 + 2^44, then 2^12 + 2^32 + 2^34: no overflow.
    let mut c = u64::from(v[0]) + k * FOLD;
    out[0] = c as u32;
    c = (c >> 32) + u64::from(v[1]) + k;
    out[1] = c as u32;
    c >>= 32;
    for i in 2..8 {
        c += u64::from(v[i]);
        out[i] = c as u32;
        c >>= 32;
    }
    (out, c)
}

/// `v - k * (2^32 + 977)` on eight limbs, with the borrow out (0 or 1), for `k` 0 or 1.
#[inline(always)]
fn minus_fold(v: &[u32; 8], k: u64) -> ([u32; 8], u64) {
    sub_limbs(v, &[(k * FOLD) as u32, k as u32, 0, 0, 0, 0, 0, 0])
}

/// `v + carry * 2^256` as a 256-bit representative, for `carry < 2^34`. The first fold
/// leaves a carry of at most 1 (the sum is below 2^256 + 2^67), and only when what is left
/// is below 2^67, so the second cannot carry out.
#[inline(always)]
fn fold(v: &[u32; 8], carry: u64) -> Fe {
    let (once, c) = plus_fold(v, carry);
    Fe(plus_fold(&once, c).0)
}

impl Fe {
    pub(crate) const ZERO: Fe = Fe([0; 8]);
    pub(crate) const ONE: Fe = Fe([1, 0, 0, 0, 0, 0, 0, 0]);

    /// The element with this big-endian encoding; `None` when it is not below p.
    /// (Callers pass public values, coordinates of points libsecp256k1 already checked or
    /// a BIP-340 signature's r, so the test of the range may branch.)
    pub(crate) fn from_be_bytes(b: &[u8; 32]) -> Option<Fe> {
        let mut limbs = [0u32; 8];
        for (i, limb) in limbs.iter_mut().enumerate() {
            let at = 28 - 4 * i;
            *limb = u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
        }
        let (_, borrow) = sub_limbs(&limbs, &P);
        (borrow == 1).then_some(Fe(limbs))
    }

    /// The big-endian encoding of the element's value below p. A representative is below
    /// 2^256 < 2p, so at most one p comes off, chosen in constant time.
    pub(crate) fn to_be_bytes(self) -> [u8; 32] {
        let (less, borrow) = sub_limbs(&self.0, &P);
        let mut value = [0u32; 8];
        #[allow(clippy::needless_range_loop)]
        for i in 0..8 {
            value[i] = u32::conditional_select(&less[i], &self.0[i], Choice::from(borrow as u8));
        }
        let mut out = [0u8; 32];
        for (i, limb) in value.iter().enumerate() {
            let at = 28 - 4 * i;
            out[at..at + 4].copy_from_slice(&limb.to_be_bytes());
        }
        out
    }

    pub(crate) fn add(&self, other: &Fe) -> Fe {
        let (sum, carry) = add_limbs(&self.0, &other.0);
        fold(&sum, carry)
    }

    pub(crate) fn sub(&self, other: &Fe) -> Fe {
        // On a borrow the difference is 2^256 too large: take 2^256 = 2^32 + 977 off; when
        // that borrows too, the value was small and one more time cannot borrow.
        let (diff, borrow) = sub_limbs(&self.0, &other.0);
        let (once, borrow) = minus_fold(&diff, borrow);
        Fe(minus_fold(&once, borrow).0)
    }

    pub(crate) fn mul(&self, other: &Fe) -> Fe {
        // The 512-bit product, schoolbook. Each step is below 2^64:
        // (2^32 - 1) + (2^32 - 1)^2 + (2^32 - 1) = 2^64 - 1.
        let (a, b) = (&self.0, &other.0);
        let mut wide = [0u32; 16];
        // Index loops, not iterator adapters: at opt-level "z" the adapters are calls.
        #[allow(clippy::needless_range_loop)]
        for i in 0..8 {
            let mut carry = 0u64;
            for j in 0..8 {
                let t = u64::from(wide[i + j]) + u64::from(a[i]) * u64::from(b[j]) + carry;
                wide[i + j] = t as u32;
                carry = t >> 32;
            }
            wide[i + 8] = carry as u32;
        }
        // `wide` is not erased: a product is as secret as the value it reduces to, which
        // the callers erase where they hold secrets (the accumulator of `point::multi`);
        // erasing every intermediate cost 4% of a multiplication.
        reduce_wide(&wide)
    }

    pub(crate) fn square(&self) -> Fe {
        self.mul(self)
    }

    /// `self * k` for a small constant `k` (below 2^16).
    pub(crate) fn mul_small(&self, k: u32) -> Fe {
        let mut limbs = [0u32; 8];
        let mut carry = 0u64;
        for (limb, a) in limbs.iter_mut().zip(self.0) {
            let t = u64::from(a) * u64::from(k) + carry;
            *limb = t as u32;
            carry = t >> 32;
        }
        fold(&limbs, carry)
    }

    /// `self^(2^n)`.
    fn square_n(&self, n: u32) -> Fe {
        let mut acc = *self;
        for _ in 0..n {
            acc = acc.square();
        }
        acc
    }
    /// `self` raised to the top 246 bits shared by the exponents of [`Fe::invert`] and
    /// [`Fe::sqrt`] (223 ones, a zero, 22 ones), by a fixed addition chain (libsecp256k1's):
    /// with `x(k)` = `self^(2^k - 1)` (k ones), returned with `x2`.
    fn pow_prefix(&self) -> (Fe, Fe) {
        let x1 = *self;
        let x2 = x1.square().mul(&x1);
        let x3 = x2.square().mul(&x1);
        let x6 = x3.square_n(3).mul(&x3);
        let x9 = x6.square_n(3).mul(&x3);
        let x11 = x9.square_n(2).mul(&x2);
        let x22 = x11.square_n(11).mul(&x11);
        let x44 = x22.square_n(22).mul(&x22);
        let x88 = x44.square_n(44).mul(&x44);
        let x176 = x88.square_n(88).mul(&x88);
        let x220 = x176.square_n(44).mul(&x44);
        let x223 = x220.square_n(3).mul(&x3);
        (x223.square_n(23).mul(&x22), x2)
    }

    /// The inverse (zero for zero), as `self^(p-2)` (Fermat): 255 squarings and 15
    /// multiplications. The exponent p - 2 = 2^256 - 2^32 - 979 is, from the top, 223 ones,
    /// a zero, 22 ones, then 0000 1 0 11 0 1.
    pub(crate) fn invert(&self) -> Fe {
        let (t, x2) = self.pow_prefix();
        let t = t.square_n(5).mul(self);
        let t = t.square_n(3).mul(&x2);
        t.square_n(2).mul(self)
    }

    /// A square root, `self^((p+1)/4)` (p is 3 mod 4), when `self` is a square; `None` when
    /// it is not. The exponent is, from the top, 223 ones, a zero, 22 ones, then 0000 11
    /// 00. Variable time in whether a root exists (callers pass public values: the x of a
    /// compressed point).
    pub(crate) fn sqrt(&self) -> Option<Fe> {
        let (t, x2) = self.pow_prefix();
        let root = t.square_n(6).mul(&x2).square_n(2);
        (root.square().to_be_bytes() == self.to_be_bytes()).then_some(root)
    }

    /// `a` if `choice` is 0, else `b`.
    pub(crate) fn select(a: &Fe, b: &Fe, choice: Choice) -> Fe {
        let mut out = [0u32; 8];
        #[allow(clippy::needless_range_loop)]
        for i in 0..8 {
            out[i] = u32::conditional_select(&a.0[i], &b.0[i], choice);
        }
        Fe(out)
    }
}

/// A 512-bit integer mod p: low + high * 2^256 = low + high * (2^32 + 977).
fn reduce_wide(wide: &[u32; 16]) -> Fe {
    let mut out = [0u32; 8];
    let mut c = 0u64;
    for i in 0..8 {
        // Below 2^32 + 977 * 2^32 + 2^32 + 2^42: no overflow.
        c += u64::from(wide[i]) + u64::from(wide[8 + i]) * FOLD;
        if i > 0 {
            c += u64::from(wide[8 + i - 1]);
        }
        out[i] = c as u32;
        c >>= 32;
    }
    // The top limb of high times 2^32 lands at 2^256, with the carry: below 2^33.
    fold(&out, c + u64::from(wide[15]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fe(hex_str: &str) -> Fe {
        let b: [u8; 32] = hex::decode(hex_str).unwrap().try_into().unwrap();
        Fe::from_be_bytes(&b).unwrap()
    }

    fn p_minus(k: u32) -> Fe {
        let (v, _) = sub_limbs(&P, &[k, 0, 0, 0, 0, 0, 0, 0]);
        Fe(v)
    }

    fn eq(a: Fe, b: Fe) -> bool {
        a.to_be_bytes() == b.to_be_bytes()
    }

    #[test]
    fn range_of_the_encoding() {
        let mut p = [0xffu8; 32];
        p[27] = 0xfe;
        p[30] = 0xfc;
        p[31] = 0x2f;
        assert!(Fe::from_be_bytes(&p).is_none(), "p itself");
        p[31] = 0x2e;
        let below = Fe::from_be_bytes(&p).expect("p - 1");
        assert_eq!(below.to_be_bytes(), p);
        assert!(Fe::from_be_bytes(&[0xff; 32]).is_none());
    }

    #[test]
    fn arithmetic_at_the_edges() {
        let one = Fe::ONE;
        let m1 = p_minus(1);
        assert!(eq(m1.add(&one), Fe::ZERO), "(p-1) + 1 = 0");
        assert!(eq(Fe::ZERO.sub(&one), m1), "0 - 1 = p-1");
        assert!(eq(m1.mul(&m1), one), "(-1)^2 = 1");
        assert!(eq(m1.mul_small(21), p_minus(21)), "-1 * 21");
        assert!(eq(
            p_minus(2).mul(&p_minus(3)),
            Fe([6, 0, 0, 0, 0, 0, 0, 0])
        ));
        // 2^255 * 2 = 2^256 = 2^32 + 977.
        let mut half = [0u32; 8];
        half[7] = 0x8000_0000;
        assert!(eq(Fe(half).mul_small(2), Fe([977, 1, 0, 0, 0, 0, 0, 0])));
        assert!(eq(Fe(half).add(&Fe(half)), Fe([977, 1, 0, 0, 0, 0, 0, 0])));
        assert!(eq(Fe::ZERO.invert(), Fe::ZERO));
        assert!(eq(m1.invert(), m1));
    }

    /// Representatives at and above p (what sums and products leave between operations)
    /// encode, add, subtract and multiply as their values.
    #[test]
    fn representatives_above_p() {
        let top = Fe([u32::MAX; 8]); // 2^256 - 1 = p + 2^32 + 976
        let small = Fe([976, 1, 0, 0, 0, 0, 0, 0]);
        assert!(eq(Fe(P), Fe::ZERO));
        assert_eq!(Fe(P).to_be_bytes(), [0; 32]);
        assert!(eq(top, small));
        assert!(eq(top.add(&top), small.add(&small)));
        assert!(eq(top.add(&Fe::ONE), Fe([977, 1, 0, 0, 0, 0, 0, 0])));
        assert!(eq(Fe::ZERO.sub(&top), Fe::ZERO.sub(&small)));
        assert!(eq(Fe::ONE.sub(&top), Fe::ONE.sub(&small)));
        assert!(eq(small.sub(&top), Fe::ZERO));
        assert!(eq(top.mul(&top), small.mul(&small)));
        assert!(eq(top.mul_small(21), small.mul_small(21)));
        assert!(eq(Fe(P).mul(&top), Fe::ZERO));
        assert!(eq(top.invert().mul(&small), Fe::ONE));
    }

    /// G is on the curve: y^2 = x^3 + 7 (SEC 2 §2.4.1), a product of full-width values.
    #[test]
    fn the_generator_is_on_the_curve() {
        let x = fe("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
        let y = fe("483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8");
        let rhs = x.square().mul(&x).add(&Fe([7, 0, 0, 0, 0, 0, 0, 0]));
        assert!(eq(y.square(), rhs));
        assert!(!eq(y.add(&Fe::ONE).square(), rhs));
    }

    /// `a^e` by plain square-and-multiply over the bits of `e` (limbs little-endian).
    fn pow(a: &Fe, e: &[u32; 8]) -> Fe {
        let mut acc = Fe::ONE;
        for limb in e.iter().rev() {
            for bit in (0..32).rev() {
                acc = acc.square();
                if (limb >> bit) & 1 == 1 {
                    acc = acc.mul(a);
                }
            }
        }
        acc
    }

    /// The addition chains compute self^(p-2) and self^((p+1)/4): against plain
    /// square-and-multiply over the bits of the exponents.
    #[test]
    fn the_chains_are_the_exponents() {
        let mut inv = P;
        inv[0] -= 2;
        // (p + 1) / 4: p + 1 does not carry out of the lowest limb, then a shift by two.
        let mut root = P;
        root[0] += 1;
        for i in 0..8 {
            root[i] = (root[i] >> 2) | root.get(i + 1).map_or(0, |next| next << 30);
        }
        let mut a = fe("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
        let (mut squares, mut non_squares) = (0, 0);
        for _ in 0..16 {
            assert!(eq(a.invert(), pow(&a, &inv)));
            let want = pow(&a, &root);
            match a.sqrt() {
                Some(r) => {
                    assert!(eq(r, want));
                    assert!(eq(r.square(), a));
                    squares += 1;
                }
                None => {
                    assert!(!eq(want.square(), a));
                    non_squares += 1;
                }
            }
            // a^2 is always a square.
            let sq = a.square();
            assert!(eq(sq.sqrt().expect("a square").square(), sq));
            a = a.square().add(&Fe::ONE);
        }
        assert!(
            squares > 0 && non_squares > 0,
            "{squares} squares, {non_squares} not"
        );
        assert!(eq(Fe::ZERO.sqrt().expect("zero is a square"), Fe::ZERO));
        // -1 is not a square mod p (p is 3 mod 4).
        assert!(p_minus(1).sqrt().is_none());
    }

    /// Products checked against a second method: `a * b` as `a` added `b` times would be too
    /// slow, so against the identities (a + b)^2 = a^2 + 2ab + b^2 and a * a^-1 = 1 on
    /// values spread over the range, the largest ones included.
    #[test]
    fn products_agree_with_identities() {
        let mut x = fe("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
        let mut y = fe("483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8");
        let samples = [p_minus(1), p_minus(2), p_minus(0x3d1), Fe::ONE];
        for round in 0..200 {
            let (a, b) = if round < samples.len() {
                (samples[round], p_minus(5))
            } else {
                (x, y)
            };
            let lhs = a.add(&b).square();
            let rhs = a.square().add(&a.mul(&b).mul_small(2)).add(&b.square());
            assert!(eq(lhs, rhs), "(a + b)^2 at round {round}");
            assert!(eq(a.mul(&a.invert()), Fe::ONE), "a * a^-1 at round {round}");
            assert!(eq(a.sub(&b).add(&b), a), "a - b + b at round {round}");
            assert!(eq(a.mul(&b), b.mul(&a)), "commutes at round {round}");
            // Next values: a walk through the field.
            x = x.mul(&y).add(&Fe::ONE);
            y = y.square().sub(&x);
        }
    }
}
