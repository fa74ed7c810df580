//! Public keys from a `SubjectPublicKeyInfo` (RFC 5280 §4.1.2.7): RSA
//! (RFC 3279 §2.3.1) and EC on P-256 / P-384 (RFC 5480 §2).

use rsa::traits::PublicKeyParts;
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey as XPublicKey;
use x509_parser::x509::SubjectPublicKeyInfo;

/// rsaEncryption (RFC 3279 §2.3.1).
const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
/// id-ecPublicKey (RFC 5480 §2.1.1).
const EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
/// secp256r1 (RFC 5480 §2.1.1.1).
const P256: &str = "1.2.840.10045.3.1.7";
/// secp384r1 (RFC 5480 §2.1.1.1).
const P384: &str = "1.3.132.0.34";
/// Smallest RSA modulus accepted (CA/Browser Forum Baseline Requirements §6.1.5).
pub const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus accepted (bounds the cost of a verification).
pub const MAX_RSA_BITS: usize = 8192;

/// Why a `SubjectPublicKeyInfo` is not a key we can use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    UnsupportedAlgorithm(String),
    UnsupportedCurve(String),
    WeakRsa(usize),
    Malformed(String),
}

/// A verification key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    Rsa(rsa::RsaPublicKey),
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
}

impl PublicKey {
    /// Decodes a DER `SubjectPublicKeyInfo` (with its outer SEQUENCE).
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let (rest, spki) =
            SubjectPublicKeyInfo::from_der(der).map_err(|e| KeyError::Malformed(e.to_string()))?;
        if !rest.is_empty() {
            return Err(KeyError::Malformed(
                "trailing data after SubjectPublicKeyInfo".into(),
            ));
        }
        let alg = spki.algorithm.algorithm.to_id_string();
        match alg.as_str() {
            RSA_ENCRYPTION => {
                let Ok(XPublicKey::RSA(k)) = spki.parsed() else {
                    return Err(KeyError::Malformed("bad RSAPublicKey".into()));
                };
                let n = rsa::BigUint::from_bytes_be(k.modulus);
                let e = rsa::BigUint::from_bytes_be(k.exponent);
                let key = rsa::RsaPublicKey::new_with_max_size(n, e, MAX_RSA_BITS)
                    .map_err(|e| KeyError::Malformed(e.to_string()))?;
                let bits = key.n().bits();
                if bits < MIN_RSA_BITS {
                    return Err(KeyError::WeakRsa(bits));
                }
                Ok(PublicKey::Rsa(key))
            }
            EC_PUBLIC_KEY => {
                let curve = spki
                    .algorithm
                    .parameters
                    .as_ref()
                    .and_then(|p| p.as_oid().ok())
                    .map(|o| o.to_id_string())
                    .ok_or_else(|| KeyError::Malformed("EC key without named curve".into()))?;
                let point: &[u8] = &spki.subject_public_key.data;
                match curve.as_str() {
                    P256 => p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
                        .map(PublicKey::P256)
                        .map_err(|e| KeyError::Malformed(e.to_string())),
                    P384 => p384::ecdsa::VerifyingKey::from_sec1_bytes(point)
                        .map(PublicKey::P384)
                        .map_err(|e| KeyError::Malformed(e.to_string())),
                    _ => Err(KeyError::UnsupportedCurve(curve)),
                }
            }
            _ => Err(KeyError::UnsupportedAlgorithm(alg)),
        }
    }

    /// ECDSA verification of a DER `Ecdsa-Sig-Value` over an already
    /// computed hash (SEC 1 §4.1.4 step 5 truncation is done by the curve crate).
    pub fn verify_ecdsa_der_prehash(&self, prehash: &[u8], sig: &[u8]) -> Result<(), EcdsaError> {
        use p256::ecdsa::signature::hazmat::PrehashVerifier;
        match self {
            PublicKey::P256(k) => {
                let s = p256::ecdsa::Signature::from_der(sig).map_err(|_| EcdsaError)?;
                k.verify_prehash(prehash, &s).map_err(|_| EcdsaError)
            }
            PublicKey::P384(k) => {
                let s = p384::ecdsa::Signature::from_der(sig).map_err(|_| EcdsaError)?;
                k.verify_prehash(prehash, &s).map_err(|_| EcdsaError)
            }
            PublicKey::Rsa(_) => Err(EcdsaError),
        }
    }
}

/// An ECDSA signature that is malformed, for the wrong key type, or invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EcdsaError;
