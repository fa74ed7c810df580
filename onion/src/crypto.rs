//! The primitives BOLT 4 builds on: key generation (§"Key Generation"), the shared secret
//! (§"Shared Secret"), key blinding (§"Blinding Ephemeral Onion Keys") and the pseudo-random
//! byte stream (§"Pseudo Random Byte Stream").
use chacha20::cipher::{KeyIvInit, StreamCipher};
use chacha20::ChaCha20;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use secp256k1::{PublicKey, Scalar, SecretKey};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// A 32-byte secret (shared secret or key derived from one), zeroised when dropped.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Secret32(pub(crate) [u8; 32]);

impl Secret32 {
    /// The secret's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl core::fmt::Debug for Secret32 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Secret32(..)")
    }
}

/// `HMAC256(key, msg)`: §"Key Generation" uses it with key types `rho`, `mu`, `pad`; route
/// blinding with `blinded_node_id`; packets with the 32-byte `mu` key. Every key here is
/// at most 32 bytes, so it is the zero-padded 64-byte HMAC block itself (RFC 2104).
pub(crate) fn hmac256(key: &[u8], msg: &[u8]) -> Secret32 {
    debug_assert!(key.len() <= 64);
    let mut block = [0u8; 64];
    let n = key.len().min(64);
    block[..n].copy_from_slice(&key[..n]);
    let mut mac = <Hmac<Sha256> as KeyInit>::new(&block.into());
    block.zeroize();
    mac.update(msg);
    Secret32(mac.finalize().into_bytes().into())
}

/// §"Shared Secret": `SHA256` of the compressed ECDH point (libsecp256k1's ECDH).
pub(crate) fn ecdh(point: &PublicKey, scalar: &SecretKey) -> Secret32 {
    Secret32(*curve::ecdh(point, scalar))
}

/// §"Blinding Ephemeral Onion Keys" and §"Route Blinding": `SHA256(E || ss)`.
pub(crate) fn blinding_factor(key: &PublicKey, ss: &Secret32) -> Secret32 {
    let mut h = Sha256::new();
    h.update(key.serialize());
    h.update(ss.0);
    Secret32(h.finalize().into())
}

/// A 32-byte value as a scalar tweak; `None` if it is not below the curve order (which a
/// hash or HMAC output is with overwhelming probability).
pub(crate) fn scalar(bytes: &Secret32) -> Option<Scalar> {
    Scalar::from_be_bytes(bytes.0).ok()
}

/// `tweak * P`, `None` for an out-of-range tweak.
pub(crate) fn mul_pub(point: &PublicKey, tweak: &Secret32) -> Option<PublicKey> {
    curve::mul_tweak(point, &scalar(tweak)?)
}

/// `tweak * k`, `None` for an out-of-range tweak.
pub(crate) fn mul_secret(key: &SecretKey, tweak: &Secret32) -> Option<SecretKey> {
    key.mul_tweak(&scalar(tweak)?).ok()
}

/// §"Pseudo Random Byte Stream": XORs `buf` with ChaCha20 keyed by `key`, zero nonce.
pub(crate) fn xor_stream(key: &Secret32, buf: &mut [u8]) {
    let mut cipher = ChaCha20::new(&key.0.into(), &[0u8; 12].into());
    cipher.apply_keystream(buf);
}
