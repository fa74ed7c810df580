//! Stateless payment hashes: the preimage is recomputed from the payment secret that comes
//! back with the payment, so nothing is stored per invoice. This is LDK 0.2.7's
//! `ln::inbound_payment::create` scheme ("LDK payment hash" method), byte for byte:
//!
//! ```text
//! metadata (16 bytes) = amount (8, big-endian; top 3 bits = method 0) ‖ expiry (8, big-endian)
//! expiry              = created_at + relative_expiry + 7200   (LDK's two-hour clock buffer)
//! preimage            = HMAC-SHA256(payment_hash_key, iv ‖ metadata)
//! payment_hash        = SHA256(preimage)
//! payment_secret      = iv ‖ (metadata XOR ChaCha20(metadata_key, iv)[0..16])
//! ```
//!
//! `iv` is 16 fresh random bytes per invoice; `payment_hash_key` and `metadata_key` are
//! HKDF blocks `T(2)` and `T(1)` ([`super::keys`]). The payment secret rides in the recipient
//! data of our blinded payment paths; when the payment arrives, [`claim`] decrypts the
//! metadata, recomputes the preimage, checks it hashes to the payment hash (constant time),
//! then checks the amount and expiry.
use core::fmt;

use hmac::Mac;
use sha2::{Digest, Sha256 as Sha256Engine};
use subtle::ConstantTimeEq;
use thiserror::Error;
use wire::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::keys::{hex, ExpandedKey};

/// The largest amount: 21 million bitcoin in millisatoshi (LDK `MAX_VALUE_MSAT`).
pub const MAX_VALUE_MSAT: u64 = 21_000_000 * 100_000_000 * 1000;
/// Seconds LDK adds to every expiry, as block timestamps may lag the clock.
pub const EXPIRY_BUFFER: u64 = 7200;
const METHOD_OFFSET: u8 = 5;
const METHOD_LDK_PAYMENT_HASH: u8 = 0;
const METHOD_LDK_PAYMENT_HASH_CUSTOM_CLTV: u8 = 2;

/// Why a payment hash could not be made, or a payment not claimed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PaymentError {
    /// The minimum amount is above 21 million bitcoin.
    #[error("amount {0} msat is above the 21 million bitcoin limit")]
    AmountTooLarge(u64),
    /// `created_at + relative_expiry + 7200` does not fit in 64 bits.
    #[error("expiry overflows")]
    ExpiryOverflow,
    /// The payment secret names a method whose preimage is not derived from it.
    #[error("payment secret method {0} has no derived preimage")]
    UnsupportedMethod(u8),
    /// The preimage derived from the payment secret does not hash to the payment hash:
    /// not our secret, or not for this hash.
    #[error("payment secret does not derive this payment hash")]
    HashMismatch,
    /// Less than the invoice's amount arrived.
    #[error("received {received} msat, below the invoice's {minimum}")]
    AmountBelowMinimum {
        /// Amount received.
        received: u64,
        /// Invoice amount.
        minimum: u64,
    },
    /// The payment arrived after the expiry.
    #[error("payment expired at {expiry}, now is {now}")]
    Expired {
        /// `created_at + relative_expiry + 7200`.
        expiry: u64,
        /// The time given.
        now: u64,
    },
}

/// The 32-byte payment secret: IV ‖ encrypted metadata.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PaymentSecret(pub [u8; 32]);

impl fmt::Debug for PaymentSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PaymentSecret({})", hex(&self.0))
    }
}

/// A payment preimage, zeroised on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct PaymentPreimage([u8; 32]);

impl PaymentPreimage {
    /// The preimage bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
    /// `SHA256(preimage)`.
    pub fn payment_hash(&self) -> Sha256 {
        Sha256(Sha256Engine::digest(self.0).into())
    }
}

impl fmt::Debug for PaymentPreimage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PaymentPreimage(..)")
    }
}

