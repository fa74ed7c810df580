//! Instruction counts for the operations of `benches/offers.rs`, for a measurement that the
//! load of a shared machine cannot disturb: `offers_instructions OP N` runs operation OP N
//! times; running it under `valgrind --tool=callgrind` with two values of N and taking the
//! difference of the totals gives the instructions of one operation (setup cancels out).
//! Without arguments it lists the operations.
//!
//! `cargo bench -p bolt12 --bench offers_instructions --no-run`, then e.g.
//! `valgrind --tool=callgrind --callgrind-out-file=cg.out <binary> ours_offer_typical 200`.
mod fixtures;
use fixtures::*;
use std::hint::black_box;
use std::str::FromStr;

use bolt12::{merkle, Invoice, InvoiceRequest, Offer};
use secp256k1::{schnorr, Message, SECP256K1};

const OPS: &[&str] = &[
    "ours_offer_vectors",
    "ldk_offer_vectors",
    "ours_offer_typical",
    "ldk_offer_typical",
    "ours_offer_two_paths",
    "ldk_offer_two_paths",
    "bare_verify_request",
    "ours_merkle_verify_request",
    "ours_from_bytes_request",
    "bare_verify_invoice",
    "ours_merkle_verify_invoice",
    "ours_from_bytes_invoice",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (ops, n): (Vec<&str>, usize) = if args.len() >= 3 && !args[1].starts_with("--") {
        let n = args[2].parse().expect("N: a number of repetitions");
        (vec![args[1].as_str()], n)
    } else if args.iter().any(|a| a == "--bench") {
        // `cargo bench` runs bench targets with `--bench`: nothing to measure then.
        println!("usage: offers_instructions OP N; OP in {OPS:?}");
        return;
    } else {
        // `cargo test --benches` (the test script): every operation once, as a test.
        println!("offers_instructions: each of {} operations once", OPS.len());
        (OPS.to_vec(), 1)
    };
    let vectors = vector_offers();
    let typical = typical_offer().to_string();
    let two_paths = two_path_offer().to_string();
    let (req, inv) = request_and_invoice();
    let signed =
        |name: &'static str, root: [u8; 32], sig: wire::Bip340Sig, signer: secp256k1::PublicKey| {
            let msg = Message::from_digest(merkle::signature_digest(name, "signature", &root));
            let sig64 = schnorr::Signature::from_slice(&sig.0).unwrap();
            (
                name,
                root,
                sig,
                signer,
                msg,
                sig64,
                signer.x_only_public_key().0,
            )
        };
    let r = signed(
        "invoice_request",
        req.merkle_root(),
        req.tlvs().signature.unwrap(),
        req.payer_id().to_pubkey().unwrap(),
    );
    let i = signed(
        "invoice",
        inv.merkle_root(),
        inv.tlvs().signature.unwrap(),
        inv.node_id().to_pubkey().unwrap(),
    );
    for op in ops {
        for _ in 0..n {
            match op {
                "ours_offer_vectors" => vectors
                    .iter()
                    .for_each(|s| drop(black_box(Offer::from_str(black_box(s)).unwrap()))),
                "ldk_offer_vectors" => vectors.iter().for_each(|s| {
                    drop(black_box(
                        lightning::offers::offer::Offer::from_str(black_box(s)).unwrap(),
                    ))
                }),
                "ours_offer_typical" => {
                    drop(black_box(Offer::from_str(black_box(&typical)).unwrap()))
                }
                "ldk_offer_typical" => drop(black_box(
                    lightning::offers::offer::Offer::from_str(black_box(&typical)).unwrap(),
                )),
                "ours_offer_two_paths" => {
                    drop(black_box(Offer::from_str(black_box(&two_paths)).unwrap()))
                }
                "ldk_offer_two_paths" => drop(black_box(
                    lightning::offers::offer::Offer::from_str(black_box(&two_paths)).unwrap(),
                )),
                "bare_verify_request" => assert!(SECP256K1
                    .verify_schnorr(black_box(&r.5), black_box(&r.4), black_box(&r.6))
                    .is_ok()),
                "ours_merkle_verify_request" => assert!(merkle::verify(
                    r.0,
                    "signature",
                    black_box(&r.1),
                    black_box(&r.2),
                    black_box(&wire::Point::from(r.3))
                )),
                "ours_from_bytes_request" => drop(black_box(
                    InvoiceRequest::from_bytes(black_box(req.as_bytes().to_vec())).unwrap(),
                )),
                "bare_verify_invoice" => assert!(SECP256K1
                    .verify_schnorr(black_box(&i.5), black_box(&i.4), black_box(&i.6))
                    .is_ok()),
                "ours_merkle_verify_invoice" => assert!(merkle::verify(
                    i.0,
                    "signature",
                    black_box(&i.1),
                    black_box(&i.2),
                    black_box(&wire::Point::from(i.3))
                )),
                "ours_from_bytes_invoice" => drop(black_box(
                    Invoice::from_bytes(black_box(inv.as_bytes().to_vec())).unwrap(),
                )),
                other => panic!("unknown op {other}; one of {OPS:?}"),
            }
        }
    }
}
