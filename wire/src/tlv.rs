//! TLV streams, BOLT 1 §"Type-Length-Value Format".
use crate::writer::{bigsize_len, write_bigsize};
use crate::{DecodeError, EncodeError, Reader};

/// One record as it appears on the wire, borrowed from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TlvRecord<'a> {
    /// The record's `type`.
    pub tlv_type: u64,
    /// The record's `value` (its `length` bytes).
    pub value: &'a [u8],
    /// The whole record: `type`, `length` and `value`, exactly as received. This is what
    /// BOLT 12's merkle leaves hash.
    pub bytes: &'a [u8],
}

impl<'a> TlvRecord<'a> {
    /// A reader over this record's value.
    pub fn value_reader(&self) -> Reader<'a> {
        Reader::new(self.value)
    }
}

/// Iterates the records of a TLV stream, enforcing the reader requirements of BOLT 1:
/// minimal `type` and `length`, strictly increasing types, and `length` within the
/// remaining input. It does not judge types: unknown even types are the caller's call,
/// since only the caller knows which types it knows.
#[derive(Debug, Clone)]
pub struct TlvStreamReader<'a> {
    rest: &'a [u8],
    stream: &'static str,
    previous: Option<u64>,
}

impl<'a> TlvStreamReader<'a> {
    /// A reader over the whole of `bytes`, which hold the stream named `stream`.
    pub fn new(bytes: &'a [u8], stream: &'static str) -> Self {
        TlvStreamReader {
            rest: bytes,
            stream,
            previous: None,
        }
    }

    /// The next record, `Ok(None)` at the end of the input.
    pub fn next_record(&mut self) -> Result<Option<TlvRecord<'a>>, DecodeError> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        let start = self.rest;
        let mut r = Reader::new(self.rest);
        let tlv_type = r.bigsize(self.stream)?;
        if let Some(previous) = self.previous {
            if tlv_type <= previous {
                return Err(DecodeError::TlvNotIncreasing {
                    stream: self.stream,
                    previous,
                    found: tlv_type,
                });
            }
        }
        let length = r.bigsize(self.stream)?;
        if length > r.remaining() as u64 {
            return Err(DecodeError::TlvLengthExceedsInput {
                stream: self.stream,
                tlv_type,
                length,
                remaining: r.remaining(),
            });
        }
        let value = r.bytes(length, self.stream)?;
        let consumed = start.len() - r.remaining();
        self.rest = r.peek_rest();
        self.previous = Some(tlv_type);
        Ok(Some(TlvRecord {
            tlv_type,
            value,
            bytes: &start[..consumed],
        }))
    }
}

impl<'a> Iterator for TlvStreamReader<'a> {
    type Item = Result<TlvRecord<'a>, DecodeError>;
    fn next(&mut self) -> Option<Self::Item> {
        match self.next_record() {
            Ok(Some(record)) => Some(Ok(record)),
            Ok(None) => None,
            Err(e) => {
                // Stop after the first error.
                self.rest = &[];
                Some(Err(e))
            }
        }
    }
}

/// An odd record this code does not know, kept with its exact bytes so that a round
/// trip reproduces the input (and BOLT 12 signatures over it still verify).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnknownRecord {
    /// The record's `type`.
    pub tlv_type: u64,
    /// The record's `value`, verbatim.
    pub value: Vec<u8>,
}

/// Writes a TLV stream in canonical order: known records in the order generated code
/// calls [`RecordWriter::record`] (ascending type), with unknown records merged in by type.
pub struct RecordWriter<'u> {
    unknown: &'u [UnknownRecord],
    next_unknown: usize,
    last: Option<u64>,
}

impl<'u> RecordWriter<'u> {
    /// Starts a stream. `unknown` must be strictly increasing and use no type in `known`.
    pub fn new(
        stream: &'static str,
        unknown: &'u [UnknownRecord],
        known: &[u64],
    ) -> Result<Self, EncodeError> {
        let mut previous: Option<u64> = None;
        for record in unknown {
            let t = record.tlv_type;
            if previous.is_some_and(|p| t <= p) || known.contains(&t) {
                return Err(EncodeError::BadUnknownRecord {
                    stream,
                    tlv_type: t,
                });
            }
            previous = Some(t);
        }
        Ok(RecordWriter {
            unknown,
            next_unknown: 0,
            last: None,
        })
    }

    fn flush_below(&mut self, out: &mut Vec<u8>, bound: Option<u64>) {
        while let Some(record) = self.unknown.get(self.next_unknown) {
            if bound.is_some_and(|b| record.tlv_type >= b) {
                break;
            }
            write_bigsize(out, record.tlv_type);
            write_bigsize(out, record.value.len() as u64);
            out.extend_from_slice(&record.value);
            self.next_unknown += 1;
        }
    }

    /// Writes one known record whose value `write_value` appends.
    pub fn record(
        &mut self,
        out: &mut Vec<u8>,
        tlv_type: u64,
        write_value: impl FnOnce(&mut Vec<u8>) -> Result<(), EncodeError>,
    ) -> Result<(), EncodeError> {
        debug_assert!(
            self.last.is_none_or(|l| tlv_type > l),
            "generated code writes in type order"
        );
        self.flush_below(out, Some(tlv_type));
        write_bigsize(out, tlv_type);
        let start = out.len();
        write_value(out)?;
        let len = (out.len() - start) as u64;
        // Insert the length before the value now that it is known.
        let mut header = Vec::with_capacity(bigsize_len(len));
        write_bigsize(&mut header, len);
        out.splice(start..start, header);
        self.last = Some(tlv_type);
        Ok(())
    }

    /// Writes the unknown records that sort after every known one.
    pub fn finish(mut self, out: &mut Vec<u8>) {
        self.flush_below(out, None);
    }
}
