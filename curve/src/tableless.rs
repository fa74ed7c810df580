//! The wasm32 backend: every multiplication is this crate's own constant-time `k * P`
//! (`point.rs`), which needs no context and no generator table; libsecp256k1 parses and
//! serialises the `secp256k1` types and does the scalar arithmetic; the byte-level keys
//! (`compressed.rs`) need none of it, their points decompressed by `Fe::sqrt`. BIP-340 is
//! put together from it and libsecp256k1's constant-time scalar operations
//! (`SecretKey::negate`, `mul_tweak`, `add_tweak`), which need no context either. ECDH is SHA-256 of the compressed product,
//! as libsecp256k1's default ECDH hash.
//!
//! Not libsecp256k1's own constant-time multiplication (`ecmult_const`): the only way to it
//! from Rust is `secp256k1_ecdh`, which links libsecp256k1's SHA-256 (its default hash) as
//! well, 15.9 kB of wasm together against this module's few kB (BENCHMARKS.md).
//!
//! Secret-dependent choices (the negations for an odd y) are made with `subtle`'s
//! constant-time selection, not branches. Checked against the native backend in `tests`.

use secp256k1::{Keypair, PublicKey, Scalar, SecretKey, XOnlyPublicKey};
use sha2::{Digest, Sha256};
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroizing;

use crate::field::Fe;
use crate::point;
use crate::Signature;

/// The group order n (SEC 2 §2.4.1), big-endian.
const N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
];

/// A point's affine coordinates, x || y, 32 bytes each.
type Xy = Zeroizing<[u8; 64]>;

/// The coordinates of `point`.
fn xy(point: &PublicKey) -> [u8; 64] {
    let enc = point.serialize_uncompressed();
    let mut out = [0u8; 64];
    out.copy_from_slice(&enc[1..]);
    out
}

/// `k * point` (coordinates), constant time in `k`.
fn mul_xy(point: &[u8; 64], k: &SecretKey) -> Xy {
    let k = Zeroizing::new(k.secret_bytes());
    // A valid scalar (1..n-1) times a point is never the point at infinity.
    known(
        point::mul(point, &k).ok_or(()),
        "a point times a valid scalar is a point",
    )
}

/// `k * G`, constant time in `k`.
fn mul_g(k: &SecretKey) -> Xy {
    let k = Zeroizing::new(k.secret_bytes());
    known(
        point::mul_g(&k).ok_or(()),
        "G times a valid scalar is a point",
    )
}

/// The value of a conversion that cannot fail (`why`). A panic with a fixed text, not
/// `expect`: that would put `secp256k1::Error`'s `Debug` and the integer formatting it
/// uses into the Commando entry, which has nothing else that needs them.
fn known<T, E>(r: Result<T, E>, why: &'static str) -> T {
    match r {
        Ok(v) => v,
        Err(_) => panic!("{}", why),
    }
}

/// The point with coordinates `xy` (a product of a point and a valid scalar, so on the
/// curve and not at infinity: secp256k1's group has prime order).
fn to_point(xy: &[u8; 64]) -> PublicKey {
    let mut enc = [4u8; 65];
    enc[1..].copy_from_slice(xy);
    known(
        PublicKey::from_slice(&enc),
        "a product of a point and a valid scalar is a point",
    )
}

/// Whether y (the last byte of `xy`) is odd.
fn odd_y(xy: &[u8; 64]) -> Choice {
    Choice::from(xy[63] & 1)
}

/// `x mod n` for any 256-bit `x` (below 2n, so at most one subtraction), with no branch on
/// `x`: both `x` and `x - n` are computed and one is selected.
pub(crate) fn reduce(x: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    let mut diff = Zeroizing::new([0u8; 32]);
    let mut borrow = 0u16;
    for i in (0..32).rev() {
        let t = u16::from(x[i])
            .wrapping_sub(u16::from(N[i]))
            .wrapping_sub(borrow);
        diff[i] = t as u8;
        borrow = (t >> 15) & 1;
    }
    // No borrow out: x >= n, so x - n is the residue.
    let ge = Choice::from((borrow ^ 1) as u8);
    let mut out = Zeroizing::new([0u8; 32]);
    for i in 0..32 {
        out[i] = u8::conditional_select(&x[i], &diff[i], ge);
    }
    out
}

/// `sk` or `n - sk`, chosen by `negate` in constant time.
fn cond_negate(sk: &SecretKey, negate: Choice) -> SecretKey {
    let a = Zeroizing::new(sk.secret_bytes());
    let mut neg = sk.negate();
    let b = Zeroizing::new(neg.secret_bytes());
    neg.non_secure_erase();
    let mut out = Zeroizing::new([0u8; 32]);
    for i in 0..32 {
        out[i] = u8::conditional_select(&a[i], &b[i], negate);
    }
    // Both candidates are valid keys, so the selected one is.
    known(
        SecretKey::from_slice(out.as_ref()),
        "sk and n - sk are both valid",
    )
}

