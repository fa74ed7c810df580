//! The BOLT 12 string form, BOLT 12 §"Encoding": a human-readable prefix, `1`, then the
//! TLV bytes in bech32's 5-bit alphabet, **without** a checksum; optionally split by `+`
//! followed by whitespace; all lowercase or all uppercase.
//!
//! This is not bech32 (no checksum, `+` continuations, BOLT 12's own padding rule), so the
//! conversion is done here rather than through the `bech32` crate, whose checksum-less
//! mode would still need this module's `+` and padding handling around it; what the two
//! share is the 32-character alphabet.
use std::borrow::Cow;

use thiserror::Error;

/// The bech32 alphabet: value `i` is written as `CHARSET[i]`.
const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// Character -> 5-bit value, for both cases; 0xff for characters outside the alphabet.
const DECODE: [u8; 256] = {
    let mut table = [0xffu8; 256];
    let mut i = 0;
    while i < 32 {
        table[CHARSET[i] as usize] = i as u8;
        table[CHARSET[i].to_ascii_uppercase() as usize] = i as u8;
        i += 1;
    }
    table
};

/// Why a string is not a well-formed BOLT 12 string.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StringError {
    /// Nothing to decode.
    #[error("empty string")]
    Empty,
    /// Writers MUST use all lowercase or all uppercase.
    #[error("mixed upper and lower case")]
    MixedCase,
    /// A `+` not between two bech32 characters (leading, trailing, doubled).
    #[error("'+' at position {position} is not between two bech32 characters")]
    MisplacedPlus {
        /// Byte offset of the `+` in the input.
        position: usize,
    },
    /// No `1` separates the prefix from the data.
    #[error("no '1' separator after the prefix")]
    MissingSeparator,
    /// A prefix character that is not an ASCII letter or digit (the human-readable part,
    /// BIP 173 as BOLT 12 §"Encoding" uses it). Shown escaped as below.
    #[error("invalid character '{}' at prefix position {position}", character.escape_default())]
    InvalidPrefixCharacter {
        /// The character.
        character: char,
        /// Its byte offset in the prefix (before the `1`).
        position: usize,
    },
    /// A character outside the bech32 alphabet in the data part. Shown escaped by
    /// `char::escape_default` (non-ASCII as `\u{..}`), not `{:?}`, which would link char's
    /// Unicode tables into the npm package.
    #[error("invalid character '{}' at data position {position}", character.escape_default())]
    InvalidCharacter {
        /// The character.
        character: char,
        /// Its index in the data part (after the `1`).
        position: usize,
    },
    /// More than 4 bits of padding: the data part has a character too many.
    #[error("bech32 padding exceeds 4 bits ({bits} bits)")]
    ExcessPadding {
        /// Padding bits found.
        bits: u32,
    },
    /// Padding bits must be zero.
    #[error("bech32 padding bits are not zero")]
    NonZeroPadding,
}

/// Removes `+` continuations: a `+` followed by zero or more whitespace characters between
/// two bech32 characters is dropped with the whitespace (BOLT 12 §"Encoding", readers).
pub fn join_continuations(s: &str) -> Result<Cow<'_, str>, StringError> {
    if !s.contains('+') {
        return Ok(Cow::Borrowed(s));
    }
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b != b'+' {
            out.push(b as char);
            i += 1;
            continue;
        }
        let position = i;
        let before_ok = out.as_bytes().last().is_some_and(u8::is_ascii_alphanumeric);
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let after_ok = bytes.get(i).is_some_and(u8::is_ascii_alphanumeric);
        if !before_ok || !after_ok {
            return Err(StringError::MisplacedPlus { position });
        }
    }
    Ok(Cow::Owned(out))
}

