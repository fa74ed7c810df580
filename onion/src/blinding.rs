//! Route blinding (BOLT 4 §"Route Blinding"): the creator of a blinded path derives, from a
//! session key `e_0`, a chain of path keys `E_i`, shared secrets `ss_i` with each node,
//! blinded node ids `B_i` and the encrypted `encrypted_data_tlv` of each hop; a node on the
//! path recovers `ss_i` from its node secret and `E_i`, decrypts its data and computes the
//! next path key. The same code serves onion messages and payments (`payment_relay`,
//! `payment_constraints`, `allowed_features` are `encrypted_data_tlv` fields like any other).
use bolt12::tlv::{BlindedPath, BlindedPathHop};
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::ChaCha20Poly1305;
use secp256k1::{PublicKey, SecretKey};
use wire::{Point, SciddirOrPubkey};
use zeroize::Zeroize;

use crate::crypto::{blinding_factor, ecdh, hmac256, mul_pub, mul_secret, Secret32};
use crate::error::BlindingError;
use crate::tlv::EncryptedDataTlv;

/// One hop of a blinded path to create: the node's real id and its `encrypted_data_tlv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlindHop {
    /// `N_i`, the node's id.
    pub node_id: PublicKey,
    /// The `encrypted_data_tlv` for it, in the clear.
    pub data: EncryptedDataTlv,
}

/// What the creator derives for hop `i` (§"Route Blinding", writer requirements).
#[derive(Debug, Clone)]
pub struct HopKeys {
    /// `E_i`, the path key the hop receives.
    pub path_key: PublicKey,
    /// `ss_i = SHA256(e_i * N_i)`.
    pub shared_secret: Secret32,
    /// `rho_i = HMAC256("rho", ss_i)`, the ChaCha20-Poly1305 key of its data.
    pub rho: Secret32,
    /// `B_i = HMAC256("blinded_node_id", ss_i) * N_i`.
    pub blinded_node_id: PublicKey,
}

/// `rho` and the blinded-node-id tweak from a shared secret.
fn rho(ss: &Secret32) -> Secret32 {
    hmac256(b"rho", &ss.0)
}

fn node_id_tweak(ss: &Secret32) -> Secret32 {
    hmac256(b"blinded_node_id", &ss.0)
}

/// ChaCha20-Poly1305 with key `rho` and the all-zero nonce (§"Route Blinding").
fn cipher(rho: &Secret32) -> ChaCha20Poly1305 {
    ChaCha20Poly1305::new(&rho.0.into())
}

/// Derives every hop's keys along the chain `e_{i+1} = SHA256(E_i || ss_i) * e_i`.
pub fn hop_keys(
    session_key: &SecretKey,
    node_ids: &[PublicKey],
) -> Result<Vec<HopKeys>, BlindingError> {
    let mut e = *session_key;
    let mut keys = Vec::with_capacity(node_ids.len());
    for node_id in node_ids {
        let path_key = curve::public_key(&e);
        let ss = ecdh(node_id, &e);
        let blinded_node_id = mul_pub(node_id, &node_id_tweak(&ss));
        let next = mul_secret(&e, &blinding_factor(&path_key, &ss));
        e.non_secure_erase();
        let (Some(blinded_node_id), Some(next)) = (blinded_node_id, next) else {
            return Err(BlindingError::InvalidTweak);
        };
        e = next;
        keys.push(HopKeys {
            path_key,
            rho: rho(&ss),
            shared_secret: ss,
            blinded_node_id,
        });
    }
    e.non_secure_erase();
    Ok(keys)
}

/// Creates a blinded path over `hops` (the first is the introduction node, `first_node_id`)
/// from the session key `e_0` (which SHOULD come from a CSPRNG). The data is encrypted as
/// given: use [`pad_to_equal_length`] first to hide which hop is which, and set
/// `next_path_key_override` in a hop's data to join another blinded path after it.
pub fn create_blinded_path(
    session_key: &SecretKey,
    hops: &[BlindHop],
) -> Result<BlindedPath, BlindingError> {
    Ok(create_blinded_path_with_keys(session_key, hops)?.0)
}

/// [`create_blinded_path`], also returning each hop's derived keys.
pub fn create_blinded_path_with_keys(
    session_key: &SecretKey,
    hops: &[BlindHop],
) -> Result<(BlindedPath, Vec<HopKeys>), BlindingError> {
    let first = hops.first().ok_or(BlindingError::EmptyPath)?;
    if hops.len() > 255 {
        return Err(BlindingError::TooManyHops(hops.len()));
    }
    let node_ids: Vec<PublicKey> = hops.iter().map(|h| h.node_id).collect();
    let keys = hop_keys(session_key, &node_ids)?;
    let mut path = Vec::with_capacity(hops.len());
    for (i, (hop, k)) in hops.iter().zip(&keys).enumerate() {
        let mut plain = hop.data.encode()?;
        let encrypted = cipher(&k.rho)
            .encrypt(&[0u8; 12].into(), plain.as_slice())
            .map_err(|_| BlindingError::EncryptedDataTooLong {
                hop: i,
                len: plain.len(),
            });
        plain.zeroize();
        let encrypted = encrypted?;
        if encrypted.len() > usize::from(u16::MAX) {
            return Err(BlindingError::EncryptedDataTooLong {
                hop: i,
                len: encrypted.len(),
            });
        }
        path.push(BlindedPathHop {
            blinded_node_id: Point::from(k.blinded_node_id),
            encrypted_recipient_data: encrypted,
        });
    }
    let first_path_key = keys.first().ok_or(BlindingError::EmptyPath)?.path_key;
    let blinded = BlindedPath {
        first_node_id: SciddirOrPubkey::Pubkey(Point::from(first.node_id)),
        first_path_key: Point::from(first_path_key),
        path,
    };
    Ok((blinded, keys))
}

