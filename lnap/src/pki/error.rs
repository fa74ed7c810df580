//! Every way a certificate chain can fail to vouch for a vendor domain, each
//! its own variant so that a wallet can say exactly what is wrong.

use crate::time::UnixTime;
use thiserror::Error;

/// Which wildcard rule (RFC 6125 §6.4.3, as restricted by the CA/Browser
/// Forum Baseline Requirements §3.2.2.6 and §7.1.4.2.1) a SAN broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WildcardRule {
    /// `*.com`: the wildcard would cover every name under a single-label
    /// suffix (a top-level domain).
    SingleLabelSuffix,
    /// `a.b.example.com` under `*.example.com`: `*` matches exactly one label.
    MoreThanOneLabel,
    /// `w*.example.com`, `*.*.example.com`, `a.*.example.com`: only a whole,
    /// single, left-most `*` label is accepted.
    NotWholeLeftmostLabel,
}

impl core::fmt::Display for WildcardRule {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            WildcardRule::SingleLabelSuffix => "wildcard over a single-label suffix",
            WildcardRule::MoreThanOneLabel => "'*' matches exactly one label",
            WildcardRule::NotWholeLeftmostLabel => "'*' must be the whole left-most label",
        })
    }
}

/// Certificate or chain failure.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PkiError {
    // ---- decoding -------------------------------------------------------
    /// No certificate was supplied where one is required.
    #[error("no certificate supplied")]
    NoCertificate,
    /// A PEM block that is not `CERTIFICATE`.
    #[error("unexpected PEM block {label:?}; expected CERTIFICATE")]
    UnexpectedPemLabel { label: String },
    /// PEM armour or base64 is broken.
    #[error("malformed PEM: {reason}")]
    MalformedPem { reason: String },
    /// DER that does not parse as an X.509 certificate.
    #[error("certificate #{index} is not valid X.509 DER: {reason}")]
    MalformedCertificate { index: usize, reason: String },
    /// More certificates than a chain may carry.
    #[error("{count} certificates supplied; at most {max} are accepted")]
    TooManyCertificates { count: usize, max: usize },
    /// An extension the verifier needs could not be decoded.
    #[error("certificate {subject}: malformed extension: {reason}")]
    MalformedExtension { subject: String, reason: String },
    /// A critical extension this verifier does not process (RFC 5280 §4.2).
    #[error("certificate {subject}: unsupported critical extension {oid}")]
    UnsupportedCriticalExtension { subject: String, oid: String },

    // ---- keys and signature algorithms ------------------------------------
    /// Public key of a type other than RSA or EC.
    #[error("certificate {subject}: unsupported public key algorithm {oid}")]
    UnsupportedKeyAlgorithm { subject: String, oid: String },
    /// EC key on a curve other than P-256 or P-384.
    #[error("certificate {subject}: unsupported elliptic curve {oid}")]
    UnsupportedCurve { subject: String, oid: String },
    /// RSA key shorter than 2048 bits.
    #[error("certificate {subject}: RSA key of {bits} bits is too weak (minimum 2048)")]
    WeakRsaKey { subject: String, bits: usize },
    /// Public key bytes that do not decode.
    #[error("certificate {subject}: malformed public key: {reason}")]
    MalformedPublicKey { subject: String, reason: String },
    /// A certificate signed with SHA-1 (or MD5).
    #[error("certificate {subject} is signed with SHA-1, which is not accepted")]
    Sha1Signature { subject: String },
    /// A signature algorithm this verifier does not implement.
    #[error("certificate {subject}: unsupported signature algorithm {oid}")]
    UnsupportedSignatureAlgorithm { subject: String, oid: String },
    /// `tbsCertificate.signature` differs from `signatureAlgorithm` (RFC 5280 §4.1.1.2).
    #[error("certificate {subject}: inner and outer signature algorithms differ")]
    SignatureAlgorithmMismatch { subject: String },
    /// The signature algorithm needs a different key type than the issuer's.
    #[error("certificate {subject}: signature algorithm does not fit the issuer's key")]
    SignatureAlgorithmKeyMismatch { subject: String },
    /// The issuer's key does not verify the certificate's signature.
    #[error("certificate {subject}: signature does not verify under issuer {issuer}")]
    BadCertificateSignature { subject: String, issuer: String },

    // ---- path -------------------------------------------------------------
    /// The chain ends in a self-signed root that is not a trust anchor.
    #[error("chain ends at {subject}, which is not a trusted root")]
    UntrustedRoot { subject: String },
    /// A certificate's issuer is neither supplied nor a trust anchor.
    #[error("chain incomplete: no certificate or trust anchor for issuer {issuer} of {subject}")]
    IncompleteChain { subject: String, issuer: String },
    /// Longer than any path we are willing to build.
    #[error("certificate path longer than {max} certificates")]
    ChainTooLong { max: usize },
    /// No trust anchors were configured.
    #[error("no trust anchors configured")]
    NoTrustAnchors,
    /// A caller-supplied or compiled-in trust anchor does not decode.
    #[error("malformed trust anchor: {reason}")]
    MalformedTrustAnchor { reason: String },

    // ---- validity ---------------------------------------------------------
    /// The leaf's `notAfter` is before the verification time.
    #[error("leaf certificate expired at {not_after} (checked at {at})")]
    ExpiredLeaf { not_after: UnixTime, at: UnixTime },
    /// The leaf's `notBefore` is after the verification time.
    #[error("leaf certificate not valid before {not_before} (checked at {at})")]
    NotYetValid { not_before: UnixTime, at: UnixTime },
    /// A CA certificate in the path has expired.
    #[error("CA certificate {subject} expired at {not_after} (checked at {at})")]
    ExpiredCa {
        subject: String,
        not_after: UnixTime,
        at: UnixTime,
    },
    /// A CA certificate in the path is not yet valid.
    #[error("CA certificate {subject} not valid before {not_before} (checked at {at})")]
    CaNotYetValid {
        subject: String,
        not_before: UnixTime,
        at: UnixTime,
    },

    // ---- constraints ------------------------------------------------------
    /// An issuing certificate lacks `basicConstraints` `cA` TRUE (RFC 5280 §4.2.1.9).
    #[error("certificate {subject} issues certificates but is not a CA")]
    NotACa { subject: String },
    /// The leaf is itself a CA certificate.
    #[error("leaf certificate {subject} is a CA certificate")]
    LeafIsCa { subject: String },
    /// `pathLenConstraint` allows fewer intermediates than the path has.
    #[error("CA {subject} allows {path_len} intermediate CA(s) below it, path has {found}")]
    PathLenExceeded {
        subject: String,
        path_len: u32,
        found: usize,
    },
    /// A CA's `keyUsage` lacks `keyCertSign` (RFC 5280 §4.2.1.3).
    #[error("CA {subject} keyUsage does not allow keyCertSign")]
    CaKeyUsageNoCertSign { subject: String },
    /// The leaf's `keyUsage` lacks `digitalSignature`.
    #[error("leaf keyUsage does not allow digitalSignature")]
    LeafKeyUsageNoDigitalSignature,
    /// An `extKeyUsage` in the path excludes `serverAuth` (RFC 5280 §4.2.1.12).
    #[error("certificate {subject} extKeyUsage does not include serverAuth")]
    NotForServerAuth { subject: String },
    /// A DNS SAN of the leaf falls outside a CA's name constraints (RFC 5280 §4.2.1.10).
    #[error("name {name} violates the name constraints of {subject}")]
    NameConstraintViolation { subject: String, name: String },

    // ---- names ------------------------------------------------------------
    /// The leaf's DNS SANs do not cover the vendor domain.
    #[error("certificate is not valid for {domain}; it names {dns_names:?}")]
    NameMismatch {
        domain: String,
        dns_names: Vec<String>,
    },
    /// A wildcard SAN would only cover the vendor domain by breaking a wildcard rule.
    #[error("wildcard {pattern} may not cover {domain}: {rule}")]
    WildcardTooBroad {
        pattern: String,
        domain: String,
        rule: WildcardRule,
    },
}

