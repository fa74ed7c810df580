//! Matching the vendor domain against the leaf's `dNSName` SANs
//! (RFC 6125 §6.4, with the CA/Browser Forum wildcard restrictions) and DNS
//! name constraints (RFC 5280 §4.2.1.10).
//!
//! The Common Name is never consulted (RFC 6125 §6.4.4 allows ignoring it,
//! and Baseline Requirements §7.1.4.3 make SANs authoritative).

use super::cert::DnsNameConstraints;
use super::error::{PkiError, WildcardRule};
use crate::vendor::DnsName;

/// Most `*` in a SAN still examined for a "too broad" diagnosis.
const MAX_GLOB_STARS: usize = 2;

/// Result of comparing one SAN with the domain.
enum SanMatch {
    Yes,
    No,
    /// Would match if the wildcard rule were ignored.
    TooBroad(WildcardRule),
}

fn normalise(name: &str) -> String {
    name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase()
}

/// A wildcard match where `*` may stand for any non-empty text, dots
/// included: used only to tell "too broad" from "unrelated".
fn loose_glob(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, tail)) => {
            let Some(rest) = name.strip_prefix(head) else {
                return false;
            };
            // '*' consumes at least one character, then the remainder must match.
            (1..=rest.len()).any(|n| rest.get(n..).is_some_and(|r| loose_glob(tail, r)))
        }
    }
}

fn match_san(san: &str, domain: &str) -> SanMatch {
    let pattern = normalise(san);
    if !pattern.contains('*') {
        return if pattern == domain {
            SanMatch::Yes
        } else {
            SanMatch::No
        };
    }
    // More than two '*' can never be valid; skip the (backtracking) glob
    // so that hostile SANs cost at most O(n^2).
    if pattern.matches('*').count() > MAX_GLOB_STARS || !loose_glob(&pattern, domain) {
        return SanMatch::No;
    }
    let Some(suffix) = pattern.strip_prefix("*.") else {
        return SanMatch::TooBroad(WildcardRule::NotWholeLeftmostLabel);
    };
    if suffix.contains('*') {
        return SanMatch::TooBroad(WildcardRule::NotWholeLeftmostLabel);
    }
    if !suffix.contains('.') {
        return SanMatch::TooBroad(WildcardRule::SingleLabelSuffix);
    }
    // loose_glob succeeded, so domain = <something non-empty> "." suffix.
    let covered = domain
        .strip_suffix(suffix)
        .and_then(|p| p.strip_suffix('.'))
        .unwrap_or("");
    if covered.contains('.') {
        SanMatch::TooBroad(WildcardRule::MoreThanOneLabel)
    } else {
        SanMatch::Yes
    }
}

/// Checks that one of `dns_names` covers `domain`.
pub fn check_domain(dns_names: &[String], domain: &DnsName) -> Result<(), PkiError> {
    let mut too_broad = None;
    for san in dns_names {
        match match_san(san, domain.as_str()) {
            SanMatch::Yes => return Ok(()),
            SanMatch::No => {}
            SanMatch::TooBroad(rule) => {
                too_broad.get_or_insert((san.clone(), rule));
            }
        }
    }
    Err(match too_broad {
        Some((pattern, rule)) => PkiError::WildcardTooBroad {
            pattern,
            domain: domain.to_string(),
            rule,
        },
        None => PkiError::NameMismatch {
            domain: domain.to_string(),
            dns_names: dns_names.to_vec(),
        },
    })
}

/// Whether `name` lies within the DNS subtree `base` (RFC 5280 §4.2.1.10:
/// "host.example.com" is within "example.com"; a base with a leading
/// period only matches strict subdomains).
fn within(name: &str, base: &str) -> bool {
    if base.is_empty() {
        return true;
    }
    if base.starts_with('.') {
        return name.ends_with(base);
    }
    name == base
        || name
            .strip_suffix(base)
            .is_some_and(|head| head.ends_with('.'))
}

