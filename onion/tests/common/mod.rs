//! Helpers shared by the spec-vector tests: reading the JSON files and turning their
//! `tlvs` objects into `encrypted_data_tlv`s.
#![allow(dead_code)]
use onion::tlv::{EncryptedDataTlv, PaymentConstraints, PaymentRelay};
use secp256k1::{PublicKey, SecretKey};
use serde_json::Value;
use wire::{Point, ShortChannelId, UnknownRecord};

pub fn vector(name: &str) -> Value {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub fn bytes(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap()).unwrap()
}

pub fn hex_of(b: &[u8]) -> String {
    hex::encode(b)
}

pub fn secret(v: &Value) -> SecretKey {
    SecretKey::from_slice(&bytes(v)).unwrap()
}

pub fn pubkey(v: &Value) -> PublicKey {
    PublicKey::from_slice(&bytes(v)).unwrap()
}

pub fn point(v: &Value) -> Point {
    Point::from_slice(&bytes(v)).unwrap()
}

/// `BLOCKxTXxOUT`.
pub fn scid(v: &Value) -> ShortChannelId {
    let parts: Vec<u64> = v
        .as_str()
        .unwrap()
        .split('x')
        .map(|p| p.parse().unwrap())
        .collect();
    ShortChannelId(parts[0] << 40 | parts[1] << 16 | parts[2])
}

fn u64_of(v: &Value, key: &str) -> u64 {
    v.get(key).and_then(Value::as_u64).unwrap_or(0)
}

/// BOLT 9 feature bits as the big-endian byte string `allowed_features` holds.
fn features(bits: &[Value]) -> Vec<u8> {
    let Some(max) = bits.iter().map(|b| b.as_u64().unwrap() as usize).max() else {
        return Vec::new();
    };
    let len = max / 8 + 1;
    let mut out = vec![0u8; len];
    for b in bits {
        let b = b.as_u64().unwrap() as usize;
        out[len - 1 - b / 8] |= 1 << (b % 8);
    }
    out
}

/// The vectors' JSON form of an `encrypted_data_tlv`.
pub fn encrypted_data(tlvs: &Value) -> EncryptedDataTlv {
    let mut d = EncryptedDataTlv::default();
    for (k, v) in tlvs.as_object().unwrap() {
        match k.as_str() {
            "padding" => d.padding = Some(bytes(v)),
            "short_channel_id" => d.short_channel_id = Some(scid(v)),
            "next_node_id" => d.next_node_id = Some(point(v)),
            "path_id" => d.path_id = Some(bytes(v)),
            "next_path_key_override" => d.next_path_key_override = Some(point(v)),
            "payment_relay" => {
                d.payment_relay = Some(PaymentRelay {
                    cltv_expiry_delta: u64_of(v, "cltv_expiry_delta") as u16,
                    fee_proportional_millionths: u64_of(v, "fee_proportional_millionths") as u32,
                    fee_base_msat: u64_of(v, "fee_base_msat") as u32,
                })
            }
            "payment_constraints" => {
                d.payment_constraints = Some(PaymentConstraints {
                    max_cltv_expiry: u64_of(v, "max_cltv_expiry") as u32,
                    htlc_minimum_msat: u64_of(v, "htlc_minimum_msat"),
                })
            }
            "allowed_features" => {
                d.allowed_features = Some(features(v["features"].as_array().unwrap()))
            }
            // Not part of the TLV: the secret behind `next_path_key_override`.
            "path_key_override_secret" => {}
            other => {
                let t = other
                    .strip_prefix("unknown_tag_")
                    .unwrap_or_else(|| panic!("unexpected tlv {other}"));
                d.unknown.push(UnknownRecord {
                    tlv_type: t.parse().unwrap(),
                    value: bytes(v),
                });
            }
        }
    }
    d.unknown.sort_by_key(|u| u.tlv_type);
    d
}
