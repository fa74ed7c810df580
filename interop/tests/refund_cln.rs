//! Refunds (invoice requests without an offer, the send-invoice flow) against real Core
//! Lightning v26.06.6:
//!
//! - our refunds, signed as Core Lightning signs its own, decode in the node as
//!   `valid: true` with exactly our `decode` JSON; unsigned ones (BOLT 12's writer form,
//!   LDK's) are `valid: false` in the node, with the same object from us;
//! - the node's `invoicerequest` strings parse as our [`Refund`] with the fields the node
//!   decodes;
//! - the invoice the node's `sendinvoice` makes for its peer's `invoicerequest` passes our
//!   payer checks against that request (and fails them against another request);
//! - the node's `sendinvoice` for *our* refund sends its invoice over an onion message to
//!   our `invreq_payer_id`, which is our connected peer identity (messenger's `OnionPeer`);
//!   we peel it and it passes our payer checks. That refund is made by `bolt12
//!   invoicerequest --sign` (build the CLI first: `cargo build -p bolt12-cli`).
use std::time::{Duration, Instant};

use bolt12::json::{decode_json_at, REGTEST};
use bolt12::tlv::{BlindedPath, BlindedPathHop};
use bolt12::wire::{Point, SciddirOrPubkey};
use bolt12::{Invoice, PayerCheckError, Refund, RefundBuilder};
use cln_interop::{Node, NodeOptions};
use messenger::{NodeKey, OnionPeer, OnionTransport};
use secp256k1::{Keypair, SecretKey, SECP256K1};
use serde_json::{json, Value};

mod common;

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

fn keypair(byte: u8) -> Keypair {
    Keypair::from_secret_key(SECP256K1, &SecretKey::from_slice(&[byte; 32]).expect("key"))
}

fn point(byte: u8) -> Point {
    Point::from(keypair(byte).public_key())
}

fn path() -> BlindedPath {
    BlindedPath {
        first_node_id: SciddirOrPubkey::Pubkey(point(9)),
        first_path_key: point(8),
        path: vec![
            BlindedPathHop {
                blinded_node_id: point(7),
                encrypted_recipient_data: vec![1; 20],
            },
            BlindedPathHop {
                blinded_node_id: point(6),
                encrypted_recipient_data: vec![2; 12],
            },
        ],
    }
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("string in {v}"))
}

/// The node's `decode` of `s`, and ours: the same JSON, key order included.
fn decode_both(node: &Node, label: &str, s: &str) -> Value {
    let cln = node
        .rpc("decode", json!({ "string": s }))
        .unwrap_or_else(|e| panic!("{label}: the node refuses the string: {e}\n{s}"));
    let ours = match decode_json_at(s, Some(now())) {
        Ok(v) => v,
        Err(e) => e
            .cln_json()
            .unwrap_or_else(|| panic!("{label}: we refuse it with no object: {e}")),
    };
    assert_eq!(
        serde_json::to_string(&cln).expect("json"),
        serde_json::to_string(&ours).expect("json"),
        "{label}: same decode"
    );
    cln
}

#[test]
fn our_refunds_decode_in_the_node_as_we_decode_them() {
    let node = Node::start(&NodeOptions::default()).expect("node starts");
    let t = now();
    let payer = keypair(21);
    let shapes: Vec<(&str, RefundBuilder)> = vec![
        (
            "plain",
            RefundBuilder::new(vec![1; 16], payer.public_key(), 5000, "refund"),
        ),
        (
            "every field",
            RefundBuilder::new(vec![2; 32], payer.public_key(), 123_456, "order 7 ☕")
                .absolute_expiry(t + 3600)
                .issuer("Shop")
                .paths(vec![path()])
                .chain(REGTEST)
                .quantity(2)
                .payer_note("sorry"),
        ),
    ];
    for (label, builder) in shapes {
        let signed = builder.clone().build_and_sign(&payer).expect("signed");
        let s = signed.to_string();
        let cln = decode_both(&node, label, &s);
        assert_eq!(cln["type"], "bolt12 invoice_request", "{label}");
        assert_eq!(cln["valid"], true, "{label}: {cln:#}");
        assert_eq!(cln["invreq_amount_msat"], signed.amount_msat(), "{label}");
        assert_eq!(cln["offer_description"], signed.description(), "{label}");
        assert_eq!(
            cln["invreq_payer_id"],
            hex::encode(signed.payer_id().as_bytes()),
            "{label}"
        );
        // The unsigned form (BOLT 12's writer rule, LDK's refunds): the node says
        // `valid: false` (warning_missing_invoice_request_signature), and so do we.
        let unsigned = builder.build().expect("unsigned");
        assert!(!unsigned.is_signed());
        let cln = decode_both(&node, &format!("{label} unsigned"), &unsigned.to_string());
        assert_eq!(cln["valid"], false, "{label}: {cln:#}");
        assert_eq!(
            cln["warning_missing_invoice_request_signature"], "Missing signature",
            "{label}"
        );
    }
}

