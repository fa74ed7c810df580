//! Writers for offers, invoice requests and invoices, enforcing the BOLT 12 writer
//! requirements, and the checks a payer makes on an invoice against its request.
//!
//! Every builder finishes by encoding and then parsing its own output with the reader
//! (`from_bytes`), so nothing a builder returns could be refused by our own reader.
use curve::Signer;
use thiserror::Error;
use wire::{ChainHash, Point, Sha256, TlvStreamReader};

use crate::checks;
use crate::error::{ParseError, SemanticError};
use crate::invoice::{self, Invoice};
use crate::invoice_request::{self, InvoiceRequest};
use crate::merkle;
use crate::offer::{Amount, Offer};
use crate::tlv::{
    BlindedPath, BlindedPayinfo, FallbackAddress, InvoiceRequestTlvs, InvoiceTlvs,
    InvreqBip353Name, OfferTlvs,
};

/// Why a builder refused to build.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BuildError {
    /// A value does not fit its wire encoding.
    #[error("{0}")]
    Encode(#[from] wire::EncodeError),
    /// The result would break a reader requirement.
    #[error("{0}")]
    Invalid(#[from] ParseError),
    /// `offer_currency` must be an ISO 4217 three-letter code. The code is shown escaped
    /// by `str::escape_default` (non-ASCII as `\u{..}`), not `{:?}` (char's Unicode tables).
    #[error("offer_currency: \"{}\" is not an ISO 4217 three-letter code", .0.escape_default())]
    InvalidCurrency(String),
    /// The signing key is not the key the message names.
    #[error("signing key does not match {0}")]
    WrongSigningKey(&'static str),
    /// The offer has expired (`offer_absolute_expiry` before now): MUST NOT respond.
    #[error("offer expired at {expiry}, now is {now}")]
    OfferExpired {
        /// `offer_absolute_expiry`.
        expiry: u64,
        /// The time given.
        now: u64,
    },
    /// The chain is not one the offer is valid for.
    #[error("invreq_chain: not one of the offer's chains")]
    UnsupportedChain,
    /// The invoice amount cannot be derived (no `invreq_amount` and the offer is priced in
    /// a currency): give it explicitly.
    #[error("invoice_amount: cannot be derived from the request; set it explicitly")]
    AmountNeeded,
    /// The invoice node id cannot be derived (the offer has no `offer_issuer_id`): give the
    /// final `blinded_node_id` of the path the request arrived on.
    #[error("invoice_node_id: the offer has no offer_issuer_id; set it explicitly")]
    NodeIdNeeded,
    /// `invoice_paths` MUST hold one or more paths.
    #[error("invoice_paths: at least one path is required")]
    NoPaths,
    /// The refund has expired (`offer_absolute_expiry` before the invoice's
    /// `invoice_created_at`): a refund's expiry is set "as it would for an offer", and one
    /// MUST NOT respond to an expired offer.
    #[error("refund expired at {expiry}, invoice created at {created_at}")]
    RefundExpired {
        /// `offer_absolute_expiry`.
        expiry: u64,
        /// `invoice_created_at`.
        created_at: u64,
    },
    /// `invreq_metadata` MUST be "an unpredictable series of bytes": not empty.
    #[error("invreq_metadata: must not be empty")]
    EmptyMetadata,
}

/// Setters of the fields an offer's, a request's and a refund's builders share, for a
/// builder whose `tlvs` has them (`OfferTlvs` or `InvoiceRequestTlvs`).
macro_rules! offer_field_setters {
    () => {
        /// `offer_issuer`.
        pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
            self.tlvs.offer_issuer = Some(issuer.into());
            self
        }
        /// `offer_absolute_expiry`, seconds since the epoch.
        pub fn absolute_expiry(mut self, seconds_from_epoch: u64) -> Self {
            self.tlvs.offer_absolute_expiry = Some(seconds_from_epoch);
            self
        }
    };
}
pub(crate) use offer_field_setters;

/// Setters of the `invreq_*` fields written alike for a request answering an offer and a
/// refund (§"Requirements for Invoice Requests", writer).
macro_rules! invreq_field_setters {
    () => {
        /// `invreq_chain`; omitted for bitcoin ("if the chain for the invoice is not solely
        /// bitcoin: MUST specify `invreq_chain`"; writers SHOULD omit it otherwise).
        pub fn chain(mut self, chain: ChainHash) -> Self {
            self.tlvs.invreq_chain = (chain != ChainHash::BITCOIN).then_some(chain);
            self
        }
        /// `invreq_quantity` (for a refund, informational: the quantity refunded).
        pub fn quantity(mut self, quantity: u64) -> Self {
            self.tlvs.invreq_quantity = Some(quantity);
            self
        }
        /// `invreq_payer_note`.
        pub fn payer_note(mut self, note: impl Into<String>) -> Self {
            self.tlvs.invreq_payer_note = Some(note.into());
            self
        }
        /// `invreq_paths` (for a refund, "as it would set (or not set) `offer_paths` for an
        /// offer").
        pub fn paths(mut self, paths: Vec<BlindedPath>) -> Self {
            self.tlvs.invreq_paths = Some(paths);
            self
        }
        /// `invreq_features`.
        pub fn features(mut self, features: Vec<u8>) -> Self {
            self.tlvs.invreq_features = Some(features);
            self
        }
    };
}
pub(crate) use invreq_field_setters;

/// Builds an offer. `build` checks the writer and reader requirements of §Offers.
#[derive(Debug, Clone, Default)]
pub struct OfferBuilder {
    tlvs: OfferTlvs,
}

impl OfferBuilder {
    /// An empty offer: set at least an issuer id or paths.
    pub fn new() -> Self {
        Self::default()
    }
    /// `offer_description`.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.tlvs.offer_description = Some(description.into());
        self
    }
    /// `offer_amount` in millisatoshi (no `offer_currency`).
    pub fn amount_msat(mut self, msat: u64) -> Self {
        self.tlvs.offer_amount = Some(msat);
        self.tlvs.offer_currency = None;
        self
    }
    /// `offer_amount` in the minor unit of ISO 4217 currency `iso4217`.
    pub fn amount_currency(mut self, iso4217: impl Into<String>, amount: u64) -> Self {
        self.tlvs.offer_amount = Some(amount);
        self.tlvs.offer_currency = Some(iso4217.into());
        self
    }
    /// `offer_issuer_id`.
    pub fn issuer_id(mut self, id: impl Into<Point>) -> Self {
        self.tlvs.offer_issuer_id = Some(id.into());
        self
    }
    /// `offer_quantity_max` (0: any quantity).
    pub fn quantity_max(mut self, max: u64) -> Self {
        self.tlvs.offer_quantity_max = Some(max);
        self
    }
    offer_field_setters!();
    /// `offer_chains`. Bitcoin alone is written by omitting the field, as writers SHOULD.
    pub fn chains(mut self, chains: Vec<ChainHash>) -> Self {
        self.tlvs.offer_chains = (chains != [ChainHash::BITCOIN]).then_some(chains);
        self
    }
    /// `offer_metadata`.
    pub fn metadata(mut self, data: Vec<u8>) -> Self {
        self.tlvs.offer_metadata = Some(data);
        self
    }
    /// `offer_paths`.
    pub fn paths(mut self, paths: Vec<BlindedPath>) -> Self {
        self.tlvs.offer_paths = Some(paths);
        self
    }
    /// `offer_features`.
    pub fn features(mut self, features: Vec<u8>) -> Self {
        self.tlvs.offer_features = Some(features);
        self
    }
    /// The fields so far.
    pub fn tlvs(&self) -> &OfferTlvs {
        &self.tlvs
    }
    /// Checks and encodes.
    pub fn build(self) -> Result<Offer, BuildError> {
        if let Some(c) = &self.tlvs.offer_currency {
            if c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(BuildError::InvalidCurrency(c.clone()));
            }
        }
        Offer::from_tlvs(&self.tlvs)
    }
}