impl PkiError {
    /// A stable snake_case name for the failure, for JSON verdicts.
    pub fn code(&self) -> &'static str {
        match self {
            PkiError::NoCertificate => "no_certificate",
            PkiError::UnexpectedPemLabel { .. } => "unexpected_pem_label",
            PkiError::MalformedPem { .. } => "malformed_pem",
            PkiError::MalformedCertificate { .. } => "malformed_certificate",
            PkiError::TooManyCertificates { .. } => "too_many_certificates",
            PkiError::MalformedExtension { .. } => "malformed_extension",
            PkiError::UnsupportedCriticalExtension { .. } => "unsupported_critical_extension",
            PkiError::UnsupportedKeyAlgorithm { .. } => "unsupported_key_algorithm",
            PkiError::UnsupportedCurve { .. } => "unsupported_curve",
            PkiError::WeakRsaKey { .. } => "weak_rsa_key",
            PkiError::MalformedPublicKey { .. } => "malformed_public_key",
            PkiError::Sha1Signature { .. } => "sha1_signature",
            PkiError::UnsupportedSignatureAlgorithm { .. } => "unsupported_signature_algorithm",
            PkiError::SignatureAlgorithmMismatch { .. } => "signature_algorithm_mismatch",
            PkiError::SignatureAlgorithmKeyMismatch { .. } => "signature_algorithm_key_mismatch",
            PkiError::BadCertificateSignature { .. } => "bad_certificate_signature",
            PkiError::UntrustedRoot { .. } => "untrusted_root",
            PkiError::IncompleteChain { .. } => "incomplete_chain",
            PkiError::ChainTooLong { .. } => "chain_too_long",
            PkiError::NoTrustAnchors => "no_trust_anchors",
            PkiError::MalformedTrustAnchor { .. } => "malformed_trust_anchor",
            PkiError::ExpiredLeaf { .. } => "expired_leaf",
            PkiError::NotYetValid { .. } => "not_yet_valid",
            PkiError::ExpiredCa { .. } => "expired_ca",
            PkiError::CaNotYetValid { .. } => "ca_not_yet_valid",
            PkiError::NotACa { .. } => "not_a_ca",
            PkiError::LeafIsCa { .. } => "leaf_is_ca",
            PkiError::PathLenExceeded { .. } => "path_len_exceeded",
            PkiError::CaKeyUsageNoCertSign { .. } => "ca_key_usage_no_cert_sign",
            PkiError::LeafKeyUsageNoDigitalSignature => "leaf_key_usage_no_digital_signature",
            PkiError::NotForServerAuth { .. } => "not_for_server_auth",
            PkiError::NameConstraintViolation { .. } => "name_constraint_violation",
            PkiError::NameMismatch { .. } => "name_mismatch",
            PkiError::WildcardTooBroad { .. } => "wildcard_too_broad",
        }
    }

    /// Whether the failure is about names (the certificate is fine but
    /// does not cover the vendor), as opposed to trust in the certificate.
    pub fn is_name_failure(&self) -> bool {
        matches!(
            self,
            PkiError::NameMismatch { .. } | PkiError::WildcardTooBroad { .. }
        )
    }

    /// Whether the failure is a validity period (of the leaf or a CA).
    pub fn is_validity_failure(&self) -> bool {
        matches!(
            self,
            PkiError::ExpiredLeaf { .. }
                | PkiError::NotYetValid { .. }
                | PkiError::ExpiredCa { .. }
                | PkiError::CaNotYetValid { .. }
        )
    }
}
