//! Payer proofs (DRAFT, lightning/bolts#1295; `PayerProof`). First byte even: the rest is
//! a proof's bytes — reading (decode and verify) never panics; an accepted proof keeps its
//! exact bytes, its fields re-encode to them, its string form parses back, `decode_json`
//! agrees, and the invoice signature verifies under the reconstructed root. First byte
//! odd: the rest picks a proof of a fixed signed invoice — reveal mask (4 bytes), layout
//! (1 byte), note (the rest) — which must be made, read back equal, and rebuild the
//! invoice's Merkle root.
#![no_main]
use std::str::FromStr;
use std::sync::OnceLock;

use bolt12::payer_proof::{payment_hash_of, Layout, PayerProof};
use bolt12::tlv::PayerProofTlvs;
use bolt12::{merkle, Invoice};
use bolt12_toolkit_fuzz::assert_json_agrees;
use libfuzzer_sys::fuzz_target;
use wire::TlvStreamReader;

// bolt12's test fixtures: the paid invoice its payer-proof tests use.
#[path = "../../bolt12/tests/common/mod.rs"]
mod common;
use common::{kp, paid_invoice, PREIMAGE};

/// [`paid_invoice`], made once.
fn invoice() -> &'static Invoice {
    static INVOICE: OnceLock<Invoice> = OnceLock::new();
    INVOICE.get_or_init(paid_invoice)
}

fn read(data: &[u8]) {
    if let Ok(tlvs) = PayerProofTlvs::decode(data) {
        assert_eq!(tlvs.encode().expect("decoded fields encode"), data);
    }
    let typed = PayerProof::from_bytes(data.to_vec());
    let s = bolt12::string::encode(bolt12::payer_proof::PREFIX, data);
    assert_json_agrees(&s, typed.is_ok());
    if let Ok(proof) = typed {
        assert_eq!(proof.as_bytes(), data);
        assert_eq!(PayerProof::from_str(&s).expect("string form reads"), proof);
        let t = proof.tlvs();
        let (Some(sig), Some(node)) = (t.signature, t.invoice_node_id) else {
            panic!("an accepted proof has signature and invoice_node_id");
        };
        assert!(merkle::verify(
            bolt12::invoice::MESSAGE_NAME,
            "signature",
            &proof.invoice_merkle_root(),
            &sig,
            &node
        ));
        assert_eq!(
            proof.preimage().map(|p| payment_hash_of(&p)),
            proof.payment_hash()
        );
    }
}

fn write(data: &[u8]) {
    let inv = invoice();
    let types: Vec<u64> = TlvStreamReader::new(inv.as_bytes(), "invoice")
        .map_while(Result::ok)
        .map(|r| r.tlv_type)
        .filter(|t| !merkle::is_signature_type(*t) && *t != 0)
        .collect();
    let (mask, rest) = data.split_at(data.len().min(4));
    let mut bits = [0u8; 4];
    bits[..mask.len()].copy_from_slice(mask);
    let mask = u32::from_le_bytes(bits);
    let (layout, note) = match rest.split_first() {
        Some((l, note)) if l % 2 == 1 => (Layout::CoreLightning, note),
        Some((_, note)) => (Layout::Draft, note),
        None => (Layout::Draft, &[][..]),
    };
    let note = String::from_utf8_lossy(note);
    let reveal = |t: u64| {
        types
            .iter()
            .position(|x| *x == t)
            .is_some_and(|i| mask & (1 << (i % 32)) != 0)
    };
    let proof = PayerProof::create(inv, &PREIMAGE, &kp(2), reveal, &note, layout)
        .expect("a proof of a valid invoice is made");
    assert_eq!(proof.invoice_merkle_root(), inv.merkle_root());
    assert_eq!(proof.note(), note);
    let again = PayerProof::from_str(&proof.to_string()).expect("reads back");
    assert_eq!(again, proof);
}

fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((mode, rest)) if mode % 2 == 1 => write(rest),
        Some((_, rest)) => read(rest),
        None => {}
    }
});
