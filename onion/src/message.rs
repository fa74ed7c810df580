//! Onion messages (BOLT 4 §"Onion Messages"): build an `onion_message` that travels clear
//! hops chosen by the sender and then a blinded path, and peel one as a forwarding hop or
//! as the final recipient.
//!
//! Every onion message hop is blinded: the sender blinds its own clear hops into a path
//! whose last `encrypted_data_tlv` points at the destination's introduction node with
//! `next_path_key_override` set to the destination path's `first_path_key`, and the
//! onion is encrypted to each `blinded_node_id`, with no associated data.
use bolt12::tlv::{BlindedPath, BlindedPathHop, InvoiceErrorTlvs, InvoiceRequestTlvs, InvoiceTlvs};
use secp256k1::{PublicKey, SecretKey};
use wire::{Point, SciddirOrPubkey, ShortChannelId, UnknownRecord};

use crate::blinding::{
    self, blinded_node_secret_with, blinding_shared_secret, decrypt_data_with, decrypt_with,
    BlindHop,
};
use crate::error::{BlindingError, BuildError, PeelError};
use crate::sphinx::{self, Peeled as SphinxPeeled};
use crate::tlv::{EncryptedDataTlv, OnionMessage, OnionmsgTlv};

/// `hop_payloads` sizes §"Onion Messages" recommends: packets of 1366 or 32834 bytes.
pub const PACKET_PAYLOAD_SIZES: [usize; 2] = [1300, 32768];

/// Where an onion message goes after the sender's clear hops.
#[derive(Debug, Clone)]
pub enum Destination {
    /// A node by its id: the sender blinds the last hop itself (empty `encrypted_data_tlv`).
    Node(PublicKey),
    /// A blinded path given by the recipient (e.g. an offer's `offer_paths` or a
    /// `reply_path`).
    BlindedPath(BlindedPath),
}

/// A built message and the peer to send it to.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// The peer to hand the message to: the first clear hop, or the destination's
    /// introduction node (possibly named by a `short_channel_id`).
    pub first_hop: SciddirOrPubkey,
    /// The `onion_message`.
    pub message: OnionMessage,
}

/// Builds an `onion_message` to `destination` through the clear hops `intermediate` (peers
/// in order, the first one ours). `payload` is the final hop's `onionmsg_tlv` (`reply_path`,
/// `invoice_request` / `invoice` / `invoice_error`, odd records) without
/// `encrypted_recipient_data`, which comes from the path.
///
/// `path_session_key` blinds the clear hops (and a [`Destination::Node`]); `onion_session_key`
/// is the Sphinx session key. Both SHOULD come from a CSPRNG and be used once.
pub fn build_onion_message(
    path_session_key: &SecretKey,
    onion_session_key: &SecretKey,
    intermediate: &[PublicKey],
    destination: Destination,
    payload: OnionmsgTlv,
) -> Result<Outgoing, BuildError> {
    if payload.encrypted_recipient_data.is_some() {
        return Err(BuildError::PayloadHasEncryptedData);
    }
    let mut hops: Vec<BlindHop> = intermediate
        .iter()
        .enumerate()
        .map(|(i, node)| BlindHop {
            node_id: *node,
            data: EncryptedDataTlv {
                next_node_id: intermediate.get(i + 1).map(|n| Point::from(*n)),
                ..Default::default()
            },
        })
        .collect();
    let (path_key, first_hop, all_hops) = match destination {
        // We blind the whole way, the destination's data being empty.
        Destination::Node(node) => {
            if let Some(last) = hops.last_mut() {
                last.data.next_node_id = Some(Point::from(node));
            }
            hops.push(BlindHop {
                node_id: node,
                data: EncryptedDataTlv::default(),
            });
            let ours = blinding::create_blinded_path(path_session_key, &hops)?;
            (ours.first_path_key, ours.first_node_id, ours.path)
        }
        Destination::BlindedPath(tail) if tail.path.is_empty() => {
            return Err(BuildError::EmptyPath)
        }
        // Straight to the introduction node.
        Destination::BlindedPath(tail) if hops.is_empty() => {
            (tail.first_path_key, tail.first_node_id, tail.path)
        }
        // Our blinded hops, the last pointing at the introduction node and handing it the
        // path's first path key (§"Route Blinding": the reader of a `blinded_path`).
        Destination::BlindedPath(tail) => {
            let SciddirOrPubkey::Pubkey(intro) = tail.first_node_id else {
                return Err(BuildError::IntroductionNodeNotResolved);
            };
            if let Some(last) = hops.last_mut() {
                last.data.next_node_id = Some(intro);
                last.data.next_path_key_override = Some(tail.first_path_key);
            }
            let ours = blinding::create_blinded_path(path_session_key, &hops)?;
            let mut path = ours.path;
            path.extend(tail.path);
            (ours.first_path_key, ours.first_node_id, path)
        }
    };
    let message = onion_message_over(onion_session_key, path_key, &all_hops, payload)?;
    Ok(Outgoing { first_hop, message })
}

