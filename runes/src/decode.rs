//! The `decode` view of a rune, as Core Lightning's `decode` command
//! returns it (lightning-decode(7), "If type is rune"; `json_add_rune`
//! in plugins/offers.c): `type`, `unique_id`, `version`, `string`,
//! `restrictions` (each with `alternatives` and a `summary`), `valid`.

use crate::condition::Condition;
use crate::error::ParseError;
use crate::restriction::Alternative;
use crate::rune::Rune;
use serde_json::Value;

/// C `atol`, then reinterpreted as unsigned (as the summary code does).
fn atol_u64(s: &str) -> u64 {
    let t = s.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..).unwrap_or("")),
        Some(b'+') => (false, t.get(1..).unwrap_or("")),
        _ => (false, t),
    };
    let mut v: u64 = 0;
    for b in t.bytes().take_while(u8::is_ascii_digit) {
        v = v.wrapping_mul(10).wrapping_add(u64::from(b - b'0'));
    }
    if neg {
        v.wrapping_neg()
    } else {
        v
    }
}

/// Appends `n` in decimal. The summaries and `ParseError`'s messages are built by
/// appending, not `format!`: the npm package's Commando entry links no `core::fmt` (each
/// `format!` call was its own code there, and the formatting machinery 3 kB more).
pub(crate) fn push_u64(out: &mut String, n: u64) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// Appends `a UNIT_A b UNIT_B`, e.g. `19 hours 18 minutes`.
fn push_pair(out: &mut String, a: u64, unit_a: &str, b: u64, unit_b: &str) {
    push_u64(out, a);
    out.push_str(unit_a);
    push_u64(out, b);
    out.push_str(unit_b);
}

/// Appends the "approximately 19 hours 18 minutes from now"-style description of a
/// `time` value `t` relative to `now` (plugins/offers.c `json_add_rune`).
fn push_time(out: &mut String, t: u64, now: u64) {
    let mut diff = now.abs_diff(t);
    if diff < 60 {
        push_u64(out, diff);
        out.push_str(" seconds");
    } else if diff < 60 * 60 {
        push_pair(out, diff / 60, " minutes ", diff % 60, " seconds");
    } else {
        out.push_str("approximately ");
        diff /= 60; // minutes
        if diff < 48 * 60 {
            push_pair(out, diff / 60, " hours ", diff % 60, " minutes");
        } else {
            diff /= 60; // hours
            if diff < 60 * 24 {
                push_pair(out, diff / 24, " days ", diff % 24, " hours");
            } else {
                diff /= 24; // days
                if diff < 365 * 2 {
                    push_pair(out, diff / 30, " months ", diff % 30, " days");
                } else {
                    // Two years or more: whole months, as Core Lightning
                    // v26.06 prints it (plugins/offers.c `json_add_rune`).
                    push_u64(out, diff / 30);
                    out.push_str(" months");
                }
            }
        }
    }
    out.push_str(if now > t { " ago" } else { " from now" });
}

impl Alternative {
    /// The `decode` summary phrase for one alternative, e.g.
    /// `method (of command) equal to 'listpeers'`. `now` (UNIX seconds) is
    /// used to describe `time` values.
    pub fn summary(&self, now: u64) -> String {
        let mut out = String::new();
        self.push_summary(&mut out, now);
        out
    }

    /// [`Alternative::summary`], appended to `out`.
    fn push_summary(&self, out: &mut String, now: u64) {
        let f = self.field().as_str();
        let raw = self.value();
        if self.condition() == Condition::Comment {
            out.push_str("[comment: ");
            out.push_str(f);
            out.push_str(raw);
            out.push(']');
            return;
        }
        out.push_str(f);
        out.push_str(" (");
        let (int_val, time_val) = match f {
            "time" => {
                out.push_str("in seconds since 1970");
                (false, true)
            }
            "id" => {
                out.push_str("of commanding peer");
                (false, false)
            }
            "method" => {
                out.push_str("of command");
                (false, false)
            }
            "pnum" => {
                out.push_str("number of command parameters");
                (true, false)
            }
            "rate" => {
                out.push_str("max per minute");
                (true, false)
            }
            _ => {
                if let Some(n) = f.strip_prefix("parr") {
                    out.push_str("array parameter #");
                    out.push_str(n);
                } else if let Some(n) = f.strip_prefix("pname") {
                    out.push_str("object parameter '");
                    out.push_str(n);
                    out.push('\'');
                } else {
                    out.push_str("unknown condition?");
                }
                (false, false)
            }
        };
        out.push_str(") ");
        // The value is quoted except after `<` and `>`, and after `=` and `/` on integer and
        // `time` fields; a nonzero `time` value is followed by its description.
        let (phrase, quoted) = match self.condition() {
            Condition::IfMissing => {
                out.push_str("is missing");
                return;
            }
            Condition::Equal => ("equal to ", !int_val && !time_val),
            Condition::NotEqual => ("unequal to ", !int_val && !time_val),
            Condition::BeginsWith => ("starts with ", true),
            Condition::EndsWith => ("ends with ", true),
            Condition::Contains => ("contains ", true),
            Condition::IntLess => ("less than ", false),
            Condition::IntGreater => ("greater than ", false),
            Condition::LexoBefore => ("sorts before ", true),
            Condition::LexoAfter => ("sorts after ", true),
            // Written above, without the field's annotation.
            Condition::Comment => return,
        };
        out.push_str(phrase);
        if quoted {
            out.push('\'');
            out.push_str(raw);
            out.push('\'');
            return;
        }
        out.push_str(raw);
        let t = if time_val { atol_u64(raw) } else { 0 };
        if t != 0 {
            out.push_str(" (");
            push_time(out, t, now);
            out.push(')');
        }
    }
}