/// The records of `stream` whose type satisfies `keep`, re-encoded verbatim.
fn filtered(stream: &[u8], keep: impl Fn(u64) -> bool) -> Vec<u8> {
    TlvStreamReader::new(stream, "copy")
        .map_while(Result::ok)
        .filter(|r| keep(r.tlv_type))
        .flat_map(|r| r.bytes.iter().copied())
        .collect()
}

/// Builds an invoice request answering an offer (§"Requirements for Invoice Requests",
/// writer, "if it is responding to an offer").
#[derive(Debug, Clone)]
pub struct InvoiceRequestBuilder<'a> {
    offer: &'a Offer,
    tlvs: InvoiceRequestTlvs,
}

impl<'a> InvoiceRequestBuilder<'a> {
    /// Copies every offer field (unknown ones included) and sets `invreq_metadata`, which
    /// MUST be unpredictable, and the transient `invreq_payer_id`.
    pub fn new(
        offer: &'a Offer,
        metadata: Vec<u8>,
        payer_id: impl Into<Point>,
    ) -> Result<Self, BuildError> {
        let mut tlvs = InvoiceRequestTlvs::decode(offer.as_bytes()).map_err(ParseError::from)?;
        tlvs.invreq_metadata = Some(metadata);
        tlvs.invreq_payer_id = Some(payer_id.into());
        if offer.quantity_max().is_some() {
            tlvs.invreq_quantity = Some(1);
        }
        Ok(InvoiceRequestBuilder { offer, tlvs })
    }
    invreq_field_setters!();
    /// `invreq_amount` in millisatoshi.
    pub fn amount_msat(mut self, msat: u64) -> Self {
        self.tlvs.invreq_amount = Some(msat);
        self
    }
    /// `invreq_bip_353_name`, when the offer was found through BIP 353.
    pub fn bip_353_name(mut self, name: impl Into<Vec<u8>>, domain: impl Into<Vec<u8>>) -> Self {
        self.tlvs.invreq_bip_353_name = Some(InvreqBip353Name {
            name: name.into(),
            domain: domain.into(),
        });
        self
    }
    /// Checks the writer rules at time `now` (seconds since the epoch), signs with
    /// `keypair` (whose public key MUST be `invreq_payer_id`) and returns the request.
    pub fn build_and_sign(
        mut self,
        keypair: &(impl Signer + ?Sized),
        now: u64,
    ) -> Result<InvoiceRequest, BuildError> {
        if let Some(expiry) = self.offer.absolute_expiry().filter(|e| now > *e) {
            return Err(BuildError::OfferExpired { expiry, now });
        }
        if Some(Point::from(keypair.public_key())) != self.tlvs.invreq_payer_id {
            return Err(BuildError::WrongSigningKey("invreq_payer_id"));
        }
        let chain = self.tlvs.invreq_chain.unwrap_or(ChainHash::BITCOIN);
        if !self.offer.supports_chain(&chain) {
            return Err(BuildError::UnsupportedChain);
        }
        sign_stream(&mut self.tlvs, keypair)
    }
}

