//! The lnap proof itself: the `addressproof` TLV stream (generated from `spec-csv/lnap.csv`),
//! its `lnap1...` string, its Merkle root, and creating and verifying it.
//!
//! Format choices (see `spec-csv/lnap.csv` and the README): BOLT 12's current Merkle root
//! over the records outside 240..=1000; `node_ids` are 33-byte points; `vendor`,
//! `node_ids`, `certsignature` and `cert` are required; the string form is BOLT 12's
//! (bech32 data without checksum, `+` continuations, one case).
use core::fmt;
use core::str::FromStr;

use bolt12::{merkle, string};
use thiserror::Error;
use wire::{ChainHash, Point};

use crate::certsignature::SigningKey;
use crate::pki::{TrustAnchors, VerifiedPath};
use crate::vendor::{Vendor, VendorError};
use crate::vouch::{self, SignError, VouchError};
use crate::UnixTime;

/// The generated `addressproof` stream.
#[allow(missing_docs, clippy::all)]
pub mod tlv {
    include!(concat!(env!("OUT_DIR"), "/lnap.rs"));
}
use tlv::AddressproofTlvs;

/// Human-readable prefix of proofs.
pub const PREFIX: &str = "lnap";

/// Why bytes or a string are not a well-formed proof.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProofError {
    /// Malformed string form.
    #[error("{0}")]
    String(#[from] string::StringError),
    /// Not an `lnap` string.
    #[error("expected an 'lnap' string, found prefix '{0}'")]
    WrongPrefix(String),
    /// Not hex either.
    #[error("neither an lnap1 string nor hex")]
    NotHexOrString,
    /// Malformed TLV stream.
    #[error("{0}")]
    Decode(#[from] wire::DecodeError),
    /// A required field is absent (or `node_ids` is empty).
    #[error("{0}: missing")]
    Missing(&'static str),
    /// `vendor` is neither a domain nor an email address.
    #[error("vendor: {0}")]
    Vendor(#[from] VendorError),
    /// `features` has an even bit we do not know.
    #[error("features: unknown required (even) feature bit {0}")]
    UnknownRequiredFeature(usize),
}

/// A well-formed proof (not yet verified against the PKI: see [`Proof::verify`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
    bytes: Vec<u8>,
    tlvs: AddressproofTlvs,
    vendor: Vendor,
    merkle_root: [u8; 32],
}

/// Why a proof does not verify.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VerifyError {
    /// `absolute_expiry` is before the verification time.
    #[error("proof expired at {expiry}")]
    ProofExpired {
        /// `absolute_expiry`.
        expiry: u64,
    },
    /// The certificate does not vouch for the proof.
    #[error("{0}")]
    Vouch(#[from] VouchError),
}

impl VerifyError {
    /// Stable snake_case name, for JSON verdicts.
    pub fn code(&self) -> &'static str {
        match self {
            VerifyError::ProofExpired { .. } => "proof_expired",
            VerifyError::Vouch(e) => e.code(),
        }
    }
}

impl Proof {
    /// Decodes and checks the required fields.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, ProofError> {
        let tlvs = AddressproofTlvs::decode(&bytes)?;
        let vendor = Vendor::parse(
            tlvs.vendor
                .as_deref()
                .ok_or(ProofError::Missing("vendor"))?,
        )?;
        if tlvs.node_ids.as_ref().is_none_or(Vec::is_empty) {
            return Err(ProofError::Missing("node_ids"));
        }
        if tlvs.certsignature.is_none() {
            return Err(ProofError::Missing("certsignature"));
        }
        if tlvs.cert.is_none() {
            return Err(ProofError::Missing("cert"));
        }
        if let Some(bit) = tlvs
            .features
            .as_deref()
            .and_then(|f| bolt12::features::unknown_required_bit(f, &[]))
        {
            return Err(ProofError::UnknownRequiredFeature(bit));
        }
        let merkle_root = merkle::root(&bytes)?.ok_or(ProofError::Missing("vendor"))?;
        Ok(Proof {
            bytes,
            tlvs,
            vendor,
            merkle_root,
        })
    }

    /// Makes a proof: the fields, then `certsignature` over their Merkle root with the
    /// leaf key. `cert` holds the leaf (PEM or DER), `certchain` the intermediates.
    #[allow(clippy::too_many_arguments)]
    pub fn create(
        vendor: &str,
        node_ids: Vec<Point>,
        description: Option<String>,
        absolute_expiry: Option<u64>,
        chains: Option<Vec<ChainHash>>,
        key: &SigningKey,
        cert: &[u8],
        certchain: Option<&[u8]>,
        rng: &mut impl rand_core::CryptoRngCore,
    ) -> Result<Self, CreateError> {
        Vendor::parse(vendor).map_err(ProofError::from)?;
        let mut tlvs = AddressproofTlvs {
            chains,
            description,
            absolute_expiry,
            vendor: Some(vendor.to_owned()),
            node_ids: Some(node_ids),
            cert: Some(cert.to_vec()),
            certchain: certchain.map(<[u8]>::to_vec),
            ..Default::default()
        };
        let unsigned = tlvs.encode()?;
        let root = merkle::root(&unsigned)
            .map_err(ProofError::from)?
            .ok_or(ProofError::Missing("vendor"))?;
        tlvs.certsignature = Some(vouch::sign(&root, key, cert, rng)?);
        Ok(Proof::from_bytes(tlvs.encode()?)?)
    }

    /// Checks, at `at`: not expired, `certsignature` by the leaf key over the Merkle root,
    /// the chain to `anchors`, and the vendor's domain covered by the leaf.
    pub fn verify(
        &self,
        anchors: &TrustAnchors,
        at: UnixTime,
    ) -> Result<VerifiedPath, VerifyError> {
        if let Some(expiry) = self.tlvs.absolute_expiry {
            if at.as_secs() > i64::try_from(expiry).unwrap_or(i64::MAX) {
                return Err(VerifyError::ProofExpired { expiry });
            }
        }
        let t = &self.tlvs;
        let (sig, cert) = (
            t.certsignature.as_deref().unwrap_or_default(),
            t.cert.as_deref().unwrap_or_default(),
        );
        Ok(vouch::verify(
            &self.merkle_root,
            sig,
            cert,
            t.certchain.as_deref(),
            &self.vendor,
            anchors,
            at,
        )?)
    }

    /// The exact bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
    /// The decoded fields.
    pub fn tlvs(&self) -> &AddressproofTlvs {
        &self.tlvs
    }
    /// The vendor.
    pub fn vendor(&self) -> &Vendor {
        &self.vendor
    }
    /// The Merkle root `certsignature` signs.
    pub fn merkle_root(&self) -> [u8; 32] {
        self.merkle_root
    }
    /// The node ids the vendor vouches for.
    pub fn node_ids(&self) -> &[Point] {
        self.tlvs.node_ids.as_deref().unwrap_or_default()
    }
}

