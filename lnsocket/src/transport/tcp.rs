//! Any tokio `AsyncRead + AsyncWrite` (TCP in practice) as a [`ByteStream`].

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{ByteStream, TransportError};
use crate::addr::Host;

/// A tokio I/O object used as a byte stream. Adds no buffering of its own.
pub struct IoStream<S>(pub S);

#[async_trait::async_trait]
impl<S: AsyncRead + AsyncWrite + Unpin + Send> ByteStream for IoStream<S> {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, TransportError> {
        Ok(self.0.read(buf).await?)
    }

    async fn write(&mut self, data: &[u8]) -> Result<usize, TransportError> {
        Ok(self.0.write(data).await?)
    }

    async fn flush(&mut self) -> Result<(), TransportError> {
        Ok(self.0.flush().await?)
    }

    async fn close(&mut self) {
        let _ = self.0.shutdown().await;
    }
}

/// Open a TCP connection to `host:port` with `TCP_NODELAY` set (Lightning
/// messages are small and latency-sensitive).
pub async fn connect(host: &Host, port: u16) -> Result<IoStream<TcpStream>, TransportError> {
    let stream = match host {
        Host::Ip(ip) => TcpStream::connect((*ip, port)).await?,
        Host::Name(name) => TcpStream::connect((name.as_str(), port)).await?,
    };
    stream.set_nodelay(true)?;
    Ok(IoStream(stream))
}
