//! Field names, alternatives and restrictions, with Core Lightning's
//! text encoding (runes README "Rune Language"; `ccan/rune/coding.c`
//! `rune_altern_encode`, `rune_restr_encode`, `rune_altern_decode`).
//!
//! A restriction is one or more alternatives separated by `|`;
//! restrictions are separated by `&`. In values, `\`, `|` and `&` are
//! escaped with `\` (any other character may be escaped on input).

use crate::condition::Condition;
use crate::error::ParseError;
use std::fmt;

/// A non-empty field name without punctuation other than `_` (C `ispunct`
/// in the C locale), as `rune_altern_fieldname_len` delimits it.
///
/// The empty field name is reserved for the unique id, which is modelled
/// separately ([`crate::UniqueId`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldName(String);

impl FieldName {
    /// Validate a field name.
    pub fn new(name: impl Into<String>) -> Result<Self, ParseError> {
        let name = name.into();
        if name.is_empty() {
            return Err(ParseError::EmptyFieldName);
        }
        if let Some(c) = name.chars().find(|c| is_delimiting_punct(*c)) {
            return Err(ParseError::FieldNamePunctuation(c));
        }
        if name.contains('\0') {
            return Err(ParseError::NulInField);
        }
        Ok(FieldName(name))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FieldName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// C `ispunct` (C locale) except `_`: the characters that end a field name.
fn is_delimiting_punct(c: char) -> bool {
    c.is_ascii_punctuation() && c != '_'
}

fn is_delimiting_byte(b: u8) -> bool {
    b.is_ascii_punctuation() && b != b'_'
}

/// One alternative: `FIELDNAME CONDITION VALUE`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Alternative {
    field: FieldName,
    condition: Condition,
    value: String,
}

impl Alternative {
    /// Build an alternative. The value may contain any character but NUL.
    pub fn new(
        field: FieldName,
        condition: Condition,
        value: impl Into<String>,
    ) -> Result<Self, ParseError> {
        let value = value.into();
        if value.contains('\0') {
            return Err(ParseError::NulInField);
        }
        Ok(Alternative {
            field,
            condition,
            value,
        })
    }

    /// Parse one alternative as given in `createrune`'s `restrictions`
    /// array (`rune_altern_from_json`): field name, condition, and the rest
    /// of the string as the (unescaped) value.
    pub fn from_unescaped(s: &str) -> Result<Self, ParseError> {
        let bytes = s.as_bytes();
        let flen = bytes
            .iter()
            .position(|b| is_delimiting_byte(*b))
            .unwrap_or(bytes.len());
        let cond = bytes
            .get(flen)
            .and_then(|b| Condition::from_byte(*b))
            .ok_or(ParseError::BadCondition { offset: flen })?;
        // `flen` and `flen + 1` are ASCII boundaries, so slicing is exact.
        let field = s
            .get(..flen)
            .ok_or(ParseError::BadCondition { offset: flen })?;
        let value = s.get(flen + 1..).unwrap_or("");
        Alternative::new(FieldName::new(field)?, cond, value)
    }

    /// The field name.
    pub fn field(&self) -> &FieldName {
        &self.field
    }

    /// The condition.
    pub fn condition(&self) -> Condition {
        self.condition
    }

    /// The (unescaped) value.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Encoded form with `\`, `|`, `&` escaped (`rune_altern_encode`).
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(self.field.0.len() + 1 + self.value.len());
        self.push_encoded(&mut out);
        out
    }

    /// [`Alternative::encode`], appended to `out`.
    fn push_encoded(&self, out: &mut String) {
        out.push_str(&self.field.0);
        out.push(self.condition.as_char());
        push_escaped(out, &self.value);
    }
}

impl fmt::Display for Alternative {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

pub(crate) fn push_escaped(out: &mut String, value: &str) {
    for c in value.chars() {
        if matches!(c, '\\' | '|' | '&') {
            out.push('\\');
        }
        out.push(c);
    }
}

/// A restriction: one or more alternatives, any of which may pass.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Restriction {
    alternatives: Vec<Alternative>,
}

impl Restriction {
    /// Build from one or more alternatives.
    pub fn new(alternatives: Vec<Alternative>) -> Result<Self, ParseError> {
        if alternatives.is_empty() {
            return Err(ParseError::NoAlternatives);
        }
        Ok(Restriction { alternatives })
    }

