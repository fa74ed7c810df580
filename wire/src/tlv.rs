//! TLV streams, BOLT 1 §"Type-Length-Value Format".
use crate::writer::write_bigsize;
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
        let start = self.begin(out, tlv_type);
        write_value(out)?;
        self.end(out, start);
        Ok(())
    }

    /// Starts known record `tlv_type` (after any unknown records below it): appends its
    /// type and returns where its value starts. Append the value, then call
    /// [`RecordWriter::end`] with what this returned. Generated code uses this pair rather
    /// than [`RecordWriter::record`], whose closure would make one copy of it per record.
    pub fn begin(&mut self, out: &mut Vec<u8>, tlv_type: u64) -> usize {
        debug_assert!(
            self.last.is_none_or(|l| tlv_type > l),
            "generated code writes in type order"
        );
        self.flush_below(out, Some(tlv_type));
        write_bigsize(out, tlv_type);
        self.last = Some(tlv_type);
        out.len()
    }

    /// Ends the record whose value began at `start` ([`RecordWriter::begin`]): inserts
    /// the value's length before it, now that it is known.
    pub fn end(&mut self, out: &mut Vec<u8>, start: usize) {
        let end = out.len();
        let start = start.min(end);
        // The length is appended, then moved in front of the value (at most 9 bytes).
        write_bigsize(out, (end - start) as u64);
        let mut header = [0u8; 9];
        let n = out.len() - end;
        header[..n].copy_from_slice(&out[end..]);
        out.copy_within(start..end, start + n);
        out[start..start + n].copy_from_slice(&header[..n]);
    }

    /// Writes the unknown records that sort after every known one.
    pub fn finish(mut self, out: &mut Vec<u8>) {
        self.flush_below(out, None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Known records written with `begin`/`end` (values whose lengths take 1, 3 and 5
    /// bytes), unknown ones merged in by type: the stream reads back record for record,
    /// and `record` writes the same bytes.
    #[test]
    fn begin_and_end_frame_each_value_with_its_length() {
        let unknown = [
            UnknownRecord {
                tlv_type: 1,
                value: vec![9],
            },
            UnknownRecord {
                tlv_type: 5,
                value: vec![],
            },
            UnknownRecord {
                tlv_type: 70_001,
                value: vec![7; 3],
            },
        ];
        let known = [(0u64, 0usize), (2, 252), (4, 253), (6, 70_000)];
        let types: Vec<u64> = known.iter().map(|k| k.0).collect();
        let value = |t: u64, n: usize| (0..n).map(|i| (i as u64 + t) as u8).collect::<Vec<_>>();

        let mut out = vec![0xaa];
        let mut w = RecordWriter::new("test", &unknown, &types).unwrap();
        for &(t, n) in &known {
            let start = w.begin(&mut out, t);
            out.extend_from_slice(&value(t, n));
            w.end(&mut out, start);
        }
        w.finish(&mut out);

        let mut again = vec![0xaa];
        let mut w = RecordWriter::new("test", &unknown, &types).unwrap();
        for &(t, n) in &known {
            w.record(&mut again, t, |o| {
                o.extend_from_slice(&value(t, n));
                Ok(())
            })
            .unwrap();
        }
        w.finish(&mut again);
        assert_eq!(out, again);

        assert_eq!(out[0], 0xaa);
        let read: Vec<(u64, Vec<u8>)> = TlvStreamReader::new(&out[1..], "test")
            .map(|r| r.map(|r| (r.tlv_type, r.value.to_vec())))
            .collect::<Result<_, _>>()
            .unwrap();
        let mut expected: Vec<(u64, Vec<u8>)> =
            known.iter().map(|&(t, n)| (t, value(t, n))).collect();
        expected.extend(unknown.iter().map(|u| (u.tlv_type, u.value.clone())));
        expected.sort();
        assert_eq!(read, expected);
        // Lengths 252, 253 and 70000 as BigSize: one byte, then 0xfd and 0xfe forms.
        assert!(out.windows(3).any(|w| w == [2, 252, 2]));
        assert!(out.windows(4).any(|w| w == [4, 0xfd, 0, 253]));
        assert!(out.windows(6).any(|w| w == [6, 0xfe, 0, 1, 0x11, 0x70]));
    }
}
