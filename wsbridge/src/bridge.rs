//! Moving bytes: binary frames from the client are written to the
//! destination, bytes from the destination go to the client as binary
//! frames.
//!
//! Back-pressure: each direction holds one piece of data at a time and
//! reads the next only when the other side has taken it (the frame is
//! fully written to the TCP socket; the chunk is flushed to the WebSocket).
//! A slow reader on either side therefore stalls the other side's sender
//! through TCP flow control, and the bridge's memory per connection stays
//! bounded ([`crate::Limits::memory_per_connection`]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::error::{Error as WsError, ProtocolError};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Bytes, Message};
use tokio_tungstenite::WebSocketStream;

use crate::config::CHUNK;
use crate::refusal::Close;

/// How long the close frame may take to go out.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);
/// Longest close reason (RFC 6455 §5.5: control frame payload ≤ 125 bytes,
/// 2 of them the code).
const MAX_REASON: usize = 123;

/// Bytes moved each way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Client → destination.
    pub up: u64,
    /// Destination → client.
    pub down: u64,
}

fn reason(close: &Close) -> String {
    let mut text = close.to_string();
    if text.len() > MAX_REASON {
        let mut end = MAX_REASON;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

/// Bridge `ws` and `tcp` until either ends, the client breaks a rule, or
/// nothing moves for `idle`; then send the client a close frame saying why.
pub async fn pump<S>(
    ws: WebSocketStream<S>,
    tcp: TcpStream,
    idle: Duration,
    max_frame: usize,
) -> (Close, Counts)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let (mut tx, mut rx) = ws.split();
    let (mut from_dest, mut to_dest) = tcp.into_split();
    let start = Instant::now();
    let last = AtomicU64::new(0);
    let touch = || last.store(start.elapsed().as_millis() as u64, Ordering::Relaxed);
    let mut counts = Counts::default();

    let up = async {
        loop {
            match rx.next().await {
                None => return Close::ClientClosed,
                Some(Ok(Message::Binary(b))) => {
                    if let Err(e) = to_dest.write_all(&b).await {
                        return Close::DestinationError(e.to_string());
                    }
                    counts.up += b.len() as u64;
                    touch();
                }
                Some(Ok(Message::Text(_))) => return Close::TextFrame,
                Some(Ok(Message::Close(_))) => return Close::ClientClosed,
                // Pings are answered by the WebSocket layer.
                Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
                Some(Err(WsError::Capacity(_))) => return Close::FrameTooLarge(max_frame),
                Some(Err(
                    WsError::ConnectionClosed
                    | WsError::AlreadyClosed
                    | WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake),
                )) => return Close::ClientClosed,
                Some(Err(e)) => return Close::ClientError(e.to_string()),
            }
        }
    };
    let mut down_bytes = 0u64;
    let down = async {
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = match from_dest.read(&mut buf).await {
                Ok(0) => return Close::DestinationClosed,
                Ok(n) => n,
                Err(e) => return Close::DestinationError(e.to_string()),
            };
            let frame = Message::Binary(Bytes::copy_from_slice(&buf[..n]));
            if let Err(e) = tx.send(frame).await {
                return match e {
                    WsError::ConnectionClosed | WsError::AlreadyClosed => Close::ClientClosed,
                    e => Close::ClientError(e.to_string()),
                };
            }
            down_bytes += n as u64;
            touch();
        }
    };
    let quiet = async {
        loop {
            let since = start
                .elapsed()
                .saturating_sub(Duration::from_millis(last.load(Ordering::Relaxed)));
            if since >= idle {
                return Close::Idle(idle);
            }
            tokio::time::sleep(idle - since).await;
        }
    };
    let close = tokio::select! {
        c = up => c,
        c = down => c,
        c = quiet => c,
    };
    counts.down = down_bytes;

    // The destination sees the end of the stream; the client gets the reason.
    let _ = tokio::time::timeout(CLOSE_TIMEOUT, to_dest.shutdown()).await;
    let mut ws = match tx.reunite(rx) {
        Ok(ws) => ws,
        Err(_) => return (close, counts),
    };
    let frame = CloseFrame {
        code: CloseCode::from(close.code()),
        reason: reason(&close).into(),
    };
    // RFC 6455 §7.1.1: the server closes TCP after the closing handshake;
    // wait (bounded) for the client's close, so the reason is read before
    // the connection goes away.
    let _ = tokio::time::timeout(CLOSE_TIMEOUT, async {
        if ws.close(Some(frame)).await.is_ok() {
            while let Some(Ok(_)) = ws.next().await {}
        }
    })
    .await;
    (close, counts)
}
