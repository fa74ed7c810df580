//! The payer side: invoice requests whose `invreq_metadata` carries the encrypted payment id
//! (LDK 0.2.7 `InvoiceRequestBuilder::deriving_signing_pubkey`), and recognising invoices as
//! answering them, recovering the payment id without storage (LDK
//! `Bolt12Invoice::verify_using_payer_data` / `verify_using_metadata`).
use curve::{Keypair, Keys, Signer};
use wire::Bip340Sig;

use super::derivation::{
    self, is_invreq_type, Output, INVREQ_METADATA_TYPE, INVREQ_PAYER_ID_TYPE, IV_INVOICE_REQUEST,
};
use super::keys::{ExpandedKey, Nonce, PaymentId};
use super::{StatelessBuildError, VerifyError};
use crate::error::{ParseError, SemanticError};
use crate::{invoice_request, merkle, BuildError};
use crate::{Invoice, InvoiceRequest, InvoiceRequestBuilder, Offer};

/// Which key signs an invoice request.
#[derive(Debug, Clone, Copy)]
pub enum PayerKeys<'k> {
    /// `invreq_payer_id` is the public key of the HMAC (IV `"LDK Invreq ~~~~~"`, records:
    /// every invoice request record but `invreq_metadata` and `invreq_payer_id`, tag
    /// `[2; 16]`, then `[4; 16]` ‖ encrypted payment id); `invreq_metadata` is the encrypted
    /// payment id alone (32 bytes). The nonce must come back in the context of the reply path
    /// the invoice arrives on. This is the only layout LDK 0.2.7 builds.
    Derived,
    /// `invreq_payer_id` is this key; `invreq_metadata` = encrypted payment id ‖ nonce ‖ HMAC
    /// (80 bytes; records: every record but `invreq_metadata`, tag `[1; 16]`, then
    /// `[4; 16]` ‖ encrypted payment id).
    Explicit(&'k Keypair),
}

/// A fixed throwaway key for the first pass of [`request_invoice`]; its signature is
/// discarded.
fn placeholder_keys() -> Option<Keys> {
    derivation::keys_from_hmac([1; 32])
}

/// Builds a request for `offer` that [`verify_invoice`] will recognise with `key`.
///
/// `configure` sets the optional fields on the builder (amount, quantity, note, paths,
/// chain...). The request is built twice: once through the public builder, which enforces
/// the writer requirements, then with the metadata and payer id that derive from the first
/// pass's records (which neither of them is part of), signed with BIP-340 without auxiliary
/// randomness, as LDK does, so LDK and we produce identical bytes.
pub fn request_invoice<'a>(
    key: &ExpandedKey,
    nonce: &Nonce,
    payment_id: &PaymentId,
    offer: &'a Offer,
    keys: PayerKeys<'_>,
    configure: impl FnOnce(InvoiceRequestBuilder<'a>) -> InvoiceRequestBuilder<'a>,
    now: u64,
) -> Result<InvoiceRequest, StatelessBuildError> {
    let encrypted = derivation::encrypt_payment_id(key, payment_id, nonce);
    let (first_key, placeholder_metadata) = match keys {
        PayerKeys::Derived => (
            placeholder_keys().ok_or(StatelessBuildError::DerivedKeyOutOfRange)?,
            encrypted.to_vec(),
        ),
        PayerKeys::Explicit(k) => (Keys::from(k), vec![0; 32 + Nonce::LEN + 32]),
    };
    let builder = InvoiceRequestBuilder::new(offer, placeholder_metadata, first_key.public_key())?;
    let draft = configure(builder).build_and_sign(&first_key, now)?;
    let bytes = draft.as_bytes();
    let mut tlvs = draft.tlvs().clone();
    let signer = match keys {
        PayerKeys::Derived => {
            let hmac = derivation::message_hmac(
                key,
                IV_INVOICE_REQUEST,
                nonce,
                derivation::records(bytes, |t| {
                    is_invreq_type(t) && t != INVREQ_METADATA_TYPE && t != INVREQ_PAYER_ID_TYPE
                }),
                Output::SigningKey,
                Some(&encrypted),
            );
            let keypair = derivation::keys_from_hmac(hmac)
                .ok_or(StatelessBuildError::DerivedKeyOutOfRange)?;
            tlvs.invreq_metadata = Some(encrypted.to_vec());
            keypair
        }
        PayerKeys::Explicit(k) => {
            let hmac = derivation::message_hmac(
                key,
                IV_INVOICE_REQUEST,
                nonce,
                derivation::records(bytes, |t| is_invreq_type(t) && t != INVREQ_METADATA_TYPE),
                Output::Stored,
                Some(&encrypted),
            );
            let mut metadata = Vec::with_capacity(32 + Nonce::LEN + 32);
            metadata.extend_from_slice(&encrypted);
            metadata.extend_from_slice(&nonce.0);
            metadata.extend_from_slice(&hmac);
            tlvs.invreq_metadata = Some(metadata);
            Keys::from(k)
        }
    };
    tlvs.invreq_payer_id = Some(signer.public_key().into());
    tlvs.signature = None;
    let unsigned = tlvs.encode().map_err(BuildError::from)?;
    let root = merkle::root(&unsigned)
        .map_err(ParseError::from)
        .map_err(BuildError::from)?
        .ok_or(BuildError::Invalid(
            SemanticError::Missing("invreq_metadata").into(),
        ))?;
    let digest = merkle::signature_digest(invoice_request::MESSAGE_NAME, "signature", &root);
    let sig = signer.sign_schnorr(&digest, None);
    drop(signer);
    tlvs.signature = Some(Bip340Sig(sig.serialize()));
    let encoded = tlvs.encode().map_err(BuildError::from)?;
    Ok(InvoiceRequest::from_bytes(encoded).map_err(BuildError::from)?)
}

