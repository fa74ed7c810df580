//! ChaCha20-Poly1305 (RFC 8439 §2.8, as BOLT #8 §"Encrypting and Sending
//! Messages" uses it) specialised for the 2-byte length header with empty
//! associated data. Output is identical to the general AEAD: checked against
//! `chacha20poly1305` on random inputs below and by every BOLT 8 vector.
//!
//! Why: every message pays for its header, and the general AEAD's fixed
//! cost dominates a 2-byte input. The vectorised ChaCha20 backend computes
//! four blocks per call, so the AEAD pays two such calls (Poly1305 key, then
//! one block of keystream); here one call yields both. The AVX2 Poly1305
//! backend precomputes powers of `r` for long inputs, which costs more than
//! the whole header; the header's Poly1305 input is exactly two 16-byte
//! blocks, so it is computed directly below (RFC 8439 §2.5) in 44/44/42-bit
//! limbs with 128-bit products, without secret-dependent branches.
//!
//! On wasm32 the header goes through the general AEAD instead ([`seal_general`],
//! [`open_general`]): there ChaCha20 has no vectorised backend and 128-bit products are
//! libcalls, so the specialisation gains little and would add its own Poly1305 to the npm
//! package beside the `poly1305` crate's (BENCHMARKS.md).

#[cfg(not(target_arch = "wasm32"))]
use chacha20::cipher::{KeyIvInit, StreamCipher};
#[cfg(not(target_arch = "wasm32"))]
use chacha20::ChaCha20;
#[cfg(any(target_arch = "wasm32", test))]
use chacha20poly1305::aead::{AeadInPlace, KeyInit};
#[cfg(any(target_arch = "wasm32", test))]
use chacha20poly1305::ChaCha20Poly1305;
#[cfg(not(target_arch = "wasm32"))]
use subtle::ConstantTimeEq;
#[cfg(not(target_arch = "wasm32"))]
use zeroize::{Zeroize, Zeroizing};

#[cfg(target_arch = "wasm32")]
pub(super) use open_general as open;
#[cfg(target_arch = "wasm32")]
pub(super) use seal_general as seal;

/// [`seal`] by the general AEAD (RFC 8439 §2.8, empty associated data).
#[cfg(any(target_arch = "wasm32", test))]
pub(super) fn seal_general(key: &[u8; 32], nonce: &[u8; 12], len: u16) -> [u8; 2 + TAG] {
    let mut out = [0u8; 2 + TAG];
    out[..2].copy_from_slice(&len.to_be_bytes());
    let (ct, tag_out) = out.split_at_mut(2);
    // Encryption fails only for inputs above 256 GiB; this one is 2 bytes.
    if let Ok(tag) =
        ChaCha20Poly1305::new(key.into()).encrypt_in_place_detached(nonce.into(), &[], ct)
    {
        tag_out.copy_from_slice(&tag);
    }
    out
}

/// [`open`] by the general AEAD (which compares the tag in constant time).
#[cfg(any(target_arch = "wasm32", test))]
pub(super) fn open_general(
    key: &[u8; 32],
    nonce: &[u8; 12],
    header: &[u8; 2 + TAG],
) -> Option<u16> {
    let mut ct = [header[0], header[1]];
    ChaCha20Poly1305::new(key.into())
        .decrypt_in_place_detached(nonce.into(), &[], &mut ct, header[2..].into())
        .ok()?;
    Some(u16::from_be_bytes(ct))
}

/// Tag length.
const TAG: usize = 16;

#[cfg(not(target_arch = "wasm32"))]
/// Keystream blocks 0..4 for `key` and the 96-bit `nonce`.
fn keystream(key: &[u8; 32], nonce: &[u8; 12]) -> Zeroizing<[u8; 256]> {
    let mut ks = Zeroizing::new([0u8; 256]);
    let mut c = ChaCha20::new(key.into(), nonce.into());
    c.apply_keystream(ks.as_mut());
    ks
}

#[cfg(not(target_arch = "wasm32"))]
const M44: u64 = (1 << 44) - 1;
#[cfg(not(target_arch = "wasm32"))]
const M42: u64 = (1 << 42) - 1;

#[cfg(not(target_arch = "wasm32"))]
fn le64(b: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(b);
    u64::from_le_bytes(a)
}

