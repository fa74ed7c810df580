//! Payer proofs (DRAFT, lightning/bolts#1295): made from a real signed invoice, read back,
//! every reveal choice round trips and verifies; each reader rule fails with its own error.
use std::str::FromStr;

use bolt12::payer_proof::{Layout, PayerProof, PayerProofError, ALWAYS_REVEALED};
use bolt12::tlv::{PayerProofTlvs, PayerSignature};
use bolt12::Invoice;
use wire::{Sha256, TlvStreamReader};

mod common;
use common::{kp, paid_invoice, PREIMAGE};

const LAYOUTS: [Layout; 2] = [Layout::Draft, Layout::CoreLightning];

fn invoice_types(inv: &Invoice) -> Vec<u64> {
    TlvStreamReader::new(inv.as_bytes(), "i")
        .map(|r| r.unwrap().tlv_type)
        .filter(|t| !bolt12::merkle::is_signature_type(*t))
        .collect()
}

fn proof(inv: &Invoice, reveal: &[u64], note: &str, layout: Layout) -> PayerProof {
    PayerProof::create(
        inv,
        &PREIMAGE,
        &kp(2),
        |t| reveal.contains(&t),
        note,
        layout,
    )
    .unwrap()
}

fn reread(tlvs: &PayerProofTlvs) -> Result<PayerProof, PayerProofError> {
    PayerProof::from_bytes(tlvs.encode().unwrap())
}

#[test]
fn every_single_reveal_and_all_reveal_round_trip_in_both_layouts() {
    let inv = paid_invoice();
    let types = invoice_types(&inv);
    let mut choices: Vec<Vec<u64>> = vec![vec![], types[1..].to_vec()];
    choices.extend(types[1..].iter().map(|t| vec![*t]));
    // Pairs of neighbours too: consecutive omitted subtrees of every shape.
    choices.extend(types[1..].windows(2).map(|w| w.to_vec()));
    for layout in LAYOUTS {
        for reveal in &choices {
            let p = proof(&inv, reveal, "challenge 7", layout);
            let again = PayerProof::from_str(&p.to_string()).unwrap();
            assert_eq!(again, p);
            assert!(p.to_string().starts_with("lnp1"));
            assert_eq!(p.layout(), layout);
            assert_eq!(p.invoice_merkle_root(), inv.merkle_root());
            assert_eq!(p.note(), "challenge 7");
            assert_eq!(p.preimage(), Some(PREIMAGE));
            assert_eq!(p.payer_id(), Some(kp(2).public_key().into()));
            assert_eq!(p.node_id(), Some(inv.node_id()));
            // Exactly the revealed and the required fields are there, never type 0.
            let shown: Vec<u64> = TlvStreamReader::new(p.as_bytes(), "p")
                .map(|r| r.unwrap().tlv_type)
                .filter(|t| types.contains(t))
                .collect();
            let expected: Vec<u64> = types
                .iter()
                .copied()
                .filter(|t| *t != 0 && (reveal.contains(t) || ALWAYS_REVEALED.contains(t)))
                .collect();
            assert_eq!(shown, expected, "{layout:?} {reveal:?}");
        }
    }
}

#[test]
fn omitted_markers_follow_the_draft_numbering() {
    let inv = paid_invoice();
    let types = invoice_types(&inv);
    // 0 invreq_metadata, 10 description, 8 amount... the invoice's types, in order.
    assert_eq!(
        types,
        [0, 8, 10, 14, 18, 20, 22, 86, 88, 89, 160, 162, 164, 166, 168, 170, 176]
    );
    let p = proof(&inv, &[10, 22, 164, 170], "", Layout::Draft);
    // Omitted: 8 (first: 1), 14 (after included 10: 11), 18 (12), 20 (13), 86 (after 22:
    // 23), 89 (after 88: 89), 160 (90), 162 (91), 166 (after 164: 165).
    assert_eq!(
        p.tlvs().omitted_tlvs.as_deref(),
        Some(&[1, 11, 12, 13, 23, 89, 90, 91, 165][..])
    );
    assert_eq!(p.tlvs().leaf_hashes.as_ref().map(Vec::len), Some(7));
}

