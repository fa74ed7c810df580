//! Where the `decode` fields go: one set of field rules (in `json.rs`) written to either
//! sink.
//!
//! - [`Text`]: the JSON text itself (RFC 8259), written once into a `String`. This is what
//!   the npm package hands to `JSON.parse`: no `serde_json::Value` tree is built, then
//!   serialised, on the hot path. [`Text::cln`] writes Core Lightning's `valid: false`
//!   object the same way (without our clock's warnings, noting the first invalidating
//!   one), so that the npm package links one copy of the field rules and no JSON tree.
//! - [`Tree`]: a `serde_json::Value`, for the native API ([`super::decode_json_at`] and
//!   friends), built the way it always was (a key written twice keeps its first place and
//!   takes the second value, as `JSON.parse` and `serde_json` both read the text).

use serde_json::{Map, Value};

/// Receives one JSON document, depth first. `key` is the member name inside an object and
/// `None` for an array element (or the document itself).
pub(crate) trait Sink {
    /// Opens an object (`array == false`) or an array.
    fn open(&mut self, key: Option<&str>, array: bool);
    /// Closes the innermost open object or array.
    fn close(&mut self);
    /// A string.
    fn str(&mut self, key: Option<&str>, value: &str);
    /// A string of lowercase hex, two digits a byte.
    fn hex(&mut self, key: Option<&str>, bytes: &[u8]);
    /// A non-negative integer.
    fn u64(&mut self, key: Option<&str>, value: u64);
    /// `true` or `false`.
    fn bool(&mut self, key: Option<&str>, value: bool);

    /// `key: "value"` in the open object.
    fn field_str(&mut self, key: &str, value: &str) {
        self.str(Some(key), value);
    }
    /// `key: "<hex>"` in the open object.
    fn field_hex(&mut self, key: &str, bytes: &[u8]) {
        self.hex(Some(key), bytes);
    }
    /// `key: n` in the open object.
    fn field_u64(&mut self, key: &str, value: u64) {
        self.u64(Some(key), value);
    }
    /// `key: true|false` in the open object.
    fn field_bool(&mut self, key: &str, value: bool) {
        self.bool(Some(key), value);
    }
    /// Opens `key: {` in the open object.
    fn open_object(&mut self, key: &str) {
        self.open(Some(key), false);
    }
    /// Opens `key: [` in the open object.
    fn open_array(&mut self, key: &str) {
        self.open(Some(key), true);
    }
}

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Lowercase hex, two digits a byte (a table, not `fmt` per byte: `decode` writes every
/// path key and payload this way, and `{:02x}` per byte was a large share of its time).
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    push_hex(&mut s, bytes);
    s
}

/// Appends the hex of `bytes`, 32 bytes per `push_str` of a stack buffer.
fn push_hex(s: &mut String, bytes: &[u8]) {
    s.reserve(bytes.len() * 2);
    for chunk in bytes.chunks(32) {
        let mut buf = [0u8; 64];
        for (pair, b) in buf.chunks_exact_mut(2).zip(chunk) {
            pair[0] = DIGITS[usize::from(b >> 4)];
            pair[1] = DIGITS[usize::from(b & 15)];
        }
        // Hex digits are ASCII: the conversion cannot fail.
        if let Ok(text) = core::str::from_utf8(&buf[..2 * chunk.len()]) {
            s.push_str(text);
        }
    }
}

/// JSON text, compact (no whitespace), keys in the order written.
pub(crate) struct Text {
    out: String,
    /// A member or element was written at this level: the next one needs a comma.
    comma: bool,
    /// The closing bracket of each open container, outermost first.
    open: Vec<char>,
    /// Set for Core Lightning's `valid: false` object ([`Text::cln`]).
    cln: Option<Cln>,
}

/// What [`Text::cln`] keeps track of while the object is written.
#[derive(Default)]
struct Cln {
    /// The first invalidating warning written (see [`is_invalidating`]): its name, its
    /// text, and the container it is in (so that a second write of the same member, which
    /// a reader takes as the member's value, replaces the text).
    first: Option<(String, String, usize)>,
    /// The open containers' numbers, innermost last; `opened` counts them all.
    stack: Vec<usize>,
    opened: usize,
}

