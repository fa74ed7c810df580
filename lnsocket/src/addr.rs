//! Peer addresses as users paste them: `<node_id>@<host>[:<port>]` and
//! `<node_id>@ws://...` / `<node_id>@wss://...`.
//!
//! The node id is the 33-byte compressed public key of BOLT #8 (the
//! responder's static key `rs`); the default TCP port is the mainnet port
//! 9735 named in the introduction of BOLT #1.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use std::str::FromStr;

use secp256k1::PublicKey;

/// The customary Lightning TCP port.
pub const DEFAULT_PORT: u16 = 9735;

/// Why an address could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddrError {
    /// No `@` separating node id and host.
    #[error("missing `<node_id>@` before the host")]
    MissingNodeId,
    /// The node id is not 66 hex characters.
    #[error("node id must be 66 hex characters (33 bytes), got {0} characters")]
    NodeIdLength(usize),
    /// The node id contains non-hex characters.
    #[error("node id is not hex")]
    NodeIdNotHex,
    /// The node id is not a valid compressed secp256k1 point.
    #[error("node id is not a valid compressed secp256k1 public key")]
    NodeIdNotAPoint,
    /// Nothing after the `@` (or the scheme).
    #[error("missing host")]
    EmptyHost,
    /// A `[` without its closing `]`.
    #[error("IPv6 literal is missing its closing `]`")]
    UnclosedBracket,
    /// The text between brackets is not an IPv6 address.
    #[error("invalid IPv6 literal `{0}`")]
    BadIpv6(String),
    /// An IPv6 address written without brackets, which is ambiguous with a port.
    #[error("IPv6 addresses must be written in brackets, e.g. `[::1]:9735`")]
    UnbracketedIpv6,
    /// The host contains characters not allowed in a hostname.
    #[error("invalid host name `{0}`")]
    BadHost(String),
    /// No `:<port>` where the port is required ([`HostPortSyntax::Exact`]).
    #[error("missing :<port> after the host")]
    MissingPort,
    /// The port is not a number in 1..=65535.
    #[error("invalid port `{0}`")]
    BadPort(String),
    /// Garbage after the port, like `host:9735x` or `[::1]x`.
    #[error("unexpected text `{0}` after the host")]
    TrailingText(String),
    /// A URL scheme other than `ws` or `wss`.
    #[error("unsupported scheme `{0}`: use ws://, wss:// or host:port")]
    UnsupportedScheme(String),
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

/// Where and how to reach the peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// Plain TCP.
    Tcp {
        /// Host.
        host: Host,
        /// Port.
        port: u16,
    },
    /// A WebSocket carrying the BOLT 8 byte stream in binary frames.
    WebSocket {
        /// `wss://` (TLS) rather than `ws://`.
        tls: bool,
        /// Host.
        host: Host,
        /// Port (80 / 443 when not given).
        port: u16,
        /// Path and query, starting with `/`.
        path: String,
    },
}

impl Endpoint {
    /// The URL to open, for WebSocket endpoints.
    pub fn url(&self) -> Option<String> {
        match self {
            Endpoint::Tcp { .. } => None,
            Endpoint::WebSocket {
                tls,
                host,
                port,
                path,
            } => {
                let scheme = if *tls { "wss" } else { "ws" };
                Some(format!("{scheme}://{host}:{port}{path}"))
            }
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Tcp { host, port } => write!(f, "{host}:{port}"),
            ws => f.write_str(&ws.url().unwrap_or_default()),
        }
    }
}

/// A node id plus an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerAddr {
    /// The peer's static public key (BOLT #8 `rs`).
    pub node_id: PublicKey,
    /// How to reach it.
    pub endpoint: Endpoint,
}

impl fmt::Display for PeerAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.node_id, self.endpoint)
    }
}

/// Parse a 33-byte hex node id.
pub fn parse_node_id(s: &str) -> Result<PublicKey, AddrError> {
    if s.len() != 66 {
        return Err(AddrError::NodeIdLength(s.len()));
    }
    let bytes = hex::decode(s).map_err(|_| AddrError::NodeIdNotHex)?;
    PublicKey::from_slice(&bytes).map_err(|_| AddrError::NodeIdNotAPoint)
}

