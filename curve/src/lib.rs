//! The secp256k1 operations the toolkit needs, behind one small interface: a private key's
//! public key ([`public_key`]), ECDH ([`ecdh`]), a point times a scalar ([`mul_tweak`]), and
//! BIP-340 Schnorr signatures ([`Signer`], [`Keys`], [`verify_schnorr`]); and the same keys
//! as checked bytes, for BOLT 8 ([`PublicPoint`], a compressed point; [`SecretScalar`], a
//! private key, with its public point and ECDH), which on wasm32 need no libsecp256k1 at all.
//!
//! Two backends, chosen by target, both on the `secp256k1` crate's types:
//!
//! - natively, libsecp256k1's global context (`secp256k1::SECP256K1`): `k * G` from the
//!   precomputed generator tables, ECDH, BIP-340 signing and verification as libsecp256k1
//!   does them;
//! - on wasm32, one constant-time multiplication of this crate's own (`field.rs`,
//!   `point.rs`; `tableless.rs` builds on it): `k * G` is the same multiplication with G as
//!   the point, ECDH hashes its product, and BIP-340 is built from it and libsecp256k1's
//!   scalar operations; the byte-level keys are this crate's alone (decompression by its
//!   own square root, the range of a scalar by its own comparison). Nothing makes a
//!   context, so neither the context code nor the 32 kB of generator table
//!   (incompressible; `ECMULT_GEN_PREC_BITS` 2 is the smallest libsecp256k1 offers) is in
//!   the npm package, and nothing calls `secp256k1_ecdh`, so neither libsecp256k1's
//!   `ecmult_const` nor its SHA-256 is (BENCHMARKS.md).
//!
//! The target decides rather than a feature: a feature could not take away the
//! `global-context` the native backend turns on, and with it the context constructor that
//! `secp256k1-sys` exports (which keeps the tables in any wasm that links it).
//!
//! Both backends are compiled under `cargo test`, and the tableless one is checked against
//! libsecp256k1's own on BIP-340's test vectors, the scalar range edges and random keys (and
//! by the `curve_differential` fuzz target).

#![forbid(unsafe_code)]

pub use compressed::{PublicPoint, SecretScalar};
pub use secp256k1::schnorr::Signature;
pub use secp256k1::{Keypair, PublicKey, Scalar, SecretKey, XOnlyPublicKey};

mod compressed;
#[cfg(not(target_arch = "wasm32"))]
mod context;
#[cfg(any(target_arch = "wasm32", test, feature = "fuzzing"))]
mod field;
#[cfg(any(target_arch = "wasm32", test, feature = "fuzzing"))]
mod point;
#[cfg(any(target_arch = "wasm32", test, feature = "fuzzing"))]
// Natively (tests, fuzzing) only part of it is called: what `Keys` on wasm32 needs is not.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod tableless;

#[cfg(not(target_arch = "wasm32"))]
use context as backend;
#[cfg(target_arch = "wasm32")]
use tableless as backend;

/// `sk * G`, the public key of `sk`.
pub fn public_key(sk: &SecretKey) -> PublicKey {
    backend::public_key(sk)
}

/// ECDH as BOLT #8 §"Handshake State" and BOLT #4 §"Shared Secret" define it: SHA-256 of
/// the compressed `sk * point` (libsecp256k1's `secp256k1_ecdh` with its default hash, which
/// the native backend calls). Constant time in `sk`.
pub fn ecdh(point: &PublicKey, sk: &SecretKey) -> zeroize::Zeroizing<[u8; 32]> {
    backend::ecdh(point, sk)
}

/// `tweak * point`; `None` when `tweak` is zero (the product would be the point at
/// infinity). Natively this is libsecp256k1's `ec_pubkey_tweak_mul` (variable time, as
/// before); on wasm32 the constant-time multiplication of `point.rs`.
pub fn mul_tweak(point: &PublicKey, tweak: &Scalar) -> Option<PublicKey> {
    backend::mul_tweak(point, tweak)
}

/// BIP-340 verification of `sig` by `key` over the 32-byte message `digest`.
pub fn verify_schnorr(sig: &Signature, digest: &[u8; 32], key: &XOnlyPublicKey) -> bool {
    backend::verify_schnorr(sig, digest, key)
}

/// Something that makes BIP-340 signatures: a [`Keys`], or a `secp256k1::Keypair`.
pub trait Signer {
    /// The public key the signatures verify under (its x coordinate).
    fn public_key(&self) -> PublicKey;

    /// BIP-340 `Sign(sk, m)` over the 32-byte message `digest`, with the auxiliary random
    /// data `aux` (`None`: 32 zero bytes, libsecp256k1's `sign_schnorr_no_aux_rand`).
    fn sign_schnorr(&self, digest: &[u8; 32], aux: Option<&[u8; 32]>) -> Signature;
}

impl Signer for Keypair {
    fn public_key(&self) -> PublicKey {
        Keypair::public_key(self)
    }