/// Builds the `onion_message` for blinded `hops` whose first hop receives `path_key`.
fn onion_message_over(
    onion_session_key: &SecretKey,
    path_key: Point,
    hops: &[BlindedPathHop],
    payload: OnionmsgTlv,
) -> Result<OnionMessage, BuildError> {
    let mut keys = Vec::with_capacity(hops.len());
    let mut payloads = Vec::with_capacity(hops.len());
    let last = hops.len().checked_sub(1).ok_or(BuildError::EmptyPath)?;
    let mut final_payload = Some(payload);
    for (i, hop) in hops.iter().enumerate() {
        keys.push(
            hop.blinded_node_id
                .to_pubkey()
                .map_err(|_| BuildError::InvalidPoint)?,
        );
        let mut tlv = if i == last {
            final_payload.take().unwrap_or_default()
        } else {
            OnionmsgTlv::default()
        };
        tlv.encrypted_recipient_data = Some(hop.encrypted_recipient_data.clone());
        payloads.push(tlv.encode()?);
    }
    let needed: usize = payloads
        .iter()
        .map(|p| wire::bigsize_len(p.len() as u64) + p.len() + 32)
        .sum();
    let size = PACKET_PAYLOAD_SIZES
        .into_iter()
        .find(|&s| needed <= s)
        .ok_or(BuildError::TooLarge(needed))?;
    let packet = sphinx::construct(onion_session_key, &keys, &payloads, size, &[])?;
    Ok(OnionMessage {
        path_key,
        onion_message_packet: packet,
    })
}

/// Where a forwarding hop sends the message next (from its `encrypted_data_tlv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextHop {
    /// `next_node_id`.
    NodeId(PublicKey),
    /// `short_channel_id`: the peer at the other end of that channel (or local alias).
    ShortChannelId(ShortChannelId),
}

/// The BOLT 12 payload of a message for us: at most one is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// `invoice_request` (type 64).
    InvoiceRequest(Box<InvoiceRequestTlvs>),
    /// `invoice` (type 66).
    Invoice(Box<InvoiceTlvs>),
    /// `invoice_error` (type 68).
    InvoiceError(Box<InvoiceErrorTlvs>),
}

/// A message for us.
#[derive(Debug, Clone)]
pub struct Received {
    /// Our `encrypted_data_tlv` `path_id`, for the caller to check against the paths it
    /// published: the reader MUST ignore a message whose `path_id` does not match.
    pub path_id: Option<Vec<u8>>,
    /// The sender's `reply_path`, if it may be answered.
    pub reply_path: Option<BlindedPath>,
    /// The BOLT 12 payload, if any.
    pub payload: Option<Payload>,
    /// Unknown odd `onionmsg_tlv` records, verbatim.
    pub unknown: Vec<UnknownRecord>,
    /// The whole decrypted `encrypted_data_tlv`.
    pub encrypted_data: EncryptedDataTlv,
}

/// A message to forward.
#[derive(Debug, Clone)]
pub struct Forward {
    /// The next peer.
    pub next_hop: NextHop,
    /// The `onion_message` to send it, with the next `path_key`.
    pub message: OnionMessage,
    /// The whole decrypted `encrypted_data_tlv`.
    pub encrypted_data: EncryptedDataTlv,
}

/// What an `onion_message` is to us.
#[derive(Debug, Clone)]
pub enum Peeled {
    /// We forward it.
    Forward(Forward),
    /// It is for us.
    Receive(Received),
}

/// Decodes a whole `onion_message` (2-byte type 513, then its fields).
pub fn decode_onion_message(bytes: &[u8]) -> Result<OnionMessage, PeelError> {
    let Some((ty, rest)) = bytes.split_first_chunk::<2>() else {
        return Err(PeelError::Malformed(wire::DecodeError::Truncated {
            what: "onion_message.type",
            needed: 2,
            available: bytes.len(),
        }));
    };
    let ty = u16::from_be_bytes(*ty);
    if ty != OnionMessage::TYPE {
        return Err(PeelError::WrongMessageType(ty));
    }
    OnionMessage::decode(rest).map_err(|e| match e {
        wire::DecodeError::InvalidPoint { .. } => PeelError::InvalidPathKey,
        e => PeelError::Malformed(e),
    })
}

/// [`peel_onion_message`] of the message's bytes (with its 2-byte type).
pub fn peel_onion_message_bytes(
    node_secret: &SecretKey,
    bytes: &[u8],
) -> Result<Peeled, PeelError> {
    peel_onion_message(node_secret, &decode_onion_message(bytes)?)
}

