//! SHA-256 with an externally settable state, as the runes authcode needs.
//!
//! Implements the "Rune Authorization" section of the runes README
//! (rustyrussell/runes, vendored by Core Lightning as `ccan/rune`): the
//! authcode is the SHA-256 state after the secret and after every
//! restriction, each followed by the standard SHA-256 end marker (0x80,
//! zeroes, 64-bit big-endian bit count) so that the stream is always
//! block-aligned. Because of that alignment, the 32-byte authcode *is* the
//! complete compression state, and anyone can resume from it (length
//! extension) knowing only the number of bytes hashed so far.

use sha2::digest::generic_array::{typenum::U64, GenericArray};

/// SHA-256 initial hash value (FIPS 180-4 §5.3.3).
const IV: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// SHA-256 block size in bytes.
pub(crate) const BLOCK: u64 = 64;

/// Largest secret that fits in the first block together with its end
/// marker (1 + 8 bytes), as `rune_new` asserts.
pub const MAX_SECRET_LEN: usize = 55;

/// The block-aligned SHA-256 state of a rune.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Midstate {
    state: [u32; 8],
    /// Bytes hashed so far; always a multiple of 64.
    bytes: u64,
}

impl Midstate {
    /// State after hashing `secret` and its end marker. `secret` must be at
    /// most [`MAX_SECRET_LEN`] bytes (checked by the caller).
    pub(crate) fn from_secret(secret: &[u8]) -> Self {
        let mut m = Midstate {
            state: IV,
            bytes: 0,
        };
        m.append(secret);
        m
    }

    /// Resume from a published authcode, knowing `bytes` already hashed.
    pub(crate) fn resume(authcode: &[u8; 32], bytes: u64) -> Self {
        let mut state = [0u32; 8];
        for (word, chunk) in state.iter_mut().zip(authcode.chunks_exact(4)) {
            let mut b = [0u8; 4];
            b.copy_from_slice(chunk);
            *word = u32::from_be_bytes(b);
        }
        Midstate { state, bytes }
    }

    /// The 32-byte authcode (state words, big-endian).
    pub(crate) fn authcode(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (chunk, word) in out.chunks_exact_mut(4).zip(self.state.iter()) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        out
    }

    /// Append `data` followed by the SHA-256 end marker
    /// (`rune_sha256_add_restr` / `rune_sha256_endmarker`), one block at a time in a
    /// buffer on the stack, wiped afterwards (`data` may be the secret).
    pub(crate) fn append(&mut self, data: &[u8]) {
        let padded = padded_len(data.len());
        let total_bits = (self.bytes + data.len() as u64)
            .wrapping_mul(8)
            .to_be_bytes();
        let mut block = GenericArray::<u8, U64>::default();
        for start in (0..padded).step_by(BLOCK as usize) {
            for (i, b) in block.iter_mut().enumerate() {
                let at = start + i;
                *b = match data.get(at) {
                    Some(d) => *d,
                    None if at == data.len() => 0x80,
                    None if at >= padded - 8 => total_bits[at - (padded - 8)],
                    None => 0,
                };
            }
            sha2::compress256(&mut self.state, core::slice::from_ref(&block));
        }
        zeroize::Zeroize::zeroize(block.as_mut_slice());
        self.bytes += padded as u64;
    }
}

impl Drop for Midstate {
    /// The state after the secret is as powerful as the secret: wipe it.
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.state);
    }
}

/// Length of `len` bytes plus end marker, rounded up to whole blocks.
pub(crate) fn padded_len(len: usize) -> usize {
    (len + 1 + 8).div_ceil(BLOCK as usize) * BLOCK as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn single_append_equals_plain_sha256() {
        // Hashing data + end marker once is exactly SHA-256(data).
        for len in [0usize, 1, 55, 56, 63, 64, 65, 200] {
            let data: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let m = Midstate::from_secret(&data);
            let want: [u8; 32] = Sha256::digest(&data).into();
            assert_eq!(m.authcode(), want, "len {len}");
            assert_eq!(m.bytes, padded_len(len) as u64);
        }
    }

    #[test]
    fn resume_round_trips() {
        let mut a = Midstate::from_secret(&[7u8; 16]);
        a.append(b"f1=v1");
        let mut b = Midstate::resume(&a.authcode(), a.bytes);
        assert_eq!(a, b);
        a.append(b"x");
        b.append(b"x");
        assert_eq!(a.authcode(), b.authcode());
    }
}
