//! Error types of the runes crate.

use thiserror::Error;

/// Why a rune (or a restriction) could not be parsed or built.
///
/// Mirrors the rejections of `ccan/rune/coding.c` (`rune_from_base64n`,
/// `rune_from_string`, `rune_altern_decode`) and `rune_add_restr`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseError {
    /// The base64url text has a character outside the alphabet or a lone
    /// trailing character.
    #[error("invalid base64url encoding")]
    InvalidBase64,
    /// Fewer than 32 bytes: no room for the authcode.
    #[error("rune is shorter than its 32-byte authcode")]
    TooShort,
    /// The string form does not start with 64 hex digits.
    #[error("string form must start with a 64-digit hex authcode")]
    InvalidHexAuthcode,
    /// The string form has no `:` after the hex authcode.
    #[error("string form needs ':' after the hex authcode")]
    MissingColon,
    /// The restrictions contain a NUL byte (C strings cannot hold one).
    #[error("restrictions contain a NUL byte")]
    EmbeddedNul,
    /// The restrictions are not valid UTF-8.
    #[error("restrictions are not valid UTF-8")]
    InvalidUtf8,
    /// An alternative's field name is followed by a character that is not
    /// one of the eleven conditions, or by nothing at all.
    #[error("alternative at byte {offset} has no valid condition after its field name")]
    BadCondition {
        /// Byte offset of the offending character within the restrictions.
        offset: usize,
    },
    /// A backslash is the last character of the restrictions.
    #[error("dangling backslash at end of restrictions")]
    DanglingEscape,
    /// An alternative with an empty field name (the unique id) shares its
    /// restriction with other alternatives.
    #[error("unique id must be the only alternative of its restriction")]
    UniqueIdNotAlone,
    /// An alternative with an empty field name appears after the first
    /// restriction (the unique id cannot be overridden).
    #[error("unique id may only appear in the first restriction")]
    UniqueIdNotFirst,
    /// The unique id alternative does not use `=`.
    #[error("unique id must use the '=' condition")]
    UniqueIdNotEqual,
    /// A field name is empty where a real field is required.
    #[error("field name is empty")]
    EmptyFieldName,
    /// A field name contains punctuation other than `_` (C `ispunct`: ASCII, so shown as it
    /// is; `{:?}` would link char's Unicode tables into the npm package for this message).
    #[error("field name contains punctuation '{0}'")]
    FieldNamePunctuation(char),
    /// A field name or value contains a NUL character.
    #[error("field name or value contains NUL")]
    NulInField,
    /// A unique id contains `-` (which separates the version).
    #[error("unique id must not contain '-'")]
    DashInUniqueId,
    /// A restriction must have at least one alternative.
    #[error("restriction has no alternatives")]
    NoAlternatives,
    /// Trailing characters after a single restriction.
    #[error("trailing characters after the restriction")]
    TrailingCharacters,
}

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
