//! Offers, invoice requests and invoices built and signed by our builders
//! (`bolt12::builder`) are valid for a real Core Lightning node: its `decode` says
//! `valid: true` and prints exactly the fields we print (so the same `offer_id`), and an
//! invoice request we build for one of the node's own offers carries that offer's
//! `offer_id` as the node's `offer` command reported it.
//!
//! (Sending the request to the node over onion messages is not built yet; decoding is
//! what is checked here.)
use bolt12::json::{decode_json_at, REGTEST};
use bolt12::tlv::{BlindedPath, BlindedPathHop, BlindedPayinfo};
use bolt12::wire::{Point, SciddirOrPubkey, Sha256, ShortChannelId};
use bolt12::{InvoiceBuilder, InvoiceRequestBuilder, Offer, OfferBuilder};
use cln_interop::{Node, NodeOptions};
use secp256k1::{Keypair, Secp256k1, SecretKey};
use serde_json::{json, Value};

const NOW: u64 = 1_900_000_000;

fn keypair(byte: u8) -> Keypair {
    Keypair::from_secret_key(
        &Secp256k1::new(),
        &SecretKey::from_slice(&[byte; 32]).expect("key"),
    )
}

fn point(byte: u8) -> Point {
    Point::from(keypair(byte).public_key())
}

fn path(first: SciddirOrPubkey, last: &Keypair) -> BlindedPath {
    BlindedPath {
        first_node_id: first,
        first_path_key: point(8),
        path: vec![
            BlindedPathHop {
                blinded_node_id: point(7),
                encrypted_recipient_data: vec![1; 20],
            },
            BlindedPathHop {
                blinded_node_id: Point::from(last.public_key()),
                encrypted_recipient_data: vec![2; 12],
            },
        ],
    }
}

/// The node's `decode` of `s` is `valid: true` and is exactly our `decode` JSON (keys,
/// values and key order). Returns it.
fn same_and_valid(node: &Node, label: &str, s: &str) -> Value {
    let cln = node
        .rpc("decode", json!({ "string": s }))
        .unwrap_or_else(|e| panic!("{label}: the node refuses our string: {e}\n{s}"));
    assert_eq!(cln["valid"], true, "{label}: {cln:#}");
    let ours = decode_json_at(s, Some(NOW - 10)).unwrap_or_else(|e| panic!("{label}: {e}"));
    assert_eq!(
        serde_json::to_string(&cln).expect("json"),
        serde_json::to_string(&ours).expect("json"),
        "{label}: same fields, values and order"
    );
    cln
}

