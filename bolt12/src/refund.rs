//! Refunds: invoice requests that answer no offer, the merchant-pays-user flow of BOLT 12
//! (§"Overview": "The merchant publishes an *invoice_request* which includes an amount it
//! wishes to send to the user"). LDK calls them `Refund`; Core Lightning makes them with
//! `invoicerequest` and answers them with `sendinvoice`. The string form is the invoice
//! request's, `lnr`.
//!
//! # Signed or not
//!
//! BOLT 12 §"Requirements for Invoice Requests", writer, "otherwise (not responding to an
//! offer)": "MUST NOT include `signature`". LDK 0.2.7 follows it: its `Refund` has no
//! signature and its reader refuses one. Core Lightning's `invoicerequest` signs anyway, and
//! its `sendinvoice` refuses an unsigned request ("Missing signature"), applying the
//! generic reader rule "MUST reject the invoice request if `signature` is not correct".
//! [`Refund`] reads both: a signature, when present, must verify with `invreq_payer_id`
//! ([`Refund::is_signed`]). [`RefundBuilder::build`] writes the spec's unsigned form;
//! [`RefundBuilder::build_and_sign`] the form Core Lightning's `sendinvoice` takes.
//!
//! # Reader rules
//!
//! [`Refund::from_bytes`] applies the invoice request reader rules that do not depend on the
//! node (§"Requirements for Invoice Requests", reader): `invreq_payer_id` and
//! `invreq_metadata` present, type ranges, `invreq_features`, `num_hops`, and for a request
//! with no offer: no `offer_chains`, `offer_features` or `offer_quantity_max`,
//! `invreq_amount` present; `invreq_bip_353_name` characters. On top, what makes it a
//! refund: neither `offer_issuer_id` nor `offer_paths` (those make it "a response to an
//! offer"), and `offer_description` present (the writer "MUST set `offer_description` to a
//! complete description of the purpose of the payment"; LDK refuses a refund without one).
//! `offer_amount`/`offer_currency` are accepted ("MAY use `offer_amount` (or
//! `offer_currency`) for informational display"); LDK refuses them.
use curve::Signer;
use wire::{ChainHash, Point};

use crate::builder::{
    invreq_field_setters, offer_field_setters, signed_invreq, BuildError, PayerCheckError,
};
use crate::checks;
use crate::error::{ParseError, SemanticError};
use crate::invoice_request::{self, MESSAGE_NAME};
use crate::tlv::{BlindedPath, InvoiceRequestTlvs};
use crate::Invoice;

/// Human-readable prefix of refunds: an invoice request's.
pub const PREFIX: &str = invoice_request::PREFIX;

/// A validated refund: an invoice request that answers no offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    bytes: Vec<u8>,
    tlvs: InvoiceRequestTlvs,
    payer_id: Point,
    amount_msat: u64,
    signed: bool,
}

