//! The ChaCha20 block function, RFC 8439 §2.3, for the one 32-byte keystream block that
//! encrypts payment ids and payment metadata.
use zeroize::Zeroize;

const CONSTANTS: [u32; 4] = [0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574];

/// RFC 8439 §2.1: the quarter round on state words `a`, `b`, `c`, `d`.
fn quarter_round(s: &mut [u32; 16], a: usize, b: usize, c: usize, d: usize) {
    s[a] = s[a].wrapping_add(s[b]);
    s[d] = (s[d] ^ s[a]).rotate_left(16);
    s[c] = s[c].wrapping_add(s[d]);
    s[b] = (s[b] ^ s[c]).rotate_left(12);
    s[a] = s[a].wrapping_add(s[b]);
    s[d] = (s[d] ^ s[a]).rotate_left(8);
    s[c] = s[c].wrapping_add(s[d]);
    s[b] = (s[b] ^ s[c]).rotate_left(7);
}

fn le_words<const N: usize>(bytes: &[u8]) -> [u32; N] {
    let mut words = [0u32; N];
    for (w, chunk) in words.iter_mut().zip(bytes.chunks_exact(4)) {
        *w = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    words
}

/// The first 32 bytes of the ChaCha20 block for `key` whose state words 12–15 (32-bit block
/// counter, then 96-bit nonce) are the little-endian words of `counter_and_nonce`
/// (RFC 8439 §2.3, "The ChaCha20 Block Function").
pub(crate) fn block_prefix(key: &[u8; 32], counter_and_nonce: &[u8; 16]) -> [u8; 32] {
    let mut initial = [0u32; 16];
    initial[..4].copy_from_slice(&CONSTANTS);
    initial[4..12].copy_from_slice(&le_words::<8>(key));
    initial[12..].copy_from_slice(&le_words::<4>(counter_and_nonce));
    let mut s = initial;
    for _ in 0..10 {
        quarter_round(&mut s, 0, 4, 8, 12);
        quarter_round(&mut s, 1, 5, 9, 13);
        quarter_round(&mut s, 2, 6, 10, 14);
        quarter_round(&mut s, 3, 7, 11, 15);
        quarter_round(&mut s, 0, 5, 10, 15);
        quarter_round(&mut s, 1, 6, 11, 12);
        quarter_round(&mut s, 2, 7, 8, 13);
        quarter_round(&mut s, 3, 4, 9, 14);
    }
    let mut out = [0u8; 32];
    for (i, chunk) in out.chunks_exact_mut(4).enumerate() {
        chunk.copy_from_slice(&s[i].wrapping_add(initial[i]).to_le_bytes());
    }
    s.zeroize();
    initial.zeroize();
    out
}

#[cfg(test)]
mod tests {
    use super::block_prefix;

    /// RFC 8439 §2.3.2, "Test Vector for the ChaCha20 Block Function".
    #[test]
    fn rfc8439_block_test_vector() {
        let key: [u8; 32] = core::array::from_fn(|i| i as u8);
        let counter_and_nonce = [
            0x01, 0x00, 0x00, 0x00, // block count 1
            0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x4a, 0x00, 0x00, 0x00, 0x00,
        ];
        let expected = [
            0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20,
            0x71, 0xc4, 0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0, 0x68, 0x03, 0x04, 0x22, 0xaa, 0x9a,
            0xc3, 0xd4, 0x6c, 0x4e,
        ];
        assert_eq!(block_prefix(&key, &counter_and_nonce), expected);
    }
}
