//! BOLT 1 messages as lnsocket reads them (`lnsocket::msgs`, 2-byte type then payload):
//! `init`, `error`, `warning`, `ping`, `pong`. A decoded message re-encodes (with its
//! type) to the bytes it was read from, bytes after the last field being the extension
//! BOLT 1 says to ignore. For `init`, the feature helpers lnsocket applies to a peer's
//! bitmaps agree with each other: `combine` is a bitwise OR at minimal length, the
//! set bits rebuild the same minimal bitmap, and unknown required bits are exactly the
//! even unknown ones.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lnsocket::connection::printable;
use lnsocket::features;
use lnsocket::msgs::{Error, Init, Ping, Pong, Warning};
use wire::Reader;

macro_rules! roundtrip {
    ($ty:ty, $msg:expr, $payload:expr) => {{
        let mut r = Reader::new($payload);
        let decoded = <$ty>::read(&mut r);
        if let Ok(m) = &decoded {
            let consumed = $msg.len() - r.remaining();
            assert_eq!(
                m.encode().expect("decoded messages encode"),
                &$msg[..consumed]
            );
            assert_eq!(<$ty>::decode($payload).as_ref(), Ok(m));
        }
        decoded.ok()
    }};
}

fn minimal(b: &[u8]) -> &[u8] {
    let zeros = b.iter().take_while(|&&x| x == 0).count();
    &b[zeros..]
}

fuzz_target!(|msg: &[u8]| {
    let Some((ty, payload)) = msg.split_first_chunk::<2>() else {
        return;
    };
    match u16::from_be_bytes(*ty) {
        Init::TYPE => {
            if let Some(init) = roundtrip!(Init, msg, payload) {
                let (g, f) = (&init.globalfeatures, &init.features);
                let all = features::combine(g, f);
                assert_eq!(all.first(), all.first().filter(|b| **b != 0));
                let bits = features::set_bits(&all);
                let mut expect: Vec<usize> = features::set_bits(g);
                expect.extend(features::set_bits(f));
                expect.sort_unstable();
                expect.dedup();
                assert_eq!(bits, expect);
                assert_eq!(features::from_bits(&bits), all);
                assert_eq!(features::from_bits(&features::set_bits(f)), minimal(f));
                let unknown = features::unknown_required(&all);
                assert!(unknown
                    .iter()
                    .all(|b| b % 2 == 0 && !features::is_known(*b)));
                assert_eq!(
                    unknown.len(),
                    bits.iter()
                        .filter(|b| *b % 2 == 0 && !features::is_known(**b))
                        .count()
                );
                let _ = features::missing_dependencies(&all);
                assert_eq!(features::describe(&all).len(), bits.len());
            }
        }
        Error::TYPE => {
            if let Some(e) = roundtrip!(Error, msg, payload) {
                let shown = printable(&e.data);
                assert!(shown.bytes().all(|b| (32..=126).contains(&b)));
            }
        }
        Warning::TYPE => {
            if let Some(w) = roundtrip!(Warning, msg, payload) {
                assert!(printable(&w.data).bytes().all(|b| (32..=126).contains(&b)));
            }
        }
        Ping::TYPE => {
            if let Some(p) = roundtrip!(Ping, msg, payload) {
                // The pong a responder owes: `num_pong_bytes` of ignored data, if below 65532.
                if p.num_pong_bytes < 65532 {
                    let pong = Pong {
                        ignored: vec![0; usize::from(p.num_pong_bytes)],
                    };
                    let bytes = pong.encode().expect("pong fits");
                    assert_eq!(bytes.len(), 4 + usize::from(p.num_pong_bytes));
                }
            }
        }
        Pong::TYPE => {
            let _ = roundtrip!(Pong, msg, payload);
        }
        _ => {}
    }
});
