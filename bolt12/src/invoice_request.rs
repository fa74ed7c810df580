//! Invoice requests, BOLT 12 §"Invoice Requests": the `invoice_request` TLV stream and its
//! `lnr` string.

use wire::{ChainHash, Point};

use crate::checks;
use crate::error::{ParseError, SemanticError};
use crate::merkle;
use crate::offer::{self, Amount, OfferId};
use crate::tlv::InvoiceRequestTlvs;

/// Human-readable prefix of invoice requests.
pub const PREFIX: &str = "lnr";
/// Name of the stream in signature tags.
pub const MESSAGE_NAME: &str = "invoice_request";
pub(crate) const RANGES: &str = "0-159, 1000000000-2999999999, signatures 240-1000";

pub(crate) fn allowed(t: u64) -> bool {
    checks::is_invreq_type(t) || merkle::is_signature_type(t)
}

/// A validated, signature-checked invoice request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceRequest {
    bytes: Vec<u8>,
    tlvs: InvoiceRequestTlvs,
    merkle_root: [u8; 32],
    payer_id: Point,
}

impl InvoiceRequest {
    /// Decodes and checks every reader requirement of BOLT 12 §"Requirements for Invoice
    /// Requests" that depends on the message alone (not on the node's offers, chains or
    /// clock), including the signature by `invreq_payer_id`.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, ParseError> {
        let tlvs = InvoiceRequestTlvs::decode(&bytes)
            .map_err(|e| checks::relabel_range(e, MESSAGE_NAME, RANGES, allowed))?;
        checks::unknown_in_range(&tlvs.unknown, MESSAGE_NAME, RANGES, allowed)?;
        validate(&tlvs)?;
        let payer_id = tlvs
            .invreq_payer_id
            .ok_or(SemanticError::Missing("invreq_payer_id"))?;
        let merkle_root = checks::signed_by(
            &bytes,
            MESSAGE_NAME,
            tlvs.signature.as_ref(),
            &payer_id,
            "invreq_payer_id",
        )?;
        Ok(InvoiceRequest {
            bytes,
            tlvs,
            merkle_root,
            payer_id,
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

    /// Merkle root of the request (what `signature` signs).
    pub fn merkle_root(&self) -> [u8; 32] {
        self.merkle_root
    }

    /// Does it answer an offer (`offer_issuer_id` or `offer_paths` present)?
    pub fn answers_offer(&self) -> bool {
        answers_offer(&self.tlvs)
    }

    /// `offer_id` of the offer this request answers: the SHA-256 of its offer records (see
    /// [`OfferId`]).
    pub fn offer_id(&self) -> Option<OfferId> {
        self.answers_offer()
            .then(|| OfferId(offer::offer_id_of(&self.bytes)))
    }

    /// `invreq_payer_id`.
    pub fn payer_id(&self) -> Point {
        self.payer_id
    }

    /// `invreq_chain`, or bitcoin when absent.
    pub fn chain(&self) -> ChainHash {
        self.tlvs.invreq_chain.unwrap_or(ChainHash::BITCOIN)
    }

    /// The amount the invoice must be for, if the request fixes it: `invreq_amount`, or for
    /// a bitcoin-priced offer `offer_amount` × quantity.
    pub fn expected_amount_msat(&self) -> Option<u64> {
        self.tlvs.invreq_amount.or_else(|| {
            match offer::amount_of(self.tlvs.offer_amount, &self.tlvs.offer_currency) {
                Some(Amount::Msat(msat)) => {
                    msat.checked_mul(self.tlvs.invreq_quantity.unwrap_or(1))
                }
                _ => None,
            }
        })
    }
}

pub(crate) fn answers_offer(tlvs: &InvoiceRequestTlvs) -> bool {
    tlvs.offer_issuer_id.is_some() || tlvs.offer_paths.is_some()
}

/// The largest amount in millisatoshi (21 million BTC, BOLT 1 §"Fundamental Types").
pub const MAX_MSAT: u64 = 0x1d24_b2df_ac52_0000;

pub(crate) fn validate(t: &InvoiceRequestTlvs) -> Result<(), SemanticError> {
    if t.invreq_payer_id.is_none() {
        return Err(SemanticError::Missing("invreq_payer_id"));
    }
    if t.invreq_metadata.is_none() {
        return Err(SemanticError::Missing("invreq_metadata"));
    }
    checks::features_known("invreq_features", t.invreq_features.as_ref(), &[])?;
    checks::paths_have_hops("invreq_paths", t.invreq_paths.as_ref())?;
    if answers_offer(t) {
        offer::validate_offer_fields(
            &t.offer_chains,
            &t.offer_features,
            t.offer_amount,
            &t.offer_description,
            &t.offer_currency,
            &t.offer_issuer_id,
            &t.offer_paths,
        )?;
        match (t.offer_quantity_max, t.invreq_quantity) {
            (Some(_), None) => return Err(SemanticError::MissingQuantity),
            (None, Some(_)) => return Err(SemanticError::UnexpectedQuantity),
            (Some(max), Some(quantity)) if quantity == 0 || (max != 0 && quantity > max) => {
                return Err(SemanticError::InvalidQuantity { quantity, max })
            }
            _ => {}
        }
        // The expected amount (offer_amount x quantity) when the offer is priced in msat;
        // bounded by the bitcoin supply even when invreq_amount is absent, since the invoice
        // would then have to carry it.
        let expected = match (t.offer_amount, &t.offer_currency) {
            (Some(per_item), None) => Some(
                per_item
                    .checked_mul(t.invreq_quantity.unwrap_or(1))
                    .filter(|e| *e <= MAX_MSAT)
                    .ok_or(SemanticError::AmountOverflow("offer_amount"))?,
            ),
            _ => None,
        };
        match (t.offer_amount, t.invreq_amount, expected) {
            (None, None, _) => return Err(SemanticError::Missing("invreq_amount")),
            (_, Some(msat), Some(expected)) if msat < expected => {
                return Err(SemanticError::InsufficientAmount { msat, expected })
            }
            _ => {}
        }
        // No invreq_chain means bitcoin, which must then be one of the offer's chains too.
        let chain = t.invreq_chain.unwrap_or(ChainHash::BITCOIN);
        if !offer::chains_or_bitcoin(&t.offer_chains).contains(&chain) {
            return Err(SemanticError::ChainNotInOffer);
        }
    } else {
        for (present, field) in [
            (t.offer_chains.is_some(), "offer_chains"),
            (t.offer_features.is_some(), "offer_features"),
            (t.offer_quantity_max.is_some(), "offer_quantity_max"),
        ] {
            if present {
                return Err(SemanticError::UnexpectedOfferField(field));
            }
        }
        if t.invreq_amount.is_none() {
            return Err(SemanticError::Missing("invreq_amount"));
        }
    }
    // No upper bound on invreq_amount itself: BOLT 12 has none for readers (an amount
    // above the bitcoin supply cannot be paid, but decodes), and Core Lightning decodes a
    // request for 2^64-1 msat.
    // Core Lightning's recurrence draft: "if `invreq_recurrence_counter` is zero (initial
    // request): MUST reject the invoice request if there is a `invreq_recurrence_cancel`".
    if t.invreq_recurrence_cancel.is_some() {
        match t.invreq_recurrence_counter {
            None => {
                return Err(SemanticError::RecurrenceCancel(
                    "without invreq_recurrence_counter",
                ))
            }
            Some(0) => {
                return Err(SemanticError::RecurrenceCancel(
                    "with invreq_recurrence_counter 0",
                ))
            }
            Some(_) => {}
        }
    }
    if let Some(name) = &t.invreq_bip_353_name {
        let ok = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
        if !name.name.iter().all(ok) {
            return Err(SemanticError::InvalidBip353Name("name"));
        }
        if !name.domain.iter().all(ok) {
            return Err(SemanticError::InvalidBip353Name("domain"));
        }
    }
    Ok(())
}

bolt12_string_form!(InvoiceRequest, PREFIX);