    /// A single-alternative restriction.
    pub fn single(alternative: Alternative) -> Self {
        Restriction {
            alternatives: vec![alternative],
        }
    }

    /// Parse one encoded restriction such as `f1=1|f2=3`
    /// (`rune_restr_from_string`: trailing characters are an error).
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        if s.contains('\0') {
            return Err(ParseError::EmbeddedNul);
        }
        let mut pos = 0;
        let raw = decode_restriction(s.as_bytes(), &mut pos)?;
        if pos != s.len() {
            return Err(ParseError::TrailingCharacters);
        }
        Restriction::new(RawAlternative::into_alternatives(raw)?)
    }

    /// Build from `createrune`-style alternative strings
    /// (`["method^list", "method^get"]`).
    pub fn from_unescaped<S: AsRef<str>>(alternatives: &[S]) -> Result<Self, ParseError> {
        let alts = alternatives
            .iter()
            .map(|a| Alternative::from_unescaped(a.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        Restriction::new(alts)
    }

    /// Core Lightning's `readonly` shortcut (`readonly_restrictions` in
    /// `lightningd/runes.c`, documented in lightning-createrune(7)):
    /// `method^list|method^get|method=summary` and `method/listdatastore`.
    pub fn readonly() -> Vec<Restriction> {
        let alt = |f: &str, c, v: &str| Alternative {
            field: FieldName(f.to_owned()),
            condition: c,
            value: v.to_owned(),
        };
        vec![
            Restriction {
                alternatives: vec![
                    alt("method", Condition::BeginsWith, "list"),
                    alt("method", Condition::BeginsWith, "get"),
                    alt("method", Condition::Equal, "summary"),
                ],
            },
            Restriction::single(alt("method", Condition::NotEqual, "listdatastore")),
        ]
    }

    /// The alternatives (never empty).
    pub fn alternatives(&self) -> &[Alternative] {
        &self.alternatives
    }

    /// Encoded form: alternatives joined with `|` (`rune_restr_encode`).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        self.push_encoded(&mut out);
        out
    }

    /// [`Restriction::encode`], appended to `out`.
    pub(crate) fn push_encoded(&self, out: &mut String) {
        for (i, alt) in self.alternatives.iter().enumerate() {
            if i > 0 {
                out.push('|');
            }
            alt.push_encoded(out);
        }
    }
}

impl fmt::Display for Restriction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

/// An alternative as decoded from bytes, before UTF-8 and unique-id
/// validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawAlternative {
    pub(crate) field: Vec<u8>,
    pub(crate) condition: Condition,
    pub(crate) value: Vec<u8>,
}

impl RawAlternative {
    /// Each of `raw` validated, in order. A loop rather than `collect` into a
    /// `Result<Vec<_>, _>`: that one's in-place specialisation was 1.5 kB of
    /// the npm package's Commando entry.
    pub(crate) fn into_alternatives(raw: Vec<Self>) -> Result<Vec<Alternative>, ParseError> {
        let mut out = Vec::with_capacity(raw.len());
        for alt in raw {
            out.push(alt.into_alternative()?);
        }
        Ok(out)
    }

    fn into_alternative(self) -> Result<Alternative, ParseError> {
        let field = String::from_utf8(self.field).map_err(|_| ParseError::InvalidUtf8)?;
        let value = String::from_utf8(self.value).map_err(|_| ParseError::InvalidUtf8)?;
        Alternative::new(FieldName::new(field)?, self.condition, value)
    }

    /// Byte encoding with escapes, for diagnostics of non-UTF-8 runes.
    pub(crate) fn encode_bytes(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.field);
        out.push(self.condition.as_char() as u8);
        for b in &self.value {
            if matches!(b, b'\\' | b'|' | b'&') {
                out.push(b'\\');
            }
            out.push(*b);
        }
    }
}

