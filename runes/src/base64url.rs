//! Base64 with the URL-safe alphabet (RFC 4648 §5), as runes use it.
//!
//! Encoding always pads with `=` (Core Lightning's `rune_to_base64`).
//! Decoding follows `ccan/base64` as used by `rune_from_base64n`: all but
//! the last (up to four) characters must be full quartets; in the final
//! group trailing `=` are dropped, a lone character is an error, and
//! unpadded input is accepted.

use crate::error::ParseError;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Encode `data` with padding.
pub fn encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b0 = chunk.first().copied().unwrap_or(0);
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        let sextets = [
            b0 >> 2,
            ((b0 & 3) << 4) | (b1 >> 4),
            ((b1 & 0xf) << 2) | (b2 >> 6),
            b2 & 0x3f,
        ];
        for (i, s) in sextets.iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[usize::from(*s)]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn sextet(c: u8) -> Result<u8, ParseError> {
    match c {
        b'A'..=b'Z' => Ok(c - b'A'),
        b'a'..=b'z' => Ok(c - b'a' + 26),
        b'0'..=b'9' => Ok(c - b'0' + 52),
        b'-' => Ok(62),
        b'_' => Ok(63),
        _ => Err(ParseError::InvalidBase64),
    }
}

fn quartet(src: &[u8], out: &mut Vec<u8>, keep: usize) -> Result<(), ParseError> {
    let mut s = [0u8; 4];
    for (slot, c) in s.iter_mut().zip(src.iter().chain(std::iter::repeat(&b'A'))) {
        *slot = sextet(*c)?;
    }
    let bytes = [
        (s[0] << 2) | (s[1] >> 4),
        ((s[1] & 0xf) << 4) | (s[2] >> 2),
        ((s[2] & 0x3) << 6) | s[3],
    ];
    out.extend(bytes.iter().take(keep));
    Ok(())
}

/// Decode, with `ccan/base64` leniency (see module docs).
pub fn decode(s: &str) -> Result<Vec<u8>, ParseError> {
    let src = s.as_bytes();
    let mut out = Vec::with_capacity(src.len() / 4 * 3 + 3);
    // Everything but the last one to four characters is whole quartets.
    let full = src.len().saturating_sub(1) / 4 * 4;
    let (body, mut tail) = src.split_at(full);
    for q in body.chunks_exact(4) {
        quartet(q, &mut out, 3)?;
    }
    while let Some((b'=', rest)) = tail.split_last() {
        tail = rest;
    }
    match tail.len() {
        0 => {}
        1 => return Err(ParseError::InvalidBase64),
        n => quartet(tail, &mut out, n - 1)?,
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_vectors() {
        let v = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, enc) in v {
            assert_eq!(encode(plain.as_bytes()), enc);
            assert_eq!(decode(enc).unwrap(), plain.as_bytes());
        }
    }

    #[test]
    fn url_alphabet_and_leniency() {
        assert_eq!(encode(&[0xfb, 0xff]), "-_8=");
        assert_eq!(decode("-_8").unwrap(), vec![0xfb, 0xff]);
        assert_eq!(decode("Zm9vYg").unwrap(), b"foob");
        assert_eq!(decode("Zm9vY"), Err(ParseError::InvalidBase64));
        assert_eq!(decode("Zm+v"), Err(ParseError::InvalidBase64));
        assert_eq!(decode("Zm=v"), Err(ParseError::InvalidBase64));
    }
}
