//! Offers, BOLT 12 §"Offers": the `offer` TLV stream and its `lno` string.
use core::fmt;

use wire::{ChainHash, Point, TlvStreamReader};

use crate::checks;
use crate::error::{ParseError, SemanticError};
use crate::tlv::{BlindedPath, OfferTlvs, Recurrence};

/// Human-readable prefix of offers.
pub const PREFIX: &str = "lno";
const RANGES: &str = "1-79, 1000000000-1999999999";

/// What an offer (or the offer part of a request) asks to be paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Amount {
    /// In the chain's minimum lightning-payable unit (millisatoshi for bitcoin).
    Msat(u64),
    /// In an ISO 4217 currency, in its minor unit (e.g. USD cents).
    Currency {
        /// `offer_currency`.
        iso4217: String,
        /// `offer_amount`.
        amount: u64,
    },
}

/// A validated offer: its exact bytes and their decoded fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    bytes: Vec<u8>,
    tlvs: OfferTlvs,
}

/// The BOLT 12 `offer_id`, as Core Lightning reports it (`offer_id` in `decode`, `offer`,
/// `listoffers`): the SHA-256 of the offer's records in the offer ranges (1-79 and
/// 1000000000-1999999999), concatenated in stream order (Core Lightning
/// `common/bolt12.c` `calc_offer`). Not a Merkle root, and not LDK's `OfferId` (an HMAC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OfferId(pub [u8; 32]);

impl fmt::Display for OfferId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl Offer {
    /// Decodes and validates an offer's TLV bytes against the reader requirements of
    /// BOLT 12 §"Requirements For Offers" (all but the clock and the node's own chains).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, ParseError> {
        let tlvs = OfferTlvs::decode(&bytes)
            .map_err(|e| checks::relabel_range(e, "offer", RANGES, checks::is_offer_type))?;
        checks::unknown_in_range(&tlvs.unknown, "offer", RANGES, checks::is_offer_type)?;
        validate_offer_fields(
            &tlvs.offer_chains,
            &tlvs.offer_features,
            tlvs.offer_amount,
            &tlvs.offer_description,
            &tlvs.offer_currency,
            &tlvs.offer_issuer_id,
            &tlvs.offer_paths,
        )?;
        validate_recurrence(
            tlvs.offer_recurrence_compulsory
                .as_ref()
                .or(tlvs.offer_recurrence_optional.as_ref()),
            tlvs.offer_recurrence_limit,
            tlvs.offer_recurrence_base.is_some(),
            tlvs.offer_recurrence_paywindow.is_some(),
        )?;
        Ok(Offer { bytes, tlvs })
    }

    /// Builds from fields (writer side): encodes, then parses, so the result obeys the same
    /// rules as anything read.
    pub fn from_tlvs(tlvs: &OfferTlvs) -> Result<Self, crate::BuildError> {
        let bytes = tlvs.encode()?;
        Ok(Self::from_bytes(bytes)?)
    }

    /// The exact TLV bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The decoded fields.
    pub fn tlvs(&self) -> &OfferTlvs {
        &self.tlvs
    }

    /// `offer_id`: SHA-256 of the offer's records (see [`OfferId`]).
    pub fn id(&self) -> OfferId {
        OfferId(offer_id_of(&self.bytes))
    }

    /// `offer_chains`, or bitcoin alone when absent.
    pub fn chains(&self) -> &[ChainHash] {
        chains_or_bitcoin(&self.tlvs.offer_chains)
    }

    /// Is `chain` one of the offer's chains?
    pub fn supports_chain(&self, chain: &ChainHash) -> bool {
        self.chains().contains(chain)
    }

    /// The amount, if the offer sets one.
    pub fn amount(&self) -> Option<Amount> {
        amount_of(self.tlvs.offer_amount, &self.tlvs.offer_currency)
    }

    /// `offer_description`.
    pub fn description(&self) -> Option<&str> {
        self.tlvs.offer_description.as_deref()
    }

    /// `offer_issuer`.
    pub fn issuer(&self) -> Option<&str> {
        self.tlvs.offer_issuer.as_deref()
    }

    /// `offer_issuer_id`.
    pub fn issuer_id(&self) -> Option<&Point> {
        self.tlvs.offer_issuer_id.as_ref()
    }

    /// `offer_paths` (empty when absent).
    pub fn paths(&self) -> &[BlindedPath] {
        self.tlvs.offer_paths.as_deref().unwrap_or_default()
    }

    /// `offer_quantity_max`.
    pub fn quantity_max(&self) -> Option<u64> {
        self.tlvs.offer_quantity_max
    }

    /// `offer_absolute_expiry`, seconds since the epoch.
    pub fn absolute_expiry(&self) -> Option<u64> {
        self.tlvs.offer_absolute_expiry
    }

    /// "if the current time is after `offer_absolute_expiry`": expired at `now` (seconds).
    pub fn is_expired_at(&self, now: u64) -> bool {
        self.tlvs
            .offer_absolute_expiry
            .is_some_and(|expiry| now > expiry)
    }

    /// The keys an invoice for this offer may be signed with: `offer_issuer_id`, or else
    /// the final `blinded_node_id` of each path (BOLT 12 §Invoices, writer).
    pub fn signing_keys(&self) -> Vec<Point> {
        signing_keys(&self.tlvs.offer_issuer_id, &self.tlvs.offer_paths)
    }
}

