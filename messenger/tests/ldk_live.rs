//! LDK 0.2.7 as a live peer: a chain-less `ChannelManager` (LDK's own offers flow) behind
//! LDK's `OnionMessenger` and `PeerManager`, listening on 127.0.0.1 with
//! `lightning-net-tokio`; we connect to it with lnsocket.
//!
//! - Our `fetch_invoice` gets an invoice for an offer LDK made; it passes our payer checks
//!   and LDK's own parser (signature included) reads the same bytes.
//! - LDK's `pay_for_offer` sends an `invoice_request` to our `Responder`; LDK verifies the
//!   invoice we answer with (its `Event::InvoiceReceived`, with manual BOLT 12 invoice
//!   handling so that it does not try to pay over channels it has not got).
//!
//! The test-only parts LDK leaves to its user: no chain (a `Watch` with no channels), a
//! fixed fee estimate, a broadcaster that drops, a router that only makes one-hop blinded
//! payment paths and a message router that makes blinded paths introduced by LDK itself
//! (LDK's default introduces paths by a peer, which here would be us).
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lightning::bitcoin::secp256k1::{self as ldk_secp, PublicKey as LdkPublicKey, Secp256k1};
use lightning::bitcoin::{Network, Transaction};
use lightning::blinded_path::message::{
    BlindedMessagePath, MessageContext, MessageForwardNode, OffersContext,
};
use lightning::blinded_path::payment::{BlindedPaymentPath, ReceiveTlvs};
use lightning::blinded_path::IntroductionNode;
use lightning::chain::chaininterface::{BroadcasterInterface, ConfirmationTarget, FeeEstimator};
use lightning::chain::channelmonitor::{ChannelMonitor, ChannelMonitorUpdate, MonitorEvent};
use lightning::chain::transaction::OutPoint;
use lightning::chain::{BestBlock, ChannelMonitorUpdateStatus, Watch};
use lightning::events::{Event, EventsProvider};
use lightning::ln::channel_state::ChannelDetails;
use lightning::ln::channelmanager::{
    ChainParameters, ChannelManager, OptionalOfferPaymentParams, PaymentId,
};
use lightning::ln::peer_handler::{IgnoringMessageHandler, MessageHandler, PeerManager};
use lightning::ln::types::ChannelId;
use lightning::offers::invoice::Bolt12Invoice;
use lightning::offers::offer::Offer as LdkOffer;
use lightning::onion_message::messenger::{
    Destination as LdkDestination, MessageRouter, OnionMessagePath, OnionMessenger,
};
use lightning::routing::router::{InFlightHtlcs, Route, RouteParameters, Router};
use lightning::sign::{InMemorySigner, KeysManager, NodeSigner, ReceiveAuthKey, Recipient};
use lightning::util::config::UserConfig;
use lightning::util::logger::{Level, Logger, Record};
use lightning_net_tokio::SocketDescriptor;

use bolt12::{Offer, OfferBuilder};
use messenger::keys::random_bytes;
use messenger::payer::{fetch_invoice, FetchOptions, CHECKS};
use messenger::responder::ReplyKind;
use messenger::route::RouteKind;
use messenger::{FetchError, NodeKey, OnionPeer, OnionTransport, Responder, ResponderConfig};

/// How long any one exchange may take before the test fails.
const WAIT: Duration = Duration::from_secs(15);

/// Dummy hops LDK appends to the blinded paths it makes (its default router pads paths too).
const DUMMY_HOPS: usize = 2;

struct Log;
impl Logger for Log {
    fn log(&self, record: Record) {
        if record.level >= Level::Warn {
            eprintln!("ldk {}: {}", record.level, record.args);
        }
    }
}

struct FixedFee;
impl FeeEstimator for FixedFee {
    fn get_est_sat_per_1000_weight(&self, _: ConfirmationTarget) -> u32 {
        253
    }
}

struct NoBroadcast;
impl BroadcasterInterface for NoBroadcast {
    fn broadcast_transactions(&self, _: &[&Transaction]) {}
}