/// Which `host:port` syntax [`parse_host_port`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostPortSyntax {
    /// `host[:port]` leading an address or a URL's authority (RFC 3986 §3.2.2,
    /// §3.2.3): `default_port` when the port is left out; a path or query (`/`,
    /// `?`) ends it and is returned as the tail. A name is letters, digits,
    /// `-`, `.` and `_`: the resolver has the last word. What [`PeerAddr`] and
    /// [`parse_endpoint`] read.
    Leading {
        /// The port when none is written.
        default_port: u16,
    },
    /// The whole text is `<host>:<port>`, the port required and nothing
    /// after it: a WebSocket bridge's destination (lnmessage's
    /// `ws[s]://PROXY/<host>:<port>`) and its allow-list. A name is a DNS name
    /// (RFC 1035 §2.3.1: labels of 1 to 63 letters, digits, `-` (not first or
    /// last) and `_`; §2.3.4: at most [`MAX_NAME`] characters; a trailing root
    /// `.` dropped) whose last label does not start with a digit: resolvers
    /// read `127.1`, `0x7f000001` and `2130706433` as IPv4 addresses, so such
    /// a name would be an address in disguise.
    Exact,
}

/// Longest DNS name [`HostPortSyntax::Exact`] accepts (RFC 1035 §2.3.4: 255
/// octets on the wire, 253 characters in text).
pub const MAX_NAME: usize = 253;

/// Parse `host[:port]`, where host may be a bracketed IPv6 literal (RFC 3986
/// §3.2.2), in the given syntax: the host, the port and what follows them
/// (always empty for [`HostPortSyntax::Exact`]). Names are lower-cased.
///
/// Errors come in this order: the IPv6 literal's brackets and address (or an
/// unbracketed IPv6 address), no `:` where the port is required, the host
/// name, the port (missing, for [`HostPortSyntax::Exact`], when nothing
/// follows the `:`).
pub fn parse_host_port(s: &str, syntax: HostPortSyntax) -> Result<(Host, u16, &str), AddrError> {
    // Where host and port end: at a path or query when they lead a URL, at
    // the end of the text when they are all of it.
    let end_of = |t: &str| match syntax {
        HostPortSyntax::Leading { .. } => t.find(['/', '?']).unwrap_or(t.len()),
        HostPortSyntax::Exact => t.len(),
    };
    let (ipv6, name, rest) = if let Some(inner) = s.strip_prefix('[') {
        let end = inner.find(']').ok_or(AddrError::UnclosedBracket)?;
        let lit = inner.get(..end).unwrap_or_default();
        let ip = Ipv6Addr::from_str(lit).map_err(|_| AddrError::BadIpv6(lit.to_string()))?;
        (Some(ip), "", inner.get(end + 1..).unwrap_or_default())
    } else {
        let authority = s.get(..end_of(s)).unwrap_or_default();
        if authority.matches(':').count() > 1 {
            return Err(AddrError::UnbracketedIpv6);
        }
        let end = authority.find(':').unwrap_or(authority.len());
        (
            None,
            s.get(..end).unwrap_or_default(),
            s.get(end..).unwrap_or_default(),
        )
    };
    let (digits, tail) = match (rest.strip_prefix(':'), syntax) {
        (Some(p), _) => {
            let end = end_of(p);
            (p.get(..end), p.get(end..).unwrap_or_default())
        }
        (None, HostPortSyntax::Leading { .. }) => (None, rest),
        (None, HostPortSyntax::Exact) => return Err(AddrError::MissingPort),
    };
    let host = match ipv6 {
        Some(ip) => Host::Ip(IpAddr::V6(ip)),
        None => parse_name(name, syntax)?,
    };
    let port = match (digits, syntax) {
        (Some(""), HostPortSyntax::Exact) => return Err(AddrError::MissingPort),
        (Some(digits), _) => parse_port(digits)?,
        (None, HostPortSyntax::Leading { default_port }) => default_port,
        (None, HostPortSyntax::Exact) => return Err(AddrError::MissingPort),
    };
    Ok((host, port, tail))
}

/// A port: decimal digits only, 1 to 65535.
fn parse_port(digits: &str) -> Result<u16, AddrError> {
    digits
        .parse::<u16>()
        .ok()
        .filter(|&p| p != 0 && digits.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| AddrError::BadPort(digits.to_string()))
}

/// A host that is not in brackets: an IPv4 literal or a name, checked as
/// `syntax` says.
fn parse_name(s: &str, syntax: HostPortSyntax) -> Result<Host, AddrError> {
    if s.is_empty() {
        return Err(AddrError::EmptyHost);
    }
    if let Ok(ip) = IpAddr::from_str(s) {
        return Ok(Host::Ip(ip));
    }
    let name = match syntax {
        HostPortSyntax::Leading { .. } => s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
            .then_some(s),
        HostPortSyntax::Exact => dns_name(s),
    };
    let name = name.ok_or_else(|| AddrError::BadHost(s.to_string()))?;
    Ok(Host::Name(name.to_ascii_lowercase()))
}

