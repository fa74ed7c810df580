//! The issuer side: offers with derived metadata or keys (LDK 0.2.7
//! `OfferBuilder::deriving_signing_pubkey`), recognising invoice requests for them without
//! storage (`InvoiceRequest::verify_using_metadata` / `verify_using_recipient_data`), and
//! answering with an invoice signed by the derived key whose payment hash is derived
//! statelessly ([`super::payment`]).
use curve::{Keys, Signer};
use wire::{Point, Sha256};

use super::derivation::{
    self, is_offer_type, Output, IV_OFFER_DERIVED_KEY, IV_OFFER_WITH_METADATA,
    OFFER_ISSUER_ID_TYPE, OFFER_METADATA_TYPE,
};
use super::keys::{ExpandedKey, Nonce};
use super::payment::{self, PaymentSecret};
use super::{StatelessBuildError, VerifyError};
use crate::tlv::{BlindedPath, BlindedPayinfo};
use crate::{Invoice, InvoiceBuilder, InvoiceRequest, Offer, OfferBuilder, OfferId};

/// Which key an offer names as `offer_issuer_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssuerKeys {
    /// `offer_issuer_id` is our node id; `offer_metadata = nonce ‖ HMAC` (IV
    /// `"LDK Offer ~~~~~~"`, records: every offer record but `offer_metadata`, tag `[1; 16]`).
    /// Invoices are signed with the node key.
    Explicit {
        /// The node id to name as `offer_issuer_id`.
        node_id: Point,
    },
    /// `offer_issuer_id` is the public key of the HMAC (IV `"LDK Offer v2~~~~"`, records:
    /// every offer record but `offer_metadata` and `offer_issuer_id`, tag `[2; 16]`); no
    /// `offer_metadata`. The nonce must reach us in the context of the blinded path the
    /// request arrives on, so the offer should carry `offer_paths`.
    Derived,
}

impl IssuerKeys {
    /// LDK's choice in `OfferBuilder::deriving_signing_pubkey`: derived when the offer has
    /// paths (the issuer is reached through them), else the node id with metadata.
    pub fn like_ldk(builder: &OfferBuilder, node_id: Point) -> Self {
        if builder.tlvs().offer_paths.is_some() {
            IssuerKeys::Derived
        } else {
            IssuerKeys::Explicit { node_id }
        }
    }
}

/// Builds the offer of `builder` so that requests for it can be recognised with `key`.
/// `nonce` must be fresh for each offer.
pub fn create_offer(
    key: &ExpandedKey,
    nonce: &Nonce,
    builder: OfferBuilder,
    keys: IssuerKeys,
) -> Result<Offer, StatelessBuildError> {
    if builder.tlvs().offer_metadata.is_some() {
        return Err(StatelessBuildError::MetadataAlreadySet);
    }
    match keys {
        IssuerKeys::Explicit { node_id } => {
            let builder = builder.issuer_id(node_id);
            let bytes = builder.tlvs().encode().map_err(crate::BuildError::from)?;
            let hmac = derivation::message_hmac(
                key,
                IV_OFFER_WITH_METADATA,
                nonce,
                derivation::records(&bytes, |t| is_offer_type(t) && t != OFFER_METADATA_TYPE),
                Output::Stored,
                None,
            );
            let mut metadata = Vec::with_capacity(Nonce::LEN + 32);
            metadata.extend_from_slice(&nonce.0);
            metadata.extend_from_slice(&hmac);
            Ok(builder.metadata(metadata).build()?)
        }
        IssuerKeys::Derived => {
            let issuer_id = derived_issuer_keys(key, nonce, &builder)?.public_key();
            Ok(builder.issuer_id(issuer_id).build()?)
        }
    }
}

fn derived_issuer_keys(
    key: &ExpandedKey,
    nonce: &Nonce,
    builder: &OfferBuilder,
) -> Result<Keys, StatelessBuildError> {
    let bytes = builder.tlvs().encode().map_err(crate::BuildError::from)?;
    let hmac = derivation::message_hmac(
        key,
        IV_OFFER_DERIVED_KEY,
        nonce,
        derivation::records(&bytes, derived_offer_record),
        Output::SigningKey,
        None,
    );
    derivation::keys_from_hmac(hmac).ok_or(StatelessBuildError::DerivedKeyOutOfRange)
}

