//! `bolt12 payerproof` (DRAFT payer proofs), run as a user would: a proof of a signed
//! invoice reveals the fields asked for (by name or number), reads back verified, decodes
//! with `bolt12 decode`; wrong preimage, wrong key and unknown fields are refused with one
//! line naming what is wrong.
use std::process::Output;
use std::str::FromStr;

use bolt12::payer_proof::{Layout, PayerProof};
use serde_json::Value;

mod common;
use common::{bolt12, failure, ok_stdout};
// bolt12's test fixtures: the paid invoice its own payer-proof tests use.
#[path = "../../bolt12/tests/common/mod.rs"]
mod fixtures;
use fixtures::{paid_invoice, PREIMAGE};

/// `bolt12 payerproof --invoice .. --preimage .. --payer-key .. more..`
fn payerproof(invoice: &str, preimage: &str, payer_key: &str, more: &[&str]) -> Output {
    let mut args = vec![
        "payerproof",
        "--invoice",
        invoice,
        "--preimage",
        preimage,
        "--payer-key",
        payer_key,
    ];
    args.extend_from_slice(more);
    bolt12(&args)
}

#[test]
fn makes_a_proof_revealing_the_fields_asked_for() {
    let invoice = paid_invoice();
    let inv = invoice.to_string();
    let pre = hex::encode(PREIMAGE);
    let key = hex::encode([2u8; 32]);
    let s = ok_stdout(&payerproof(
        &inv,
        &pre,
        &key,
        &[
            "--reveal",
            "offer_description",
            "--reveal",
            "170",
            "--note",
            "prove it",
        ],
    ));
    let proof = PayerProof::from_str(s.trim()).unwrap();
    assert_eq!(proof.layout(), Layout::Draft);
    assert_eq!(proof.note(), "prove it");
    let t = proof.tlvs();
    assert_eq!(t.offer_description.as_deref(), Some("coffee"));
    assert_eq!(t.invoice_amount, Some(invoice.amount_msat()));
    assert!(t.invreq_payer_note.is_none(), "not asked for");
    // `bolt12 decode` reads it.
    let decoded: Value = serde_json::from_str(&ok_stdout(&bolt12(&["decode", s.trim()]))).unwrap();
    assert_eq!(decoded["type"], "bolt12 payer_proof");
    assert_eq!(decoded["valid"], true);
    assert_eq!(decoded["payer_signature"]["note"], "prove it");
    // A damaged proof: one line naming the rule, exit 1, no object (Core Lightning refuses
    // bad proofs with an RPC error).
    let mut t = proof.tlvs().clone();
    t.leaf_hashes.as_mut().unwrap().pop();
    let bad = bolt12::string::encode("lnp", &t.encode().unwrap());
    let out = bolt12(&["decode", &bad]);
    let e = failure(&out);
    assert_eq!(
        e.trim(),
        "error: invalid payer_proof: Not enough leaf_hashes"
    );
    assert!(out.stdout.is_empty());

    // Core Lightning's layout, --json.
    let out = ok_stdout(&payerproof(
        &inv,
        &pre,
        &key,
        &["--layout", "core-lightning", "--json"],
    ));
    let v: Value = serde_json::from_str(&out).unwrap();
    let proof = PayerProof::from_str(v["bolt12"].as_str().unwrap()).unwrap();
    assert_eq!(proof.layout(), Layout::CoreLightning);
    assert_eq!(v["decode"]["type"], "bolt12 payer_proof");
    assert!(v["decode"].get("offer_description").is_none());
}

#[test]
fn refuses_wrong_inputs_with_one_line() {
    let inv = paid_invoice().to_string();
    let pre = hex::encode(PREIMAGE);
    let key = hex::encode([2u8; 32]);
    let base =
        |pre: &str, key: &str, reveal: &str| payerproof(&inv, pre, key, &["--reveal", reveal]);
    let e = failure(&base(&hex::encode([0u8; 32]), &key, "10"));
    assert!(e.contains("Incorrect preimage"), "{e}");
    let e = failure(&base(&pre, &hex::encode([3u8; 32]), "10"));
    assert!(
        e.contains("payer key does not match invreq_payer_id"),
        "{e}"
    );
    let e = failure(&base(&pre, &key, "offer_colour"));
    assert!(e.contains("--reveal: \"offer_colour\""), "{e}");
    let e = failure(&base(&pre, &key, "invreq_metadata"));
    assert!(
        e.contains("invreq_metadata (type 0) cannot be revealed"),
        "{e}"
    );
    let e = failure(&base("abcd", &key, "10"));
    assert!(e.contains("--preimage: 32 bytes, got 2"), "{e}");
    let offer = "lno1qgsqvgnwgcg35z6ee2h3yczraddm72xrfua9uve2rlrm9deu7xyfzrc";
    let e = failure(&payerproof(offer, &pre, &key, &[]));
    assert!(e.starts_with("error: --invoice:"), "{e}");
}
