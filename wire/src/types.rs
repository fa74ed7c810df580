//! The fixed-size fundamental types of BOLT 1 §"Fundamental Types".
use core::fmt;

pub use crate::point::Point;

/// Lowercase hex through a stack buffer, 32 bytes per `write_str` (not a `{:02x}` format
/// per byte, which was a large share of what `decode` spends on hashes and signatures).
fn write_hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for chunk in bytes.chunks(32) {
        let mut buf = [0u8; 64];
        for (i, b) in chunk.iter().enumerate() {
            buf[2 * i] = DIGITS[usize::from(b >> 4)];
            buf[2 * i + 1] = DIGITS[usize::from(b & 15)];
        }
        let text = buf.get(..2 * chunk.len()).ok_or(fmt::Error)?;
        f.write_str(core::str::from_utf8(text).map_err(|_| fmt::Error)?)?;
    }
    Ok(())
}

macro_rules! byte_newtype {
    ($(#[$doc:meta])* $name:ident, $len:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub [u8; $len]);

        impl $name {
            /// The raw bytes, in wire order.
            pub fn as_bytes(&self) -> &[u8; $len] {
                &self.0
            }
        }

        impl From<[u8; $len]> for $name {
            fn from(bytes: [u8; $len]) -> Self {
                $name(bytes)
            }
        }

        impl fmt::Display for $name {
            /// Lowercase hex of the wire bytes.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write_hex(f, &self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}(", stringify!($name))?;
                write_hex(f, &self.0)?;
                write!(f, ")")
            }
        }
    };
}

byte_newtype!(
    /// `chain_hash`: a 32-byte chain identifier (genesis block hash, internal byte order).
    ChainHash,
    32
);
byte_newtype!(
    /// `sha256`: a 32-byte SHA-256 hash.
    Sha256,
    32
);
byte_newtype!(
    /// `channel_id`: a 32-byte channel identifier (BOLT 2).
    ChannelId,
    32
);
byte_newtype!(
    /// `bip340sig`: a 64-byte BIP-340 Schnorr signature.
    Bip340Sig,
    64
);
byte_newtype!(
    /// `signature`: a 64-byte compact ECDSA signature.
    Signature,
    64
);

impl ChainHash {
    /// Bitcoin mainnet: the genesis block hash in internal byte order.
    pub const BITCOIN: ChainHash = ChainHash([
        0x6f, 0xe2, 0x8c, 0x0a, 0xb6, 0xf1, 0xb3, 0x72, 0xc1, 0xa6, 0xa2, 0x46, 0xae, 0x63, 0xf7,
        0x4f, 0x93, 0x1e, 0x83, 0x65, 0xe1, 0x5a, 0x08, 0x9c, 0x68, 0xd6, 0x19, 0x00, 0x00, 0x00,
        0x00, 0x00,
    ]);
}

/// `short_channel_id`: block height (3 bytes), transaction index (3 bytes), output index (2 bytes).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct ShortChannelId(pub u64);

impl ShortChannelId {
    /// Block height of the funding transaction.
    pub fn block(&self) -> u32 {
        (self.0 >> 40) as u32
    }
    /// Index of the funding transaction in its block.
    pub fn tx_index(&self) -> u32 {
        ((self.0 >> 16) & 0xff_ffff) as u32
    }
    /// Output index of the funding output.
    pub fn output_index(&self) -> u16 {
        (self.0 & 0xffff) as u16
    }
}

impl fmt::Display for ShortChannelId {
    /// The usual `BLOCKxTXxOUT` form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}x{}x{}",
            self.block(),
            self.tx_index(),
            self.output_index()
        )
    }
}

/// `sciddir_or_pubkey` (BOLT 1 §"Fundamental Types"): a node named either by one end of
/// a channel (9 bytes: direction byte 0 or 1, then a `short_channel_id`) or by its key
/// (a 33-byte `point`, first byte 2 or 3).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum SciddirOrPubkey {
    /// `node_id_1` (direction 0) or `node_id_2` (direction 1) of the channel.
    Scid {
        /// 0 for `node_id_1`, 1 for `node_id_2`.
        direction: Direction,
        /// The channel.
        scid: ShortChannelId,
    },
    /// The node's public key.
    Pubkey(Point),
}

/// Which end of a channel a `sciddir_or_pubkey` refers to.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Direction {
    /// Byte 0: `node_id_1` in the `channel_announcement`.
    NodeOne,
    /// Byte 1: `node_id_2` in the `channel_announcement`.
    NodeTwo,
}

impl Direction {
    /// The wire byte, 0 or 1.
    pub fn as_u8(self) -> u8 {
        match self {
            Direction::NodeOne => 0,
            Direction::NodeTwo => 1,
        }
    }
}