/// Adds `padding` records so every hop's encoded `encrypted_data_tlv` has the same length
/// (the writer SHOULD, §"Route Blinding"). Existing padding is replaced. A padding record
/// of `n` bytes costs `1 + bigsize(n) + n`, so some differences (1, 255, 256) cannot be
/// made exactly: the common length is then raised until every hop can reach it.
pub fn pad_to_equal_length(hops: &mut [EncryptedDataTlv]) -> Result<(), BlindingError> {
    let mut bare = Vec::with_capacity(hops.len());
    for hop in hops.iter_mut() {
        hop.padding = None;
        bare.push(hop.encode()?.len());
    }
    let Some(&longest) = bare.iter().max() else {
        return Ok(());
    };
    // Bytes of padding whose record adds exactly `d` bytes, if any.
    let padding_for = |d: usize| -> Option<usize> {
        match d {
            0 => None,
            2..=254 => Some(d - 2),
            257..=65_539 => Some(d - 4),
            _ => None,
        }
    };
    let target = (longest..longest + 8)
        .find(|t| {
            bare.iter()
                .all(|&b| b == *t || padding_for(t - b).is_some())
        })
        .ok_or(BlindingError::CannotPad)?;
    for (hop, b) in hops.iter_mut().zip(bare) {
        if b != target {
            let n = padding_for(target - b).ok_or(BlindingError::CannotPad)?;
            hop.padding = Some(vec![0u8; n]);
        }
    }
    Ok(())
}

/// What a node on a blinded path learns from its `encrypted_recipient_data`.
#[derive(Debug, Clone)]
pub struct UnblindedHop {
    /// The decrypted `encrypted_data_tlv`.
    pub data: EncryptedDataTlv,
    /// The path key to hand the next node: `next_path_key_override` if set, else
    /// `E_{i+1} = SHA256(E_i || ss_i) * E_i`.
    pub next_path_key: PublicKey,
    /// `ss_i = SHA256(k_i * E_i)`.
    pub shared_secret: Secret32,
}

/// The blinding shared secret `ss_i = SHA256(k_i * E_i)`.
pub fn blinding_shared_secret(node_secret: &SecretKey, path_key: &PublicKey) -> Secret32 {
    ecdh(path_key, node_secret)
}

/// The blinded node secret `b_i = HMAC256("blinded_node_id", ss_i) * k_i`, the private key of
/// `B_i`, with which the hop decrypts the onion.
pub fn blinded_node_secret(
    node_secret: &SecretKey,
    path_key: &PublicKey,
) -> Result<SecretKey, BlindingError> {
    blinded_node_secret_with(node_secret, &blinding_shared_secret(node_secret, path_key))
}

/// [`blinded_node_secret`] from an already computed `ss_i`.
pub(crate) fn blinded_node_secret_with(
    node_secret: &SecretKey,
    ss: &Secret32,
) -> Result<SecretKey, BlindingError> {
    mul_secret(node_secret, &node_id_tweak(ss)).ok_or(BlindingError::InvalidTweak)
}

/// As a node on a blinded path (§"Route Blinding", reader of `encrypted_recipient_data`):
/// decrypts our `encrypted_recipient_data` with `rho_i` and computes the next path key.
pub fn decrypt_recipient_data(
    node_secret: &SecretKey,
    path_key: &PublicKey,
    encrypted_recipient_data: &[u8],
) -> Result<UnblindedHop, BlindingError> {
    decrypt_with(
        blinding_shared_secret(node_secret, path_key),
        path_key,
        encrypted_recipient_data,
    )
}

/// [`decrypt_recipient_data`] from an already computed `ss_i`.
pub(crate) fn decrypt_with(
    ss: Secret32,
    path_key: &PublicKey,
    encrypted_recipient_data: &[u8],
) -> Result<UnblindedHop, BlindingError> {
    let data = decrypt_data_with(&ss, encrypted_recipient_data)?;
    let next_path_key = match &data.next_path_key_override {
        Some(p) => p.to_pubkey().map_err(|_| BlindingError::InvalidPathKey)?,
        None => next_path_key(path_key, &ss)?,
    };
    Ok(UnblindedHop {
        data,
        next_path_key,
        shared_secret: ss,
    })
}

/// The `encrypted_data_tlv` of [`decrypt_with`] alone, for the final hop, which needs no
/// next path key (saving a point multiplication).
pub(crate) fn decrypt_data_with(
    ss: &Secret32,
    encrypted_recipient_data: &[u8],
) -> Result<EncryptedDataTlv, BlindingError> {
    let mut plain = cipher(&rho(ss))
        .decrypt(&[0u8; 12].into(), encrypted_recipient_data)
        .map_err(|_| BlindingError::UndecryptableData)?;
    let data = EncryptedDataTlv::decode(&plain);
    plain.zeroize();
    data.map_err(BlindingError::InvalidEncryptedData)
}

/// `E_{i+1} = SHA256(E_i || ss_i) * E_i`.
pub fn next_path_key(path_key: &PublicKey, ss: &Secret32) -> Result<PublicKey, BlindingError> {
    mul_pub(path_key, &blinding_factor(path_key, ss)).ok_or(BlindingError::InvalidTweak)
}