/// A chain monitor for a node that never has channels.
struct NoChain;
impl Watch<InMemorySigner> for NoChain {
    fn watch_channel(
        &self,
        _: ChannelId,
        _: ChannelMonitor<InMemorySigner>,
    ) -> Result<ChannelMonitorUpdateStatus, ()> {
        Err(())
    }
    fn update_channel(&self, _: ChannelId, _: &ChannelMonitorUpdate) -> ChannelMonitorUpdateStatus {
        ChannelMonitorUpdateStatus::UnrecoverableError
    }
    fn release_pending_monitor_events(
        &self,
    ) -> Vec<(OutPoint, ChannelId, Vec<MonitorEvent>, LdkPublicKey)> {
        Vec::new()
    }
}

/// No payments are routed; invoices get a one-hop blinded payment path to the node, or
/// none once `refuse` is set (LDK then answers requests with an `invoice_error`).
struct OneHopRouter(Arc<KeysManager>, AtomicBool);
impl Router for OneHopRouter {
    fn find_route(
        &self,
        _: &LdkPublicKey,
        _: &RouteParameters,
        _: Option<&[&ChannelDetails]>,
        _: InFlightHtlcs,
    ) -> Result<Route, &'static str> {
        Err("no channels in this test")
    }
    fn create_blinded_payment_paths<T: ldk_secp::Signing + ldk_secp::Verification>(
        &self,
        recipient: LdkPublicKey,
        _: Vec<ChannelDetails>,
        tlvs: ReceiveTlvs,
        _: Option<u64>,
        secp: &Secp256k1<T>,
    ) -> Result<Vec<BlindedPaymentPath>, ()> {
        if self.1.load(Ordering::SeqCst) {
            return Err(());
        }
        BlindedPaymentPath::one_hop(recipient, tlvs, 18, &*self.0, secp).map(|p| vec![p])
    }
}

/// Onion messages go straight to a connected peer; blinded paths are introduced by the
/// node itself, with [`DUMMY_HOPS`] dummy hops.
struct DirectMessageRouter(Arc<KeysManager>);
impl MessageRouter for DirectMessageRouter {
    fn find_path(
        &self,
        sender: LdkPublicKey,
        peers: Vec<LdkPublicKey>,
        destination: LdkDestination,
    ) -> Result<OnionMessagePath, ()> {
        let first = match &destination {
            LdkDestination::Node(n) => Some(*n),
            LdkDestination::BlindedPath(p) => match p.introduction_node() {
                IntroductionNode::NodeId(n) => Some(*n),
                IntroductionNode::DirectedShortChannelId(..) => None,
            },
        };
        match first {
            Some(n) if n == sender || peers.contains(&n) => Ok(OnionMessagePath {
                intermediate_nodes: Vec::new(),
                destination,
                first_node_addresses: Vec::new(),
            }),
            _ => Err(()),
        }
    }
    fn create_blinded_paths<T: ldk_secp::Signing + ldk_secp::Verification>(
        &self,
        recipient: LdkPublicKey,
        receive_key: ReceiveAuthKey,
        context: MessageContext,
        _: Vec<MessageForwardNode>,
        secp: &Secp256k1<T>,
    ) -> Result<Vec<BlindedMessagePath>, ()> {
        Ok(vec![BlindedMessagePath::new_with_dummy_hops(
            &[],
            recipient,
            DUMMY_HOPS,
            receive_key,
            context,
            &*self.0,
            secp,
        )])
    }
}

type Cm = ChannelManager<
    Arc<NoChain>,
    Arc<NoBroadcast>,
    Arc<KeysManager>,
    Arc<KeysManager>,
    Arc<KeysManager>,
    Arc<FixedFee>,
    Arc<OneHopRouter>,
    Arc<DirectMessageRouter>,
    Arc<Log>,
