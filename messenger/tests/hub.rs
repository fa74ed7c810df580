//! Several users of one connection's onion messages ([`messenger::hub`]): concurrent
//! fetches over one connection get their own answers, matched by reply path, even when the
//! issuer answers them in the other order; what no user awaits reaches every user; a
//! closed connection ends every user. In process, against our responder.
use std::time::Duration;

use bolt12::{Offer, OfferBuilder};
use futures_util::StreamExt;
use messenger::keys::random_bytes;
use messenger::payer::{fetch_invoice, FetchOptions};
use messenger::pump::{onion_frame, outgoing, OutgoingReceiver};
use messenger::{
    DropReason, FetchError, NodeKey, OnionHub, OnionTransport, Responder, ResponderConfig,
    TransportError,
};
use onion::tlv::OnionMessage;

const NOW: u64 = 1_800_000_000;

fn responder() -> Responder {
    let material = *random_bytes::<32>().expect("random");
    Responder::new(
        NodeKey::generate().expect("key"),
        &material,
        ResponderConfig::default(),
    )
    .expect("responder")
}

fn offer(r: &Responder, msat: u64) -> Offer {
    r.create_offer(OfferBuilder::new().description("hub").amount_msat(msat))
        .expect("offer")
}

fn options(timeout: Duration) -> FetchOptions {
    FetchOptions {
        timeout,
        now: Some(NOW),
        ..FetchOptions::default()
    }
}

/// The issuer on the far side of the pump: waits for `batch` requests, then answers them
/// last first, each reply delivered to `hub` as the connection would.
async fn issuer(r: &Responder, mut out: OutgoingReceiver, hub: OnionHub, batch: usize) {
    let mut requests = Vec::new();
    while let Some((t, payload, ack)) = out.next().await {
        assert_eq!(t, OnionMessage::TYPE);
        let _ = ack.send(Ok(()));
        requests.push(onion_frame(&payload));
        if requests.len() == batch {
            while let Some(bytes) = requests.pop() {
                let reply = r.handle(&bytes, NOW).expect("answered");
                hub.deliver(&reply.message.encode().expect("encode"));
            }
        }
    }
}

#[tokio::test]
async fn concurrent_fetches_on_one_connection_get_their_own_answers() {
    let r = responder();
    let (cheap, dear) = (offer(&r, 1000), offer(&r, 9000));
    let hub = OnionHub::new(r.node_id(), NodeKey::generate().expect("key"));
    let (out, out_rx) = outgoing();
    let (mut a, mut b) = (hub.subscribe(out.clone()), hub.subscribe(out));
    assert_eq!(hub.users(), 2);
    let opts = options(Duration::from_secs(20));
    let issuing = tokio::spawn({
        let hub = hub.clone();
        async move { issuer(&r, out_rx, hub, 2).await }
    });
    let (got_a, got_b) = tokio::join!(
        fetch_invoice(&mut a, &cheap, &opts),
        fetch_invoice(&mut b, &dear, &opts)
    );
    let (got_a, got_b) = (got_a.expect("a's invoice"), got_b.expect("b's invoice"));
    assert_eq!(got_a.invoice.offer_id(), Some(cheap.id()));
    assert_eq!(got_a.invoice.amount_msat(), 1000);
    assert_eq!(got_b.invoice.offer_id(), Some(dear.id()));
    assert_eq!(got_b.invoice.amount_msat(), 9000);
    // Neither saw the other's answer: it went to the fetch whose reply path it came along.
    assert!(got_a.dropped.is_empty(), "{:?}", got_a.dropped);
    assert!(got_b.dropped.is_empty(), "{:?}", got_b.dropped);
    drop((a, b));
    assert_eq!(hub.users(), 0);
    // Every sender gone: the issuer's loop ends.
    issuing.await.expect("issuer");
}

