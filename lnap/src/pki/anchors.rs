//! Trust anchors: Mozilla's root programme as shipped by `webpki-roots`,
//! or roots supplied by the caller as PEM/DER certificates.
//!
//! An anchor is a subject name and a public key (RFC 5280 §6.1.1 (d));
//! certificates given as roots contribute only those (plus DNS name
//! constraints), as in RFC 5914's `TrustAnchorInfo`.

use super::cert::{dns_subtrees, parse_certificates, DnsNameConstraints};
use super::error::PkiError;
use x509_parser::extensions::NameConstraints;
use x509_parser::prelude::FromDer;
use x509_parser::x509::X509Name;

/// ASN.1 universal SEQUENCE tag (X.690 §8.9).
const SEQUENCE_TAG: u8 = 0x30;

/// One trust anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustAnchor {
    subject_der: Vec<u8>,
    subject: String,
    spki_der: Vec<u8>,
    name_constraints: Option<DnsNameConstraints>,
}

impl TrustAnchor {
    /// DER subject Name (with its SEQUENCE header).
    pub fn subject_der(&self) -> &[u8] {
        &self.subject_der
    }
    /// Human-readable subject.
    pub fn subject(&self) -> &str {
        &self.subject
    }
    /// DER SubjectPublicKeyInfo (with its SEQUENCE header).
    pub fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }
    /// DNS name constraints that apply below this anchor.
    pub fn name_constraints(&self) -> Option<&DnsNameConstraints> {
        self.name_constraints.as_ref()
    }

    /// Converts one `webpki-roots` entry, whose fields are the *contents* of
    /// the DER SEQUENCEs (see `rustls_pki_types::TrustAnchor`).
    fn from_webpki(
        subject: &[u8],
        spki: &[u8],
        constraints: Option<&[u8]>,
    ) -> Result<Self, PkiError> {
        let subject_der = wrap_sequence(subject)?;
        let spki_der = wrap_sequence(spki)?;
        let subject = X509Name::from_der(&subject_der)
            .map(|(_, n)| n.to_string())
            .map_err(|e| PkiError::MalformedTrustAnchor {
                reason: e.to_string(),
            })?;
        let name_constraints = match constraints {
            None => None,
            Some(nc) => {
                let der = wrap_sequence(nc)?;
                let (_, parsed) = NameConstraints::from_der(&der).map_err(|e| {
                    PkiError::MalformedTrustAnchor {
                        reason: e.to_string(),
                    }
                })?;
                Some(DnsNameConstraints {
                    permitted: dns_subtrees(parsed.permitted_subtrees.as_deref()),
                    excluded: dns_subtrees(parsed.excluded_subtrees.as_deref()),
                })
            }
        };
        Ok(Self {
            subject_der,
            subject,
            spki_der,
            name_constraints,
        })
    }
}

/// Prepends a DER SEQUENCE tag and definite length (X.690 §8.1.3) to `content`.
fn wrap_sequence(content: &[u8]) -> Result<Vec<u8>, PkiError> {
    let len = content.len();
    let mut out = Vec::with_capacity(len + 4);
    out.push(SEQUENCE_TAG);
    if let Some(l) = u8::try_from(len).ok().filter(|l| *l < 0x80) {
        out.push(l);
    } else if let Ok(l) = u8::try_from(len) {
        out.extend_from_slice(&[0x81, l]);
    } else if let Ok(l) = u16::try_from(len) {
        out.push(0x82);
        out.extend_from_slice(&l.to_be_bytes());
    } else {
        return Err(PkiError::MalformedTrustAnchor {
            reason: "anchor field longer than 65535 bytes".into(),
        });
    }
    out.extend_from_slice(content);
    Ok(out)
}

/// A set of trust anchors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustAnchors {
    anchors: Vec<TrustAnchor>,
}

impl TrustAnchors {
    /// Mozilla's included roots, from `webpki-roots` (the default).
    pub fn mozilla() -> Result<Self, PkiError> {
        let anchors = webpki_roots::TLS_SERVER_ROOTS
            .iter()
            .map(|ta| {
                TrustAnchor::from_webpki(
                    ta.subject.as_ref(),
                    ta.subject_public_key_info.as_ref(),
                    ta.name_constraints.as_ref().map(|nc| nc.as_ref()),
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { anchors })
    }

    /// Roots supplied by the caller: PEM or DER certificates. Only their
    /// subject, key and DNS name constraints are used; their validity and
    /// signatures are not checked (an anchor is trusted by fiat).
    pub fn from_certificates(input: &[u8]) -> Result<Self, PkiError> {
        let certs = parse_certificates(input)?;
        let anchors = certs
            .into_iter()
            .map(|c| TrustAnchor {
                subject_der: c.subject_der().to_vec(),
                subject: c.subject().to_owned(),
                spki_der: c.spki_der().to_vec(),
                name_constraints: c.name_constraints().cloned(),
            })
            .collect();
        Ok(Self { anchors })
    }

    /// Keeps only the anchors whose human-readable subject contains `needle`
    /// (e.g. `"CN=ISRG Root X1"`); fails if none is left.
    pub fn only_subject_containing(self, needle: &str) -> Result<Self, PkiError> {
        let anchors: Vec<_> = self
            .anchors
            .into_iter()
            .filter(|a| a.subject.contains(needle))
            .collect();
        if anchors.is_empty() {
            return Err(PkiError::NoTrustAnchors);
        }
        Ok(Self { anchors })
    }

    /// The anchors, in order.
    pub fn iter(&self) -> impl Iterator<Item = &TrustAnchor> {
        self.anchors.iter()
    }

    /// Number of anchors.
    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    /// Whether there are no anchors.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }
}
