//! The rune itself: authcode, optional unique id/version, restrictions;
//! parsing and printing in both of Core Lightning's encodings, and
//! attenuation without the secret (`ccan/rune/coding.c`, `rune.c`).

use crate::base64url;
use crate::condition::Condition;
use crate::error::{DerivationError, ParseError};
use crate::restriction::{decode_restrictions, push_escaped, RawAlternative, Restriction};
use crate::sha256::{padded_len, Midstate, BLOCK};
use std::fmt;
use std::str::FromStr;
use subtle::ConstantTimeEq;

/// The 32-byte SHA-256 authentication code of a rune.
///
/// Equality is constant time.
#[derive(Clone, Copy, Eq)]
pub struct Authcode(pub(crate) [u8; 32]);

impl Authcode {
    /// Wrap raw bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Authcode(bytes)
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl ConstantTimeEq for Authcode {
    fn ct_eq(&self, other: &Self) -> subtle::Choice {
        self.0.ct_eq(&other.0)
    }
}

impl PartialEq for Authcode {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl fmt::Debug for Authcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Authcode({})", hex::encode(self.0))
    }
}

/// The unique id (and optional version) carried in a rune's first
/// restriction, as an alternative with the empty field name:
/// `=ID` or `=ID-VERSION` (runes README "Best Practices").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UniqueId {
    id: String,
    version: Option<String>,
}

impl UniqueId {
    /// A unique id without version. It must not contain `-` or NUL.
    pub fn new(id: impl Into<String>) -> Result<Self, ParseError> {
        UniqueId::with_version(id, None::<String>)
    }

    /// A unique id with an optional version (`rune_derive_start`).
    pub fn with_version(
        id: impl Into<String>,
        version: Option<impl Into<String>>,
    ) -> Result<Self, ParseError> {
        let id = id.into();
        let version = version.map(Into::into);
        if id.contains('-') {
            return Err(ParseError::DashInUniqueId);
        }
        if id.contains('\0') || version.as_deref().is_some_and(|v| v.contains('\0')) {
            return Err(ParseError::NulInField);
        }
        Ok(UniqueId { id, version })
    }

    /// Split an id restriction value at its first `-` (`extract_unique_id`).
    fn from_value(value: &str) -> Self {
        match value.split_once('-') {
            Some((id, version)) => UniqueId {
                id: id.to_owned(),
                version: Some(version.to_owned()),
            },
            None => UniqueId {
                id: value.to_owned(),
                version: None,
            },
        }
    }

    /// The unique id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The version, if any.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// Encoded restriction: `=ID[-VERSION]`, escaped.
    pub fn encode(&self) -> String {
        let mut out = String::from("=");
        let mut value = self.id.clone();
        if let Some(v) = &self.version {
            value.push('-');
            value.push_str(v);
        }
        push_escaped(&mut out, &value);
        out
    }
}

/// A rune: authcode plus restrictions.
///
/// The unique id, when present, is always the first restriction; the
/// remaining restrictions never use the empty field name. Both invariants
/// are enforced by construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rune {
    authcode: Authcode,
    unique_id: Option<UniqueId>,
    restrictions: Vec<Restriction>,
}

/// Validate decoded restrictions as `rune_add_restr` does and split off
/// the unique id.
fn validate(
    raw: Vec<Vec<RawAlternative>>,
) -> Result<(Option<UniqueId>, Vec<Restriction>), ParseError> {
    let mut unique_id = None;
    let mut restrictions = Vec::with_capacity(raw.len());
    for (index, alts) in raw.into_iter().enumerate() {
        if alts.iter().any(|a| a.field.is_empty()) {
            if alts.len() != 1 {
                return Err(ParseError::UniqueIdNotAlone);
            }
            if index != 0 {
                return Err(ParseError::UniqueIdNotFirst);
            }
            let alt = alts.into_iter().next().ok_or(ParseError::NoAlternatives)?;
            if alt.condition != Condition::Equal {
                return Err(ParseError::UniqueIdNotEqual);
            }
            let value = String::from_utf8(alt.value).map_err(|_| ParseError::InvalidUtf8)?;
            unique_id = Some(UniqueId::from_value(&value));
            continue;
        }
        restrictions.push(Restriction::new(RawAlternative::into_alternatives(alts)?)?);
    }
    Ok((unique_id, restrictions))
}

/// Outcome of decoding the bytes of a rune whose restrictions are well
/// formed but not UTF-8 (see [`crate::decode`]).
pub(crate) struct RawRune {
    pub(crate) authcode: [u8; 32],
    pub(crate) restrictions: Vec<Vec<RawAlternative>>,
}

