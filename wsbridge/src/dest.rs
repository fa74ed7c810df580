//! Destinations: the `<host>:<port>` in the request path, lnmessage's URL
//! scheme `ws[s]://PROXY/<host>:<port>` (`[ipv6]:port` for IPv6), and the
//! same syntax in the allow-list.
//!
//! Names are lower-cased so that `Node.Example:9735` and `node.example:9735`
//! are one destination. A name whose last label starts with a digit
//! (`127.1`, `0x7f000001`, `2130706433`) is refused: the system resolver
//! reads those as IPv4 addresses, so they would be addresses in disguise.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use std::str::FromStr;

/// Longest DNS name accepted (RFC 1035 §2.3.4: 255 octets on the wire, 253
/// characters in text).
pub const MAX_NAME: usize = 253;

/// Why a destination could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DestError {
    /// Nothing before the port.
    #[error("missing host (expected <host>:<port> or [<ipv6>]:<port>)")]
    EmptyHost,
    /// No `:<port>` after the host.
    #[error("missing :<port> after the host")]
    MissingPort,
    /// The port is not a number in 1..=65535.
    #[error("invalid port `{0}` (1-65535)")]
    BadPort(String),
    /// A `[` without its closing `]`.
    #[error("IPv6 literal is missing its closing `]`")]
    UnclosedBracket,
    /// The text between brackets is not an IPv6 address.
    #[error("invalid IPv6 literal `{0}`")]
    BadIpv6(String),
    /// An IPv6 address written without brackets.
    #[error("IPv6 addresses must be written in brackets, e.g. [::1]:9735")]
    UnbracketedIpv6,
    /// The host is neither an IPv4 literal nor a DNS name.
    #[error("invalid host name `{0}`")]
    BadHost(String),
    /// The request path does not start with `/`.
    #[error("the path must be /<host>:<port>")]
    NotAPath,
}

/// A host: an IP literal or a (lower-case) DNS name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Host {
    /// An IPv4 or IPv6 literal.
    Ip(IpAddr),
    /// A DNS name, lower-cased.
    Name(String),
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Ip(IpAddr::V6(ip)) => write!(f, "[{ip}]"),
            Host::Ip(IpAddr::V4(ip)) => write!(f, "{ip}"),
            Host::Name(n) => f.write_str(n),
        }
    }
}

/// A TCP destination: host and port.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Destination {
    /// The host.
    pub host: Host,
    /// The port.
    pub port: u16,
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

impl Destination {
    /// The destination in a WebSocket request path: `/<host>:<port>`,
    /// nothing before or after (no query, no trailing slash).
    pub fn from_path(path: &str) -> Result<Self, DestError> {
        path.strip_prefix('/').ok_or(DestError::NotAPath)?.parse()
    }
}

fn parse_port(s: &str) -> Result<u16, DestError> {
    if s.is_empty() {
        return Err(DestError::MissingPort);
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DestError::BadPort(s.to_owned()));
    }
    match s.parse::<u16>() {
        Ok(p) if p != 0 => Ok(p),
        _ => Err(DestError::BadPort(s.to_owned())),
    }
}

fn parse_name(s: &str) -> Result<Host, DestError> {
    let bad = || DestError::BadHost(s.to_owned());
    if let Ok(ip) = s.parse::<std::net::Ipv4Addr>() {
        return Ok(Host::Ip(IpAddr::V4(ip)));
    }
    if s.len() > MAX_NAME {
        return Err(bad());
    }
    let name = s.strip_suffix('.').unwrap_or(s);
    let labels: Vec<&str> = name.split('.').collect();
    for label in &labels {
        let ok = !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && !label.starts_with('-')
            && !label.ends_with('-');
        if !ok {
            return Err(bad());
        }
    }
    // The resolver reads `127.1`, `0x7f000001` and `2130706433` as IPv4.
    let last = labels.last().and_then(|l| l.bytes().next());
    if last.is_some_and(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    Ok(Host::Name(name.to_ascii_lowercase()))
}

impl FromStr for Destination {
    type Err = DestError;

    fn from_str(s: &str) -> Result<Self, DestError> {
        if let Some(rest) = s.strip_prefix('[') {
            let (ip, after) = rest.split_once(']').ok_or(DestError::UnclosedBracket)?;
            let ip = Ipv6Addr::from_str(ip).map_err(|_| DestError::BadIpv6(ip.to_owned()))?;
            let port = after.strip_prefix(':').ok_or(DestError::MissingPort)?;
            return Ok(Destination {
                host: Host::Ip(IpAddr::V6(ip)),
                port: parse_port(port)?,
            });
        }
        let (host, port) = s.rsplit_once(':').ok_or(DestError::MissingPort)?;
        if host.contains(':') {
            return Err(DestError::UnbracketedIpv6);
        }
        if host.is_empty() {
            return Err(DestError::EmptyHost);
        }
        Ok(Destination {
            host: parse_name(host)?,
            port: parse_port(port)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lnmessage_paths() {
        let d = Destination::from_path("/127.0.0.1:9735").unwrap();
        assert_eq!(d.to_string(), "127.0.0.1:9735");
        let d = Destination::from_path("/[::1]:19846").unwrap();
        assert_eq!(d.host, Host::Ip("::1".parse().unwrap()));
        assert_eq!(d.to_string(), "[::1]:19846");
        let d = Destination::from_path("/Node.Example.:9735").unwrap();
        assert_eq!(d.host, Host::Name("node.example".into()));
    }

    #[test]
    fn refuses_malformed_destinations() {
        use DestError::*;
        for (path, want) in [
            ("127.0.0.1:9735", NotAPath),
            ("/", MissingPort),
            ("/:9735", EmptyHost),
            ("/host", MissingPort),
            ("/host:", MissingPort),
            ("/host:0", BadPort("0".into())),
            ("/host:65536", BadPort("65536".into())),
            ("/host:+1", BadPort("+1".into())),
            ("/host:9735/", BadPort("9735/".into())),
            ("/host:9735?x=1", BadPort("9735?x=1".into())),
            ("/::1:9735", UnbracketedIpv6),
            ("/[::1:9735", UnclosedBracket),
            ("/[zz]:9735", BadIpv6("zz".into())),
            ("/[::1]", MissingPort),
            ("/127.1:9735", BadHost("127.1".into())),
            ("/0x7f000001:9735", BadHost("0x7f000001".into())),
            ("/2130706433:9735", BadHost("2130706433".into())),
            ("/a..b:9735", BadHost("a..b".into())),
            ("/a%2fb:9735", BadHost("a%2fb".into())),
            ("/-a.b:9735", BadHost("-a.b".into())),
        ] {
            assert_eq!(Destination::from_path(path), Err(want), "{path}");
        }
        let long = format!("/{}.com:1", "a".repeat(250));
        assert!(matches!(
            Destination::from_path(&long),
            Err(DestError::BadHost(_))
        ));
    }
}