fn derived_offer_record(t: u64) -> bool {
    is_offer_type(t) && t != OFFER_METADATA_TYPE && t != OFFER_ISSUER_ID_TYPE
}

/// How a recognised request's offer names its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestKeys {
    /// The offer carries `offer_metadata`; invoices are signed with the node key.
    Explicit,
    /// The offer's issuer key is derived; these are its keys (erased when dropped).
    Derived(Keys),
}

/// An invoice request recognised as answering one of our offers.
#[derive(Debug, Clone)]
pub struct VerifiedRequest<'a> {
    request: &'a InvoiceRequest,
    keys: RequestKeys,
}

impl<'a> VerifiedRequest<'a> {
    /// The request.
    pub fn request(&self) -> &'a InvoiceRequest {
        self.request
    }
    /// How the offer names its key, with the derived keypair if it is derived.
    pub fn keys(&self) -> &RequestKeys {
        &self.keys
    }
    /// `"derived"` or `"explicit"`.
    pub fn keys_kind(&self) -> &'static str {
        match self.keys {
            RequestKeys::Explicit => "explicit",
            RequestKeys::Derived(_) => "derived",
        }
    }
    /// The `offer_id` of the offer the request answers (computed on demand: recognition
    /// itself does not need it).
    pub fn offer_id(&self) -> Option<OfferId> {
        self.request.offer_id()
    }
}

/// Recognises `request` as answering an offer created by [`create_offer`] with `key`.
///
/// - `nonce: None`: the offer carried `offer_metadata` (LDK `verify_using_metadata`). The
///   metadata's first 16 bytes are the nonce; 48 bytes are nonce ‖ HMAC (IV
///   `"LDK Offer ~~~~~~"`), and exactly 16 bytes mean a derived key.
/// - `nonce: Some(n)`: the offer's key is derived and `n` came from the blinded path's
///   context (LDK `verify_using_recipient_data`, IV `"LDK Offer v2~~~~"`).
///
/// With a nonce, a request whose offer carries `offer_metadata` is refused
/// ([`VerifyError::UnexpectedMetadata`]): our derived offers have none.
///
/// The HMAC (or the derived public key) is compared in constant time. Any change to an offer
/// record (known or unknown), a foreign offer or another key fails.
pub fn verify_request<'a>(
    key: &ExpandedKey,
    request: &'a InvoiceRequest,
    nonce: Option<&Nonce>,
) -> Result<VerifiedRequest<'a>, VerifyError> {
    if !request.answers_offer() {
        return Err(VerifyError::NotForOffer);
    }
    let issuer_id = request
        .tlvs()
        .offer_issuer_id
        .ok_or(VerifyError::MissingIssuerId)?;
    let bytes = request.as_bytes();
    let (metadata, iv): (&[u8], _) = match nonce {
        // Derived offers carry no `offer_metadata` (LDK never writes one). LDK leaves record
        // 4 out of the HMAC and so would accept one added later; we refuse it, so that
        // every offer field is covered.
        Some(_) if request.tlvs().offer_metadata.is_some() => {
            return Err(VerifyError::UnexpectedMetadata)
        }
        Some(n) => (&n.0, IV_OFFER_DERIVED_KEY),
        None => (
            request
                .tlvs()
                .offer_metadata
                .as_deref()
                .ok_or(VerifyError::MissingMetadata("offer_metadata"))?,
            IV_OFFER_WITH_METADATA,
        ),
    };
    let derived = derivation::derives_key(metadata);
    let records = derivation::records(bytes, move |t| {
        is_offer_type(t) && t != OFFER_METADATA_TYPE && !(derived && t == OFFER_ISSUER_ID_TYPE)
    });
    let field = if nonce.is_some() {
        "nonce"
    } else {
        "offer_metadata"
    };
    let keys = derivation::verify(key, iv, metadata, records, &issuer_id, None)
        .map_err(|mismatch| VerifyError::Mismatch { field, mismatch })?;
    Ok(VerifiedRequest {
        request,
        keys: keys.map_or(RequestKeys::Explicit, RequestKeys::Derived),
    })
}

