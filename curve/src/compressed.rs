//! Public keys and private keys as bytes: [`PublicPoint`], a point in its 33-byte compressed
//! encoding, and [`SecretScalar`], a private key's 32 bytes, each checked once when made.
//! BOLT 8 needs nothing else (its keys are compressed points on the wire, its one operation
//! is ECDH), and on wasm32 nothing here touches libsecp256k1, so an entry that only speaks
//! BOLT 8 (the npm package's Commando entry) links none of it. The `secp256k1` types are a
//! conversion away ([`PublicPoint::to_public_key`], [`SecretScalar::to_secret_key`]).

use secp256k1::{PublicKey, SecretKey};
use zeroize::Zeroizing;

use crate::backend;

/// A point of secp256k1 (never the point at infinity) in its compressed encoding, SEC 1
/// §2.3.3: 2 or 3 for the parity of y, then x, big-endian. BOLT #8 §"Handshake State":
/// "all public keys ... are serialized in compressed format". Kept parsed as well, so that
/// each ECDH with it does not parse it again; equal, ordered and hashed by its encoding.
#[derive(Clone, Copy)]
pub struct PublicPoint {
    enc: [u8; 33],
    point: backend::Point,
}

impl PublicPoint {
    /// The point with this encoding (SEC 1 §2.3.4); `None` when the slice is not 33 bytes,
    /// the prefix is not 2 or 3, x is not below p, or no point has that x.
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        let enc = <[u8; 33]>::try_from(bytes).ok()?;
        let point = backend::parse_point(&enc)?;
        Some(Self { enc, point })
    }

    /// The 33-byte encoding.
    pub fn serialize(&self) -> [u8; 33] {
        self.enc
    }

    /// The same point as a `secp256k1` public key.
    pub fn to_public_key(&self) -> PublicKey {
        backend::to_public_key(&self.point)
    }

    fn from_point(point: backend::Point) -> Self {
        Self {
            enc: backend::compress(&point),
            point,
        }
    }
}

impl PartialEq for PublicPoint {
    fn eq(&self, other: &Self) -> bool {
        self.enc == other.enc
    }
}

impl Eq for PublicPoint {}

impl PartialOrd for PublicPoint {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PublicPoint {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        self.enc.cmp(&other.enc)
    }
}

impl core::hash::Hash for PublicPoint {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.enc.hash(state);
    }
}

impl From<PublicKey> for PublicPoint {
    fn from(key: PublicKey) -> Self {
        Self::from(&key)
    }
}

impl From<&PublicKey> for PublicPoint {
    fn from(key: &PublicKey) -> Self {
        Self::from_point(backend::point_of(key))
    }
}

/// Lowercase hex, as node ids are written.
impl core::fmt::Display for PublicPoint {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for b in self.enc {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl core::fmt::Debug for PublicPoint {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "PublicPoint({self})")
    }
}

/// A private key: a scalar from 1 to n - 1 (SEC 2 §2.4.1's order n), big-endian, erased
/// when dropped.
#[derive(Clone)]
pub struct SecretScalar(Zeroizing<[u8; 32]>);

impl SecretScalar {
    /// The key with these bytes; `None` when they are zero or not below n.
    pub fn from_bytes(bytes: &[u8; 32]) -> Option<Self> {
        backend::is_secret(bytes).then(|| Self(Zeroizing::new(*bytes)))
    }

    /// `k * G`, compressed. Constant time in `k`.
    pub fn public_point(&self) -> PublicPoint {
        PublicPoint::from_point(backend::public_point(&self.0))
    }

    /// ECDH as BOLT #8 §"Handshake State" defines it: SHA-256 of the compressed
    /// `k * point` (as [`crate::ecdh`]). Constant time in `k`.
    pub fn ecdh(&self, point: &PublicPoint) -> Zeroizing<[u8; 32]> {
        backend::ecdh_point(&point.point, &self.0)
    }

    /// The same key as a `secp256k1` secret key (the caller erases it).
    pub fn to_secret_key(&self) -> SecretKey {
        // Checked when made, by the same range as libsecp256k1's (compared in the tests).
        match SecretKey::from_slice(self.0.as_ref()) {
            Ok(key) => key,
            Err(_) => panic!("a checked scalar is a secret key"),
        }
    }
}

impl From<&SecretKey> for SecretScalar {
    fn from(key: &SecretKey) -> Self {
        Self(Zeroizing::new(key.secret_bytes()))
    }
}

/// Never the secret.
impl core::fmt::Debug for SecretScalar {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SecretScalar(..)")
    }
}
