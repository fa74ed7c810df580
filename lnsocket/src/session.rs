//! A BOLT 8 encrypted session over a
//! [`ByteStream`](crate::transport::ByteStream): the handshake with a
//! timeout, then whole-message send and receive.
//!
//! Implements BOLT #8 §"Authenticated Key Exchange Handshake Specification"
//! on the wire (acts are read with exact sizes: a stream that ends inside an
//! act is the spec's `ACT*_READ_FAILED`) and §"Lightning Message
//! Specification". Any failure closes the stream; nothing that failed
//! authentication is ever returned.
//!
//! Buffering: the sender reuses one buffer of at most one encrypted message
//! (65535 + 34 bytes); the receiver's [`Decoder`] holds at most one message.
//!
//! Full duplex: [`NoiseStream::poll_write`] and [`NoiseStream::poll_recv`]
//! move bytes in one direction each and may be polled in turn by one task
//! (as [`crate::connection::Connection`] does, so that it keeps reading while
//! a send waits for the transport). Each poll creates the transport's read or
//! write future afresh and drops it if it is pending, which the
//! [`ByteStream`](crate::transport::ByteStream) contract allows.

use std::future::poll_fn;
use std::task::{Context, Poll};
use std::time::Duration;

use secp256k1::PublicKey;

use crate::error::Error;
use crate::framing::Decoder;
use crate::noise::{
    Act, Initiator, NoiseError, PrivateKey, RecvCipher, Responder, SendCipher, ACT_ONE_LEN,
    ACT_THREE_LEN, ACT_TWO_LEN,
};
use crate::rt;
use crate::transport::{BoxStream, TransportError};

/// An established BOLT 8 session.
pub struct NoiseStream {
    io: BoxStream,
    send: SendCipher,
    recv: RecvCipher,
    decoder: Decoder,
    /// The encrypted message being written, and how much of it has been.
    out: Vec<u8>,
    out_pos: usize,
    remote: PublicKey,
    closed: bool,
}

/// Write all of `data` and flush (handshake acts: a cancelled handshake is
/// abandoned as a whole, so partial progress need not be tracked).
async fn write_all(io: &mut BoxStream, mut data: &[u8]) -> Result<(), Error> {
    while !data.is_empty() {
        let n = io.write(data).await?;
        if n == 0 {
            return Err(TransportError::Closed.into());
        }
        data = data.get(n..).unwrap_or_default();
    }
    io.flush().await?;
    Ok(())
}

async fn read_act(io: &mut BoxStream, act: Act, buf: &mut [u8]) -> Result<(), Error> {
    let mut got = 0;
    while got < buf.len() {
        let n = io.read(buf.get_mut(got..).unwrap_or_default()).await?;
        if n == 0 {
            return Err(NoiseError::ActWrongLength {
                act,
                expected: buf.len(),
                got,
            }
            .into());
        }
        got += n;
    }
    Ok(())
}

