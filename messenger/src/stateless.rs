//! The stateless payer (BOLT 12 §"Invoice Requests": `invreq_metadata` "MUST be
//! unpredictable"; the scheme is `bolt12::stateless`, LDK 0.2.7's): the request's payer key
//! is derived from key material, a fresh nonce and the request's own records, and the
//! payment id rides encrypted in `invreq_metadata`. As LDK carries the nonce in the reply
//! path's context, we carry it in the reply path's `path_id`, authenticated:
//!
//! ```text
//! path_id = nonce (16) || HMAC-SHA256(key_material, "messenger reply path_id v1" || nonce)[0..16]
//! ```
//!
//! so that a reply is recognised from what arrives alone ([`recognise_reply`]): the tag
//! says the path is ours, the nonce re-derives the payer key, and
//! `bolt12::stateless::payer::verify_invoice` recovers the payment id.
use bolt12::stateless::{payer, ExpandedKey, Nonce, PaymentId, VerifyError};
use bolt12::Invoice;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::error::KeyError;

/// Length of a stateless `path_id`.
pub const PATH_ID_LEN: usize = Nonce::LEN + TAG_LEN;
const TAG_LEN: usize = 16;
const TAG_DOMAIN: &[u8] = b"messenger reply path_id v1";

/// A payer that keeps no record of its requests.
#[derive(Clone)]
pub struct StatelessPayer {
    material: Zeroizing<[u8; 32]>,
    /// The payment this request is for; recovered from the invoice.
    pub payment_id: PaymentId,
}

impl core::fmt::Debug for StatelessPayer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("StatelessPayer(..)")
    }
}

/// Why a reply is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecogniseError {
    /// The `path_id` is not nonce ‖ tag.
    #[error("path_id of {0} bytes is not a stateless reply path_id")]
    BadLength(usize),
    /// The tag does not authenticate the nonce under our key material.
    #[error("path_id tag does not match: not our reply path")]
    BadTag,
    /// The invoice does not answer a request derived with this nonce.
    #[error("invoice: {0}")]
    Invoice(#[from] VerifyError),
}

impl StatelessPayer {
    /// A payer for `payment_id` with 32 bytes of key material.
    pub fn new(key_material: &[u8; 32], payment_id: PaymentId) -> Self {
        StatelessPayer {
            material: Zeroizing::new(*key_material),
            payment_id,
        }
    }

    /// The expanded key of `bolt12::stateless`.
    pub fn expanded_key(&self) -> ExpandedKey {
        ExpandedKey::new(&self.material)
    }

    /// The `path_id` carrying `nonce`.
    pub fn path_id(&self, nonce: &Nonce) -> Result<Zeroizing<[u8; PATH_ID_LEN]>, KeyError> {
        let tag = self.tag(nonce)?;
        let mut out = Zeroizing::new([0u8; PATH_ID_LEN]);
        out[..Nonce::LEN].copy_from_slice(&nonce.0);
        out[Nonce::LEN..].copy_from_slice(&tag[..TAG_LEN]);
        Ok(out)
    }

    fn tag(&self, nonce: &Nonce) -> Result<Zeroizing<[u8; 32]>, KeyError> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.material.as_slice())
            .map_err(|_| KeyError::OutOfRange)?;
        mac.update(TAG_DOMAIN);
        mac.update(&nonce.0);
        Ok(Zeroizing::new(mac.finalize().into_bytes().into()))
    }

    /// The nonce of one of our `path_id`s (tag checked in constant time).
    pub fn nonce_of(&self, path_id: &[u8]) -> Result<Nonce, RecogniseError> {
        if path_id.len() != PATH_ID_LEN {
            return Err(RecogniseError::BadLength(path_id.len()));
        }
        let nonce = Nonce::from_prefix(path_id).ok_or(RecogniseError::BadLength(path_id.len()))?;
        let tag = self.tag(&nonce).map_err(|_| RecogniseError::BadTag)?;
        if bool::from(tag[..TAG_LEN].ct_eq(&path_id[Nonce::LEN..])) {
            Ok(nonce)
        } else {
            Err(RecogniseError::BadTag)
        }
    }
}

/// Recognises `invoice`, which arrived on a reply path with `path_id`, as answering one of
/// `payer`'s requests, from those two alone: returns the payment id.
pub fn recognise_reply(
    payer: &StatelessPayer,
    path_id: &[u8],
    invoice: &Invoice,
) -> Result<PaymentId, RecogniseError> {
    let nonce = payer.nonce_of(path_id)?;
    Ok(payer::verify_invoice(
        &payer.expanded_key(),
        invoice,
        Some(&nonce),
    )?)
}
