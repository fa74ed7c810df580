//! LEGACY ONLY: verification of proofs made by the 2021 draft tooling
//! (rustyrussell/bolt12address), such as the draft's `example.tlv`.
//!
//! Differences from the modern lnap format, followed here because the
//! example was made that way:
//! - merkle root: the 2021 scheme ([`merkle2021`]);
//! - `node_ids` (60) are 32-byte x-only keys (`point32`), not 33-byte points;
//! - `cert`/`certchain` are PEM;
//! - the example certificate names `bootstrap.bolt12.org` while `vendor` is
//!   `bolt12.org`: this is reported as [`NameCheck::VendorNotCovered`], its
//!   own result, not folded into a generic failure;
//! - the certificate expired on 2021-10-05, so the caller picks a time inside
//!   its validity ([`EXAMPLE_TIME`]), and the chain's top certificate is
//!   ISRG Root X1 cross-signed by the expired DST Root CA X3, so ISRG Root
//!   X1 itself is the anchor ([`isrg_root_x1`]).

pub mod merkle2021;
pub mod tlv;

use crate::certsignature::{self, CertSignatureError};
use crate::pki::{check_domain, CertificateBundle, PkiError, TrustAnchors, VerifiedPath};
use crate::time::UnixTime;
use crate::vendor::{Vendor, VendorError};
use thiserror::Error;

/// 2021-08-25T00:00:00Z, the date of the draft commit, inside the example
/// certificate's validity (2021-07-07 .. 2021-10-05).
pub const EXAMPLE_TIME: UnixTime = UnixTime::from_secs(1_629_849_600);

/// Draft `addressproof` types (shared/ref/lnap/addressproof.csv).
mod types {
    pub const CHAINS: u64 = 2;
    pub const DESCRIPTION: u64 = 10;
    pub const FEATURES: u64 = 12;
    pub const ABSOLUTE_EXPIRY: u64 = 14;
    pub const PATHS: u64 = 16;
    pub const VENDOR: u64 = 20;
    pub const NODE_IDS: u64 = 60;
    pub const CERTSIGNATURE: u64 = 500;
    pub const CERT: u64 = 501;
    pub const CERTCHAIN: u64 = 503;
    pub const KNOWN: &[u64] = &[
        CHAINS,
        DESCRIPTION,
        FEATURES,
        ABSOLUTE_EXPIRY,
        PATHS,
        VENDOR,
        NODE_IDS,
        CERTSIGNATURE,
        CERT,
        CERTCHAIN,
    ];
}

/// Length of a draft `point32` node id.
const POINT32_LEN: usize = 32;

