//! `bolt12 offer --key-material`, `bolt12 stateless verify-request|verify-invoice`: the
//! issuer and payer recognise their own messages from key material alone.
use std::str::FromStr;

use bolt12::stateless::issuer::{self, InvoiceParams};
use bolt12::stateless::payer::{self, PayerKeys};
use bolt12::stateless::{ExpandedKey, Nonce, PaymentId};
use bolt12::tlv::{BlindedPath, BlindedPayinfo};
use bolt12::{InvoiceRequest, Offer};

mod common;
use common::{bolt12, json, wire_hex};
#[path = "../../bolt12/tests/common/mod.rs"]
mod fixtures;
use fixtures::{blinded_path, kp, NOW};

const ISSUER_KM: &str = "1111111111111111111111111111111111111111111111111111111111111111";
const PAYER_KM: &str = "2222222222222222222222222222222222222222222222222222222222222222";
const NONCE: &str = "000102030405060708090a0b0c0d0e0f";

/// A one-hop path, and its hex for `--path`.
fn path_hex() -> (BlindedPath, String) {
    let path = blinded_path(vec![(kp(7).public_key(), vec![1; 16])]);
    let hex = wire_hex(&path);
    (path, hex)
}

fn request(offer: &Offer, payer_nonce: &Nonce) -> InvoiceRequest {
    payer::request_invoice(
        &ExpandedKey::new(&[0x22; 32]),
        payer_nonce,
        &PaymentId([7; 32]),
        offer,
        PayerKeys::Derived,
        |b| b.amount_msat(5000),
        NOW,
    )
    .unwrap()
}

#[test]
fn stateless_offer_with_derived_key_round_trip() {
    let (path, path_hex) = path_hex();
    let o = bolt12(&[
        "offer",
        "--description",
        "tea",
        "--key-material",
        ISSUER_KM,
        "--nonce",
        NONCE,
        "--path",
        &path_hex,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let offer = Offer::from_str(String::from_utf8(o.stdout).unwrap().trim()).unwrap();
    assert_eq!(offer.paths(), std::slice::from_ref(&path));
    assert!(
        offer.tlvs().offer_metadata.is_none(),
        "derived keys carry no metadata"
    );
    let payer_nonce = Nonce([5; 16]);
    let req = request(&offer, &payer_nonce);
    let lnr = req.to_string();
    // Ours only with the nonce that rode in the path.
    let o = bolt12(&[
        "stateless",
        "verify-request",
        "--key-material",
        ISSUER_KM,
        "--nonce",
        NONCE,
        &lnr,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let v = json(&o);
    assert_eq!(
        (v["ours"].clone(), v["keys"].clone()),
        (true.into(), "derived".into())
    );
    assert_eq!(v["offer_id"], offer.id().to_string());
    for (km, nonce) in [
        (PAYER_KM, NONCE),
        (ISSUER_KM, "0f0e0d0c0b0a09080706050403020100"),
    ] {
        let o = bolt12(&[
            "stateless",
            "verify-request",
            "--key-material",
            km,
            "--nonce",
            nonce,
            &lnr,
        ]);
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(json(&o)["ours"], false);
    }
    // The issuer answers; the payer recognises the invoice and recovers the payment id.
    let ikey = ExpandedKey::new(&[0x11; 32]);
    let verified = issuer::verify_request(
        &ikey,
        &req,
        Some(&Nonce::from_prefix(&hex::decode(NONCE).unwrap()).unwrap()),
    )
    .unwrap();
    let payinfo = BlindedPayinfo {
        fee_base_msat: 1,
        fee_proportional_millionths: 1,
        cltv_expiry_delta: 40,
        htlc_minimum_msat: 1,
        htlc_maximum_msat: 10_000_000,
        features: vec![],
    };
    let params = InvoiceParams {
        created_at: NOW,
        relative_expiry: 600,
        paths: vec![(path.clone(), payinfo)],
        payment_iv: [3; 16],
        amount_msat: None,
    };
    let inv = issuer::respond(&ikey, &verified, None, params).unwrap();
    let lni = inv.invoice.to_string();
    let payer_nonce_hex = hex::encode(payer_nonce.0);
    let o = bolt12(&[
        "stateless",
        "verify-invoice",
        "--key-material",
        PAYER_KM,
        "--nonce",
        &payer_nonce_hex,
        &lni,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    assert_eq!(json(&o)["payment_id"], hex::encode([7u8; 32]));
    let o = bolt12(&[
        "stateless",
        "verify-invoice",
        "--key-material",
        ISSUER_KM,
        "--nonce",
        &payer_nonce_hex,
        &lni,
    ]);
    assert_eq!(
        (o.status.code(), json(&o)["ours"].clone()),
        (Some(1), false.into())
    );
}

#[test]
fn stateless_offer_with_explicit_metadata() {
    let o = bolt12(&[
        "offer",
        "--description",
        "tea",
        "--key-material",
        ISSUER_KM,
        "--nonce",
        NONCE,
        "--issuer-key",
        &"42".repeat(32),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let offer = Offer::from_str(String::from_utf8(o.stdout).unwrap().trim()).unwrap();
    assert_eq!(
        offer.issuer_id(),
        Some(&wire::Point::from(kp(0x42).public_key()))
    );
    assert_eq!(
        offer.tlvs().offer_metadata.as_ref().map(Vec::len),
        Some(48),
        "nonce + HMAC"
    );
    let lnr = request(&offer, &Nonce([6; 16])).to_string();
    let o = bolt12(&[
        "stateless",
        "verify-request",
        "--key-material",
        ISSUER_KM,
        &lnr,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    assert_eq!(json(&o)["keys"], "explicit");
    // Without paths and without a node key there is nothing to name the issuer.
    let o = bolt12(&[
        "offer",
        "--description",
        "tea",
        "--key-material",
        ISSUER_KM,
        "--nonce",
        NONCE,
    ]);
    assert_eq!(o.status.code(), Some(1));
    // Malformed key material: one-line error.
    let o = bolt12(&[
        "stateless",
        "verify-request",
        "--key-material",
        "abcd",
        &lnr,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&o.stderr).lines().count(), 1);
}
