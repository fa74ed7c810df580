//! BOLT 8 transport after a completed handshake: `SendCipher`, `RecvCipher` and the
//! incremental `framing::Decoder`, driven by a script of operations read from the input.
//!
//! - send: a message of a fuzzed length (0 to 65535) goes from A to B, delivered to B's
//!   decoder in fuzzed chunk sizes: B gets exactly that message.
//! - burst: up to 510 small messages, to cross key rotation (every 1000 nonces, i.e. 500
//!   messages) in both directions: each arrives intact, and the one-shot `decrypt` agrees.
//! - tamper: one byte of the next packet (length header, length MAC, body or body MAC) is
//!   flipped: the decoder refuses it with a typed error; the session then ends.
//! - garbage: bytes fed to a fresh receiver are refused or held, never a panic, and the
//!   decoder never buffers more than one maximal message.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lnsocket::framing::Decoder;
use lnsocket::noise::{Transport, LENGTH_HEADER_LEN, MAC_LEN, MAX_MESSAGE_LEN};

fn pair() -> (Transport, Transport) {
    let ck = [7u8; 32];
    let (a, b) = ([1u8; 32], [2u8; 32]);
    (
        Transport::from_keys(&ck, &a, &b),
        Transport::from_keys(&ck, &b, &a),
    )
}

struct Script<'a>(&'a [u8]);

impl Script<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(*b)
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_be_bytes([self.byte()?, self.byte()?]))
    }
}

/// Feeds `stream` to `dec` in chunks of `chunk` bytes; returns the messages completed.
fn deliver(
    dec: &mut Decoder,
    recv: &mut lnsocket::noise::RecvCipher,
    stream: &[u8],
    chunk: usize,
) -> Result<Vec<Vec<u8>>, lnsocket::noise::NoiseError> {
    let mut got = Vec::new();
    for piece in stream.chunks(chunk.max(1)) {
        let mut input = piece;
        while let Some(m) = dec.feed(&mut input, recv)? {
            got.push(m);
        }
        assert!(input.is_empty());
        assert!(dec.buffered_capacity() <= MAX_MESSAGE_LEN + MAC_LEN);
    }
    Ok(got)
}

fuzz_target!(|data: &[u8]| {
    let (mut a, mut b) = pair();
    let mut dec = Decoder::new();
    let mut s = Script(data);
    while let Some(op) = s.byte() {
        match op % 4 {
            0 => {
                let Some(len) = s.u16() else { return };
                let chunk = usize::from(s.byte().unwrap_or(1)) * 61 + 1;
                let msg: Vec<u8> = (0..usize::from(len)).map(|i| (i * 31) as u8).collect();
                let packet = a.send.encrypt(&msg).expect("fits");
                assert_eq!(packet.len(), LENGTH_HEADER_LEN + msg.len() + MAC_LEN);
                let got = deliver(&mut dec, &mut b.recv, &packet, chunk).expect("honest packet");
                assert_eq!(got, vec![msg]);
                assert!(dec.is_idle());
            }
            1 => {
                // Up to 510 messages: a rotation every 500 (two nonces each).
                let count = usize::from(s.byte().unwrap_or(0)) * 2;
                for i in 0..count {
                    let msg = [i as u8; 3];
                    let packet = a.send.encrypt(&msg).expect("fits");
                    // The one-shot path on the other direction stays in step too.
                    let back = b.send.encrypt(&msg).expect("fits");
                    assert_eq!(a.recv.decrypt(&back).expect("honest"), msg);
                    let got = deliver(&mut dec, &mut b.recv, &packet, 64).expect("honest");
                    assert_eq!(got, vec![msg.to_vec()]);
                }
            }
            2 => {
                let Some(len) = s.u16() else { return };
                let at = usize::from(s.u16().unwrap_or(0));
                let bit = 1u8 << (s.byte().unwrap_or(0) % 8);
                let msg = vec![0x5a; usize::from(len) % 2048];
                let mut packet = a.send.encrypt(&msg).expect("fits");
                let at = at % packet.len();
                packet[at] ^= bit;
                let got = deliver(&mut dec, &mut b.recv, &packet, packet.len());
                assert!(got.is_err(), "tampered byte {at} accepted");
                // The session is unusable after a MAC failure (BOLT 8: MUST fail).
                return;
            }
            _ => {
                let n = usize::from(s.byte().unwrap_or(0));
                let garbage = &s.0[..n.min(s.0.len())];
                let (_, mut fresh) = pair();
                let mut fresh_dec = Decoder::new();
                let _ = deliver(&mut fresh_dec, &mut fresh.recv, garbage, 5);
                let _ = fresh.recv.decrypt(garbage);
                s.0 = &s.0[garbage.len()..];
            }
        }
    }
});