/// Why a legacy proof is rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LegacyError {
    #[error("malformed TLV: {0}")]
    Tlv(#[from] tlv::TlvError),
    #[error("unknown even TLV type {0}")]
    UnknownEvenType(u64),
    #[error("required field {0} is missing")]
    MissingField(&'static str),
    #[error("vendor is not valid UTF-8")]
    VendorNotUtf8,
    #[error("invalid vendor: {0}")]
    Vendor(#[from] VendorError),
    #[error("node_ids length {0} is not a multiple of 32")]
    NodeIdsLength(usize),
    #[error("no records to compute a merkle root over")]
    EmptyMerkleTree,
    #[error("certificate: {0}")]
    Pki(#[from] PkiError),
    #[error("certsignature: {0}")]
    CertSignature(#[from] CertSignatureError),
}

impl LegacyError {
    /// A stable snake_case name for the failure, for JSON verdicts.
    pub fn code(&self) -> &'static str {
        match self {
            LegacyError::Tlv(_) => "malformed_tlv",
            LegacyError::UnknownEvenType(_) => "unknown_even_type",
            LegacyError::MissingField(_) => "missing_field",
            LegacyError::VendorNotUtf8 => "vendor_not_utf8",
            LegacyError::Vendor(_) => "invalid_vendor",
            LegacyError::NodeIdsLength(_) => "node_ids_length",
            LegacyError::EmptyMerkleTree => "empty_merkle_tree",
            LegacyError::Pki(e) => e.code(),
            LegacyError::CertSignature(e) => e.code(),
        }
    }
}

/// Whether the leaf certificate covers the vendor's domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameCheck {
    /// A SAN of the leaf covers the vendor domain.
    Covered,
    /// Signature and chain verify, but the certificate is for other names
    /// (the draft example: `bootstrap.bolt12.org` vs `bolt12.org`).
    VendorNotCovered {
        vendor: String,
        dns_names: Vec<String>,
        /// `NameMismatch` or `WildcardTooBroad`.
        reason: PkiError,
    },
}

/// What a legacy proof proves once signature and chain have verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyReport {
    pub vendor: Vendor,
    /// x-only node ids, as the draft encoded them.
    pub node_ids: Vec<[u8; POINT32_LEN]>,
    /// The 2021-scheme merkle root that `certsignature` signs.
    pub merkle_root: [u8; 32],
    pub path: VerifiedPath,
    pub name: NameCheck,
}

/// ISRG Root X1 from Mozilla's roots (`webpki-roots`), the anchor the
/// example chain leads to.
pub fn isrg_root_x1() -> Result<TrustAnchors, PkiError> {
    TrustAnchors::mozilla()?.only_subject_containing("CN=ISRG Root X1")
}

/// Verifies a draft-format raw `addressproof` TLV: 2021 merkle root, RSA-PSS
/// `certsignature` under the leaf key, chain to `anchors` at `at`, then the
/// vendor name check reported in [`LegacyReport::name`].
pub fn verify(
    tlv_bytes: &[u8],
    anchors: &TrustAnchors,
    at: UnixTime,
) -> Result<LegacyReport, LegacyError> {
    let records = tlv::read_stream(tlv_bytes)?;
    if let Some(r) = records
        .iter()
        .find(|r| r.tlv_type % 2 == 0 && !types::KNOWN.contains(&r.tlv_type))
    {
        return Err(LegacyError::UnknownEvenType(r.tlv_type));
    }
    let field = |t: u64| records.iter().find(|r| r.tlv_type == t).map(|r| r.value);
    let vendor_bytes = field(types::VENDOR).ok_or(LegacyError::MissingField("vendor"))?;
    let node_id_bytes = field(types::NODE_IDS).ok_or(LegacyError::MissingField("node_ids"))?;
    let sig = field(types::CERTSIGNATURE).ok_or(LegacyError::MissingField("certsignature"))?;
    let cert = field(types::CERT).ok_or(LegacyError::MissingField("cert"))?;
    let chain = field(types::CERTCHAIN);

    let vendor_str = core::str::from_utf8(vendor_bytes).map_err(|_| LegacyError::VendorNotUtf8)?;
    let vendor = Vendor::parse(vendor_str)?;
    if node_id_bytes.len() % POINT32_LEN != 0 {
        return Err(LegacyError::NodeIdsLength(node_id_bytes.len()));
    }
    let node_ids = node_id_bytes
        .chunks_exact(POINT32_LEN)
        .map(|c| {
            let mut id = [0u8; POINT32_LEN];
            id.copy_from_slice(c);
            id
        })
        .collect();

    let merkle_root = merkle2021::merkle_root_2021(&records).ok_or(LegacyError::EmptyMerkleTree)?;
    let bundle = CertificateBundle::parse(cert, chain)?;
    certsignature::verify(&bundle.leaf_key()?, &merkle_root, sig)?;
    let path = bundle.verify_path(anchors, at)?;
    let name = match check_domain(bundle.leaf().dns_names(), vendor.domain()) {
        Ok(()) => NameCheck::Covered,
        Err(reason @ (PkiError::NameMismatch { .. } | PkiError::WildcardTooBroad { .. })) => {
            NameCheck::VendorNotCovered {
                vendor: vendor.to_string(),
                dns_names: bundle.leaf().dns_names().to_vec(),
                reason,
            }
        }
        Err(other) => return Err(other.into()),
    };
    Ok(LegacyReport {
        vendor,
        node_ids,
        merkle_root,
        path,
        name,
    })
}
