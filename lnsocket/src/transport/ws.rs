//! WebSocket client and server streams over tokio (`tokio-tungstenite`,
//! rustls with the `ring` provider and the web PKI roots for `wss://`).
//!
//! Each outgoing write is one binary frame; incoming binary frames are
//! consumed as arbitrary chunks of the BOLT 8 byte stream. Text frames are
//! a protocol violation ([`TransportError::TextFrame`]).

use std::sync::Arc;

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Bytes, Message};
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

use super::{ByteStream, TransportError};

/// A WebSocket used as a byte stream. Holds at most the one frame the
/// WebSocket layer has already received and not yet handed out.
pub struct WsStream<S> {
    ws: WebSocketStream<S>,
    pending: Bytes,
}

impl<S> WsStream<S> {
    /// Wrap an established WebSocket.
    pub fn new(ws: WebSocketStream<S>) -> Self {
        Self {
            ws,
            pending: Bytes::new(),
        }
    }
}

fn ws_err(e: tokio_tungstenite::tungstenite::Error) -> TransportError {
    use tokio_tungstenite::tungstenite::Error as E;
    match e {
        E::Io(io) => TransportError::Io(io),
        E::ConnectionClosed | E::AlreadyClosed => TransportError::Closed,
        other => TransportError::WebSocket(other.to_string()),
    }
}

#[async_trait::async_trait]
impl<S: AsyncRead + AsyncWrite + Unpin + Send> ByteStream for WsStream<S> {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, TransportError> {
        while self.pending.is_empty() {
            match self.ws.next().await {
                None => return Ok(0),
                // The peer hung up without the WebSocket closing handshake:
                // the end of the byte stream, as a TCP FIN is. Core
                // Lightning's websocket proxy (connectd/websocketd.c) does
                // this when it drops a connection, e.g. after a handshake
                // act one made for another node id.
                Some(Err(tokio_tungstenite::tungstenite::Error::Protocol(
                    tokio_tungstenite::tungstenite::error::ProtocolError::ResetWithoutClosingHandshake,
                ))) => return Ok(0),
                Some(Err(e)) => return Err(ws_err(e)),
                Some(Ok(Message::Binary(b))) => self.pending = b,
                Some(Ok(Message::Text(_))) => return Err(TransportError::TextFrame),
                Some(Ok(Message::Close(_))) => return Ok(0),
                // Control frames are answered by tungstenite itself.
                Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
            }
        }
        let n = buf.len().min(self.pending.len());
        let chunk = self.pending.split_to(n);
        buf[..n].copy_from_slice(&chunk);
        Ok(n)
    }

    async fn write(&mut self, data: &[u8]) -> Result<usize, TransportError> {
        // `feed` hands the frame over in the same poll that completes it, so
        // a dropped future has sent nothing.
        self.ws
            .feed(Message::Binary(Bytes::copy_from_slice(data)))
            .await
            .map_err(ws_err)?;
        Ok(data.len())
    }

    async fn flush(&mut self) -> Result<(), TransportError> {
        self.ws.flush().await.map_err(ws_err)
    }

    async fn close(&mut self) {
        let _ = self.ws.close(None).await;
    }
}

/// Largest WebSocket frame or message accepted: 1 MiB. Peers may glue
/// several BOLT 8 messages (each at most 65569 bytes) into one frame, but the
/// library default (64 MiB) would let a peer make us buffer far more than the
/// connection's one-message budget before we see a byte.
pub const MAX_FRAME: usize = 1 << 20;

fn ws_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(MAX_FRAME))
        .max_frame_size(Some(MAX_FRAME))
}

/// TLS settings for `wss://`: the `ring` provider, chosen explicitly so the
/// result does not depend on which rustls providers other crates in the
/// build enable, and the Mozilla web PKI roots.
fn tls_config() -> Result<Arc<rustls::ClientConfig>, TransportError> {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| TransportError::WebSocket(format!("TLS configuration: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Open a `ws://` or `wss://` connection to `url`.
pub async fn connect(url: &str) -> Result<WsStream<MaybeTlsStream<TcpStream>>, TransportError> {
    let connector = if url.starts_with("wss://") {
        Connector::Rustls(tls_config()?)
    } else {
        Connector::Plain
    };
    let (ws, _response) = tokio_tungstenite::connect_async_tls_with_config(
        url,
        Some(ws_config()),
        true,
        Some(connector),
    )
    .await
    .map_err(ws_err)?;
    Ok(WsStream::new(ws))
}

/// Accept the WebSocket upgrade on an incoming TCP connection.
pub async fn accept<S: AsyncRead + AsyncWrite + Unpin + Send>(
    io: S,
) -> Result<WsStream<S>, TransportError> {
    let ws = tokio_tungstenite::accept_async_with_config(io, Some(ws_config()))
        .await
        .map_err(ws_err)?;
    Ok(WsStream::new(ws))
}