/// A warning that makes Core Lightning report a message invalid: every `warning_*` field
/// but `warning_unknown_offer_currency` and our own two expiry warnings (`super::
/// first_invalidating_warning` is the same rule over a `Value`).
pub(crate) fn is_invalidating(key: &str) -> bool {
    key.starts_with("warning_") && !is_ours(key) && key != "warning_unknown_offer_currency"
}

/// Our additions to Core Lightning's format: the clock's warnings.
pub(crate) fn is_ours(key: &str) -> bool {
    key == "warning_offer_expired" || key == "warning_invoice_expired"
}

impl Text {
    /// An empty document; `capacity` bytes reserved.
    pub(crate) fn with_capacity(capacity: usize) -> Text {
        Text {
            out: String::with_capacity(capacity),
            comma: false,
            open: Vec::with_capacity(8),
            cln: None,
        }
    }

    /// Core Lightning's `valid: false` object exactly: the document's own
    /// `warning_offer_expired` / `warning_invoice_expired` (ours, from the clock) are left
    /// out, and the first invalidating warning is noted ([`Text::first_invalidating`]).
    pub(crate) fn cln(capacity: usize) -> Text {
        Text {
            cln: Some(Cln::default()),
            ..Text::with_capacity(capacity)
        }
    }

    /// The first invalidating warning (depth first, in the order written) and its text.
    pub(crate) fn first_invalidating(&self) -> Option<(String, String)> {
        let (key, text, _) = self.cln.as_ref()?.first.as_ref()?;
        Some((key.clone(), text.clone()))
    }

    /// The text written.
    pub(crate) fn into_string(self) -> String {
        self.out
    }

    /// A string member of Core Lightning's object: `false` if it is left out.
    fn cln_str(&mut self, key: &str, value: &str) -> bool {
        let Some(cln) = &mut self.cln else {
            return true;
        };
        if self.open.len() == 1 && is_ours(key) {
            return false;
        }
        if is_invalidating(key) {
            let here = cln.stack.last().copied().unwrap_or(0);
            match &mut cln.first {
                None => cln.first = Some((key.to_owned(), value.to_owned(), here)),
                Some((k, text, at)) if *at == here && k == key => *text = value.to_owned(),
                Some(_) => {}
            }
        }
        true
    }

    /// The comma before a member or element, then the member's name.
    fn start(&mut self, key: Option<&str>) {
        if self.comma {
            self.out.push(',');
        }
        if let Some(key) = key {
            // Member names are this crate's literals (`offer_id`, `warning_...`): nothing
            // to escape, so they are copied as they are.
            debug_assert!(key.bytes().all(|b| b == b'_' || b.is_ascii_alphanumeric()));
            self.out.push('"');
            self.out.push_str(key);
            self.out.push_str("\":");
        }
    }
}

/// `s` as a JSON string: `"`, `\` and the control characters escaped as `serde_json`
/// escapes them (`\n`, `\u001f`, ...), everything else (non-ASCII included) as is.
fn push_string(out: &mut String, s: &str) {
    out.push('"');
    let bytes = s.as_bytes();
    if !bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut plain = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: Option<&str> = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0x08 => Some("\\b"),
            0x0c => Some("\\f"),
            0..=0x1f => Some(""),
            _ => None,
        };
        let Some(escape) = escape else { continue };
        // Only ASCII bytes are escaped, so `plain..i` and `i + 1..` are char boundaries.
        out.push_str(&s[plain..i]);
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(DIGITS[usize::from(b >> 4)]));
            out.push(char::from(DIGITS[usize::from(b & 15)]));
        } else {
            out.push_str(escape);
        }
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
    out.push('"');
}

impl Sink for Text {
    fn open(&mut self, key: Option<&str>, array: bool) {
        self.start(key);
        self.out.push(if array { '[' } else { '{' });
        self.open.push(if array { ']' } else { '}' });
        self.comma = false;
        if let Some(cln) = &mut self.cln {
            cln.opened += 1;
            cln.stack.push(cln.opened);
        }
    }

    fn close(&mut self) {
        if let Some(bracket) = self.open.pop() {
            self.out.push(bracket);
            self.comma = true;
        }
        if let Some(cln) = &mut self.cln {
            cln.stack.pop();
        }
    }

