//! `k * P` on secp256k1 (y^2 = x^3 + 7, SEC 2 §2.4.1) in constant time in `k`: the wasm32
//! backend's one multiplication, for public keys, ECDH, point tweaks and BIP-340.
//!
//! Points are projective (X : Y : Z), added with the complete formulas of Renes, Costello
//! and Batina, "Complete addition formulas for prime order elliptic curves" (2016),
//! Algorithms 7 (addition) and 9 (doubling) for a = 0: one sequence of field operations
//! for every pair of points, the point at infinity and equal points included, so nothing
//! branches on the points. The scalar is read in 4-bit windows from the top; each window's
//! multiple of P is taken from a table of all sixteen by a constant-time scan.

use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, Zeroizing};

use crate::field::Fe;

/// 3b, for b = 7.
const B3: u32 = 21;

#[derive(Clone, Copy)]
struct Point {
    x: Fe,
    y: Fe,
    z: Fe,
}

impl Zeroize for Point {
    fn zeroize(&mut self) {
        self.x.zeroize();
        self.y.zeroize();
        self.z.zeroize();
    }
}

impl Point {
    /// The point at infinity, (0 : 1 : 0).
    const INFINITY: Point = Point {
        x: Fe::ZERO,
        y: Fe::ONE,
        z: Fe::ZERO,
    };

