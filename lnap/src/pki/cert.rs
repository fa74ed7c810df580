//! X.509 certificates (RFC 5280 §4.1) decoded once into an owned summary of
//! exactly the fields path validation needs, from PEM (RFC 7468 §5) or DER,
//! one certificate or a concatenated chain.

use super::algorithm::SignatureAlgorithm;
use super::error::PkiError;
use crate::time::UnixTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::pem::Pem;
use x509_parser::prelude::FromDer;

/// Most certificates accepted in one `cert`/`certchain`/roots input.
pub const MAX_CERTIFICATES: usize = 16;

/// Extensions this verifier processes, so they may be critical
/// (RFC 5280 §4.2: an unrecognised critical extension MUST be rejected).
/// Certificate policies are accepted without policy processing
/// (the web PKI does not require an explicit policy).
const HANDLED_EXTENSIONS: &[&str] = &[
    "2.5.29.19", // basicConstraints
    "2.5.29.15", // keyUsage
    "2.5.29.37", // extKeyUsage
    "2.5.29.17", // subjectAltName
    "2.5.29.30", // nameConstraints
    "2.5.29.32", // certificatePolicies
];

/// `basicConstraints` (RFC 5280 §4.2.1.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BasicConstraints {
    pub ca: bool,
    pub path_len: Option<u32>,
}

/// The `keyUsage` bits (RFC 5280 §4.2.1.3) that matter here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyUsage {
    pub digital_signature: bool,
    pub key_cert_sign: bool,
}

/// The `extKeyUsage` purposes (RFC 5280 §4.2.1.12) that matter here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtKeyUsage {
    pub server_auth: bool,
    pub any: bool,
}

/// DNS-name subtrees of a `nameConstraints` extension (RFC 5280 §4.2.1.10).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DnsNameConstraints {
    pub permitted: Vec<String>,
    pub excluded: Vec<String>,
}

/// One decoded certificate. Only constructed by parsing, so every field is
/// consistent with `der`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
    tbs: Vec<u8>,
    subject_der: Vec<u8>,
    issuer_der: Vec<u8>,
    subject: String,
    issuer: String,
    spki_der: Vec<u8>,
    signature_algorithm: SignatureAlgorithm,
    algorithms_agree: bool,
    signature: Vec<u8>,
    not_before: UnixTime,
    not_after: UnixTime,
    basic_constraints: Option<BasicConstraints>,
    key_usage: Option<KeyUsage>,
    ext_key_usage: Option<ExtKeyUsage>,
    dns_names: Vec<String>,
    name_constraints: Option<DnsNameConstraints>,
    unsupported_critical: Option<String>,
}

impl Certificate {
    /// Decodes exactly one DER certificate (no trailing bytes).
    pub fn from_der(der: &[u8]) -> Result<Self, PkiError> {
        let (rest, cert) = Self::parse_one(der, 0)?;
        if !rest.is_empty() {
            return Err(PkiError::MalformedCertificate {
                index: 0,
                reason: "trailing data after certificate".into(),
            });
        }
        Ok(cert)
    }

    fn parse_one(input: &[u8], index: usize) -> Result<(&[u8], Self), PkiError> {
        let malformed = |reason: String| PkiError::MalformedCertificate { index, reason };
        let (rest, x) = X509Certificate::from_der(input).map_err(|e| malformed(e.to_string()))?;
        let der_len = input.len().saturating_sub(rest.len());
        let der = input
            .get(..der_len)
            .ok_or_else(|| malformed("length".into()))?;
        let subject = x.subject().to_string();
        let cert = Self::from_parsed(&x, der, &subject)?;
        Ok((rest, cert))
    }