/// BIP-340 `hash_tag(x)`: SHA-256(SHA-256(tag) || SHA-256(tag) || x).
fn tagged_hash(tag: &[u8], parts: &[&[u8]]) -> Zeroizing<[u8; 32]> {
    let t = Sha256::digest(tag);
    let mut h = Sha256::new();
    h.update(t);
    h.update(t);
    for part in parts {
        h.update(part);
    }
    Zeroizing::new(h.finalize().into())
}

pub(crate) fn public_key(sk: &SecretKey) -> PublicKey {
    to_point(&mul_g(sk))
}

/// BOLT #8 §"Handshake State" and BOLT #4 §"Shared Secret": SHA-256 of the compressed
/// `sk * point`, as libsecp256k1's `secp256k1_ecdh` with its default hash.
pub(crate) fn ecdh(point: &PublicKey, sk: &SecretKey) -> Zeroizing<[u8; 32]> {
    hash_compressed(&mul_xy(&xy(point), sk))
}

/// SHA-256 of the point `xy`, compressed.
fn hash_compressed(xy: &[u8; 64]) -> Zeroizing<[u8; 32]> {
    let mut h = Sha256::new();
    h.update(compress(xy));
    Zeroizing::new(h.finalize().into())
}

/// A parsed point, as the byte-level keys (`compressed.rs`) keep it beside its encoding:
/// its coordinates, so that ECDH does not take a square root again.
pub(crate) type Point = [u8; 64];

/// SEC 1 §2.3.3: the parity of y (2 even, 3 odd), then x.
pub(crate) fn compress(xy: &[u8; 64]) -> [u8; 33] {
    let mut out = [0u8; 33];
    out[0] = 2 | (xy[63] & 1);
    out[1..].copy_from_slice(&xy[..32]);
    out
}

/// SEC 1 §2.3.4: the coordinates of the point with compressed encoding `enc`, y being the
/// square root of x^3 + 7 with the parity the prefix names; `None` when the prefix is not 2
/// or 3, x is not below p or x^3 + 7 is not a square. Variable time: points are public.
pub(crate) fn parse_point(enc: &[u8; 33]) -> Option<Point> {
    let odd = match enc[0] {
        2 => 0,
        3 => 1,
        _ => return None,
    };
    let x = Fe::from_be_bytes(enc[1..].try_into().ok()?)?;
    let root = x.square().mul(&x).add(&Fe::ONE.mul_small(7)).sqrt()?;
    let mut y = root.to_be_bytes();
    if y[31] & 1 != odd {
        // p - y (y is not zero: no point of secp256k1 has y = 0, its order being odd).
        y = Fe::ZERO.sub(&root).to_be_bytes();
    }
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&enc[1..]);
    out[32..].copy_from_slice(&y);
    Some(out)
}

pub(crate) fn point_of(key: &PublicKey) -> Point {
    xy(key)
}

pub(crate) fn to_public_key(point: &Point) -> PublicKey {
    to_point(point)
}

/// 1 <= k < n, computed without branching on `k`'s bytes: the borrow of k - n, and an OR
/// of every byte.
pub(crate) fn is_secret(k: &[u8; 32]) -> bool {
    let mut borrow = 0u16;
    let mut any = 0u8;
    for i in (0..32).rev() {
        let t = u16::from(k[i])
            .wrapping_sub(u16::from(N[i]))
            .wrapping_sub(borrow);
        borrow = (t >> 15) & 1;
        any |= k[i];
    }
    bool::from(Choice::from(borrow as u8) & !any.ct_eq(&0))
}

/// `k * G`, for a `k` that [`is_secret`].
pub(crate) fn public_point(k: &[u8; 32]) -> Point {
    *known(
        point::mul_g(k).ok_or(()),
        "G times a valid scalar is a point",
    )
}

/// [`ecdh`] for a `k` that [`is_secret`].
pub(crate) fn ecdh_point(point: &Point, k: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    let prod = known(
        point::mul(point, k).ok_or(()),
        "a point times a valid scalar is a point",
    );
    hash_compressed(&prod)
}

pub(crate) fn mul_tweak(point: &PublicKey, tweak: &Scalar) -> Option<PublicKey> {
    let mut k = SecretKey::from_slice(&tweak.to_be_bytes()).ok()?;
    let out = to_point(&mul_xy(&xy(point), &k));
    k.non_secure_erase();
    Some(out)
}