/// `s` without its trailing root `.` if it is a DNS name as
/// [`HostPortSyntax::Exact`] reads them.
fn dns_name(s: &str) -> Option<&str> {
    if s.len() > MAX_NAME {
        return None;
    }
    let name = s.strip_suffix('.').unwrap_or(s);
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    if !name.split('.').all(label_ok) {
        return None;
    }
    // The resolver reads `127.1`, `0x7f000001` and `2130706433` as IPv4.
    let last = name.rsplit('.').next().and_then(|l| l.bytes().next());
    (!last.is_some_and(|b| b.is_ascii_digit())).then_some(name)
}

/// Parse an endpoint: `host[:port]` or a `ws://` / `wss://` URL.
pub fn parse_endpoint(s: &str) -> Result<Endpoint, AddrError> {
    if let Some((scheme, rest)) = s.split_once("://") {
        let tls = match scheme.to_ascii_lowercase().as_str() {
            "ws" => false,
            "wss" => true,
            other => return Err(AddrError::UnsupportedScheme(other.to_string())),
        };
        if rest.is_empty() {
            return Err(AddrError::EmptyHost);
        }
        let default_port = if tls { 443 } else { 80 };
        let (host, port, tail) = parse_host_port(rest, HostPortSyntax::Leading { default_port })?;
        let path = if tail.is_empty() {
            "/".to_string()
        } else if tail.starts_with('/') {
            tail.to_string()
        } else if tail.starts_with('?') {
            format!("/{tail}")
        } else {
            return Err(AddrError::TrailingText(tail.to_string()));
        };
        return Ok(Endpoint::WebSocket {
            tls,
            host,
            port,
            path,
        });
    }
    if s.is_empty() {
        return Err(AddrError::EmptyHost);
    }
    let syntax = HostPortSyntax::Leading {
        default_port: DEFAULT_PORT,
    };
    let (host, port, tail) = parse_host_port(s, syntax)?;
    if !tail.is_empty() {
        return Err(AddrError::TrailingText(tail.to_string()));
    }
    Ok(Endpoint::Tcp { host, port })
}

impl FromStr for PeerAddr {
    type Err = AddrError;

