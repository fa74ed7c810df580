//! `bolt12 sendinvoice`, run as a user would, on what fails before or at connecting: a bad
//! refund, a bad key, an expired refund (no invoice is made), a closed loopback port. The
//! exchange with a real payer is `interop/tests/refund_cln.rs`
//! (`our_sendinvoice_answers_the_nodes_invoicerequest`).
use bolt12::RefundBuilder;

mod common;
use common::{bolt12, failure};
#[path = "../../bolt12/tests/common/mod.rs"]
mod fixtures;
use fixtures::kp;

const VIA: &str = "02eec7245d6b7d2ccb30380bfbe2a3648cd7a942653f5aa340edcea1f283686619@127.0.0.1:1";

fn refund(expiry: Option<u64>) -> String {
    let payer = kp(2);
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
    let good = refund(None);
    let expired = refund(Some(1));
    for (refund, more, says) in [
        (
            "lnr1qqqq",
            ["--issuer-key", &key].as_slice(),
            "error: invalid refund:",
        ),
        (
            &good,
            &["--issuer-key", "zz"],
            "error: --issuer-key: not hex",
        ),
        (&good, &["--key-material", "abcd"], "error: --key-material:"),
        // Expired in 1970: no invoice is made, nothing is sent.
        (
            &expired,
            &["--issuer-key", &key],
            "building the invoice: refund expired at 1",
        ),
        // Nothing listens on 127.0.0.1:1.
        (
            &good,
            &["--issuer-key", &key, "--timeout", "5"],
            "error: connect ",
        ),
    ] {
        let mut args = vec!["sendinvoice", refund, "--via", VIA];
        args.extend_from_slice(more);
        let e = failure(&bolt12(&args));
        assert!(
            e.starts_with("error: ") && e.contains(says),
            "{args:?}: {e}"
        );
    }
}
