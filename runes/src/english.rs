//! English renderings of restrictions as `showrunes` prints them
//! (lightning-showrunes(7): `english`, `restrictions_as_english`;
//! `rune_altern_to_english` in lightningd/runes.c).

use crate::condition::Condition;
use crate::restriction::{Alternative, Restriction};
use crate::rune::Rune;
use serde_json::{json, Value};

impl Alternative {
    /// `showrunes` English for one alternative, e.g.
    /// `method equal to listpeers`, `pnameamountmsat < 10000`.
    pub fn english(&self) -> String {
        let f = self.field().as_str();
        let v = self.value();
        let op = match self.condition() {
            Condition::IfMissing => return format!("{f} is missing"),
            Condition::Comment => return format!("comment: {f} {v}"),
            Condition::Equal => "equal to",
            Condition::NotEqual => "unequal to",
            Condition::BeginsWith => "starts with",
            Condition::EndsWith => "ends with",
            Condition::Contains => "contains",
            Condition::IntLess => "<",
            Condition::IntGreater => ">",
            Condition::LexoBefore => "sorts before",
            Condition::LexoAfter => "sorts after",
        };
        format!("{f} {op} {v}")
    }
}

impl Restriction {
    /// `showrunes` English for a restriction: alternatives joined by `OR`.
    pub fn english(&self) -> String {
        let parts: Vec<String> = self
            .alternatives()
            .iter()
            .map(Alternative::english)
            .collect();
        parts.join(" OR ")
    }
}

impl Rune {
    /// `showrunes` `restrictions_as_english`: restrictions (without the
    /// unique id) joined by `AND`.
    pub fn restrictions_as_english(&self) -> String {
        let parts: Vec<String> = self
            .restrictions()
            .iter()
            .map(Restriction::english)
            .collect();
        parts.join(" AND ")
    }
}

/// One `showrunes` entry for a rune (the fields that depend only on the
/// rune: `rune`, `unique_id`, `restrictions`, `restrictions_as_english`;
/// the node adds `stored`, `blacklisted`, `our_rune`, `last_used`).
pub fn showrune_json(rune: &Rune) -> Value {
    let restrictions: Vec<Value> = rune
        .restrictions()
        .iter()
        .map(|r| {
            let alts: Vec<Value> = r
                .alternatives()
                .iter()
                .map(|a| {
                    json!({
                        "fieldname": a.field().as_str(),
                        "value": a.value(),
                        "condition": a.condition().as_char().to_string(),
                        "english": a.english(),
                    })
                })
                .collect();
            json!({ "alternatives": alts, "english": r.english() })
        })
        .collect();
    let mut obj = json!({
        "rune": rune.to_base64(),
        "restrictions": restrictions,
        "restrictions_as_english": rune.restrictions_as_english(),
    });
    if let (Some(id), Some(map)) = (rune.unique_id(), obj.as_object_mut()) {
        map.insert("unique_id".into(), Value::String(id.id().to_owned()));
    }
    obj
}
