//! Evaluating alternatives and restrictions against field values
//! (`rune_alt_single`, `rune_restr_test`, `rune_meets_criteria` in
//! `ccan/rune/rune.c`). Failure reasons are Core Lightning's strings.

use crate::condition::Condition;
use crate::restriction::{Alternative, Restriction};
use crate::rune::Rune;
use std::cmp::Ordering;

/// The value of a field as seen by a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldValue<'a> {
    /// The field does not exist.
    Missing,
    /// A string value.
    Str(&'a str),
    /// An integer value (also compared as its decimal string).
    Int(i64),
}

/// Parse like C `strtol(s, &end, 10)` demanding full consumption and no
/// overflow: optional leading whitespace, optional sign, decimal digits.
pub(crate) fn c_strtol_full(s: &str) -> Option<i64> {
    let t = s.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b');
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..)?),
        Some(b'+') => (false, t.get(1..)?),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut v: i64 = 0;
    for b in digits.bytes() {
        let d = i64::from(b - b'0');
        v = v.checked_mul(10)?;
        v = if neg {
            v.checked_sub(d)?
        } else {
            v.checked_add(d)?
        };
    }
    Some(v)
}

impl Alternative {
    /// Test this alternative against a field value; `Err` carries the
    /// reason in Core Lightning's words.
    pub fn test(&self, value: FieldValue<'_>) -> Result<(), String> {
        let field = self.field().as_str();
        let int_string;
        let s: Option<&str> = match value {
            FieldValue::Missing => None,
            FieldValue::Str(s) => Some(s),
            FieldValue::Int(i) => {
                int_string = i.to_string();
                Some(&int_string)
            }
        };
        let cond_test = |complaint: &str, ok: bool| {
            if ok {
                Ok(())
            } else {
                Err(format!("{} {} {}", field, complaint, self.value()))
            }
        };
        let not_present = || Err(format!("{field} not present"));
        let rv = self.value();
        match self.condition() {
            Condition::IfMissing => match s {
                None => Ok(()),
                Some(_) => Err(format!("{field} is present")),
            },
            Condition::Comment => Ok(()),
            Condition::IntLess | Condition::IntGreater => {
                if s.is_none() {
                    return not_present();
                }
                let FieldValue::Int(have) = value else {
                    return Err(format!("{field} is not an integer field"));
                };
                let Some(want) = c_strtol_full(rv) else {
                    return Err(format!("{rv} is not a valid integer"));
                };
                if self.condition() == Condition::IntLess {
                    cond_test("is greater or equal to", have < want)
                } else {
                    cond_test("is less or equal to", have > want)
                }
            }
            cond => {
                let Some(s) = s else {
                    return not_present();
                };
                match cond {
                    Condition::Equal => cond_test("is not equal to", s == rv),
                    Condition::NotEqual => cond_test("is equal to", s != rv),
                    Condition::BeginsWith => cond_test("does not start with", s.starts_with(rv)),
                    Condition::EndsWith => cond_test("does not end with", s.ends_with(rv)),
                    Condition::Contains => cond_test("does not contain", s.contains(rv)),
                    Condition::LexoBefore => cond_test(
                        "is equal to or ordered after",
                        s.as_bytes().cmp(rv.as_bytes()) == Ordering::Less,
                    ),
                    _ => cond_test(
                        "is equal to or ordered before",
                        s.as_bytes().cmp(rv.as_bytes()) == Ordering::Greater,
                    ),
                }
            }
        }
    }
}

impl Restriction {
    /// Passes if any alternative passes; otherwise the alternatives'
    /// reasons joined with " AND " (`rune_restr_test`).
    pub fn test<F>(&self, mut check: F) -> Result<(), String>
    where
        F: FnMut(&Alternative) -> Result<(), String>,
    {
        let mut errs = Vec::new();
        for alt in self.alternatives() {
            match check(alt) {
                Ok(()) => return Ok(()),
                Err(e) => errs.push(e),
            }
        }
        Err(errs.join(" AND "))
    }
}

impl Rune {
    /// Check every restriction (the unique id is not checked); the first
    /// failing restriction's reason is returned (`rune_meets_criteria`).
    pub fn meets_criteria<F>(&self, mut check: F) -> Result<(), String>
    where
        F: FnMut(&Alternative) -> Result<(), String>,
    {
        for r in self.restrictions() {
            r.test(&mut check)?;
        }
        Ok(())
    }

    /// Check against a simple set of `(field, value)` pairs, where values
    /// that are entirely a decimal integer are treated as integers and
    /// absent fields as missing (the convention of the runes test vectors
    /// and `ccan/rune/test/run.c`). The last pair for a field wins.
    pub fn meets_values(&self, values: &[(&str, &str)]) -> Result<(), String> {
        self.meets_criteria(|alt| {
            let found = values
                .iter()
                .rev()
                .find(|(k, _)| *k == alt.field().as_str())
                .map(|(_, v)| *v);
            match found {
                None => alt.test(FieldValue::Missing),
                Some(v) => match c_strtol_full(v) {
                    Some(i) => alt.test(FieldValue::Int(i)),
                    None => alt.test(FieldValue::Str(v)),
                },
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::restriction::FieldName;

    fn alt(s: &str) -> Alternative {
        Alternative::from_unescaped(s).unwrap()
    }

    #[test]
    fn reasons_match_core_lightning() {
        assert_eq!(
            alt("method=listpeers")
                .test(FieldValue::Str("pay"))
                .unwrap_err(),
            "method is not equal to listpeers"
        );
        assert_eq!(
            alt("method=listpeers")
                .test(FieldValue::Missing)
                .unwrap_err(),
            "method not present"
        );
        assert_eq!(
            alt("pnum!").test(FieldValue::Int(0)).unwrap_err(),
            "pnum is present"
        );
        assert_eq!(
            alt("time<5").test(FieldValue::Str("1")).unwrap_err(),
            "time is not an integer field"
        );
        assert_eq!(
            alt("time<x").test(FieldValue::Int(1)).unwrap_err(),
            "x is not a valid integer"
        );
        assert_eq!(
            alt("time<5").test(FieldValue::Int(5)).unwrap_err(),
            "time is greater or equal to 5"
        );
        assert_eq!(
            alt("time>5").test(FieldValue::Int(5)).unwrap_err(),
            "time is less or equal to 5"
        );
        assert!(alt("pnum=1").test(FieldValue::Int(1)).is_ok());
        assert!(alt("x#y").test(FieldValue::Missing).is_ok());
    }

    #[test]
    fn restriction_joins_reasons() {
        let r = Restriction::new(vec![alt("a=1"), alt("b=2")]).unwrap();
        let err = r.test(|a| a.test(FieldValue::Missing)).unwrap_err();
        assert_eq!(err, "a not present AND b not present");
        let _ = FieldName::new("a").unwrap();
    }

    #[test]
    fn strtol_rules() {
        assert_eq!(c_strtol_full("-10000"), Some(-10000));
        assert_eq!(c_strtol_full("+7"), Some(7));
        assert_eq!(c_strtol_full(" 7"), Some(7));
        assert_eq!(c_strtol_full("7 "), None);
        assert_eq!(c_strtol_full("v1"), None);
        assert_eq!(c_strtol_full(""), None);
        assert_eq!(c_strtol_full("99999999999999999999"), None);
    }
}