>;
type Om = OnionMessenger<
    Arc<KeysManager>,
    Arc<KeysManager>,
    Arc<Log>,
    Arc<Cm>,
    Arc<DirectMessageRouter>,
    Arc<Cm>,
    IgnoringMessageHandler,
    IgnoringMessageHandler,
    IgnoringMessageHandler,
>;
type Pm = PeerManager<
    SocketDescriptor,
    Arc<Cm>,
    IgnoringMessageHandler,
    Arc<Om>,
    Arc<Log>,
    IgnoringMessageHandler,
    Arc<KeysManager>,
    IgnoringMessageHandler,
>;

/// One LDK node listening on 127.0.0.1; its tasks end when the node is dropped.
struct LdkNode {
    cm: Arc<Cm>,
    router: Arc<OneHopRouter>,
    pm: Arc<Pm>,
    id: LdkPublicKey,
    addr: String,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    accepted: Arc<AtomicUsize>,
}

impl Drop for LdkNode {
    fn drop(&mut self) {
        self.pm.disconnect_all_peers();
        for t in &self.tasks {
            t.abort();
        }
    }
}

fn now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
}

async fn ldk_node() -> LdkNode {
    let seed = random_bytes::<32>().expect("random");
    let t = now();
    let keys = Arc::new(KeysManager::new(&seed, t.as_secs(), t.subsec_nanos(), true));
    let config = UserConfig {
        // LDK hands us the verified invoice instead of paying it (it has no channels).
        manually_handle_bolt12_invoices: true,
        ..UserConfig::default()
    };
    let network = Network::Bitcoin;
    let router = Arc::new(OneHopRouter(keys.clone(), AtomicBool::new(false)));
    let cm = Arc::new(Cm::new(
        Arc::new(FixedFee),
        Arc::new(NoChain),
        Arc::new(NoBroadcast),
        router.clone(),
        Arc::new(DirectMessageRouter(keys.clone())),
        Arc::new(Log),
        keys.clone(),
        keys.clone(),
        keys.clone(),
        config,
        ChainParameters {
            network,
            best_block: BestBlock::from_network(network),
        },
        t.as_secs() as u32,
    ));
    let om = Arc::new(Om::new(
        keys.clone(),
        keys.clone(),
        Arc::new(Log),
        cm.clone(),
        Arc::new(DirectMessageRouter(keys.clone())),
        cm.clone(),
        IgnoringMessageHandler {},
        IgnoringMessageHandler {},
        IgnoringMessageHandler {},
    ));
    let pm = Arc::new(Pm::new(
        MessageHandler {
            chan_handler: cm.clone(),
            route_handler: IgnoringMessageHandler {},
            onion_message_handler: om,
            custom_message_handler: IgnoringMessageHandler {},
            send_only_message_handler: IgnoringMessageHandler {},
        },
        t.as_secs() as u32,
        &random_bytes::<32>().expect("random"),
        Arc::new(Log),
        keys.clone(),
    ));
    let id = keys.get_node_id(Recipient::Node).expect("node id");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = format!("{id}@{}", listener.local_addr().expect("addr"));
    let accepted = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    let (pm2, count) = (pm.clone(), accepted.clone());
    tasks.push(tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let stream = stream.into_std().expect("std stream");
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(lightning_net_tokio::setup_inbound(pm2.clone(), stream));
        }
    }));
    // What LDK's background processor would do: flush queued messages and events.
    let pm3 = pm.clone();
    tasks.push(tokio::spawn(async move {
        loop {
            pm3.process_events();
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }));
    LdkNode {
        cm,
        router,
        pm,
        id,
        addr,
        tasks,
        accepted,
    }
}

