//! BIP 353 human-readable names (`₿user@domain`): the DNS name and query for their
//! payment instructions, and offline verification of an RFC 9102 DNSSEC proof of them, to
//! the IANA root trust anchors, at a given time, extracting the `bitcoin:` URI and its
//! `lno` offer. DNSSEC validation is the `dnssec-prover` crate's (which builds for
//! wasm32-unknown-unknown too); fetching the proof (DNS over HTTPS, a resolver) is the
//! caller's: [`Hrn::txt_query`] is the first query, and `dnssec_prover::query::ProofBuilder`
//! (re-exported as [`dnssec_prover`]) drives the rest.
//!
//! Feature `bip353`. The API is plain data in, typed errors out, so the npm layer can wrap
//! [`verify_proof`] as `verifyBip353(name, proof, at)`.
//!
//! When an offer found this way is paid, BOLT 12 §"Requirements for Invoice Requests" has
//! the writer "MUST include `invreq_bip_353_name`" with the name and domain:
//! `InvoiceRequestBuilder::bip_353_name(hrn.user(), hrn.domain())`.
use core::fmt;
use core::str::FromStr;

pub use dnssec_prover;
use dnssec_prover::rr::{Name, RR};
use dnssec_prover::validation::{verify_rr_stream, ValidationError};
use thiserror::Error;

use crate::{Offer, ParseError};

/// The DNS TXT type.
pub const TXT_TYPE: u16 = 16;
/// Longest DNS name in its dotted form with the trailing dot (RFC 1035 §2.3.4: 255 octets
/// on the wire).
const MAX_NAME_LEN: usize = 253;
/// Longest DNS label (RFC 1035 §2.3.4).
const MAX_LABEL_LEN: usize = 63;
/// The most bytes of proof we read (RFC 9102 proofs are a few kilobytes; LDK's resolver
/// caps its answers well below this).
pub const MAX_PROOF_LEN: usize = 64 * 1024;

/// Why a name, a proof or the instructions in it were refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Bip353Error {
    /// The name is not `[₿]user@domain`.
    #[error("name: {0}")]
    InvalidName(&'static str),
    /// The proof is longer than [`MAX_PROOF_LEN`].
    #[error("proof: {len} bytes, more than the {max} accepted")]
    ProofTooLong {
        /// Its length.
        len: usize,
        /// [`MAX_PROOF_LEN`].
        max: usize,
    },
    /// The proof is not a sequence of DNS resource records (RFC 9102 §3).
    #[error("proof: not a stream of DNS resource records")]
    MalformedProof,
    /// A signature does not verify, or the chain of DS and DNSKEY records does not lead
    /// from the root trust anchors to the records.
    #[error("proof: the DNSSEC chain does not verify to the root trust anchors")]
    InvalidChain,
    /// A signature uses an algorithm `dnssec-prover` does not support.
    #[error("proof: a signature uses an unsupported DNSSEC algorithm")]
    UnsupportedAlgorithm,
    /// The proof needs more validation steps than `dnssec-prover` allows.
    #[error("proof: too many validation steps")]
    TooManySteps,
    /// A signature in the chain is not yet valid at the time given.
    #[error("proof: not valid before {valid_from} (checked at {at})")]
    NotYetValid {
        /// The latest RRSIG inception.
        valid_from: u64,
        /// The time given.
        at: u64,
    },
    /// A signature in the chain has expired at the time given.
    #[error("proof: expired at {expires} (checked at {at})")]
    Expired {
        /// The earliest RRSIG expiration.
        expires: u64,
        /// The time given.
        at: u64,
    },
    /// The proof holds no verified TXT record starting with `bitcoin:` for the name.
    #[error("{0}: no verified TXT record starting with bitcoin:")]
    NoRecord(String),
    /// BIP 353: more than one TXT record starting with `bitcoin:`.
    #[error("{0}: {1} TXT records start with bitcoin: (BIP 353 allows one)")]
    MultipleRecords(String, usize),
    /// The record is not UTF-8.
    #[error("{0}: the bitcoin: record is not UTF-8")]
    NotUtf8(String),
    /// BIP 21: an unknown parameter whose name starts with `req-`.
    #[error("bitcoin: URI: unknown required parameter {0}")]
    UnknownRequiredParameter(String),
    /// A parameter given twice where one is meant.
    #[error("bitcoin: URI: parameter {0} appears more than once")]
    DuplicateParameter(&'static str),
    /// A `%` escape is not two hex digits.
    #[error("bitcoin: URI: bad percent-encoding in parameter {0}")]
    BadPercentEncoding(String),
    /// The `lno` parameter is not a valid offer.
    #[error("bitcoin: URI: lno: {0}")]
    Offer(ParseError),
}

/// A BIP 353 name: `user@domain`, with or without the leading `₿`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hrn {
    user: String,
    domain: String,
}

