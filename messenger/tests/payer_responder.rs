//! Our payer against our responder, in process: invoices and invoice_errors both ways, and
//! bad input to each side dropped with a typed reason, leaving nothing behind.
use std::time::Duration;

use bolt12::tlv::InvoiceRequestTlvs;
use bolt12::{InvoiceRequestBuilder, Offer, OfferBuilder};
use messenger::keys::{random_bytes, random_secret};
use messenger::memory::{pair, MemoryTransport};
use messenger::payer::{fetch_invoice, read_reply, send_invoice_request, Answer, FetchOptions};
use messenger::reply_path::ReplyPath;
use messenger::responder::ReplyKind;
use messenger::route::RouteKind;
use messenger::{DropReason, FetchError, NodeKey, OnionTransport, Responder, ResponderConfig};
use onion::blinding::{create_blinded_path, BlindHop};
use onion::message::{build_onion_message, Destination};
use onion::tlv::{EncryptedDataTlv, OnionmsgTlv};
use secp256k1::{Keypair, PublicKey, SECP256K1};

const NOW: u64 = 1_800_000_000;
/// Messages a test flood sends.
const FLOOD: usize = 10;

fn responder(config: ResponderConfig) -> Responder {
    let material = *random_bytes::<32>().expect("random");
    Responder::new(NodeKey::generate().expect("key"), &material, config).expect("responder")
}

fn offer(r: &Responder, msat: u64) -> Offer {
    r.create_offer(OfferBuilder::new().description("test").amount_msat(msat))
        .expect("offer")
}

fn options() -> FetchOptions {
    FetchOptions {
        timeout: Duration::from_secs(20),
        now: Some(NOW),
        ..FetchOptions::default()
    }
}

/// Serves `conn` with `r`'s `handle`, first sending the payer each of `junk` for every
/// request.
async fn issuer(r: &Responder, mut conn: MemoryTransport, junk: Vec<Vec<u8>>) -> Vec<DropReason> {
    let mut dropped = Vec::new();
    while let Ok(bytes) = conn.recv_onion_message().await {
        for j in &junk {
            conn.send_raw(j.clone()).expect("send");
        }
        match r.handle(&bytes, NOW) {
            Ok(reply) => {
                assert_eq!(reply.next_hop, conn.peer_id());
                conn.send_onion_message(&reply.message).await.expect("send");
            }
            Err(e) => dropped.push(e),
        }
    }
    dropped
}

/// An onion message to `to` (one hop) carrying `payload`, optionally on a blinded path
/// with `path_id`.
fn message_to(to: PublicKey, path_id: Option<Vec<u8>>, payload: OnionmsgTlv) -> Vec<u8> {
    let destination = match path_id {
        None => Destination::Node(to),
        Some(id) => Destination::BlindedPath(
            create_blinded_path(
                &random_secret().expect("key"),
                &[BlindHop {
                    node_id: to,
                    data: EncryptedDataTlv {
                        path_id: Some(id),
                        ..Default::default()
                    },
                }],
            )
            .expect("path"),
        ),
    };
    let out = build_onion_message(
        &random_secret().expect("key"),
        &random_secret().expect("key"),
        &[],
        destination,
        payload,
    )
    .expect("build");
    out.message.encode().expect("encode")
}

