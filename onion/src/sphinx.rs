//! Sphinx packets (BOLT 4 §"Packet Construction", §"Filler Generation", §"Onion Decryption"),
//! for any `hop_payloads` size: 1300 bytes for payment onions, 1300 or 32768 for onion
//! message packets (§"Onion Messages"), whose per-hop payloads are variable-length.
//!
//! A packet is `version` (0) || `public_key` (33) || `hop_payloads` || `hmac` (32); each hop's
//! part of `hop_payloads` is `bigsize(length)` || `payload` || `hmac`.
use secp256k1::{PublicKey, SecretKey};
use subtle::ConstantTimeEq;

use crate::crypto::{blinding_factor, ecdh, hmac256, mul_pub, mul_secret, xor_stream, Secret32};
use crate::error::SphinxError;

/// Bytes of a packet besides `hop_payloads`: version, public key, HMAC.
pub const OVERHEAD: usize = 1 + 33 + 32;

/// `bigsize` encoding length of `n`.
fn bigsize_len(n: usize) -> usize {
    wire::bigsize_len(n as u64)
}

/// `shift_size` of a hop: the bigsize length, the payload and its HMAC.
fn shift_size(payload: &[u8]) -> usize {
    bigsize_len(payload.len()) + payload.len() + 32
}

/// Builds a packet carrying `payloads[i]` to `hops[i]` (each already the key the hop
/// decrypts with: its node id, or its blinded node id), with `hop_payloads` of
/// `payloads_len` bytes, committing to `associated_data` (empty for onion messages).
///
/// `session_key` is `ek_1`; the starting `hop_payloads` are the ChaCha20 stream keyed by
/// `HMAC256("pad", session_key)`, as §"Packet Construction" describes.
pub fn construct(
    session_key: &SecretKey,
    hops: &[PublicKey],
    payloads: &[Vec<u8>],
    payloads_len: usize,
    associated_data: &[u8],
) -> Result<Vec<u8>, SphinxError> {
    if hops.is_empty() {
        return Err(SphinxError::NoHops);
    }
    if hops.len() != payloads.len() {
        return Err(SphinxError::HopPayloadMismatch {
            hops: hops.len(),
            payloads: payloads.len(),
        });
    }
    let needed: usize = payloads.iter().map(|p| shift_size(p)).sum();
    if needed > payloads_len {
        return Err(SphinxError::PayloadsTooLong {
            needed,
            room: payloads_len,
        });
    }
    // Shared secrets along the ephemeral key chain (§"Packet Construction").
    let mut secrets: Vec<Secret32> = Vec::with_capacity(hops.len());
    let mut ek = *session_key;
    // The packet's public key is the first ephemeral key: computed once, here.
    let mut first_epk = None;
    for (i, hop) in hops.iter().enumerate() {
        let epk = curve::public_key(&ek);
        first_epk.get_or_insert(epk);
        let ss = ecdh(hop, &ek);
        // The last hop's next key is never used.
        if i + 1 < hops.len() {
            let next = mul_secret(&ek, &blinding_factor(&epk, &ss));
            ek.non_secure_erase();
            ek = next.ok_or(SphinxError::InvalidTweak)?;
        }
        secrets.push(ss);
    }
    ek.non_secure_erase();
    let first_epk = first_epk.ok_or(SphinxError::NoHops)?;
    // `rho` of each hop, used by the filler and the layers.
    let rhos: Vec<Secret32> = secrets.iter().map(|ss| hmac256(b"rho", &ss.0)).collect();

    // §"Filler Generation", with each hop's own shift size.
    let mut filler: Vec<u8> = Vec::new();
    for (rho, payload) in rhos.iter().zip(payloads).take(hops.len() - 1) {
        let shift = shift_size(payload);
        let start = payloads_len - filler.len();
        filler.resize(filler.len() + shift, 0);
        let mut stream = vec![0u8; payloads_len + shift];
        xor_stream(rho, &mut stream);
        for (f, s) in filler.iter_mut().zip(&stream[start..]) {
            *f ^= s;
        }
    }

    let mut mix = vec![0u8; payloads_len];
    xor_stream(&hmac256(b"pad", &session_key.secret_bytes()), &mut mix);
    let mut hmac = [0u8; 32];
    for (i, ((ss, rho), payload)) in secrets.iter().zip(&rhos).zip(payloads).enumerate().rev() {
        let shift = shift_size(payload);
        mix.copy_within(0..payloads_len - shift, shift);
        let mut head = Vec::with_capacity(shift);
        wire::write_bigsize(&mut head, payload.len() as u64);
        head.extend_from_slice(payload);
        head.extend_from_slice(&hmac);
        mix[..shift].copy_from_slice(&head);
        xor_stream(rho, &mut mix);
        if i == hops.len() - 1 {
            let at = payloads_len - filler.len();
            mix[at..].copy_from_slice(&filler);
        }
        let mu = hmac256(b"mu", &ss.0);
        let mut data = mix.clone();
        data.extend_from_slice(associated_data);
        hmac = *hmac256(&mu.0, &data).as_bytes();
    }
    let mut packet = Vec::with_capacity(OVERHEAD + payloads_len);
    packet.push(0);
    packet.extend_from_slice(&first_epk.serialize());
    packet.extend_from_slice(&mix);
    packet.extend_from_slice(&hmac);
    Ok(packet)
}