/// Recognises `invoice` as answering a request built by [`request_invoice`] with `key`, and
/// returns the payment id.
///
/// - `nonce: Some(n)`: derived payer key (LDK's layout); `n` came from the reply path's
///   context. `invreq_metadata` must be the 32-byte encrypted payment id, and
///   `invoice_payer_id` must be the key derived from the invoice's request records.
/// - `nonce: None`: the metadata holds encrypted payment id ‖ nonce ‖ HMAC (explicit payer
///   key), or encrypted payment id ‖ nonce (derived key; LDK `verify_using_metadata`).
///
/// The records hashed are the invoice's invoice-request records (types 0–159 and
/// 1000000000–2999999999, which the invoice copies verbatim) but `invreq_metadata`, and
/// `invreq_payer_id` when the key is derived; any change to them fails.
pub fn verify_invoice(
    key: &ExpandedKey,
    invoice: &Invoice,
    nonce: Option<&Nonce>,
) -> Result<PaymentId, VerifyError> {
    verify_invoice_with_ivs(key, invoice, nonce, IV_INVOICE_REQUEST, IV_INVOICE_REQUEST)
}

/// [`verify_invoice`] with the IVs of the two layouts: `derived_iv` when the nonce came
/// back in the path's context (`nonce: Some`), `metadata_iv` when it is in the metadata.
/// Invoice requests use one IV for both; refunds one each.
pub(super) fn verify_invoice_with_ivs(
    key: &ExpandedKey,
    invoice: &Invoice,
    nonce: Option<&Nonce>,
    derived_iv: &[u8; 16],
    metadata_iv: &[u8; 16],
) -> Result<PaymentId, VerifyError> {
    let stored = invoice
        .tlvs()
        .invreq_metadata
        .as_deref()
        .ok_or(VerifyError::MissingMetadata("invreq_metadata"))?;
    match nonce {
        Some(n) => {
            if stored.len() != 32 {
                return Err(VerifyError::Mismatch {
                    field: "invreq_metadata",
                    mismatch: derivation::Mismatch::BadLength(stored.len()),
                });
            }
            let mut metadata = stored.to_vec();
            metadata.extend_from_slice(&n.0);
            verify_payer_metadata(key, derived_iv, invoice, &metadata, "nonce")
        }
        None => verify_payer_metadata(key, metadata_iv, invoice, stored, "invreq_metadata"),
    }
}

/// LDK's `verify_using_payer_data`: the payment id and nonce both came back in the reply
/// path's context; `invreq_metadata` is not consulted.
pub fn verify_invoice_with_payer_data(
    key: &ExpandedKey,
    invoice: &Invoice,
    payment_id: &PaymentId,
    nonce: &Nonce,
) -> Result<PaymentId, VerifyError> {
    let mut metadata = derivation::encrypt_payment_id(key, payment_id, nonce).to_vec();
    metadata.extend_from_slice(&nonce.0);
    verify_payer_metadata(key, IV_INVOICE_REQUEST, invoice, &metadata, "payment_id")
}

pub(super) fn verify_payer_metadata(
    key: &ExpandedKey,
    iv: &[u8; 16],
    invoice: &Invoice,
    metadata: &[u8],
    field: &'static str,
) -> Result<PaymentId, VerifyError> {
    let mismatch = |mismatch| VerifyError::Mismatch { field, mismatch };
    let payer_id = invoice
        .tlvs()
        .invreq_payer_id
        .ok_or(VerifyError::MissingMetadata("invreq_payer_id"))?;
    let (encrypted, rest) = derivation::split_payer_metadata(metadata).map_err(mismatch)?;
    let derived = derivation::derives_key(rest);
    let records = derivation::records(invoice.as_bytes(), move |t| {
        is_invreq_type(t) && t != INVREQ_METADATA_TYPE && !(derived && t == INVREQ_PAYER_ID_TYPE)
    });
    derivation::verify(key, iv, rest, records, &payer_id, Some(&encrypted)).map_err(mismatch)?;
    let nonce =
        Nonce::from_prefix(rest).ok_or(mismatch(derivation::Mismatch::TooShort(metadata.len())))?;
    Ok(derivation::decrypt_payment_id(key, &encrypted, &nonce))
}
