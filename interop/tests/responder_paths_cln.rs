//! Our responder (`messenger::Responder`) hidden behind a Core Lightning node: it connects
//! out to node A, and its offers' blinded path is introduced by A (BOLT 4 §"Route
//! Blinding"; BOLT 12 §"Offers", `offer_paths`). Node B (connected to A) fetches the
//! invoice with Core Lightning's own `fetchinvoice`: the request goes B -> A -> us along the
//! path, our invoice back along B's reply path through A. Our payer fetches it too,
//! connected to B and to A. Then invoices carrying the caller's blinded payment path (built
//! with `onion::payment_path`, introduced by A): Core Lightning's `decode` shows exactly those
//! paths and that `blinded_payinfo`, and its `decode` of every invoice is ours.
mod common;

use std::sync::Arc;
use std::time::Duration;

use bolt12::tlv::{BlindedPath, BlindedPayinfo};
use bolt12::{Offer, OfferBuilder};
use cln_interop::{Node, NodeOptions};
use messenger::payer::{fetch_invoice, FetchOptions};
use messenger::responder::{ReplyKind, ServeReport};
use messenger::route::RouteKind;
use messenger::{NodeKey, OnionPeer, Responder, ResponderConfig};
use onion::payment_path::{create_payment_path, ForwardHop, NextHop, Recipient};
use onion::tlv::PaymentRelay;
use secp256k1::PublicKey;
use serde_json::{json, Value};

const BOUND: Duration = Duration::from_secs(60);
/// Core Lightning lets a peer send 4 onion messages at once, then one per 250 ms.
const PACE: Duration = Duration::from_millis(300);

fn config() -> lnsocket::Config {
    lnsocket::Config {
        ping_interval: None,
        ..lnsocket::Config::default()
    }
}

fn node_key(node: &Node) -> PublicKey {
    node.id.parse().expect("node id")
}

fn responder(payment_paths: Option<Vec<(BlindedPath, BlindedPayinfo)>>) -> Arc<Responder> {
    let material = *messenger::keys::random_bytes::<32>().expect("random");
    let config = ResponderConfig {
        payment_paths,
        ..ResponderConfig::default()
    };
    Arc::new(Responder::new(NodeKey::generate().expect("key"), &material, config).expect("r"))
}

/// An offer of `r` whose one blinded path is introduced by `intro`.
fn offer_via(r: &Responder, intro: &Node, msat: u64, description: &str) -> Offer {
    let regtest = bolt12::json::chain_by_name("regtest").expect("regtest");
    let offer = r
        .create_offer_with_path_via(
            OfferBuilder::new()
                .description(description)
                .amount_msat(msat)
                .chains(vec![regtest]),
            node_key(intro),
        )
        .expect("offer");
    let path = &offer.paths()[0];
    assert_eq!(
        path.first_node_id,
        bolt12::wire::SciddirOrPubkey::Pubkey(bolt12::wire::Point::from(node_key(intro)))
    );
    assert_eq!(path.path.len(), 2, "intro -> us");
    offer
}