/// What peeling one layer gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Peeled {
    /// A payload for us and the packet for the next hop.
    Forward {
        /// Our payload (without its length).
        payload: Vec<u8>,
        /// The packet to forward, the same size as the one received.
        next_packet: Vec<u8>,
    },
    /// We are the final hop (the next HMAC is all zero).
    Final {
        /// Our payload (without its length).
        payload: Vec<u8>,
    },
}

/// Peels one layer of `packet` with `node_secret` (already tweaked by the blinding factor
/// for a blinded hop), checking its HMAC over `hop_payloads || associated_data` in constant
/// time (§"Onion Decryption"). A payload length of 0 is accepted (onion messages allow an
/// empty payload); payment readers must themselves refuse lengths below 2.
pub fn peel(
    node_secret: &SecretKey,
    packet: &[u8],
    associated_data: &[u8],
) -> Result<Peeled, SphinxError> {
    if packet.len() < OVERHEAD {
        return Err(SphinxError::PacketTooShort { len: packet.len() });
    }
    let payloads_len = packet.len() - OVERHEAD;
    if packet[0] != 0 {
        return Err(SphinxError::UnknownVersion(packet[0]));
    }
    let public_key =
        PublicKey::from_slice(&packet[1..34]).map_err(|_| SphinxError::InvalidOnionKey)?;
    let hop_payloads = &packet[34..34 + payloads_len];
    let hmac = &packet[34 + payloads_len..];

    let ss = ecdh(&public_key, node_secret);
    let mut data = hop_payloads.to_vec();
    data.extend_from_slice(associated_data);
    let expected = hmac256(&hmac256(b"mu", &ss.0).0, &data);
    if !bool::from(expected.as_bytes().ct_eq(hmac)) {
        return Err(SphinxError::BadHmac);
    }

    let mut unwrapped = vec![0u8; 2 * payloads_len];
    unwrapped[..payloads_len].copy_from_slice(hop_payloads);
    xor_stream(&hmac256(b"rho", &ss.0), &mut unwrapped);
    let mut r = wire::Reader::new(&unwrapped[..payloads_len]);
    let len = r
        .bigsize("payload length")
        .map_err(|_| SphinxError::BadPayloadLength)?;
    let prefix = payloads_len - r.remaining();
    // The payload and next HMAC must lie within the incoming `hop_payloads`.
    if len > (r.remaining() as u64).saturating_sub(32) || r.remaining() < 32 {
        return Err(SphinxError::BadPayloadLength);
    }
    let len = len as usize;
    let payload = unwrapped[prefix..prefix + len].to_vec();
    let next_hmac = &unwrapped[prefix + len..prefix + len + 32];
    if next_hmac.iter().all(|&b| b == 0) {
        return Ok(Peeled::Final { payload });
    }
    let shift = prefix + len + 32;
    let next_key = mul_pub(&public_key, &blinding_factor(&public_key, &ss))
        .ok_or(SphinxError::InvalidTweak)?;
    let mut next_packet = Vec::with_capacity(packet.len());
    next_packet.push(0);
    next_packet.extend_from_slice(&next_key.serialize());
    next_packet.extend_from_slice(&unwrapped[shift..shift + payloads_len]);
    next_packet.extend_from_slice(next_hmac);
    Ok(Peeled::Forward {
        payload,
        next_packet,
    })
}
