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
use bolt12::tlv::{BlindedPath, BlindedPathHop, BlindedPayinfo, PayerProofTlvs};
use bolt12::{merkle, Invoice, InvoiceBuilder, InvoiceRequestBuilder, OfferBuilder};
use bolt12_toolkit_fuzz::assert_json_agrees;
use libfuzzer_sys::fuzz_target;
use secp256k1::{Keypair, SecretKey, SECP256K1};
use wire::{SciddirOrPubkey, TlvStreamReader};

const PREIMAGE: [u8; 32] = [0x42; 32];

fn keypair(byte: u8) -> Keypair {
    Keypair::from_secret_key(SECP256K1, &SecretKey::from_slice(&[byte; 32]).expect("key"))
}

/// A signed invoice with offer, request and invoice fields, paid by key 2.
fn invoice() -> &'static Invoice {
    static INVOICE: OnceLock<Invoice> = OnceLock::new();
    INVOICE.get_or_init(|| {
        let issuer = keypair(1);
        let payer = keypair(2);
        let offer = OfferBuilder::new()
            .description("coffee")
            .amount_msat(5_000)
            .issuer("shop")
            .issuer_id(issuer.public_key())
            .quantity_max(10)
            .build()
            .expect("offer");
        let req = InvoiceRequestBuilder::new(&offer, vec![0xaa; 16], payer.public_key())
            .expect("builder")
            .quantity(3)
            .payer_note("note")
            .build_and_sign(&payer, 1_700_000_000)
            .expect("request");
        let path = BlindedPath {
            first_node_id: SciddirOrPubkey::Pubkey(keypair(9).public_key().into()),
            first_path_key: keypair(8).public_key().into(),
            path: vec![BlindedPathHop {
                blinded_node_id: issuer.public_key().into(),
                encrypted_recipient_data: vec![2; 12],
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
        .expect("invoice builder")
        .relative_expiry(600)
        .build_and_sign(&issuer)
        .expect("invoice")
    })
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
    let proof = PayerProof::create(inv, &PREIMAGE, &keypair(2), reveal, &note, layout)
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
