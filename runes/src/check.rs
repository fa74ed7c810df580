//! Checking a rune for a request exactly as Core Lightning's `checkrune`
//! does (lightning-checkrune(7), lightning-createrune(7);
//! `json_checkrune` / `check_condition` in lightningd/runes.c).
//!
//! Fields available to restrictions:
//! * `time`: current UNIX time in seconds (integer);
//! * `id`: the commanding peer's node id, lowercase hex (missing if none);
//! * `method`: the command (missing if none);
//! * `pnum`: number of parameters (integer, 0 without params);
//! * `pnameX`: object parameter `X` (by its raw key, and by the key with
//!   punctuation removed, the pre-v24.05 spelling);
//! * `parrN`: the N'th positional parameter;
//! * `rate`: at most N uses per minute; `per`: at most one use per period
//!   (`sec` default, `nsec`, `usec`, `msec`, `min`, `hour`, `day`), both
//!   judged from the rune's last use in a [`RuneStore`];
//! * `pinvP_amount`, `pinvP_description`, `pinvP_node`: a field of the
//!   invoice in parameter `P`. We do not decode invoices here, so these
//!   restrictions refuse (fail closed) once the parameter is present; an
//!   unknown field or a missing parameter is refused with Core Lightning's
//!   words (`match_inv_condition`, `check_inv_condition`).
//!
//! Parameter values that are JSON integers compare as integers; other
//! values compare as their raw JSON text (strings without quotes).

use crate::eval::{c_strtol_full, FieldValue};
use crate::rawjson::{Container, TokenKind};
use crate::restriction::Alternative;
use crate::rune::Rune;
use crate::secret::MasterRune;
use std::collections::HashMap;
use std::sync::Mutex;
use thiserror::Error;

/// A point in time, in nanoseconds since the UNIX epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(u64);

impl Timestamp {
    /// From nanoseconds since the epoch.
    pub fn from_nanos(nanos: u64) -> Self {
        Timestamp(nanos)
    }

    /// From whole seconds since the epoch (saturating).
    pub fn from_secs(secs: u64) -> Self {
        Timestamp(secs.saturating_mul(NSEC_PER_SEC))
    }

    /// Nanoseconds since the epoch.
    pub fn as_nanos(&self) -> u64 {
        self.0
    }

    /// Whole seconds since the epoch.
    pub fn as_secs(&self) -> u64 {
        self.0 / NSEC_PER_SEC
    }
}

const NSEC_PER_SEC: u64 = 1_000_000_000;

/// A source of the current time (pluggable for tests and WASM hosts).
pub trait Clock: Send + Sync {
    /// Now.
    fn now(&self) -> Timestamp;
}

/// The system clock (native targets).
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
    }
}

/// A clock that always reads the same time.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub Timestamp);

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}

/// What the node remembers about the runes it issued: the blacklist and
/// each stored rune's last use (for `rate` and `per`).
pub trait RuneStore: Send + Sync {
    /// Whether the unique id falls in a blacklisted range.
    fn is_blacklisted(&self, unique_id: u64) -> bool;
    /// Last successful use of a stored rune, or `None` if the rune is not
    /// stored (then `rate`/`per` pass, as in Core Lightning).
    fn last_used(&self, unique_id: u64) -> Option<Timestamp>;
    /// Record a successful use (ignored for runes not stored).
    fn record_use(&self, unique_id: u64, now: Timestamp);
}

#[derive(Debug, Default)]
struct MemoryInner {
    last_used: HashMap<u64, Timestamp>,
    blacklist: Vec<(u64, u64)>,
}

/// An in-memory [`RuneStore`].
#[derive(Debug, Default)]
pub struct MemoryRuneStore {
    inner: Mutex<MemoryInner>,
}

impl MemoryRuneStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Remember a rune as issued and never used (as `createrune` stores it).
    pub fn register(&self, unique_id: u64) {
        if let Ok(mut g) = self.inner.lock() {
            g.last_used.entry(unique_id).or_insert(Timestamp(0));
        }
    }

    /// Blacklist the inclusive range `start..=end`.
    pub fn blacklist(&self, start: u64, end: u64) {
        if let Ok(mut g) = self.inner.lock() {
            g.blacklist.push((start, end));
        }
    }
}

impl RuneStore for MemoryRuneStore {
    fn is_blacklisted(&self, unique_id: u64) -> bool {
        self.inner
            .lock()
            .map(|g| {
                g.blacklist
                    .iter()
                    .any(|(s, e)| *s <= unique_id && unique_id <= *e)
            })
            .unwrap_or(true)
    }

    fn last_used(&self, unique_id: u64) -> Option<Timestamp> {
        self.inner.lock().ok()?.last_used.get(&unique_id).copied()
    }

