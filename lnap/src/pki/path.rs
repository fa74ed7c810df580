//! Certification path building and validation (RFC 5280 §6, restricted to
//! what the web PKI uses; RFC 4158 for building a path from unordered input).
//!
//! Building: starting at the leaf, each step looks for an issuer whose
//! subject Name is byte-identical to the current certificate's issuer Name,
//! first among the trust anchors, then among the supplied certificates (in
//! any order), and keeps it only if its key verifies the current
//! certificate's signature. Validation of each complete path checks validity
//! periods, `basicConstraints` (cA and pathLenConstraint), `keyUsage`,
//! `extKeyUsage` (serverAuth), DNS name constraints and unhandled critical
//! extensions. Revocation and certificate policies are not checked.

use super::algorithm::{verify_signed_data, SignedDataError};
use super::anchors::{TrustAnchor, TrustAnchors};
use super::cert::{Certificate, ExtKeyUsage};
use super::error::PkiError;
use super::names::check_name_constraints;
use super::public_key::{KeyError, PublicKey};
use crate::time::UnixTime;

/// Most intermediates in a path.
pub const MAX_INTERMEDIATES: usize = 6;
/// Most signature verifications spent building one path.
const MAX_SIGNATURE_CHECKS: usize = 64;

/// A validated path: leaf, intermediates from the leaf's issuer upward, and
/// the anchor that signed the last of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedPath {
    pub leaf: Certificate,
    pub intermediates: Vec<Certificate>,
    pub anchor: TrustAnchor,
}

/// How much an error says about why the best candidate path failed: a fully
/// built path that fails validation beats a bad signature, which beats a
/// missing issuer.
fn rank(e: &PkiError) -> u8 {
    match e {
        PkiError::UntrustedRoot { .. } | PkiError::IncompleteChain { .. } => 1,
        PkiError::ChainTooLong { .. } => 0,
        PkiError::BadCertificateSignature { .. }
        | PkiError::Sha1Signature { .. }
        | PkiError::UnsupportedSignatureAlgorithm { .. }
        | PkiError::SignatureAlgorithmMismatch { .. }
        | PkiError::SignatureAlgorithmKeyMismatch { .. } => 2,
        _ => 3,
    }
}

struct Builder<'a> {
    supplied: &'a [Certificate],
    anchors: &'a TrustAnchors,
    at: UnixTime,
    checks: usize,
    best: Option<PkiError>,
}

impl Builder<'_> {
    fn note(&mut self, e: PkiError) {
        let better = match &self.best {
            None => true,
            Some(b) => rank(&e) > rank(b),
        };
        if better {
            self.best = Some(e);
        }
    }

    fn spend(&mut self) -> Result<(), PkiError> {
        self.checks += 1;
        if self.checks > MAX_SIGNATURE_CHECKS {
            return Err(PkiError::ChainTooLong {
                max: MAX_INTERMEDIATES + 1,
            });
        }
        Ok(())
    }

    fn is_anchor(&self, c: &Certificate) -> bool {
        self.anchors
            .iter()
            .any(|a| a.subject_der() == c.subject_der() && a.spki_der() == c.spki_der())
    }

    /// Extends `path` (indices into `supplied`, leaf excluded) above `current`.
    fn extend(
        &mut self,
        leaf: &Certificate,
        path: &mut Vec<usize>,
    ) -> Result<Option<VerifiedPath>, PkiError> {
        let current = match path.last() {
            Some(&i) => self.supplied.get(i).unwrap_or(leaf),
            None => leaf,
        };
        let mut found_issuer = false;
        for anchor in self.anchors.iter() {
            if anchor.subject_der() != current.issuer_der() {
                continue;
            }
            found_issuer = true;
            self.spend()?;
            let key = match anchor_key(anchor) {
                Ok(k) => k,
                Err(e) => {
                    self.note(e);
                    continue;
                }
            };
            if let Err(e) = check_issued_by(current, &key, anchor.subject()) {
                self.note(e);
                continue;
            }
            let intermediates: Vec<Certificate> = path
                .iter()
                .filter_map(|&i| self.supplied.get(i).cloned())
                .collect();
            match validate(leaf, &intermediates, anchor, self.at) {
                Ok(()) => {
                    return Ok(Some(VerifiedPath {
                        leaf: leaf.clone(),
                        intermediates,
                        anchor: anchor.clone(),
                    }))
                }
                Err(e) => self.note(e),
            }
        }
        for (i, cand) in self.supplied.iter().enumerate() {
            if cand.subject_der() != current.issuer_der()
                || cand.der() == leaf.der()
                || path.contains(&i)
                || self.is_anchor(cand)
            {
                continue;
            }
            found_issuer = true;
            if path.len() >= MAX_INTERMEDIATES {
                self.note(PkiError::ChainTooLong {
                    max: MAX_INTERMEDIATES + 1,
                });
                continue;
            }
            self.spend()?;
            let key = match PublicKey::from_spki_der(cand.spki_der()) {
                Ok(k) => k,
                Err(e) => {
                    self.note(key_error(cand.subject(), e));
                    continue;
                }
            };
            if let Err(e) = check_issued_by(current, &key, cand.subject()) {
                self.note(e);
                continue;
            }
            path.push(i);
            if let Some(done) = self.extend(leaf, path)? {
                return Ok(Some(done));
            }
            path.pop();
        }
        if !found_issuer {
            self.note(if current.is_self_issued() {
                PkiError::UntrustedRoot {
                    subject: current.subject().to_owned(),
                }
            } else {
                PkiError::IncompleteChain {
                    subject: current.subject().to_owned(),
                    issuer: current.issuer().to_owned(),
                }
            });
        }
        Ok(None)
    }
}

