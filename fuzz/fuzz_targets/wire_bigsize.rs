//! BigSize (BOLT 1 Appendix A): a decoded value re-encodes to exactly the bytes read (the
//! reader accepts minimal encodings only), and every value written reads back.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wire::{bigsize_len, write_bigsize, Reader};

fuzz_target!(|data: &[u8]| {
    let mut r = Reader::new(data);
    if let Ok(value) = r.bigsize("fuzz") {
        let consumed = &data[..data.len() - r.remaining()];
        let mut out = Vec::new();
        write_bigsize(&mut out, value);
        assert_eq!(out, consumed);
        assert_eq!(bigsize_len(value), consumed.len());
    } else {
        // Refused: truncated or not minimal. A minimal encoding of the same value (if the
        // prefix is complete) differs from the input.
        if let Some((&first, rest)) = data.split_first() {
            let need = match first {
                0xfd => 2,
                0xfe => 4,
                0xff => 8,
                _ => unreachable!("one-byte BigSize values always decode"),
            };
            if rest.len() >= need {
                let mut value = 0u64;
                for b in &rest[..need] {
                    value = (value << 8) | u64::from(*b);
                }
                assert!(bigsize_len(value) < 1 + need, "minimal encoding refused");
            }
        }
    }
    // Writing then reading any value is the identity.
    if let Some(chunk) = data.first_chunk::<8>() {
        let value = u64::from_be_bytes(*chunk);
        let mut out = Vec::new();
        write_bigsize(&mut out, value);
        let mut r = Reader::new(&out);
        assert_eq!(r.bigsize("fuzz"), Ok(value));
        assert!(r.is_empty());
    }
});
