//! Offers, BOLT 12 §"Offers": the `offer` TLV stream and its `lno` string.
use core::fmt;

use wire::{ChainHash, Point, TlvStreamReader};

use crate::checks;
use crate::error::{ParseError, SemanticError};
use crate::merkle;
use crate::tlv::{BlindedPath, OfferTlvs};

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

/// The BOLT 12 `offer_id`, as Core Lightning reports it: the Merkle root of the offer's
/// TLV stream (BOLT 12 §"Signature Calculation").
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

    /// `offer_id`: Merkle root of the offer.
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

/// `offer_id` of any stream that carries offer fields: the Merkle root over the records in
/// the offer ranges (for an offer, that is every record).
pub(crate) fn offer_id_of(stream: &[u8]) -> [u8; 32] {
    let records = TlvStreamReader::new(stream, "offer")
        .map_while(Result::ok)
        .filter(|r| checks::is_offer_type(r.tlv_type));
    merkle::root_of_records(records).unwrap_or_default()
}

bolt12_string_form!(Offer, PREFIX);
