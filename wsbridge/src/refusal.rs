//! Why a connection was refused or ended: each reason has its HTTP status
//! (refused before the WebSocket upgrade, RFC 9110 §15) or its WebSocket
//! close code (after it, RFC 6455 §7.4.1), and its text is both what the
//! client is sent and what the log says.

use std::net::IpAddr;
use std::time::Duration;

use crate::policy::AddrClass;

/// A refusal of the upgrade: answered with an HTTP status and this text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The request head is not HTTP/1.1 or is malformed.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The request head is larger than the bridge reads.
    #[error("request head over {0} bytes")]
    HeadTooLarge(usize),
    /// A well-formed HTTP request that is not a WebSocket upgrade.
    #[error("not a WebSocket upgrade: {0}")]
    NotWebSocket(&'static str),
    /// The path is not `/<host>:<port>`.
    #[error("bad destination in path: {0}")]
    BadDestination(#[from] crate::dest::DestError),
    /// The destination is not in the allow-list (and `--allow-any` is off).
    #[error("destination {0} is not allowed")]
    NotAllowed(String),
    /// The destination is (or resolves only to) a non-public address and is
    /// not listed exactly.
    #[error("destination {dest} is at {addr}, in the {class} range; only public addresses are allowed unless listed exactly")]
    NotPublic {
        /// The destination requested.
        dest: String,
        /// Its (first) address.
        addr: IpAddr,
        /// That address's range.
        class: AddrClass,
    },
    /// The destination's name did not resolve.
    #[error("destination {dest} did not resolve: {error}")]
    Unresolvable {
        /// The destination requested.
        dest: String,
        /// The resolver's error.
        error: String,
    },
    /// No allowed address of the destination accepted a TCP connection.
    #[error("destination {dest} refused the connection: {error}")]
    ConnectFailed {
        /// The destination requested.
        dest: String,
        /// The last connection error.
        error: String,
    },
    /// This source address already has its limit of connections.
    #[error("too many connections from {ip} (limit {limit})")]
    TooManyFromClient {
        /// The client's address.
        ip: IpAddr,
        /// The per-client limit.
        limit: usize,
    },
    /// The bridge already has its limit of connections.
    #[error("too many connections (limit {0})")]
    TooManyConnections(usize),
    /// The client did not complete TLS and the upgrade request in time.
    #[error("no WebSocket upgrade within {} s", .0.as_secs_f64())]
    HandshakeTimeout(Duration),
}

impl Refusal {
    /// The HTTP status line's code and reason phrase.
    pub fn status(&self) -> (u16, &'static str) {
        match self {
            Refusal::BadRequest(_) | Refusal::BadDestination(_) => (400, "Bad Request"),
            Refusal::HeadTooLarge(_) => (431, "Request Header Fields Too Large"),
            Refusal::NotWebSocket(_) => (426, "Upgrade Required"),
            Refusal::NotAllowed(_) | Refusal::NotPublic { .. } => (403, "Forbidden"),
            Refusal::Unresolvable { .. } | Refusal::ConnectFailed { .. } => (502, "Bad Gateway"),
            Refusal::TooManyFromClient { .. } => (429, "Too Many Requests"),
            Refusal::TooManyConnections(_) => (503, "Service Unavailable"),
            Refusal::HandshakeTimeout(_) => (408, "Request Timeout"),
        }
    }
}

/// Why a bridged connection ended: sent to the client as a close frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Close {
    /// The client closed the WebSocket (or hung up).
    #[error("client closed the connection")]
    ClientClosed,
    /// The destination closed its TCP connection.
    #[error("destination closed the connection")]
    DestinationClosed,
    /// No data in either direction for the idle timeout.
    #[error("idle for {} s", .0.as_secs_f64())]
    Idle(Duration),
    /// The client sent a frame (or message) over the limit.
    #[error("frame over {0} bytes")]
    FrameTooLarge(usize),
    /// The client sent a text frame.
    #[error("text frames are not allowed: BOLT 8 bytes travel in binary frames")]
    TextFrame,
    /// Reading from or writing to the destination failed.
    #[error("destination error: {0}")]
    DestinationError(String),
    /// The WebSocket failed (protocol violation, I/O error).
    #[error("client error: {0}")]
    ClientError(String),
}

impl Close {
    /// The close code (RFC 6455 §7.4.1).
    pub fn code(&self) -> u16 {
        match self {
            Close::ClientClosed | Close::DestinationClosed => 1000,
            Close::Idle(_) => 1001,
            Close::TextFrame => 1003,
            Close::FrameTooLarge(_) => 1009,
            Close::DestinationError(_) => 1011,
            Close::ClientError(_) => 1002,
        }
    }
}