/// The bytes `invreq_bip_353_name` allows (BOLT 12: `0`-`9`, `a`-`z`, `A`-`Z`, `-`, `_`,
/// `.`), which are also what a DNS name built from the parts can safely hold.
fn allowed(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')
}

impl Hrn {
    /// Parses `[₿]user@domain`. Both parts must use only the characters
    /// `invreq_bip_353_name` allows, and `user.user._bitcoin-payment.domain.` must be a DNS
    /// name (labels of 1 to 63 bytes, at most 253 in all).
    pub fn parse(s: &str) -> Result<Hrn, Bip353Error> {
        let s = s.strip_prefix('₿').unwrap_or(s);
        let (user, domain) = s
            .split_once('@')
            .ok_or(Bip353Error::InvalidName("no '@'"))?;
        let domain = domain.strip_suffix('.').unwrap_or(domain);
        if user.is_empty() {
            return Err(Bip353Error::InvalidName("empty user"));
        }
        if domain.is_empty() {
            return Err(Bip353Error::InvalidName("empty domain"));
        }
        if !user.bytes().all(allowed) {
            return Err(Bip353Error::InvalidName(
                "user has characters other than 0-9, a-z, A-Z, '-', '_', '.'",
            ));
        }
        if !domain.bytes().all(allowed) {
            return Err(Bip353Error::InvalidName(
                "domain has characters other than 0-9, a-z, A-Z, '-', '_', '.'",
            ));
        }
        let hrn = Hrn {
            user: user.to_owned(),
            domain: domain.to_owned(),
        };
        let name = hrn.dns_name();
        if name.len() > MAX_NAME_LEN {
            return Err(Bip353Error::InvalidName("longer than a DNS name can be"));
        }
        let labels = name.trim_end_matches('.').split('.');
        if labels.clone().any(|l| l.is_empty()) {
            return Err(Bip353Error::InvalidName("empty DNS label"));
        }
        if labels.clone().any(|l| l.len() > MAX_LABEL_LEN) {
            return Err(Bip353Error::InvalidName("DNS label longer than 63 bytes"));
        }
        Ok(hrn)
    }

    /// The part before `@` (`invreq_bip_353_name`.`name`).
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The part after `@` (`invreq_bip_353_name`.`domain`).
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// BIP 353: `<user>.user._bitcoin-payment.<domain>.`, lowercase (DNS names compare
    /// without case, and proofs carry them in lowercase).
    pub fn dns_name(&self) -> String {
        format!("{}.user._bitcoin-payment.{}.", self.user, self.domain).to_ascii_lowercase()
    }

    /// The first DNS query (RFC 1035 message, recursion desired, EDNS0 with the DNSSEC OK
    /// bit) for the name's TXT records, as `dnssec-prover`'s proof builder sends it.
    pub fn txt_query(&self) -> Result<Vec<u8>, Bip353Error> {
        let name = self.name()?;
        let (_, query) = dnssec_prover::query::ProofBuilder::new(&name, TXT_TYPE);
        Ok(query.into_vec())
    }

    fn name(&self) -> Result<Name, Bip353Error> {
        Name::try_from(self.dns_name()).map_err(|()| Bip353Error::InvalidName("not a DNS name"))
    }
}

impl FromStr for Hrn {
    type Err = Bip353Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Hrn::parse(s)
    }
}

impl fmt::Display for Hrn {
    /// `₿user@domain`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "₿{}@{}", self.user, self.domain)
    }
}