/// Why a proof could not be made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CreateError {
    /// The fields are not a valid proof.
    #[error("{0}")]
    Proof(#[from] ProofError),
    /// A field does not fit its encoding.
    #[error("{0}")]
    Encode(#[from] wire::EncodeError),
    /// Signing failed (e.g. the key is not the certificate's).
    #[error("{0}")]
    Sign(#[from] SignError),
}

impl FromStr for Proof {
    type Err = ProofError;
    /// An `lnap1...` string, or the proof's bytes in hex.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.len() > 5 && s[..5].eq_ignore_ascii_case("lnap1") {
            let (hrp, bytes) = string::decode(s)?;
            if hrp != PREFIX {
                return Err(ProofError::WrongPrefix(hrp));
            }
            return Proof::from_bytes(bytes);
        }
        let bytes = decode_hex(s).ok_or(ProofError::NotHexOrString)?;
        Proof::from_bytes(bytes)
    }
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()))
        .collect()
}

impl fmt::Display for Proof {
    /// The `lnap1...` string.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&string::encode(PREFIX, &self.bytes))
    }
}

impl Proof {
    /// The proof's fields as JSON, in the style of Core Lightning's `decode` (`type`,
    /// `valid`, then the fields by their spec names). Says nothing about trust: see
    /// [`Proof::verify_report`].
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        let t = &self.tlvs;
        let mut o = serde_json::Map::new();
        o.insert("type".into(), json!("lnap proof"));
        o.insert("valid".into(), json!(true));
        o.insert("merkle_root".into(), json!(hex_string(&self.merkle_root)));
        if let Some(c) = &t.chains {
            o.insert(
                "chains".into(),
                json!(c.iter().map(|c| c.to_string()).collect::<Vec<_>>()),
            );
        }
        if let Some(d) = &t.description {
            o.insert("description".into(), json!(d));
        }
        if let Some(f) = &t.features {
            o.insert("features".into(), json!(hex_string(f)));
        }
        if let Some(e) = t.absolute_expiry {
            o.insert("absolute_expiry".into(), json!(e));
        }
        if let Some(p) = &t.paths {
            o.insert("paths".into(), json!(p.len()));
        }
        o.insert("vendor".into(), json!(t.vendor));
        o.insert(
            "node_ids".into(),
            json!(self
                .node_ids()
                .iter()
                .map(|k| k.to_string())
                .collect::<Vec<_>>()),
        );
        o.insert(
            "certsignature".into(),
            json!(hex_string(t.certsignature.as_deref().unwrap_or_default())),
        );
        if let Ok(bundle) = crate::pki::CertificateBundle::parse(
            t.cert.as_deref().unwrap_or_default(),
            t.certchain.as_deref(),
        ) {
            o.insert("cert_subject".into(), json!(bundle.leaf().subject()));
            o.insert("cert_issuer".into(), json!(bundle.leaf().issuer()));
            o.insert("cert_dns_names".into(), json!(bundle.leaf().dns_names()));
        }
        if !t.unknown.is_empty() {
            let unknown: Vec<_> = t
                .unknown
                .iter()
                .map(|r| json!({"type": r.tlv_type, "length": r.value.len(), "value": hex_string(&r.value)}))
                .collect();
            o.insert("unknown_addressproof_tlvs".into(), json!(unknown));
        }
        serde_json::Value::Object(o)
    }
}

fn hex_string(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