#[test]
fn missing_hashes_are_ascending_in_the_draft_and_post_order_in_core_lightning() {
    let inv = paid_invoice();
    // 17 leaves: 0..16 on the left (two 8-leaf halves), 176 alone on the right. With 170
    // (and the required 88, 168, 176) revealed, the first 8-leaf half is wholly omitted: the
    // draft lists its hash first (left to right), Core Lightning after the hashes inside
    // the second half (when their parent combines).
    let reveal = [170];
    let draft = proof(&inv, &reveal, "", Layout::Draft);
    let cln = proof(&inv, &reveal, "", Layout::CoreLightning);
    let mut a = draft.tlvs().missing_hashes.clone().unwrap();
    let mut b = cln.tlvs().proof_missing_hashes.clone().unwrap();
    assert_ne!(a, b, "the orders differ for this choice");
    // The draft's order is the other's with the left subtree first: same set.
    a.sort();
    b.sort();
    assert_eq!(a, b);
    // A draft proof with its hashes in the other order does not rebuild the root.
    let mut t = draft.tlvs().clone();
    t.missing_hashes = cln.tlvs().proof_missing_hashes.clone();
    assert_eq!(reread(&t), Err(PayerProofError::InvalidInvoiceSignature));
}

#[test]
fn core_lightning_layout_signs_the_proof_stream() {
    let inv = paid_invoice();
    let p = proof(&inv, &[10], "", Layout::CoreLightning);
    assert!(p.tlvs().proof_note.is_none(), "empty note is omitted");
    assert!(p.tlvs().payer_signature.is_none());
    // Changing the note after signing breaks proof_signature, not the invoice signature.
    let mut t = p.tlvs().clone();
    t.proof_note = Some("other".into());
    assert_eq!(
        reread(&t),
        Err(PayerProofError::InvalidPayerSignature("proof_signature"))
    );
}

#[test]
fn creating_refuses_wrong_inputs() {
    let inv = paid_invoice();
    let make = |pre: &[u8; 32], key: u8, reveal: &dyn Fn(u64) -> bool| {
        PayerProof::create(&inv, pre, &kp(key), reveal, "", Layout::Draft)
    };
    assert_eq!(
        make(&[0; 32], 2, &|_| false),
        Err(PayerProofError::IncorrectPreimage)
    );
    assert_eq!(
        make(&PREIMAGE, 3, &|_| false),
        Err(PayerProofError::WrongPayerKey)
    );
    assert_eq!(
        make(&PREIMAGE, 2, &|t| t == 0),
        Err(PayerProofError::RevealsMetadata)
    );
}