fn invoice_error_payload() -> OnionmsgTlv {
    OnionmsgTlv {
        invoice_error: Some(bolt12::tlv::InvoiceErrorTlvs {
            error: Some("not from the issuer".into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[tokio::test]
async fn payer_fetches_from_responder_ignoring_what_is_not_a_reply() {
    let r = responder(ResponderConfig::default());
    let offer = offer(&r, 4000);
    let payer_key = NodeKey::generate().expect("key");
    let payer_id = payer_key.node_id();
    let (mut payer, issuer_end) = pair(payer_key, r.node_key().clone());
    // Before each answer the payer gets: junk, an invoice_error with no path_id, and one on
    // a path_id it never made. None of them is taken as the answer.
    let junk = vec![
        vec![0x02, 0x01, 0xde, 0xad],
        message_to(payer_id, None, invoice_error_payload()),
        message_to(payer_id, Some(vec![9; 32]), invoice_error_payload()),
    ];
    let serving = async { issuer(&r, issuer_end, junk).await };
    let fetching = async {
        let opts = FetchOptions {
            payer_note: Some("hi".into()),
            ..options()
        };
        let got = fetch_invoice(&mut payer, &offer, &opts).await;
        drop(payer);
        got
    };
    let (got, issuer_dropped) = tokio::join!(fetching, serving);
    let got = got.expect("invoice");
    assert!(issuer_dropped.is_empty(), "{issuer_dropped:?}");
    assert_eq!(got.route, RouteKind::DirectToIssuer);
    assert_eq!(got.invoice.amount_msat(), 4000);
    assert_eq!(got.invoice.node_id(), wire::Point::from(r.node_id()));
    assert_eq!(got.invoice.offer_id(), Some(offer.id()));
    assert_eq!(got.request.tlvs().invreq_payer_note.as_deref(), Some("hi"));
    assert!(
        matches!(
            got.dropped.as_slice(),
            [
                DropReason::Peel(onion::PeelError::Malformed(_)),
                DropReason::NoPathId,
                DropReason::UnknownPathId
            ]
        ),
        "{:?}",
        got.dropped
    );
}

/// A request for `offer` with `invreq_amount` forced to `amount` and re-signed.
fn request_with_amount(offer: &Offer, amount: u64) -> InvoiceRequestTlvs {
    let keypair = Keypair::from_secret_key(SECP256K1, &random_secret().expect("key"));
    let request = InvoiceRequestBuilder::new(offer, vec![1; 32], keypair.public_key())
        .expect("builder")
        .build_and_sign(&keypair, NOW)
        .expect("request");
    let mut tlvs = request.tlvs().clone();
    tlvs.invreq_amount = Some(amount);
    tlvs.signature = None;
    let root = bolt12::merkle::root(&tlvs.encode().expect("encode"))
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

#[tokio::test]
async fn responder_answers_an_amount_below_the_offers_with_an_invoice_error() {
    let r = responder(ResponderConfig::default());
    let offer = offer(&r, 4000);
    let (mut payer, issuer_end) = pair(NodeKey::generate().expect("key"), r.node_key().clone());
    let below = request_with_amount(&offer, 3999);
    let serving = async { issuer(&r, issuer_end, Vec::new()).await };
    let fetching = async {
        let got = send_invoice_request(&mut payer, &offer, &below, &options()).await;
        drop(payer);
        got
    };
    let (got, _) = tokio::join!(fetching, serving);
    let (answer, dropped) = got.expect("an answer");
    assert!(dropped.is_empty());
    match answer {
        Answer::InvoiceError(FetchError::InvoiceError {
            message,
            erroneous_field,
            suggested_value,
        }) => {
            assert_eq!(
                message,
                "invreq_amount: 3999 msat is less than the expected 4000 msat"
            );
            assert_eq!(erroneous_field, Some(82));
            assert_eq!(suggested_value, None);
        }
        other => panic!("expected an invoice_error, got {other:?}"),
    }
}

/// A request payload for `offer` with a reply path from the responder to `payer`.
fn request_payload(offer: &Offer, responder_id: PublicKey, payer: PublicKey) -> OnionmsgTlv {
    let request = messenger::payer::build_request(offer, &options(), NOW).expect("request");
    OnionmsgTlv {
        reply_path: Some(
            ReplyPath::new(responder_id, payer)
                .expect("reply path")
                .path,
        ),
        invoice_request: Some(request.tlvs().clone()),
        ..Default::default()
    }
}

/// What a drop reason must be.
type Expect = fn(&DropReason) -> bool;

#[test]
fn responder_drops_bad_input_with_typed_reasons_and_still_answers() {
    let r = responder(ResponderConfig::default());
    let id = r.node_id();
    let mine = offer(&r, 1000);
    let with_path = r
        .create_offer_with_path(OfferBuilder::new().description("p").amount_msat(1000))
        .expect("offer");
    let stranger = responder(ResponderConfig::default());
    let theirs = offer(&stranger, 1000);
    let payer = NodeKey::generate().expect("key").node_id();

    let cases: Vec<(&str, Vec<u8>, Expect)> = vec![
        ("junk", vec![0xff; 40], |d| {
            matches!(
                d,
                DropReason::Peel(onion::PeelError::WrongMessageType(0xffff))
            )
        }),
        ("empty", Vec::new(), |d| {
            matches!(d, DropReason::Peel(onion::PeelError::Malformed(_)))
        }),
        (
            "for another node",
            message_to(payer, None, request_payload(&mine, id, payer)),
            |d| {
                matches!(
                    d,
                    DropReason::Peel(onion::PeelError::Sphinx(onion::SphinxError::BadHmac))
                )
            },
        ),
        (
            "unknown path_id",
            message_to(id, Some(vec![5; 32]), request_payload(&mine, id, payer)),
            |d| *d == DropReason::UnknownPathId,
        ),
        (
            "no payload",
            message_to(id, None, OnionmsgTlv::default()),
            |d| *d == DropReason::NoPayload,
        ),
        (
            "an invoice_error",
            message_to(id, None, invoice_error_payload()),
            |d| *d == DropReason::UnexpectedPayload("invoice_error"),
        ),
        (
            "no reply path",
            message_to(
                id,
                None,
                OnionmsgTlv {
                    reply_path: None,
                    ..request_payload(&mine, id, payer)
                },
            ),
            |d| *d == DropReason::NoReplyPath,
        ),
        (
            "another issuer's offer",
            message_to(id, None, request_payload(&theirs, id, payer)),
            |d| matches!(d, DropReason::NotOurOffer(_)),
        ),
        (
            "an offer with paths, not along its path",
            message_to(id, None, request_payload(&with_path, id, payer)),
            |d| matches!(d, DropReason::NotOurOffer(_)),
        ),
    ];
    for (what, bytes, expected) in cases {
        let got = r.handle(&bytes, NOW);
        match got {
            Err(reason) => assert!(expected(&reason), "{what}: {reason:?}"),
            Ok(reply) => panic!("{what}: answered {:?}", reply.kind),
        }
    }
    // Nothing was kept: a good request is still answered, with an invoice.
    let reply = r
        .handle(
            &message_to(id, None, request_payload(&mine, id, payer)),
            NOW,
        )
        .expect("answered");
    assert_eq!(reply.next_hop, payer);
    assert!(matches!(reply.kind, ReplyKind::Invoice(_)));
}

#[test]
fn payer_drops_replies_to_nothing_it_sent() {
    let payer = NodeKey::generate().expect("key");
    let peer = NodeKey::generate().expect("key").node_id();
    let ours = ReplyPath::new(peer, payer.node_id()).expect("path");
    let pending = [(ours, ())];
    let none: [(ReplyPath, ()); 0] = [];
    let on_random_path = message_to(payer.node_id(), Some(vec![3; 32]), invoice_error_payload());
    // No request in flight: even a well-formed reply is dropped.
    assert!(matches!(
        read_reply(&payer, &on_random_path, &none),
        Err(DropReason::UnknownPathId)
    ));
    // In flight, but on a path_id that is not ours (same length, one byte off, shorter).
    assert!(matches!(
        read_reply(&payer, &on_random_path, &pending),
        Err(DropReason::UnknownPathId)
    ));
    let short = message_to(payer.node_id(), Some(vec![3; 4]), invoice_error_payload());
    assert!(matches!(
        read_reply(&payer, &short, &pending),
        Err(DropReason::UnknownPathId)
    ));
    // Junk and messages for others.
    assert!(matches!(
        read_reply(&payer, &[0x02, 0x01, 0, 1, 2], &pending),
        Err(DropReason::Peel(_))
    ));
    let for_peer = message_to(peer, None, invoice_error_payload());
    assert!(matches!(
        read_reply(&payer, &for_peer, &pending),
        Err(DropReason::Peel(onion::PeelError::Sphinx(
            onion::SphinxError::BadHmac
        )))
    ));
}

#[tokio::test]
async fn responder_bounds_what_one_connection_can_make_it_do() {
    let r = responder(ResponderConfig {
        burst: 2,
        per_second: 0,
        ..ResponderConfig::default()
    });
    let (flooder, mut served) = pair(NodeKey::generate().expect("key"), r.node_key().clone());
    for _ in 0..FLOOD {
        flooder.send_raw(vec![0x02, 0x01]).expect("send");
    }
    drop(flooder);
    let report = r.serve(&mut served).await;
    assert_eq!(report.dropped_total, FLOOD);
    let limited = report
        .dropped
        .iter()
        .filter(|d| **d == DropReason::RateLimited(2))
        .count();
    assert_eq!(limited, FLOOD - 2);
    assert!(report.dropped.len() <= messenger::responder::ServeReport::KEPT);
    assert!(report.replies.is_empty());
}

#[tokio::test]
async fn stateless_payer_recognises_the_invoice_from_the_reply_path_alone() {
    use bolt12::stateless::PaymentId;
    use messenger::stateless::{recognise_reply, RecogniseError, StatelessPayer};
    let r = responder(ResponderConfig::default());
    let offer = offer(&r, 2500);
    let material = *random_bytes::<32>().expect("random");
    let stateless = StatelessPayer::new(&material, PaymentId([42; 32]));
    let (mut payer, issuer_end) = pair(NodeKey::generate().expect("key"), r.node_key().clone());
    let serving = async { issuer(&r, issuer_end, Vec::new()).await };
    let fetching = async {
        let opts = FetchOptions {
            stateless: Some(stateless.clone()),
            ..options()
        };
        let got = fetch_invoice(&mut payer, &offer, &opts).await;
        drop(payer);
        got
    };
    let (got, _) = tokio::join!(fetching, serving);
    let got = got.expect("invoice");
    assert_eq!(got.payment_id, Some(PaymentId([42; 32])));
    assert_eq!(got.checks.last(), Some(&messenger::payer::STATELESS_CHECK));
    // invreq_metadata is the encrypted payment id alone (LDK's derived-key layout).
    assert_eq!(
        got.request.tlvs().invreq_metadata.as_ref().map(Vec::len),
        Some(32)
    );
    // From the path_id and the invoice alone; a wrong tag, nonce or key material fails.
    let nonce = bolt12::stateless::Nonce([7; 16]);
    let path_id = stateless.path_id(&nonce).expect("path_id");
    assert_eq!(stateless.nonce_of(path_id.as_slice()), Ok(nonce));
    let mut bad = *path_id;
    bad[31] ^= 1;
    assert_eq!(stateless.nonce_of(&bad), Err(RecogniseError::BadTag));
    assert_eq!(
        stateless.nonce_of(&bad[..20]),
        Err(RecogniseError::BadLength(20))
    );
    assert!(matches!(
        recognise_reply(&stateless, path_id.as_slice(), &got.invoice),
        Err(RecogniseError::Invoice(_))
    ));
    let other = StatelessPayer::new(&[material[0] ^ 1; 32], PaymentId([42; 32]));
    assert_eq!(
        other.nonce_of(path_id.as_slice()),
        Err(RecogniseError::BadTag)
    );
}

#[tokio::test]
async fn payer_tries_each_offer_path_in_turn() {
    let r = responder(ResponderConfig::default());
    // The first path leads to a node nobody reaches; the second is the responder's own.
    let nowhere = NodeKey::generate().expect("key").node_id();
    let dead_end = create_blinded_path(
        &random_secret().expect("key"),
        &[BlindHop {
            node_id: nowhere,
            data: EncryptedDataTlv::default(),
        }],
    )
    .expect("path");
    let offer = r
        .create_offer_with_path(
            OfferBuilder::new()
                .description("two paths")
                .amount_msat(900)
                .paths(vec![dead_end]),
        )
        .expect("offer");
    assert_eq!(offer.paths().len(), 2);
    let (mut payer, issuer_end) = pair(NodeKey::generate().expect("key"), r.node_key().clone());
    let serving = async { issuer(&r, issuer_end, Vec::new()).await };
    let fetching = async {
        let opts = FetchOptions {
            timeout: Duration::from_secs(2),
            ..options()
        };
        let got = fetch_invoice(&mut payer, &offer, &opts).await;
        drop(payer);
        got
    };
    let (got, issuer_dropped) = tokio::join!(fetching, serving);
    let got = got.expect("invoice along the second path");
    assert_eq!(got.route, RouteKind::PathFromPeer { index: 1 });
    assert_eq!(got.invoice.amount_msat(), 900);
    // The responder was asked to forward the first attempt to `nowhere`, and refused.
    assert_eq!(issuer_dropped, vec![DropReason::Forward]);
}

/// The sans-IO fetch the npm package drives: two fetches of one payer on one connection,
/// each answer routed by its `path_id` (`path_id_of`, `InvoiceFetch::awaits`) to the fetch
/// that sent it; what answers neither is dropped, counted, and a fetch with no answer
/// runs out of routes and times out.
#[test]
fn sans_io_fetches_share_a_connection_by_path_id() {
    use messenger::payer::{path_id_of, InvoiceFetch};
    let r = responder(ResponderConfig::default());
    let (cheap, dear) = (offer(&r, 1000), offer(&r, 9000));
    let payer_key = NodeKey::generate().expect("key");
    let issuer = r.node_key().node_id();
    let mut a = InvoiceFetch::new(&cheap, &options(), issuer, payer_key.node_id()).expect("a");
    let mut b = InvoiceFetch::new(&dear, &options(), issuer, payer_key.node_id()).expect("b");
    let sent_a = a.next_message().expect("a route").expect("a message");
    let sent_b = b.next_message().expect("b route").expect("b message");
    // The issuer is the peer: one direct route each.
    assert!(a.next_message().is_none() && b.next_message().is_none());
    let answer = |m: &onion::tlv::OnionMessage| {
        let reply = r
            .handle(&m.encode().expect("encode"), NOW)
            .expect("answered");
        reply.message.encode().expect("encode")
    };
    let (to_a, to_b) = (answer(&sent_a), answer(&sent_b));
    let pid_b = path_id_of(&payer_key, &to_b).expect("for us, with a path_id");
    assert!(b.awaits(&pid_b) && !a.awaits(&pid_b));
    let pid_a = path_id_of(&payer_key, &to_a).expect("for us, with a path_id");
    assert!(a.awaits(&pid_a) && !b.awaits(&pid_a));
    // Junk is nobody's answer: dropped by the fetch it is offered to.
    assert!(path_id_of(&payer_key, &[0x02, 0x01, 0xde, 0xad]).is_none());
    assert!(a.receive(&payer_key, &[0x02, 0x01, 0xde, 0xad]).is_none());
    let got_b = b
        .receive(&payer_key, &to_b)
        .expect("b's answer")
        .expect("checked");
    assert_eq!(got_b.invoice.amount_msat(), 9000);
    assert!(got_b.dropped.is_empty());
    // a never takes its answer: after its only route, the timeout counts the junk.
    assert!(matches!(
        a.timed_out(Duration::from_secs(3)),
        FetchError::Timeout {
            seconds: 3,
            dropped: 1
        }
    ));
    let got_a = a
        .receive(&payer_key, &to_a)
        .expect("a's answer")
        .expect("checked");
    assert_eq!(got_a.invoice.amount_msat(), 1000);
    assert_eq!(got_a.dropped.len(), 1);
}