impl RawRune {
    /// `rune_to_string` bytes: hex authcode, `:`, escaped restrictions.
    pub(crate) fn string_form_bytes(&self) -> Vec<u8> {
        let mut out = hex::encode(self.authcode).into_bytes();
        out.push(b':');
        for (i, r) in self.restrictions.iter().enumerate() {
            if i != 0 {
                out.push(b'&');
            }
            for (j, a) in r.iter().enumerate() {
                if j != 0 {
                    out.push(b'|');
                }
                a.encode_bytes(&mut out);
            }
        }
        out
    }
}

/// The authcode of a rune after one more restriction, without the secret (runes README
/// "Rune Authorization"): SHA-256 resumed from `authcode`, then `restriction` (encoded,
/// as [`Restriction::encode`] writes it) and SHA-256's end marker.
///
/// `hashed_bytes` is what the rune's authcode has hashed so far: 64 for the secret's
/// block, plus, for each of its restrictions' encodings (the unique id's `=ID[-VERSION]`
/// first, if any), its length with the end marker (1 + 8 bytes) rounded up to whole
/// 64-byte blocks. It must be a multiple of 64. This is what [`Rune::add_restriction`]
/// computes; it is public for a caller that holds a rune's parts rather than a [`Rune`]
/// (the npm package's Commando entry, whose JavaScript parses the rune).
pub fn extend_authcode(authcode: &[u8; 32], hashed_bytes: u64, restriction: &[u8]) -> [u8; 32] {
    let mut m = Midstate::resume(authcode, hashed_bytes);
    m.append(restriction);
    m.authcode()
}

fn split_base64(s: &str) -> Result<([u8; 32], Vec<u8>), ParseError> {
    let data = base64url::decode(s)?;
    let (code, rest) = data.split_first_chunk::<32>().ok_or(ParseError::TooShort)?;
    Ok((*code, rest.to_vec()))
}

impl Rune {
    pub(crate) fn from_parts(
        authcode: [u8; 32],
        unique_id: Option<UniqueId>,
        restrictions: Vec<Restriction>,
    ) -> Self {
        Rune {
            authcode: Authcode(authcode),
            unique_id,
            restrictions,
        }
    }

    /// Decode restrictions text (everything after the authcode).
    fn from_authcode_and_text(authcode: [u8; 32], text: &[u8]) -> Result<Self, ParseError> {
        let raw = decode_restrictions(text)?;
        let (unique_id, restrictions) = validate(raw)?;
        Ok(Rune::from_parts(authcode, unique_id, restrictions))
    }

    /// Parse the base64url encoding (`rune_from_base64`).
    pub fn from_base64(s: &str) -> Result<Self, ParseError> {
        let (code, text) = split_base64(s)?;
        Rune::from_authcode_and_text(code, &text)
    }

    /// Decode base64 down to raw restrictions without requiring UTF-8.
    pub(crate) fn raw_from_base64(s: &str) -> Result<RawRune, ParseError> {
        let (authcode, text) = split_base64(s)?;
        let restrictions = decode_restrictions(&text)?;
        Ok(RawRune {
            authcode,
            restrictions,
        })
    }

    /// Parse the string encoding `HEX-AUTHCODE:RESTRICTIONS`
    /// (`rune_from_string`).
    pub fn from_string_form(s: &str) -> Result<Self, ParseError> {
        let hex_part = s.get(..64).ok_or(ParseError::InvalidHexAuthcode)?;
        let mut code = [0u8; 32];
        hex::decode_to_slice(hex_part, &mut code).map_err(|_| ParseError::InvalidHexAuthcode)?;
        let rest = s.get(64..).unwrap_or("");
        let text = rest.strip_prefix(':').ok_or(ParseError::MissingColon)?;
        Rune::from_authcode_and_text(code, text.as_bytes())
    }

    /// The base64url encoding with padding (`rune_to_base64`).
    pub fn to_base64(&self) -> String {
        let text = self.restrictions_string();
        let mut data = Vec::with_capacity(32 + text.len());
        data.extend_from_slice(&self.authcode.0);
        data.extend_from_slice(text.as_bytes());
        base64url::encode(&data)
    }

    /// The string encoding `HEX-AUTHCODE:RESTRICTIONS` (`rune_to_string`).
    pub fn to_string_form(&self) -> String {
        let mut out = hex::encode(self.authcode.0);
        out.push(':');
        self.push_restrictions(&mut out);
        out
    }