    /// Parse `<node_id>@<host>[:<port>]` or `<node_id>@ws[s]://...`.
    fn from_str(s: &str) -> Result<Self, AddrError> {
        let s = s.trim();
        let (id, rest) = s.split_once('@').ok_or(AddrError::MissingNodeId)?;
        Ok(PeerAddr {
            node_id: parse_node_id(id)?,
            endpoint: parse_endpoint(rest)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "028d7500dd4c12685d1f568b4c2b5048e8534b873319f3a8daa612b469132ec7f7";

    fn p(s: &str) -> Result<PeerAddr, AddrError> {
        format!("{ID}@{s}").parse()
    }

    #[test]
    fn accepted_forms() {
        let a = p("127.0.0.1:9736").unwrap();
        assert_eq!(a.node_id.to_string(), ID);
        assert_eq!(
            a.endpoint,
            Endpoint::Tcp {
                host: Host::Ip("127.0.0.1".parse().unwrap()),
                port: 9736
            }
        );
        assert_eq!(
            p("[::1]:1").unwrap().endpoint,
            Endpoint::Tcp {
                host: Host::Ip("::1".parse().unwrap()),
                port: 1
            }
        );
        assert_eq!(
            p("Node.Example.com").unwrap().endpoint,
            Endpoint::Tcp {
                host: Host::Name("node.example.com".into()),
                port: DEFAULT_PORT
            }
        );
        let ws = p("ws://[::1]:8080").unwrap().endpoint;
        assert_eq!(ws.url().unwrap(), "ws://[::1]:8080/");
        let wss = p("wss://ln.example.org/ws?x=1").unwrap().endpoint;
        assert_eq!(wss.url().unwrap(), "wss://ln.example.org:443/ws?x=1");
        // Display round-trips.
        let a = p("[2001:db8::2]:9735").unwrap();
        assert_eq!(a.to_string().parse::<PeerAddr>().unwrap(), a);
    }

    #[test]
    fn malformed_forms() {
        assert_eq!(
            "127.0.0.1:9735".parse::<PeerAddr>(),
            Err(AddrError::MissingNodeId)
        );
        assert_eq!(
            "02ab@127.0.0.1".parse::<PeerAddr>(),
            Err(AddrError::NodeIdLength(4))
        );
        let nothex = format!("zz{}@h", &ID[2..]);
        assert_eq!(nothex.parse::<PeerAddr>(), Err(AddrError::NodeIdNotHex));
        let notpoint = format!("05{}@h", &ID[2..]);
        assert_eq!(
            notpoint.parse::<PeerAddr>(),
            Err(AddrError::NodeIdNotAPoint)
        );
        assert_eq!(p(""), Err(AddrError::EmptyHost));
        assert_eq!(p(":9735"), Err(AddrError::EmptyHost));
        assert_eq!(p("[::1:9735"), Err(AddrError::UnclosedBracket));
        assert_eq!(p("[zz::1]:9735"), Err(AddrError::BadIpv6("zz::1".into())));
        assert_eq!(p("::1"), Err(AddrError::UnbracketedIpv6));
        assert_eq!(p("ws://::1/x"), Err(AddrError::UnbracketedIpv6));
        assert_eq!(p("fe80::1:9735"), Err(AddrError::UnbracketedIpv6));
        assert_eq!(p("host:0"), Err(AddrError::BadPort("0".into())));
        assert_eq!(p("host:65536"), Err(AddrError::BadPort("65536".into())));
        assert_eq!(p("host:+1"), Err(AddrError::BadPort("+1".into())));
        assert_eq!(p("host:"), Err(AddrError::BadPort("".into())));
        assert_eq!(p("ho st:1"), Err(AddrError::BadHost("ho st".into())));
        assert_eq!(p("[::1]x"), Err(AddrError::TrailingText("x".into())));
        assert_eq!(p("host:1/x"), Err(AddrError::TrailingText("/x".into())));
        assert_eq!(
            p("http://host"),
            Err(AddrError::UnsupportedScheme("http".into()))
        );
        assert_eq!(p("ws://"), Err(AddrError::EmptyHost));
    }

    #[test]
    fn leading_host_port_returns_what_follows() {
        let leading = HostPortSyntax::Leading { default_port: 80 };
        let name = |n: &str| Host::Name(n.into());
        for (s, want) in [
            ("Host", (name("host"), 80, "")),
            ("host/x?y", (name("host"), 80, "/x?y")),
            ("host:1?y", (name("host"), 1, "?y")),
            ("[::1]/", (Host::Ip("::1".parse().unwrap()), 80, "/")),
            // Loose names: the resolver has the last word.
            ("127.1:2", (name("127.1"), 2, "")),
            ("a..b.:3", (name("a..b."), 3, "")),
        ] {
            assert_eq!(parse_host_port(s, leading), Ok(want), "{s}");
        }
    }

    #[test]
    fn exact_host_port_is_all_of_it() {
        let exact = |s: &str| parse_host_port(s, HostPortSyntax::Exact).map(|(h, p, _)| (h, p));
        assert_eq!(
            exact("127.0.0.1:9735"),
            Ok((Host::Ip("127.0.0.1".parse().unwrap()), 9735))
        );
        assert_eq!(
            exact("[::1]:19846"),
            Ok((Host::Ip("::1".parse().unwrap()), 19846))
        );
        assert_eq!(
            exact("Node.Example.:9735"),
            Ok((Host::Name("node.example".into()), 9735))
        );
        let longest = format!(
            "{}.{}.{}.{}.com:1",
            "a".repeat(63),
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(57)
        );
        assert!(exact(&longest).is_ok());
        use AddrError::*;
        for (s, want) in [
            ("", MissingPort),
            (":9735", EmptyHost),
            ("host", MissingPort),
            ("host:", MissingPort),
            // The host is checked before an empty port.
            ("ho st:", BadHost("ho st".into())),
            ("host:0", BadPort("0".into())),
            ("host:65536", BadPort("65536".into())),
            ("host:+1", BadPort("+1".into())),
            ("host:9735/", BadPort("9735/".into())),
            ("host:9735?x=1", BadPort("9735?x=1".into())),
            ("a/b:9735", BadHost("a/b".into())),
            ("::1:9735", UnbracketedIpv6),
            ("[::1:9735", UnclosedBracket),
            ("[zz]:9735", BadIpv6("zz".into())),
            ("[::1]", MissingPort),
            ("[::1]x", MissingPort),
            ("[::1]:", MissingPort),
            ("127.1:9735", BadHost("127.1".into())),
            ("0x7f000001:9735", BadHost("0x7f000001".into())),
            ("2130706433:9735", BadHost("2130706433".into())),
            ("a..b:9735", BadHost("a..b".into())),
            (".:9735", BadHost(".".into())),
            ("a%2fb:9735", BadHost("a%2fb".into())),
            ("-a.b:9735", BadHost("-a.b".into())),
            ("a-.b:9735", BadHost("a-.b".into())),
        ] {
            assert_eq!(exact(s), Err(want), "{s}");
        }
        let long_label = format!("{}.com:1", "a".repeat(64));
        assert_eq!(exact(&long_label), Err(BadHost(long_label[..68].into())));
        let too_long = format!("{}ab:1", "a.".repeat(MAX_NAME / 2));
        assert_eq!(too_long.len(), MAX_NAME + 3);
        assert!(matches!(exact(&too_long), Err(BadHost(_))));
    }
}
