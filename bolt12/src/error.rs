use thiserror::Error;

use crate::string::StringError;

/// Why a BOLT 12 string or byte string was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseError {
    /// The string form is malformed (BOLT 12 §"Encoding").
    #[error("{0}")]
    String(#[from] StringError),
    /// The prefix is not the one for this message.
    #[error("expected a '{expected}' string, found prefix '{found}'")]
    WrongPrefix {
        /// Prefix for the message being parsed (`lno`, `lnr`, `lni`).
        expected: &'static str,
        /// Prefix found.
        found: String,
    },
    /// The TLV stream is malformed (BOLT 1 TLV rules, field encodings).
    #[error("{0}")]
    Decode(#[from] wire::DecodeError),
    /// The stream is well formed but breaks a BOLT 12 reader requirement.
    #[error("{0}")]
    Semantic(#[from] SemanticError),
}

/// A BOLT 12 reader requirement that the message breaks: one variant per rule, naming the
/// field. The section of BOLT 12 each comes from is given on the variant.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SemanticError {
    /// A payer proof (DRAFT, lightning/bolts#1295) broke a reader rule: which one.
    #[error("{0}")]
    PayerProof(Box<crate::payer_proof::PayerProofError>),
    /// §Offers/§Invoice Requests readers: TLV type outside the message's allowed ranges.
    #[error("{message}: TLV type {tlv_type} is outside the allowed ranges ({ranges})")]
    TypeOutOfRange {
        /// `offer` or `invoice_request`.
        message: &'static str,
        /// The type.
        tlv_type: u64,
        /// The allowed ranges, for the message.
        ranges: &'static str,
    },
    /// Unknown even feature bit: "MUST NOT respond" / "MUST reject".
    #[error("{field}: unknown required (even) feature bit {bit}")]
    UnknownRequiredFeature {
        /// `offer_features`, `invreq_features` or `invoice_features`.
        field: &'static str,
        /// The bit.
        bit: usize,
    },
    /// `offer_chains` present with no entries (BOLT 12 #1306).
    #[error("offer_chains: present but empty")]
    EmptyOfferChains,
    /// A `blinded_path` with `num_hops` 0.
    #[error("{field}: blinded path {index} has no hops (num_hops = 0)")]
    EmptyBlindedPath {
        /// `offer_paths`, `invreq_paths` or `invoice_paths`.
        field: &'static str,
        /// Index of the path.
        index: usize,
    },
    /// `offer_amount` without `offer_description`.
    #[error("offer_description: missing, but offer_amount is set")]
    MissingDescription,
    /// `offer_amount` set to zero.
    #[error("offer_amount: must be greater than zero")]
    ZeroAmount,
    /// `offer_currency` without `offer_amount`.
    #[error("offer_currency: set without offer_amount")]
    CurrencyWithoutAmount,
    /// Neither `offer_issuer_id` nor `offer_paths`.
    #[error("offer_issuer_id: missing, and there are no offer_paths")]
    MissingIssuerIdAndPaths,
    /// A required field is absent.
    #[error("{0}: missing")]
    Missing(&'static str),
    /// The signature does not verify.
    #[error("signature: invalid for {key_field}")]
    InvalidSignature {
        /// The key it was checked against (`invreq_payer_id`, `invoice_node_id`).
        key_field: &'static str,
    },
    /// `invreq_quantity` present though the offer has no `offer_quantity_max`.
    #[error("invreq_quantity: set, but the offer has no offer_quantity_max")]
    UnexpectedQuantity,
    /// `invreq_quantity` absent though the offer has `offer_quantity_max`.
    #[error("invreq_quantity: missing, but the offer has offer_quantity_max")]
    MissingQuantity,
    /// `invreq_quantity` zero or above `offer_quantity_max`.
    #[error("invreq_quantity: {quantity} is not within 1..={max}")]
    InvalidQuantity {
        /// Requested quantity.
        quantity: u64,
        /// `offer_quantity_max` (0 means unlimited, then only 0 is refused).
        max: u64,
    },
    /// `invreq_amount` below the amount the offer expects.
    #[error("invreq_amount: {msat} msat is less than the expected {expected} msat")]
    InsufficientAmount {
        /// Requested amount.
        msat: u64,
        /// `offer_amount` × quantity.
        expected: u64,
    },
    /// Amount arithmetic overflowed (or exceeds 21 million BTC).
    #[error("{0}: amount overflows")]
    AmountOverflow(&'static str),
    /// A non-offer invoice request carries an offer-only field.
    #[error("{0}: not allowed in an invoice request that does not answer an offer")]
    UnexpectedOfferField(&'static str),
    /// `invreq_chain` is not among the offer's chains.
    #[error("invreq_chain: not one of offer_chains")]
    ChainNotInOffer,
    /// `invreq_bip_353_name` has a byte outside `0-9a-zA-Z-_.`.
    #[error(
        "invreq_bip_353_name: {0} contains characters other than 0-9, a-z, A-Z, '-', '_', '.'"
    )]
    InvalidBip353Name(&'static str),
    /// `invoice_blindedpay` does not hold one `blinded_payinfo` per path.
    #[error("invoice_blindedpay: {payinfos} entries for {paths} invoice_paths")]
    BlindedPayMismatch {
        /// Paths.
        paths: usize,
        /// Payinfos.
        payinfos: usize,
    },
    /// `invoice_amount` differs from the `invreq_amount` it mirrors.
    #[error("invoice_amount: {invoice} msat differs from invreq_amount {requested} msat")]
    InvoiceAmountMismatch {
        /// `invoice_amount`.
        invoice: u64,
        /// `invreq_amount`.
        requested: u64,
    },
    /// Every path's `blinded_payinfo` has unknown even feature bits.
    #[error("invoice_paths: no usable path (every blinded_payinfo has unknown required features)")]
    NoUsablePaths,
    /// Core Lightning's recurrence draft, `offer_decode`: `time_unit` not 0, 1 or 2.
    #[error("offer_recurrence: time_unit {0} is not 0 (seconds), 1 (days) or 2 (months)")]
    RecurrenceTimeUnit(u8),
    /// Core Lightning's recurrence draft, `offer_decode`: `period` 0.
    #[error("offer_recurrence: period is 0")]
    RecurrencePeriodZero,
    /// Core Lightning's recurrence draft, `offer_decode`: `max_period_index` 0.
    #[error("offer_recurrence_limit: max_period_index is 0")]
    RecurrenceLimitZero,
    /// Core Lightning's recurrence draft, `offer_decode`: a recurrence detail without
    /// `offer_recurrence_compulsory` or `offer_recurrence_optional`.
    #[error("{0}: set without offer_recurrence_compulsory or offer_recurrence_optional")]
    RecurrenceFieldWithoutRecurrence(&'static str),
    /// Core Lightning's recurrence draft (`plugins/offers.c` `json_add_invreq_fields`):
    /// `invreq_recurrence_cancel` without `invreq_recurrence_counter`, or with counter 0.
    #[error("invreq_recurrence_cancel: set {0}")]
    RecurrenceCancel(&'static str),
    /// A rule of Core Lightning's `decode` that BOLT 12 does not make a reader rule: the
    /// `warning_*` field it adds when it reports the message `valid: false`.
    #[error("{warning}: {message} (Core Lightning's decode reports it invalid)")]
    ClnInvalid {
        /// The `warning_*` field name.
        warning: String,
        /// Its text.
        message: String,
    },
    /// A refund (an invoice request that answers no offer) carries a field that makes it
    /// the answer to an offer (§"Requirements for Invoice Requests": `offer_issuer_id` or
    /// `offer_paths` present means "response to an offer").
    #[error("{0}: present, so this invoice request answers an offer and is not a refund")]
    RefundForOffer(&'static str),
    /// An invoice_error sets `suggested_value` without `erroneous_field`.
    #[error("suggested_value: set without erroneous_field")]
    SuggestedValueWithoutField,
}