fn sign_stream(
    tlvs: &mut InvoiceRequestTlvs,
    keypair: &(impl Signer + ?Sized),
) -> Result<InvoiceRequest, BuildError> {
    Ok(InvoiceRequest::from_bytes(signed_invreq(tlvs, keypair)?)?)
}

/// Encodes `tlvs` signed by `keypair` (BOLT 12 §"Signature Calculation", message
/// `invoice_request`): a request's and a refund's signature alike.
pub(crate) fn signed_invreq(
    tlvs: &mut InvoiceRequestTlvs,
    keypair: &(impl Signer + ?Sized),
) -> Result<Vec<u8>, BuildError> {
    tlvs.signature = None;
    let unsigned = tlvs.encode()?;
    let root = merkle::root(&unsigned)
        .map_err(ParseError::from)?
        .ok_or(ParseError::from(SemanticError::Missing("invreq_metadata")))?;
    tlvs.signature = Some(merkle::sign(
        invoice_request::MESSAGE_NAME,
        "signature",
        &root,
        keypair,
    ));
    Ok(tlvs.encode()?)
}

/// Builds an invoice answering an invoice request (§Invoices, writer).
#[derive(Debug, Clone)]
pub struct InvoiceBuilder {
    tlvs: InvoiceTlvs,
}

impl InvoiceBuilder {
    /// Copies every non-signature field of `request` (unknown ones included) and sets
    /// `invoice_created_at`, `invoice_payment_hash`, `invoice_paths` with one
    /// `blinded_payinfo` each, `invoice_amount` (`invreq_amount`, else the expected amount)
    /// and `invoice_node_id` (`offer_issuer_id`, when present).
    pub fn for_request(
        request: &InvoiceRequest,
        created_at: u64,
        payment_hash: Sha256,
        paths: Vec<(BlindedPath, BlindedPayinfo)>,
    ) -> Result<Self, BuildError> {
        let mut tlvs = Self::copy_request(request.as_bytes(), created_at, payment_hash, paths)?;
        tlvs.invoice_amount = request.expected_amount_msat();
        tlvs.invoice_node_id = request.tlvs().offer_issuer_id;
        Ok(InvoiceBuilder { tlvs })
    }