impl Refund {
    /// Decodes and checks the reader rules above (module documentation).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, ParseError> {
        let tlvs = InvoiceRequestTlvs::decode(&bytes).map_err(|e| {
            checks::relabel_range(
                e,
                MESSAGE_NAME,
                invoice_request::RANGES,
                invoice_request::allowed,
            )
        })?;
        checks::unknown_in_range(
            &tlvs.unknown,
            MESSAGE_NAME,
            invoice_request::RANGES,
            invoice_request::allowed,
        )?;
        if tlvs.offer_issuer_id.is_some() {
            return Err(SemanticError::RefundForOffer("offer_issuer_id").into());
        }
        if tlvs.offer_paths.is_some() {
            return Err(SemanticError::RefundForOffer("offer_paths").into());
        }
        invoice_request::validate(&tlvs)?;
        if tlvs.offer_description.is_none() {
            return Err(SemanticError::Missing("offer_description").into());
        }
        let payer_id = tlvs
            .invreq_payer_id
            .ok_or(SemanticError::Missing("invreq_payer_id"))?;
        let amount_msat = tlvs
            .invreq_amount
            .ok_or(SemanticError::Missing("invreq_amount"))?;
        let signed = tlvs.signature.is_some();
        if signed {
            checks::signed_by(
                &bytes,
                MESSAGE_NAME,
                tlvs.signature.as_ref(),
                &payer_id,
                "invreq_payer_id",
            )?;
        }
        Ok(Refund {
            bytes,
            tlvs,
            payer_id,
            amount_msat,
            signed,
        })
    }

    /// The exact TLV bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The decoded fields.
    pub fn tlvs(&self) -> &InvoiceRequestTlvs {
        &self.tlvs
    }

    /// `invreq_payer_id`: where the invoice goes when there are no `invreq_paths`.
    pub fn payer_id(&self) -> Point {
        self.payer_id
    }

    /// `invreq_amount`, the amount the invoice must be for.
    pub fn amount_msat(&self) -> u64 {
        self.amount_msat
    }

    /// `offer_description`.
    pub fn description(&self) -> &str {
        self.tlvs.offer_description.as_deref().unwrap_or_default()
    }

    /// `invreq_chain`, or bitcoin when absent.
    pub fn chain(&self) -> ChainHash {
        self.tlvs.invreq_chain.unwrap_or(ChainHash::BITCOIN)
    }

    /// `invreq_paths` (empty when absent).
    pub fn paths(&self) -> &[BlindedPath] {
        self.tlvs.invreq_paths.as_deref().unwrap_or_default()
    }

    /// `offer_absolute_expiry`.
    pub fn absolute_expiry(&self) -> Option<u64> {
        self.tlvs.offer_absolute_expiry
    }

    /// Is `offer_absolute_expiry` before `now`?
    pub fn is_expired_at(&self, now: u64) -> bool {
        self.absolute_expiry().is_some_and(|e| now > e)
    }

    /// Does it carry a (valid) `signature`: Core Lightning's form?
    pub fn is_signed(&self) -> bool {
        self.signed
    }

    /// The payer's checks (the refund's writer is the payer) on `invoice`, received for this
    /// refund at time `now`, accepting payment on `chains` (BOLT 12 §Invoices, reader).
    /// `Invoice::from_bytes` has already checked the rules on the invoice alone (required
    /// fields, paths and payinfo, features, `invoice_amount` = `invreq_amount`, the
    /// signature by `invoice_node_id`); here: every field in 0-159 and
    /// 1000000000-2999999999 equal to the refund's (so `invreq_payer_id` and
    /// `invreq_amount` too), the chain, the expiry, and, when `node_id` is given (confirmed
    /// out of band: "MAY reject the invoice if it cannot confirm that `invoice_node_id` is
    /// correct"), `invoice_node_id`. Left to the transport: "if `invreq_paths` is present:
    /// MUST reject the invoice if it did not arrive via one of those paths", and otherwise
    /// "if it arrived via a blinded path".
    pub fn check_invoice(
        &self,
        invoice: &Invoice,
        now: u64,
        chains: &[ChainHash],
        node_id: Option<&Point>,
    ) -> Result<(), PayerCheckError> {
        invoice.check_mirrored(&self.bytes)?;
        if !chains.contains(&invoice.chain()) {
            return Err(PayerCheckError::UnsupportedChain);
        }
        if node_id.is_some_and(|id| *id != invoice.node_id()) {
            return Err(PayerCheckError::NodeIdMismatch);
        }
        if invoice.is_expired_at(now) {
            return Err(PayerCheckError::Expired {
                expires_at: invoice.expires_at(),
                now,
            });
        }
        Ok(())
    }
}

bolt12_string_form!(Refund, PREFIX);

/// Builds a refund (§"Requirements for Invoice Requests", writer, "otherwise (not
/// responding to an offer)").
#[derive(Debug, Clone)]
pub struct RefundBuilder {
    pub(crate) tlvs: InvoiceRequestTlvs,
}

impl RefundBuilder {
    /// The required fields: `invreq_metadata` ("an unpredictable series of bytes"),
    /// `invreq_payer_id` ("as it would set `offer_issuer_id` for an offer": the node id when
    /// there are no paths), `invreq_amount` and `offer_description`.
    pub fn new(
        metadata: Vec<u8>,
        payer_id: impl Into<Point>,
        amount_msat: u64,
        description: impl Into<String>,
    ) -> Self {
        let tlvs = InvoiceRequestTlvs {
            invreq_metadata: Some(metadata),
            invreq_payer_id: Some(payer_id.into()),
            invreq_amount: Some(amount_msat),
            offer_description: Some(description.into()),
            ..Default::default()
        };
        RefundBuilder { tlvs }
    }
    offer_field_setters!();
    invreq_field_setters!();
    /// The fields so far.
    pub fn tlvs(&self) -> &InvoiceRequestTlvs {
        &self.tlvs
    }
    /// Checks and encodes, without `signature`, as BOLT 12 says ("MUST NOT include
    /// `signature`") and LDK writes.
    pub fn build(mut self) -> Result<Refund, BuildError> {
        self.check()?;
        self.tlvs.signature = None;
        Ok(Refund::from_bytes(self.tlvs.encode()?)?)
    }
    /// Checks, encodes and signs with `keypair` (whose public key MUST be
    /// `invreq_payer_id`): the form Core Lightning's `invoicerequest` writes and its
    /// `sendinvoice` requires.
    pub fn build_and_sign(
        mut self,
        keypair: &(impl Signer + ?Sized),
    ) -> Result<Refund, BuildError> {
        self.check()?;
        if Some(Point::from(keypair.public_key())) != self.tlvs.invreq_payer_id {
            return Err(BuildError::WrongSigningKey("invreq_payer_id"));
        }
        Ok(Refund::from_bytes(signed_invreq(&mut self.tlvs, keypair)?)?)
    }
    fn check(&self) -> Result<(), BuildError> {
        if self
            .tlvs
            .invreq_metadata
            .as_ref()
            .is_none_or(|m| m.is_empty())
        {
            return Err(BuildError::EmptyMetadata);
        }
        Ok(())
    }
}
