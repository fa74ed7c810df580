//! Certificate signature algorithms (RFC 5280 §4.1.1.2) and their
//! verification with the RustCrypto crates.
//!
//! Accepted: RSA PKCS#1 v1.5 with SHA-256/384/512 (RFC 4055 §5),
//! RSASSA-PSS with SHA-256/384/512 and MGF1 over the same hash (RFC 4055 §3.1),
//! ECDSA with SHA-256/384/512 on P-256 or P-384 keys (RFC 5758 §3.2).
//! SHA-1 and MD5 based algorithms are recognised only to be refused
//! (CA/Browser Forum Baseline Requirements §7.1.3.2).

use super::public_key::PublicKey;
use sha2::{Digest, Sha256, Sha384, Sha512};
use x509_parser::x509::AlgorithmIdentifier;

/// sha256WithRSAEncryption (RFC 4055 §5).
const RSA_SHA256: &str = "1.2.840.113549.1.1.11";
/// sha384WithRSAEncryption (RFC 4055 §5).
const RSA_SHA384: &str = "1.2.840.113549.1.1.12";
/// sha512WithRSAEncryption (RFC 4055 §5).
const RSA_SHA512: &str = "1.2.840.113549.1.1.13";
/// id-RSASSA-PSS (RFC 4055 §3).
const RSA_PSS: &str = "1.2.840.113549.1.1.10";
/// id-mgf1 (RFC 4055 §2.2).
const MGF1: &str = "1.2.840.113549.1.1.8";
/// ecdsa-with-SHA256/384/512 (RFC 5758 §3.2).
const ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
const ECDSA_SHA384: &str = "1.2.840.10045.4.3.3";
const ECDSA_SHA512: &str = "1.2.840.10045.4.3.4";
/// id-sha256, id-sha384, id-sha512 (RFC 4055 §2.1).
const SHA256: &str = "2.16.840.1.101.3.4.2.1";
const SHA384: &str = "2.16.840.1.101.3.4.2.2";
const SHA512: &str = "2.16.840.1.101.3.4.2.3";
/// id-sha1 (RFC 3279 §2.1).
const SHA1: &str = "1.3.14.3.2.26";
/// Refused weak algorithms: sha1WithRSAEncryption, the OIW sha1WithRSA,
/// md5WithRSAEncryption, md2WithRSAEncryption, ecdsa-with-SHA1, dsa-with-sha1.
const WEAK: &[&str] = &[
    "1.2.840.113549.1.1.5",
    "1.3.14.3.2.29",
    "1.2.840.113549.1.1.4",
    "1.2.840.113549.1.1.2",
    "1.2.840.10045.4.1",
    "1.2.840.10040.4.3",
];

/// The hash inside a signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashAlg {
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlg {
    fn from_oid(oid: &str) -> Option<Self> {
        match oid {
            SHA256 => Some(HashAlg::Sha256),
            SHA384 => Some(HashAlg::Sha384),
            SHA512 => Some(HashAlg::Sha512),
            _ => None,
        }
    }

    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            HashAlg::Sha256 => Sha256::digest(data).to_vec(),
            HashAlg::Sha384 => Sha384::digest(data).to_vec(),
            HashAlg::Sha512 => Sha512::digest(data).to_vec(),
        }
    }
}

/// A certificate's signature algorithm, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureAlgorithm {
    /// RSASSA-PKCS1-v1_5.
    RsaPkcs1(HashAlg),
    /// RSASSA-PSS, MGF1 with the same hash, trailer field 1.
    RsaPss { hash: HashAlg, salt_len: usize },
    /// ECDSA, DER `Ecdsa-Sig-Value`.
    Ecdsa(HashAlg),
    /// SHA-1 or older hash: recognised, always refused.
    Weak,
    /// Anything else, by dotted OID.
    Unsupported(String),
}

