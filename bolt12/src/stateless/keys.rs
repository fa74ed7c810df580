//! The expanded secret keys, nonces and payment ids of the stateless scheme.
use core::fmt;

use hkdf::Hkdf;
use hmac::digest::KeyInit;
use hmac::Hmac;
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::chacha;

/// Length of the secret key material.
pub const KEY_MATERIAL_LEN: usize = 32;

/// HKDF salt (LDK's `ExpandedKey::new`).
const HKDF_SALT: &[u8] = b"LDK Inbound Payment Key Expansion";

/// The keys expanded from 32 bytes of key material with HKDF-SHA256 (RFC 5869): salt
/// `"LDK Inbound Payment Key Expansion"`, empty info, 192 bytes of output; block `T(n)` is
/// the n-th 32 bytes. Same derivation as LDK's `ln::inbound_payment::ExpandedKey::new`.
/// Zeroised on drop; `Debug` prints nothing secret.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct ExpandedKey {
    /// `T(1)`: encrypts payment metadata inside payment secrets.
    metadata_key: [u8; 32],
    /// `T(2)`: HMAC key of payment preimages.
    payment_hash_key: [u8; 32],
    /// `T(4)`: HMAC key of offer, invoice request and invoice metadata.
    offers_base_key: [u8; 32],
    /// `T(5)`: ChaCha20 key encrypting payment ids.
    offers_encryption_key: [u8; 32],
}

impl ExpandedKey {
    /// Expands `key_material` (RFC 5869 extract-then-expand, L = 192).
    pub fn new(key_material: &[u8; KEY_MATERIAL_LEN]) -> Self {
        let hkdf = Hkdf::<Sha256>::new(Some(HKDF_SALT), key_material);
        let mut okm = [0u8; 6 * 32];
        // 192 <= 255 * 32, the most HKDF-SHA256 can output: this cannot fail.
        let expanded = hkdf.expand(&[], &mut okm).is_ok();
        debug_assert!(expanded);
        let block = |n: usize| -> [u8; 32] {
            let mut k = [0u8; 32];
            k.copy_from_slice(&okm[(n - 1) * 32..n * 32]);
            k
        };
        let key = ExpandedKey {
            metadata_key: block(1),
            payment_hash_key: block(2),
            offers_base_key: block(4),
            offers_encryption_key: block(5),
        };
        okm.zeroize();
        key
    }

    /// A fresh HMAC-SHA256 keyed with `offers_base_key`.
    pub(crate) fn hmac_for_offer(&self) -> Hmac<Sha256> {
        hmac_with(&self.offers_base_key)
    }

    /// A fresh HMAC-SHA256 keyed with `payment_hash_key`.
    pub(crate) fn hmac_for_payment_hash(&self) -> Hmac<Sha256> {
        hmac_with(&self.payment_hash_key)
    }

    /// Encrypts or decrypts a payment id: XOR with the first 32 bytes of the ChaCha20 block
    /// for `offers_encryption_key` and `nonce` (see [`chacha::block_prefix`]).
    pub(crate) fn crypt_payment_id(&self, bytes: &[u8; 32], nonce: &Nonce) -> [u8; 32] {
        xor_block(
            bytes,
            chacha::block_prefix(&self.offers_encryption_key, &nonce.0),
        )
    }

    /// Encrypts or decrypts the 16 bytes of payment metadata under `iv` with `metadata_key`.
    pub(crate) fn crypt_payment_metadata(&self, bytes: &[u8; 16], iv: &[u8; 16]) -> [u8; 16] {
        let mut block = chacha::block_prefix(&self.metadata_key, iv);
        let mut out = [0u8; 16];
        for (o, (b, k)) in out.iter_mut().zip(bytes.iter().zip(block.iter())) {
            *o = b ^ k;
        }
        block.zeroize();
        out
    }
}

/// HMAC-SHA256 keyed with a 32-byte key: RFC 2104 pads keys shorter than the 64-byte block
/// with zeros, which is done here so that no length check (and no panic) is involved.
fn hmac_with(key: &[u8; 32]) -> Hmac<Sha256> {
    let mut block = hmac::digest::Key::<Hmac<Sha256>>::default();
    block[..32].copy_from_slice(key);
    let mac = <Hmac<Sha256> as KeyInit>::new(&block);
    block.as_mut_slice().zeroize();
    mac
}

fn xor_block(bytes: &[u8; 32], mut block: [u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (o, (b, k)) in out.iter_mut().zip(bytes.iter().zip(block.iter())) {
        *o = b ^ k;
    }
    block.zeroize();
    out
}

impl fmt::Debug for ExpandedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ExpandedKey(..)")
    }
}

/// A 16-byte nonce: unique per offer or invoice request (LDK's `offers::nonce::Nonce`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Nonce(pub [u8; Nonce::LEN]);

impl Nonce {
    /// Its length.
    pub const LEN: usize = 16;

    /// Sixteen bytes from the operating system's random source.
    pub fn random() -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; Self::LEN];
        getrandom::getrandom(&mut bytes)?;
        Ok(Nonce(bytes))
    }

    /// The first 16 bytes of `bytes`, if there are that many.
    pub fn from_prefix(bytes: &[u8]) -> Option<Self> {
        let prefix = bytes.get(..Self::LEN)?;
        let mut n = [0u8; Self::LEN];
        n.copy_from_slice(prefix);
        Some(Nonce(n))
    }
}

impl fmt::Debug for Nonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nonce({})", hex(&self.0))
    }
}

/// The payer's 32-byte payment id, carried encrypted in `invreq_metadata`
/// (LDK's `ln::channelmanager::PaymentId`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PaymentId(pub [u8; 32]);

impl fmt::Debug for PaymentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PaymentId({})", hex(&self.0))
    }
}

impl fmt::Display for PaymentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex(&self.0))
    }
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use core::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}
