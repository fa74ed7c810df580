//! Payer proofs (DRAFT, lightning/bolts#1295) against real Core Lightning v26.06.6.
//!
//! Both ways. Core Lightning's `createproof` proves only its own completed payments; the
//! harness nodes have no channels, but a node can pay itself, so it pays its own offer and
//! proves that: we read, verify and decode its proofs. And the node signs an invoice for
//! our invoice request (`createinvoice`: its node key, our preimage), we make proofs of it,
//! and the node's `decode` judges them:
//!
//! - in Core Lightning's layout, with several reveal choices and notes: the node says
//!   valid, with exactly our `decode` JSON (key order included);
//! - corrupted ones (each reader rule): the node refuses with the message our
//!   `PayerProofError` prints (one deliberate difference: a bad `proof_signature` is
//!   "Invalid invoice signature" in the node, "Invalid proof_signature" from us);
//! - in the draft's layout: the node refuses them (its reader does not have the draft's
//!   records 242-250, which are unknown even types to it), while we verify them.
use std::str::FromStr;

use bolt12::json::{decode_json_at, REGTEST};
use bolt12::payer_proof::{payment_hash_of, Layout, PayerProof, PayerProofError};
use bolt12::tlv::{BlindedPath, BlindedPathHop, BlindedPayinfo, InvoiceTlvs, PayerProofTlvs};
use bolt12::wire::{Point, SciddirOrPubkey, Sha256};
use bolt12::{Invoice, InvoiceRequestBuilder, OfferBuilder};
use cln_interop::{Node, NodeOptions, RpcError};
use secp256k1::{Keypair, SecretKey, SECP256K1};
use serde_json::{json, Value};

const NOW: u64 = 1_750_000_000;
const PREIMAGE: [u8; 32] = [0x5a; 32];

fn keypair(byte: u8) -> Keypair {
    Keypair::from_secret_key(SECP256K1, &SecretKey::from_slice(&[byte; 32]).expect("key"))
}

fn point(byte: u8) -> Point {
    Point::from(keypair(byte).public_key())
}

