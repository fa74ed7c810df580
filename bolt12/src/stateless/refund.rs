//! Stateless refunds: `invreq_metadata` carries the encrypted payment id (and, with an
//! explicit payer key, the nonce and an HMAC), so the invoice answering a refund is
//! recognised without storage. Byte-compatible with LDK 0.2.7's
//! `RefundBuilder::deriving_signing_pubkey` and `Bolt12Invoice::verify_using_metadata` /
//! `verify_using_payer_data` for refunds.
//!
//! LDK picks the layout from the paths: no `invreq_paths` means the node id is
//! `invreq_payer_id` and the metadata holds the nonce and HMAC ([`RefundKeys::Explicit`]);
//! with paths the payer key is derived and the nonce rides in the paths' context
//! ([`RefundKeys::Derived`]). Here the caller chooses; LDK's choice is the one to make for
//! refunds LDK will recognise.
use curve::{Keys, Signer};
use wire::Point;

use super::derivation::{
    self, is_invreq_type, Output, INVREQ_METADATA_TYPE, INVREQ_PAYER_ID_TYPE,
    IV_REFUND_DERIVED_KEY, IV_REFUND_WITH_METADATA,
};
use super::keys::{ExpandedKey, Nonce, PaymentId};
use super::payer::verify_invoice_with_ivs;
use super::{StatelessBuildError, VerifyError};
use crate::{BuildError, Invoice, Refund, RefundBuilder};

/// Which key is `invreq_payer_id`.
#[derive(Debug, Clone, Copy)]
pub enum RefundKeys {
    /// This key (LDK: the node id, for a refund without paths); `invreq_metadata` =
    /// encrypted payment id ‖ nonce ‖ HMAC (IV `"LDK Refund ~~~~~"`, every record but
    /// `invreq_metadata`, tag `[1; 16]`, then `[4; 16]` ‖ encrypted payment id).
    Explicit(Point),
    /// The public key of the HMAC (IV `"LDK Refund v2~~~"`, every record but
    /// `invreq_metadata` and `invreq_payer_id`, tag `[2; 16]`, then `[4; 16]` ‖ encrypted
    /// payment id); `invreq_metadata` = the encrypted payment id (32 bytes).
    Derived,
}

/// A stateless refund, and the derived payer keypair when [`RefundKeys::Derived`] (for
/// signing the refund in Core Lightning's form; [`StatelessRefund::erase`] when done).
#[derive(Debug)]
pub struct StatelessRefund {
    /// The refund.
    pub refund: Refund,
    /// The derived payer keys ([`RefundKeys::Derived`] only).
    pub derived: Option<Keys>,
}

impl StatelessRefund {
    /// Drops the derived keys (which erases their secret).
    pub fn erase(&mut self) {
        self.derived = None;
    }
}

impl Drop for StatelessRefund {
    fn drop(&mut self) {
        self.erase();
    }
}

/// Builds a refund for `amount_msat` and `description` whose invoice [`verify_invoice`]
/// recognises with `key`. `configure` sets the optional fields (expiry, issuer, paths,
/// chain, quantity, note). The refund is unsigned, as BOLT 12 and LDK write it; with
/// `sign` (Core Lightning's `sendinvoice` wants a signature) it is signed by `sign`
/// ([`RefundKeys::Explicit`]: its public key must be the payer id) or, when `sign` is
/// `Some` and the key is derived, by the derived key (the keypair given is then ignored).
#[allow(clippy::too_many_arguments)]
pub fn refund(
    key: &ExpandedKey,
    nonce: &Nonce,
    payment_id: &PaymentId,
    keys: RefundKeys,
    amount_msat: u64,
    description: impl Into<String>,
    configure: impl FnOnce(RefundBuilder) -> RefundBuilder,
    sign: Option<&dyn Signer>,
) -> Result<StatelessRefund, StatelessBuildError> {
    let encrypted = derivation::encrypt_payment_id(key, payment_id, nonce);
    let payer_id = match keys {
        RefundKeys::Explicit(id) => id,
        // Replaced below; excluded from the HMAC.
        RefundKeys::Derived => Point::from(
            derivation::keys_from_hmac([1; 32])
                .ok_or(StatelessBuildError::DerivedKeyOutOfRange)?
                .public_key(),
        ),
    };
    let mut builder = configure(RefundBuilder::new(
        vec![0],
        payer_id,
        amount_msat,
        description,
    ));
    builder.tlvs.invreq_metadata = None;
    builder.tlvs.signature = None;
    let unsigned = builder.tlvs.encode().map_err(BuildError::from)?;
    let mut derived = None;
    match keys {
        RefundKeys::Explicit(_) => {
            let hmac = derivation::message_hmac(
                key,
                IV_REFUND_WITH_METADATA,
                nonce,
                derivation::records(&unsigned, is_invreq_type),
                Output::Stored,
                Some(&encrypted),
            );
            let mut metadata = Vec::with_capacity(32 + Nonce::LEN + 32);
            metadata.extend_from_slice(&encrypted);
            metadata.extend_from_slice(&nonce.0);
            metadata.extend_from_slice(&hmac);
            builder.tlvs.invreq_metadata = Some(metadata);
        }
        RefundKeys::Derived => {
            let hmac = derivation::message_hmac(
                key,
                IV_REFUND_DERIVED_KEY,
                nonce,
                derivation::records(&unsigned, |t| {
                    is_invreq_type(t) && t != INVREQ_PAYER_ID_TYPE && t != INVREQ_METADATA_TYPE
                }),
                Output::SigningKey,
                Some(&encrypted),
            );
            let keypair = derivation::keys_from_hmac(hmac)
                .ok_or(StatelessBuildError::DerivedKeyOutOfRange)?;
            builder.tlvs.invreq_payer_id = Some(keypair.public_key().into());
            builder.tlvs.invreq_metadata = Some(encrypted.to_vec());
            derived = Some(keypair);
        }
    }
    let mut out = StatelessRefund {
        refund: builder.clone().build()?,
        derived,
    };
    if let Some(k) = sign {
        let signer: &dyn Signer = match &out.derived {
            Some(derived) => derived,
            None => k,
        };
        out.refund = builder.build_and_sign(signer)?;
    }
    Ok(out)
}

/// Recognises `invoice` as answering a refund built by [`refund`] with `key`, and returns
/// the payment id. `nonce: None`: [`RefundKeys::Explicit`], the nonce is in the metadata
/// (LDK `verify_using_metadata`); `Some(n)`: [`RefundKeys::Derived`], `n` came back in the
/// context of the path the invoice arrived on. The records hashed are the invoice's
/// invoice-request records, which it copies verbatim: any change to them fails.
pub fn verify_invoice(
    key: &ExpandedKey,
    invoice: &Invoice,
    nonce: Option<&Nonce>,
) -> Result<PaymentId, VerifyError> {
    verify_invoice_with_ivs(
        key,
        invoice,
        nonce,
        IV_REFUND_DERIVED_KEY,
        IV_REFUND_WITH_METADATA,
    )
}