    fn str(&mut self, key: Option<&str>, value: &str) {
        if let Some(key) = key {
            if !self.cln_str(key, value) {
                return;
            }
        }
        self.start(key);
        push_string(&mut self.out, value);
        self.comma = true;
    }

    fn hex(&mut self, key: Option<&str>, bytes: &[u8]) {
        self.start(key);
        self.out.push('"');
        push_hex(&mut self.out, bytes);
        self.out.push('"');
        self.comma = true;
    }

    fn u64(&mut self, key: Option<&str>, value: u64) {
        self.start(key);
        let mut buf = [0u8; 20];
        let mut i = buf.len();
        let mut n = value;
        loop {
            i -= 1;
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        for &d in &buf[i..] {
            self.out.push(char::from(d));
        }
        self.comma = true;
    }

    fn bool(&mut self, key: Option<&str>, value: bool) {
        self.start(key);
        self.out.push_str(if value { "true" } else { "false" });
        self.comma = true;
    }
}

/// A `serde_json::Value`, built as the fields arrive.
pub(crate) struct Tree {
    /// The open containers, outermost first, each with the key it goes under.
    stack: Vec<(Option<String>, Value)>,
    done: Option<Value>,
}

impl Tree {
    pub(crate) fn new() -> Tree {
        Tree {
            stack: Vec::new(),
            done: None,
        }
    }

    /// The document written (`null` if nothing was).
    pub(crate) fn into_value(self) -> Value {
        self.done.unwrap_or(Value::Null)
    }

    fn put(&mut self, key: Option<&str>, value: Value) {
        match self.stack.last_mut() {
            Some((_, Value::Object(m))) => {
                m.insert(key.unwrap_or_default().to_owned(), value);
            }
            Some((_, Value::Array(a))) => a.push(value),
            _ => self.done = Some(value),
        }
    }
}

impl Sink for Tree {
    fn open(&mut self, key: Option<&str>, array: bool) {
        let value = if array {
            Value::Array(Vec::new())
        } else {
            Value::Object(Map::new())
        };
        self.stack.push((key.map(str::to_owned), value));
    }

    fn close(&mut self) {
        if let Some((key, value)) = self.stack.pop() {
            self.put(key.as_deref(), value);
        }
    }

    fn str(&mut self, key: Option<&str>, value: &str) {
        self.put(key, value.into());
    }

    fn hex(&mut self, key: Option<&str>, bytes: &[u8]) {
        self.put(key, hex(bytes).into());
    }

    fn u64(&mut self, key: Option<&str>, value: u64) {
        self.put(key, value.into());
    }

    fn bool(&mut self, key: Option<&str>, value: bool) {
        self.put(key, value.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write<S: Sink>(s: &mut S) {
        s.open(None, false);
        s.field_str("a", "x\"\\\n\u{1}é");
        s.open_array("list");
        s.u64(None, 0);
        s.u64(None, u64::MAX);
        s.open(None, false);
        s.field_hex("h", &[0, 0xab, 0xff]);
        s.close();
        s.open(None, true);
        s.close();
        s.close();
        s.field_bool("w", false);
        s.open_object("empty");
        s.close();
        // A key written twice (as Core Lightning may write a warning twice): a reader
        // keeps its first place and the second value.
        s.field_bool("a", true);
        s.field_u64("last", 7);
        s.close();
    }

    #[test]
    fn text_reads_back_as_the_tree() {
        let mut text = Text::with_capacity(0);
        write(&mut text);
        let text = text.into_string();
        assert_eq!(
            text,
            r#"{"a":"x\"\\\n\u0001é","list":[0,18446744073709551615,{"h":"00abff"},[]],"w":false,"empty":{},"a":true,"last":7}"#
        );
        let mut tree = Tree::new();
        write(&mut tree);
        let tree = tree.into_value();
        assert_eq!(
            tree.to_string(),
            r#"{"a":true,"list":[0,18446744073709551615,{"h":"00abff"},[]],"w":false,"empty":{},"last":7}"#
        );
        let parsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed.to_string(), tree.to_string());
    }
}
