//! `bolt12 invoicerequest`, run as a user would: the refunds it prints read back as refunds
//! with the fields asked for, signed only with `--sign`, stateless ones recognised from the
//! key material (the payment id recovered from an invoice answering them), bad arguments
//! refused with one line naming the argument.
use bolt12::stateless::refund::verify_invoice;
use bolt12::stateless::report::parse_key_material;
use bolt12::stateless::{Nonce, PaymentId};
use bolt12::tlv::{BlindedPath, BlindedPayinfo};
use bolt12::{InvoiceBuilder, Refund};
use serde_json::Value;
use wire::{Point, Sha256};

mod common;
use common::{bolt12, ok_stdout, wire_hex};
#[path = "../../bolt12/tests/common/mod.rs"]
mod fixtures;
use fixtures::{blinded_path, kp};

/// A one-hop path, and its hex for `--path`.
fn path_hex() -> (String, BlindedPath) {
    let path = blinded_path(vec![(kp(7).public_key(), vec![1; 10])]);
    (wire_hex(&path), path)
}

#[test]
fn prints_a_refund_with_the_fields_given() {
    let key = hex::encode([0x11; 32]);
    let (path, p) = path_hex();
    let s = ok_stdout(&bolt12(&[
        "invoicerequest",
        "--amount-msat",
        "5000",
        "--description",
        "refund",
        "--issuer-key",
        &key,
        "--metadata",
        "0102",
        "--issuer",
        "Shop",
        "--absolute-expiry",
        "4000000000",
        "--chain",
        "regtest",
        "--path",
        &path,
        "--quantity",
        "2",
        "--payer-note",
        "sorry",
    ]));
    let refund: Refund = s.trim().parse().unwrap();
    assert!(!refund.is_signed(), "BOLT 12's form by default");
    assert_eq!(refund.amount_msat(), 5000);
    assert_eq!(refund.description(), "refund");
    assert_eq!(refund.payer_id(), Point::from(kp(0x11).public_key()));
    assert_eq!(
        refund.tlvs().invreq_metadata.as_deref(),
        Some(&[1u8, 2][..])
    );
    assert_eq!(refund.tlvs().offer_issuer.as_deref(), Some("Shop"));
    assert_eq!(refund.absolute_expiry(), Some(4_000_000_000));
    assert_eq!(refund.chain(), bolt12::json::REGTEST);
    assert_eq!(refund.paths(), &[p][..]);
    assert_eq!(refund.tlvs().invreq_quantity, Some(2));
    assert_eq!(refund.tlvs().invreq_payer_note.as_deref(), Some("sorry"));

    let out = bolt12(&[
        "invoicerequest",
        "--amount-msat",
        "5000",
        "--description",
        "refund",
        "--issuer-key",
        &key,
        "--sign",
        "--json",
    ]);
    let v: Value = serde_json::from_str(&ok_stdout(&out)).unwrap();
    let refund: Refund = v["bolt12"].as_str().unwrap().parse().unwrap();
    assert!(refund.is_signed());
    assert_eq!(v["signed"], true);
    assert_eq!(v["decoded"]["valid"], true);
    assert_eq!(v["decoded"]["invreq_amount_msat"], 5000);
    assert!(v.get("payer_secret_key").is_none(), "not generated");
}

#[test]
fn stateless_refunds_are_recognised_from_the_key_material() {
    let material = hex::encode([0x22; 32]);
    let nonce = hex::encode([0x33; 16]);
    let payment_id = [0x44; 32];
    let key = parse_key_material(&material).unwrap();
    let (path, _) = path_hex();
    let payee = kp(50);
    for (explicit, sign) in [(true, false), (true, true), (false, false), (false, true)] {
        let issuer = hex::encode([0x11; 32]);
        let pid = hex::encode(payment_id);
        let mut args = vec![
            "invoicerequest",
            "--amount-msat",
            "9000",
            "--description",
            "stateless",
            "--key-material",
            &material,
            "--nonce",
            &nonce,
            "--payment-id",
            &pid,
            "--json",
        ];
        if explicit {
            args.extend(["--issuer-key", &issuer]);
        } else {
            args.extend(["--path", &path]);
        }
        if sign {
            args.push("--sign");
        }
        let v: Value = serde_json::from_str(&ok_stdout(&bolt12(&args))).unwrap();
        assert_eq!(v["payment_id"], pid);
        let refund: Refund = v["bolt12"].as_str().unwrap().parse().unwrap();
        assert_eq!(refund.is_signed(), sign);
        assert_eq!(
            refund.payer_id() == Point::from(kp(0x11).public_key()),
            explicit
        );
        let invoice = InvoiceBuilder::for_refund(
            &refund,
            1_700_000_000,
            Sha256([1; 32]),
            vec![(
                path_hex().1,
                BlindedPayinfo {
                    fee_base_msat: 1,
                    fee_proportional_millionths: 1,
                    cltv_expiry_delta: 40,
                    htlc_minimum_msat: 1,
                    htlc_maximum_msat: 100_000,
                    features: vec![],
                },
            )],
            payee.public_key(),
        )
        .unwrap()
        .build_and_sign(&payee)
        .unwrap();
        let n = Nonce([0x33; 16]);
        let got = verify_invoice(&key, &invoice, (!explicit).then_some(&n)).unwrap();
        assert_eq!(got, PaymentId(payment_id));
        let other = parse_key_material(&hex::encode([0x23; 32])).unwrap();
        assert!(verify_invoice(&other, &invoice, (!explicit).then_some(&n)).is_err());
    }
}

#[test]
fn bad_arguments_are_refused_naming_them() {
    for (args, needle) in [
        (vec!["--issuer-key", "zz"], "--issuer-key"),
        (vec!["--issuer-key", "00"], "--issuer-key"),
        (vec!["--metadata", "0g"], "--metadata"),
        (
            vec!["--key-material", "00", "--nonce", "00"],
            "key material",
        ),
    ] {
        let mut all = vec!["invoicerequest", "--amount-msat", "1", "--description", "x"];
        all.extend(args.iter().copied());
        let out = bolt12(&all);
        assert_eq!(out.status.code(), Some(1), "{all:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("error: ") && err.contains(needle), "{err}");
        assert!(out.stdout.is_empty());
    }
    // Empty metadata: the writer rule, named.
    let out = bolt12(&[
        "invoicerequest",
        "--amount-msat",
        "1",
        "--description",
        "x",
        "--issuer-key",
        &hex::encode([0x11; 32]),
        "--metadata",
        "",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invreq_metadata"));
}
