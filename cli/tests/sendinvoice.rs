//! `bolt12 sendinvoice`, run as a user would, on what fails before or at connecting: a bad
//! refund, a bad key, an expired refund (no invoice is made), a closed loopback port. The
//! exchange with a real payer is `interop/tests/refund_cln.rs`
//! (`our_sendinvoice_answers_the_nodes_invoicerequest`).
use std::process::{Command, Output};

use bolt12::RefundBuilder;
use secp256k1::{Keypair, SecretKey, SECP256K1};

const BIN: &str = env!("CARGO_BIN_EXE_bolt12");
const VIA: &str = "02eec7245d6b7d2ccb30380bfbe2a3648cd7a942653f5aa340edcea1f283686619@127.0.0.1:1";

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn failure(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "fails with status 1");
    let err = String::from_utf8(out.stderr.clone()).unwrap();
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    err
}

fn refund(expiry: Option<u64>) -> String {
    let payer = Keypair::from_secret_key(SECP256K1, &SecretKey::from_slice(&[2; 32]).unwrap());
    let b = RefundBuilder::new(vec![1; 16], payer.public_key(), 5000, "refund");
    let b = match expiry {
        Some(e) => b.absolute_expiry(e),
        None => b,
    };
    b.build_and_sign(&payer).unwrap().to_string()
}

#[test]
fn refuses_bad_input_with_one_line() {
    let key = hex::encode([4u8; 32]);
    let e = failure(&run(&[
        "sendinvoice",
        "lnr1qqqq",
        "--via",
        VIA,
        "--issuer-key",
        &key,
    ]));
    assert!(e.starts_with("error: invalid refund:"), "{e}");
    let good = refund(None);
    let e = failure(&run(&[
        "sendinvoice",
        &good,
        "--via",
        VIA,
        "--issuer-key",
        "zz",
    ]));
    assert!(e.starts_with("error: --issuer-key: not hex"), "{e}");
    let e = failure(&run(&[
        "sendinvoice",
        &good,
        "--via",
        VIA,
        "--key-material",
        "abcd",
    ]));
    assert!(e.starts_with("error: --key-material:"), "{e}");
    // Expired in 1970: no invoice is made, nothing is sent.
    let e = failure(&run(&[
        "sendinvoice",
        &refund(Some(1)),
        "--via",
        VIA,
        "--issuer-key",
        &key,
    ]));
    assert!(
        e.contains("building the invoice: refund expired at 1"),
        "{e}"
    );
    // Nothing listens on 127.0.0.1:1.
    let e = failure(&run(&[
        "sendinvoice",
        &good,
        "--via",
        VIA,
        "--issuer-key",
        &key,
        "--timeout",
        "5",
    ]));
    assert!(e.starts_with("error: connect "), "{e}");
}