/// BIP-340 `Sign(sk, m)` (BIP-340 §"Default Signing"); `public` is `secret`'s public key,
/// which the callers already hold (so P = d'G is not multiplied again).
pub(crate) fn sign(
    secret: &SecretKey,
    public: &PublicKey,
    digest: &[u8; 32],
    aux: Option<&[u8; 32]>,
) -> Signature {
    // P = d'G; d = d' if has_even_y(P), else n - d'. Compressed, P's prefix is 2 or 3.
    let p = public.serialize();
    let mut d = cond_negate(secret, Choice::from(p[0] & 1));
    let px = &p[1..];
    // t = bytes(d) xor hash_BIP0340/aux(a).
    let mask = tagged_hash(b"BIP0340/aux", &[aux.unwrap_or(&[0u8; 32])]);
    let mut t = Zeroizing::new(d.secret_bytes());
    for (b, m) in t.iter_mut().zip(mask.iter()) {
        *b ^= m;
    }
    // k' = int(hash_BIP0340/nonce(t || bytes(P) || m)) mod n; it is zero only for a
    // SHA-256 output of 0 or n (probability 2^-255), where BIP-340 fails the signature
    // and libsecp256k1's Rust wrapper panics alike.
    let rand = tagged_hash(b"BIP0340/nonce", &[t.as_ref(), px, digest]);
    let mut k0 = known(
        SecretKey::from_slice(reduce(&rand).as_ref()),
        "nonce is not zero",
    );
    // R = k'G; k = k' if has_even_y(R), else n - k'.
    let r = mul_g(&k0);
    let mut k = cond_negate(&k0, odd_y(&r));
    k0.non_secure_erase();
    let rx = &r[..32];
    // e = int(hash_BIP0340/challenge(bytes(R) || bytes(P) || m)) mod n.
    let e = reduce(&tagged_hash(b"BIP0340/challenge", &[rx, px, digest]));
    // s = (k + e * d) mod n. e is public; e * d is zero only for e = 0 (d is not), and
    // k + e * d is zero only when it is n, which libsecp256k1's add_tweak refuses: s = 0.
    let ed = match Scalar::from_be_bytes(*e) {
        Ok(e) if e != Scalar::ZERO => d.mul_tweak(&e).ok(),
        _ => None,
    };
    let s = match ed {
        Some(ed) => ed
            .add_tweak(&Scalar::from(k))
            .map(|s| s.secret_bytes())
            .unwrap_or([0; 32]),
        None => k.secret_bytes(),
    };
    d.non_secure_erase();
    k.non_secure_erase();
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(rx);
    sig[32..].copy_from_slice(&s);
    // 64 bytes are always a well-formed signature encoding.
    known(Signature::from_slice(&sig), "64 bytes are a signature")
}

/// BIP-340 `Verify(pk, m, sig)` (BIP-340 §"Verification"). Everything here is public, so
/// the checks may branch; the multiplication is constant time anyway.
pub(crate) fn verify_schnorr(sig: &Signature, digest: &[u8; 32], key: &XOnlyPublicKey) -> bool {
    let sig = sig.serialize();
    let (r, s) = sig.split_at(32);
    // Fail if r >= p or s >= n.
    let r_in_field = <&[u8; 32]>::try_from(r)
        .ok()
        .and_then(Fe::from_be_bytes)
        .is_some();
    if !r_in_field || s >= N.as_slice() {
        return false;
    }
    let px = key.serialize();
    // P = lift_x(int(pk)): the point with that x and an even y.
    let mut even = [2u8; 33];
    even[1..].copy_from_slice(&px);
    let Ok(p) = PublicKey::from_slice(&even) else {
        return false;
    };
    let e = reduce(&tagged_hash(b"BIP0340/challenge", &[r, &px, digest]));
    // R = sG - eP = sG + (n - e)P, one joint multiplication; a zero scalar contributes the
    // point at infinity.
    let minus_e = SecretKey::from_slice(e.as_ref())
        .map(|e| e.negate().secret_bytes())
        .unwrap_or([0; 32]);
    let Ok(s) = <[u8; 32]>::try_from(s) else {
        return false;
    };
    // Fail if R is infinite, has an odd y, or x(R) != r.
    let Some(sum) = point::mul_g_add(&s, &xy(&p), &minus_e) else {
        return false;
    };
    sum[63] & 1 == 0 && &sum[..32] == r
}
pub(crate) fn sign_keypair(
    keypair: &Keypair,
    digest: &[u8; 32],
    aux: Option<&[u8; 32]>,
) -> Signature {
    let mut sk = keypair.secret_key();
    let sig = sign(&sk, &keypair.public_key(), digest, aux);
    sk.non_secure_erase();
    sig
}

/// A private key and its public key, made with `point::mul_g`.
#[derive(Clone)]
pub(crate) struct Keys {
    secret: SecretKey,
    public: PublicKey,
}

impl Keys {
    pub(crate) fn new(secret: SecretKey) -> Self {
        Self {
            public: public_key(&secret),
            secret,
        }
    }

    pub(crate) fn from_keypair(keypair: &Keypair) -> Self {
        Self {
            secret: keypair.secret_key(),
            public: keypair.public_key(),
        }
    }

    pub(crate) fn secret_key(&self) -> SecretKey {
        self.secret
    }

    pub(crate) fn public_key(&self) -> PublicKey {
        self.public
    }

    pub(crate) fn sign_schnorr(&self, digest: &[u8; 32], aux: Option<&[u8; 32]>) -> Signature {
        sign(&self.secret, &self.public, digest, aux)
    }
}

impl Drop for Keys {
    fn drop(&mut self) {
        self.secret.non_secure_erase();
    }
}
