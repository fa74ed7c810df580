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

/// "(approximately 19 hours 18 minutes from now)"-style description of a
/// `time` value relative to `now`.
fn describe_time(t: u64, now: u64) -> String {
    let mut diff = now.abs_diff(t);
    let mut v = if diff < 60 {
        format!("{diff} seconds")
    } else if diff < 60 * 60 {
        format!("{} minutes {} seconds", diff / 60, diff % 60)
    } else {
        let mut v = String::from("approximately ");
        diff /= 60; // minutes
        if diff < 48 * 60 {
            v.push_str(&format!("{} hours {} minutes", diff / 60, diff % 60));
        } else {
            diff /= 60; // hours
            if diff < 60 * 24 {
                v.push_str(&format!("{} days {} hours", diff / 24, diff % 24));
            } else {
                diff /= 24; // days
                if diff < 365 * 2 {
                    v.push_str(&format!("{} months {} days", diff / 30, diff % 30));
                } else {
                    // Two years or more: whole months, as Core Lightning
                    // v26.06 prints it (plugins/offers.c `json_add_rune`).
                    diff /= 30; // months
                    v.push_str(&format!("{diff} months"));
                }
            }
        }
        v
    };
    v.push_str(if now > t { " ago" } else { " from now" });
    v
}

impl Alternative {
    /// The `decode` summary phrase for one alternative, e.g.
    /// `method (of command) equal to 'listpeers'`. `now` (UNIX seconds) is
    /// used to describe `time` values.
    pub fn summary(&self, now: u64) -> String {
        let f = self.field().as_str();
        let raw = self.value();
        let (annotation, int_val, time_val) = match f {
            "time" => ("in seconds since 1970".to_owned(), false, true),
            "id" => ("of commanding peer".to_owned(), false, false),
            "method" => ("of command".to_owned(), false, false),
            "pnum" => ("number of command parameters".to_owned(), true, false),
            "rate" => ("max per minute".to_owned(), true, false),
            _ => match (f.strip_prefix("parr"), f.strip_prefix("pname")) {
                (Some(n), _) => (format!("array parameter #{n}"), false, false),
                (None, Some(n)) => (format!("object parameter '{n}'"), false, false),
                _ => ("unknown condition?".to_owned(), false, false),
            },
        };
        let value = if int_val {
            raw.to_owned()
        } else if time_val {
            let t = atol_u64(raw);
            if t != 0 {
                format!("{raw} ({})", describe_time(t, now))
            } else {
                raw.to_owned()
            }
        } else {
            format!("'{raw}'")
        };
        let numeric = if time_val { value.as_str() } else { raw };
        match self.condition() {
            Condition::IfMissing => format!("{f} ({annotation}) is missing"),
            Condition::Equal => format!("{f} ({annotation}) equal to {value}"),
            Condition::NotEqual => format!("{f} ({annotation}) unequal to {value}"),
            Condition::BeginsWith => format!("{f} ({annotation}) starts with '{raw}'"),
            Condition::EndsWith => format!("{f} ({annotation}) ends with '{raw}'"),
            Condition::Contains => format!("{f} ({annotation}) contains '{raw}'"),
            Condition::IntLess => format!("{f} ({annotation}) less than {numeric}"),
            Condition::IntGreater => format!("{f} ({annotation}) greater than {numeric}"),
            Condition::LexoBefore => format!("{f} ({annotation}) sorts before '{raw}'"),
            Condition::LexoAfter => format!("{f} ({annotation}) sorts after '{raw}'"),
            Condition::Comment => format!("[comment: {f}{raw}]"),
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
            summary.push_str(&a.summary(now));
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
        format!("{}{}{}", self.field(), self.condition(), self.value())
    }
}