#[cfg(not(target_arch = "wasm32"))]
/// RFC 8439 §2.5 Poly1305 of `msg`, a sequence of full 16-byte blocks,
/// under the one-time key `key` (`r || s`).
fn poly1305_full_blocks(key: &[u8; 32], msg: &[u8; 32]) -> [u8; TAG] {
    // Clamp r (§2.5.1) and split it into 44/44/42-bit limbs.
    let t0 = le64(&key[0..8]) & 0x0fff_fffc_0fff_ffff;
    let t1 = le64(&key[8..16]) & 0x0fff_fffc_0fff_fffc;
    let r0 = t0 & M44;
    let r1 = ((t0 >> 44) | (t1 << 20)) & M44;
    let r2 = (t1 >> 24) & M42;
    // 2^132 = 4 * 2^130 = 4 * 5 (mod p): products that wrap past 2^130
    // are folded back multiplied by 20.
    let s1 = r1 * 20;
    let s2 = r2 * 20;
    let (mut h0, mut h1, mut h2) = (0u64, 0u64, 0u64);
    for block in msg.chunks_exact(16) {
        let m0 = le64(&block[0..8]);
        let m1 = le64(&block[8..16]);
        // Add the block with its 2^128 bit (bit 40 of the top limb).
        h0 += m0 & M44;
        h1 += ((m0 >> 44) | (m1 << 20)) & M44;
        h2 += ((m1 >> 24) & M42) | (1 << 40);
        // h *= r (mod 2^130 - 5).
        let d0 = u128::from(h0) * u128::from(r0)
            + u128::from(h1) * u128::from(s2)
            + u128::from(h2) * u128::from(s1);
        let mut d1 = u128::from(h0) * u128::from(r1)
            + u128::from(h1) * u128::from(r0)
            + u128::from(h2) * u128::from(s2);
        let mut d2 = u128::from(h0) * u128::from(r2)
            + u128::from(h1) * u128::from(r1)
            + u128::from(h2) * u128::from(r0);
        h0 = (d0 as u64) & M44;
        d1 += d0 >> 44;
        h1 = (d1 as u64) & M44;
        d2 += d1 >> 44;
        h2 = (d2 as u64) & M42;
        let c = (d2 >> 42) as u64;
        h0 += c * 5;
        h1 += h0 >> 44;
        h0 &= M44;
    }
    // Fully carry h.
    let mut c = h1 >> 44;
    h1 &= M44;
    h2 += c;
    c = h2 >> 42;
    h2 &= M42;
    h0 += c * 5;
    c = h0 >> 44;
    h0 &= M44;
    h1 += c;
    c = h1 >> 44;
    h1 &= M44;
    h2 += c;
    c = h2 >> 42;
    h2 &= M42;
    h0 += c * 5;
    c = h0 >> 44;
    h0 &= M44;
    h1 += c;
    // g = h + 5 - 2^130; use g if it did not go negative (h >= p).
    let mut g0 = h0 + 5;
    c = g0 >> 44;
    g0 &= M44;
    let mut g1 = h1 + c;
    c = g1 >> 44;
    g1 &= M44;
    let mut g2 = (h2 + c).wrapping_sub(1 << 42);
    let use_g = (g2 >> 63).wrapping_sub(1);
    g0 &= use_g;
    g1 &= use_g;
    g2 &= use_g;
    let use_h = !use_g;
    h0 = (h0 & use_h) | g0;
    h1 = (h1 & use_h) | g1;
    h2 = (h2 & use_h) | g2;
    // tag = (h + s) mod 2^128.
    let s0 = le64(&key[16..24]);
    let s1 = le64(&key[24..32]);
    h0 += s0 & M44;
    c = h0 >> 44;
    h0 &= M44;
    h1 += (((s0 >> 44) | (s1 << 20)) & M44) + c;
    c = h1 >> 44;
    h1 &= M44;
    h2 += ((s1 >> 24) & M42) + c;
    h2 &= M42;
    let lo = h0 | (h1 << 44);
    let hi = (h1 >> 20) | (h2 << 24);
    let mut tag = [0u8; TAG];
    tag[..8].copy_from_slice(&lo.to_le_bytes());
    tag[8..].copy_from_slice(&hi.to_le_bytes());
    tag
}

