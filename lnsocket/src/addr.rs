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

/// A host: an IP literal or a DNS name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// An IPv4 or IPv6 literal.
    Ip(IpAddr),
    /// A DNS name.
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

/// Parse `host[:port]`, where host may be a bracketed IPv6 literal.
fn parse_host_port(s: &str, default_port: u16) -> Result<(Host, u16, &str), AddrError> {
    let (host, rest) = if let Some(inner) = s.strip_prefix('[') {
        let end = inner.find(']').ok_or(AddrError::UnclosedBracket)?;
        let lit = inner.get(..end).unwrap_or_default();
        let ip = Ipv6Addr::from_str(lit).map_err(|_| AddrError::BadIpv6(lit.to_string()))?;
        (
            Host::Ip(IpAddr::V6(ip)),
            inner.get(end + 1..).unwrap_or_default(),
        )
    } else {
        let authority = s.split(['/', '?']).next().unwrap_or_default();
        if authority.matches(':').count() > 1 {
            return Err(AddrError::UnbracketedIpv6);
        }
        let end = s.find([':', '/', '?']).unwrap_or(s.len());
        let name = s.get(..end).unwrap_or_default();
        let rest = s.get(end..).unwrap_or_default();
        if name.is_empty() {
            return Err(AddrError::EmptyHost);
        }
        let host = match IpAddr::from_str(name) {
            Ok(ip) => Host::Ip(ip),
            Err(_) => {
                let ok = name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_');
                if !ok {
                    return Err(AddrError::BadHost(name.to_string()));
                }
                Host::Name(name.to_ascii_lowercase())
            }
        };
        (host, rest)
    };
    if let Some(p) = rest.strip_prefix(':') {
        let end = p.find(['/', '?']).unwrap_or(p.len());
        let digits = p.get(..end).unwrap_or_default();
        let port = digits
            .parse::<u16>()
            .ok()
            .filter(|&p| p != 0 && digits.chars().all(|c| c.is_ascii_digit()))
            .ok_or_else(|| AddrError::BadPort(digits.to_string()))?;
        Ok((host, port, p.get(end..).unwrap_or_default()))
    } else {
        Ok((host, default_port, rest))
    }
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
        let (host, port, tail) = parse_host_port(rest, if tls { 443 } else { 80 })?;
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
    let (host, port, tail) = parse_host_port(s, DEFAULT_PORT)?;
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
}