/// `invoicerequest` on the payer (`a`), `sendinvoice` on the payee (`b`): the request parses
/// as our refund with the node's fields; the invoice (from `b`'s `listinvoices`: `a`
/// cannot pay without channels, so `sendinvoice` fails, but the invoice stays) passes our
/// payer checks against the request, and fails them against another one.
#[test]
fn the_nodes_invoicerequest_and_sendinvoice_pass_our_checks() {
    let nodes = Node::start_many(2, &NodeOptions::default()).expect("nodes start");
    let (a, b) = (&nodes[0], &nodes[1]);
    a.connect(b).expect("connect");
    let t = now();
    let mut made = Vec::new();
    for (i, params) in [
        json!({"amount": "5000msat", "description": "refund"}),
        json!({"amount": "7sat", "description": "atm", "issuer": "Bob", "absolute_expiry": t + 3600}),
    ]
    .into_iter()
    .enumerate()
    {
        let r = a.rpc("invoicerequest", params.clone()).expect("invoicerequest");
        let s = text(&r["bolt12"]).to_owned();
        let refund: Refund = s.parse().unwrap_or_else(|e| panic!("{params}: {e}"));
        assert!(refund.is_signed(), "the node signs its invoicerequest");
        let cln = decode_both(a, &format!("invoicerequest {i}"), &s);
        assert_eq!(cln["valid"], true);
        assert_eq!(cln["invreq_amount_msat"], refund.amount_msat());
        assert_eq!(cln["offer_description"], refund.description());
        assert_eq!(cln["invreq_payer_id"], hex::encode(refund.payer_id().as_bytes()));
        assert_eq!(
            cln["offer_absolute_expiry"].as_u64(),
            refund.absolute_expiry(),
            "{params}"
        );
        assert_eq!(
            cln["invreq_chain"].as_str(),
            refund.tlvs().invreq_chain.map(|c| hex::encode(c.0)).as_deref()
        );
        assert_eq!(refund.chain(), REGTEST);
        made.push(refund);
    }
    for (i, refund) in made.iter().enumerate() {
        // The node rate-limits onion messages per peer: pace the sends.
        std::thread::sleep(Duration::from_millis(300));
        let label = format!("refund-{i}");
        let _ = b.rpc_timeout(
            "sendinvoice",
            json!({"invreq": refund.to_string(), "label": label, "timeout": 3600}),
            Duration::from_secs(30),
        );
        let listed = b
            .rpc("listinvoices", json!({ "label": label }))
            .expect("listinvoices");
        let s = text(&listed["invoices"][0]["bolt12"]);
        let invoice: Invoice = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
        let t = now();
        refund
            .check_invoice(&invoice, t, &[REGTEST], None)
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_eq!(invoice.amount_msat(), refund.amount_msat());
        assert_eq!(
            listed["invoices"][0]["payment_hash"],
            hex::encode(invoice.payment_hash().0)
        );
        // The invoice names the payee: `b`'s node id (no offer: confirmed out of band).
        let b_id = Point::from_slice(&hex::decode(&b.id).expect("hex")).expect("point");
        refund
            .check_invoice(&invoice, t, &[REGTEST], Some(&b_id))
            .unwrap_or_else(|e| panic!("{label}: invoice_node_id: {e}"));
        assert_eq!(
            refund.check_invoice(&invoice, t, &[REGTEST], Some(&point(5))),
            Err(PayerCheckError::NodeIdMismatch)
        );
        // Against the other request: a mirrored field differs.
        let other = &made[1 - i];
        assert!(matches!(
            other.check_invoice(&invoice, t, &[REGTEST], None),
            Err(PayerCheckError::FieldMismatch { .. })
        ));
        // On a chain we do not pay on.
        assert_eq!(
            refund.check_invoice(&invoice, t, &[bolt12::wire::ChainHash::BITCOIN], None),
            Err(PayerCheckError::UnsupportedChain)
        );
    }
}