    /// An invoice answering a refund (an invoice request without an offer; BOLT 12
    /// §Invoices, writer, "if the invoice is in response to an `invoice_request`"): copies
    /// every non-signature field of `refund` (unknown ones included), sets
    /// `invoice_amount` to `invreq_amount`, `invoice_created_at`, `invoice_payment_hash`,
    /// `invoice_paths` with one `blinded_payinfo` each, and `invoice_node_id` to `node_id`,
    /// the (possibly transient) key the payee signs with: with no offer, BOLT 12 leaves it
    /// to the payee, and the payer "MAY reject the invoice if it cannot confirm that
    /// `invoice_node_id` is correct, out-of-band".
    pub fn for_refund(
        refund: &crate::Refund,
        created_at: u64,
        payment_hash: Sha256,
        paths: Vec<(BlindedPath, BlindedPayinfo)>,
        node_id: impl Into<Point>,
    ) -> Result<Self, BuildError> {
        if let Some(expiry) = refund.absolute_expiry().filter(|e| created_at > *e) {
            return Err(BuildError::RefundExpired { expiry, created_at });
        }
        let mut tlvs = Self::copy_request(refund.as_bytes(), created_at, payment_hash, paths)?;
        tlvs.invoice_amount = Some(refund.amount_msat());
        tlvs.invoice_node_id = Some(node_id.into());
        Ok(InvoiceBuilder { tlvs })
    }

    fn copy_request(
        request: &[u8],
        created_at: u64,
        payment_hash: Sha256,
        paths: Vec<(BlindedPath, BlindedPayinfo)>,
    ) -> Result<InvoiceTlvs, BuildError> {
        if paths.is_empty() {
            return Err(BuildError::NoPaths);
        }
        let copied = filtered(request, |t| !merkle::is_signature_type(t));
        let mut tlvs = InvoiceTlvs::decode(&copied).map_err(ParseError::from)?;
        tlvs.invoice_created_at = Some(created_at);
        tlvs.invoice_payment_hash = Some(payment_hash);
        let (p, info): (Vec<_>, Vec<_>) = paths.into_iter().unzip();
        tlvs.invoice_paths = Some(p);
        tlvs.invoice_blindedpay = Some(info);
        Ok(tlvs)
    }
    /// `invoice_amount`, for requests whose amount cannot be derived (currency offers).
    pub fn amount_msat(mut self, msat: u64) -> Self {
        self.tlvs.invoice_amount = Some(msat);
        self
    }
    /// `invoice_node_id`: for offers without `offer_issuer_id`, the final `blinded_node_id`
    /// of the path the request arrived on.
    pub fn node_id(mut self, node_id: impl Into<Point>) -> Self {
        self.tlvs.invoice_node_id = Some(node_id.into());
        self
    }
    /// `invoice_relative_expiry` (omit for the default 7200 seconds).
    pub fn relative_expiry(mut self, seconds: u32) -> Self {
        self.tlvs.invoice_relative_expiry =
            (u64::from(seconds) != invoice::DEFAULT_RELATIVE_EXPIRY).then_some(seconds);
        self
    }
    /// `invoice_fallbacks`, most preferred first.
    pub fn fallbacks(mut self, fallbacks: Vec<FallbackAddress>) -> Self {
        self.tlvs.invoice_fallbacks = Some(fallbacks);
        self
    }
    /// `invoice_features`.
    pub fn features(mut self, features: Vec<u8>) -> Self {
        self.tlvs.invoice_features = Some(features);
        self
    }
    /// Signs with `keypair`, whose public key MUST be `invoice_node_id`.
    pub fn build_and_sign(
        mut self,
        keypair: &(impl Signer + ?Sized),
    ) -> Result<Invoice, BuildError> {
        if self.tlvs.invoice_amount.is_none() {
            return Err(BuildError::AmountNeeded);
        }
        let node_id = self.tlvs.invoice_node_id.ok_or(BuildError::NodeIdNeeded)?;
        if Point::from(keypair.public_key()) != node_id {
            return Err(BuildError::WrongSigningKey("invoice_node_id"));
        }
        self.tlvs.signature = None;
        let unsigned = self.tlvs.encode()?;
        let root = merkle::root(&unsigned)
            .map_err(ParseError::from)?
            .ok_or(BuildError::NoPaths)?;
        self.tlvs.signature = Some(merkle::sign(
            invoice::MESSAGE_NAME,
            "signature",
            &root,
            keypair,
        ));
        Ok(Invoice::from_bytes(self.tlvs.encode()?)?)
    }
}