    fn sign_schnorr(&self, digest: &[u8; 32], aux: Option<&[u8; 32]>) -> Signature {
        backend::sign_keypair(self, digest, aux)
    }
}

/// A private key with its public key, computed once; the secret is erased when dropped.
/// Made without a libsecp256k1 context on wasm32 (a `secp256k1::Keypair` cannot be).
#[derive(Clone)]
pub struct Keys(backend::Keys);

impl Keys {
    /// The keys of `secret`.
    pub fn new(secret: SecretKey) -> Self {
        Self(backend::Keys::new(secret))
    }

    /// The keys of a 32-byte private key; `None` when it is zero or not below the order.
    pub fn from_slice(secret: &[u8]) -> Option<Self> {
        let mut sk = SecretKey::from_slice(secret).ok()?;
        let keys = Self::new(sk);
        sk.non_secure_erase();
        Some(keys)
    }

    /// The public key.
    pub fn public_key(&self) -> PublicKey {
        self.0.public_key()
    }

    /// The private key.
    pub fn secret_key(&self) -> SecretKey {
        self.0.secret_key()
    }

    /// The x-only public key (BIP-340's `bytes(P)`).
    pub fn x_only_public_key(&self) -> XOnlyPublicKey {
        self.0.public_key().x_only_public_key().0
    }
}

impl Signer for Keys {
    fn public_key(&self) -> PublicKey {
        self.0.public_key()
    }

    fn sign_schnorr(&self, digest: &[u8; 32], aux: Option<&[u8; 32]>) -> Signature {
        self.0.sign_schnorr(digest, aux)
    }
}

impl From<&Keypair> for Keys {
    fn from(keypair: &Keypair) -> Self {
        Self(backend::Keys::from_keypair(keypair))
    }
}

/// Keys are equal when their public keys are (and so their secrets).
impl PartialEq for Keys {
    fn eq(&self, other: &Self) -> bool {
        self.0.public_key() == other.0.public_key()
    }
}

impl Eq for Keys {}

impl core::fmt::Debug for Keys {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Keys(public {})", self.0.public_key())
    }
}

/// Both backends side by side, each function returning (native, tableless): for the
/// differential fuzz target (`fuzz/fuzz_targets/curve_differential.rs`) only.
#[cfg(all(feature = "fuzzing", not(target_arch = "wasm32")))]
#[doc(hidden)]
pub mod differential {
    use super::{context, tableless, Keypair, PublicKey, Scalar, SecretKey, Signature};
    use secp256k1::{XOnlyPublicKey, SECP256K1};

    pub fn public_key(sk: &SecretKey) -> (PublicKey, PublicKey) {
        (context::public_key(sk), tableless::public_key(sk))
    }

    pub fn ecdh(point: &PublicKey, sk: &SecretKey) -> ([u8; 32], [u8; 32]) {
        (*context::ecdh(point, sk), *tableless::ecdh(point, sk))
    }

    pub fn mul_tweak(point: &PublicKey, tweak: &Scalar) -> (Option<PublicKey>, Option<PublicKey>) {
        (
            context::mul_tweak(point, tweak),
            tableless::mul_tweak(point, tweak),
        )
    }

    pub fn sign(
        sk: &SecretKey,
        digest: &[u8; 32],
        aux: Option<&[u8; 32]>,
    ) -> (Signature, Signature) {
        let keypair = Keypair::from_secret_key(SECP256K1, sk);
        (
            context::sign_keypair(&keypair, digest, aux),
            tableless::sign(sk, &tableless::public_key(sk), digest, aux),
        )
    }

    pub fn verify(sig: &Signature, digest: &[u8; 32], key: &XOnlyPublicKey) -> (bool, bool) {
        (
            context::verify_schnorr(sig, digest, key),
            tableless::verify_schnorr(sig, digest, key),
        )
    }

    /// Whether `enc` is a compressed point, then (when it is and `k` is a private key)
    /// `k * G` compressed and ECDH: the byte-level keys' backends.
    #[allow(clippy::type_complexity)]
    pub fn compressed(
        enc: &[u8; 33],
        k: &[u8; 32],
    ) -> (
        (bool, bool),
        (bool, bool),
        Option<([u8; 33], [u8; 33])>,
        Option<([u8; 32], [u8; 32])>,
    ) {
        let parsed = (context::parse_point(enc), tableless::parse_point(enc));
        let point = (parsed.0.is_some(), parsed.1.is_some());
        let secret = (context::is_secret(k), tableless::is_secret(k));
        let public = secret.0.then(|| {
            (
                context::compress(&context::public_point(k)),
                tableless::compress(&tableless::public_point(k)),
            )
        });
        let ecdh = match (parsed, secret.0) {
            ((Some(a), Some(b)), true) => {
                Some((*context::ecdh_point(&a, k), *tableless::ecdh_point(&b, k)))
            }
            _ => None,
        };
        (point, secret, public, ecdh)
    }
}

#[cfg(test)]
mod tests;