impl NoiseStream {
    /// Run the initiator side of the handshake (BOLT #8 acts one to three)
    /// to the node `remote`, authenticating as `local`. The whole handshake
    /// must finish within `timeout`. On failure the stream is closed.
    pub async fn initiate(
        mut io: BoxStream,
        local: PrivateKey,
        remote: PublicKey,
        timeout: Duration,
    ) -> Result<Self, Error> {
        let init = Initiator::new(local, remote).map_err(Error::Random)?;
        let res = rt::timeout(timeout, async {
            let (state, act1) = init.act_one();
            let mut act2 = [0u8; ACT_TWO_LEN];
            let sent = write_all(&mut io, &act1).await;
            let read = match sent {
                Ok(()) => read_act(&mut io, Act::Two, &mut act2).await,
                Err(e) => Err(e),
            };
            match read {
                // A responder that cannot decrypt act one (it was made for
                // another static key), or will not serve us (its connection
                // limit), hangs up without a word: a clean close, or a reset
                // when it closed before reading what we sent.
                Err(Error::Noise(NoiseError::ActWrongLength { got: 0, .. })) => {
                    return Err(Error::HandshakeRejected)
                }
                Err(Error::Transport(TransportError::Io(e)))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::BrokenPipe
                    ) =>
                {
                    return Err(Error::HandshakeRejected)
                }
                other => other?,
            }
            let (act3, t) = state.read_act_two(&act2)?;
            write_all(&mut io, &act3).await?;
            Ok::<_, Error>(t)
        })
        .await
        .unwrap_or(Err(Error::HandshakeTimeout(timeout)));
        match res {
            Ok(t) => Ok(Self::new(io, t, remote)),
            Err(e) => {
                io.close().await;
                Err(e)
            }
        }
    }

    /// Run the responder side of the handshake as the node `local`; learns
    /// the initiator's static key. On failure the stream is closed.
    pub async fn respond(
        mut io: BoxStream,
        local: PrivateKey,
        timeout: Duration,
    ) -> Result<Self, Error> {
        let resp = Responder::new(local).map_err(Error::Random)?;
        let res = rt::timeout(timeout, async {
            let mut act1 = [0u8; ACT_ONE_LEN];
            read_act(&mut io, Act::One, &mut act1).await?;
            let (state, act2) = resp.read_act_one(&act1)?;
            write_all(&mut io, &act2).await?;
            let mut act3 = [0u8; ACT_THREE_LEN];
            read_act(&mut io, Act::Three, &mut act3).await?;
            Ok::<_, Error>(state.read_act_three(&act3)?)
        })
        .await
        .unwrap_or(Err(Error::HandshakeTimeout(timeout)));
        match res {
            Ok((remote, t)) => Ok(Self::new(io, t, remote)),
            Err(e) => {
                io.close().await;
                Err(e)
            }
        }
    }

    fn new(io: BoxStream, t: crate::noise::Transport, remote: PublicKey) -> Self {
        Self {
            io,
            send: t.send,
            recv: t.recv,
            decoder: Decoder::new(),
            out: Vec::new(),
            out_pos: 0,
            remote,
            closed: false,
        }
    }

    /// The peer's static public key (its node id).
    pub fn remote_node_id(&self) -> PublicKey {
        self.remote
    }

    /// Whether the session was closed (by an error or [`NoiseStream::close`]).
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Bytes this session holds for buffering right now: the send buffer's
    /// capacity plus the receive decoder's.
    pub fn buffered_capacity(&self) -> usize {
        self.out.capacity() + self.decoder.buffered_capacity()
    }

    /// Close the stream after the error `e` and return it.
    pub(crate) async fn fail(&mut self, e: Error) -> Error {
        self.closed = true;
        self.io.close().await;
        e
    }

    /// Whether an encrypted message is waiting to be written (or flushed).
    pub fn has_pending_write(&self) -> bool {
        !self.out.is_empty()
    }

    /// Encrypt `msg` into the send buffer (BOLT #8 §"Encrypting and Sending
    /// Messages") for [`NoiseStream::poll_write`] to write. Called only when
    /// [`NoiseStream::has_pending_write`] is false, so the buffer holds one
    /// message at most. Does not close on error.
    pub(crate) fn queue(&mut self, msg: &[u8]) -> Result<(), Error> {
        if msg.len() > crate::noise::MAX_MESSAGE_LEN {
            return Err(NoiseError::MessageTooLong(msg.len()).into());
        }
        self.send.encrypt_into(msg, &mut self.out)?;
        Ok(())
    }

    /// Write what the send buffer holds, then flush. `Ready(Ok)` once it is
    /// all out (at once if nothing is pending). Does not close on error.
    pub fn poll_write(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        while let Some(rest) = self.out.get(self.out_pos..).filter(|r| !r.is_empty()) {
            match self.io.write(rest).as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(TransportError::Closed.into())),
                Poll::Ready(Ok(n)) => self.out_pos += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e.into())),
            }
        }
        if self.out_pos > 0 {
            match self.io.flush().as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e.into())),
                Poll::Ready(Ok(())) => {}
            }
            self.out.clear();
            self.out_pos = 0;
        }
        Poll::Ready(Ok(()))
    }

    /// Read until one message is complete and return it decrypted (BOLT #8
    /// §"Receiving and Decrypting Messages"). Bytes read stay in the decoder
    /// when this returns `Pending`. Does not close on error.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Result<Vec<u8>, Error>> {
        loop {
            let read = self.io.read(self.decoder.wanted()).as_mut().poll(cx);
            let n = match read {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(0)) if self.decoder.is_idle() => {
                    return Poll::Ready(Err(Error::PeerClosed))
                }
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(Error::TruncatedMessage)),
                Poll::Ready(Ok(n)) => n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e.into())),
            };
            match self.decoder.advance(n, &mut self.recv) {
                Ok(Some(msg)) => return Poll::Ready(Ok(msg)),
                Ok(None) => {}
                Err(e) => return Poll::Ready(Err(e.into())),
            }
        }
    }

    /// Finish writing the message in `out`, if any, then flush.
    async fn flush_pending(&mut self) -> Result<(), Error> {
        match poll_fn(|cx| self.poll_write(cx)).await {
            Ok(()) => Ok(()),
            Err(e) => Err(self.fail(e).await),
        }
    }

    /// Encrypt and send one message (BOLT #8 §"Encrypting and Sending
    /// Messages"). A message over 65535 bytes is refused without closing.
    /// Does not read meanwhile (a [`crate::connection::Connection`] does).
    ///
    /// Cancel-safe: once the message is encrypted it is kept until written,
    /// so if this future is dropped the message still goes out, in order,
    /// at the start of the next `send` or during the next `recv`.
    pub async fn send(&mut self, msg: &[u8]) -> Result<(), Error> {
        if self.closed {
            return Err(Error::Closed);
        }
        if msg.len() > crate::noise::MAX_MESSAGE_LEN {
            return Err(NoiseError::MessageTooLong(msg.len()).into());
        }
        self.flush_pending().await?;
        if let Err(e) = self.queue(msg) {
            return Err(self.fail(e).await);
        }
        self.flush_pending().await
    }

    /// Receive and decrypt one message (BOLT #8 §"Receiving and Decrypting
    /// Messages"). Cancel-safe: dropping the future loses no bytes. A
    /// message whose `send` was cancelled is written meanwhile.
    pub async fn recv(&mut self) -> Result<Vec<u8>, Error> {
        if self.closed {
            return Err(Error::Closed);
        }
        let got = poll_fn(|cx| {
            if let Poll::Ready(Err(e)) = self.poll_write(cx) {
                return Poll::Ready(Err(e));
            }
            self.poll_recv(cx)
        })
        .await;
        match got {
            Ok(msg) => Ok(msg),
            Err(e) => Err(self.fail(e).await),
        }
    }

    /// Close the session.
    pub async fn close(&mut self) {
        if !self.closed {
            self.closed = true;
            self.io.close().await;
        }
    }
}