/// Decodes a BOLT 12 string into its lowercase prefix and its bytes.
///
/// Surrounding whitespace is ignored. Non-ASCII input is refused as an invalid character.
pub fn decode(input: &str) -> Result<(String, Vec<u8>), StringError> {
    let trimmed = input.trim_matches(|c: char| c.is_ascii_whitespace());
    if trimmed.is_empty() {
        return Err(StringError::Empty);
    }
    let joined = join_continuations(trimmed)?;
    let bytes = joined.as_bytes();
    let has_lower = bytes.iter().any(u8::is_ascii_lowercase);
    let has_upper = bytes.iter().any(u8::is_ascii_uppercase);
    if has_lower && has_upper {
        return Err(StringError::MixedCase);
    }
    let sep = match bytes.iter().rposition(|b| *b == b'1') {
        Some(0) | None => return Err(StringError::MissingSeparator),
        Some(i) => i,
    };
    let (hrp, data) = (&bytes[..sep], &bytes[sep + 1..]);
    if let Some(bad) = hrp.iter().position(|b| !b.is_ascii_alphanumeric()) {
        let character = joined[bad..].chars().next().unwrap_or('?');
        return Err(StringError::InvalidPrefixCharacter {
            character,
            position: bad,
        });
    }
    let hrp = String::from_utf8_lossy(hrp).to_ascii_lowercase();
    let mut out = Vec::with_capacity(data.len() * 5 / 8);
    let mut acc: u32 = 0;
    let mut bits: u32 = 0;
    for (position, &c) in data.iter().enumerate() {
        let v = DECODE[c as usize];
        if v == 0xff {
            let character = joined[sep + 1 + position..].chars().next().unwrap_or('?');
            return Err(StringError::InvalidCharacter {
                character,
                position,
            });
        }
        acc = (acc << 5) | u32::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if bits > 4 {
        return Err(StringError::ExcessPadding { bits });
    }
    if acc != 0 {
        return Err(StringError::NonZeroPadding);
    }
    Ok((hrp, out))
}

/// Encodes `data` with prefix `hrp`, in lowercase, without `+` splits.
pub fn encode(hrp: &str, data: &[u8]) -> String {
    let mut out = String::with_capacity(hrp.len() + 1 + (data.len() * 8).div_ceil(5));
    out.push_str(hrp);
    out.push('1');
    let mut acc: u32 = 0;
    let mut bits: u32 = 0;
    for &b in data {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(CHARSET[((acc >> bits) & 31) as usize] as char);
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(CHARSET[((acc << (5 - bits)) & 31) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_all_lengths() {
        for len in 0..70usize {
            let data: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let s = encode("lno", &data);
            assert_eq!(decode(&s).unwrap(), ("lno".to_owned(), data.clone()));
            assert_eq!(
                decode(&s.to_ascii_uppercase()).unwrap(),
                ("lno".to_owned(), data)
            );
        }
    }

    #[test]
    fn nonzero_padding_is_refused() {
        // One byte = 8 bits -> 2 chars (10 bits, 2 padding). Set a padding bit.
        let s = encode("lno", &[0xff]);
        let last = s.as_bytes()[s.len() - 1];
        let v = DECODE[last as usize] | 1;
        let bad = format!("{}{}", &s[..s.len() - 1], CHARSET[v as usize] as char);
        assert_eq!(decode(&bad), Err(StringError::NonZeroPadding));
    }

    /// The offending character is named, escaped where it is not printable ASCII.
    #[test]
    fn invalid_character_is_named() {
        for (input, message) in [
            ("lno1qb", "invalid character 'b' at data position 1"),
            (
                "lno1q\u{e9}q",
                "invalid character '\\u{e9}' at data position 1",
            ),
            (
                "lno1q\u{200b}",
                "invalid character '\\u{200b}' at data position 1",
            ),
            ("l-o1qq", "invalid character '-' at prefix position 1"),
            (
                "ln\u{f6}1qq",
                "invalid character '\\u{f6}' at prefix position 2",
            ),
        ] {
            assert_eq!(decode(input).unwrap_err().to_string(), message, "{input}");
        }
    }
}