/// Checks every DNS SAN against `nc`. A wildcard SAN `*.x` is treated as the
/// subtree `x` minus `x` itself: permitted if `x`'s subdomains are, excluded
/// if it could expand into an excluded subtree.
pub fn check_name_constraints(
    dns_names: &[String],
    nc: &DnsNameConstraints,
    constrained_by: &str,
) -> Result<(), PkiError> {
    for san in dns_names {
        let name = normalise(san);
        let (host, wildcard) = match name.strip_prefix("*.") {
            Some(rest) => (rest.to_owned(), true),
            None => (name.clone(), false),
        };
        let probe = if wildcard {
            format!("x.{host}")
        } else {
            host.clone()
        };
        let permitted = nc.permitted.is_empty() || nc.permitted.iter().any(|b| within(&probe, b));
        let excluded = nc
            .excluded
            .iter()
            .any(|b| within(&probe, b) || (wildcard && within(b.trim_start_matches('.'), &host)));
        if !permitted || excluded {
            return Err(PkiError::NameConstraintViolation {
                subject: constrained_by.to_owned(),
                name: san.clone(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(sans: &[&str], domain: &str) -> Result<(), PkiError> {
        let sans: Vec<String> = sans.iter().map(|s| s.to_string()).collect();
        check_domain(&sans, &DnsName::parse(domain).unwrap())
    }

    fn rule_of(r: Result<(), PkiError>) -> Option<WildcardRule> {
        match r {
            Err(PkiError::WildcardTooBroad { rule, .. }) => Some(rule),
            _ => None,
        }
    }

    #[test]
    fn exact_and_case_insensitive() {
        assert_eq!(check(&["other.org", "Example.COM."], "example.com"), Ok(()));
    }

    #[test]
    fn wildcard_one_label() {
        assert_eq!(check(&["*.example.com"], "www.example.com"), Ok(()));
        assert_eq!(
            rule_of(check(&["*.example.com"], "a.b.example.com")),
            Some(WildcardRule::MoreThanOneLabel)
        );
    }

    #[test]
    fn wildcard_never_matches_its_base() {
        assert!(matches!(
            check(&["*.example.com"], "example.com"),
            Err(PkiError::NameMismatch { .. })
        ));
    }

    #[test]
    fn wildcard_over_tld_is_too_broad() {
        assert_eq!(
            rule_of(check(&["*.com"], "example.com")),
            Some(WildcardRule::SingleLabelSuffix)
        );
    }

    #[test]
    fn partial_or_inner_wildcards_are_refused() {
        assert_eq!(
            rule_of(check(&["w*.example.com"], "www.example.com")),
            Some(WildcardRule::NotWholeLeftmostLabel)
        );
        assert_eq!(
            rule_of(check(&["a.*.example.com"], "a.b.example.com")),
            Some(WildcardRule::NotWholeLeftmostLabel)
        );
    }

    #[test]
    fn many_stars_never_match() {
        let sans = ["*.*.*.*.*.*.*.*.*.*.*.*.example.com"];
        let domain = format!("{}example.com", "a.".repeat(12));
        assert!(matches!(
            check(&sans, &domain),
            Err(PkiError::NameMismatch { .. })
        ));
    }

    #[test]
    fn exact_match_wins_over_bad_wildcard() {
        assert_eq!(check(&["*.com", "example.com"], "example.com"), Ok(()));
    }

    #[test]
    fn unrelated_names_mismatch() {
        assert_eq!(
            check(&["example.org"], "example.com"),
            Err(PkiError::NameMismatch {
                domain: "example.com".into(),
                dns_names: vec!["example.org".into()]
            })
        );
    }

    #[test]
    fn name_constraints() {
        let nc = DnsNameConstraints {
            permitted: vec!["example.com".into()],
            excluded: vec!["bad.example.com".into()],
        };
        let ok = |s: &str| check_name_constraints(&[s.to_string()], &nc, "CA").is_ok();
        assert!(ok("example.com"));
        assert!(ok("www.example.com"));
        assert!(!ok("*.example.com")); // could expand into bad.example.com
        assert!(!ok("example.org"));
        assert!(!ok("notexample.com"));
        assert!(!ok("x.bad.example.com"));
    }
}
