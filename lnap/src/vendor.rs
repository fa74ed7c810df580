//! The `vendor` field of an lnap proof: a domain, or an email address whose
//! domain part is what the certificate must cover.
//!
//! Draft (bolt12address README, "Requirements", writer): "MUST set `vendor`
//! to filename being served: either username@domain or simply domain."
//! The domain syntax is the "preferred name syntax" of RFC 1034 §3.5 as
//! relaxed by RFC 1123 §2.1 (labels may start with a digit), ASCII only
//! (internationalised names appear as their `xn--` A-labels), compared
//! case-insensitively (RFC 4343).

use thiserror::Error;

/// Longest DNS name in presentation form without the trailing dot (RFC 1035 §2.3.4).
const MAX_NAME_LEN: usize = 253;
/// Longest DNS label (RFC 1035 §2.3.4).
const MAX_LABEL_LEN: usize = 63;

/// Why a `vendor` string is not a usable domain or email address.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VendorError {
    #[error("vendor is empty")]
    Empty,
    #[error("domain {0:?} is longer than 253 characters")]
    NameTooLong(String),
    #[error("domain {0:?} has an empty label")]
    EmptyLabel(String),
    #[error("domain {0:?} has a label longer than 63 characters")]
    LabelTooLong(String),
    #[error("domain {0:?} contains a character outside letters, digits and '-'")]
    InvalidCharacter(String),
    #[error("domain {0:?} has a label that starts or ends with '-'")]
    HyphenAtLabelEdge(String),
    #[error("domain {0:?} has a single label; a registrable domain has at least two")]
    SingleLabel(String),
    #[error("email address {0:?} has an empty or invalid local part")]
    InvalidLocalPart(String),
    #[error("vendor {0:?} contains more than one '@'")]
    MultipleAt(String),
}

/// A syntactically valid, lower-cased DNS host name with at least two labels.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DnsName(String);

impl DnsName {
    /// Parses and normalises (lower-cases, drops one trailing dot) a host name.
    pub fn parse(s: &str) -> Result<Self, VendorError> {
        let trimmed = s.strip_suffix('.').unwrap_or(s);
        if trimmed.is_empty() {
            return Err(VendorError::Empty);
        }
        if trimmed.len() > MAX_NAME_LEN {
            return Err(VendorError::NameTooLong(s.to_owned()));
        }
        let lower = trimmed.to_ascii_lowercase();
        let mut labels = 0usize;
        for label in lower.split('.') {
            check_label(label, s)?;
            labels += 1;
        }
        if labels < 2 {
            return Err(VendorError::SingleLabel(s.to_owned()));
        }
        Ok(Self(lower))
    }

    /// The normalised name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl core::fmt::Display for DnsName {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks one label against RFC 1123 §2.1 host name rules.
fn check_label(label: &str, whole: &str) -> Result<(), VendorError> {
    if label.is_empty() {
        return Err(VendorError::EmptyLabel(whole.to_owned()));
    }
    if label.len() > MAX_LABEL_LEN {
        return Err(VendorError::LabelTooLong(whole.to_owned()));
    }
    if !label
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(VendorError::InvalidCharacter(whole.to_owned()));
    }
    if label.starts_with('-') || label.ends_with('-') {
        return Err(VendorError::HyphenAtLabelEdge(whole.to_owned()));
    }
    Ok(())
}

/// A parsed `vendor`: either a bare domain or `local@domain`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Vendor {
    /// `vendor` is a domain, e.g. `bolt12.org`.
    Domain(DnsName),
    /// `vendor` is an email address, e.g. `rusty@bolt12.org`; the certificate
    /// must cover `domain`.
    Email {
        /// The part before `@`, kept as written.
        local: String,
        /// The part after `@`.
        domain: DnsName,
    },
}

impl Vendor {
    /// Parses a `vendor` string: exactly one `@` makes it an email address
    /// (local part: printable ASCII without spaces), otherwise a domain.
    pub fn parse(s: &str) -> Result<Self, VendorError> {
        if s.is_empty() {
            return Err(VendorError::Empty);
        }
        let mut parts = s.split('@');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(domain), None, None) => Ok(Vendor::Domain(DnsName::parse(domain)?)),
            (Some(local), Some(domain), None) => {
                if local.is_empty() || !local.bytes().all(|b| b.is_ascii_graphic()) {
                    return Err(VendorError::InvalidLocalPart(s.to_owned()));
                }
                Ok(Vendor::Email {
                    local: local.to_owned(),
                    domain: DnsName::parse(domain)?,
                })
            }
            _ => Err(VendorError::MultipleAt(s.to_owned())),
        }
    }

    /// The domain the certificate must be valid for.
    pub fn domain(&self) -> &DnsName {
        match self {
            Vendor::Domain(d) => d,
            Vendor::Email { domain, .. } => domain,
        }
    }
}

impl core::fmt::Display for Vendor {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Vendor::Domain(d) => write!(f, "{d}"),
            Vendor::Email { local, domain } => write!(f, "{local}@{domain}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_is_normalised() {
        let v = Vendor::parse("Bolt12.ORG.").unwrap();
        assert_eq!(v, Vendor::Domain(DnsName("bolt12.org".into())));
    }

    #[test]
    fn email_uses_domain_part() {
        let v = Vendor::parse("rusty@bolt12.org").unwrap();
        assert_eq!(v.domain().as_str(), "bolt12.org");
        assert_eq!(v.to_string(), "rusty@bolt12.org");
    }

    #[test]
    fn rejects_bad_vendors() {
        assert_eq!(Vendor::parse(""), Err(VendorError::Empty));
        assert!(matches!(
            Vendor::parse("a@b@c.com"),
            Err(VendorError::MultipleAt(_))
        ));
        assert!(matches!(
            Vendor::parse("@c.com"),
            Err(VendorError::InvalidLocalPart(_))
        ));
        assert!(matches!(
            Vendor::parse("a b@c.com"),
            Err(VendorError::InvalidLocalPart(_))
        ));
        assert!(matches!(
            Vendor::parse("localhost"),
            Err(VendorError::SingleLabel(_))
        ));
        assert!(matches!(
            Vendor::parse("a..com"),
            Err(VendorError::EmptyLabel(_))
        ));
        assert!(matches!(
            Vendor::parse("-a.com"),
            Err(VendorError::HyphenAtLabelEdge(_))
        ));
        assert!(matches!(
            Vendor::parse("a_b.com"),
            Err(VendorError::InvalidCharacter(_))
        ));
        assert!(matches!(
            Vendor::parse("*.example.com"),
            Err(VendorError::InvalidCharacter(_))
        ));
        assert!(matches!(
            Vendor::parse(&format!("{}.com", "a".repeat(64))),
            Err(VendorError::LabelTooLong(_))
        ));
        let long = vec!["abcdefghi"; 26].join(".");
        assert!(matches!(
            Vendor::parse(&long),
            Err(VendorError::NameTooLong(_))
        ));
    }
}