    /// All restrictions (the unique id first, if any), encoded, joined
    /// with `&`.
    pub fn restrictions_string(&self) -> String {
        let mut out = String::new();
        self.push_restrictions(&mut out);
        out
    }

    /// [`Rune::restrictions_string`], appended to `out`.
    fn push_restrictions(&self, out: &mut String) {
        if let Some(id) = &self.unique_id {
            out.push_str(&id.encode());
        }
        for (i, r) in self.restrictions.iter().enumerate() {
            if i > 0 || self.unique_id.is_some() {
                out.push('&');
            }
            r.push_encoded(out);
        }
    }

    /// Each restriction's encoding, the unique id restriction first.
    pub fn encoded_restrictions(&self) -> Vec<String> {
        let mut out = Vec::with_capacity(self.restrictions.len() + 1);
        if let Some(id) = &self.unique_id {
            out.push(id.encode());
        }
        out.extend(self.restrictions.iter().map(Restriction::encode));
        out
    }

    /// The authcode.
    pub fn authcode(&self) -> &Authcode {
        &self.authcode
    }

    /// The unique id, if the rune has one.
    pub fn unique_id(&self) -> Option<&UniqueId> {
        self.unique_id.as_ref()
    }

    /// The version, if the rune has one.
    pub fn version(&self) -> Option<&str> {
        self.unique_id.as_ref().and_then(UniqueId::version)
    }

    /// The restrictions other than the unique id.
    pub fn restrictions(&self) -> &[Restriction] {
        &self.restrictions
    }

    /// Bytes hashed so far: the secret's block plus every restriction
    /// padded to whole blocks (`from_string` sets 64, `rune_add_restr`
    /// adds each).
    fn hashed_bytes(&self) -> u64 {
        self.encoded_restrictions()
            .iter()
            .map(|r| padded_len(r.len()) as u64)
            .sum::<u64>()
            + BLOCK
    }

    /// Add a restriction without knowing the secret, by resuming SHA-256
    /// from the authcode (runes README "Rune Authorization").
    pub fn add_restriction(&mut self, restriction: Restriction) {
        let code = extend_authcode(
            &self.authcode.0,
            self.hashed_bytes(),
            restriction.encode().as_bytes(),
        );
        self.authcode = Authcode(code);
        self.restrictions.push(restriction);
    }

    /// Add the unique id restriction (`=ID[-VERSION]`) without knowing the
    /// secret. Like `rune_add_restr`, this is only possible while the rune
    /// has no restrictions at all.
    pub fn add_unique_id(&mut self, unique_id: UniqueId) -> Result<(), ParseError> {
        if self.unique_id.is_some() || !self.restrictions.is_empty() {
            return Err(ParseError::UniqueIdNotFirst);
        }
        let mut m = Midstate::resume(&self.authcode.0, self.hashed_bytes());
        m.append(unique_id.encode().as_bytes());
        self.authcode = Authcode(m.authcode());
        self.unique_id = Some(unique_id);
        Ok(())
    }

    /// A copy with `restriction` appended.
    pub fn with_restriction(mut self, restriction: Restriction) -> Self {
        self.add_restriction(restriction);
        self
    }

    /// Whether this rune is `source` plus further restrictions
    /// (`rune_is_derived`, or `rune_is_derived_anyversion` when
    /// `check_version` is false).
    pub fn is_derived_from(
        &self,
        source: &Rune,
        check_version: bool,
    ) -> Result<(), DerivationError> {
        if check_version && self.version() != source.version() {
            return Err(DerivationError::VersionMismatch);
        }
        let mine = self.encoded_restrictions();
        let theirs = source.encoded_restrictions();
        if mine.len() < theirs.len() {
            return Err(DerivationError::FewerRestrictions);
        }
        let (prefix, extra) = mine.split_at(theirs.len());
        if prefix != theirs.as_slice() {
            return Err(DerivationError::RestrictionMismatch);
        }
        let mut m = Midstate::resume(&source.authcode.0, source.hashed_bytes());
        for r in extra {
            m.append(r.as_bytes());
        }
        if Authcode(m.authcode()) != self.authcode {
            return Err(DerivationError::NotDerived);
        }
        Ok(())
    }
}

impl fmt::Display for Rune {
    /// The base64url encoding.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base64())
    }
}

impl FromStr for Rune {
    type Err = ParseError;

    /// Parse the base64url encoding.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Rune::from_base64(s)
    }
}