    fn from_parsed(x: &X509Certificate<'_>, der: &[u8], subject: &str) -> Result<Self, PkiError> {
        let ext_err = |reason: String| PkiError::MalformedExtension {
            subject: subject.to_owned(),
            reason,
        };
        let basic_constraints = x
            .basic_constraints()
            .map_err(|e| ext_err(e.to_string()))?
            .map(|b| BasicConstraints {
                ca: b.value.ca,
                path_len: b.value.path_len_constraint,
            });
        let key_usage = x
            .key_usage()
            .map_err(|e| ext_err(e.to_string()))?
            .map(|k| KeyUsage {
                digital_signature: k.value.digital_signature(),
                key_cert_sign: k.value.key_cert_sign(),
            });
        let ext_key_usage = x
            .extended_key_usage()
            .map_err(|e| ext_err(e.to_string()))?
            .map(|k| ExtKeyUsage {
                server_auth: k.value.server_auth,
                any: k.value.any,
            });
        let dns_names = x
            .subject_alternative_name()
            .map_err(|e| ext_err(e.to_string()))?
            .map(|san| {
                san.value
                    .general_names
                    .iter()
                    .filter_map(|g| match g {
                        GeneralName::DNSName(n) => Some((*n).to_owned()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let name_constraints = x
            .name_constraints()
            .map_err(|e| ext_err(e.to_string()))?
            .map(|nc| DnsNameConstraints {
                permitted: dns_subtrees(nc.value.permitted_subtrees.as_deref()),
                excluded: dns_subtrees(nc.value.excluded_subtrees.as_deref()),
            });
        let mut unsupported_critical = None;
        for ext in x.extensions() {
            if let ParsedExtension::ParseError { error } = ext.parsed_extension() {
                return Err(ext_err(format!("{}: {error}", ext.oid.to_id_string())));
            }
            let oid = ext.oid.to_id_string();
            if ext.critical && !HANDLED_EXTENSIONS.contains(&oid.as_str()) {
                unsupported_critical.get_or_insert(oid);
            }
        }
        let signature_algorithm = SignatureAlgorithm::from_identifier(&x.signature_algorithm);
        let algorithms_agree = x.signature_algorithm == x.tbs_certificate.signature;
        Ok(Self {
            der: der.to_vec(),
            tbs: x.tbs_certificate.as_ref().to_vec(),
            subject_der: x.subject().as_raw().to_vec(),
            issuer_der: x.issuer().as_raw().to_vec(),
            subject: subject.to_owned(),
            issuer: x.issuer().to_string(),
            spki_der: x.public_key().raw.to_vec(),
            signature_algorithm,
            algorithms_agree,
            signature: x.signature_value.data.to_vec(),
            not_before: UnixTime::from_secs(x.validity().not_before.timestamp()),
            not_after: UnixTime::from_secs(x.validity().not_after.timestamp()),
            basic_constraints,
            key_usage,
            ext_key_usage,
            dns_names,
            name_constraints,
            unsupported_critical,
        })
    }

    /// The full DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }
    /// DER `tbsCertificate`, the signed bytes.
    pub fn tbs(&self) -> &[u8] {
        &self.tbs
    }
    /// DER `subject` Name.
    pub fn subject_der(&self) -> &[u8] {
        &self.subject_der
    }
    /// DER `issuer` Name.
    pub fn issuer_der(&self) -> &[u8] {
        &self.issuer_der
    }
    /// Human-readable subject, for messages.
    pub fn subject(&self) -> &str {
        &self.subject
    }
    /// Human-readable issuer, for messages.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }
    /// DER `SubjectPublicKeyInfo`.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }
    /// The outer `signatureAlgorithm`.
    pub fn signature_algorithm(&self) -> &SignatureAlgorithm {
        &self.signature_algorithm
    }
    /// Whether `tbsCertificate.signature` equals `signatureAlgorithm`.
    pub fn algorithms_agree(&self) -> bool {
        self.algorithms_agree
    }
    /// `signatureValue` bytes.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }
    /// `notBefore`.
    pub fn not_before(&self) -> UnixTime {
        self.not_before
    }
    /// `notAfter`.
    pub fn not_after(&self) -> UnixTime {
        self.not_after
    }
    /// `basicConstraints`, if present.
    pub fn basic_constraints(&self) -> Option<BasicConstraints> {
        self.basic_constraints
    }
    /// `keyUsage`, if present.
    pub fn key_usage(&self) -> Option<KeyUsage> {
        self.key_usage
    }
    /// `extKeyUsage`, if present.
    pub fn ext_key_usage(&self) -> Option<ExtKeyUsage> {
        self.ext_key_usage
    }
    /// `dNSName` entries of `subjectAltName`.
    pub fn dns_names(&self) -> &[String] {
        &self.dns_names
    }
    /// DNS parts of `nameConstraints`, if present.
    pub fn name_constraints(&self) -> Option<&DnsNameConstraints> {
        self.name_constraints.as_ref()
    }
    /// First critical extension this verifier does not process, by OID.
    pub fn unsupported_critical_extension(&self) -> Option<&str> {
        self.unsupported_critical.as_deref()
    }
    /// Whether subject and issuer names are byte-identical (self-issued, RFC 5280 §3.2).
    pub fn is_self_issued(&self) -> bool {
        self.subject_der == self.issuer_der
    }
}

/// The DNS names of name-constraint subtrees, lowercased (other name forms are ignored).
pub(crate) fn dns_subtrees(
    subtrees: Option<&[x509_parser::extensions::GeneralSubtree<'_>]>,
) -> Vec<String> {
    subtrees
        .unwrap_or_default()
        .iter()
        .filter_map(|s| match s.base {
            GeneralName::DNSName(n) => Some(n.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// Decodes a `cert`/`certchain` value or a roots file: PEM with one or more
/// `CERTIFICATE` blocks, or one or more concatenated DER certificates.
pub fn parse_certificates(input: &[u8]) -> Result<Vec<Certificate>, PkiError> {
    let certs = if looks_like_pem(input) {
        parse_pem(input)?
    } else {
        parse_der_sequence(input)?
    };
    if certs.is_empty() {
        return Err(PkiError::NoCertificate);
    }
    Ok(certs)
}

/// PEM is text starting (after optional whitespace) with an RFC 7468 label;
/// DER certificates start with a SEQUENCE tag (0x30).
fn looks_like_pem(input: &[u8]) -> bool {
    let start = input
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(input.len());
    input
        .get(start..)
        .is_some_and(|rest| rest.starts_with(b"-----BEGIN "))
}

fn parse_pem(input: &[u8]) -> Result<Vec<Certificate>, PkiError> {
    let mut out = Vec::new();
    for (index, block) in Pem::iter_from_buffer(input).enumerate() {
        let pem = block.map_err(|e| PkiError::MalformedPem {
            reason: e.to_string(),
        })?;
        if pem.label != "CERTIFICATE" {
            return Err(PkiError::UnexpectedPemLabel { label: pem.label });
        }
        if out.len() == MAX_CERTIFICATES {
            return Err(PkiError::TooManyCertificates {
                count: out.len() + 1,
                max: MAX_CERTIFICATES,
            });
        }
        let cert = Certificate::from_der(&pem.contents).map_err(|e| match e {
            PkiError::MalformedCertificate { reason, .. } => {
                PkiError::MalformedCertificate { index, reason }
            }
            other => other,
        })?;
        out.push(cert);
    }
    Ok(out)
}

fn parse_der_sequence(mut input: &[u8]) -> Result<Vec<Certificate>, PkiError> {
    let mut out = Vec::new();
    while !input.is_empty() {
        if out.len() == MAX_CERTIFICATES {
            return Err(PkiError::TooManyCertificates {
                count: out.len() + 1,
                max: MAX_CERTIFICATES,
            });
        }
        let (rest, cert) = Certificate::parse_one(input, out.len())?;
        out.push(cert);
        input = rest;
    }
    Ok(out)
}
