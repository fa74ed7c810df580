//! TLV streams (`wire::TlvStreamReader`, BOLT 1 §"Type-Length-Value Format"): the records
//! read are strictly increasing, each record's bytes are its minimal type, length and
//! value, and the records tile the input exactly when the whole stream is accepted.
//! `RecordWriter` writes the accepted records back to the same bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wire::{write_bigsize, RecordWriter, TlvStreamReader, UnknownRecord};

fuzz_target!(|data: &[u8]| {
    let mut reader = TlvStreamReader::new(data, "fuzz");
    let mut offset = 0;
    let mut previous: Option<u64> = None;
    let mut records = Vec::new();
    let complete = loop {
        match reader.next_record() {
            Ok(None) => break true,
            Err(_) => break false,
            Ok(Some(record)) => {
                assert!(previous.is_none_or(|p| record.tlv_type > p));
                previous = Some(record.tlv_type);
                let mut expect = Vec::new();
                write_bigsize(&mut expect, record.tlv_type);
                write_bigsize(&mut expect, record.value.len() as u64);
                expect.extend_from_slice(record.value);
                assert_eq!(record.bytes, &expect[..]);
                assert_eq!(&data[offset..offset + record.bytes.len()], record.bytes);
                offset += record.bytes.len();
                records.push(UnknownRecord {
                    tlv_type: record.tlv_type,
                    value: record.value.to_vec(),
                });
            }
        }
    };
    // The iterator form yields the same records and the same verdict.
    let via_iter: Vec<_> = TlvStreamReader::new(data, "fuzz").collect();
    assert_eq!(via_iter.iter().filter(|r| r.is_ok()).count(), records.len());
    assert_eq!(via_iter.last().is_some_and(|r| r.is_err()), !complete);
    if complete {
        assert_eq!(offset, data.len());
        let mut out = Vec::new();
        RecordWriter::new("fuzz", &records, &[])
            .expect("increasing records")
            .finish(&mut out);
        assert_eq!(out, data);
    }
});
