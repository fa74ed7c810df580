//! Blinded payment paths with `onion::payment_path`, held to BOLT 4's
//! `blinded-payment-onion-test.json`: the route Bob -> Carol -> Dave -> Eve with the
//! vector's relay terms gives the vector's `blinded_payinfo` (10100 msat, 251 ppm, 150
//! blocks) and its `payment_constraints` at every hop; each hop decrypts its own data with
//! its node key; and the amount range and overflows are typed errors.
mod common;

use common::*;
use onion::blinding::decrypt_recipient_data;
use onion::payment_path::{
    aggregate_fees, create_payment_path, ForwardHop, NextHop, PaymentPathError, Recipient,
};
use onion::tlv::PaymentRelay;
use secp256k1::{PublicKey, SecretKey, SECP256K1};
use serde_json::Value;

const FILE: &str = "blinded-payment-onion-test.json";

fn relay(v: &Value) -> PaymentRelay {
    let r = &v["tlvs"]["encrypted_recipient_data"]["payment_relay"];
    PaymentRelay {
        cltv_expiry_delta: r["cltv_expiry_delta"].as_u64().unwrap() as u16,
        fee_proportional_millionths: r["fee_proportional_millionths"].as_u64().unwrap_or(0) as u32,
        fee_base_msat: r["fee_base_msat"].as_u64().unwrap_or(0) as u32,
    }
}

fn constraints(v: &Value) -> (u32, u64) {
    let c = &v["tlvs"]["encrypted_recipient_data"]["payment_constraints"];
    (
        c["max_cltv_expiry"].as_u64().unwrap() as u32,
        c["htlc_minimum_msat"].as_u64().unwrap(),
    )
}

/// Bob, Carol and Dave forwarding (by node id), Eve receiving, on the vector's terms; and
/// each hop's node secret.
fn vector_route() -> (Vec<ForwardHop>, Recipient, Vec<SecretKey>, Value) {
    let v = vector(FILE);
    let full = v["generate"]["full_route"]["hops"]
        .as_array()
        .unwrap()
        .clone();
    let decrypt = v["decrypt"]["hops"].as_array().unwrap().clone();
    let secrets: Vec<SecretKey> = (1..5)
        .map(|i| secret(&decrypt[i]["node_privkey"]))
        .collect();
    let ids: Vec<PublicKey> = secrets
        .iter()
        .map(|s| PublicKey::from_secret_key(SECP256K1, s))
        .collect();
    let forwards = (0..3)
        .map(|i| ForwardHop {
            node_id: ids[i],
            next: NextHop::NodeId(ids[i + 1]),
            relay: relay(&full[i + 1]),
            htlc_minimum_msat: constraints(&full[i + 1]).1,
            htlc_maximum_msat: 500_000_000,
        })
        .collect();
    let (max_cltv_expiry, htlc_minimum_msat) = constraints(&full[4]);
    let recipient = Recipient {
        node_id: ids[3],
        path_id: bytes(&full[4]["tlvs"]["encrypted_recipient_data"]["path_id"]),
        max_cltv_expiry,
        min_final_cltv_expiry_delta: 0,
        htlc_minimum_msat,
    };
    (forwards, recipient, secrets, v)
}