    fn record_use(&self, unique_id: u64, now: Timestamp) {
        if let Ok(mut g) = self.inner.lock() {
            if let Some(t) = g.last_used.get_mut(&unique_id) {
                *t = now;
            }
        }
    }
}

/// The request a rune is checked against (`checkrune`'s `nodeid`,
/// `method` and `params`).
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckRequest<'a> {
    /// The commanding peer's 33-byte node id.
    pub peer_id: Option<&'a [u8; 33]>,
    /// The method.
    pub method: Option<&'a str>,
    /// The parameters as raw JSON (an object or an array).
    pub params: Option<&'a str>,
}

/// Why `checkrune` refused. `Display` is the JSON-RPC error message.
///
/// The three parameter errors do not echo the offending token: Core
/// Lightning only does that with `--developer` (`command_fail_badparam` in
/// common/json_command.c says "invalid token (see logs for details)", so a
/// misquoted rune never ends up in an error shown to a third party). The
/// token is kept in the variant for the caller.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CheckError {
    /// The rune does not parse (JSON-RPC invalid params).
    #[error("rune: should be base64 string: invalid token (see logs for details)")]
    InvalidRune {
        /// The rune text given.
        rune: String,
    },
    /// The rune's unique id is missing or not a number below 2^63.
    #[error("rune: should have valid numeric unique_id: invalid token (see logs for details)")]
    NonNumericUniqueId {
        /// The rune text given.
        rune: String,
    },
    /// `params` is neither a JSON object nor an array.
    #[error("params: must be object or array: invalid token (see logs for details)")]
    ParamsNotContainer {
        /// The params text given.
        params: String,
    },
    /// 1503: the unique id is blacklisted.
    #[error("Not authorized: Blacklisted rune")]
    Blacklisted,
    /// 1501: the rune is not derived from this node's master secret.
    #[error("Not authorized: {0}")]
    NotAuthorized(#[from] crate::error::DerivationError),
    /// 1502: a restriction failed; the reason is Core Lightning's.
    #[error("Not permitted: {reason}")]
    NotPermitted {
        /// Which restriction failed and why.
        reason: String,
    },
}

/// JSON-RPC "invalid params".
pub const JSONRPC2_INVALID_PARAMS: i32 = -32602;
/// `RUNE_NOT_AUTHORIZED`.
pub const RUNE_NOT_AUTHORIZED: i32 = 1501;
/// `RUNE_NOT_PERMITTED`.
pub const RUNE_NOT_PERMITTED: i32 = 1502;
/// `RUNE_BLACKLISTED`.
pub const RUNE_BLACKLISTED: i32 = 1503;

impl CheckError {
    /// The JSON-RPC error code Core Lightning uses.
    pub fn code(&self) -> i32 {
        match self {
            CheckError::InvalidRune { .. }
            | CheckError::NonNumericUniqueId { .. }
            | CheckError::ParamsNotContainer { .. } => JSONRPC2_INVALID_PARAMS,
            CheckError::Blacklisted => RUNE_BLACKLISTED,
            CheckError::NotAuthorized(_) => RUNE_NOT_AUTHORIZED,
            CheckError::NotPermitted { .. } => RUNE_NOT_PERMITTED,
        }
    }
}

/// C `strtoul`/`strtoull`: returns (value, rest, any digits). Overflow
/// saturates; a leading `-` negates with wrap-around.
fn c_strtoul(s: &str, radix_auto: bool) -> (u64, &str, bool) {
    let t = s.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b');
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..).unwrap_or("")),
        Some(b'+') => (false, t.get(1..).unwrap_or("")),
        _ => (false, t),
    };
    let (radix, t) = if radix_auto {
        if (t.starts_with("0x") || t.starts_with("0X"))
            && t.as_bytes().get(2).is_some_and(u8::is_ascii_hexdigit)
        {
            (16, t.get(2..).unwrap_or(""))
        } else if t.starts_with('0') {
            (8, t)
        } else {
            (10, t)
        }
    } else {
        (10, t)
    };
    let n = t
        .bytes()
        .take_while(|b| char::from(*b).is_digit(radix))
        .count();
    if n == 0 {
        return (0, s, false);
    }
    let (digits, rest) = t.split_at(n);
    let mut v: u64 = 0;
    let mut overflow = false;
    for c in digits.chars() {
        let d = u64::from(c.to_digit(radix).unwrap_or(0));
        match v
            .checked_mul(u64::from(radix))
            .and_then(|x| x.checked_add(d))
        {
            Some(x) => v = x,
            None => overflow = true,
        }
    }
    if overflow {
        return (u64::MAX, rest, true);
    }
    (if neg { v.wrapping_neg() } else { v }, rest, true)
}

/// The numeric unique id Core Lightning demands (`unique_id_num`).
fn numeric_unique_id(rune: &Rune) -> Option<u64> {
    let id = rune.unique_id()?.id();
    let (v, rest, _) = c_strtoul(id, true);
    if !rest.is_empty() || v > i64::MAX as u64 {
        return None;
    }
    Some(v)
}

