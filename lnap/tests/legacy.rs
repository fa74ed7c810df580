//! The 2021 draft's example proof (shared/ref/lnap/example.tlv.hex), verified
//! in legacy mode.

use lnap::legacy::{self, LegacyError, NameCheck, EXAMPLE_TIME};
use lnap::pki::{PkiError, TrustAnchors};
use lnap::UnixTime;

fn example() -> Vec<u8> {
    let hex_text = include_str!("data/example.tlv.hex");
    hex::decode(hex_text.trim()).unwrap()
}

const EXPECTED_ROOT: &str = "d9f84a57065430e5dd7efb06361c428a6d3d10f078bd592556b1ccbeb3137224";

#[test]
fn example_verifies_with_mozilla_isrg_root_x1() {
    let anchors = legacy::isrg_root_x1().unwrap();
    assert_eq!(anchors.len(), 1);
    let report = legacy::verify(&example(), &anchors, EXAMPLE_TIME).unwrap();
    assert_eq!(hex::encode(report.merkle_root), EXPECTED_ROOT);
    assert_eq!(report.vendor.to_string(), "bolt12.org");
    assert_eq!(
        report.node_ids.iter().map(hex::encode).collect::<Vec<_>>(),
        vec!["4b9a1fa8e006f1e3937f65f66c408e6da8e1ca728ea43222a7381df1cc449605"]
    );
    assert_eq!(report.path.intermediates.len(), 1);
    assert!(report.path.intermediates[0].subject().contains("CN=R3"));
    assert!(report.path.anchor.subject().contains("CN=ISRG Root X1"));
    match report.name {
        NameCheck::VendorNotCovered {
            vendor,
            dns_names,
            reason,
        } => {
            assert_eq!(vendor, "bolt12.org");
            assert_eq!(dns_names, vec!["bootstrap.bolt12.org".to_string()]);
            assert!(matches!(reason, PkiError::NameMismatch { .. }));
        }
        NameCheck::Covered => panic!("bootstrap.bolt12.org must not cover bolt12.org"),
    }
}

#[test]
fn example_verifies_with_supplied_root_pem() {
    let anchors = TrustAnchors::from_certificates(include_bytes!("data/isrg-root-x1.pem")).unwrap();
    let report = legacy::verify(&example(), &anchors, EXAMPLE_TIME).unwrap();
    assert_eq!(hex::encode(report.merkle_root), EXPECTED_ROOT);
}

#[test]
fn example_is_expired_today() {
    let anchors = legacy::isrg_root_x1().unwrap();
    // 2026-01-01, long after notAfter 2021-10-05.
    let err = legacy::verify(&example(), &anchors, UnixTime::from_secs(1_767_225_600)).unwrap_err();
    assert!(
        matches!(err, LegacyError::Pki(PkiError::ExpiredLeaf { .. })),
        "{err:?}"
    );
    assert_eq!(err.code(), "expired_leaf");
}

#[test]
fn example_needs_isrg_root_x1() {
    // Without ISRG Root X1, the chain's top is the cross-signed X1 whose
    // issuer (DST Root CA X3) is neither supplied nor trusted.
    let anchors = TrustAnchors::mozilla()
        .unwrap()
        .only_subject_containing("CN=ISRG Root X2")
        .unwrap();
    let err = legacy::verify(&example(), &anchors, EXAMPLE_TIME).unwrap_err();
    assert!(
        matches!(err, LegacyError::Pki(PkiError::IncompleteChain { .. })),
        "{err:?}"
    );
}

#[test]
fn tampered_vendor_breaks_signature() {
    let mut tlv = example();
    // vendor value starts after type (1 byte) and length (1 byte): "bolt12.org" -> "bolt13.org".
    assert_eq!(&tlv[2..12], b"bolt12.org");
    tlv[7] = b'3';
    let err = legacy::verify(&tlv, &legacy::isrg_root_x1().unwrap(), EXAMPLE_TIME).unwrap_err();
    assert!(
        matches!(
            err,
            LegacyError::CertSignature(lnap::certsignature::CertSignatureError::BadSignature)
        ),
        "{err:?}"
    );
}

#[test]
fn tampered_signature_is_rejected() {
    let mut tlv = example();
    // certsignature value begins after vendor (12 bytes), node_ids (34 bytes)
    // and the 500 record header fd01f4 fd0200 (6 bytes).
    let sig_start = 12 + 34 + 6;
    tlv[sig_start + 100] ^= 0x01;
    let err = legacy::verify(&tlv, &legacy::isrg_root_x1().unwrap(), EXAMPLE_TIME).unwrap_err();
    assert!(
        matches!(
            err,
            LegacyError::CertSignature(lnap::certsignature::CertSignatureError::BadSignature)
        ),
        "{err:?}"
    );
}

#[test]
fn structural_faults_are_named() {
    let anchors = legacy::isrg_root_x1().unwrap();
    let tlv = example();
    // Drop the vendor record (the first 12 bytes).
    let err = legacy::verify(&tlv[12..], &anchors, EXAMPLE_TIME).unwrap_err();
    assert_eq!(err, LegacyError::MissingField("vendor"));
    // Append an unknown even record (type 1002, empty) after 503.
    let mut extra = tlv.clone();
    extra.extend_from_slice(&[0xfd, 0x03, 0xea, 0x00]);
    let err = legacy::verify(&extra, &anchors, EXAMPLE_TIME).unwrap_err();
    assert_eq!(err, LegacyError::UnknownEvenType(1002));
    assert_eq!(err.code(), "unknown_even_type");
    // Truncation anywhere is a TLV error, never a panic.
    for cut in [1usize, 13, 47, 600, tlv.len() - 1] {
        assert!(matches!(
            legacy::verify(&tlv[..cut], &anchors, EXAMPLE_TIME),
            Err(LegacyError::Tlv(_))
        ));
    }
}
