//! The [`Wire`] trait: how a fundamental type or a generated subtype is read and written.
use crate::types::{Direction, ShortChannelId};
use crate::{
    Bip340Sig, ChainHash, ChannelId, DecodeError, EncodeError, Point, Reader, SciddirOrPubkey,
    Sha256, Signature,
};

/// A value with one BOLT wire encoding. Implemented here for the fundamental types and by
/// generated code for every `subtype`.
pub trait Wire: Sized {
    /// The fewest bytes one encoded value can take. Used to refuse a claimed element count
    /// before allocating for it.
    const MIN_LEN: usize;
    /// Reads one value; `what` names the spec field for errors.
    fn read(r: &mut Reader<'_>, what: &'static str) -> Result<Self, DecodeError>;
    /// Appends the encoding of this value.
    fn write(&self, out: &mut Vec<u8>) -> Result<(), EncodeError>;
}

/// `...*T`: elements until the input is exhausted. The vector grows only as elements are
/// actually decoded, so its size is bounded by the input.
pub fn read_array_rest<T: Wire>(
    r: &mut Reader<'_>,
    what: &'static str,
) -> Result<Vec<T>, DecodeError> {
    let mut out = Vec::new();
    while !r.is_empty() {
        out.push(T::read(r, what)?);
    }
    Ok(out)
}

/// `count*T`: exactly `count` elements. Refuses a count the remaining input cannot hold
/// before reserving anything.
pub fn read_array_counted<T: Wire>(
    r: &mut Reader<'_>,
    count: u64,
    what: &'static str,
) -> Result<Vec<T>, DecodeError> {
    let needed = count.saturating_mul(T::MIN_LEN as u64);
    if needed > r.remaining() as u64 {
        return Err(DecodeError::Truncated {
            what,
            needed,
            available: r.remaining(),
        });
    }
    // `count * MIN_LEN <= remaining`, so this reservation is bounded by the input size.
    let mut out = Vec::with_capacity(count as usize);
    for _ in 0..count {
        out.push(T::read(r, what)?);
    }
    Ok(out)
}

/// Writes every element in order.
pub fn write_array<T: Wire>(out: &mut Vec<u8>, items: &[T]) -> Result<(), EncodeError> {
    items.iter().try_for_each(|item| item.write(out))
}

macro_rules! int_wire {
    ($t:ty, $read:ident) => {
        impl Wire for $t {
            const MIN_LEN: usize = core::mem::size_of::<$t>();
            fn read(r: &mut Reader<'_>, what: &'static str) -> Result<Self, DecodeError> {
                r.$read(what)
            }
            fn write(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
                out.extend_from_slice(&self.to_be_bytes());
                Ok(())
            }
        }
    };
}
int_wire!(u8, u8);
int_wire!(u16, u16);
int_wire!(u32, u32);
int_wire!(u64, u64);
int_wire!(i8, s8);
int_wire!(i16, s16);
int_wire!(i32, s32);
int_wire!(i64, s64);

macro_rules! bytes_wire {
    ($t:ident, $len:expr) => {
        impl Wire for $t {
            const MIN_LEN: usize = $len;
            fn read(r: &mut Reader<'_>, what: &'static str) -> Result<Self, DecodeError> {
                r.array::<$len>(what).map($t)
            }
            fn write(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
                out.extend_from_slice(&self.0);
                Ok(())
            }
        }
    };
}
bytes_wire!(ChainHash, 32);
bytes_wire!(Sha256, 32);
bytes_wire!(ChannelId, 32);
bytes_wire!(Bip340Sig, 64);
bytes_wire!(Signature, 64);

impl Wire for ShortChannelId {
    const MIN_LEN: usize = 8;
    fn read(r: &mut Reader<'_>, what: &'static str) -> Result<Self, DecodeError> {
        r.u64(what).map(ShortChannelId)
    }
    fn write(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.0.write(out)
    }
}

impl Wire for Point {
    const MIN_LEN: usize = 33;
    fn read(r: &mut Reader<'_>, what: &'static str) -> Result<Self, DecodeError> {
        let bytes: [u8; 33] = r.array(what)?;
        // Checked on the curve without decompressing (see `Point`).
        Point::from_slice(&bytes).map_err(|_| DecodeError::InvalidPoint { what })
    }
    fn write(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.extend_from_slice(&self.serialize());
        Ok(())
    }
}

impl Wire for SciddirOrPubkey {
    const MIN_LEN: usize = 9;
    fn read(r: &mut Reader<'_>, what: &'static str) -> Result<Self, DecodeError> {
        let first = *r.peek_rest().first().ok_or(DecodeError::Truncated {
            what,
            needed: 1,
            available: 0,
        })?;
        match first {
            0 | 1 => {
                r.u8(what)?;
                let direction = if first == 0 {
                    Direction::NodeOne
                } else {
                    Direction::NodeTwo
                };
                Ok(SciddirOrPubkey::Scid {
                    direction,
                    scid: ShortChannelId::read(r, what)?,
                })
            }
            2 | 3 => Point::read(r, what).map(SciddirOrPubkey::Pubkey),
            _ => Err(DecodeError::InvalidSciddirOrPubkey { what, first }),
        }
    }
    fn write(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        match self {
            SciddirOrPubkey::Scid { direction, scid } => {
                out.push(direction.as_u8());
                scid.write(out)
            }
            SciddirOrPubkey::Pubkey(point) => point.write(out),
        }
    }
}
