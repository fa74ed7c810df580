//! `bolt12 payerproof` (DRAFT payer proofs), run as a user would: a proof of a signed
//! invoice reveals the fields asked for (by name or number), reads back verified, decodes
//! with `bolt12 decode`; wrong preimage, wrong key and unknown fields are refused with one
//! line naming what is wrong.
use std::process::{Command, Output};
use std::str::FromStr;

use bolt12::payer_proof::{payment_hash_of, Layout, PayerProof};
use bolt12::tlv::{BlindedPath, BlindedPathHop, BlindedPayinfo};
use bolt12::{Invoice, InvoiceBuilder, InvoiceRequestBuilder, OfferBuilder};
use secp256k1::{Keypair, SecretKey, SECP256K1};
use serde_json::Value;
use wire::{Point, SciddirOrPubkey};

const BIN: &str = env!("CARGO_BIN_EXE_bolt12");
const PREIMAGE: [u8; 32] = [0x33; 32];

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn ok_stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}, stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn failure(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "fails with status 1");
    let err = String::from_utf8(out.stderr.clone()).unwrap();
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    err
}

fn kp(b: u8) -> Keypair {
    Keypair::from_secret_key(SECP256K1, &SecretKey::from_slice(&[b; 32]).unwrap())
}

fn invoice() -> Invoice {
    let issuer = kp(1);
    let payer = kp(2);
    let offer = OfferBuilder::new()
        .description("lamp")
        .amount_msat(9_000)
        .issuer_id(issuer.public_key())
        .build()
        .unwrap();
    let req = InvoiceRequestBuilder::new(&offer, vec![7; 16], payer.public_key())
        .unwrap()
        .payer_note("home address")
        .build_and_sign(&payer, 1_700_000_000)
        .unwrap();
    let path = BlindedPath {
        first_node_id: SciddirOrPubkey::Pubkey(Point::from(kp(9).public_key())),
        first_path_key: Point::from(kp(8).public_key()),
        path: vec![BlindedPathHop {
            blinded_node_id: Point::from(issuer.public_key()),
            encrypted_recipient_data: vec![1; 10],
        }],
    };
    let payinfo = BlindedPayinfo {
        fee_base_msat: 1,
        fee_proportional_millionths: 1,
        cltv_expiry_delta: 40,
        htlc_minimum_msat: 1,
        htlc_maximum_msat: 1_000_000,
        features: vec![],
    };
    InvoiceBuilder::for_request(
        &req,
        1_700_000_000,
        payment_hash_of(&PREIMAGE),
        vec![(path, payinfo)],
    )
    .unwrap()
    .build_and_sign(&issuer)
    .unwrap()
}

#[test]
fn makes_a_proof_revealing_the_fields_asked_for() {
    let inv = invoice().to_string();
    let pre = hex::encode(PREIMAGE);
    let key = hex::encode([2u8; 32]);
    let s = ok_stdout(&run(&[
        "payerproof",
        "--invoice",
        &inv,
        "--preimage",
        &pre,
        "--payer-key",
        &key,
        "--reveal",
        "offer_description",
        "--reveal",
        "170",
        "--note",
        "prove it",
    ]));
    let proof = PayerProof::from_str(s.trim()).unwrap();
    assert_eq!(proof.layout(), Layout::Draft);
    assert_eq!(proof.note(), "prove it");
    let t = proof.tlvs();
    assert_eq!(t.offer_description.as_deref(), Some("lamp"));
    assert_eq!(t.invoice_amount, Some(9_000));
    assert!(t.invreq_payer_note.is_none(), "not asked for");
    // `bolt12 decode` reads it.
    let decoded: Value = serde_json::from_str(&ok_stdout(&run(&["decode", s.trim()]))).unwrap();
    assert_eq!(decoded["type"], "bolt12 payer_proof");
    assert_eq!(decoded["valid"], true);
    assert_eq!(decoded["payer_signature"]["note"], "prove it");
    // A damaged proof: one line naming the rule, exit 1, no object (Core Lightning refuses
    // bad proofs with an RPC error).
    let mut t = proof.tlvs().clone();
    t.leaf_hashes.as_mut().unwrap().pop();
    let bad = bolt12::string::encode("lnp", &t.encode().unwrap());
    let out = run(&["decode", &bad]);
    let e = failure(&out);
    assert_eq!(
        e.trim(),
        "error: invalid payer_proof: Not enough leaf_hashes"
    );
    assert!(out.stdout.is_empty());

    // Core Lightning's layout, --json.
    let out = ok_stdout(&run(&[
        "payerproof",
        "--invoice",
        &inv,
        "--preimage",
        &pre,
        "--payer-key",
        &key,
        "--layout",
        "core-lightning",
        "--json",
    ]));
    let v: Value = serde_json::from_str(&out).unwrap();
    let proof = PayerProof::from_str(v["bolt12"].as_str().unwrap()).unwrap();
    assert_eq!(proof.layout(), Layout::CoreLightning);
    assert_eq!(v["decode"]["type"], "bolt12 payer_proof");
    assert!(v["decode"].get("offer_description").is_none());
}

#[test]
fn refuses_wrong_inputs_with_one_line() {
    let inv = invoice().to_string();
    let pre = hex::encode(PREIMAGE);
    let key = hex::encode([2u8; 32]);
    let base = |pre: &str, key: &str, reveal: &str| {
        run(&[
            "payerproof",
            "--invoice",
            &inv,
            "--preimage",
            pre,
            "--payer-key",
            key,
            "--reveal",
            reveal,
        ])
    };
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
    let e = failure(&run(&[
        "payerproof",
        "--invoice",
        "lno1qgsqvgnwgcg35z6ee2h3yczraddm72xrfua9uve2rlrm9deu7xyfzrc",
        "--preimage",
        &pre,
        "--payer-key",
        &key,
    ]));
    assert!(e.starts_with("error: --invoice:"), "{e}");
}
