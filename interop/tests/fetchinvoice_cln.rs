//! BOLT 12 over onion messages against real Core Lightning: our payer (`messenger`) fetches
//! invoices for the node's offers over TCP and WebSocket, straight and through another node;
//! the node's `invoice_error` comes back typed; `bolt12 fetchinvoice` as a process; and the
//! node's own `fetchinvoice` gets an invoice from our responder.
mod common;

use std::time::Duration;

use bolt12::Offer;
use cln_interop::{Node, NodeOptions};
use messenger::payer::{fetch_invoice, FetchOptions};
use messenger::route::RouteKind;
#[allow(unused_imports)]
use messenger::DropReason;
use messenger::{FetchError, OnionPeer};
use serde_json::{json, Value};

const BOUND: Duration = Duration::from_secs(60);

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

fn config() -> lnsocket::Config {
    lnsocket::Config {
        ping_interval: None,
        ..lnsocket::Config::default()
    }
}

fn offer(node: &Node, amount: &str, description: &str) -> Offer {
    let made = node
        .rpc(
            "offer",
            json!({"amount": amount, "description": description}),
        )
        .expect("offer");
    made["bolt12"]
        .as_str()
        .expect("bolt12")
        .parse()
        .expect("our reader takes CLN's offer")
}

fn options() -> FetchOptions {
    FetchOptions {
        timeout: Duration::from_secs(30),
        ..FetchOptions::default()
    }
}

/// The node's `decode` of an invoice string.
fn cln_decode(node: &Node, s: &str) -> Value {
    node.rpc("decode", json!({ "string": s })).expect("decode")
}

#[test]
fn fetches_an_invoice_for_the_nodes_offer_over_tcp_and_websocket() {
    let node = Node::start(&NodeOptions::with_websocket()).expect("node starts");
    common::wait_listening(&node);
    let offer = offer(&node, "1000msat", "coffee over onion messages");
    let rt = runtime();
    for target in [
        node.tcp_address(),
        format!("{}@{}", node.id, node.ws_url().expect("websocket")),
    ] {
        let fetched = rt.block_on(async {
            let mut peer = OnionPeer::connect(&target, None, config())
                .await
                .expect("connect");
            tokio::time::timeout(BOUND, fetch_invoice(&mut peer, &offer, &options()))
                .await
                .expect("bounded")
        });
        let fetched = fetched.unwrap_or_else(|e| panic!("{target}: {e}\n{}", node.log_tail()));
        assert_eq!(fetched.route, RouteKind::DirectToIssuer);
        let inv = &fetched.invoice;
        assert_eq!(inv.amount_msat(), 1000);
        assert_eq!(hex::encode(inv.node_id().as_bytes()), node.id);
        assert_eq!(inv.offer_id(), Some(offer.id()));
        // The node's own reading of the invoice it sent us.
        let decoded = cln_decode(&node, &inv.to_string());
        assert_eq!(decoded["type"], "bolt12 invoice", "{decoded}");
        assert_eq!(decoded["valid"], true, "{decoded}");
        assert_eq!(decoded["invoice_amount_msat"], 1000);
        assert_eq!(
            decoded["invreq_payer_id"],
            hex::encode(fetched.request.payer_id().as_bytes())
        );
        // CLN's invoices carry one dummy one-hop blinded path starting at the node.
        let paths = decoded["invoice_paths"].as_array().expect("invoice_paths");
        assert_eq!(paths.len(), 1);
        assert_eq!(paths[0]["first_node_id"], node.id);
        // The node knows the invoice it issued for its offer.
        let listed = node
            .rpc("listinvoices", json!({ "invstring": inv.to_string() }))
            .expect("listinvoices");
        assert_eq!(
            listed["invoices"].as_array().map(Vec::len),
            Some(1),
            "{listed}"
        );
    }
}
