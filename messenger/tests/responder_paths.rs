//! The responder behind another node, in process: an offer path introduced by node I
//! (I -> us), a request that came along it from I, and a reply path that starts at a third
//! node X. `handle_from(.., I)` sends the invoice through I (one clear hop, then X's blinded
//! path), and each hop peels its own layer down to the payer; `handle` alone would hand it
//! to X, which we are not connected to. (Against Core Lightning:
//! interop/tests/responder_paths_cln.rs.)
use bolt12::OfferBuilder;
use messenger::keys::{random_bytes, random_secret};
use messenger::payer::{build_request, read_reply, FetchOptions, ReplyPayload};
use messenger::reply_path::ReplyPath;
use messenger::responder::ReplyKind;
use messenger::{NodeKey, Responder, ResponderConfig};
use onion::message::{build_onion_message, peel_onion_message, Destination, NextHop, Peeled};
use onion::tlv::{OnionMessage, OnionmsgTlv};
use secp256k1::{PublicKey, SecretKey, SECP256K1};

const NOW: u64 = 1_800_000_000;

fn id(s: &SecretKey) -> PublicKey {
    PublicKey::from_secret_key(SECP256K1, s)
}

/// Peels `msg` as `secret`: it must be forwarded, to a node id.
fn forward(secret: &SecretKey, msg: &OnionMessage) -> (PublicKey, OnionMessage) {
    match peel_onion_message(secret, msg).expect("peels") {
        Peeled::Forward(f) => match f.next_hop {
            NextHop::NodeId(n) => (n, f.message),
            other => panic!("forward to {other:?}"),
        },
        Peeled::Receive(_) => panic!("not for this hop"),
    }
}

#[test]
fn answers_through_the_introduction_node_to_a_reply_path_elsewhere() {
    let material = *random_bytes::<32>().expect("random");
    let r = Responder::new(
        NodeKey::generate().expect("key"),
        &material,
        ResponderConfig::default(),
    )
    .expect("responder");
    let (intro, elsewhere, payer) = (
        random_secret().expect("key"),
        random_secret().expect("key"),
        random_secret().expect("key"),
    );
    let offer = r
        .create_offer_with_path_via(
            OfferBuilder::new()
                .description("behind I")
                .amount_msat(3000),
            id(&intro),
        )
        .expect("offer");
    let path = offer.paths()[0].clone();
    assert_eq!(path.path.len(), 2);
    // Both hops' data padded to one length: the path does not show which is the end.
    assert_eq!(
        path.path[0].encrypted_recipient_data.len(),
        path.path[1].encrypted_recipient_data.len()
    );

    // The payer's request along the offer path, with a reply path X -> payer.
    let options = FetchOptions {
        now: Some(NOW),
        ..FetchOptions::default()
    };
    let request = build_request(&offer, &options, NOW).expect("request");
    let reply = ReplyPath::new(id(&elsewhere), id(&payer)).expect("reply path");
    let out = build_onion_message(
        &random_secret().expect("key"),
        &random_secret().expect("key"),
        &[],
        Destination::BlindedPath(path),
        OnionmsgTlv {
            reply_path: Some(reply.path.clone()),
            invoice_request: Some(request.tlvs().clone()),
            ..Default::default()
        },
    )
    .expect("onion message");
    // I peels its hop and forwards to us.
    let (next, at_us) = forward(&intro, &out.message);
    assert_eq!(next, r.node_id());
    let bytes = at_us.encode().expect("encode");

    // Without knowing where it came from, the reply goes to X itself.
    let direct = r.handle(&bytes, NOW).expect("answered");
    assert_eq!(direct.next_hop, id(&elsewhere));
    // From I: through I, which forwards it to X, which forwards it to the payer.
    let answer = r.handle_from(&bytes, NOW, id(&intro)).expect("answered");
    assert!(matches!(answer.kind, ReplyKind::Invoice(_)));
    assert_eq!(answer.next_hop, id(&intro));
    let (next, at_x) = forward(&intro, &answer.message);
    assert_eq!(next, id(&elsewhere));
    let (next, at_payer) = forward(&elsewhere, &at_x);
    assert_eq!(next, id(&payer));
    let pending = [(reply, ())];
    let got = read_reply(
        &NodeKey::from_secret(payer),
        &at_payer.encode().expect("encode"),
        &pending,
    )
    .unwrap_or_else(|e| panic!("dropped: {e}"));
    let ReplyPayload::Invoice(tlvs) = got.1 else {
        panic!("not an invoice")
    };
    let invoice = bolt12::Invoice::from_bytes(tlvs.encode().expect("encode")).expect("invoice");
    assert_eq!(invoice.offer_id(), Some(offer.id()));
    assert_eq!(invoice.amount_msat(), 3000);
    assert_eq!(
        invoice.node_id(),
        bolt12::wire::Point::from(r.node_id()),
        "signed by the responder"
    );

    // A reply path introduced by I itself needs no extra hop.
    let reply_at_i = ReplyPath::new(id(&intro), id(&payer)).expect("reply path");
    let out = build_onion_message(
        &random_secret().expect("key"),
        &random_secret().expect("key"),
        &[],
        Destination::BlindedPath(offer.paths()[0].clone()),
        OnionmsgTlv {
            reply_path: Some(reply_at_i.path),
            invoice_request: Some(request.tlvs().clone()),
            ..Default::default()
        },
    )
    .expect("onion message");
    let (_, at_us) = forward(&intro, &out.message);
    let answer = r
        .handle_from(&at_us.encode().expect("encode"), NOW, id(&intro))
        .expect("answered");
    assert_eq!(answer.next_hop, id(&intro));
    let (next, _) = forward(&intro, &answer.message);
    assert_eq!(next, id(&payer), "one layer for I, not two");
}
