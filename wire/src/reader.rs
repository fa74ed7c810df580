use crate::DecodeError;

/// A cursor over borrowed bytes. Every read checks the remaining length first, so no
/// read can run past the input and nothing is allocated from an unchecked length.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf }
    }

    /// Bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.buf.len()
    }

    /// True when everything has been read.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The unread bytes, without consuming them.
    pub fn peek_rest(&self) -> &'a [u8] {
        self.buf
    }

    /// Consumes and returns all unread bytes.
    pub fn take_rest(&mut self) -> &'a [u8] {
        core::mem::take(&mut self.buf)
    }

    /// Fails with [`DecodeError::TrailingBytes`] unless everything has been read.
    pub fn finish(&self, what: &'static str) -> Result<(), DecodeError> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(DecodeError::TrailingBytes {
                what,
                extra: self.buf.len(),
            })
        }
    }

    /// Consumes exactly `n` bytes.
    pub fn bytes(&mut self, n: u64, what: &'static str) -> Result<&'a [u8], DecodeError> {
        let truncated = DecodeError::Truncated {
            what,
            needed: n,
            available: self.buf.len(),
        };
        let n = usize::try_from(n).map_err(|_| truncated.clone())?;
        if n > self.buf.len() {
            return Err(truncated);
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Ok(head)
    }

    /// Consumes exactly `N` bytes into an array.
    pub fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.bytes(N as u64, what)?);
        Ok(out)
    }

    /// `byte` / `u8`.
    pub fn u8(&mut self, what: &'static str) -> Result<u8, DecodeError> {
        Ok(self.array::<1>(what)?[0])
    }

    /// Big-endian `u16`.
    pub fn u16(&mut self, what: &'static str) -> Result<u16, DecodeError> {
        Ok(u16::from_be_bytes(self.array(what)?))
    }

    /// Big-endian `u32`.
    pub fn u32(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.array(what)?))
    }

    /// Big-endian `u64`.
    pub fn u64(&mut self, what: &'static str) -> Result<u64, DecodeError> {
        Ok(u64::from_be_bytes(self.array(what)?))
    }

    /// Big-endian two's complement `s8` (BOLT 1 Appendix D).
    pub fn s8(&mut self, what: &'static str) -> Result<i8, DecodeError> {
        Ok(i8::from_be_bytes(self.array(what)?))
    }

    /// Big-endian two's complement `s16`.
    pub fn s16(&mut self, what: &'static str) -> Result<i16, DecodeError> {
        Ok(i16::from_be_bytes(self.array(what)?))
    }

    /// Big-endian two's complement `s32`.
    pub fn s32(&mut self, what: &'static str) -> Result<i32, DecodeError> {
        Ok(i32::from_be_bytes(self.array(what)?))
    }

    /// Big-endian two's complement `s64`.
    pub fn s64(&mut self, what: &'static str) -> Result<i64, DecodeError> {
        Ok(i64::from_be_bytes(self.array(what)?))
    }

    /// `bigsize` (BOLT 1 Appendix A): 1, 3, 5 or 9 bytes, minimally encoded.
    pub fn bigsize(&mut self, what: &'static str) -> Result<u64, DecodeError> {
        let first = self.u8(what)?;
        let (value, min) = match first {
            0xfd => (u64::from(self.u16(what)?), 0xfd),
            0xfe => (u64::from(self.u32(what)?), 0x1_0000),
            0xff => (self.u64(what)?, 0x1_0000_0000),
            small => return Ok(u64::from(small)),
        };
        if value < min {
            return Err(DecodeError::NonMinimalBigSize { what });
        }
        Ok(value)
    }

    /// A truncated integer of at most `max` bytes that takes all remaining input
    /// (BOLT 1: "only allowed as the final value of a TLV record"; leading zeros
    /// MUST be omitted).
    fn truncated(&mut self, max: usize, what: &'static str) -> Result<u64, DecodeError> {
        let bytes = self.take_rest();
        if bytes.len() > max || bytes.first() == Some(&0) {
            return Err(DecodeError::BadTruncatedInt {
                what,
                len: bytes.len(),
            });
        }
        Ok(bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }

    /// `tu16`: consumes the rest of the record.
    pub fn tu16(&mut self, what: &'static str) -> Result<u16, DecodeError> {
        // At most 2 bytes were read, so the value fits.
        Ok(self.truncated(2, what)? as u16)
    }

    /// `tu32`: consumes the rest of the record.
    pub fn tu32(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        Ok(self.truncated(4, what)? as u32)
    }

    /// `tu64`: consumes the rest of the record.
    pub fn tu64(&mut self, what: &'static str) -> Result<u64, DecodeError> {
        self.truncated(8, what)
    }

    /// A UTF-8 string of exactly `n` bytes (`n*utf8`).
    pub fn utf8(&mut self, n: u64, what: &'static str) -> Result<String, DecodeError> {
        let bytes = self.bytes(n, what)?;
        core::str::from_utf8(bytes)
            .map(str::to_owned)
            .map_err(|_| DecodeError::InvalidUtf8 { what })
    }

    /// A UTF-8 string taking the rest of the input (`...*utf8`).
    pub fn utf8_rest(&mut self, what: &'static str) -> Result<String, DecodeError> {
        let n = self.remaining() as u64;
        self.utf8(n, what)
    }
}
