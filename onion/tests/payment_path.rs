//! Blinded payment paths with `onion::payment_path`, held to BOLT 4's
//! `blinded-payment-onion-test.json`: the route Bob -> Carol -> Dave -> Eve with the
//! vector's relay terms gives the vector's `blinded_payinfo` (10100 msat, 251 ppm, 150
//! blocks) and its `payment_constraints` at every hop; each hop decrypts its own data with
//! its node key; the amount range and overflows are typed errors; and LDK 0.2.7 computes
//! the same `blinded_payinfo` for the same routes.
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
        htlc_maximum_msat: u64::MAX,
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
    assert!(info.features.is_empty());
    // Bounds on what reaches Eve: 50 msat at any hop forwards at least 50 after Dave's 100
    // ppm (Bob's and Carol's base fees exceed their minimum, which then no longer binds);
    // 500000000 at Bob leaves (500000000 - 10000) after Bob, then Carol's and Dave's fees.
    assert_eq!(info.htlc_minimum_msat, 50);
    let after_bob = 500_000_000u64 - 10_000;
    let after_carol = ((after_bob - 100) as u128 * 1_000_000 / 1_000_150) as u64;
    let after_dave = (after_carol as u128 * 1_000_000 / 1_000_100) as u64;
    assert!(
        (after_dave..=after_dave + 2).contains(&info.htlc_maximum_msat),
        "{}",
        info.htlc_maximum_msat
    );
    assert!(after_dave + 2 + (after_dave + 2) / 10_000 > after_carol);

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
    // A hop whose maximum does not cover its fee; one that carries less than the minimum.
    let mut narrow = forwards.clone();
    narrow[1].htlc_maximum_msat = 100;
    assert_eq!(
        create_payment_path(&session, &narrow, &recipient).err(),
        Some(PaymentPathError::MaximumBelowFee(1))
    );
    let mut narrow = forwards.clone();
    narrow[1].htlc_maximum_msat = 20_000;
    let demanding = Recipient {
        htlc_minimum_msat: 30_000,
        ..recipient.clone()
    };
    assert!(matches!(
        create_payment_path(&session, &narrow, &demanding),
        Err(PaymentPathError::EmptyAmountRange {
            minimum: 30_000,
            ..
        })
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

/// LDK 0.2.7's `BlindedPaymentPath::new` as the oracle for the `blinded_payinfo` of the same
/// route: the relay terms, the hop minima and maxima and the recipient's bounds.
fn ldk_payinfo(forwards: &[ForwardHop], recipient: &Recipient) -> Option<[u64; 5]> {
    use lightning::blinded_path::payment::{
        BlindedPaymentPath, Bolt12RefundContext, ForwardTlvs, PaymentConstraints, PaymentContext,
        PaymentForwardNode, PaymentRelay as LdkRelay, UnauthenticatedReceiveTlvs,
    };
    use lightning::ln::inbound_payment::ExpandedKey;
    use lightning::offers::nonce::Nonce;
    use lightning::sign::EntropySource;
    use lightning::types::features::BlindedHopFeatures;
    use lightning::types::payment::PaymentSecret;
    struct Entropy;
    impl EntropySource for Entropy {
        fn get_secure_random_bytes(&self) -> [u8; 32] {
            [7; 32]
        }
    }
    let nodes: Vec<PaymentForwardNode> = forwards
        .iter()
        .map(|f| PaymentForwardNode {
            node_id: f.node_id,
            htlc_maximum_msat: f.htlc_maximum_msat,
            tlvs: ForwardTlvs {
                short_channel_id: 1,
                payment_relay: LdkRelay {
                    cltv_expiry_delta: f.relay.cltv_expiry_delta,
                    fee_proportional_millionths: f.relay.fee_proportional_millionths,
                    fee_base_msat: f.relay.fee_base_msat,
                },
                payment_constraints: PaymentConstraints {
                    max_cltv_expiry: u32::MAX,
                    htlc_minimum_msat: f.htlc_minimum_msat,
                },
                features: BlindedHopFeatures::empty(),
                next_blinding_override: None,
            },
        })
        .collect();
    let tlvs = UnauthenticatedReceiveTlvs {
        payment_secret: PaymentSecret([0; 32]),
        payment_constraints: PaymentConstraints {
            max_cltv_expiry: recipient.max_cltv_expiry,
            htlc_minimum_msat: recipient.htlc_minimum_msat,
        },
        payment_context: PaymentContext::Bolt12Refund(Bolt12RefundContext {}),
    }
    .authenticate(
        Nonce::try_from(&[1u8; 16][..]).unwrap(),
        &ExpandedKey::new([3; 32]),
    );
    let path = BlindedPaymentPath::new(
        &nodes,
        recipient.node_id,
        tlvs,
        recipient.htlc_maximum_msat,
        recipient.min_final_cltv_expiry_delta,
        &Entropy,
        &secp256k1::Secp256k1::new(),
    )
    .ok()?;
    let p = path.payinfo;
    Some([
        u64::from(p.fee_base_msat),
        u64::from(p.fee_proportional_millionths),
        u64::from(p.cltv_expiry_delta),
        p.htlc_minimum_msat,
        p.htlc_maximum_msat,
    ])
}

#[test]
fn payinfo_agrees_with_ldk() {
    let (forwards, recipient, _, _) = vector_route();
    let session = SecretKey::from_slice(&[0x44; 32]).unwrap();
    let ours = |f: &[ForwardHop], r: &Recipient| {
        create_payment_path(&session, f, r).ok().map(|(_, i)| {
            [
                u64::from(i.fee_base_msat),
                u64::from(i.fee_proportional_millionths),
                u64::from(i.cltv_expiry_delta),
                i.htlc_minimum_msat,
                i.htlc_maximum_msat,
            ]
        })
    };
    // LDK caps the maximum at the bitcoin supply; so does this recipient.
    let recipient = Recipient {
        htlc_maximum_msat: 21_000_000 * 100_000_000 * 1000,
        ..recipient
    };
    let got = ours(&forwards, &recipient);
    assert!(got.is_some());
    assert_eq!(got, ldk_payinfo(&forwards, &recipient));
    // The proposal's example (route-blinding.md): 201 msat, 1001 ppm, 300 blocks.
    let example: Vec<ForwardHop> = [100u64, 1000]
        .iter()
        .map(|min| ForwardHop {
            relay: PaymentRelay {
                cltv_expiry_delta: 144,
                fee_proportional_millionths: 500,
                fee_base_msat: 100,
            },
            htlc_minimum_msat: *min,
            htlc_maximum_msat: u64::MAX,
            ..forwards[0].clone()
        })
        .collect();
    let alice = Recipient {
        min_final_cltv_expiry_delta: 12,
        htlc_minimum_msat: 1,
        htlc_maximum_msat: 100_000,
        ..recipient.clone()
    };
    let got = ours(&example, &alice).unwrap();
    assert_eq!(&got[..3], &[201, 1001, 300]);
    assert_eq!(Some(got), ldk_payinfo(&example, &alice));
    // Pseudo-random terms, 1 to 3 hops: the same answer, or both refuse.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |m: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % m
    };
    let mut made = 0;
    for _ in 0..200 {
        let hops: Vec<ForwardHop> = (0..1 + next(3))
            .map(|_| ForwardHop {
                relay: PaymentRelay {
                    cltv_expiry_delta: next(300) as u16,
                    fee_proportional_millionths: next(20_000) as u32,
                    fee_base_msat: next(5_000) as u32,
                },
                htlc_minimum_msat: next(20_000),
                // One hop in ten narrow, so that some paths are refused.
                htlc_maximum_msat: if next(10) == 0 {
                    1 + next(30_000)
                } else {
                    1_000_000 + next(1u64 << 40)
                },
                ..forwards[0].clone()
            })
            .collect();
        let r = Recipient {
            htlc_minimum_msat: 1 + next(5_000),
            htlc_maximum_msat: 1_000_000 + next(1u64 << 40),
            min_final_cltv_expiry_delta: next(200) as u16,
            ..recipient.clone()
        };
        let got = ours(&hops, &r);
        assert_eq!(got, ldk_payinfo(&hops, &r), "{hops:?} {r:?}");
        made += usize::from(got.is_some());
    }
    // Most cases make a path; the rest are refused by both (an empty amount range).
    assert!((100..200).contains(&made), "{made} of 200 made a path");
}
