//! Runtime for the BOLT codecs that `codegen` generates from the spec CSVs.
//!
//! This crate holds everything the generated code calls and nothing that depends on a
//! particular message: the fundamental types of BOLT 1 §"Fundamental Types", BigSize
//! (BOLT 1 Appendix A), truncated integers, and the TLV stream rules of BOLT 1
//! §"Type-Length-Value Format" (strictly increasing types, minimal encodings, lengths
//! bounded by the remaining input, unknown even types rejected, unknown odd types kept
//! with their exact bytes).
//!
//! Nothing here allocates from a length read off the wire before checking that the
//! input actually holds that many bytes.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

// Lets code generated for this crate's own tests name it `::wire` like any other user.
extern crate self as wire;

mod codec;
mod error;
mod point;
mod reader;
mod tlv;
mod types;
mod writer;

pub use codec::{read_array_counted, read_array_rest, write_array, Wire};
pub use error::{DecodeError, EncodeError};
pub use point::InvalidPoint;
pub use reader::Reader;
pub use tlv::{RecordWriter, TlvRecord, TlvStreamReader, UnknownRecord};
pub use types::{
    Bip340Sig, ChainHash, ChannelId, Direction, Point, SciddirOrPubkey, Sha256, ShortChannelId,
    Signature,
};
pub use writer::{bigsize_len, write_bigsize, write_tu16, write_tu32, write_tu64};

/// Re-exported so generated code and users name the same `secp256k1`.
pub use secp256k1;

#[cfg(test)]
mod spec_vectors;
