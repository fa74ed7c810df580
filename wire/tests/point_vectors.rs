//! `Point::from_slice` against libsecp256k1's `PublicKey::from_slice` on the keys of the
//! BOLT 4 route-blinding / onion-message vectors and the BOLT 12 vectors (every 66-digit
//! hex string starting 02 or 03), and on every 64-digit hex string there taken as an x
//! with both prefixes (hashes and secrets: about half are not on the curve).
use secp256k1::PublicKey;
use wire::Point;

const VECTORS: &[&str] = &[
    include_str!("../../onion/tests/data/route-blinding-test.json"),
    include_str!("../../onion/tests/data/blinded-onion-message-onion-test.json"),
    include_str!("../../onion/tests/data/blinded-payment-onion-test.json"),
    include_str!("../../bolt12/tests/data/signature-test.json"),
    include_str!("../../bolt12/tests/data/offers-test.json"),
];

/// Maximal runs of hex digits of exactly `len` characters.
fn hex_runs(text: &str, len: usize) -> Vec<Vec<u8>> {
    text.split(|c: char| !c.is_ascii_hexdigit())
        .filter(|run| run.len() == len)
        .filter_map(|run| hex::decode(run).ok())
        .collect()
}

#[test]
fn bolt_vector_keys_agree_with_libsecp256k1() {
    let mut keys = 0;
    let mut xs = [0usize; 2];
    for text in VECTORS {
        for key in hex_runs(text, 66).iter().filter(|k| matches!(k[0], 2 | 3)) {
            let theirs = PublicKey::from_slice(key).is_ok();
            assert_eq!(
                Point::from_slice(key).is_ok(),
                theirs,
                "{}",
                hex::encode(key)
            );
            keys += usize::from(theirs);
        }
        for x in hex_runs(text, 64) {
            for prefix in [2u8, 3] {
                let bytes = [[prefix].as_slice(), &x].concat();
                let theirs = PublicKey::from_slice(&bytes).is_ok();
                assert_eq!(
                    Point::from_slice(&bytes).is_ok(),
                    theirs,
                    "{}",
                    hex::encode(&bytes)
                );
                xs[usize::from(theirs)] += 1;
            }
        }
    }
    // The vectors hold many real keys, and the 32-byte strings land on both sides.
    assert!(keys > 50, "{keys}");
    assert!(xs[0] > 20 && xs[1] > 20, "{xs:?}");
}