/// Connects `r` out to `node` as its own identity and serves the connection until it
/// closes; waits (bounded) until the node lists it as a connected peer.
fn serve_at(
    rt: &tokio::runtime::Runtime,
    r: &Arc<Responder>,
    node: &Node,
) -> tokio::task::JoinHandle<ServeReport> {
    let mut peer = rt
        .block_on(OnionPeer::connect(
            &node.tcp_address(),
            Some(r.node_key().clone()),
            config(),
        ))
        .expect("our responder connects to the node");
    let id = r.node_id().to_string();
    let deadline = std::time::Instant::now() + BOUND;
    loop {
        let peers = node
            .rpc("listpeers", json!({ "id": id }))
            .expect("listpeers");
        if peers["peers"][0]["connected"] == true {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{peers}");
        std::thread::sleep(Duration::from_millis(50));
    }
    let r = r.clone();
    rt.spawn(async move { r.serve(&mut peer).await })
}

/// `node`'s `fetchinvoice` of `offer`: the invoice string, after its payer checks passed.
fn cln_fetch(node: &Node, offer: &Offer) -> String {
    std::thread::sleep(PACE);
    let got = node
        .rpc_timeout(
            "fetchinvoice",
            json!({ "offer": offer.to_string(), "timeout": 30 }),
            BOUND,
        )
        .unwrap_or_else(|e| panic!("fetchinvoice: {e:?}\n{}", node.log_tail()));
    assert_eq!(got["changes"], json!({}), "{got}");
    got["invoice"].as_str().expect("invoice").to_string()
}

/// Our payer connected to `node` fetches `offer`'s invoice.
fn our_fetch(
    rt: &tokio::runtime::Runtime,
    node: &Node,
    offer: &Offer,
) -> messenger::FetchedInvoice {
    std::thread::sleep(PACE);
    let options = FetchOptions {
        timeout: Duration::from_secs(30),
        ..FetchOptions::default()
    };
    rt.block_on(async {
        let mut peer = OnionPeer::connect(&node.tcp_address(), None, config())
            .await
            .expect("connect");
        let got = tokio::time::timeout(BOUND, fetch_invoice(&mut peer, offer, &options))
            .await
            .expect("bounded");
        peer.close().await;
        got
    })
    .unwrap_or_else(|e| panic!("{e}\n{}", node.log_tail()))
}

/// Core Lightning's `decode` of `lni` is valid and is, byte for byte, ours.
fn decoded_alike(node: &Node, lni: &str) -> Value {
    let theirs = node
        .rpc("decode", json!({ "string": lni }))
        .expect("decode");
    assert_eq!(theirs["valid"], true, "{theirs}");
    let ours = bolt12::json::decode_json(lni).expect("our decode");
    assert_eq!(
        serde_json::to_string(&theirs).expect("json"),
        serde_json::to_string(&ours).expect("json")
    );
    theirs
}

fn two_nodes() -> Vec<Node> {
    let nodes = Node::start_many(2, &NodeOptions::default()).expect("nodes start");
    common::wait_listening(&nodes[0]);
    common::wait_listening(&nodes[1]);
    nodes[1].connect(&nodes[0]).expect("b connects to a");
    nodes
}

#[test]
fn an_offer_path_introduced_by_a_core_lightning_node() {
    let nodes = two_nodes();
    let (a, b) = (&nodes[0], &nodes[1]);
    let rt = common::runtime();
    let r = responder(None);
    let served = serve_at(&rt, &r, a);
    let offer = offer_via(&r, a, 4000, "behind node a");
    let our_id = r.node_id().to_string();

    // B's own fetchinvoice: B -> A -> us along the path, the invoice back through A.
    let lni = cln_fetch(b, &offer);
    let decoded = decoded_alike(b, &lni);
    assert_eq!(decoded["invoice_node_id"], our_id);
    assert_eq!(decoded["offer_issuer_id"], our_id);
    assert_eq!(decoded["invoice_amount_msat"], 4000);
    assert_eq!(decoded["offer_paths"][0]["first_node_id"], a.id);
    let invoice: bolt12::Invoice = lni.parse().expect("our reader takes it");
    assert_eq!(invoice.offer_id(), Some(offer.id()));

    // Our payer through B (B -> A -> us), and connected to A (A -> us), checked.
    let via_b = our_fetch(&rt, b, &offer);
    assert_eq!(via_b.route, RouteKind::ViaPeerToPath { index: 0 });
    let via_a = our_fetch(&rt, a, &offer);
    assert_eq!(via_a.route, RouteKind::PathFromPeer { index: 0 });
    for f in [&via_b, &via_a] {
        assert_eq!(f.invoice.amount_msat(), 4000);
        assert_eq!(hex::encode(f.invoice.node_id().as_bytes()), our_id);
        assert!(f.dropped.is_empty(), "{:?}", f.dropped);
        decoded_alike(a, &f.invoice.to_string());
    }

    // A drops us: the responder's report shows the three invoices and nothing dropped.
    a.rpc("disconnect", json!({ "id": our_id, "force": true }))
        .expect("disconnect");
    let report = rt
        .block_on(async { tokio::time::timeout(BOUND, served).await })
        .expect("bounded")
        .expect("served");
    assert_eq!(report.replies.len(), 3, "{report:?}");
    assert!(report
        .replies
        .iter()
        .all(|k| matches!(k, ReplyKind::Invoice(_))));
    assert_eq!(report.dropped_total, 0, "{report:?}");
}

#[test]
fn invoices_carry_the_callers_blinded_payment_path() {
    let nodes = two_nodes();
    let (a, b) = (&nodes[0], &nodes[1]);
    let rt = common::runtime();
    // The responder's key first: the payment path ends at it.
    let key = NodeKey::generate().expect("key");
    let path_id = messenger::keys::random_bytes::<32>()
        .expect("random")
        .to_vec();
    let (path, payinfo) = create_payment_path(
        &messenger::keys::random_secret().expect("session"),
        &[ForwardHop {
            node_id: node_key(a),
            next: NextHop::NodeId(key.node_id()),
            relay: PaymentRelay {
                cltv_expiry_delta: 42,
                fee_proportional_millionths: 250,
                fee_base_msat: 1000,
            },
            htlc_minimum_msat: 1,
            htlc_maximum_msat: 50_000_000,
        }],
        &Recipient {
            node_id: key.node_id(),
            path_id,
            // Regtest is at block 101: a path for two weeks of blocks.
            max_cltv_expiry: 101 + 2016,
            min_final_cltv_expiry_delta: 18,
            htlc_minimum_msat: 1,
            htlc_maximum_msat: u64::MAX,
        },
    )
    .expect("payment path");
    assert_eq!(
        (
            payinfo.fee_base_msat,
            payinfo.fee_proportional_millionths,
            payinfo.cltv_expiry_delta
        ),
        (1000, 250, 60)
    );
    let material = *messenger::keys::random_bytes::<32>().expect("random");
    let r = Arc::new(
        Responder::new(
            key,
            &material,
            ResponderConfig {
                payment_paths: Some(vec![(path.clone(), payinfo.clone())]),
                ..ResponderConfig::default()
            },
        )
        .expect("responder"),
    );
    let _served = serve_at(&rt, &r, a);
    let offer = offer_via(&r, a, 6000, "paid through node a");
    // What Core Lightning's decode must show: exactly our path and payinfo.
    let expected = json!([{
        "first_node_id": a.id,
        "first_path_key": path.first_path_key.to_string(),
        "payinfo": {
            "fee_base_msat": 1000,
            "fee_proportional_millionths": 250,
            "cltv_expiry_delta": 60,
            "htlc_minimum_msat": payinfo.htlc_minimum_msat,
            "htlc_maximum_msat": payinfo.htlc_maximum_msat,
            "features": "",
        },
        "path": path.path.iter().map(|h| json!({
            "blinded_node_id": h.blinded_node_id.to_string(),
            "encrypted_recipient_data": hex::encode(&h.encrypted_recipient_data),
        })).collect::<Vec<_>>(),
    }]);

    let lni = cln_fetch(b, &offer);
    let decoded = decoded_alike(b, &lni);
    assert_eq!(decoded["invoice_paths"], expected, "{decoded}");
    assert_eq!(decoded["invoice_amount_msat"], 6000);

    // Our payer's checks accept the same kind of invoice, fetched through B.
    let fetched = our_fetch(&rt, b, &offer);
    assert_eq!(fetched.checks.len(), messenger::payer::CHECKS.len());
    let decoded = decoded_alike(a, &fetched.invoice.to_string());
    assert_eq!(decoded["invoice_paths"], expected, "{decoded}");
    assert_eq!(
        fetched.invoice.tlvs().invoice_blindedpay,
        Some(vec![payinfo])
    );
}
