//! Raw JSON token access in the manner of Core Lightning's `jsmn` tokens.
//!
//! Core Lightning compares rune fields against the *raw text* of JSON
//! tokens (a string's text between its quotes, escapes untouched; an
//! object's or array's full text), and looks up object members by their
//! raw key text. This module validates a document with `serde_json` and
//! then slices the top level of an object or array accordingly.

/// What kind of JSON value a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// `{...}`
    Object,
    /// `[...]`
    Array,
    /// `"..."`
    String,
    /// A number, `true`, `false` or `null`.
    Primitive,
}

/// One JSON value, by its raw text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    full: &'a str,
    kind: TokenKind,
}

impl<'a> Token<'a> {
    /// The complete text (with quotes for strings), as `json_tok_full`.
    pub fn full(&self) -> &'a str {
        self.full
    }

    /// The text jsmn spans: strings without their quotes (escapes left
    /// as-is), everything else in full.
    pub fn content(&self) -> &'a str {
        match self.kind {
            TokenKind::String => self
                .full
                .get(1..self.full.len().saturating_sub(1))
                .unwrap_or(""),
            _ => self.full,
        }
    }

    /// The kind.
    pub fn kind(&self) -> TokenKind {
        self.kind
    }
}

/// A validated JSON document whose top level is an object or array.
#[derive(Debug, Clone)]
pub struct Container<'a> {
    kind: TokenKind,
    /// Members: keys (raw content) for objects, `None` for arrays.
    members: Vec<(Option<&'a str>, Token<'a>)>,
}

impl<'a> Container<'a> {
    /// Parse `text`; `None` if it is not valid JSON or not an object or
    /// array at the top level.
    pub fn parse(text: &'a str) -> Option<Self> {
        serde_json::from_str::<serde::de::IgnoredAny>(text).ok()?;
        let b = text.as_bytes();
        let start = skip_ws(b, 0);
        let kind = match b.get(start)? {
            b'{' => TokenKind::Object,
            b'[' => TokenKind::Array,
            _ => return None,
        };
        let mut members = Vec::new();
        let mut i = skip_ws(b, start + 1);
        let close = if kind == TokenKind::Object {
            b'}'
        } else {
            b']'
        };
        if *b.get(i)? == close {
            return Some(Container { kind, members });
        }
        loop {
            let key = if kind == TokenKind::Object {
                let end = value_end(b, i)?;
                let k = token(text, i, end)?;
                i = skip_ws(b, end);
                if *b.get(i)? != b':' {
                    return None;
                }
                i = skip_ws(b, i + 1);
                Some(k.content())
            } else {
                None
            };
            let end = value_end(b, i)?;
            members.push((key, token(text, i, end)?));
            i = skip_ws(b, end);
            match *b.get(i)? {
                b',' => i = skip_ws(b, i + 1),
                c if c == close => return Some(Container { kind, members }),
                _ => return None,
            }
        }
    }

    /// Object or array.
    pub fn kind(&self) -> TokenKind {
        self.kind
    }

    /// Number of members (jsmn `size`).
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether there are no members.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Members in order: `(Some(raw key), value)` for objects,
    /// `(None, value)` for arrays.
    pub fn members(&self) -> &[(Option<&'a str>, Token<'a>)] {
        &self.members
    }

    /// First member whose raw key equals `key` (`json_get_member`).
    pub fn get(&self, key: &str) -> Option<Token<'a>> {
        self.members
            .iter()
            .find(|(k, _)| *k == Some(key))
            .map(|(_, t)| *t)
    }
}

fn token(text: &str, start: usize, end: usize) -> Option<Token<'_>> {
    let full = text.get(start..end)?;
    let kind = match full.as_bytes().first()? {
        b'{' => TokenKind::Object,
        b'[' => TokenKind::Array,
        b'"' => TokenKind::String,
        _ => TokenKind::Primitive,
    };
    Some(Token { full, kind })
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// End (exclusive) of the value starting at `i` in valid JSON.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match *b.get(j)? {
                    b'"' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while let Some(c) = b.get(j) {
                if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                    break;
                }
                j += 1;
            }
            Some(j)
        }
    }
}

/// End (exclusive, after the closing quote) of the string at `i`.
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        match *b.get(j)? {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_members_are_raw() {
        let c =
            Container::parse(r#" {"a\"b" : "x\ny", "n": -12, "o": {"k": [1, "]"]}, "a\"b": 2 } "#)
                .unwrap();
        assert_eq!(c.kind(), TokenKind::Object);
        assert_eq!(c.len(), 4);
        let first = c.get("a\\\"b").unwrap();
        assert_eq!(first.kind(), TokenKind::String);
        assert_eq!(first.content(), "x\\ny");
        assert_eq!(c.get("n").unwrap().content(), "-12");
        assert_eq!(c.get("o").unwrap().full(), r#"{"k": [1, "]"]}"#);
    }

    #[test]
    fn arrays_and_rejections() {
        let c = Container::parse(r#"["a", 1, true, null, [], {}]"#).unwrap();
        assert_eq!(c.len(), 6);
        assert_eq!(c.members()[2].1.kind(), TokenKind::Primitive);
        assert!(Container::parse("[]").unwrap().is_empty());
        assert!(Container::parse("\"x\"").is_none());
        assert!(Container::parse("{").is_none());
        assert!(Container::parse("{} x").is_none());
    }
}
