//! `bolt12 resolve`, run as a user would, on a real RFC 9102 proof for
//! `₿matt@mattcorallo.com` (see `bolt12/tests/bip353.rs` for where it comes from): the
//! URI and offer printed at a time inside the signatures' window; expiry, another name, a
//! damaged or missing file refused with one line and exit 1; `--query` prints the query.
use std::process::Output;

use serde_json::Value;

mod common;
use common::bolt12_with_input;

const PROOF: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../bolt12/tests/data/bip353-matt.user._bitcoin-payment.mattcorallo.com.proof"
);

fn fails_with(out: &Output, needle: &str) {
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: ") && err.contains(needle), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn resolves_a_real_proof_at_a_time_in_its_window() {
    let out = bolt12_with_input(
        &[
            "resolve",
            "matt@mattcorallo.com",
            "--proof",
            PROOF,
            "--at",
            "1786000000",
        ],
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let uri = v["uri"].as_str().unwrap();
    assert!(uri.starts_with("bitcoin:bc1qztwy6xen3zdtt7z0vrgapmjtfz8acjkfp5fp7l?lno=lno1"));
    let offer = v["offer"].as_str().unwrap();
    assert_eq!(uri.split_once("lno=").unwrap().1, offer);
    assert_eq!(v["decoded"]["type"], "bolt12 offer");
    assert_eq!(v["dns_name"], "matt.user._bitcoin-payment.mattcorallo.com.");
    assert_eq!(v["valid_from"], 1_785_988_800u64);
    assert_eq!(v["expires"], 1_786_415_920u64);
    // The same from standard input.
    let proof = std::fs::read(PROOF).unwrap();
    let out = bolt12_with_input(
        &[
            "resolve",
            "₿matt@mattcorallo.com",
            "--proof",
            "-",
            "--at",
            "1786000000",
        ],
        &proof,
    );
    let w: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(w["offer"], v["offer"]);
}

#[test]
fn refuses_expired_wrong_damaged_and_missing() {
    let expired = bolt12_with_input(
        &[
            "resolve",
            "matt@mattcorallo.com",
            "--proof",
            PROOF,
            "--at",
            "1786415921",
        ],
        b"",
    );
    fails_with(&expired, "proof: expired at 1786415920");
    let other = bolt12_with_input(
        &[
            "resolve",
            "bob@mattcorallo.com",
            "--proof",
            PROOF,
            "--at",
            "1786000000",
        ],
        b"",
    );
    fails_with(
        &other,
        "bob.user._bitcoin-payment.mattcorallo.com.: no verified TXT record",
    );
    let proof = std::fs::read(PROOF).unwrap();
    let damaged = bolt12_with_input(
        &[
            "resolve",
            "matt@mattcorallo.com",
            "--proof",
            "-",
            "--at",
            "1786000000",
        ],
        &proof[..proof.len() - 3],
    );
    fails_with(&damaged, "not a stream of DNS resource records");
    let missing = bolt12_with_input(
        &[
            "resolve",
            "matt@mattcorallo.com",
            "--proof",
            "/nonexistent/proof",
        ],
        b"",
    );
    fails_with(&missing, "--proof /nonexistent/proof");
    fails_with(
        &bolt12_with_input(&["resolve", "matt", "--query"], b""),
        "name: no '@'",
    );
}

#[test]
fn prints_the_query() {
    let out = bolt12_with_input(&["resolve", "matt@mattcorallo.com", "--query"], b"");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["dns_name"], "matt.user._bitcoin-payment.mattcorallo.com.");
    let q = hex::decode(v["query"].as_str().unwrap()).unwrap();
    // Header, then the name in labels, then QTYPE 16 (TXT), QCLASS 1.
    let name = b"\x04matt\x04user\x10_bitcoin-payment\x0bmattcorallo\x03com\x00";
    assert_eq!(&q[12..12 + name.len()], name);
    assert_eq!(&q[12 + name.len()..16 + name.len()], &[0, 16, 0, 1]);
}
