//! The web-PKI half of lnap: does the vendor's TLS certificate chain lead
//! to a trusted root, and does it cover the vendor's domain?
//!
//! Draft (bolt12address README, "Requirements", reader): the proof is not
//! accepted if "`cert` is not present, or not valid for the domain in
//! `vendor`", or "`certchain` ... does not link `cert` to a root certificate
//! authority".

mod algorithm;
mod anchors;
mod cert;
mod error;
mod names;
mod path;
mod public_key;

pub use algorithm::{HashAlg, SignatureAlgorithm};
pub use anchors::{TrustAnchor, TrustAnchors};
pub use cert::{
    parse_certificates, BasicConstraints, Certificate, DnsNameConstraints, ExtKeyUsage, KeyUsage,
    MAX_CERTIFICATES,
};
pub use error::{PkiError, WildcardRule};
pub use names::check_domain;
pub use path::{verify_path, VerifiedPath, MAX_INTERMEDIATES};
pub use public_key::{KeyError, PublicKey, MAX_RSA_BITS, MIN_RSA_BITS};

use crate::time::UnixTime;
use crate::vendor::DnsName;

/// The leaf and the extra certificates from a proof's `cert` (501) and
/// `certchain` (503) fields. `cert` must hold the leaf first; any further
/// certificates in it are treated like `certchain` entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateBundle {
    leaf: Certificate,
    chain: Vec<Certificate>,
}

impl CertificateBundle {
    /// Decodes `cert` and optional `certchain` (each PEM or DER).
    pub fn parse(cert: &[u8], certchain: Option<&[u8]>) -> Result<Self, PkiError> {
        let mut certs = parse_certificates(cert)?.into_iter();
        let leaf = certs.next().ok_or(PkiError::NoCertificate)?;
        let mut chain: Vec<Certificate> = certs.collect();
        if let Some(c) = certchain {
            chain.extend(parse_certificates(c)?);
        }
        if chain.len() + 1 > MAX_CERTIFICATES {
            return Err(PkiError::TooManyCertificates {
                count: chain.len() + 1,
                max: MAX_CERTIFICATES,
            });
        }
        Ok(Self { leaf, chain })
    }

    /// The end-entity certificate.
    pub fn leaf(&self) -> &Certificate {
        &self.leaf
    }

    /// The other certificates, in the order given.
    pub fn chain(&self) -> &[Certificate] {
        &self.chain
    }

    /// The leaf's public key, which signs the proof.
    pub fn leaf_key(&self) -> Result<PublicKey, PkiError> {
        PublicKey::from_spki_der(self.leaf.spki_der())
            .map_err(|e| path::key_error(self.leaf.subject(), e))
    }

    /// Builds and validates the path to `anchors` at `at`, without any name check.
    pub fn verify_path(
        &self,
        anchors: &TrustAnchors,
        at: UnixTime,
    ) -> Result<VerifiedPath, PkiError> {
        verify_path(&self.leaf, &self.chain, anchors, at)
    }

    /// Path validation plus the check that the leaf covers `domain`.
    pub fn verify_for_domain(
        &self,
        domain: &DnsName,
        anchors: &TrustAnchors,
        at: UnixTime,
    ) -> Result<VerifiedPath, PkiError> {
        let path = self.verify_path(anchors, at)?;
        check_domain(self.leaf.dns_names(), domain)?;
        Ok(path)
    }
}
