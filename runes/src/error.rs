//! Error types of the runes crate.

use std::fmt;

use thiserror::Error;

/// Why a rune (or a restriction) could not be parsed or built.
///
/// Mirrors the rejections of `ccan/rune/coding.c` (`rune_from_base64n`,
/// `rune_from_string`, `rune_altern_decode`) and `rune_add_restr`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The base64url text has a character outside the alphabet or a lone
    /// trailing character.
    InvalidBase64,
    /// Fewer than 32 bytes: no room for the authcode.
    TooShort,
    /// The string form does not start with 64 hex digits.
    InvalidHexAuthcode,
    /// The string form has no `:` after the hex authcode.
    MissingColon,
    /// The restrictions contain a NUL byte (C strings cannot hold one).
    EmbeddedNul,
    /// The restrictions are not valid UTF-8.
    InvalidUtf8,
    /// An alternative's field name is followed by a character that is not
    /// one of the eleven conditions, or by nothing at all.
    BadCondition {
        /// Byte offset of the offending character within the restrictions.
        offset: usize,
    },
    /// A backslash is the last character of the restrictions.
    DanglingEscape,
    /// An alternative with an empty field name (the unique id) shares its
    /// restriction with other alternatives.
    UniqueIdNotAlone,
    /// An alternative with an empty field name appears after the first
    /// restriction (the unique id cannot be overridden).
    UniqueIdNotFirst,
    /// The unique id alternative does not use `=`.
    UniqueIdNotEqual,
    /// A field name is empty where a real field is required.
    EmptyFieldName,
    /// A field name contains punctuation other than `_` (C `ispunct`: ASCII, so shown as it
    /// is; `{:?}` would link char's Unicode tables into the npm package for this message).
    FieldNamePunctuation(char),
    /// A field name or value contains a NUL character.
    NulInField,
    /// A unique id contains `-` (which separates the version).
    DashInUniqueId,
    /// A restriction must have at least one alternative.
    NoAlternatives,
    /// Trailing characters after a single restriction.
    TrailingCharacters,
}

impl ParseError {
    /// Appends the message (what `Display` shows) to `out` without `core::fmt` (the npm
    /// package's facade builds its `RUNE_INVALID` messages with it).
    pub fn push_message(&self, out: &mut String) {
        let text = match self {
            Self::InvalidBase64 => "invalid base64url encoding",
            Self::TooShort => "rune is shorter than its 32-byte authcode",
            Self::InvalidHexAuthcode => "string form must start with a 64-digit hex authcode",
            Self::MissingColon => "string form needs ':' after the hex authcode",
            Self::EmbeddedNul => "restrictions contain a NUL byte",
            Self::InvalidUtf8 => "restrictions are not valid UTF-8",
            Self::BadCondition { offset } => {
                out.push_str("alternative at byte ");
                crate::decode::push_u64(out, *offset as u64);
                out.push_str(" has no valid condition after its field name");
                return;
            }
            Self::DanglingEscape => "dangling backslash at end of restrictions",
            Self::UniqueIdNotAlone => "unique id must be the only alternative of its restriction",
            Self::UniqueIdNotFirst => "unique id may only appear in the first restriction",
            Self::UniqueIdNotEqual => "unique id must use the '=' condition",
            Self::EmptyFieldName => "field name is empty",
            Self::FieldNamePunctuation(c) => {
                out.push_str("field name contains punctuation '");
                out.push(*c);
                out.push('\'');
                return;
            }
            Self::NulInField => "field name or value contains NUL",
            Self::DashInUniqueId => "unique id must not contain '-'",
            Self::NoAlternatives => "restriction has no alternatives",
            Self::TrailingCharacters => "trailing characters after the restriction",
        };
        out.push_str(text);
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::new();
        self.push_message(&mut text);
        f.write_str(&text)
    }
}

impl std::error::Error for ParseError {}

/// Why a secret could not be used as a master secret.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SecretError {
    /// The secret plus its SHA-256 end marker must fit in one block.
    #[error("master secret is {len} bytes; at most 55 are allowed")]
    TooLong {
        /// Supplied length.
        len: usize,
    },
}

/// Why a rune is not derived from a given source rune
/// (`rune_is_derived` / `rune_is_derived_anyversion`). The `Display`
/// strings are Core Lightning's.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DerivationError {
    /// The versions differ.
    #[error("Version mismatch")]
    VersionMismatch,
    /// The rune has fewer restrictions than its claimed source.
    #[error("Fewer restrictions than master")]
    FewerRestrictions,
    /// The leading restrictions differ from the source's.
    #[error("Does not match master restrictions")]
    RestrictionMismatch,
    /// The authcode does not match.
    #[error("Not derived from master")]
    NotDerived,
}

#[cfg(test)]
mod tests {
    use super::ParseError;

    /// `push_message` is `Display`'s text, the numbers and characters included.
    #[test]
    fn messages_without_fmt_are_display() {
        let e = ParseError::BadCondition { offset: 1234 };
        assert_eq!(
            e.to_string(),
            "alternative at byte 1234 has no valid condition after its field name"
        );
        assert_eq!(
            ParseError::FieldNamePunctuation('.').to_string(),
            "field name contains punctuation '.'"
        );
        let mut out = String::from("invalid rune: ");
        ParseError::TooShort.push_message(&mut out);
        assert_eq!(
            out,
            "invalid rune: rune is shorter than its 32-byte authcode"
        );
    }
}
