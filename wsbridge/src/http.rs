//! The opening handshake's HTTP side (RFC 6455 §4.2): read the client's
//! upgrade request (bounded), check it, and answer with `101 Switching
//! Protocols` or with a refusal's status and text.
//!
//! The bridge reads the request itself, rather than letting the WebSocket
//! library answer it, so that the destination can be checked, resolved and
//! connected to before the upgrade is accepted: every refusal up to then is
//! an HTTP status the client (and its developer tools) can see.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

use crate::refusal::Refusal;

/// Largest request head read (request line and headers).
pub const MAX_HEAD: usize = 8 * 1024;
/// Most headers parsed.
const MAX_HEADERS: usize = 48;

/// A checked upgrade request.
#[derive(Debug)]
pub struct Upgrade {
    /// The request target (path), e.g. `/127.0.0.1:9735`.
    pub path: String,
    /// `Sec-WebSocket-Key`, to derive the accept value from.
    pub key: String,
    /// `Origin`, if sent (browsers always send it), for the log.
    pub origin: Option<String>,
    /// Bytes read after the head (a client may send frames at once).
    pub rest: Vec<u8>,
}

fn has_token(value: &[u8], token: &str) -> bool {
    std::str::from_utf8(value)
        .is_ok_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
}

fn parse(buf: &[u8]) -> Result<Option<(usize, Upgrade)>, Refusal> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    let len = match req.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err(Refusal::HeadTooLarge(MAX_HEAD)),
        Err(e) => return Err(Refusal::BadRequest(e.to_string())),
    };
    let header = |name: &str| {
        req.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value)
    };
    let checked = (|| {
        if req.method != Some("GET") {
            return Err(Refusal::NotWebSocket("method is not GET"));
        }
        if req.version != Some(1) {
            return Err(Refusal::NotWebSocket("not HTTP/1.1"));
        }
        if !header("upgrade").is_some_and(|v| has_token(v, "websocket")) {
            return Err(Refusal::NotWebSocket("no `Upgrade: websocket` header"));
        }
        if !header("connection").is_some_and(|v| has_token(v, "upgrade")) {
            return Err(Refusal::NotWebSocket("no `Connection: Upgrade` header"));
        }
        if header("sec-websocket-version") != Some(b"13") {
            return Err(Refusal::NotWebSocket("Sec-WebSocket-Version is not 13"));
        }
        let key = header("sec-websocket-key")
            .and_then(|k| std::str::from_utf8(k).ok())
            .map(str::trim)
            .filter(|k| k.len() == 24)
            .ok_or(Refusal::NotWebSocket("no valid Sec-WebSocket-Key"))?;
        Ok(Upgrade {
            path: req.path.unwrap_or_default().to_owned(),
            key: key.to_owned(),
            origin: header("origin")
                .map(|o| String::from_utf8_lossy(o).chars().take(200).collect()),
            rest: Vec::new(),
        })
    })();
    Ok(Some((len, checked?)))
}

/// Read the request head from `io` (at most [`MAX_HEAD`] bytes) and check
/// that it is a WebSocket upgrade.
pub async fn read_upgrade<S: AsyncRead + Unpin>(io: &mut S) -> Result<Upgrade, Refusal> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let room = MAX_HEAD + 1 - buf.len();
        let n = io
            .read(&mut chunk[..room.min(1024)])
            .await
            .map_err(|e| Refusal::BadRequest(e.to_string()))?;
        if n == 0 {
            return Err(Refusal::BadRequest(
                "closed before the request ended".into(),
            ));
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some((len, mut upgrade)) = parse(&buf)? {
            upgrade.rest = buf.split_off(len);
            return Ok(upgrade);
        }
        if buf.len() > MAX_HEAD {
            return Err(Refusal::HeadTooLarge(MAX_HEAD));
        }
    }
}

/// Answer `101 Switching Protocols` for `key`.
pub async fn accept<S: AsyncWrite + Unpin>(io: &mut S, key: &str) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n\r\n",
        derive_accept_key(key.as_bytes())
    );
    io.write_all(head.as_bytes()).await?;
    io.flush().await
}

/// Answer with `refusal`'s status and its text, and close.
pub async fn refuse<S: AsyncWrite + Unpin>(io: &mut S, refusal: &Refusal) -> std::io::Result<()> {
    let (code, phrase) = refusal.status();
    let body = format!("{refusal}\n");
    let extra = match refusal {
        Refusal::NotWebSocket(_) => "Sec-WebSocket-Version: 13\r\nUpgrade: websocket\r\n",
        _ => "",
    };
    let head = format!(
        "HTTP/1.1 {code} {phrase}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n{body}",
        body.len()
    );
    io.write_all(head.as_bytes()).await?;
    io.flush().await?;
    io.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "GET /127.0.0.1:9735 HTTP/1.1\r\nHost: p\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";

    #[tokio::test]
    async fn reads_an_upgrade_and_what_follows() {
        let mut input = GOOD.as_bytes().to_vec();
        input.extend_from_slice(b"\x82\x00");
        let mut io = &input[..];
        let u = read_upgrade(&mut io).await.unwrap();
        assert_eq!(u.path, "/127.0.0.1:9735");
        assert_eq!(u.rest, b"\x82\x00");
        // RFC 6455 §1.3's example key and accept value.
        let mut out = Vec::new();
        accept(&mut out, &u.key).await.unwrap();
        assert!(String::from_utf8(out)
            .unwrap()
            .contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
    }

    #[tokio::test]
    async fn refuses_what_is_not_an_upgrade() {
        for (req, want) in [
            ("GET / HTTP/1.1\r\nHost: p\r\n\r\n", "no `Upgrade: websocket` header"),
            ("POST /a:1 HTTP/1.1\r\n\r\n", "method is not GET"),
            (
                "GET /a:1 HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 8\r\n\r\n",
                "Sec-WebSocket-Version is not 13",
            ),
        ] {
            let mut io = req.as_bytes();
            assert_eq!(
                read_upgrade(&mut io).await.unwrap_err(),
                Refusal::NotWebSocket(want)
            );
        }
        let mut io = &b"\x16\x03\x01\x00\xa5"[..];
        assert!(matches!(
            read_upgrade(&mut io).await,
            Err(Refusal::BadRequest(_))
        ));
        let big = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        let mut io = big.as_bytes();
        assert_eq!(
            read_upgrade(&mut io).await.unwrap_err(),
            Refusal::HeadTooLarge(MAX_HEAD)
        );
    }
}