#[test]
fn the_vectors_route_gives_its_payinfo_and_constraints() {
    let (forwards, recipient, secrets, v) = vector_route();
    let expected = &v["generate"]["blinded_payinfo"];
    let relays: Vec<PaymentRelay> = forwards.iter().map(|f| f.relay.clone()).collect();
    assert_eq!(aggregate_fees(&relays), Ok((10100, 251)));
    let session = SecretKey::from_slice(&[0x42; 32]).unwrap();
    let (path, info) = create_payment_path(&session, &forwards, &recipient).unwrap();
    assert_eq!(
        u64::from(info.fee_base_msat),
        expected["fee_base_msat"].as_u64().unwrap()
    );
    assert_eq!(
        u64::from(info.fee_proportional_millionths),
        expected["fee_proportional_millionths"].as_u64().unwrap()
    );
    assert_eq!(
        u64::from(info.cltv_expiry_delta),
        expected["cltv_expiry_delta"].as_u64().unwrap()
    );
    assert_eq!(info.htlc_maximum_msat, 500_000_000);
    assert!(info.features.is_empty());
    // 50 msat must reach Eve: Dave, Carol and Bob each add their fee on the way back.
    let need_dave = 50 + (50u64 * 100).div_ceil(1_000_000);
    let need_carol = need_dave + 100 + (need_dave * 150).div_ceil(1_000_000);
    let need_bob = need_carol + 10_000;
    assert_eq!(info.htlc_minimum_msat, need_bob);

    // Walk the path as the hops do: each decrypts its data with its own key.
    let full = v["generate"]["full_route"]["hops"].as_array().unwrap();
    assert_eq!(path.path.len(), 4);
    let mut path_key = path.first_path_key.to_pubkey().unwrap();
    let mut lens = Vec::new();
    for (i, hop) in path.path.iter().enumerate() {
        lens.push(hop.encrypted_recipient_data.len());
        let got =
            decrypt_recipient_data(&secrets[i], &path_key, &hop.encrypted_recipient_data).unwrap();
        let c = got.data.payment_constraints.clone().unwrap();
        assert_eq!(
            (c.max_cltv_expiry, c.htlc_minimum_msat),
            constraints(&full[i + 1])
        );
        assert_eq!(got.data.allowed_features, Some(Vec::new()));
        if i < 3 {
            assert_eq!(got.data.payment_relay, Some(forwards[i].relay.clone()));
            let next = PublicKey::from_secret_key(SECP256K1, &secrets[i + 1]);
            assert_eq!(got.data.next_node_id, Some(wire::Point::from(next)));
            assert_eq!(got.data.path_id, None);
        } else {
            assert_eq!(
                got.data.path_id.as_deref(),
                Some(recipient.path_id.as_slice())
            );
            assert_eq!(got.data.payment_relay, None);
        }
        path_key = got.next_path_key;
    }
    // Padded: no hop's length tells its place.
    assert!(lens.iter().all(|l| *l == lens[0]), "{lens:?}");
}

#[test]
fn a_recipient_alone_and_the_bad_cases() {
    let (forwards, recipient, _, _) = vector_route();
    let session = SecretKey::from_slice(&[0x43; 32]).unwrap();
    // No forwarding hop: the path is the recipient itself, free, its own minimum.
    let alone = Recipient {
        min_final_cltv_expiry_delta: 18,
        ..recipient.clone()
    };
    let (path, info) = create_payment_path(&session, &[], &alone).unwrap();
    assert_eq!(path.path.len(), 1);
    assert_eq!(
        (
            info.fee_base_msat,
            info.fee_proportional_millionths,
            info.cltv_expiry_delta
        ),
        (0, 0, 18)
    );
    assert_eq!(
        (info.htlc_minimum_msat, info.htlc_maximum_msat),
        (50, u64::MAX)
    );
    // A hop that carries less than the path's minimum.
    let mut narrow = forwards.clone();
    narrow[1].htlc_maximum_msat = 100;
    assert!(matches!(
        create_payment_path(&session, &narrow, &recipient),
        Err(PaymentPathError::EmptyAmountRange { maximum: 100, .. })
    ));
    // Deltas past u16, fees past u32, expiry past u32.
    let mut slow = forwards.clone();
    slow[0].relay.cltv_expiry_delta = u16::MAX;
    assert_eq!(
        create_payment_path(&session, &slow, &recipient).err(),
        Some(PaymentPathError::CltvOverflow("u16 of cltv_expiry_delta"))
    );
    let mut dear = forwards.clone();
    dear[0].relay.fee_base_msat = u32::MAX;
    assert_eq!(
        create_payment_path(&session, &dear, &recipient).err(),
        Some(PaymentPathError::FeeOverflow("fee_base_msat"))
    );
    let late = Recipient {
        max_cltv_expiry: u32::MAX - 10,
        ..recipient
    };
    assert_eq!(
        create_payment_path(&session, &forwards, &late).err(),
        Some(PaymentPathError::CltvOverflow("u32 of max_cltv_expiry"))
    );
}