#[test]
fn each_reader_rule_fails_with_its_error() {
    use PayerProofError as E;
    let inv = paid_invoice();
    let p = proof(&inv, &[10, 22, 164, 170], "note", Layout::Draft);
    let base = p.tlvs().clone();
    let check = |f: &dyn Fn(&mut PayerProofTlvs), want: E| {
        let mut t = base.clone();
        f(&mut t);
        assert_eq!(reread(&t), Err(want));
    };
    check(&|t| t.invreq_payer_id = None, E::Missing("invreq_payer_id"));
    check(
        &|t| t.invoice_payment_hash = None,
        E::Missing("invoice_payment_hash"),
    );
    check(&|t| t.invoice_node_id = None, E::Missing("invoice_node_id"));
    check(&|t| t.signature = None, E::Missing("signature"));
    check(&|t| t.payer_signature = None, E::Missing("payer_signature"));
    check(&|t| t.preimage = None, E::Missing("preimage"));
    check(&|t| t.preimage = Some([0; 32]), E::IncorrectPreimage);
    let field = "omitted_tlvs";
    let with_omitted = |o: Vec<u64>| move |t: &mut PayerProofTlvs| t.omitted_tlvs = Some(o.clone());
    check(
        &with_omitted(vec![1, 1]),
        E::OmittedNotAscending { field, index: 1 },
    );
    check(
        &with_omitted(vec![0, 1]),
        E::OmittedZero { field, index: 0 },
    );
    check(
        &with_omitted(vec![1, 11, 241]),
        E::OmittedNotInvoiceField {
            field,
            index: 2,
            marker: 241,
        },
    );
    check(
        &with_omitted(vec![1, 10]),
        E::OmittedIncluded {
            field,
            index: 1,
            marker: 10,
        },
    );
    check(
        &with_omitted(vec![1, 12]),
        E::OmittedNotAdjacent {
            field,
            index: 1,
            previous: 1,
        },
    );
    check(
        &|t| {
            t.leaf_hashes.as_mut().unwrap().pop();
        },
        E::NotEnoughLeafHashes("leaf_hashes"),
    );
    check(
        &|t| t.leaf_hashes.as_mut().unwrap().push(Sha256([3; 32])),
        E::TooManyLeafHashes("leaf_hashes"),
    );
    check(
        &|t| {
            t.missing_hashes.as_mut().unwrap().pop();
        },
        E::NotEnoughMissingHashes("missing_hashes"),
    );
    check(
        &|t| t.missing_hashes.as_mut().unwrap().push(Sha256([3; 32])),
        E::TooManyMissingHashes("missing_hashes"),
    );
    // A wrong leaf nonce, or a changed revealed field, changes the root.
    check(
        &|t| t.leaf_hashes.as_mut().unwrap()[0] = Sha256([3; 32]),
        E::InvalidInvoiceSignature,
    );
    check(
        &|t| t.offer_description = Some("tea".into()),
        E::InvalidInvoiceSignature,
    );
    // One marker fewer: the tree has one leaf fewer, and another shape.
    check(
        &|t| {
            t.omitted_tlvs.as_mut().unwrap().pop();
        },
        E::TooManyMissingHashes("missing_hashes"),
    );
    check(
        &|t| {
            t.payer_signature = Some(PayerSignature {
                sig: base.payer_signature.clone().unwrap().sig,
                note: "another note".into(),
            })
        },
        E::InvalidPayerSignature("payer_signature"),
    );
    check(&|t| t.proof_note = Some("x".into()), E::MixedLayouts);
}

#[test]
fn invreq_metadata_and_unknown_even_records_are_refused() {
    let inv = paid_invoice();
    let p = proof(&inv, &[], "", Layout::Draft);
    // Type 0 in front of the proof: not a payer_proof field (unknown even).
    let mut bytes = vec![0, 1, 0xaa];
    bytes.extend_from_slice(p.as_bytes());
    assert!(matches!(
        PayerProof::from_bytes(bytes),
        Err(PayerProofError::Parse(_))
    ));
    assert!(matches!(
        PayerProof::from_str(&p.to_string().replacen("lnp", "lni", 1)),
        Err(PayerProofError::Parse(
            bolt12::ParseError::WrongPrefix { .. }
        ))
    ));
}

#[test]
fn decode_json_shows_both_layouts_and_refuses_bad_proofs() {
    let inv = paid_invoice();
    let draft = proof(&inv, &[10], "hi", Layout::Draft);
    let j = bolt12::json::decode_json_at(&draft.to_string(), None).unwrap();
    assert_eq!(j["type"], "bolt12 payer_proof");
    assert_eq!(j["offer_description"], "coffee");
    assert!(
        j.get("invreq_payer_note").is_none(),
        "omitted fields stay hidden"
    );
    assert_eq!(j["payer_signature"]["note"], "hi");
    assert_eq!(j["preimage"], "42".repeat(32));
    assert_eq!(j["valid"], true);
    let cln = proof(&inv, &[10], "hi", Layout::CoreLightning);
    let j = bolt12::json::decode_json_at(&cln.to_string(), None).unwrap();
    assert_eq!(j["proof_note"], "hi");
    assert!(j.get("payer_signature").is_none());
    let mut t = draft.tlvs().clone();
    t.preimage = Some([0; 32]);
    let bad = bolt12::string::encode("lnp", &t.encode().unwrap());
    let err = bolt12::json::decode_json_at(&bad, None).unwrap_err();
    assert_eq!(err.to_string(), "invalid payer_proof: Incorrect preimage");
    assert!(err.cln_json().is_none());
}
