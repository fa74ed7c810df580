//! What can be wrong, one enum per layer, each variant naming the problem.
use thiserror::Error;

/// Building a blinded path or reading `encrypted_recipient_data` as a hop
/// (BOLT 4 §"Route Blinding").
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BlindingError {
    /// A blinded path needs at least one hop.
    #[error("a blinded path needs at least one hop")]
    EmptyPath,
    /// `num_hops` is a byte: at most 255 hops.
    #[error("{0} hops: a blinded path holds at most 255")]
    TooManyHops(usize),
    /// `enclen` is a u16: the encrypted data of a hop is at most 65535 bytes.
    #[error("hop {hop}: encrypted data of {len} bytes does not fit in `enclen`")]
    EncryptedDataTooLong {
        /// Index of the hop.
        hop: usize,
        /// Ciphertext length.
        len: usize,
    },
    /// An `encrypted_data_tlv` could not be encoded.
    #[error("encrypted_data_tlv: {0}")]
    Encode(#[from] wire::EncodeError),
    /// A derived tweak (an HMAC or SHA256 output) is not a valid scalar, or the key it
    /// tweaks became invalid: astronomically unlikely, but not a panic.
    #[error("a derived blinding tweak is not a valid secp256k1 scalar")]
    InvalidTweak,
    /// The `path_key` is not a valid secp256k1 point.
    #[error("path_key is not a valid secp256k1 point")]
    InvalidPathKey,
    /// ChaCha20-Poly1305 with `rho` did not authenticate `encrypted_recipient_data`: it was
    /// not made for us with this `path_key`, or it was altered.
    #[error("encrypted_recipient_data does not decrypt with this path_key")]
    UndecryptableData,
    /// The decrypted data is not a valid `encrypted_data_tlv` (e.g. an unknown even type).
    #[error("decrypted encrypted_data_tlv is invalid: {0}")]
    InvalidEncryptedData(wire::DecodeError),
    /// Padding cannot make the hops the same length (a hop is longer than any padding
    /// record can reach).
    #[error("cannot pad the encrypted_data_tlv of every hop to the same length")]
    CannotPad,
}

/// Building or peeling a Sphinx packet (BOLT 4 §"Packet Construction", §"Onion Decryption").
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SphinxError {
    /// No hops to build a packet for.
    #[error("a packet needs at least one hop")]
    NoHops,
    /// One payload per hop is needed.
    #[error("{hops} hops but {payloads} payloads")]
    HopPayloadMismatch {
        /// Number of hop keys.
        hops: usize,
        /// Number of payloads.
        payloads: usize,
    },
    /// The hop payloads (each with its length and HMAC) do not fit in the packet.
    #[error("hop payloads need {needed} bytes, the packet has room for {room}")]
    PayloadsTooLong {
        /// Bytes the payloads, lengths and HMACs need.
        needed: usize,
        /// Size of `hop_payloads`.
        room: usize,
    },
    /// The packet is shorter than its 66 bytes of version, key and HMAC.
    #[error("packet of {len} bytes is shorter than the 66-byte header and HMAC")]
    PacketTooShort {
        /// Packet length.
        len: usize,
    },
    /// The packet's `version` is not 0.
    #[error("unknown packet version {0}")]
    UnknownVersion(u8),
    /// The packet's `public_key` is not a valid secp256k1 point.
    #[error("packet public_key is not a valid secp256k1 point")]
    InvalidOnionKey,
    /// The packet's HMAC does not match: it is not for us, or it was altered.
    #[error("packet HMAC does not match")]
    BadHmac,
    /// The decrypted payload length is malformed or runs past the packet.
    #[error("decrypted payload length is malformed or exceeds the packet")]
    BadPayloadLength,
    /// A derived blinding factor is not a valid scalar (astronomically unlikely).
    #[error("a derived blinding factor is not a valid secp256k1 scalar")]
    InvalidTweak,
}

/// Building an `onion_message` (BOLT 4 §"Onion Messages").
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BuildError {
    /// Blinding the sender's part of the path failed.
    #[error("blinding: {0}")]
    Blinding(#[from] BlindingError),
    /// The packet could not be built.
    #[error("sphinx: {0}")]
    Sphinx(#[from] SphinxError),
    /// A payload could not be encoded.
    #[error("onionmsg_tlv: {0}")]
    Encode(#[from] wire::EncodeError),
    /// The destination blinded path has no hops.
    #[error("the destination blinded path has no hops")]
    EmptyPath,
    /// Clear hops lead to the introduction node, so it must be named by its key, not by a
    /// `short_channel_id` and direction.
    #[error(
        "the blinded path's introduction node is a short_channel_id: resolve it to a node id first"
    )]
    IntroductionNodeNotResolved,
    /// A blinded path's point is not a valid key.
    #[error("blinded path: a point is not a valid secp256k1 key")]
    InvalidPoint,
    /// The final payload must not carry `encrypted_recipient_data`: it comes from the path.
    #[error("the final payload must not set encrypted_recipient_data")]
    PayloadHasEncryptedData,
    /// The message is too large even for a 32768-byte packet.
    #[error("onion message payloads need {0} bytes, more than 32768")]
    TooLarge(usize),
}

/// Why an `onion_message` we received is ignored (BOLT 4 §"Onion Messages", the reader).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PeelError {
    /// The bytes are not an `onion_message` (type 513).
    #[error("message type {0} is not onion_message (513)")]
    WrongMessageType(u16),
    /// The `onion_message` is truncated or malformed.
    #[error("onion_message: {0}")]
    Malformed(wire::DecodeError),
    /// The `onion_message`'s `path_key` is not a valid secp256k1 point.
    #[error("onion_message path_key is not a valid secp256k1 point")]
    InvalidPathKey,
    /// The Sphinx layer failed (bad HMAC, bad key, truncated packet, ...).
    #[error("onion_message_packet: {0}")]
    Sphinx(#[from] SphinxError),
    /// Our payload is not a valid `onionmsg_tlv` (e.g. an unknown even type).
    #[error("onionmsg_tlv: {0}")]
    InvalidPayload(wire::DecodeError),
    /// Our payload has no `encrypted_recipient_data` (every onion message hop is blinded).
    #[error("onionmsg_tlv has no encrypted_recipient_data")]
    MissingEncryptedData,
    /// The `encrypted_recipient_data` could not be read.
    #[error("encrypted_recipient_data: {0}")]
    Blinding(#[from] BlindingError),
    /// `allowed_features` names a feature bit we do not know.
    #[error("allowed_features has unknown feature bit {0}")]
    UnknownAllowedFeature(usize),
    /// A forwarding hop's `onionmsg_tlv` has fields other than `encrypted_recipient_data`.
    #[error("a forwarding hop's onionmsg_tlv has fields other than encrypted_recipient_data")]
    ForwardWithExtraFields,
    /// A forwarding hop's `encrypted_data_tlv` has a `path_id`.
    #[error("a forwarding hop's encrypted_data_tlv has a path_id")]
    PathIdWhenForwarding,
    /// A forwarding hop's `next_node_id` is not a valid key.
    #[error("encrypted_data_tlv next_node_id is not a valid secp256k1 point")]
    InvalidNextNodeId,
    /// A forwarding hop's `encrypted_data_tlv` has neither `next_node_id` nor `short_channel_id`.
    #[error("encrypted_data_tlv has neither next_node_id nor short_channel_id")]
    MissingNextHop,
    /// The final `onionmsg_tlv` has more than one of `invoice_request`, `invoice`, `invoice_error`.
    #[error("onionmsg_tlv has more than one payload field")]
    MultiplePayloads,
    /// The forwarded message could not be encoded (its packet is too long for `len`).
    #[error("forwarded onion_message: {0}")]
    Encode(wire::EncodeError),
}