/// Decode one alternative starting at `*pos`; returns it and whether
/// another alternative (`|`) follows (`rune_altern_decode`).
fn decode_alternative(data: &[u8], pos: &mut usize) -> Result<(RawAlternative, bool), ParseError> {
    let rest = data.get(*pos..).unwrap_or(&[]);
    let flen = rest
        .iter()
        .position(|b| is_delimiting_byte(*b))
        .unwrap_or(rest.len());
    let field = rest.get(..flen).unwrap_or(&[]).to_vec();
    *pos += flen;
    let condition = data
        .get(*pos)
        .and_then(|b| Condition::from_byte(*b))
        .ok_or(ParseError::BadCondition { offset: *pos })?;
    *pos += 1;
    let mut value = Vec::new();
    let mut more = false;
    while let Some(&c) = data.get(*pos) {
        *pos += 1;
        match c {
            b'|' => {
                more = true;
                break;
            }
            b'&' => break,
            b'\\' => {
                let escaped = *data.get(*pos).ok_or(ParseError::DanglingEscape)?;
                *pos += 1;
                value.push(escaped);
            }
            other => value.push(other),
        }
    }
    Ok((
        RawAlternative {
            field,
            condition,
            value,
        },
        more,
    ))
}

/// Decode one restriction starting at `*pos` (`rune_restr_decode`).
pub(crate) fn decode_restriction(
    data: &[u8],
    pos: &mut usize,
) -> Result<Vec<RawAlternative>, ParseError> {
    let mut alts = Vec::new();
    loop {
        let (alt, more) = decode_alternative(data, pos)?;
        alts.push(alt);
        if !more {
            return Ok(alts);
        }
    }
}

/// Decode a whole `&`-separated restriction list.
pub(crate) fn decode_restrictions(data: &[u8]) -> Result<Vec<Vec<RawAlternative>>, ParseError> {
    if data.contains(&0) {
        return Err(ParseError::EmbeddedNul);
    }
    let mut pos = 0;
    let mut out = Vec::new();
    while pos < data.len() {
        out.push(decode_restriction(data, &mut pos)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_round_trips() {
        let alt =
            Alternative::new(FieldName::new("f3").unwrap(), Condition::Contains, "&|\\").unwrap();
        assert_eq!(alt.encode(), "f3~\\&\\|\\\\");
        let r = Restriction::parse(&alt.encode()).unwrap();
        assert_eq!(r.alternatives(), &[alt]);
    }

    #[test]
    fn unnecessary_escapes_are_dropped() {
        let r = Restriction::parse("f1=\\a\\b").unwrap();
        assert_eq!(r.alternatives()[0].value(), "ab");
        assert_eq!(r.encode(), "f1=ab");
    }

    #[test]
    fn alternatives_split_on_pipe() {
        let r = Restriction::parse("f1=1|f2=3").unwrap();
        assert_eq!(r.alternatives().len(), 2);
        assert_eq!(r.alternatives()[1].field().as_str(), "f2");
        assert_eq!(
            Restriction::parse("f1=1&f2=3"),
            Err(ParseError::TrailingCharacters)
        );
        assert!(matches!(
            Restriction::parse("f1=1|"),
            Err(ParseError::BadCondition { .. })
        ));
        assert_eq!(Restriction::parse("f1=\\"), Err(ParseError::DanglingEscape));
    }

    #[test]
    fn field_names() {
        assert!(FieldName::new("f_with_underscores").is_ok());
        assert!(FieldName::new("ünïcode").is_ok());
        assert_eq!(FieldName::new(""), Err(ParseError::EmptyFieldName));
        assert_eq!(
            FieldName::new("a-b"),
            Err(ParseError::FieldNamePunctuation('-'))
        );
        assert_eq!(
            FieldName::new("a.b").unwrap_err().to_string(),
            "field name contains punctuation '.'"
        );
    }

    #[test]
    fn createrune_style_alternatives() {
        let a = Alternative::from_unescaped("pnameamount_msat<100000001").unwrap();
        assert_eq!(a.field().as_str(), "pnameamount_msat");
        assert_eq!(a.condition(), Condition::IntLess);
        assert_eq!(a.value(), "100000001");
        let b = Alternative::from_unescaped("method=a|b").unwrap();
        assert_eq!(b.value(), "a|b");
        assert_eq!(b.encode(), "method=a\\|b");
        assert!(Alternative::from_unescaped("=1").is_err());
        assert!(Alternative::from_unescaped("method").is_err());
    }
}
