//! What the bridge reports: one line per event. The bridge sees who talks
//! to which node and how many bytes pass, never what they say (BOLT 8
//! encrypts the stream end to end).

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use crate::refusal::{Close, Refusal};

/// One thing that happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The bridge is listening.
    Listening {
        /// The bound address.
        addr: SocketAddr,
        /// `wss://` rather than `ws://`.
        tls: bool,
    },
    /// A connection was refused (HTTP status sent, if the client was still there).
    Refused {
        /// The client.
        peer: SocketAddr,
        /// The request path, if it was read.
        path: Option<String>,
        /// Why.
        refusal: Refusal,
    },
    /// A connection over a limit closed unanswered: too many refusals in progress.
    Dropped {
        /// The client.
        peer: SocketAddr,
        /// The limit it was over.
        refusal: Refusal,
    },
    /// A client is bridged to a destination.
    Bridged {
        /// The client.
        peer: SocketAddr,
        /// The destination as requested.
        dest: String,
        /// The address connected to.
        addr: SocketAddr,
        /// The `Origin` header, if any.
        origin: Option<String>,
    },
    /// A bridged connection ended.
    Closed {
        /// The client.
        peer: SocketAddr,
        /// The destination as requested.
        dest: String,
        /// Why it ended (the close frame sent).
        close: Close,
        /// Bytes client → destination.
        up: u64,
        /// Bytes destination → client.
        down: u64,
        /// How long it was bridged.
        duration: Duration,
    },
    /// Accepting a TCP connection failed (e.g. out of file descriptors).
    AcceptFailed(String),
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Listening { addr, tls } => {
                let scheme = if *tls { "wss" } else { "ws" };
                write!(f, "listening on {scheme}://{addr}/<host>:<port>")
            }
            Event::Refused {
                peer,
                path,
                refusal,
            } => {
                let (code, _) = refusal.status();
                let path = path.as_deref().unwrap_or("-");
                write!(f, "refused {peer} {path}: {code} {refusal}")
            }
            Event::Dropped { peer, refusal } => {
                write!(
                    f,
                    "dropped {peer} unanswered (too many refusals in progress): {refusal}"
                )
            }
            Event::Bridged {
                peer,
                dest,
                addr,
                origin,
            } => {
                write!(f, "bridged {peer} -> {dest} ({addr})")?;
                match origin {
                    Some(o) => write!(f, " origin {o}"),
                    None => Ok(()),
                }
            }
            Event::Closed {
                peer,
                dest,
                close,
                up,
                down,
                duration,
            } => write!(
                f,
                "closed {peer} -> {dest}: {} {close}; {up} bytes up, {down} down, {:.1} s",
                close.code(),
                duration.as_secs_f64()
            ),
            Event::AcceptFailed(e) => write!(f, "accept failed: {e}"),
        }
    }
}

/// Where events go.
pub trait Log: Send + Sync {
    /// Record `event`.
    fn log(&self, event: &Event);
}

/// One line per event on standard error, prefixed `wsbridge: `.
#[derive(Debug, Clone, Copy, Default)]
pub struct StderrLog;

impl Log for StderrLog {
    fn log(&self, event: &Event) {
        eprintln!("wsbridge: {event}");
    }
}