#[tokio::test]
async fn unawaited_messages_reach_every_user_and_close_ends_them() {
    let hub = OnionHub::new(
        NodeKey::generate().expect("key").node_id(),
        NodeKey::generate().expect("key"),
    );
    let (out, mut out_rx) = outgoing();
    // The connection takes every message and nothing ever answers.
    tokio::spawn(async move {
        while let Some((_, _, ack)) = out_rx.next().await {
            let _ = ack.send(Ok(()));
        }
    });
    let (mut a, mut b) = (hub.subscribe(out.clone()), hub.subscribe(out.clone()));
    // Junk: no path_id anyone awaits, so both get it, as a sole user would.
    hub.deliver(&[0x02, 0x01, 0xff]);
    assert_eq!(a.recv_onion_message().await, Ok(vec![0x02, 0x01, 0xff]));
    assert_eq!(b.recv_onion_message().await, Ok(vec![0x02, 0x01, 0xff]));
    // A payer on this hub with an answer that never comes, to a key nobody holds.
    let r = responder();
    let lost = offer(&r, 5000);
    let closing = hub.clone();
    let opts = options(Duration::from_secs(20));
    let fetch = fetch_invoice(&mut a, &lost, &opts);
    let close = async move {
        closing.close(TransportError::Closed("peer hung up".into()));
    };
    let (fetched, ()) = tokio::join!(fetch, close);
    assert!(
        matches!(
            fetched,
            Err(FetchError::Disconnected(TransportError::Closed(ref m))) if m == "peer hung up"
        ),
        "{fetched:?}"
    );
    assert_eq!(
        b.recv_onion_message().await,
        Err(TransportError::Closed("peer hung up".into()))
    );
    // A user joining after the close gets the close at once.
    let mut late = hub.subscribe(out);
    assert_eq!(
        late.recv_onion_message().await,
        Err(TransportError::Closed("peer hung up".into()))
    );
}

#[tokio::test]
async fn a_sole_user_sees_what_the_connection_brings() {
    let r = responder();
    let cheap = offer(&r, 1000);
    let hub = OnionHub::new(r.node_id(), NodeKey::generate().expect("key"));
    let (out, out_rx) = outgoing();
    let mut only = hub.subscribe(out);
    // Junk before the answer is the payer's to drop, typed, as over a plain connection.
    hub.deliver(&[0x02, 0x01, 0xff]);
    let issuing = tokio::spawn({
        let hub = hub.clone();
        async move { issuer(&r, out_rx, hub, 1).await }
    });
    let got = fetch_invoice(&mut only, &cheap, &options(Duration::from_secs(20)))
        .await
        .expect("invoice");
    assert_eq!(got.invoice.amount_msat(), 1000);
    assert!(
        matches!(got.dropped.as_slice(), [DropReason::Peel(_)]),
        "{:?}",
        got.dropped
    );
    drop(only);
    issuing.await.expect("issuer");
}

/// A user that does not read holds at most `MAX_QUEUED` messages: what arrives past that is
/// dropped and counted, another user still gets everything, and the slow user then reads
/// the oldest `MAX_QUEUED` and learns that the connection ended.
#[tokio::test]
async fn a_user_that_does_not_read_holds_at_most_max_queued() {
    use messenger::hub::MAX_QUEUED;
    let key = NodeKey::generate().expect("key");
    let peer = NodeKey::generate().expect("peer").node_id();
    let hub = OnionHub::new(peer, key);
    let (out, _out_rx) = outgoing();
    let mut slow = hub.subscribe(out.clone());
    let mut quick = hub.subscribe(out);
    let flood = 3 * MAX_QUEUED;
    for i in 0..flood {
        hub.deliver(&onion_frame(&(i as u32).to_be_bytes()));
        // The quick user reads as it arrives.
        let got = quick.recv_onion_message().await.expect("quick user");
        assert_eq!(got, onion_frame(&(i as u32).to_be_bytes()));
    }
    assert_eq!(hub.overflowed(), (flood - MAX_QUEUED) as u64);
    hub.close(TransportError::Closed("gone".into()));
    for i in 0..MAX_QUEUED {
        let got = slow.recv_onion_message().await.expect("queued message");
        assert_eq!(got, onion_frame(&(i as u32).to_be_bytes()), "oldest first");
    }
    assert!(matches!(
        slow.recv_onion_message().await,
        Err(TransportError::Closed(_))
    ));
}