/// Why a payer refuses an invoice received for its request (§Invoices, reader).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PayerCheckError {
    /// A field in 0-159 or 1000000000-2999999999 differs from the request.
    #[error("field {tlv_type} differs from the invoice request")]
    FieldMismatch {
        /// First differing type (or the type present on one side only).
        tlv_type: u64,
    },
    /// `invoice_node_id` is not `offer_issuer_id`, nor the final node of an offer path.
    #[error("invoice_node_id does not match the offer")]
    NodeIdMismatch,
    /// `invoice_amount` is above what the offer price authorises.
    #[error("invoice_amount {invoice} exceeds the expected {expected} msat")]
    AmountAboveExpected {
        /// Invoice amount.
        invoice: u64,
        /// Offer amount × quantity.
        expected: u64,
    },
    /// The invoice has expired.
    #[error("invoice expired at {expires_at}, now is {now}")]
    Expired {
        /// `invoice_created_at` + relative expiry.
        expires_at: u64,
        /// The time given.
        now: u64,
    },
    /// The invoice's chain is not one the payer supports.
    #[error("invreq_chain is not a supported chain")]
    UnsupportedChain,
}

impl Invoice {
    /// The checks a payer makes on an invoice received for `request` at time `now`,
    /// accepting payment on `chains`.
    pub fn check_against_request(
        &self,
        request: &InvoiceRequest,
        now: u64,
        chains: &[ChainHash],
    ) -> Result<(), PayerCheckError> {
        self.check_mirrored(request.as_bytes())?;
        if !chains.contains(&self.chain()) {
            return Err(PayerCheckError::UnsupportedChain);
        }
        let t = request.tlvs();
        let node_ok = match (&t.offer_issuer_id, &t.offer_paths) {
            (Some(id), _) => *id == self.node_id(),
            (None, Some(_)) => {
                crate::offer::signing_keys(&None, &t.offer_paths).contains(&self.node_id())
            }
            (None, None) => true, // Not from an offer: confirmed out of band, if at all.
        };
        if !node_ok {
            return Err(PayerCheckError::NodeIdMismatch);
        }
        // `invoice_amount` = `invreq_amount` is a reader rule, checked by `Invoice::from_bytes`.
        let invoice = self.amount_msat();
        if t.invreq_amount.is_none() {
            if let Some(Amount::Msat(per_item)) =
                crate::offer::amount_of(t.offer_amount, &t.offer_currency)
            {
                let expected = per_item.saturating_mul(t.invreq_quantity.unwrap_or(1));
                if invoice > expected {
                    return Err(PayerCheckError::AmountAboveExpected { invoice, expected });
                }
            }
        }
        if self.is_expired_at(now) {
            return Err(PayerCheckError::Expired {
                expires_at: self.expires_at(),
                now,
            });
        }
        Ok(())
    }

    /// "MUST reject the invoice if all fields in ranges 0 to 159 and 1000000000 to
    /// 2999999999 (inclusive) do not exactly match the invoice request" (§Invoices, reader).
    pub(crate) fn check_mirrored(&self, request: &[u8]) -> Result<(), PayerCheckError> {
        let mirrored = |t: u64| checks::is_invreq_type(t);
        let ours: Vec<_> = TlvStreamReader::new(request, "r")
            .map_while(Result::ok)
            .filter(|r| mirrored(r.tlv_type))
            .collect();
        let theirs: Vec<_> = TlvStreamReader::new(self.as_bytes(), "i")
            .map_while(Result::ok)
            .filter(|r| mirrored(r.tlv_type))
            .collect();
        for i in 0..ours.len().max(theirs.len()) {
            match (ours.get(i), theirs.get(i)) {
                (Some(a), Some(b)) if a.bytes == b.bytes => {}
                (a, b) => {
                    let tlv_type = a
                        .map(|r| r.tlv_type)
                        .into_iter()
                        .chain(b.map(|r| r.tlv_type))
                        .min()
                        .unwrap_or_default();
                    return Err(PayerCheckError::FieldMismatch { tlv_type });
                }
            }
        }
        Ok(())
    }
}