/// C `atol` of the unique id, as used to look up last use.
fn atol_unique_id(rune: &Rune) -> u64 {
    let id = rune.unique_id().map(|u| u.id()).unwrap_or("");
    let t = id.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..).unwrap_or("")),
        Some(b'+') => (false, t.get(1..).unwrap_or("")),
        _ => (false, t),
    };
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    let v = c_strtol_full(&digits).unwrap_or(0);
    (if neg { v.wrapping_neg() } else { v }) as u64
}

struct Ctx<'a> {
    store: &'a dyn RuneStore,
    now: Timestamp,
    uid: u64,
}

impl Ctx<'_> {
    fn last_time_check(&self, min_nsec: u64) -> Result<(), String> {
        let Some(mut last) = self.store.last_used(self.uid) else {
            return Ok(());
        };
        if self.now < last {
            last = self.now;
        }
        if self.now.0 - last.0 < min_nsec {
            return Err("too soon".into());
        }
        Ok(())
    }

    fn rate(&self, alt: &Alternative) -> Result<(), String> {
        if alt.condition() != crate::Condition::Equal {
            return Err("rate operator must be =".into());
        }
        let (r, rest, any) = c_strtoul(alt.value(), false);
        if !any || !rest.is_empty() || r == 0 || r >= u64::from(u32::MAX) {
            return Err("malformed rate".into());
        }
        self.last_time_check(60 * NSEC_PER_SEC / r)
    }

    fn per(&self, alt: &Alternative) -> Result<(), String> {
        if alt.condition() != crate::Condition::Equal {
            return Err("per operator must be =".into());
        }
        let (r, rest, any) = c_strtoul(alt.value(), false);
        if !any || r == 0 || r >= u64::from(u32::MAX) {
            return Err("malformed per".into());
        }
        let mult = match rest {
            "" | "sec" => NSEC_PER_SEC,
            "nsec" => 1,
            "usec" => 1_000,
            "msec" => 1_000_000,
            "min" => 60 * NSEC_PER_SEC,
            "hour" => 60 * 60 * NSEC_PER_SEC,
            "day" => 24 * 60 * 60 * NSEC_PER_SEC,
            _ => return Err("malformed suffix".into()),
        };
        let n = r
            .checked_mul(mult)
            .ok_or_else(|| "per overflow".to_string())?;
        self.last_time_check(n)
    }
}

/// Parameter lookup table built once per check (`cached_params`).
struct Params<'a> {
    size: usize,
    by_name: HashMap<String, crate::rawjson::Token<'a>>,
}

impl<'a> Params<'a> {
    fn build(container: Option<&Container<'a>>) -> Self {
        let mut by_name = HashMap::new();
        let Some(c) = container else {
            return Params { size: 0, by_name };
        };
        for (i, (key, tok)) in c.members().iter().enumerate() {
            match key {
                Some(k) => {
                    by_name.entry(format!("pname{k}")).or_insert(*tok);
                    let stripped: String =
                        k.chars().filter(|c| !c.is_ascii_punctuation()).collect();
                    by_name.entry(format!("pname{stripped}")).or_insert(*tok);
                }
                None => {
                    by_name.entry(format!("parr{i}")).or_insert(*tok);
                }
            }
        }
        Params {
            size: c.len(),
            by_name,
        }
    }
}

fn check_condition(
    alt: &Alternative,
    ctx: &Ctx<'_>,
    req: &CheckRequest<'_>,
    params: &Params<'_>,
) -> Result<(), String> {
    let field = alt.field().as_str();
    match field {
        "time" => alt.test(FieldValue::Int(
            i64::try_from(ctx.now.as_secs()).unwrap_or(i64::MAX),
        )),
        "id" => match req.peer_id {
            Some(id) => alt.test(FieldValue::Str(&hex::encode(id))),
            None => alt.test(FieldValue::Missing),
        },
        "method" => match req.method {
            Some(m) => alt.test(FieldValue::Str(m)),
            None => alt.test(FieldValue::Missing),
        },
        "pnum" => alt.test(FieldValue::Int(
            i64::try_from(params.size).unwrap_or(i64::MAX),
        )),
        "rate" => ctx.rate(alt),
        "per" => ctx.per(alt),
        _ if field.starts_with("pinv") => check_inv_condition(field, params),
        _ => match params.by_name.get(field) {
            None => alt.test(FieldValue::Missing),
            Some(tok) => {
                if tok.kind() == TokenKind::Primitive {
                    if let Some(i) = c_strtol_full(tok.content()) {
                        return alt.test(FieldValue::Int(i));
                    }
                }
                alt.test(FieldValue::Str(tok.content()))
            }
        },
    }
}

