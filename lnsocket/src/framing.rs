//! Incremental decoder for BOLT 8 encrypted messages.
//!
//! Implements the reading side of BOLT #8 §"Receiving and Decrypting
//! Messages": read exactly 18 bytes of encrypted length header, decrypt it,
//! then read exactly `l + 16` bytes of body and decrypt that. Input may
//! arrive in chunks of any size (TCP reads, WebSocket frames): a chunk
//! boundary need not coincide with a message boundary.
//!
//! The decoder never holds more than one message: at most 18 header bytes,
//! or one body of at most 65535 + 16 bytes whose length has already been
//! authenticated by the header MAC, so no allocation is made from an
//! unauthenticated length.

use crate::noise::{NoiseError, RecvCipher, LENGTH_HEADER_LEN, MAC_LEN};

#[derive(Debug)]
enum State {
    /// Collecting the encrypted length header.
    Header {
        buf: [u8; LENGTH_HEADER_LEN],
        filled: usize,
    },
    /// Collecting the encrypted body and its MAC; `buf.len()` is `l + 16`.
    Body { buf: Vec<u8>, filled: usize },
}

/// Reassembles and decrypts messages from a byte stream.
#[derive(Debug)]
pub struct Decoder {
    state: State,
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder {
    /// A decoder waiting for a length header.
    pub fn new() -> Self {
        Self {
            state: State::Header {
                buf: [0; LENGTH_HEADER_LEN],
                filled: 0,
            },
        }
    }

    /// The unfilled part of the current header or body. Read at most this
    /// many bytes from the stream into it, then call [`Decoder::advance`].
    /// Never empty.
    pub fn wanted(&mut self) -> &mut [u8] {
        match &mut self.state {
            State::Header { buf, filled } => buf.get_mut(*filled..).unwrap_or_default(),
            State::Body { buf, filled } => buf.get_mut(*filled..).unwrap_or_default(),
        }
    }

    /// Whether the decoder is between messages (no partial message held).
    pub fn is_idle(&self) -> bool {
        matches!(self.state, State::Header { filled: 0, .. })
    }

    /// Bytes currently buffered or reserved for the message in progress.
    pub fn buffered_capacity(&self) -> usize {
        match &self.state {
            State::Header { buf, .. } => buf.len(),
            State::Body { buf, .. } => buf.capacity(),
        }
    }

    /// Record that `n` bytes were written to the front of
    /// [`Decoder::wanted`]. Returns the plaintext once a message completes.
    pub fn advance(
        &mut self,
        n: usize,
        cipher: &mut RecvCipher,
    ) -> Result<Option<Vec<u8>>, NoiseError> {
        match &mut self.state {
            State::Header { buf, filled } => {
                *filled = (*filled + n).min(LENGTH_HEADER_LEN);
                if *filled < LENGTH_HEADER_LEN {
                    return Ok(None);
                }
                let len = usize::from(cipher.decrypt_length(buf)?);
                self.state = State::Body {
                    buf: vec![0; len + MAC_LEN],
                    filled: 0,
                };
                Ok(None)
            }
            State::Body { buf, filled } => {
                *filled = (*filled + n).min(buf.len());
                if *filled < buf.len() {
                    return Ok(None);
                }
                let mut body = std::mem::take(buf);
                self.state = State::Header {
                    buf: [0; LENGTH_HEADER_LEN],
                    filled: 0,
                };
                cipher.decrypt_body_in_place(&mut body)?;
                Ok(Some(body))
            }
        }
    }

    /// Consume bytes from the front of `input` until one message completes
    /// or `input` is exhausted. Call again with the remaining input to get
    /// further messages.
    pub fn feed(
        &mut self,
        input: &mut &[u8],
        cipher: &mut RecvCipher,
    ) -> Result<Option<Vec<u8>>, NoiseError> {
        while !input.is_empty() {
            let want = self.wanted();
            let n = want.len().min(input.len());
            let (head, tail) = input.split_at(n);
            want[..n].copy_from_slice(head);
            *input = tail;
            if let Some(msg) = self.advance(n, cipher)? {
                return Ok(Some(msg));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::noise::Transport;

    fn pair() -> (Transport, Transport) {
        let ck = [7u8; 32];
        let a = [1u8; 32];
        let b = [2u8; 32];
        (
            Transport::from_keys(&ck, &a, &b),
            Transport::from_keys(&ck, &b, &a),
        )
    }

    fn messages() -> Vec<Vec<u8>> {
        [0usize, 1, 5, 1024, 65535, 3]
            .iter()
            .map(|&n| (0..n).map(|i| (i * 31 + n) as u8).collect())
            .collect()
    }

    /// Any chunking of the byte stream yields the same messages.
    #[test]
    fn arbitrary_chunk_sizes() {
        for chunk in [1usize, 2, 17, 18, 19, 33, 1000, 70000, usize::MAX] {
            let (mut a, mut b) = pair();
            let msgs = messages();
            let mut stream = Vec::new();
            for m in &msgs {
                a.send.encrypt_into(m, &mut stream).unwrap();
            }
            let mut dec = Decoder::new();
            let mut got = Vec::new();
            for piece in stream.chunks(chunk.min(stream.len())) {
                let mut input = piece;
                while let Some(m) = dec.feed(&mut input, &mut b.recv).unwrap() {
                    got.push(m);
                }
                assert!(input.is_empty());
            }
            assert_eq!(got, msgs, "chunk size {chunk}");
            assert!(dec.is_idle());
        }
    }

    #[test]
    fn buffering_is_bounded_by_one_message() {
        let (mut a, mut b) = pair();
        let big = vec![0xabu8; 65535];
        let stream = a.send.encrypt(&big).unwrap();
        let mut dec = Decoder::new();
        let mut max = 0;
        for piece in stream.chunks(4096) {
            let mut input = piece;
            let _ = dec.feed(&mut input, &mut b.recv).unwrap();
            max = max.max(dec.buffered_capacity());
        }
        assert_eq!(max, 65535 + MAC_LEN);
    }

    #[test]
    fn garbage_is_a_typed_error() {
        let (_, mut b) = pair();
        let mut dec = Decoder::new();
        let garbage = [0x55u8; 40];
        let mut input = &garbage[..];
        assert_eq!(
            dec.feed(&mut input, &mut b.recv).err(),
            Some(NoiseError::BadLengthTag)
        );
    }
}