fn anchor_key(anchor: &TrustAnchor) -> Result<PublicKey, PkiError> {
    PublicKey::from_spki_der(anchor.spki_der()).map_err(|e| key_error(anchor.subject(), e))
}

/// Maps a key decoding failure of `subject`'s certificate.
pub(crate) fn key_error(subject: &str, e: KeyError) -> PkiError {
    let subject = subject.to_owned();
    match e {
        KeyError::UnsupportedAlgorithm(oid) => PkiError::UnsupportedKeyAlgorithm { subject, oid },
        KeyError::UnsupportedCurve(oid) => PkiError::UnsupportedCurve { subject, oid },
        KeyError::WeakRsa(bits) => PkiError::WeakRsaKey { subject, bits },
        KeyError::Malformed(reason) => PkiError::MalformedPublicKey { subject, reason },
    }
}

/// Verifies that `issuer_key` signed `cert`.
fn check_issued_by(
    cert: &Certificate,
    issuer_key: &PublicKey,
    issuer: &str,
) -> Result<(), PkiError> {
    let subject = cert.subject().to_owned();
    if !cert.algorithms_agree() {
        return Err(PkiError::SignatureAlgorithmMismatch { subject });
    }
    verify_signed_data(
        issuer_key,
        cert.signature_algorithm(),
        cert.tbs(),
        cert.signature(),
    )
    .map_err(|e| match e {
        SignedDataError::Weak => PkiError::Sha1Signature { subject },
        SignedDataError::Unsupported(oid) => {
            PkiError::UnsupportedSignatureAlgorithm { subject, oid }
        }
        SignedDataError::KeyMismatch => PkiError::SignatureAlgorithmKeyMismatch { subject },
        SignedDataError::BadSignature => PkiError::BadCertificateSignature {
            subject,
            issuer: issuer.to_owned(),
        },
    })
}

fn serves_tls(eku: Option<ExtKeyUsage>) -> bool {
    match eku {
        None => true,
        Some(e) => e.server_auth || e.any,
    }
}

/// Checks a fully built path. `intermediates[0]` issued the leaf.
fn validate(
    leaf: &Certificate,
    intermediates: &[Certificate],
    anchor: &TrustAnchor,
    at: UnixTime,
) -> Result<(), PkiError> {
    if let Some(oid) = leaf.unsupported_critical_extension() {
        return Err(PkiError::UnsupportedCriticalExtension {
            subject: leaf.subject().to_owned(),
            oid: oid.to_owned(),
        });
    }
    if at > leaf.not_after() {
        return Err(PkiError::ExpiredLeaf {
            not_after: leaf.not_after(),
            at,
        });
    }
    if at < leaf.not_before() {
        return Err(PkiError::NotYetValid {
            not_before: leaf.not_before(),
            at,
        });
    }
    if leaf.basic_constraints().is_some_and(|b| b.ca) {
        return Err(PkiError::LeafIsCa {
            subject: leaf.subject().to_owned(),
        });
    }
    if leaf.key_usage().is_some_and(|k| !k.digital_signature) {
        return Err(PkiError::LeafKeyUsageNoDigitalSignature);
    }
    if !serves_tls(leaf.ext_key_usage()) {
        return Err(PkiError::NotForServerAuth {
            subject: leaf.subject().to_owned(),
        });
    }
    for (below, ca) in intermediates.iter().enumerate() {
        let subject = || ca.subject().to_owned();
        if let Some(oid) = ca.unsupported_critical_extension() {
            return Err(PkiError::UnsupportedCriticalExtension {
                subject: subject(),
                oid: oid.to_owned(),
            });
        }
        if at > ca.not_after() {
            return Err(PkiError::ExpiredCa {
                subject: subject(),
                not_after: ca.not_after(),
                at,
            });
        }
        if at < ca.not_before() {
            return Err(PkiError::CaNotYetValid {
                subject: subject(),
                not_before: ca.not_before(),
                at,
            });
        }
        let Some(bc) = ca.basic_constraints().filter(|b| b.ca) else {
            return Err(PkiError::NotACa { subject: subject() });
        };
        // `below` = number of intermediate CAs between this CA and the leaf.
        if let Some(path_len) = bc.path_len {
            if usize::try_from(path_len).is_ok_and(|p| below > p) {
                return Err(PkiError::PathLenExceeded {
                    subject: subject(),
                    path_len,
                    found: below,
                });
            }
        }
        if ca.key_usage().is_some_and(|k| !k.key_cert_sign) {
            return Err(PkiError::CaKeyUsageNoCertSign { subject: subject() });
        }
        if !serves_tls(ca.ext_key_usage()) {
            return Err(PkiError::NotForServerAuth { subject: subject() });
        }
        if let Some(nc) = ca.name_constraints() {
            check_name_constraints(leaf.dns_names(), nc, ca.subject())?;
        }
    }
    if let Some(nc) = anchor.name_constraints() {
        check_name_constraints(leaf.dns_names(), nc, anchor.subject())?;
    }
    Ok(())
}

/// Builds and validates a path from `leaf` through any of `supplied` (in
/// any order) to one of `anchors`, valid at `at`.
pub fn verify_path(
    leaf: &Certificate,
    supplied: &[Certificate],
    anchors: &TrustAnchors,
    at: UnixTime,
) -> Result<VerifiedPath, PkiError> {
    if anchors.is_empty() {
        return Err(PkiError::NoTrustAnchors);
    }
    let mut builder = Builder {
        supplied,
        anchors,
        at,
        checks: 0,
        best: None,
    };
    let mut path = Vec::new();
    match builder.extend(leaf, &mut path)? {
        Some(done) => Ok(done),
        None => Err(builder.best.unwrap_or(PkiError::IncompleteChain {
            subject: leaf.subject().to_owned(),
            issuer: leaf.issuer().to_owned(),
        })),
    }
}