/// Payment instructions proven for a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The name.
    pub name: Hrn,
    /// The `bitcoin:` URI, as in the TXT record.
    pub uri: String,
    /// The `lno` parameter, parsed as an offer (`None`: the URI has no offer).
    pub offer: Option<Offer>,
    /// The latest RRSIG inception in the chain.
    pub valid_from: u64,
    /// The earliest RRSIG expiration in the chain.
    pub expires: u64,
    /// The shortest TTL: the instructions may be cached this many seconds at most.
    pub max_cache_ttl: u32,
}

/// Verifies `proof` (RFC 9102: DNS resource records in wire form, back to back) for `name`
/// at time `at` (seconds since the epoch): every signature verifies along a chain from the
/// IANA root trust anchors, each valid at `at`; the name's TXT records (CNAME and DNAME
/// followed within the proof) hold exactly one starting with `bitcoin:` (BIP 353; others
/// are ignored); its `lno` parameter, if any, is a valid offer.
pub fn verify_proof(name: &Hrn, proof: &[u8], at: u64) -> Result<Resolved, Bip353Error> {
    if proof.len() > MAX_PROOF_LEN {
        return Err(Bip353Error::ProofTooLong {
            len: proof.len(),
            max: MAX_PROOF_LEN,
        });
    }
    let rrs =
        dnssec_prover::ser::parse_rr_stream(proof).map_err(|()| Bip353Error::MalformedProof)?;
    let verified = verify_rr_stream(&rrs).map_err(|e| match e {
        ValidationError::UnsupportedAlgorithm => Bip353Error::UnsupportedAlgorithm,
        ValidationError::Invalid => Bip353Error::InvalidChain,
        ValidationError::ValidationCountLimited => Bip353Error::TooManySteps,
    })?;
    if at < verified.valid_from {
        return Err(Bip353Error::NotYetValid {
            valid_from: verified.valid_from,
            at,
        });
    }
    if at > verified.expires {
        return Err(Bip353Error::Expired {
            expires: verified.expires,
            at,
        });
    }
    let dns_name = name.dns_name();
    let records = verified.resolve_name(&name.name()?);
    let uris: Vec<Vec<u8>> = records
        .iter()
        .filter_map(|rr| match rr {
            RR::Txt(txt) => Some(txt.data.as_vec()),
            _ => None,
        })
        .filter(|data| data.len() >= 8 && data[..8].eq_ignore_ascii_case(b"bitcoin:"))
        .collect();
    let uri = match uris.as_slice() {
        [] => return Err(Bip353Error::NoRecord(dns_name)),
        [one] => one,
        many => return Err(Bip353Error::MultipleRecords(dns_name, many.len())),
    };
    let uri = String::from_utf8(uri.clone()).map_err(|_| Bip353Error::NotUtf8(dns_name))?;
    let offer = offer_in_uri(&uri)?;
    Ok(Resolved {
        name: name.clone(),
        uri,
        offer,
        valid_from: verified.valid_from,
        expires: verified.expires,
        max_cache_ttl: verified.max_cache_ttl,
    })
}

/// Parameters of a `bitcoin:` URI this crate knows (BIP 21, BIP 321): unknown `req-`
/// parameters make the URI invalid, others are ignored.
const KNOWN_REQUIRED: &[&str] = &[];

/// The `lno` parameter of a `bitcoin:` URI (BIP 21 query syntax; parameter names compare
/// without case, values are percent-decoded), parsed as an offer.
pub fn offer_in_uri(uri: &str) -> Result<Option<Offer>, Bip353Error> {
    let query = match uri.split_once('?') {
        Some((_, q)) => q,
        None => return Ok(None),
    };
    let mut lno = None;
    for param in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = param.split_once('=').unwrap_or((param, ""));
        let key = key.to_ascii_lowercase();
        if key == "lno" {
            if lno.is_some() {
                return Err(Bip353Error::DuplicateParameter("lno"));
            }
            lno = Some(percent_decode(value).ok_or(Bip353Error::BadPercentEncoding(key))?);
        } else if key.starts_with("req-") && !KNOWN_REQUIRED.contains(&key.as_str()) {
            return Err(Bip353Error::UnknownRequiredParameter(key));
        }
    }
    lno.map(|s| s.parse::<Offer>().map_err(Bip353Error::Offer))
        .transpose()
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            let hex = core::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}
