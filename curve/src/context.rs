//! The native backend: libsecp256k1's global context (`secp256k1::SECP256K1`), with its
//! precomputed generator tables.

use secp256k1::ecdh::SharedSecret;
use secp256k1::{Keypair, Message, PublicKey, Scalar, SecretKey, XOnlyPublicKey, SECP256K1};
use zeroize::Zeroizing;

use crate::Signature;

pub(crate) fn public_key(sk: &SecretKey) -> PublicKey {
    PublicKey::from_secret_key(SECP256K1, sk)
}

/// libsecp256k1's `secp256k1_ecdh` with its default hash (SHA-256 of the compressed point).
pub(crate) fn ecdh(point: &PublicKey, sk: &SecretKey) -> Zeroizing<[u8; 32]> {
    let mut ss = SharedSecret::new(point, sk);
    let out = Zeroizing::new(ss.secret_bytes());
    ss.non_secure_erase();
    out
}

/// A parsed point, as the byte-level keys (`compressed.rs`) keep it beside its encoding.
pub(crate) type Point = PublicKey;

/// The point with compressed encoding `enc`, when libsecp256k1 parses it.
pub(crate) fn parse_point(enc: &[u8; 33]) -> Option<Point> {
    PublicKey::from_slice(enc).ok()
}

pub(crate) fn point_of(key: &PublicKey) -> Point {
    *key
}

pub(crate) fn compress(point: &Point) -> [u8; 33] {
    point.serialize()
}

pub(crate) fn to_public_key(point: &Point) -> PublicKey {
    *point
}

/// Whether `k` is a private key (1 to n - 1): libsecp256k1 takes it.
pub(crate) fn is_secret(k: &[u8; 32]) -> bool {
    SecretKey::from_slice(k).is_ok()
}

/// `k * G`, for a `k` that [`is_secret`].
pub(crate) fn public_point(k: &[u8; 32]) -> Point {
    let mut sk = secret(k);
    let out = public_key(&sk);
    sk.non_secure_erase();
    out
}

/// [`ecdh`] for a `k` that [`is_secret`].
pub(crate) fn ecdh_point(point: &Point, k: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    let mut sk = secret(k);
    let out = ecdh(point, &sk);
    sk.non_secure_erase();
    out
}

fn secret(k: &[u8; 32]) -> SecretKey {
    match SecretKey::from_slice(k) {
        Ok(sk) => sk,
        Err(_) => panic!("a checked scalar is a secret key"),
    }
}

pub(crate) fn mul_tweak(point: &PublicKey, tweak: &Scalar) -> Option<PublicKey> {
    point.mul_tweak(SECP256K1, tweak).ok()
}

pub(crate) fn verify_schnorr(sig: &Signature, digest: &[u8; 32], key: &XOnlyPublicKey) -> bool {
    SECP256K1
        .verify_schnorr(sig, &Message::from_digest(*digest), key)
        .is_ok()
}

pub(crate) fn sign_keypair(
    keypair: &Keypair,
    digest: &[u8; 32],
    aux: Option<&[u8; 32]>,
) -> Signature {
    let msg = Message::from_digest(*digest);
    match aux {
        Some(aux) => SECP256K1.sign_schnorr_with_aux_rand(&msg, keypair, aux),
        None => SECP256K1.sign_schnorr_no_aux_rand(&msg, keypair),
    }
}

/// A `Keypair`: libsecp256k1 signs with it directly.
#[derive(Clone)]
pub(crate) struct Keys(Keypair);

impl Keys {
    pub(crate) fn new(secret: SecretKey) -> Self {
        Self(Keypair::from_secret_key(SECP256K1, &secret))
    }

    pub(crate) fn from_keypair(keypair: &Keypair) -> Self {
        Self(*keypair)
    }

    pub(crate) fn secret_key(&self) -> SecretKey {
        self.0.secret_key()
    }

    pub(crate) fn public_key(&self) -> PublicKey {
        self.0.public_key()
    }

    pub(crate) fn sign_schnorr(&self, digest: &[u8; 32], aux: Option<&[u8; 32]>) -> Signature {
        sign_keypair(&self.0, digest, aux)
    }
}

impl Drop for Keys {
    fn drop(&mut self) {
        self.0.non_secure_erase();
    }
}