fn preimage(key: &ExpandedKey, iv: &[u8; 16], metadata: &[u8; 16]) -> PaymentPreimage {
    let mut mac = key.hmac_for_payment_hash();
    mac.update(iv);
    mac.update(metadata);
    PaymentPreimage(mac.finalize().into_bytes().into())
}

/// The payment hash and payment secret of an invoice for at least `min_value_msat` (none:
/// any amount), created at `created_at` and payable for `relative_expiry` seconds (plus
/// LDK's 7200-second buffer). Equal to LDK's `inbound_payment::create` with the same key
/// material when its entropy source yields `iv`.
pub fn create(
    key: &ExpandedKey,
    min_value_msat: Option<u64>,
    relative_expiry: u32,
    iv: &[u8; 16],
    created_at: u64,
) -> Result<(Sha256, PaymentSecret), PaymentError> {
    let amount = min_value_msat.unwrap_or(0);
    if amount > MAX_VALUE_MSAT {
        return Err(PaymentError::AmountTooLarge(amount));
    }
    let expiry = created_at
        .checked_add(u64::from(relative_expiry))
        .and_then(|e| e.checked_add(EXPIRY_BUFFER))
        .ok_or(PaymentError::ExpiryOverflow)?;
    let mut metadata = [0u8; 16];
    metadata[..8].copy_from_slice(&amount.to_be_bytes());
    metadata[0] |= METHOD_LDK_PAYMENT_HASH << METHOD_OFFSET;
    metadata[8..].copy_from_slice(&expiry.to_be_bytes());
    let hash = preimage(key, iv, &metadata).payment_hash();
    let mut secret = [0u8; 32];
    secret[..16].copy_from_slice(iv);
    secret[16..].copy_from_slice(&key.crypt_payment_metadata(&metadata, iv));
    metadata.zeroize();
    Ok((hash, PaymentSecret(secret)))
}

/// Recomputes the preimage for a payment of `amount_msat` to `payment_hash` that arrived with
/// `secret` at `now`: checks the preimage first (constant time), then the amount and expiry.
/// Accepts LDK's "LDK payment hash" methods (0, and 2 with a custom final CLTV delta).
pub fn claim(
    key: &ExpandedKey,
    payment_hash: &Sha256,
    secret: &PaymentSecret,
    amount_msat: u64,
    now: u64,
) -> Result<PaymentPreimage, PaymentError> {
    let mut iv = [0u8; 16];
    iv.copy_from_slice(&secret.0[..16]);
    let mut encrypted = [0u8; 16];
    encrypted.copy_from_slice(&secret.0[16..]);
    let mut metadata = key.crypt_payment_metadata(&encrypted, &iv);
    let method = metadata[0] >> METHOD_OFFSET;
    if method != METHOD_LDK_PAYMENT_HASH && method != METHOD_LDK_PAYMENT_HASH_CUSTOM_CLTV {
        return Err(PaymentError::UnsupportedMethod(method));
    }
    let preimage = preimage(key, &iv, &metadata);
    if !bool::from(preimage.payment_hash().0.ct_eq(&payment_hash.0)) {
        return Err(PaymentError::HashMismatch);
    }
    let mut amount = [0u8; 8];
    amount.copy_from_slice(&metadata[..8]);
    amount[0] &= 0b0001_1111;
    let minimum = u64::from_be_bytes(amount);
    let mut expiry = [0u8; 8];
    expiry.copy_from_slice(&metadata[8..]);
    if method == METHOD_LDK_PAYMENT_HASH_CUSTOM_CLTV {
        // The top two bytes hold the final CLTV delta.
        expiry[0] = 0;
        expiry[1] = 0;
    }
    let expiry = u64::from_be_bytes(expiry);
    metadata.zeroize();
    if amount_msat < minimum {
        return Err(PaymentError::AmountBelowMinimum {
            received: amount_msat,
            minimum,
        });
    }
    if expiry < now {
        return Err(PaymentError::Expired { expiry, now });
    }
    Ok(preimage)
}
