//! The vendor's TLS key vouching for a proof: `certsignature` (500) over the
//! merkle root, made with the key of the `cert` (501) leaf, which must chain
//! (with `certchain`, 503) to a trust anchor and cover the `vendor` (20)
//! domain. The merkle root itself is computed by the caller from the TLV
//! stream (BOLT 12 §"Signature Calculation").

use crate::certsignature::{self, CertSignatureError, SigningError, SigningKey, DIGEST_LEN};
use crate::pki::{CertificateBundle, PkiError, TrustAnchors, VerifiedPath};
use crate::time::UnixTime;
use crate::vendor::Vendor;
use thiserror::Error;

/// Why the vendor's certificate does not vouch for a proof.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VouchError {
    /// The certificates or their chain.
    #[error(transparent)]
    Pki(#[from] PkiError),
    /// The `certsignature`.
    #[error(transparent)]
    Signature(#[from] CertSignatureError),
}

impl VouchError {
    /// A stable snake_case name for the failure, for JSON verdicts.
    pub fn code(&self) -> &'static str {
        match self {
            VouchError::Pki(e) => e.code(),
            VouchError::Signature(e) => e.code(),
        }
    }
}

/// Verifies, in this order: the certificates decode; `certsignature` is the
/// leaf key's signature over `merkle_root`; the path to `anchors` is valid at
/// `at`; the leaf covers the vendor's domain (for `local@domain`, `domain`).
pub fn verify(
    merkle_root: &[u8; DIGEST_LEN],
    certsignature: &[u8],
    cert: &[u8],
    certchain: Option<&[u8]>,
    vendor: &Vendor,
    anchors: &TrustAnchors,
    at: UnixTime,
) -> Result<VerifiedPath, VouchError> {
    let bundle = CertificateBundle::parse(cert, certchain)?;
    certsignature::verify(&bundle.leaf_key()?, merkle_root, certsignature)?;
    Ok(bundle.verify_for_domain(vendor.domain(), anchors, at)?)
}

/// Why a `certsignature` could not be made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignError {
    /// The leaf certificate does not decode.
    #[error(transparent)]
    Pki(#[from] PkiError),
    /// The private key is not the leaf certificate's.
    #[error("the private key does not belong to the leaf certificate {subject}")]
    KeyDoesNotMatchCertificate { subject: String },
    /// The signature primitive failed.
    #[error(transparent)]
    Signing(#[from] SigningError),
}

/// Makes the `certsignature` over `merkle_root`, after checking that `key`
/// is the key of the first certificate in `cert`.
pub fn sign(
    merkle_root: &[u8; DIGEST_LEN],
    key: &SigningKey,
    cert: &[u8],
    rng: &mut impl rand_core::CryptoRngCore,
) -> Result<Vec<u8>, SignError> {
    let bundle = CertificateBundle::parse(cert, None)?;
    if bundle.leaf_key()? != key.public_key() {
        return Err(SignError::KeyDoesNotMatchCertificate {
            subject: bundle.leaf().subject().to_owned(),
        });
    }
    Ok(key.sign_digest(merkle_root, rng)?)
}
