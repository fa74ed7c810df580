//! The `certsignature` (type 500) of a proof: the leaf certificate's key
//! signing the 32-byte merkle root, which is taken as an already computed
//! SHA-256 digest and not hashed again.
//!
//! - RSA: RSASSA-PSS (RFC 8017 §8.1) with SHA-256, MGF1-SHA-256 and the
//!   maximum salt length `emLen - hLen - 2` (RFC 8017 §9.1.1), as the draft
//!   requires ("RSA signature (using PSS padding mode maximum saltlen)").
//! - ECDSA P-256 / P-384 (FIPS 186-5 §6.4, SEC 1 §4.1.3): the digest is the
//!   message hash `e`; the signature is a DER `Ecdsa-Sig-Value` (RFC 3279
//!   §2.2.3). This is an lnap extension beyond the 2021 draft.
//!
//! Private keys come from PEM: PKCS#8 `PRIVATE KEY` (RFC 5208), PKCS#1
//! `RSA PRIVATE KEY` (RFC 8017 App. A.1.2) or SEC 1 `EC PRIVATE KEY`
//! (RFC 5915).

use crate::pki::{PublicKey, MAX_RSA_BITS, MIN_RSA_BITS};
use rand_core::CryptoRngCore;
use rsa::traits::PublicKeyParts;
use sha2::Sha256;
use thiserror::Error;

/// Length of the signed digest (the merkle root).
pub const DIGEST_LEN: usize = 32;
/// SHA-256 output length, `hLen` in RFC 8017 §9.1.1.
const H_LEN: usize = 32;

/// Why a `certsignature` does not verify.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CertSignatureError {
    /// RSA signature whose length is not the modulus length.
    #[error("RSA signature is {found} bytes; the key needs {expected}")]
    WrongRsaSignatureLength { expected: usize, found: usize },
    /// ECDSA signature that is not a DER `Ecdsa-Sig-Value`.
    #[error("ECDSA signature is not DER-encoded")]
    MalformedEcdsaSignature,
    /// The signature does not verify under the leaf certificate's key.
    #[error("certsignature does not verify under the certificate's key")]
    BadSignature,
}

impl CertSignatureError {
    /// A stable snake_case name for the failure, for JSON verdicts.
    pub fn code(&self) -> &'static str {
        match self {
            CertSignatureError::WrongRsaSignatureLength { .. } => "wrong_rsa_signature_length",
            CertSignatureError::MalformedEcdsaSignature => "malformed_ecdsa_signature",
            CertSignatureError::BadSignature => "bad_signature",
        }
    }
}

/// Maximum PSS salt for a modulus of `bits` bits: `emLen - hLen - 2`,
/// with `emLen = ceil((modBits - 1) / 8)` (RFC 8017 §9.1.1).
fn max_pss_salt(bits: usize) -> usize {
    let em_len = bits.saturating_sub(1).div_ceil(8);
    em_len.saturating_sub(H_LEN + 2)
}

/// Verifies `sig` over the 32-byte `digest` with the leaf key.
pub fn verify(
    key: &PublicKey,
    digest: &[u8; DIGEST_LEN],
    sig: &[u8],
) -> Result<(), CertSignatureError> {
    match key {
        PublicKey::Rsa(k) => {
            let expected = k.size();
            if sig.len() != expected {
                return Err(CertSignatureError::WrongRsaSignatureLength {
                    expected,
                    found: sig.len(),
                });
            }
            let scheme = rsa::Pss::new_with_salt::<Sha256>(max_pss_salt(k.n().bits()));
            k.verify(scheme, digest, sig)
                .map_err(|_| CertSignatureError::BadSignature)
        }
        PublicKey::P256(_) | PublicKey::P384(_) => {
            let der_ok = match key {
                PublicKey::P256(_) => p256::ecdsa::Signature::from_der(sig).is_ok(),
                _ => p384::ecdsa::Signature::from_der(sig).is_ok(),
            };
            if !der_ok {
                return Err(CertSignatureError::MalformedEcdsaSignature);
            }
            key.verify_ecdsa_der_prehash(digest, sig)
                .map_err(|_| CertSignatureError::BadSignature)
        }
    }
}

