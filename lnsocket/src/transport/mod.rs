//! Ordered byte streams that carry the BOLT 8 byte stream.
//!
//! BOLT #8 §"Lightning Message Specification" defines messages over a
//! reliable ordered byte stream; any transport that provides one will do:
//! TCP ([`tcp`]), a native WebSocket client or server ([`ws`], feature
//! `native-ws`), or the browser's WebSocket (`browser`, `wasm32` only).
//! WebSocket frames are treated as arbitrary chunks of that stream: a frame
//! boundary is never assumed to be a message boundary.

#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(not(target_arch = "wasm32"))]
pub mod tcp;
#[cfg(all(not(target_arch = "wasm32"), feature = "native-ws"))]
pub mod ws;

/// The rest of one received chunk (a WebSocket message, a socket read) that a
/// [`ByteStream::read`] has not handed out yet: transports that receive whole chunks keep
/// the rest here for the next read, so no byte is lost when `buf` is shorter.
#[derive(Debug, Default)]
pub struct Chunk {
    bytes: Vec<u8>,
    pos: usize,
}

impl Chunk {
    /// Nothing left: time to wait for the next chunk.
    pub fn is_empty(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// Starts on a newly received chunk (the old one is used up).
    pub fn set(&mut self, bytes: Vec<u8>) {
        self.bytes = bytes;
        self.pos = 0;
    }

    /// Copies as much as fits into `buf` and returns how much that was.
    pub fn take_into(&mut self, buf: &mut [u8]) -> usize {
        let avail = self.bytes.get(self.pos..).unwrap_or_default();
        let n = buf.len().min(avail.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.pos += n;
        n
    }
}

/// Why a transport failed.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The operating system reported an I/O error.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// The WebSocket layer failed (handshake, protocol violation, TLS).
    #[error("WebSocket error: {0}")]
    WebSocket(String),
    /// The peer sent a text frame; BOLT 8 bytes travel in binary frames only.
    #[error("peer sent a WebSocket text frame; only binary frames are allowed")]
    TextFrame,
    /// The stream was already closed.
    #[error("transport is closed")]
    Closed,
}

/// An ordered, reliable byte stream.
///
/// Reads and writes may be in progress at once (the session polls a read and
/// a write in turn from one task, creating each future afresh per poll): a
/// `read`, `write` or `flush` future that returned `Pending` and is then
/// dropped must leave the wake-up it arranged in place, as poll-based I/O
/// does (tokio sockets, tungstenite, channels).
///
/// `Send` on native targets so connections can move between tokio tasks;
/// the browser's WebSocket is single-threaded and is not.
#[cfg_attr(not(target_arch = "wasm32"), async_trait::async_trait)]
#[cfg_attr(target_arch = "wasm32", async_trait::async_trait(?Send))]
pub trait ByteStream: MaybeSend {
    /// Read at most `buf.len()` bytes into `buf`. `Ok(0)` means the peer
    /// closed the stream. Bytes beyond `buf.len()` that already arrived stay
    /// queued for the next call. Must be cancel-safe: if the future is
    /// dropped before completing, no bytes are lost.
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, TransportError>;

    /// Write a prefix of `data` and return its length (WebSocket: all of
    /// it, as one binary frame). Must be cancel-safe: if the future is
    /// dropped, nothing was written.
    async fn write(&mut self, data: &[u8]) -> Result<usize, TransportError>;

    /// Push written data out to the peer. Cancel-safe and idempotent.
    async fn flush(&mut self) -> Result<(), TransportError>;

    /// Close the stream; errors are ignored since the stream is going away.
    async fn close(&mut self);
}

/// `Send` on native targets, nothing on `wasm32`.
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSend: Send {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send> MaybeSend for T {}
/// `Send` on native targets, nothing on `wasm32`.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSend {}
#[cfg(target_arch = "wasm32")]
impl<T> MaybeSend for T {}

/// A boxed byte stream, so one connection type serves every transport.
pub type BoxStream = Box<dyn ByteStream>;

#[cfg(test)]
mod tests {
    use super::Chunk;

    /// A chunk handed out across reads shorter than it, then the next chunk.
    #[test]
    fn chunk_hands_out_every_byte_once() {
        let mut c = Chunk::default();
        assert!(c.is_empty());
        let mut buf = [0u8; 0];
        assert_eq!(c.take_into(&mut buf), 0);
        c.set(b"abcdefg".to_vec());
        let mut got = Vec::new();
        let mut buf = [0u8; 3];
        while !c.is_empty() {
            let n = c.take_into(&mut buf);
            assert!(n > 0);
            got.extend_from_slice(&buf[..n]);
        }
        assert_eq!(got, b"abcdefg");
        assert_eq!(c.take_into(&mut buf), 0);
        c.set(b"xy".to_vec());
        let mut big = [0u8; 8];
        assert_eq!(c.take_into(&mut big), 2);
        assert_eq!(&big[..2], b"xy");
        assert!(c.is_empty());
    }
}