/// A `pinv` restriction (lightningd/runes.c `check_inv_condition`): the
/// field name is `pinv`, the parameter name, then `_amount`,
/// `_description` or `_node` (the first suffix that matches wins). Without
/// an invoice decoder we refuse once the parameter is there.
fn check_inv_condition(field: &str, params: &Params<'_>) -> Result<(), String> {
    let invfield = field.get("pinv".len()..).unwrap_or("");
    let Some(param) = ["_amount", "_description", "_node"]
        .iter()
        .find_map(|suffix| invfield.strip_suffix(suffix))
    else {
        return Err(format!("Unknown invoice field {invfield}"));
    };
    if !params.by_name.contains_key(&format!("pname{param}")) {
        return Err(format!("Unknown invoice parameter {param}"));
    }
    Err("Invalid invoice: invoice restrictions are not supported".to_owned())
}

/// `checkrune`'s "Turn runespeak into english!" (lightningd/runes.c
/// `json_checkrune`): only the start of the whole failure text is
/// rewritten, so in `A AND B` only `A`'s field is: `pnameX` becomes
/// `parameter X`, `parrN` `parameter #N`, `pnum` `number of parameters`,
/// `pinv` `invoice parameter `.
fn runespeak_to_english(reason: &str) -> String {
    let reason = json_escape(reason);
    for (prefix, english) in [
        ("pname", "parameter "),
        ("parr", "parameter #"),
        ("pnum", "number of parameters"),
        ("pinv", "invoice parameter "),
    ] {
        if let Some(rest) = reason.strip_prefix(prefix) {
            return format!("{english}{rest}");
        }
    }
    reason
}

/// `json_escape` (ccan/json_escape, not partial), which `checkrune` applies
/// to the failure text before it becomes the message: `"` and `\` get a
/// backslash, `\n \b \f \t \r` their short escapes, other ASCII
/// control characters and DEL `\u00XX` (upper-case hex).
fn json_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04X}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

/// Check a base64 rune for a request, as `checkrune` does: parse, demand a
/// numeric unique id, validate params, refuse blacklisted ids, verify the
/// derivation from the master secret, evaluate every restriction, and on
/// success record the use.
pub fn check_rune(
    master: &MasterRune,
    store: &dyn RuneStore,
    clock: &dyn Clock,
    rune: &str,
    req: &CheckRequest<'_>,
) -> Result<(), CheckError> {
    let parsed = Rune::from_base64(rune).map_err(|_| CheckError::InvalidRune {
        rune: rune.to_owned(),
    })?;
    let uid = numeric_unique_id(&parsed).ok_or_else(|| CheckError::NonNumericUniqueId {
        rune: rune.to_owned(),
    })?;
    let container = match req.params {
        None => None,
        Some(p) => Some(
            Container::parse(p).ok_or_else(|| CheckError::ParamsNotContainer {
                params: p.to_owned(),
            })?,
        ),
    };
    if store.is_blacklisted(uid) {
        return Err(CheckError::Blacklisted);
    }
    master.verify(&parsed)?;
    let ctx = Ctx {
        store,
        now: clock.now(),
        uid: atol_unique_id(&parsed),
    };
    let params = Params::build(container.as_ref());
    parsed
        .meets_criteria(|alt| check_condition(alt, &ctx, req, &params))
        .map_err(|reason| CheckError::NotPermitted {
            reason: runespeak_to_english(&reason),
        })?;
    store.record_use(ctx.uid, ctx.now);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_text_as_checkrune_words_it() {
        // Only the start of the whole text is put into English (test_runes.py).
        assert_eq!(
            runespeak_to_english("pnamea not present AND pnameb not present"),
            "parameter a not present AND pnameb not present"
        );
        assert_eq!(
            runespeak_to_english("parr0 is present"),
            "parameter #0 is present"
        );
        assert_eq!(
            runespeak_to_english("pnum is not equal to 1"),
            "number of parameters is not equal to 1"
        );
        assert_eq!(
            runespeak_to_english("method is present"),
            "method is present"
        );
        // Escaped as JSON first, as the node does.
        assert_eq!(
            runespeak_to_english("method is not equal to a\"b\\c\t\u{1}"),
            "method is not equal to a\\\"b\\\\c\\t\\u0001"
        );
    }

    #[test]
    fn strtoul_like_c() {
        assert_eq!(c_strtoul("5sec", false), (5, "sec", true));
        assert_eq!(c_strtoul("sec", false), (0, "sec", false));
        assert_eq!(c_strtoul("0x1f", true), (31, "", true));
        assert_eq!(c_strtoul("017", true), (15, "", true));
        assert_eq!(c_strtoul("-1", false).0, u64::MAX);
        assert_eq!(c_strtoul("99999999999999999999999", false).0, u64::MAX);
    }
}
