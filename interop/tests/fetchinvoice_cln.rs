//! BOLT 12 over onion messages against real Core Lightning: our payer (`messenger`) fetches
//! invoices for the node's offers over TCP and WebSocket, straight and through another node;
//! the node's `invoice_error` comes back typed; `bolt12 fetchinvoice` as a process; and the
//! node's own `fetchinvoice` gets an invoice from our responder; concurrent fetches on one
//! connection through messenger's pump and hub.
mod common;

use std::time::Duration;

use bolt12::Offer;
use cln_interop::{Node, NodeOptions};
use messenger::payer::{fetch_invoice, FetchOptions};
use messenger::route::RouteKind;
use messenger::DropReason;
use messenger::{FetchError, OnionPeer};
use serde_json::{json, Value};

const BOUND: Duration = Duration::from_secs(60);

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

/// A node id in hex as a `Point`.
fn wire_point(hex_id: &str) -> bolt12::wire::Point {
    bolt12::wire::Point::from_slice(&hex::decode(hex_id).expect("hex")).expect("point")
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
    let rt = common::runtime();
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

#[test]
fn fetches_node_bs_invoice_through_node_a() {
    let nodes = Node::start_many(2, &NodeOptions::default()).expect("nodes start");
    let (a, b) = (&nodes[0], &nodes[1]);
    common::wait_listening(a);
    common::wait_listening(b);
    a.connect(b).expect("a and b connect");
    // With no channels B's offer has only offer_issuer_id: the request goes A -> B.
    let offer = offer(b, "2000msat", "tea through a");
    assert!(offer.paths().is_empty());
    let rt = common::runtime();
    let fetched = rt.block_on(async {
        let mut peer = OnionPeer::connect(&a.tcp_address(), None, config())
            .await
            .expect("connect to a");
        tokio::time::timeout(BOUND, fetch_invoice(&mut peer, &offer, &options()))
            .await
            .expect("bounded")
    });
    let fetched = fetched.unwrap_or_else(|e| panic!("{e}\n{}\n{}", a.log_tail(), b.log_tail()));
    assert_eq!(fetched.route, RouteKind::ViaPeerToIssuer);
    assert_eq!(hex::encode(fetched.invoice.node_id().as_bytes()), b.id);
    assert_eq!(fetched.invoice.amount_msat(), 2000);
    let decoded = cln_decode(a, &fetched.invoice.to_string());
    assert_eq!(decoded["valid"], true, "{decoded}");
    assert_eq!(decoded["invoice_node_id"], b.id);
    // B issued it; A did not.
    let on_b = b
        .rpc(
            "listinvoices",
            json!({ "invstring": fetched.invoice.to_string() }),
        )
        .expect("listinvoices");
    assert_eq!(on_b["invoices"].as_array().map(Vec::len), Some(1), "{on_b}");
}

/// A request for `offer` with `invreq_amount` set to `amount` after building (our builder
/// refuses an amount below the offer's), re-signed by its payer key.
fn request_with_amount(offer: &Offer, amount: u64) -> bolt12::tlv::InvoiceRequestTlvs {
    use secp256k1::{Keypair, SECP256K1};
    let keypair = Keypair::from_secret_key(
        SECP256K1,
        &messenger::keys::random_secret().expect("random key"),
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let mut b = bolt12::InvoiceRequestBuilder::new(offer, vec![7; 32], keypair.public_key())
        .expect("builder");
    if let Some(chain) = offer.chains().first() {
        b = b.chain(*chain);
    }
    let request = b.build_and_sign(&keypair, now).expect("valid request");
    let mut tlvs = request.tlvs().clone();
    tlvs.invreq_amount = Some(amount);
    tlvs.signature = None;
    let unsigned = tlvs.encode().expect("encode");
    let root = bolt12::merkle::root(&unsigned)
        .expect("root")
        .expect("non-empty");
    tlvs.signature = Some(bolt12::merkle::sign(
        "invoice_request",
        "signature",
        &root,
        &keypair,
    ));
    tlvs
}

/// Core Lightning's invoice_error text is `Failed invreq <lnr>: <reason>`: the quoted request
/// must be one for `offer` with `invreq_amount` = `amount`.
fn assert_quotes_request(message: &str, offer: &Offer, amount: u64, reason: &str) {
    let quoted = message
        .strip_prefix("Failed invreq ")
        .and_then(|m| m.strip_suffix(reason))
        .unwrap_or_else(|| panic!("unexpected invoice_error text: {message}"));
    let request: bolt12::InvoiceRequest = quoted.parse().expect("the quoted request parses");
    assert_eq!(request.offer_id(), Some(offer.id()));
    assert_eq!(request.tlvs().invreq_amount, Some(amount));
}

#[test]
fn the_nodes_invoice_error_comes_back_typed() {
    let node = Node::start(&NodeOptions::default()).expect("node starts");
    common::wait_listening(&node);
    let offer = offer(&node, "1000msat", "not for less");
    let rt = common::runtime();
    rt.block_on(async {
        let mut peer = OnionPeer::connect(&node.tcp_address(), None, config())
            .await
            .expect("connect");
        // Below the offer's amount: our builder refuses it, so it is built by hand.
        let below = request_with_amount(&offer, 999);
        let opts = options();
        let sent = messenger::payer::send_invoice_request(&mut peer, &offer, &below, &opts);
        let (answer, _) = tokio::time::timeout(BOUND, sent)
            .await
            .expect("bounded")
            .expect("an answer");
        match answer {
            messenger::payer::Answer::InvoiceError(FetchError::InvoiceError {
                message, ..
            }) => {
                // Core Lightning quotes the request it refuses: ours, byte for byte.
                let ours = bolt12::string::encode("lnr", &below.encode().expect("encode"));
                assert_eq!(
                    message,
                    format!("Failed invreq {ours}: Amount must be at least 1000msat")
                );
            }
            other => panic!("expected the node's invoice_error, got {other:?}"),
        }
        // Through fetch_invoice: an amount our builder allows but the node refuses (more
        // than five times the offer's: BOLT 12 "MAY reject ... greatly exceeds").
        let opts = FetchOptions {
            amount_msat: Some(10_000),
            ..options()
        };
        let err = tokio::time::timeout(BOUND, fetch_invoice(&mut peer, &offer, &opts))
            .await
            .expect("bounded")
            .expect_err("the node refuses");
        let FetchError::InvoiceError {
            message,
            erroneous_field,
            suggested_value,
        } = err
        else {
            panic!("expected the node's invoice_error, got {err:?}");
        };
        // Core Lightning sets neither erroneous_field nor suggested_value.
        assert_eq!((erroneous_field, suggested_value), (None, None));
        assert_quotes_request(&message, &offer, 10_000, ": Amount vastly exceeds 1000msat");
        // Our builder refuses an amount below the offer's before anything is sent.
        let opts = FetchOptions {
            amount_msat: Some(1),
            ..options()
        };
        let err = fetch_invoice(&mut peer, &offer, &opts)
            .await
            .expect_err("refused");
        assert!(matches!(err, FetchError::Build(_)), "{err:?}");
    });
}

#[test]
fn cli_fetchinvoice_prints_the_checked_invoice_and_fails_on_invoice_error() {
    let node = Node::start(&NodeOptions::default()).expect("node starts");
    common::wait_listening(&node);
    let made = node
        .rpc("offer", json!({"amount": "3000msat", "description": "cli"}))
        .expect("offer");
    let lno = made["bolt12"].as_str().expect("bolt12");
    let via = node.tcp_address();
    let ok = common::run_cli(
        &[
            "fetchinvoice",
            lno,
            "--via",
            &via,
            "--payer-note",
            "from the cli",
            "--timeout",
            "30",
        ],
        BOUND,
    );
    assert_eq!(
        ok.code,
        Some(0),
        "{}{}\n{}",
        ok.stdout,
        ok.stderr,
        node.log_tail()
    );
    let printed: Value = serde_json::from_str(&ok.stdout).expect("json");
    let lni = printed["invoice"].as_str().expect("invoice string");
    // The same JSON as `bolt12 decode` of the invoice, plus the invoice, route and checks.
    let decode = common::run_cli(&["decode", lni], BOUND);
    assert_eq!(decode.code, Some(0), "{}", decode.stderr);
    let mut decoded: Value = serde_json::from_str(&decode.stdout).expect("json");
    let map = decoded.as_object_mut().expect("object");
    map.insert("invoice".into(), printed["invoice"].clone());
    map.insert("route".into(), printed["route"].clone());
    map.insert("checks".into(), printed["checks"].clone());
    assert_eq!(printed, decoded);
    assert_eq!(printed["checks"].as_array().map(Vec::len), Some(7));
    assert_eq!(printed["invreq_payer_note"], "from the cli");
    assert_eq!(printed["invoice_amount_msat"], 3000);
    let by_node = cln_decode(&node, lni);
    assert_eq!(by_node["valid"], true, "{by_node}");
    assert_eq!(by_node["invreq_payer_note"], "from the cli");

    let refused = common::run_cli(
        &[
            "fetchinvoice",
            lno,
            "--via",
            &via,
            "--amount-msat",
            "100000",
        ],
        BOUND,
    );
    assert_eq!(
        refused.code,
        Some(1),
        "{}{}",
        refused.stdout,
        refused.stderr
    );
    assert_eq!(refused.stdout, "");
    let line = refused.stderr.trim();
    let message = line
        .strip_prefix("error: invoice_error: ")
        .unwrap_or_else(|| panic!("not an invoice_error: {line}"));
    let offer: Offer = lno.parse().expect("offer");
    assert_quotes_request(message, &offer, 100_000, ": Amount vastly exceeds 3000msat");
}

/// Our responder listening on loopback as a fresh node; each accepted connection is served
/// in its own task. Returns the responder, the listening port and the runtime's tasks.
fn start_responder(
    rt: &tokio::runtime::Runtime,
    material: [u8; 32],
) -> (
    std::sync::Arc<messenger::Responder>,
    u16,
    tokio::sync::mpsc::UnboundedReceiver<messenger::responder::ServeReport>,
) {
    let key = messenger::NodeKey::generate().expect("key");
    let (responder, listener, port) = common::responder_listener(rt, key.clone(), &material);
    let served = responder.clone();
    let (reports, reported) = tokio::sync::mpsc::unbounded_channel();
    rt.spawn(async move {
        loop {
            let Ok(conn) = listener.accept(config()).await else {
                continue;
            };
            let responder = served.clone();
            let key = key.clone();
            let reports = reports.clone();
            tokio::spawn(async move {
                let mut peer = OnionPeer::accepted(conn, key);
                let _ = reports.send(responder.serve(&mut peer).await);
            });
        }
    });
    (responder, port, reported)
}

#[test]
fn the_nodes_fetchinvoice_gets_an_invoice_from_our_responder() {
    let node = Node::start(&NodeOptions::default()).expect("node starts");
    common::wait_listening(&node);
    let rt = common::runtime();
    let material = *messenger::keys::random_bytes::<32>().expect("random");
    let (responder, port, mut reports) = start_responder(&rt, material);
    let our_id = responder.node_id().to_string();
    let regtest = bolt12::json::chain_by_name("regtest").expect("regtest");
    let plain = responder
        .create_offer(
            bolt12::OfferBuilder::new()
                .description("answered by messenger")
                .amount_msat(5000)
                .chains(vec![regtest]),
        )
        .expect("offer");
    let with_path = responder
        .create_offer_with_path(
            bolt12::OfferBuilder::new()
                .description("answered along our blinded path")
                .amount_msat(7000)
                .chains(vec![regtest]),
        )
        .expect("offer");
    assert_eq!(with_path.paths().len(), 1);
    node.rpc(
        "connect",
        json!({ "id": format!("{our_id}@127.0.0.1:{port}") }),
    )
    .expect("the node connects to our responder");
    for (offer, amount) in [(&plain, 5000u64), (&with_path, 7000)] {
        let got = node
            .rpc_timeout(
                "fetchinvoice",
                json!({ "offer": offer.to_string() }),
                Duration::from_secs(30),
            )
            .unwrap_or_else(|e| panic!("fetchinvoice: {e:?}\n{}", node.log_tail()));
        // fetchinvoice returning it means the node's payer checks passed.
        let lni = got["invoice"].as_str().expect("invoice");
        assert_eq!(got["changes"], json!({}), "{got}");
        let decoded = cln_decode(&node, lni);
        assert_eq!(decoded["valid"], true, "{decoded}");
        assert_eq!(decoded["invoice_node_id"], our_id);
        assert_eq!(decoded["offer_issuer_id"], our_id);
        assert_eq!(decoded["invoice_amount_msat"], amount);
        // Our dummy one-hop payment path starts at us.
        assert_eq!(decoded["invoice_paths"][0]["first_node_id"], our_id);
        let invoice: bolt12::Invoice = lni.parse().expect("our reader takes it");
        assert_eq!(invoice.offer_id(), Some(offer.id()));
    }
    // Our payer, connected to the node, fetches along our offer path through it: the node
    // forwards to us (the introduction node) and forwards our invoice back.
    let fetched = rt.block_on(async {
        let mut peer = OnionPeer::connect(&node.tcp_address(), None, config())
            .await
            .expect("connect");
        tokio::time::timeout(BOUND, fetch_invoice(&mut peer, &with_path, &options()))
            .await
            .expect("bounded")
    });
    let fetched = fetched.unwrap_or_else(|e| panic!("{e}\n{}", node.log_tail()));
    assert_eq!(fetched.route, RouteKind::ViaPeerToPath { index: 0 });
    assert_eq!(fetched.invoice.amount_msat(), 7000);
    assert_eq!(fetched.invoice.node_id(), wire_point(&our_id));
    // An offer naming our node id but not made with our key material: not recognised, so
    // dropped without an answer, and the node's fetchinvoice times out.
    let impostor = messenger::Responder::new(
        responder.node_key().clone(),
        &[material[0] ^ 1; 32],
        messenger::ResponderConfig::default(),
    )
    .expect("responder");
    let foreign = impostor
        .create_offer(
            bolt12::OfferBuilder::new()
                .description("not ours")
                .amount_msat(1000)
                .chains(vec![regtest]),
        )
        .expect("offer");
    let refused = node.rpc_timeout(
        "fetchinvoice",
        json!({ "offer": foreign.to_string(), "timeout": 3 }),
        Duration::from_secs(30),
    );
    match refused {
        Err(cln_interop::RpcError::Node { message, .. }) => {
            assert_eq!(message, "Timeout waiting for response")
        }
        other => panic!("expected the node's timeout, got {other:?}"),
    }
    // The connection's report once the node hangs up: three invoices, one typed drop.
    node.rpc("disconnect", json!({ "id": our_id, "force": true }))
        .expect("disconnect");
    let report = rt
        .block_on(async { tokio::time::timeout(BOUND, reports.recv()).await })
        .expect("bounded")
        .expect("a report");
    assert_eq!(report.replies.len(), 3, "{report:?}");
    assert!(report
        .replies
        .iter()
        .all(|r| matches!(r, messenger::responder::ReplyKind::Invoice(_))));
    assert!(
        matches!(report.dropped.as_slice(), [DropReason::NotOurOffer(_)]),
        "{report:?}"
    );
}

#[test]
fn stateless_payer_recognises_the_nodes_invoice() {
    use bolt12::stateless::PaymentId;
    use messenger::stateless::StatelessPayer;
    let node = Node::start(&NodeOptions::default()).expect("node starts");
    common::wait_listening(&node);
    let offer = offer(&node, "1500msat", "stateless");
    let material = *messenger::keys::random_bytes::<32>().expect("random");
    let opts = FetchOptions {
        stateless: Some(StatelessPayer::new(&material, PaymentId([5; 32]))),
        ..options()
    };
    let rt = common::runtime();
    let fetched = rt.block_on(async {
        let mut peer = OnionPeer::connect(&node.tcp_address(), None, config())
            .await
            .expect("connect");
        tokio::time::timeout(BOUND, fetch_invoice(&mut peer, &offer, &opts))
            .await
            .expect("bounded")
    });
    let fetched = fetched.unwrap_or_else(|e| panic!("{e}\n{}", node.log_tail()));
    // The node copied our derived request verbatim; the payment id comes back out of it.
    assert_eq!(fetched.payment_id, Some(PaymentId([5; 32])));
    assert_eq!(
        fetched.checks.last(),
        Some(&messenger::payer::STATELESS_CHECK)
    );
    let decoded = cln_decode(&node, &fetched.invoice.to_string());
    assert_eq!(decoded["valid"], true, "{decoded}");
}

/// Core Lightning lets a peer send 4 onion messages at once, then one per 250 ms.
const PACE: Duration = Duration::from_millis(300);

#[test]
fn concurrent_fetches_share_one_connection_through_the_hub() {
    use messenger::pump;
    let nodes = Node::start_many(2, &NodeOptions::default()).expect("nodes start");
    let (a, b) = (&nodes[0], &nodes[1]);
    common::wait_listening(a);
    common::wait_listening(b);
    a.connect(b).expect("a and b connect");
    let offer_a = offer(a, "1200msat", "concurrent, from a");
    let offer_b = offer(b, "2300msat", "concurrent, from b through a");
    // An issuer A is not connected to: A cannot forward, nothing comes back.
    let stranger = messenger::Responder::new(
        messenger::NodeKey::generate().expect("key"),
        &[9; 32],
        messenger::ResponderConfig::default(),
    )
    .expect("responder");
    let lost = stranger
        .create_offer(
            bolt12::OfferBuilder::new()
                .description("nobody answers")
                .amount_msat(1000)
                .chains(vec![
                    bolt12::json::chain_by_name("regtest").expect("regtest")
                ]),
        )
        .expect("offer");
    let rt = common::runtime();
    let (got_lost, got_a, got_b) = rt.block_on(async {
        // One connection, owned by messenger's pump; its onion messages shared by the hub.
        let key = messenger::NodeKey::generate().expect("key");
        let mut cfg = config();
        cfg.local_key = Some(key.to_lnsocket().expect("key"));
        let conn = lnsocket::Connection::connect(&a.tcp_address(), cfg)
            .await
            .expect("connect to a");
        let hub = messenger::OnionHub::new(conn.remote_node_id(), key);
        let (out, out_rx) = pump::outgoing();
        let (mut x, mut y, mut z) = (
            hub.subscribe(out.clone()),
            hub.subscribe(out.clone()),
            hub.subscribe(out),
        );
        let pumping = tokio::spawn({
            let hub = hub.clone();
            async move { pump::drive(conn, out_rx, &hub, |_| {}).await }
        });
        let short = FetchOptions {
            timeout: Duration::from_secs(4),
            ..options()
        };
        let (opts_a, opts_b) = (options(), options());
        let got = tokio::time::timeout(BOUND, async {
            tokio::join!(
                fetch_invoice(&mut z, &lost, &short),
                async {
                    tokio::time::sleep(PACE).await;
                    fetch_invoice(&mut x, &offer_a, &opts_a).await
                },
                async {
                    tokio::time::sleep(PACE * 2).await;
                    fetch_invoice(&mut y, &offer_b, &opts_b).await
                }
            )
        })
        .await
        .expect("bounded");
        // Every sender gone: the pump closes the connection and ends.
        drop((x, y, z));
        tokio::time::timeout(BOUND, pumping)
            .await
            .expect("bounded")
            .expect("pump");
        got
    });
    assert!(
        matches!(got_lost, Err(FetchError::Timeout { seconds: 4, .. })),
        "{got_lost:?}"
    );
    let got_a = got_a.unwrap_or_else(|e| panic!("{e}\n{}", a.log_tail()));
    let got_b = got_b.unwrap_or_else(|e| panic!("{e}\n{}\n{}", a.log_tail(), b.log_tail()));
    assert_eq!(got_a.route, RouteKind::DirectToIssuer);
    assert_eq!(got_b.route, RouteKind::ViaPeerToIssuer);
    assert_eq!(
        (got_a.invoice.amount_msat(), got_b.invoice.amount_msat()),
        (1200, 2300)
    );
    assert_eq!(hex::encode(got_b.invoice.node_id().as_bytes()), b.id);
    // Each answer reached its own fetch only.
    assert!(got_a.dropped.is_empty() && got_b.dropped.is_empty());
    for f in [&got_a, &got_b] {
        let decoded = cln_decode(a, &f.invoice.to_string());
        assert_eq!(decoded["valid"], true, "{decoded}");
    }
}