#[test]
fn our_offers_requests_and_invoices_decode_as_valid_in_core_lightning() {
    let node = Node::start(&NodeOptions {
        currency: true,
        ..NodeOptions::default()
    })
    .expect("node starts");
    let issuer = keypair(0x11);
    let payer = keypair(0x22);

    let offers: Vec<(&str, Offer)> = vec![
        (
            "msat",
            OfferBuilder::new()
                .description("coffee")
                .amount_msat(5_000)
                .issuer_id(issuer.public_key())
                .build()
                .expect("offer"),
        ),
        (
            "every field",
            OfferBuilder::new()
                .description("café ☕ \"quoted\"")
                .amount_msat(21_000)
                .issuer("shop.example.com")
                .issuer_id(issuer.public_key())
                .quantity_max(5)
                .absolute_expiry(NOW + 3600)
                .chains(vec![REGTEST])
                .metadata(vec![0xab; 9])
                .features(vec![0x02])
                .build()
                .expect("offer"),
        ),
        (
            "currency",
            OfferBuilder::new()
                .description("a book")
                .amount_currency("USD", 250)
                .issuer_id(issuer.public_key())
                .quantity_max(0)
                .build()
                .expect("offer"),
        ),
        (
            "no amount",
            OfferBuilder::new()
                .description("donations")
                .issuer_id(issuer.public_key())
                .build()
                .expect("offer"),
        ),
        (
            "paths only",
            OfferBuilder::new()
                .description("private")
                .amount_msat(1)
                .paths(vec![
                    path(SciddirOrPubkey::Pubkey(point(9)), &issuer),
                    path(
                        SciddirOrPubkey::Scid {
                            direction: bolt12::wire::Direction::NodeTwo,
                            scid: ShortChannelId((103 << 40) | (1 << 16)),
                        },
                        &issuer,
                    ),
                ])
                .build()
                .expect("offer"),
        ),
    ];
    for (label, offer) in &offers {
        let cln = same_and_valid(&node, &format!("offer {label}"), &offer.to_string());
        assert_eq!(cln["offer_id"], offer.id().to_string(), "{label}: offer_id");
    }

    // Requests for offers of ours, signed by our payer key, and invoices answering them.
    let (_, every) = &offers[1];
    let request = InvoiceRequestBuilder::new(every, vec![0x5a; 16], payer.public_key())
        .expect("builder")
        .chain(REGTEST)
        .quantity(3)
        .amount_msat(70_000)
        .payer_note("for the \"fish\"")
        .bip_353_name("alice", "example.com")
        .build_and_sign(&payer, NOW)
        .expect("request");
    let cln = same_and_valid(&node, "request for our offer", &request.to_string());
    assert_eq!(cln["offer_id"], every.id().to_string());
    assert_eq!(
        cln["invreq_payer_id"],
        Point::from(payer.public_key()).to_string()
    );
    let payinfo = BlindedPayinfo {
        fee_base_msat: 1000,
        fee_proportional_millionths: 100,
        cltv_expiry_delta: 144,
        htlc_minimum_msat: 1,
        htlc_maximum_msat: 1_000_000_000,
        features: vec![],
    };
    let invoice = InvoiceBuilder::for_request(
        &request,
        NOW,
        Sha256([0x42; 32]),
        vec![(
            path(SciddirOrPubkey::Pubkey(point(9)), &issuer),
            payinfo.clone(),
        )],
    )
    .expect("builder")
    .relative_expiry(600)
    .build_and_sign(&issuer)
    .expect("invoice");
    let cln = same_and_valid(&node, "invoice for our request", &invoice.to_string());
    assert_eq!(cln["offer_id"], every.id().to_string());
    assert_eq!(cln["invoice_amount_msat"], 70_000);

    let (_, private) = &offers[4];
    let request = InvoiceRequestBuilder::new(private, vec![1; 8], payer.public_key())
        .expect("builder")
        .build_and_sign(&payer, NOW)
        .expect("request");
    same_and_valid(
        &node,
        "request for our paths-only offer",
        &request.to_string(),
    );
    let invoice = InvoiceBuilder::for_request(
        &request,
        NOW,
        Sha256([0x43; 32]),
        vec![(path(SciddirOrPubkey::Pubkey(point(9)), &issuer), payinfo)],
    )
    .expect("builder")
    .node_id(issuer.public_key())
    .build_and_sign(&issuer)
    .expect("invoice");
    let cln = same_and_valid(
        &node,
        "invoice without relative_expiry",
        &invoice.to_string(),
    );
    assert_eq!(cln["invoice_relative_expiry"], 7200);

    // Requests we build for the node's own offers carry the offer_id its `offer` returned.
    for (label, params, amount, quantity) in [
        (
            "fixed",
            json!({"amount": "1000msat", "description": "tea"}),
            None,
            None,
        ),
        (
            "any",
            json!({"amount": "any", "description": "tip jar"}),
            Some(12_345),
            None,
        ),
        (
            "quantity",
            json!({"amount": "2sat", "description": "stickers", "quantity_max": 10}),
            Some(8_000),
            Some(4),
        ),
        (
            "currency",
            json!({"amount": "3.50EUR", "description": "a coffee in Paris"}),
            Some(4_000_000),
            None,
        ),
        (
            "recurring",
            json!({"amount": "1sat", "description": "weekly", "recurrence": "1weeks"}),
            None,
            None,
        ),
    ] {
        let made = node
            .rpc("offer", params.clone())
            .unwrap_or_else(|e| panic!("offer {params}: {e}"));
        let offer: Offer = made["bolt12"]
            .as_str()
            .expect("bolt12")
            .parse()
            .expect("the node's offer decodes");
        let mut builder = InvoiceRequestBuilder::new(&offer, vec![0x77; 16], payer.public_key())
            .expect("builder")
            .chain(REGTEST)
            .payer_note("from bolt12-toolkit");
        if let Some(msat) = amount {
            builder = builder.amount_msat(msat);
        }
        if let Some(q) = quantity {
            builder = builder.quantity(q);
        }
        let request = builder.build_and_sign(&payer, NOW).expect("request");
        let cln = same_and_valid(
            &node,
            &format!("request for CLN offer {label}"),
            &request.to_string(),
        );
        assert_eq!(cln["offer_id"], made["offer_id"], "{label}: the offer's id");
        assert_eq!(
            request.offer_id().map(|id| id.to_string()),
            made["offer_id"].as_str().map(String::from)
        );
    }
}