/// An invoice for our request to an offer of the node's (issuer id = the node id), signed
/// by the node (`createinvoice`), paying to [`PREIMAGE`]'s hash.
fn node_signed_invoice(node: &Node, payer: &Keypair) -> Invoice {
    let info = node.rpc("getinfo", json!({})).expect("getinfo");
    let id = Point::from_str(info["id"].as_str().expect("id")).expect("node id");
    let offer = OfferBuilder::new()
        .description("a book")
        .amount_msat(21_000)
        .issuer("books.example.com")
        .issuer_id(id)
        .quantity_max(5)
        .chains(vec![REGTEST])
        .build()
        .expect("offer");
    let request = InvoiceRequestBuilder::new(&offer, vec![0x11; 16], payer.public_key())
        .expect("builder")
        .chain(REGTEST)
        .quantity(2)
        .payer_note("ship to 1 Main St")
        .build_and_sign(payer, NOW)
        .expect("request");
    let mut t = InvoiceTlvs::decode(request.as_bytes()).expect("request fields");
    t.signature = None;
    t.invoice_created_at = Some(NOW);
    t.invoice_payment_hash = Some(payment_hash_of(&PREIMAGE));
    t.invoice_amount = Some(42_000);
    t.invoice_node_id = Some(id);
    t.invoice_relative_expiry = Some(3600);
    t.invoice_paths = Some(vec![BlindedPath {
        first_node_id: SciddirOrPubkey::Pubkey(id),
        first_path_key: point(8),
        path: vec![BlindedPathHop {
            blinded_node_id: point(7),
            encrypted_recipient_data: vec![3; 16],
        }],
    }]);
    t.invoice_blindedpay = Some(vec![BlindedPayinfo {
        fee_base_msat: 0,
        fee_proportional_millionths: 0,
        cltv_expiry_delta: 18,
        htlc_minimum_msat: 1,
        htlc_maximum_msat: 100_000_000,
        features: vec![],
    }]);
    let unsigned = bolt12::string::encode("lni", &t.encode().expect("encode"));
    let created = node
        .rpc(
            "createinvoice",
            json!({
                "invstring": unsigned,
                "label": "payer-proof",
                "preimage": hex(&PREIMAGE),
            }),
        )
        .expect("createinvoice");
    let signed = created["bolt12"].as_str().expect("bolt12 in createinvoice");
    Invoice::from_str(signed).expect("the node's invoice reads")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn cln_decode(node: &Node, s: &str) -> Result<Value, String> {
    match node.rpc("decode", json!({ "string": s })) {
        Ok(v) => Ok(v),
        Err(RpcError::Node { message, .. }) => Err(message),
        Err(e) => panic!("decode rpc failed: {e}"),
    }
}

fn lnp(t: &PayerProofTlvs) -> String {
    bolt12::string::encode("lnp", &t.encode().expect("encode"))
}

#[test]
fn core_lightning_decodes_our_payer_proofs() {
    let node = Node::start(&NodeOptions::default()).expect("node starts");
    let payer = keypair(2);
    let invoice = node_signed_invoice(&node, &payer);

    // Valid proofs in Core Lightning's layout: identical decode JSON.
    let choices: [(&str, &[u64], &str); 5] = [
        ("required fields only", &[], ""),
        ("Core Lightning's defaults", &[10, 22, 164, 170], ""),
        (
            "the payer note and paths",
            &[89, 90, 160, 162],
            "challenge 1",
        ),
        ("offer fields", &[2, 8, 10, 18, 20, 22], "who: alice"),
        (
            "everything but invreq_metadata",
            &[2, 8, 10, 18, 20, 22, 80, 86, 89, 160, 162, 164, 166, 170],
            "all",
        ),
    ];
    let mut proofs = Vec::new();
    for (label, reveal, note) in choices {
        let proof = PayerProof::create(
            &invoice,
            &PREIMAGE,
            &payer,
            |t| reveal.contains(&t),
            note,
            Layout::CoreLightning,
        )
        .expect("proof");
        let s = proof.to_string();
        let cln = cln_decode(&node, &s).unwrap_or_else(|e| panic!("{label}: node refuses: {e}"));
        let ours = decode_json_at(&s, Some(NOW)).expect("we decode it");
        assert_eq!(
            serde_json::to_string(&cln).expect("json"),
            serde_json::to_string(&ours).expect("json"),
            "{label}: same decode"
        );
        assert_eq!(cln["type"], "bolt12 payer_proof");
        assert_eq!(cln["valid"], true);
        proofs.push(proof);
    }

    // Corrupted ones: the node refuses each with the message we give.
    use PayerProofError as E;
    let base = proofs[1].tlvs().clone();
    type Change = Box<dyn Fn(&mut PayerProofTlvs)>;
    let field = "proof_omitted_tlvs";
    let cases: Vec<(&str, Change, E)> = vec![
        (
            "no invoice_node_id",
            Box::new(|t| t.invoice_node_id = None),
            E::Missing("invoice_node_id"),
        ),
        (
            "no proof_leaf_hashes",
            Box::new(|t| t.proof_leaf_hashes = None),
            E::Missing("proof_leaf_hashes"),
        ),
        (
            "wrong preimage",
            Box::new(|t| t.proof_preimage = Some([0; 32])),
            E::IncorrectPreimage,
        ),
        (
            "marker 0",
            Box::new(|t| t.proof_omitted_tlvs.as_mut().expect("omitted")[0] = 0),
            E::OmittedZero { field, index: 0 },
        ),
        (
            "marker of an included field",
            Box::new(|t| t.proof_omitted_tlvs.as_mut().expect("omitted")[1] = 10),
            E::OmittedIncluded {
                field,
                index: 1,
                marker: 10,
            },
        ),
        (
            "marker out of range",
            Box::new(|t| t.proof_omitted_tlvs.as_mut().expect("omitted").push(500)),
            E::OmittedNotInvoiceField {
                field,
                index: base.proof_omitted_tlvs.as_ref().map_or(0, Vec::len),
                marker: 500,
            },
        ),
        (
            "marker not adjacent",
            Box::new(|t| t.proof_omitted_tlvs.as_mut().expect("omitted")[0] = 2),
            E::OmittedNotAdjacent {
                field,
                index: 0,
                previous: 0,
            },
        ),
        (
            "a leaf hash short",
            Box::new(|t| {
                t.proof_leaf_hashes.as_mut().expect("leaf").pop();
            }),
            E::NotEnoughLeafHashes("proof_leaf_hashes"),
        ),
        (
            "a leaf hash too many",
            Box::new(|t| {
                t.proof_leaf_hashes
                    .as_mut()
                    .expect("leaf")
                    .push(Sha256([9; 32]))
            }),
            E::TooManyLeafHashes("proof_leaf_hashes"),
        ),
        (
            "a missing hash short",
            Box::new(|t| {
                t.proof_missing_hashes.as_mut().expect("missing").pop();
            }),
            E::NotEnoughMissingHashes("proof_missing_hashes"),
        ),
        (
            "a missing hash too many",
            Box::new(|t| {
                t.proof_missing_hashes
                    .as_mut()
                    .expect("missing")
                    .push(Sha256([9; 32]))
            }),
            E::TooManyMissingHashes("proof_missing_hashes"),
        ),
        (
            "a revealed field changed",
            Box::new(|t| t.offer_description = Some("a pamphlet".into())),
            E::InvalidInvoiceSignature,
        ),
        (
            "the note changed after signing",
            Box::new(|t| t.proof_note = Some("forged".into())),
            E::InvalidPayerSignature("proof_signature"),
        ),
    ];
    for (label, change, want) in cases {
        let mut t = base.clone();
        change(&mut t);
        let s = lnp(&t);
        let ours = PayerProof::from_str(&s).expect_err(label);
        assert_eq!(ours, want, "{label}: our error");
        let decoded = decode_json_at(&s, Some(NOW)).expect_err(label);
        assert!(
            decoded.cln_json().is_none(),
            "{label}: refused without object"
        );
        let message = cln_decode(&node, &s).expect_err(label);
        let expected = match &want {
            // D7: the node's message for a bad proof_signature repeats its invoice one.
            E::InvalidPayerSignature(_) => "Invalid invoice signature".to_owned(),
            other => other.to_string(),
        };
        assert!(
            message.contains(&expected),
            "{label}: node says {message:?}, we say {expected:?}"
        );
    }

    // The draft's layout: we verify it; the node cannot read its records.
    for reveal in [&[][..], &[10, 22, 164, 170][..]] {
        let proof = PayerProof::create(
            &invoice,
            &PREIMAGE,
            &payer,
            |t| reveal.contains(&t),
            "draft",
            Layout::Draft,
        )
        .expect("draft proof");
        let s = proof.to_string();
        let ours = decode_json_at(&s, Some(NOW)).expect("we decode the draft's layout");
        assert_eq!(ours["payer_signature"]["note"], "draft");
        assert_eq!(proof.invoice_merkle_root(), invoice.merkle_root());
        let message = cln_decode(&node, &s).expect_err("node refuses the draft layout");
        assert!(
            message.contains("invalid payer_proof data"),
            "node says {message:?}"
        );
    }
}

/// Core Lightning pays its own offer (a self-payment needs no channel: `fetchinvoice` of its
/// own offer, then `xpay`), then proves the payment with `createproof`: we read each proof
/// (its layout), verify it (the reader rules include both signatures and SHA256(preimage) =
/// `invoice_payment_hash`), find the payment's preimage and the note in it, and decode it
/// exactly as the node does. A proof the node made with other fields revealed reads too.
#[test]
fn we_read_and_verify_payer_proofs_core_lightning_made() {
    let node = Node::start(&NodeOptions::default()).expect("node starts");
    let offer = node
        .rpc(
            "offer",
            json!({ "amount": "2500msat", "description": "a proof of purchase", "issuer": "shop" }),
        )
        .expect("offer");
    let offer = offer["bolt12"].as_str().expect("offer string").to_owned();
    let fetched = node
        .rpc(
            "fetchinvoice",
            json!({ "offer": offer, "payer_note": "for alice" }),
        )
        .expect("fetchinvoice of its own offer");
    let invoice = fetched["invoice"].as_str().expect("invoice").to_owned();
    let paid = node
        .rpc("xpay", json!({ "invstring": invoice }))
        .expect("xpay to itself");
    let preimage = paid["payment_preimage"]
        .as_str()
        .expect("preimage")
        .to_owned();

    let cases: [(&str, Value); 3] = [
        ("defaults, no note", json!({ "invstring": invoice })),
        (
            "a challenge note",
            json!({ "invstring": invoice, "note": "prove it: 42" }),
        ),
        (
            "the payer note and the issuer revealed",
            json!({ "invstring": invoice, "note": "n", "include": ["invreq_payer_note", "offer_issuer", 10] }),
        ),
    ];
    let mut seen = Vec::new();
    for (label, params) in cases {
        let made = node
            .rpc("createproof", params.clone())
            .expect("createproof");
        let s = made["proofs"][0]["bolt12"]
            .as_str()
            .expect("proof string")
            .to_owned();
        let proof =
            PayerProof::from_str(&s).unwrap_or_else(|e| panic!("{label}: we refuse it: {e}"));
        assert_eq!(proof.layout(), Layout::CoreLightning, "{label}");
        assert_eq!(
            proof.preimage().map(hex::encode),
            Some(preimage.clone()),
            "{label}: preimage"
        );
        assert_eq!(
            proof.note(),
            params["note"].as_str().unwrap_or(""),
            "{label}: note"
        );
        let cln = cln_decode(&node, &s).expect("the node decodes its own proof");
        let ours = decode_json_at(&s, None).expect("we decode it");
        assert_eq!(
            serde_json::to_string(&cln).expect("json"),
            serde_json::to_string(&ours).expect("json"),
            "{label}: same decode"
        );
        assert_eq!(ours["valid"], true, "{label}");
        seen.push(ours);
    }
    // What the node said it revealed is what we read: the payer note only where asked.
    assert!(seen[0].get("invreq_payer_note").is_none());
    assert_eq!(seen[2]["invreq_payer_note"], "for alice");
    assert_eq!(seen[2]["offer_issuer"], "shop");

    // One changed byte anywhere in a node-made proof: refused by us and by the node.
    let made = node
        .rpc("createproof", json!({ "invstring": invoice }))
        .expect("createproof");
    let s = made["proofs"][0]["bolt12"].as_str().expect("proof string");
    let (_, bytes) = bolt12::string::decode(s).expect("bech32");
    let mut refused = 0;
    for i in (0..bytes.len()).step_by(23) {
        let mut b = bytes.clone();
        b[i] ^= 0x01;
        let t = bolt12::string::encode("lnp", &b);
        if PayerProof::from_str(&t).is_err() {
            refused += 1;
            assert!(
                cln_decode(&node, &t)
                    .map(|v| v["valid"] == false)
                    .unwrap_or(true),
                "byte {i}: node accepts what we refuse"
            );
        }
    }
    assert!(
        refused * 10 >= bytes.len().div_ceil(23) * 9,
        "most single-byte changes refused: {refused}"
    );
}