/// The `decode` JSON for a rune given as base64url, with `now` (UNIX
/// seconds) used to describe `time` restrictions.
///
/// A rune that parses but whose restrictions are not UTF-8 yields
/// `valid: false` with `hex` and `warning_rune_invalid_utf8`, as Core
/// Lightning does; anything else that does not parse is an error.
///
/// This is [`decode_rune_json_text`] parsed: the fields are written there only.
pub fn decode_rune(s: &str, now: u64) -> Result<Value, ParseError> {
    let text = decode_rune_json_text(s, now)?;
    // An invariant, not input: the writer below emits only strings, arrays,
    // objects and `true`/`false`, escaped (the `runes` fuzz target runs both).
    Ok(serde_json::from_str(&text).expect("decode_rune_json_text writes JSON"))
}

/// [`decode_rune`]'s object as JSON text, written directly (without
/// `serde_json`, so that the npm package's Commando entry, which hands it to
/// `JSON.parse`, carries no JSON library): `type`, `unique_id` and `version`
/// when the rune has them, `string`, each restriction's `alternatives` and
/// `summary` (the alternatives' summaries joined by ` OR `), `valid`.
pub fn decode_rune_json_text(s: &str, now: u64) -> Result<String, ParseError> {
    let rune = match Rune::from_base64(s) {
        Ok(r) => r,
        Err(ParseError::InvalidUtf8) => {
            let raw = Rune::raw_from_base64(s)?;
            let mut out = String::from("{\"type\":\"rune\",\"hex\":");
            json_str(&mut out, &hex::encode(raw.string_form_bytes()));
            out.push_str(
                ",\"warning_rune_invalid_utf8\":\"Rune contains invalid UTF-8 strings\",\"valid\":false}",
            );
            return Ok(out);
        }
        Err(e) => return Err(e),
    };
    let mut out = String::from("{\"type\":\"rune\"");
    if let Some(id) = rune.unique_id() {
        out.push_str(",\"unique_id\":");
        json_str(&mut out, id.id());
        if let Some(v) = id.version() {
            out.push_str(",\"version\":");
            json_str(&mut out, v);
        }
    }
    out.push_str(",\"string\":");
    json_str(&mut out, &rune.to_string_form());
    out.push_str(",\"restrictions\":[");
    for (i, r) in rune.restrictions().iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"alternatives\":[");
        let mut summary = String::new();
        for (j, a) in r.alternatives().iter().enumerate() {
            if j > 0 {
                out.push(',');
                summary.push_str(" OR ");
            }
            json_str(&mut out, &a.encode_unescaped());
            a.push_summary(&mut summary, now);
        }
        out.push_str("],\"summary\":");
        json_str(&mut out, &summary);
        out.push('}');
    }
    out.push_str("],\"valid\":true}");
    Ok(out)
}

/// `s` as a JSON string literal (RFC 8259 §7: `"`, `\\` and control
/// characters escaped).
fn json_str(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(char::from(HEX[(c as usize) >> 4]));
                out.push(char::from(HEX[(c as usize) & 15]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

impl Alternative {
    /// `FIELDNAME CONDITION VALUE` without escaping, as `decode` lists
    /// alternatives.
    pub fn encode_unescaped(&self) -> String {
        let mut out = String::with_capacity(self.field().as_str().len() + 1 + self.value().len());
        out.push_str(self.field().as_str());
        out.push(self.condition().as_char());
        out.push_str(self.value());
        out
    }
}