/// Default `invoice_relative_expiry` of stateless invoices: ten minutes. A payer pays right
/// after receiving the invoice; a short window bounds how long a payment secret that we keep
/// no record of can be used.
pub const DEFAULT_RELATIVE_EXPIRY: u32 = 600;

/// What an invoice answering a recognised request needs beyond the request.
#[derive(Debug, Clone)]
pub struct InvoiceParams {
    /// `invoice_created_at`, seconds since the epoch.
    pub created_at: u64,
    /// `invoice_relative_expiry` in seconds (see [`DEFAULT_RELATIVE_EXPIRY`]).
    pub relative_expiry: u32,
    /// `invoice_paths` with their `invoice_blindedpay`.
    pub paths: Vec<(BlindedPath, BlindedPayinfo)>,
    /// Fresh random IV of the payment secret ([`payment::create`]).
    pub payment_iv: [u8; 16],
    /// `invoice_amount`, when the request does not fix it (currency offers).
    pub amount_msat: Option<u64>,
}

/// An invoice and the payment secret its payment hash was derived with. The secret goes into
/// the recipient data of our blinded payment paths (not built here), and comes back with the
/// payment: [`payment::claim`] then recomputes the preimage.
#[derive(Debug, Clone)]
pub struct StatelessInvoice {
    /// The signed invoice.
    pub invoice: Invoice,
    /// The payment secret (IV ‖ encrypted amount and expiry).
    pub payment_secret: PaymentSecret,
    /// `invoice_payment_hash`.
    pub payment_hash: Sha256,
}

/// Answers a recognised request, unless the offer expired before `params.created_at`
/// (whether the request arrived over one of `offer_paths` is the caller's to check: the
/// onion layer knows the path). The invoice is signed with the derived key, or for an
/// explicit-metadata offer with `node_key` (whose public key must be `offer_issuer_id`). The
/// payment hash is `SHA256(HMAC-SHA256(payment_hash_key, iv ‖ metadata))` with metadata =
/// the invoice amount as the minimum and `created_at + relative_expiry + 7200` as the expiry
/// (see [`payment`]).
pub fn respond(
    key: &ExpandedKey,
    verified: &VerifiedRequest<'_>,
    node_key: Option<&dyn Signer>,
    params: InvoiceParams,
) -> Result<StatelessInvoice, StatelessBuildError> {
    let request = verified.request;
    // §"Invoice Requests", reader: "MUST reject the invoice request if the offer fields do
    // not exactly match a valid, unexpired offer" (recognition did the matching).
    if let Some(expiry) = request
        .tlvs()
        .offer_absolute_expiry
        .filter(|e| params.created_at > *e)
    {
        return Err(crate::BuildError::OfferExpired {
            expiry,
            now: params.created_at,
        }
        .into());
    }
    let amount = params
        .amount_msat
        .or_else(|| request.expected_amount_msat())
        .ok_or(crate::BuildError::AmountNeeded)?;
    let (payment_hash, payment_secret) = payment::create(
        key,
        Some(amount),
        params.relative_expiry,
        &params.payment_iv,
        params.created_at,
    )?;
    let builder =
        InvoiceBuilder::for_request(request, params.created_at, payment_hash, params.paths)?
            .amount_msat(amount)
            .relative_expiry(params.relative_expiry);
    let signer: &dyn Signer = match (&verified.keys, node_key) {
        (RequestKeys::Derived(keys), _) => keys,
        (RequestKeys::Explicit, Some(node)) => node,
        (RequestKeys::Explicit, None) => return Err(crate::BuildError::NodeIdNeeded.into()),
    };
    // `for_request` set `invoice_node_id` to `offer_issuer_id`, which recognition required;
    // `build_and_sign` refuses a signer with another public key.
    let invoice = builder.build_and_sign(signer)?;
    Ok(StatelessInvoice {
        invoice,
        payment_secret,
        payment_hash,
    })
}