    /// `self + q` (Algorithm 7).
    fn add(&self, q: &Point) -> Point {
        let (x1, y1, z1) = (&self.x, &self.y, &self.z);
        let (x2, y2, z2) = (&q.x, &q.y, &q.z);
        let t0 = x1.mul(x2);
        let t1 = y1.mul(y2);
        let t2 = z1.mul(z2);
        // x1 y2 + x2 y1
        let t3 = x1.add(y1).mul(&x2.add(y2)).sub(&t0.add(&t1));
        // y1 z2 + y2 z1
        let t4 = y1.add(z1).mul(&y2.add(z2)).sub(&t1.add(&t2));
        // x1 z2 + x2 z1
        let xz = x1.add(z1).mul(&x2.add(z2)).sub(&t0.add(&t2));
        let t0 = t0.add(&t0).add(&t0);
        let t2 = t2.mul_small(B3);
        let z3 = t1.add(&t2);
        let t1 = t1.sub(&t2);
        let y3 = xz.mul_small(B3);
        let x3 = t3.mul(&t1).sub(&t4.mul(&y3));
        let y3 = t1.mul(&z3).add(&y3.mul(&t0));
        let z3 = z3.mul(&t4).add(&t0.mul(&t3));
        Point {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// `2 * self` (Algorithm 9).
    fn double(&self) -> Point {
        let (x, y, z) = (&self.x, &self.y, &self.z);
        let t0 = y.square();
        let z8 = t0.add(&t0);
        let z8 = z8.add(&z8);
        let z8 = z8.add(&z8);
        let t1 = y.mul(z);
        let t2 = z.square().mul_small(B3);
        let x3 = t2.mul(&z8);
        let y3 = t0.add(&t2);
        let z3 = t1.mul(&z8);
        let t2 = t2.add(&t2).add(&t2);
        let t0 = t0.sub(&t2);
        let y3 = x3.add(&t0.mul(&y3));
        let x3 = t0.mul(&x.mul(y));
        Point {
            x: x3.add(&x3),
            y: y3,
            z: z3,
        }
    }

    /// `a` if `choice` is 0, else `b`.
    fn select(a: &Point, b: &Point, choice: Choice) -> Point {
        Point {
            x: Fe::select(&a.x, &b.x, choice),
            y: Fe::select(&a.y, &b.y, choice),
            z: Fe::select(&a.z, &b.z, choice),
        }
    }
}

/// The generator G's coordinates, x || y (SEC 2 §2.4.1; checked against libsecp256k1's
/// `k G` in `tests`).
const G: [u8; 64] = [
    0x79, 0xbe, 0x66, 0x7e, 0xf9, 0xdc, 0xbb, 0xac, 0x55, 0xa0, 0x62, 0x95, 0xce, 0x87, 0x0b, 0x07,
    0x02, 0x9b, 0xfc, 0xdb, 0x2d, 0xce, 0x28, 0xd9, 0x59, 0xf2, 0x81, 0x5b, 0x16, 0xf8, 0x17, 0x98,
    0x48, 0x3a, 0xda, 0x77, 0x26, 0xa3, 0xc4, 0x65, 0x5d, 0xa4, 0xfb, 0xfc, 0x0e, 0x11, 0x08, 0xa8,
    0xfd, 0x17, 0xb4, 0x48, 0xa6, 0x85, 0x54, 0x19, 0x9c, 0x47, 0xd0, 0x8f, 0xfb, 0x10, 0xd4, 0xb8,
];

/// H = 2^128 G, so that k G = k_lo G + k_hi H for k = k_hi 2^128 + k_lo: half the doublings
/// (checked against libsecp256k1 in `tests`).
const H: [u8; 64] = [
    0x8f, 0x68, 0xb9, 0xd2, 0xf6, 0x3b, 0x5f, 0x33, 0x92, 0x39, 0xc1, 0xad, 0x98, 0x1f, 0x16, 0x2e,
    0xe8, 0x8c, 0x56, 0x78, 0x72, 0x3e, 0xa3, 0x35, 0x1b, 0x7b, 0x44, 0x4c, 0x9e, 0xc4, 0xc0, 0xda,
    0x66, 0x2a, 0x9f, 0x2d, 0xba, 0x06, 0x39, 0x86, 0xde, 0x1d, 0x90, 0xc2, 0xb6, 0xbe, 0x21, 0x5d,
    0xbb, 0xea, 0x2c, 0xfe, 0x95, 0x51, 0x0b, 0xfd, 0xf2, 0x3c, 0xbf, 0x79, 0x50, 0x1f, 0xff, 0x82,
];

/// The point with affine coordinates `xy` (x || y, 32 bytes each, big-endian); `None` when
/// they are not two field elements. The point must be on the curve (callers take it from
/// a `secp256k1::PublicKey`, or it is G or H).
fn from_xy(xy: &[u8; 64]) -> Option<Point> {
    let (x, y) = xy.split_at(32);
    Some(Point {
        x: Fe::from_be_bytes(x.try_into().ok()?)?,
        y: Fe::from_be_bytes(y.try_into().ok()?)?,
        z: Fe::ONE,
    })
}

/// 0P .. 15P, a window's possible multiples.
fn table(p: &Point) -> [Point; 16] {
    let mut table = [Point::INFINITY; 16];
    for i in 1..16 {
        table[i] = table[i - 1].add(p);
    }
    table
}

/// The sum of `k * P` over the terms (a table of P's multiples, a big-endian scalar `k`;
/// every scalar the same length), with the doublings shared: for each 4-bit window from the
/// top, four doublings, then each term's multiple for that window, taken from its table by
/// a scan of all sixteen entries. Constant time in the scalars.
fn multi(terms: &[(&[Point; 16], &[u8])]) -> Point {
    let len = terms.iter().map(|(_, k)| k.len()).max().unwrap_or(0);
    let mut acc = Point::INFINITY;
    let mut pick = Point::INFINITY;
    for i in 0..len {
        for shift in [4, 0] {
            for _ in 0..4 {
                acc = acc.double();
            }
            for (table, k) in terms {
                let window = k.get(i).map_or(0, |b| (b >> shift) & 0x0f);
                for (j, entry) in table.iter().enumerate() {
                    pick = Point::select(&pick, entry, (j as u8).ct_eq(&window));
                }
                acc = acc.add(&pick);
            }
        }
    }
    pick.zeroize();
    acc
}

/// `p`'s affine coordinates (X / Z, Y / Z) as x || y; `None` at infinity (Z = 0).
fn affine(mut p: Point) -> Option<Zeroizing<[u8; 64]>> {
    let at_infinity: bool = p.z.to_be_bytes().ct_eq(&[0u8; 32]).into();
    let zi = p.z.invert();
    let mut out = Zeroizing::new([0u8; 64]);
    out[..32].copy_from_slice(&p.x.mul(&zi).to_be_bytes());
    out[32..].copy_from_slice(&p.y.mul(&zi).to_be_bytes());
    p.zeroize();
    (!at_infinity).then_some(out)
}

/// `k * P` for the point with coordinates `xy` and the big-endian scalar `k`, as x || y;
/// `None` when `xy` is not two field elements or the product is the point at infinity (`k`
/// a multiple of the order). Constant time in `k`.
pub(crate) fn mul(xy: &[u8; 64], k: &[u8; 32]) -> Option<Zeroizing<[u8; 64]>> {
    let p = from_xy(xy)?;
    affine(multi(&[(&table(&p), k)]))
}

/// `k * G`, as `k_lo * G + k_hi * H` (128 doublings instead of 256). Constant time in `k`.
pub(crate) fn mul_g(k: &[u8; 32]) -> Option<Zeroizing<[u8; 64]>> {
    let (g, h) = (from_xy(&G)?, from_xy(&H)?);
    let (hi, lo) = k.split_at(16);
    affine(multi(&[(&table(&g), lo), (&table(&h), hi)]))
}

/// `a * G + b * P` for the point with coordinates `xy`, with the doublings shared (BIP-340
/// verification's `s G - e P`, with b = n - e); `None` at infinity.
pub(crate) fn mul_g_add(a: &[u8; 32], xy: &[u8; 64], b: &[u8; 32]) -> Option<Zeroizing<[u8; 64]>> {
    let (g, p) = (from_xy(&G)?, from_xy(xy)?);
    affine(multi(&[(&table(&g), a), (&table(&p), b)]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use secp256k1::{PublicKey, Scalar, SecretKey, SECP256K1};

    fn g() -> [u8; 64] {
        G
    }

    fn xy(p: &PublicKey) -> [u8; 64] {
        p.serialize_uncompressed()[1..].try_into().unwrap()
    }

    fn scalar(v: u64) -> [u8; 32] {
        let mut k = [0u8; 32];
        k[24..].copy_from_slice(&v.to_be_bytes());
        k
    }

    /// Against libsecp256k1 (the native global context): small multiples, where the
    /// additions meet equal points and infinity inside the table, and the order's edges.
    #[test]
    fn multiples_of_g_agree_with_libsecp256k1() {
        let n_minus_1 =
            hex::decode("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140")
                .unwrap();
        let mut ks: Vec<[u8; 32]> = (1..40).map(scalar).collect();
        ks.push(n_minus_1.clone().try_into().unwrap());
        ks.push([0x55; 32]);
        for k in ks {
            let sk = SecretKey::from_slice(&k).unwrap();
            let want = sk.public_key(SECP256K1).serialize_uncompressed();
            let got = mul(&g(), &k).expect("not at infinity");
            assert_eq!(&got[..], &want[1..], "k = {}", hex::encode(k));
            let got = mul_g(&k).expect("not at infinity");
            assert_eq!(&got[..], &want[1..], "k G split, k = {}", hex::encode(k));
        }
    }

    #[test]
    fn h_is_2_to_the_128_times_g() {
        let mut k = [0u8; 32];
        k[15] = 1;
        let g = SecretKey::from_slice(&scalar(1))
            .unwrap()
            .public_key(SECP256K1);
        let want = g
            .mul_tweak(SECP256K1, &Scalar::from_be_bytes(k).unwrap())
            .unwrap();
        assert_eq!(H, xy(&want));
    }

    /// a G + b P against libsecp256k1's sum of the two products, zero scalars and a sum at
    /// infinity included.
    #[test]
    fn joint_products_agree_with_libsecp256k1() {
        let g = SecretKey::from_slice(&scalar(1))
            .unwrap()
            .public_key(SECP256K1);
        let p = g
            .mul_tweak(SECP256K1, &Scalar::from_be_bytes([0x37; 32]).unwrap())
            .unwrap();
        let n_minus = |v: u8| {
            let mut n: [u8; 32] =
                hex::decode("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
                    .unwrap()
                    .try_into()
                    .unwrap();
            n[31] -= v;
            n
        };
        let product = |k: [u8; 32], q: &PublicKey| {
            SecretKey::from_slice(&k)
                .ok()
                .map(|k| q.mul_tweak(SECP256K1, &Scalar::from(k)).unwrap())
        };
        for (a, b) in [
            ([0x11; 32], [0x22; 32]),
            (scalar(1), n_minus(1)),
            ([0; 32], [0x42; 32]),
            ([0x42; 32], [0; 32]),
            (n_minus(5), scalar(5)),
        ] {
            let want = match (product(a, &g), product(b, &p)) {
                (Some(x), Some(y)) => x.combine(&y).ok(),
                (x, y) => x.or(y),
            };
            let got = mul_g_add(&a, &xy(&p), &b);
            assert_eq!(got.map(|v| *v), want.map(|w| xy(&w)));
        }
        // 1 G + (n - 1) (1 G) is infinity.
        assert!(mul_g_add(&scalar(1), &G, &n_minus(1)).is_none());
    }

    #[test]
    fn multiples_of_the_order_are_infinity() {
        let n: [u8; 32] =
            hex::decode("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
                .unwrap()
                .try_into()
                .unwrap();
        assert!(mul(&g(), &n).is_none());
        assert!(mul(&g(), &[0; 32]).is_none());
    }

    #[test]
    fn coordinates_not_below_p_are_refused() {
        let mut xy = g();
        xy[..32].copy_from_slice(&[0xff; 32]);
        assert!(mul(&xy, &scalar(1)).is_none());
    }
}
