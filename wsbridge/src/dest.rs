//! Destinations: the `<host>:<port>` in the request path, lnmessage's URL
//! scheme `ws[s]://PROXY/<host>:<port>` (`[ipv6]:port` for IPv6), and the
//! same syntax in the allow-list.
//!
//! The syntax is lnsocket's exact `<host>:<port>`
//! ([`HostPortSyntax::Exact`]): names are lower-cased so that
//! `Node.Example:9735` and `node.example:9735` are one destination, and a
//! name whose last label starts with a digit (`127.1`, `0x7f000001`,
//! `2130706433`) is refused: the system resolver reads those as IPv4
//! addresses, so they would be addresses in disguise.

use std::fmt;
use std::str::FromStr;

use lnsocket::addr::{parse_host_port, AddrError, HostPortSyntax};
pub use lnsocket::addr::{Host, MAX_NAME};

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

/// lnsocket's reasons, in the bridge's words (what the client is sent).
fn dest_error(e: AddrError) -> DestError {
    match e {
        AddrError::EmptyHost => DestError::EmptyHost,
        AddrError::MissingPort => DestError::MissingPort,
        AddrError::BadPort(p) => DestError::BadPort(p),
        AddrError::UnclosedBracket => DestError::UnclosedBracket,
        AddrError::BadIpv6(ip) => DestError::BadIpv6(ip),
        AddrError::UnbracketedIpv6 => DestError::UnbracketedIpv6,
        AddrError::BadHost(h) => DestError::BadHost(h),
        // Node ids, URL schemes and text after the port are no part of the
        // exact `<host>:<port>` syntax: `parse_host_port` does not return them.
        e @ (AddrError::MissingNodeId
        | AddrError::NodeIdLength(_)
        | AddrError::NodeIdNotHex
        | AddrError::NodeIdNotAPoint
        | AddrError::TrailingText(_)
        | AddrError::UnsupportedScheme(_)) => DestError::BadHost(e.to_string()),
    }
}

impl FromStr for Destination {
    type Err = DestError;

    fn from_str(s: &str) -> Result<Self, DestError> {
        let (host, port, _) = parse_host_port(s, HostPortSyntax::Exact).map_err(dest_error)?;
        Ok(Destination { host, port })
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

    /// One path for each reason (the syntax itself is tested in lnsocket's
    /// `addr`): the reason in the bridge's words.
    #[test]
    fn refuses_malformed_destinations() {
        use DestError::*;
        for (path, want, says) in [
            (
                "127.0.0.1:9735",
                NotAPath,
                "the path must be /<host>:<port>",
            ),
            ("/", MissingPort, "missing :<port> after the host"),
            (
                "/:9735",
                EmptyHost,
                "missing host (expected <host>:<port> or",
            ),
            (
                "/h:9735/",
                BadPort("9735/".into()),
                "invalid port `9735/` (1-65535)",
            ),
            ("/[::1:1", UnclosedBracket, "missing its closing `]`"),
            ("/[zz]:1", BadIpv6("zz".into()), "invalid IPv6 literal `zz`"),
            ("/::1:1", UnbracketedIpv6, "in brackets, e.g. [::1]:9735"),
            (
                "/127.1:1",
                BadHost("127.1".into()),
                "invalid host name `127.1`",
            ),
        ] {
            let got = Destination::from_path(path);
            assert_eq!(got, Err(want), "{path}");
            let text = got.err().map(|e| e.to_string()).unwrap_or_default();
            assert!(text.contains(says), "{path}: {text}");
        }
    }
}