/// Why a PEM private key cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SigningKeyError {
    #[error("no PEM private key block found")]
    NoPemBlock,
    #[error("encrypted private keys are not supported; decrypt it first")]
    Encrypted,
    #[error("PEM block {0:?} is not a private key")]
    UnexpectedLabel(String),
    #[error("private key is not RSA, P-256 or P-384 (or is malformed)")]
    Unsupported,
    #[error("RSA key of {bits} bits is outside {min}..={max}")]
    RsaKeySize { bits: usize, min: usize, max: usize },
}

/// Why signing failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SigningError {
    #[error("RSA-PSS signing failed: {0}")]
    Rsa(String),
    #[error("ECDSA signing failed")]
    Ecdsa,
}

/// A private key able to make a `certsignature`.
#[derive(Clone)]
pub enum SigningKey {
    Rsa(Box<rsa::RsaPrivateKey>),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
}

impl core::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Never print key material.
        f.write_str(match self {
            SigningKey::Rsa(_) => "SigningKey::Rsa(..)",
            SigningKey::P256(_) => "SigningKey::P256(..)",
            SigningKey::P384(_) => "SigningKey::P384(..)",
        })
    }
}

/// Returns the first PEM block (whole armour included) with one of the
/// private-key labels, skipping others such as `EC PARAMETERS`.
fn find_key_block(pem: &str) -> Result<(&str, &str), SigningKeyError> {
    const LABELS: &[&str] = &["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"];
    let mut rest = pem;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after = rest.get(start + 11..).ok_or(SigningKeyError::NoPemBlock)?;
        let label_end = after.find("-----").ok_or(SigningKeyError::NoPemBlock)?;
        let label = after.get(..label_end).ok_or(SigningKeyError::NoPemBlock)?;
        let end_marker = format!("-----END {label}-----");
        let end = rest.find(&end_marker).ok_or(SigningKeyError::NoPemBlock)?;
        let block_end = end + end_marker.len();
        let block = rest
            .get(start..block_end)
            .ok_or(SigningKeyError::NoPemBlock)?;
        if label == "ENCRYPTED PRIVATE KEY" || block.contains("Proc-Type: 4,ENCRYPTED") {
            return Err(SigningKeyError::Encrypted);
        }
        if LABELS.contains(&label) {
            return Ok((label, block));
        }
        if label.contains("PRIVATE KEY") {
            return Err(SigningKeyError::UnexpectedLabel(label.to_owned()));
        }
        rest = rest.get(block_end..).unwrap_or("");
    }
    Err(SigningKeyError::NoPemBlock)
}

