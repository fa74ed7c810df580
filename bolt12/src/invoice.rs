//! Invoices, BOLT 12 §"Invoices": the `invoice` TLV stream and its `lni` string (the
//! prefix Core Lightning uses).

use wire::{ChainHash, Point, Sha256};

use crate::checks;
use crate::error::{ParseError, SemanticError};
use crate::features;
use crate::features::{MPP_COMPULSORY, MPP_OPTIONAL};
use crate::offer::{self, OfferId};
use crate::tlv::InvoiceTlvs;

/// Human-readable prefix of invoices.
pub const PREFIX: &str = "lni";
/// Name of the stream in signature tags.
pub const MESSAGE_NAME: &str = "invoice";
/// Relative expiry when `invoice_relative_expiry` is absent.
pub const DEFAULT_RELATIVE_EXPIRY: u64 = 7200;

/// A validated, signature-checked invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    bytes: Vec<u8>,
    tlvs: InvoiceTlvs,
    merkle_root: [u8; 32],
    node_id: Point,
    amount_msat: u64,
    created_at: u64,
    payment_hash: Sha256,
}

impl Invoice {
    /// Decodes and checks the reader requirements of BOLT 12 §Invoices that depend on the
    /// invoice alone (not on the request we sent, our chains or the clock), including the
    /// signature by `invoice_node_id`.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, ParseError> {
        let tlvs = InvoiceTlvs::decode(&bytes)?;
        let t = &tlvs;
        let amount_msat = t
            .invoice_amount
            .ok_or(SemanticError::Missing("invoice_amount"))?;
        let created_at = t
            .invoice_created_at
            .ok_or(SemanticError::Missing("invoice_created_at"))?;
        let payment_hash = t
            .invoice_payment_hash
            .ok_or(SemanticError::Missing("invoice_payment_hash"))?;
        let node_id = t
            .invoice_node_id
            .ok_or(SemanticError::Missing("invoice_node_id"))?;
        // "if `invreq_amount` is present: MUST reject the invoice if `invoice_amount` is not
        // equal to `invreq_amount`": both are in the invoice, so the reader checks it here.
        if let Some(requested) = t.invreq_amount.filter(|r| *r != amount_msat) {
            return Err(SemanticError::InvoiceAmountMismatch {
                invoice: amount_msat,
                requested,
            }
            .into());
        }
        checks::features_known(
            "invoice_features",
            t.invoice_features.as_ref(),
            &[MPP_COMPULSORY, MPP_OPTIONAL],
        )?;
        let paths = t.invoice_paths.as_deref().unwrap_or_default();
        if paths.is_empty() {
            return Err(SemanticError::Missing("invoice_paths").into());
        }
        checks::paths_have_hops("invoice_paths", t.invoice_paths.as_ref())?;
        let payinfo = t
            .invoice_blindedpay
            .as_ref()
            .ok_or(SemanticError::Missing("invoice_blindedpay"))?;
        if payinfo.len() != paths.len() {
            return Err(SemanticError::BlindedPayMismatch {
                paths: paths.len(),
                payinfos: payinfo.len(),
            }
            .into());
        }
        if payinfo
            .iter()
            .all(|p| features::unknown_required_bit(&p.features, &[]).is_some())
        {
            return Err(SemanticError::NoUsablePaths.into());
        }
        // Core Lightning's recurrence draft: "if `offer_recurrence_optional` or
        // `offer_recurrence_compulsory` are present: MUST reject the invoice if
        // `invoice_recurrence_basetime` is not present."
        let recurring =
            t.offer_recurrence_compulsory.is_some() || t.offer_recurrence_optional.is_some();
        if recurring && t.invoice_recurrence_basetime.is_none() {
            return Err(SemanticError::Missing("invoice_recurrence_basetime").into());
        }
        let merkle_root = checks::signed_by(
            &bytes,
            MESSAGE_NAME,
            t.signature.as_ref(),
            &node_id,
            "invoice_node_id",
        )?;
        Ok(Invoice {
            bytes,
            tlvs,
            merkle_root,
            node_id,
            amount_msat,
            created_at,
            payment_hash,
        })
    }

    /// The exact TLV bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The decoded fields.
    pub fn tlvs(&self) -> &InvoiceTlvs {
        &self.tlvs
    }

    /// Merkle root (what `signature` signs).
    pub fn merkle_root(&self) -> [u8; 32] {
        self.merkle_root
    }

    /// `invoice_node_id`.
    pub fn node_id(&self) -> Point {
        self.node_id
    }

    /// `invoice_amount` in millisatoshi.
    pub fn amount_msat(&self) -> u64 {
        self.amount_msat
    }

    /// `invoice_payment_hash`.
    pub fn payment_hash(&self) -> Sha256 {
        self.payment_hash
    }

    /// `invoice_created_at`.
    pub fn created_at(&self) -> u64 {
        self.created_at
    }

    /// When payment should no longer be attempted: `invoice_created_at` plus
    /// `invoice_relative_expiry` (default 7200 seconds).
    pub fn expires_at(&self) -> u64 {
        let relative = self
            .tlvs
            .invoice_relative_expiry
            .map_or(DEFAULT_RELATIVE_EXPIRY, u64::from);
        self.created_at().saturating_add(relative)
    }

    /// "MUST reject the invoice if the current time ... is greater than" the expiry.
    pub fn is_expired_at(&self, now: u64) -> bool {
        now > self.expires_at()
    }

    /// `invreq_chain`, or bitcoin when absent.
    pub fn chain(&self) -> ChainHash {
        self.tlvs.invreq_chain.unwrap_or(ChainHash::BITCOIN)
    }

    /// `offer_id` of the offer the invoice answers, if any.
    pub fn offer_id(&self) -> Option<OfferId> {
        let t = &self.tlvs;
        (t.offer_issuer_id.is_some() || t.offer_paths.is_some())
            .then(|| OfferId(offer::offer_id_of(&self.bytes)))
    }
}

bolt12_string_form!(Invoice, PREFIX);
