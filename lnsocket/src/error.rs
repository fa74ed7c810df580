//! The crate's error type: every way a connection can fail.

use std::time::Duration;

use crate::addr::AddrError;
use crate::noise::NoiseError;
use crate::transport::TransportError;

/// A connection-level failure. After any error other than [`Error::Addr`]
/// or [`Error::NotCustomType`] the connection is closed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The address string was malformed.
    #[error("invalid address: {0}")]
    Addr(#[from] AddrError),
    /// The TCP or WebSocket connection could not be opened.
    #[error("cannot connect to {endpoint}: {cause}")]
    Connect {
        /// Where we tried to connect.
        endpoint: String,
        /// Why it failed.
        cause: TransportError,
    },
    /// Opening the TCP or WebSocket connection took too long.
    #[error("connecting to {0} timed out")]
    ConnectTimeout(String),
    /// The byte stream failed after it was opened.
    #[error("transport: {0}")]
    Transport(#[from] TransportError),
    /// A BOLT 8 check failed (bad version, key, MAC, size).
    #[error("BOLT 8: {0}")]
    Noise(#[from] NoiseError),
    /// The peer closed (or reset) the connection right after our act one,
    /// which is what a responder does when act one was not made for its key,
    /// or when it is at its connection limit.
    #[error("peer closed the connection after handshake act one: is the node id right?")]
    HandshakeRejected,
    /// The peer did not complete its part of the handshake in time.
    #[error("handshake did not complete within {0:?}")]
    HandshakeTimeout(Duration),
    /// The peer closed the stream between messages.
    #[error("peer closed the connection")]
    PeerClosed,
    /// The peer closed the stream in the middle of a message.
    #[error("peer closed the connection in the middle of a message")]
    TruncatedMessage,
    /// The connection was already closed by an earlier error or `close`.
    #[error("connection is closed")]
    Closed,
    /// The system random number generator failed.
    #[error("random number generator failed: {0}")]
    Random(getrandom::Error),
    /// A decrypted message was shorter than its 2-byte type.
    #[error("message of {0} bytes has no 2-byte type")]
    MissingType(usize),
    /// A known message did not decode (BOLT 1: close the connection).
    #[error("malformed {name} message: {cause}")]
    Decode {
        /// The message name.
        name: &'static str,
        /// The decoder's complaint.
        cause: wire::DecodeError,
    },
    /// A message could not be encoded.
    #[error("cannot encode {name}: {cause}")]
    Encode {
        /// The message name.
        name: &'static str,
        /// The encoder's complaint.
        cause: wire::EncodeError,
    },
    /// The peer sent an even message type we do not know (BOLT 1 §"Lightning
    /// Message Format": MUST close the connection).
    #[error("peer sent unknown even message type {0}")]
    UnknownEvenMessage(u16),
    /// The peer's `init` sets even feature bits we do not know (BOLT 1
    /// §"The `init` Message": MUST close the connection).
    #[error("peer requires unknown features (even bits {0:?})")]
    UnknownRequiredFeatures(Vec<usize>),
    /// The peer's `init` sets a feature without a feature it depends on
    /// (BOLT #1 §"The `init` Message": MUST close the connection).
    #[error("peer sets feature bit {feature} without its dependency (bit {needs} or {})", needs + 1)]
    MissingFeatureDependency {
        /// Even bit of the feature.
        feature: usize,
        /// Even bit of the missing dependency.
        needs: usize,
    },
    /// The first message from the peer was not `init`.
    #[error("expected init as the first message, got type {0}")]
    ExpectedInit(u16),
    /// The peer sent a second `init`.
    #[error("peer sent init again after the init exchange")]
    DuplicateInit,
    /// The peer did not send `init` in time.
    #[error("peer did not send init within {0:?}")]
    InitTimeout(Duration),
    /// The peer did not answer a keep-alive or explicit ping in time.
    #[error("no pong within {0:?} of our ping")]
    PongTimeout(Duration),
    /// A message could not be written within `Config::send_timeout`: the
    /// peer stopped reading (its socket buffers are full).
    #[error("could not send a message within {0:?}: the peer is not reading")]
    SendTimeout(Duration),
    /// The listener already serves its maximum number of connections; the
    /// new one was closed at once.
    #[error("connection refused: already serving the maximum of {0} connections")]
    TooManyConnections(usize),
    /// The peer sent `error` before `init` completed.
    #[error("peer sent error: {0}")]
    PeerError(String),
    /// A custom message must have an odd type of at least 32768.
    #[error("custom message type {0} is not odd and at least 32768")]
    NotCustomType(u16),
}