impl SigningKey {
    /// Reads a PEM private key (PKCS#8, PKCS#1 RSA or SEC 1 EC).
    pub fn from_pem(pem: &str) -> Result<Self, SigningKeyError> {
        use rsa::pkcs1::DecodeRsaPrivateKey;
        use rsa::pkcs8::DecodePrivateKey;
        let (label, block) = find_key_block(pem)?;
        let key = match label {
            "RSA PRIVATE KEY" => rsa::RsaPrivateKey::from_pkcs1_pem(block)
                .map(|k| SigningKey::Rsa(Box::new(k)))
                .map_err(|_| SigningKeyError::Unsupported)?,
            "EC PRIVATE KEY" => {
                if let Ok(k) = p256::SecretKey::from_sec1_pem(block) {
                    SigningKey::P256(k.into())
                } else if let Ok(k) = p384::SecretKey::from_sec1_pem(block) {
                    SigningKey::P384(k.into())
                } else {
                    return Err(SigningKeyError::Unsupported);
                }
            }
            _ => {
                if let Ok(k) = rsa::RsaPrivateKey::from_pkcs8_pem(block) {
                    SigningKey::Rsa(Box::new(k))
                } else if let Ok(k) = p256::SecretKey::from_pkcs8_pem(block) {
                    SigningKey::P256(k.into())
                } else if let Ok(k) = p384::SecretKey::from_pkcs8_pem(block) {
                    SigningKey::P384(k.into())
                } else {
                    return Err(SigningKeyError::Unsupported);
                }
            }
        };
        if let SigningKey::Rsa(k) = &key {
            let bits = k.n().bits();
            if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
                return Err(SigningKeyError::RsaKeySize {
                    bits,
                    min: MIN_RSA_BITS,
                    max: MAX_RSA_BITS,
                });
            }
        }
        Ok(key)
    }

    /// The matching public key (compare with the leaf certificate's).
    pub fn public_key(&self) -> PublicKey {
        match self {
            SigningKey::Rsa(k) => PublicKey::Rsa(k.to_public_key()),
            SigningKey::P256(k) => PublicKey::P256(*k.verifying_key()),
            SigningKey::P384(k) => PublicKey::P384(*k.verifying_key()),
        }
    }

    /// Signs the 32-byte digest. RSA-PSS draws its salt from `rng`; ECDSA
    /// is deterministic (RFC 6979) and ignores it.
    pub fn sign_digest(
        &self,
        digest: &[u8; DIGEST_LEN],
        rng: &mut impl CryptoRngCore,
    ) -> Result<Vec<u8>, SigningError> {
        use p256::ecdsa::signature::hazmat::PrehashSigner;
        match self {
            SigningKey::Rsa(k) => {
                let scheme = rsa::Pss::new_with_salt::<Sha256>(max_pss_salt(k.n().bits()));
                k.sign_with_rng(rng, scheme, digest)
                    .map_err(|e| SigningError::Rsa(e.to_string()))
            }
            SigningKey::P256(k) => {
                let sig: p256::ecdsa::Signature =
                    k.sign_prehash(digest).map_err(|_| SigningError::Ecdsa)?;
                Ok(sig.to_der().as_bytes().to_vec())
            }
            SigningKey::P384(k) => {
                let sig: p384::ecdsa::Signature =
                    k.sign_prehash(digest).map_err(|_| SigningError::Ecdsa)?;
                Ok(sig.to_der().as_bytes().to_vec())
            }
        }
    }

    /// [`Self::sign_digest`] with the operating system's RNG.
    #[cfg(feature = "os-rng")]
    pub fn sign_digest_os_rng(&self, digest: &[u8; DIGEST_LEN]) -> Result<Vec<u8>, SigningError> {
        self.sign_digest(digest, &mut rand_core::OsRng)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_salt_matches_rfc8017() {
        // 2048-bit modulus: emLen = 256, salt = 256 - 32 - 2.
        assert_eq!(max_pss_salt(2048), 222);
        // 4096-bit: emLen = 512.
        assert_eq!(max_pss_salt(4096), 478);
        // 2049-bit: emBits = 2048 -> emLen = 256.
        assert_eq!(max_pss_salt(2049), 222);
    }

    #[test]
    fn finds_key_after_ec_parameters() {
        let pem = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n";
        let (label, block) = find_key_block(pem).unwrap();
        assert_eq!(label, "EC PRIVATE KEY");
        assert!(block.starts_with("-----BEGIN EC PRIVATE KEY-----"));
        assert!(block.ends_with("-----END EC PRIVATE KEY-----"));
    }

    #[test]
    fn refuses_encrypted_and_missing_keys() {
        assert_eq!(
            find_key_block(
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAA\n-----END ENCRYPTED PRIVATE KEY-----\n"
            ),
            Err(SigningKeyError::Encrypted)
        );
        assert_eq!(
            find_key_block("nothing here"),
            Err(SigningKeyError::NoPemBlock)
        );
    }
}