/// Peels an `onion_message` with our node secret (§"Onion Messages", the reader):
/// the blinding shared secret from `path_key` tweaks our key to decrypt the packet (with
/// empty associated data), then our `encrypted_recipient_data` says whether and where to
/// forward. Every reason the spec gives to ignore a message is a [`PeelError`].
pub fn peel_onion_message(
    node_secret: &SecretKey,
    msg: &OnionMessage,
) -> Result<Peeled, PeelError> {
    let path_key = msg
        .path_key
        .to_pubkey()
        .map_err(|_| PeelError::InvalidPathKey)?;
    let ss = blinding_shared_secret(node_secret, &path_key);
    let blinded = blinded_node_secret_with(node_secret, &ss)?;
    let peeled = sphinx::peel(&blinded, &msg.onion_message_packet, &[]);
    let mut blinded = blinded;
    blinded.non_secure_erase();
    let (payload, next_packet) = match peeled? {
        SphinxPeeled::Forward {
            payload,
            next_packet,
        } => (payload, Some(next_packet)),
        SphinxPeeled::Final { payload } => (payload, None),
    };
    let tlv = OnionmsgTlv::decode(&payload).map_err(PeelError::InvalidPayload)?;
    let encrypted = tlv
        .encrypted_recipient_data
        .as_deref()
        .ok_or(PeelError::MissingEncryptedData)?;
    match next_packet {
        Some(next_packet) => {
            let hop = decrypt_with(ss, &path_key, encrypted)?;
            check_allowed_features(&hop.data)?;
            if tlv.reply_path.is_some()
                || tlv.invoice_request.is_some()
                || tlv.invoice.is_some()
                || tlv.invoice_error.is_some()
                || !tlv.unknown.is_empty()
            {
                return Err(PeelError::ForwardWithExtraFields);
            }
            if hop.data.path_id.is_some() {
                return Err(PeelError::PathIdWhenForwarding);
            }
            let next_hop = match (&hop.data.next_node_id, hop.data.short_channel_id) {
                (Some(node), _) => {
                    NextHop::NodeId(node.to_pubkey().map_err(|_| PeelError::InvalidNextNodeId)?)
                }
                (None, Some(scid)) => NextHop::ShortChannelId(scid),
                (None, None) => return Err(PeelError::MissingNextHop),
            };
            let message = OnionMessage {
                path_key: Point::from(hop.next_path_key),
                onion_message_packet: next_packet,
            };
            // `len` is a u16: refuse to produce a message that cannot be encoded.
            if message.onion_message_packet.len() > usize::from(u16::MAX) {
                return Err(PeelError::Encode(wire::EncodeError::LengthOverflow {
                    what: "onion_message.onion_message_packet",
                    len: message.onion_message_packet.len(),
                    max: u64::from(u16::MAX),
                }));
            }
            Ok(Peeled::Forward(Forward {
                next_hop,
                message,
                encrypted_data: hop.data,
            }))
        }
        None => {
            // The final hop needs no next path key (a point multiplication saved); an
            // override there is still checked, as `decrypt_with` does.
            let data = decrypt_data_with(&ss, encrypted)?;
            if let Some(p) = &data.next_path_key_override {
                p.to_pubkey().map_err(|_| BlindingError::InvalidPathKey)?;
            }
            check_allowed_features(&data)?;
            let OnionmsgTlv {
                reply_path,
                invoice_request,
                invoice,
                invoice_error,
                unknown,
                ..
            } = tlv;
            let mut payloads = [
                invoice_request.map(|p| Payload::InvoiceRequest(Box::new(p))),
                invoice.map(|p| Payload::Invoice(Box::new(p))),
                invoice_error.map(|p| Payload::InvoiceError(Box::new(p))),
            ]
            .into_iter()
            .flatten();
            let payload = payloads.next();
            if payloads.next().is_some() {
                return Err(PeelError::MultiplePayloads);
            }
            Ok(Peeled::Receive(Received {
                path_id: data.path_id.clone(),
                reply_path,
                payload,
                unknown,
                encrypted_data: data,
            }))
        }
    }
}

/// §"Onion Messages": if `allowed_features` is present, the message is ignored when it
/// names a feature bit we do not know; no onion message feature bits are defined, so any
/// set bit is unknown.
fn check_allowed_features(data: &EncryptedDataTlv) -> Result<(), PeelError> {
    let Some(features) = &data.allowed_features else {
        return Ok(());
    };
    for (i, byte) in features.iter().rev().enumerate() {
        if *byte != 0 {
            let bit = i * 8 + byte.trailing_zeros() as usize;
            return Err(PeelError::UnknownAllowedFeature(bit));
        }
    }
    Ok(())
}