#[cfg(not(target_arch = "wasm32"))]
/// Poly1305 over `ct || pad16 || le64(0) || le64(2)` (RFC 8439 §2.8 with
/// empty AD and a 2-byte ciphertext), keyed by keystream block 0.
fn tag(ks: &[u8; 256], ct: [u8; 2]) -> [u8; TAG] {
    let mut mac_input = [0u8; 32];
    mac_input[..2].copy_from_slice(&ct);
    mac_input[24..].copy_from_slice(&2u64.to_le_bytes());
    let mut key = [0u8; 32];
    key.copy_from_slice(&ks[..32]);
    let t = poly1305_full_blocks(&key, &mac_input);
    key.zeroize();
    t
}

#[cfg(not(target_arch = "wasm32"))]
/// Encrypt the big-endian length; returns `ciphertext || tag`.
pub(super) fn seal(key: &[u8; 32], nonce: &[u8; 12], len: u16) -> [u8; 2 + TAG] {
    let ks = keystream(key, nonce);
    let plain = len.to_be_bytes();
    let ct = [plain[0] ^ ks[64], plain[1] ^ ks[65]];
    let mut out = [0u8; 2 + TAG];
    out[..2].copy_from_slice(&ct);
    out[2..].copy_from_slice(&tag(&ks, ct));
    out
}

#[cfg(not(target_arch = "wasm32"))]
/// Check and decrypt a length header; `None` if the tag is wrong.
pub(super) fn open(key: &[u8; 32], nonce: &[u8; 12], header: &[u8; 2 + TAG]) -> Option<u16> {
    let ks = keystream(key, nonce);
    let ct = [header[0], header[1]];
    let expected = tag(&ks, ct);
    if !bool::from(expected.ct_eq(&header[2..])) {
        return None;
    }
    Some(u16::from_be_bytes([ct[0] ^ ks[64], ct[1] ^ ks[65]]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chacha20poly1305::aead::{AeadInPlace, KeyInit};
    use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce, Tag};

    /// The two-block Poly1305 equals the `poly1305` crate's on random keys
    /// and messages, including keys with all clamp-surviving bits set.
    #[test]
    fn poly1305_matches_crate() {
        let mut seed = [0u8; 64];
        for i in 0..20_000u32 {
            if i % 2 == 0 {
                getrandom::getrandom(&mut seed).unwrap();
            } else {
                // Extreme values: all ones and near-p accumulators.
                seed = [0xff; 64];
                seed[(i as usize / 2) % 64] = (i >> 3) as u8;
            }
            let key: [u8; 32] = seed[..32].try_into().unwrap();
            let msg: [u8; 32] = seed[32..].try_into().unwrap();
            let want = poly1305::Poly1305::new((&key).into()).compute_unpadded(&msg);
            assert_eq!(poly1305_full_blocks(&key, &msg), want[..], "case {i}");
        }
    }

    /// Same bytes as the general AEAD (and as wasm32's `seal_general` / `open_general`),
    /// and tampering is detected by both.
    #[test]
    fn matches_general_aead() {
        for (i, len) in [0u16, 1, 5, 1024, 65535].into_iter().enumerate() {
            let key = [i as u8 * 37 + 1; 32];
            let nonce = [0, 0, 0, 0, i as u8, 0, 0, 0, 0, 0, 0, 9];
            let aead = ChaCha20Poly1305::new(Key::from_slice(&key));
            let mut buf = len.to_be_bytes();
            let t = aead
                .encrypt_in_place_detached(Nonce::from_slice(&nonce), &[], &mut buf)
                .unwrap();
            let sealed = seal(&key, &nonce, len);
            assert_eq!(sealed[..2], buf);
            assert_eq!(sealed[2..], t[..]);
            assert_eq!(open(&key, &nonce, &sealed), Some(len));
            // wasm32's path, the general AEAD, gives the same bytes.
            assert_eq!(seal_general(&key, &nonce, len), sealed);
            assert_eq!(open_general(&key, &nonce, &sealed), Some(len));
            let mut plain = buf;
            aead.decrypt_in_place_detached(
                Nonce::from_slice(&nonce),
                &[],
                &mut plain,
                Tag::from_slice(&sealed[2..]),
            )
            .unwrap();
            assert_eq!(u16::from_be_bytes(plain), len);
            for bit in [0usize, 9, 17 * 8 + 7] {
                let mut bad = sealed;
                bad[bit / 8] ^= 1 << (bit % 8);
                assert_eq!(open(&key, &nonce, &bad), None);
                assert_eq!(open_general(&key, &nonce, &bad), None);
            }
        }
    }
}