pub(crate) fn signing_keys(
    issuer_id: &Option<Point>,
    paths: &Option<Vec<BlindedPath>>,
) -> Vec<Point> {
    match issuer_id {
        Some(id) => vec![*id],
        None => paths
            .iter()
            .flatten()
            .filter_map(|p| p.path.last().map(|hop| hop.blinded_node_id))
            .collect(),
    }
}

pub(crate) fn chains_or_bitcoin(chains: &Option<Vec<ChainHash>>) -> &[ChainHash] {
    match chains {
        Some(c) => c,
        None => core::slice::from_ref(&ChainHash::BITCOIN),
    }
}

pub(crate) fn amount_of(amount: Option<u64>, currency: &Option<String>) -> Option<Amount> {
    match (amount, currency) {
        (Some(amount), Some(iso4217)) => Some(Amount::Currency {
            iso4217: iso4217.clone(),
            amount,
        }),
        (Some(msat), None) => Some(Amount::Msat(msat)),
        _ => None,
    }
}

/// The offer reader rules that concern the offer fields alone; also applied to the offer
/// part of invoice requests and invoices that answer an offer.
#[allow(clippy::too_many_arguments)]
pub(crate) fn validate_offer_fields(
    chains: &Option<Vec<ChainHash>>,
    features: &Option<Vec<u8>>,
    amount: Option<u64>,
    description: &Option<String>,
    currency: &Option<String>,
    issuer_id: &Option<Point>,
    paths: &Option<Vec<BlindedPath>>,
) -> Result<(), SemanticError> {
    checks::features_known("offer_features", features.as_ref(), &[])?;
    if chains.as_ref().is_some_and(Vec::is_empty) {
        return Err(SemanticError::EmptyOfferChains);
    }
    if amount == Some(0) {
        return Err(SemanticError::ZeroAmount);
    }
    if amount.is_some() && description.is_none() {
        return Err(SemanticError::MissingDescription);
    }
    if currency.is_some() && amount.is_none() {
        return Err(SemanticError::CurrencyWithoutAmount);
    }
    // An empty offer_paths gives no path to send the request over: as good as absent.
    if issuer_id.is_none() && paths.as_ref().is_none_or(Vec::is_empty) {
        return Err(SemanticError::MissingIssuerIdAndPaths);
    }
    checks::paths_have_hops("offer_paths", paths.as_ref())
}

/// Core Lightning's reader rules for its experimental recurrence records ("BOLT-recurrence
/// #12", `common/bolt12.c` `offer_decode`): with `offer_recurrence_compulsory` or
/// `offer_recurrence_optional` (the compulsory one wins when both are set), `time_unit`
/// must be 0, 1 or 2, `period` non-zero and `offer_recurrence_limit` non-zero; without
/// either, none of `offer_recurrence_paywindow`, `_limit`, `_base` may be set.
pub(crate) fn validate_recurrence(
    recurrence: Option<&Recurrence>,
    limit: Option<u32>,
    has_base: bool,
    has_paywindow: bool,
) -> Result<(), SemanticError> {
    match recurrence {
        Some(r) => {
            if r.time_unit > 2 {
                return Err(SemanticError::RecurrenceTimeUnit(r.time_unit));
            }
            if r.period == 0 {
                return Err(SemanticError::RecurrencePeriodZero);
            }
            if limit == Some(0) {
                return Err(SemanticError::RecurrenceLimitZero);
            }
        }
        None => {
            for (present, field) in [
                (has_paywindow, "offer_recurrence_paywindow"),
                (limit.is_some(), "offer_recurrence_limit"),
                (has_base, "offer_recurrence_base"),
            ] {
                if present {
                    return Err(SemanticError::RecurrenceFieldWithoutRecurrence(field));
                }
            }
        }
    }
    Ok(())
}

/// `offer_id` of any stream that carries offer fields: SHA-256 over the records (type,
/// length and value, as received) in the offer ranges 1-79 and 1000000000-1999999999, in
/// stream order; for an offer that is every record. Core Lightning `common/bolt12.c`
/// `calc_offer` hashes the two spans `tlv_span(1, 79)` and `tlv_span(1000000000,
/// 1999999999)` of the stream, which in a well-formed (increasing) stream are exactly
/// these records.
pub(crate) fn offer_id_of(stream: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for record in TlvStreamReader::new(stream, "offer")
        .map_while(Result::ok)
        .filter(|r| checks::is_offer_type(r.tlv_type))
    {
        hasher.update(record.bytes);
    }
    hasher.finalize().into()
}

bolt12_string_form!(Offer, PREFIX);