/// Our refund, answered by the node's `sendinvoice`: with no `invreq_paths` the invoice goes
/// to `invreq_payer_id`, our peer identity on a connection to the node, as an onion
/// message; we peel it and check it as the payer.
#[test]
fn the_nodes_sendinvoice_answers_our_refund_over_onion_messages() {
    let node = Node::start(&NodeOptions::default()).expect("node starts");
    common::wait_listening(&node);
    let secret = [33u8; 32];
    let payer = Keypair::from_secret_key(SECP256K1, &SecretKey::from_slice(&secret).expect("key"));
    // The refund comes from `bolt12 invoicerequest`, as a user would make it.
    let expiry = (now() + 600).to_string();
    let run = common::run_cli(
        &[
            "invoicerequest",
            "--amount-msat",
            "21000",
            "--description",
            "our refund, their invoice",
            "--issuer-key",
            &hex::encode(secret),
            "--chain",
            "regtest",
            "--absolute-expiry",
            &expiry,
            "--sign",
        ],
        Duration::from_secs(30),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let refund: Refund = run.stdout.trim().parse().expect("a refund");
    assert!(refund.is_signed());
    assert_eq!(refund.payer_id(), Point::from(payer.public_key()));
    let rt = common::runtime();
    let config = lnsocket::Config {
        ping_interval: None,
        ..lnsocket::Config::default()
    };
    let mut peer = rt
        .block_on(OnionPeer::connect(
            &node.tcp_address(),
            Some(NodeKey::from_bytes(&secret).expect("key")),
            config,
        ))
        .expect("connect");
    // Wait until the node lists us as a peer.
    let deadline = Instant::now() + Duration::from_secs(20);
    let us = hex::encode(payer.public_key().serialize());
    while node
        .rpc("listpeers", json!({ "id": us }))
        .expect("listpeers")["peers"]
        .as_array()
        .is_none_or(|p| p.is_empty())
    {
        assert!(Instant::now() < deadline, "the node never lists our peer");
        std::thread::sleep(Duration::from_millis(100));
    }
    // `sendinvoice` waits for payment until its timeout; it runs beside the receiver. The
    // invoice's `invoice_relative_expiry` is that timeout (`plugins/fetchinvoice.c`), so the
    // scope below, which joins `sendinvoice`, ends about when the invoice expires: the payer
    // checks run at the time the invoice arrived, as a payer's would.
    let s = refund.to_string();
    let (invoice, arrived) = std::thread::scope(|scope| {
        scope.spawn(|| {
            let _ = node.rpc_timeout(
                "sendinvoice",
                json!({"invreq": s, "label": "ours", "timeout": 10}),
                Duration::from_secs(30),
            );
        });
        rt.block_on(async {
            tokio::time::timeout(Duration::from_secs(30), async {
                loop {
                    let bytes = peer.recv_onion_message().await.expect("onion message");
                    let secret = SecretKey::from_slice(&secret).expect("key");
                    match onion::message::peel_onion_message_bytes(&secret, &bytes) {
                        Ok(onion::message::Peeled::Receive(r)) => {
                            if let Some(onion::message::Payload::Invoice(tlvs)) = r.payload {
                                break (tlvs, now());
                            }
                        }
                        other => panic!("not an invoice for us: {:?}", other.err()),
                    }
                }
            })
            .await
            .expect("the node sends the invoice within 30 s")
        })
    });
    let invoice = Invoice::from_bytes(invoice.encode().expect("encode")).expect("invoice");
    assert_eq!(
        invoice.tlvs().invoice_relative_expiry,
        Some(10),
        "sendinvoice's timeout"
    );
    refund
        .check_invoice(&invoice, arrived, &[REGTEST], None)
        .expect("payer checks");
    let node_id = Point::from_slice(&hex::decode(&node.id).expect("hex")).expect("point");
    refund
        .check_invoice(&invoice, arrived, &[REGTEST], Some(&node_id))
        .expect("invoice_node_id is the node's id");
    let listed = node
        .rpc("listinvoices", json!({"label": "ours"}))
        .expect("listinvoices");
    assert_eq!(text(&listed["invoices"][0]["bolt12"]), invoice.to_string());
    rt.block_on(peer.close());
}

/// The node's `invoicerequest` (a refund: the node pays), answered by `bolt12 sendinvoice`
/// through a connection to the node: with no `invreq_paths` (no channels, so no blinded
/// path) the invoice goes straight to `invreq_payer_id`, the node. The node recognises it
/// as answering its own invoice request and tries to pay it (its log: "Attempting payment
/// of ... for invoice_request <invreq_id>", `plugins/offers_inv_hook.c`); without channels
/// the payment fails and the node answers along our reply path with an `invoice_error`
/// ("pay attempt failed"), which the command reports (exit 1).
#[test]
fn our_sendinvoice_answers_the_nodes_invoicerequest() {
    let node = Node::start(&NodeOptions::default()).expect("node starts");
    common::wait_listening(&node);
    let made = node
        .rpc(
            "invoicerequest",
            json!({"amount": "12345msat", "description": "refund for order 9"}),
        )
        .expect("invoicerequest");
    let lnr = text(&made["bolt12"]).to_owned();
    let refund: Refund = lnr.parse().expect("a refund");
    assert!(refund.paths().is_empty(), "no channels: no invreq_paths");
    let node_id = Point::from_slice(&hex::decode(&node.id).expect("hex")).expect("point");
    assert_eq!(refund.payer_id(), node_id);
    let payee = keypair(44);
    let via = node.tcp_address();
    let run = common::run_cli(
        &[
            "sendinvoice",
            &lnr,
            "--via",
            &via,
            "--issuer-key",
            &hex::encode(payee.secret_bytes()),
            "--timeout",
            "20",
        ],
        Duration::from_secs(60),
    );
    assert_eq!(
        run.code,
        Some(1),
        "the node's invoice_error: {}",
        run.stderr
    );
    assert!(
        run.stderr.starts_with("error: invoice_error: ")
            && run.stderr.contains("pay attempt failed"),
        "stderr: {}",
        run.stderr
    );
    let out: Value = serde_json::from_str(&run.stdout).expect("json on stdout");
    assert_eq!(
        out["route"],
        "direct to invreq_payer_id (the connected peer)"
    );
    let error = text(&out["reply"]["invoice_error"]["error"]);
    assert!(error.contains("pay attempt failed"), "{error}");
    // The invoice sent: it answers the node's refund and names our payee key.
    let invoice: Invoice = text(&out["invoice"]).parse().expect("invoice");
    refund
        .check_invoice(&invoice, now(), &[REGTEST], Some(&point(44)))
        .expect("the invoice answers the refund");
    assert_eq!(out["invoice_amount_msat"], 12_345);
    assert_eq!(out["payment_preimage"].as_str().map(str::len), Some(64));
    // The node handled it: recognised its invoice request and tried to pay the invoice.
    let invreq_id = text(&made["invreq_id"]).to_owned();
    let log = std::fs::read_to_string(node.lightning_dir().join("log")).expect("node log");
    assert!(
        log.contains(&format!(
            "Attempting payment of 12345msat for invoice_request {invreq_id}"
        )),
        "{}",
        node.log_tail()
    );
    // Its error names our invoice.
    assert!(error.contains(&invoice.to_string()), "{error}");
}