impl LdkNode {
    /// Connects to the node with lnsocket as `key`, and waits until LDK lists us as a peer
    /// (its `init` handling done), so that it will send onion messages to us.
    async fn connect(&self, key: Option<NodeKey>) -> OnionPeer {
        let peer = tokio::time::timeout(
            WAIT,
            OnionPeer::connect(&self.addr, key, lnsocket::Config::default()),
        )
        .await
        .expect("connect in time")
        .expect("connect");
        let us = peer.node_key().node_id();
        tokio::time::timeout(WAIT, async {
            while !self
                .pm
                .list_peers()
                .iter()
                .any(|p| p.counterparty_node_id.serialize() == us.serialize())
            {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await
        .expect("LDK lists us as a peer");
        assert_eq!(self.accepted.load(Ordering::SeqCst), 1);
        peer
    }
}

fn our_offer_of(ldk: &LdkOffer) -> Offer {
    ldk.to_string().parse().expect("we read LDK's offer")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn we_fetch_an_invoice_for_an_ldk_offer() {
    let node = ldk_node().await;
    let ldk_offer = node
        .cm
        .create_offer_builder()
        .expect("offer builder")
        .description("ldk live".into())
        .amount_msats(5_000)
        .build()
        .expect("offer");
    let offer = our_offer_of(&ldk_offer);
    assert_eq!(offer.as_bytes(), ldk_offer.as_ref());
    let mut peer = node.connect(None).await;
    let options = FetchOptions {
        timeout: WAIT,
        payer_note: Some("from the toolkit".into()),
        ..FetchOptions::default()
    };
    let got = fetch_invoice(&mut peer, &offer, &options)
        .await
        .expect("LDK's invoice passes our payer checks");
    peer.close().await;
    assert_eq!(got.checks, CHECKS.to_vec());
    // LDK's offer is introduced by LDK itself (it is our peer): straight along the path.
    assert_eq!(got.route, RouteKind::PathFromPeer { index: 0 });
    assert_eq!(got.invoice.amount_msat(), 5_000);
    assert_eq!(got.invoice.offer_id(), Some(offer.id()));

    // The same bytes through LDK's parser, which checks the signature against
    // invoice_node_id, and LDK's reading of the fields.
    let ldk_invoice =
        Bolt12Invoice::try_from(got.invoice.as_bytes().to_vec()).expect("LDK parses the invoice");
    assert_eq!(
        ldk_invoice.signing_pubkey().serialize(),
        got.invoice
            .node_id()
            .to_pubkey()
            .expect("point")
            .serialize()
    );
    assert_eq!(ldk_invoice.amount_msats(), 5_000);
    let request = got.request.tlvs();
    assert_eq!(
        Some(ldk_invoice.payer_metadata()),
        request.invreq_metadata.as_deref()
    );
    assert_eq!(
        Some(ldk_invoice.payer_signing_pubkey().serialize()),
        request
            .invreq_payer_id
            .as_ref()
            .map(|p| p.to_pubkey().expect("point").serialize())
    );
    assert_eq!(
        ldk_invoice.payer_note().map(|n| n.to_string()).as_deref(),
        Some("from the toolkit")
    );
    assert_eq!(
        ldk_invoice.description().map(|d| d.to_string()).as_deref(),
        Some("ldk live")
    );
    assert_eq!(ldk_invoice.payment_paths().len(), 1);
    // LDK's offers flow knows the payment it asked to be made.
    assert_eq!(ldk_invoice.payment_hash().0, got.invoice.payment_hash().0,);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ldk_fetches_an_invoice_from_our_responder() {
    let node = ldk_node().await;
    let material = random_bytes::<32>().expect("random");
    let responder = Responder::new(
        NodeKey::generate().expect("key"),
        &material,
        ResponderConfig::default(),
    )
    .expect("responder");
    let offer = responder
        .create_offer(
            OfferBuilder::new()
                .description("toolkit live")
                .amount_msat(7_000),
        )
        .expect("offer");
    let ldk_offer: LdkOffer = offer.to_string().parse().expect("LDK reads our offer");
    let mut peer = node.connect(Some(responder.node_key().clone())).await;
    assert_eq!(
        peer.peer_id().serialize(),
        node.id.serialize(),
        "connected to the LDK node"
    );

    let payment_id = PaymentId(*random_bytes::<32>().expect("random"));
    node.cm
        .pay_for_offer(
            &ldk_offer,
            None,
            payment_id,
            OptionalOfferPaymentParams::default(),
        )
        .expect("LDK sends an invoice_request");

    // The first onion message from LDK is its request: answer it along its reply path.
    let serving = async {
        let bytes = peer.recv_onion_message().await.expect("LDK's request");
        let reply = responder
            .handle(&bytes, now().as_secs())
            .unwrap_or_else(|reason| panic!("our responder dropped LDK's request: {reason:?}"));
        assert_eq!(reply.next_hop.serialize(), node.id.serialize());
        peer.send_onion_message(&reply.message).await.expect("send");
        reply.kind
    };
    let kind = tokio::time::timeout(WAIT, serving)
        .await
        .expect("LDK's request in time");
    let sent = match kind {
        ReplyKind::Invoice(s) => s,
        ReplyKind::InvoiceError(e) => panic!("we answered LDK with invoice_error {e}"),
    };
    let sent: bolt12::Invoice = sent.parse().expect("our invoice");

    // LDK verifies the invoice (its parser, signature, and that it answers its request for
    // this payment id) and hands it over instead of paying.
    let received = tokio::time::timeout(WAIT, async {
        loop {
            let events = std::sync::Mutex::new(Vec::new());
            node.cm.process_pending_events(&|e: Event| {
                events.lock().expect("lock").push(e);
                Ok(())
            });
            for e in events.into_inner().expect("lock") {
                match e {
                    Event::InvoiceReceived {
                        payment_id: id,
                        invoice,
                        context,
                        ..
                    } => return (id, invoice, context),
                    Event::PaymentFailed { reason, .. } => {
                        panic!("LDK refused the payment: {reason:?}")
                    }
                    _ => {}
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("LDK accepts our invoice in time");
    peer.close().await;
    let (id, invoice, context) = received;
    assert_eq!(id, payment_id);
    assert!(matches!(
        context,
        Some(OffersContext::OutboundPayment { payment_id: p, .. }) if p == payment_id
    ));
    let mut bytes = Vec::new();
    lightning::util::ser::Writeable::write(&invoice, &mut bytes).expect("encode");
    assert_eq!(bytes, sent.as_bytes(), "LDK holds the invoice we sent");
    assert_eq!(invoice.amount_msats(), 7_000);
    assert_eq!(
        invoice.signing_pubkey().serialize(),
        responder.node_id().serialize()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ldks_invoice_error_reaches_our_payer_in_ldks_framing() {
    let node = ldk_node().await;
    let ldk_offer = node
        .cm
        .create_offer_builder()
        .expect("offer builder")
        .description("no paths".into())
        .amount_msats(5_000)
        .build()
        .expect("offer");
    let offer = our_offer_of(&ldk_offer);
    // LDK cannot make a payment path for the invoice: it answers with an invoice_error
    // (Bolt12SemanticError::MissingPaths), framed its way.
    node.router.1.store(true, Ordering::SeqCst);
    let mut peer = node.connect(None).await;
    let options = FetchOptions {
        timeout: WAIT,
        ..FetchOptions::default()
    };
    let err = fetch_invoice(&mut peer, &offer, &options)
        .await
        .expect_err("no invoice without payment paths");
    peer.close().await;
    let FetchError::InvoiceError {
        message,
        erroneous_field,
        suggested_value,
    } = err
    else {
        panic!("expected LDK's invoice_error, got {err:?}");
    };
    // LDK's text for the error, and the fields it leaves out.
    assert_eq!(message, "MissingPaths");
    assert_eq!((erroneous_field, suggested_value), (None, None));
}

/// An onion message along `reply`'s path whose final payload carries record 68 (the
/// `invoice_error` type) with `value` as given, so that any framing can be made (our
/// encoder writes only the spec's), as it arrives at us (the path's first hop, `peer`,
/// peeled).
fn framed_invoice_error(
    reply: &messenger::reply_path::ReplyPath,
    peer: &secp256k1::SecretKey,
    value: Vec<u8>,
) -> Vec<u8> {
    use onion::message::{peel_onion_message, Peeled};
    use onion::tlv::{OnionMessage, OnionmsgTlv};
    let path = &reply.path;
    let mut keys = Vec::new();
    let mut payloads = Vec::new();
    for (i, hop) in path.path.iter().enumerate() {
        keys.push(hop.blinded_node_id.to_pubkey().expect("point"));
        let mut payload = OnionmsgTlv {
            encrypted_recipient_data: Some(hop.encrypted_recipient_data.clone()),
            ..Default::default()
        }
        .encode()
        .expect("encode");
        if i + 1 == path.path.len() {
            // Type 68 sorts after encrypted_recipient_data (4).
            wire::write_bigsize(&mut payload, 68);
            wire::write_bigsize(&mut payload, value.len() as u64);
            payload.extend_from_slice(&value);
        }
        payloads.push(payload);
    }
    let session = messenger::keys::random_secret().expect("key");
    let message = OnionMessage {
        path_key: path.first_path_key,
        onion_message_packet: onion::sphinx::construct(&session, &keys, &payloads, 1300, &[])
            .expect("packet"),
    };
    match peel_onion_message(peer, &message).expect("peer peels") {
        Peeled::Forward(f) => f.message.encode().expect("encode"),
        Peeled::Receive(_) => panic!("the peer forwards to us"),
    }
}

#[test]
fn ldks_framing_is_read_only_with_an_exact_length_prefix() {
    use messenger::payer::{read_reply, ReplyPayload};
    let us = NodeKey::generate().expect("key");
    let peer = messenger::keys::random_secret().expect("key");
    let peer_id = secp256k1::PublicKey::from_secret_key(secp256k1::SECP256K1, &peer);
    let reply = messenger::reply_path::ReplyPath::new(peer_id, us.node_id()).expect("path");
    let pending = [(reply, ())];
    let stream = bolt12::tlv::InvoiceErrorTlvs {
        error: Some("nope".into()),
        ..Default::default()
    }
    .encode()
    .expect("encode");
    let framed = |prefix: Vec<u8>| {
        let mut v = prefix;
        v.extend_from_slice(&stream);
        framed_invoice_error(&pending[0].0, &peer, v)
    };
    let len = u8::try_from(stream.len()).expect("short");
    let read = |bytes: Vec<u8>| read_reply(&us, &bytes, &pending);
    // The spec form, and LDK's (prefix = the stream's length exactly): the same answer.
    for bytes in [framed(vec![]), framed(vec![len])] {
        match read(bytes) {
            Ok((0, ReplyPayload::InvoiceError(e))) => assert_eq!(e.error.as_deref(), Some("nope")),
            other => panic!("expected the invoice_error, got {:?}", other.err()),
        }
    }
    // A prefix off by two either way (even, so the spec reading fails too), or a
    // non-minimal BigSize, is not LDK's framing either: dropped with the spec reader's
    // refusal.
    for prefix in [vec![len + 2], vec![len - 2], vec![0xfd, 0, len]] {
        let got = read(framed(prefix.clone()));
        assert!(
            matches!(
                got,
                Err(messenger::DropReason::Peel(
                    onion::PeelError::InvalidPayload(_)
                ))
            ),
            "prefix {prefix:?}: {:?}",
            got.err()
        );
    }
    // Spec first: an odd prefix can read as a valid spec stream (here an unknown odd
    // record 7 swallowing the `error` record), and is then taken as such, text lost.
    match read(framed(vec![len + 1])) {
        Ok((0, ReplyPayload::InvoiceError(e))) => {
            assert_eq!(e.error, None);
            assert_eq!(e.unknown.len(), 1);
            assert_eq!(e.unknown[0].tlv_type, u64::from(len + 1));
        }
        other => panic!("expected a spec reading, got {:?}", other.err()),
    }
}