impl SignatureAlgorithm {
    /// Classifies an `AlgorithmIdentifier`.
    pub fn from_identifier(alg: &AlgorithmIdentifier<'_>) -> Self {
        let oid = alg.algorithm.to_id_string();
        match oid.as_str() {
            RSA_SHA256 => SignatureAlgorithm::RsaPkcs1(HashAlg::Sha256),
            RSA_SHA384 => SignatureAlgorithm::RsaPkcs1(HashAlg::Sha384),
            RSA_SHA512 => SignatureAlgorithm::RsaPkcs1(HashAlg::Sha512),
            ECDSA_SHA256 => SignatureAlgorithm::Ecdsa(HashAlg::Sha256),
            ECDSA_SHA384 => SignatureAlgorithm::Ecdsa(HashAlg::Sha384),
            ECDSA_SHA512 => SignatureAlgorithm::Ecdsa(HashAlg::Sha512),
            RSA_PSS => Self::from_pss(alg).unwrap_or(SignatureAlgorithm::Unsupported(oid)),
            o if WEAK.contains(&o) => SignatureAlgorithm::Weak,
            _ => SignatureAlgorithm::Unsupported(oid),
        }
    }

    /// RSASSA-PSS-params (RFC 4055 §3.1); `None` for parameters we do not
    /// accept. A SHA-1 hash (the RFC 4055 default) maps to [`Self::Weak`].
    fn from_pss(alg: &AlgorithmIdentifier<'_>) -> Option<Self> {
        use x509_parser::signature_algorithm::SignatureAlgorithm as X;
        let X::RSASSA_PSS(params) = X::try_from(alg).ok()? else {
            return None;
        };
        let hash_oid = params.hash_algorithm_oid().to_id_string();
        if hash_oid == SHA1 {
            return Some(SignatureAlgorithm::Weak);
        }
        let hash = HashAlg::from_oid(&hash_oid)?;
        let mgf = params.mask_gen_algorithm().ok()?;
        if mgf.mgf.to_id_string() != MGF1 || mgf.hash.to_id_string() != hash_oid {
            return None;
        }
        if params.trailer_field() != 1 {
            return None;
        }
        let salt_len = usize::try_from(params.salt_length()).ok()?;
        Some(SignatureAlgorithm::RsaPss { hash, salt_len })
    }
}

/// Why [`verify_signed_data`] failed (mapped to [`super::PkiError`] by the caller,
/// which knows the certificate names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignedDataError {
    Weak,
    Unsupported(String),
    KeyMismatch,
    BadSignature,
}

/// Verifies `signature` over `message` with `key` under `alg`.
pub fn verify_signed_data(
    key: &PublicKey,
    alg: &SignatureAlgorithm,
    message: &[u8],
    signature: &[u8],
) -> Result<(), SignedDataError> {
    match (alg, key) {
        (SignatureAlgorithm::Weak, _) => Err(SignedDataError::Weak),
        (SignatureAlgorithm::Unsupported(oid), _) => Err(SignedDataError::Unsupported(oid.clone())),
        (SignatureAlgorithm::RsaPkcs1(h), PublicKey::Rsa(k)) => {
            let hashed = h.digest(message);
            let scheme = match h {
                HashAlg::Sha256 => rsa::Pkcs1v15Sign::new::<Sha256>(),
                HashAlg::Sha384 => rsa::Pkcs1v15Sign::new::<Sha384>(),
                HashAlg::Sha512 => rsa::Pkcs1v15Sign::new::<Sha512>(),
            };
            k.verify(scheme, &hashed, signature)
                .map_err(|_| SignedDataError::BadSignature)
        }
        (SignatureAlgorithm::RsaPss { hash, salt_len }, PublicKey::Rsa(k)) => {
            let hashed = hash.digest(message);
            let scheme = match hash {
                HashAlg::Sha256 => rsa::Pss::new_with_salt::<Sha256>(*salt_len),
                HashAlg::Sha384 => rsa::Pss::new_with_salt::<Sha384>(*salt_len),
                HashAlg::Sha512 => rsa::Pss::new_with_salt::<Sha512>(*salt_len),
            };
            k.verify(scheme, &hashed, signature)
                .map_err(|_| SignedDataError::BadSignature)
        }
        (SignatureAlgorithm::Ecdsa(h), PublicKey::P256(_) | PublicKey::P384(_)) => {
            let hashed = h.digest(message);
            key.verify_ecdsa_der_prehash(&hashed, signature)
                .map_err(|_| SignedDataError::BadSignature)
        }
        _ => Err(SignedDataError::KeyMismatch),
    }
}
