//! Reader checks shared by offers, invoice requests and invoices.
use crate::error::{ParseError, SemanticError};
use crate::features;
use crate::merkle;
use crate::tlv::BlindedPath;

/// Every path must have at least one hop ("if `num_hops` is 0 in any `blinded_path`").
pub(crate) fn paths_have_hops(
    field: &'static str,
    paths: Option<&Vec<BlindedPath>>,
) -> Result<(), SemanticError> {
    match paths.and_then(|p| p.iter().position(|path| path.path.is_empty())) {
        Some(index) => Err(SemanticError::EmptyBlindedPath { field, index }),
        None => Ok(()),
    }
}

/// Unknown even feature bits are fatal; unknown odd bits are ignored.
pub(crate) fn features_known(
    field: &'static str,
    bits: Option<&Vec<u8>>,
    known: &[usize],
) -> Result<(), SemanticError> {
    match bits.and_then(|b| features::unknown_required_bit(b, known)) {
        Some(bit) => Err(SemanticError::UnknownRequiredFeature { field, bit }),
        None => Ok(()),
    }
}

/// Maps a TLV decode error for an unknown even type that is outside `allowed` to the
/// range rule, which is the requirement actually broken.
pub(crate) fn relabel_range(
    err: wire::DecodeError,
    message: &'static str,
    ranges: &'static str,
    allowed: fn(u64) -> bool,
) -> crate::ParseError {
    match err {
        wire::DecodeError::UnknownEvenType { tlv_type, .. } if !allowed(tlv_type) => {
            SemanticError::TypeOutOfRange {
                message,
                tlv_type,
                ranges,
            }
            .into()
        }
        other => other.into(),
    }
}

/// Every unknown record's type must be in range.
pub(crate) fn unknown_in_range(
    unknown: &[wire::UnknownRecord],
    message: &'static str,
    ranges: &'static str,
    allowed: fn(u64) -> bool,
) -> Result<(), SemanticError> {
    match unknown.iter().find(|r| !allowed(r.tlv_type)) {
        Some(r) => Err(SemanticError::TypeOutOfRange {
            message,
            tlv_type: r.tlv_type,
            ranges,
        }),
        None => Ok(()),
    }
}

/// Offer fields: 1 to 79 and 1000000000 to 1999999999.
pub(crate) fn is_offer_type(t: u64) -> bool {
    (1..=79).contains(&t) || (1_000_000_000..=1_999_999_999).contains(&t)
}

/// Invoice request non-signature fields: 0 to 159 and 1000000000 to 2999999999.
pub(crate) fn is_invreq_type(t: u64) -> bool {
    (0..=159).contains(&t) || (1_000_000_000..=2_999_999_999).contains(&t)
}

/// §"Signature Calculation", reader: the stream's Merkle root, and `signature` checked as a
/// BIP-340 signature by `key` (the field named `key_field`) under the tag
/// "lightning" || `message_name` || "signature". Returns the root.
pub(crate) fn signed_by(
    bytes: &[u8],
    message_name: &str,
    signature: Option<&wire::Bip340Sig>,
    key: &wire::Point,
    key_field: &'static str,
) -> Result<[u8; 32], ParseError> {
    let root = merkle::root(bytes)?.ok_or(SemanticError::Missing(key_field))?;
    let sig = signature.ok_or(SemanticError::Missing("signature"))?;
    if !merkle::verify(message_name, "signature", &root, sig, key) {
        return Err(SemanticError::InvalidSignature { key_field }.into());
    }
    Ok(root)
}
