use thiserror::Error;

/// Why bytes could not be decoded. Every variant names the spec field or TLV record
/// (`what`) it was reading, so a caller can say exactly where the input is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// The input ended before `what` was complete.
    #[error("{what}: truncated (needed {needed} bytes, {available} left)")]
    Truncated {
        /// Field or record being read.
        what: &'static str,
        /// Bytes the field needs.
        needed: u64,
        /// Bytes that were left.
        available: usize,
    },
    /// A BigSize was not minimally encoded (BOLT 1 Appendix A).
    #[error("{what}: BigSize not minimally encoded")]
    NonMinimalBigSize {
        /// Field or record being read.
        what: &'static str,
    },
    /// A truncated integer (`tu16`/`tu32`/`tu64`) had a leading zero byte or was too long.
    #[error("{what}: truncated integer not minimal or too long ({len} bytes)")]
    BadTruncatedInt {
        /// Field being read.
        what: &'static str,
        /// Its length in bytes.
        len: usize,
    },
    /// TLV types were not strictly increasing (this includes a duplicate type).
    #[error("{stream}: TLV type {found} after {previous}: types must be strictly increasing")]
    TlvNotIncreasing {
        /// TLV stream name.
        stream: &'static str,
        /// Type of the previous record.
        previous: u64,
        /// Type found.
        found: u64,
    },
    /// A TLV record claimed more bytes than remain in the stream.
    #[error("{stream}: TLV type {tlv_type} length {length} exceeds the {remaining} bytes left")]
    TlvLengthExceedsInput {
        /// TLV stream name.
        stream: &'static str,
        /// Record type.
        tlv_type: u64,
        /// Claimed length.
        length: u64,
        /// Bytes left.
        remaining: usize,
    },
    /// An unknown even TLV type ("it's OK to be odd"; even means required).
    #[error("{stream}: unknown even TLV type {tlv_type}")]
    UnknownEvenType {
        /// TLV stream name.
        stream: &'static str,
        /// Record type.
        tlv_type: u64,
    },
    /// A known record's value had bytes left over after its fields.
    #[error("{what}: {extra} unexpected bytes after the last field")]
    TrailingBytes {
        /// Record being read.
        what: &'static str,
        /// Bytes left over.
        extra: usize,
    },
    /// A `point` was not a valid compressed secp256k1 point.
    #[error("{what}: not a valid compressed secp256k1 point")]
    InvalidPoint {
        /// Field being read.
        what: &'static str,
    },
    /// A `sciddir_or_pubkey` started with a byte other than 0, 1, 2 or 3.
    #[error("{what}: sciddir_or_pubkey must start with 0, 1, 2 or 3, not {first}")]
    InvalidSciddirOrPubkey {
        /// Field being read.
        what: &'static str,
        /// The first byte.
        first: u8,
    },
    /// A `utf8` array was not valid UTF-8.
    #[error("{what}: not valid UTF-8")]
    InvalidUtf8 {
        /// Field being read.
        what: &'static str,
    },
}

/// Why a value could not be encoded: only things the type system cannot rule out.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EncodeError {
    /// A counted array is longer than its length field can express.
    #[error("{what}: {len} elements do not fit in its {max}-maximum length field")]
    LengthOverflow {
        /// Field being written.
        what: &'static str,
        /// Its element count.
        len: usize,
        /// Largest count the length field can hold.
        max: u64,
    },
    /// Two arrays that share one length field have different lengths.
    #[error("{what}: arrays sharing length field differ in length ({a} vs {b})")]
    LengthMismatch {
        /// Length field.
        what: &'static str,
        /// First length.
        a: usize,
        /// Second length.
        b: usize,
    },
    /// A fixed-size array has the wrong number of elements.
    #[error("{what}: expected {expected} elements, got {got}")]
    FixedLength {
        /// Field being written.
        what: &'static str,
        /// Required count.
        expected: usize,
        /// Actual count.
        got: usize,
    },
    /// Unknown records must be strictly increasing and must not reuse a known type.
    #[error("{stream}: unknown TLV type {tlv_type} is out of order or collides with a known type")]
    BadUnknownRecord {
        /// TLV stream name.
        stream: &'static str,
        /// The offending type.
        tlv_type: u64,
    },
}
