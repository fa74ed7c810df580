//! Decoding of certificates, keys and signatures from untrusted input, and
//! the less common chain shapes.

mod common;

use common::*;
use lnap::certsignature::{self, CertSignatureError, SigningKey, SigningKeyError};
use lnap::pki::{
    parse_certificates, CertificateBundle, KeyError, PkiError, PublicKey, TrustAnchors,
};
use lnap::{UnixTime, Vendor};

fn example_cert_pem() -> Vec<u8> {
    // The leaf certificate (type 501) inside the draft example: a real
    // Let's Encrypt certificate.
    let tlv = hex::decode(include_str!("data/example.tlv.hex").trim()).unwrap();
    let records = lnap::legacy::tlv::read_stream(&tlv).unwrap();
    records
        .iter()
        .find(|r| r.tlv_type == 501)
        .unwrap()
        .value
        .to_vec()
}

#[test]
fn pem_and_der_decode_to_the_same_certificate() {
    let pem = example_cert_pem();
    let from_pem = parse_certificates(&pem).unwrap();
    assert_eq!(from_pem.len(), 1);
    let from_der = parse_certificates(from_pem[0].der()).unwrap();
    assert_eq!(from_pem, from_der);
    let leaf = &from_pem[0];
    assert_eq!(leaf.subject(), "CN=bootstrap.bolt12.org");
    assert_eq!(leaf.dns_names(), ["bootstrap.bolt12.org"]);
    assert_eq!(leaf.not_after(), UnixTime::from_secs(1_633_429_616)); // 2021-10-05T10:26:56Z
}

#[test]
fn rejects_bad_certificate_input() {
    assert_eq!(parse_certificates(b""), Err(PkiError::NoCertificate));
    assert!(matches!(
        parse_certificates(b"\x30\x03\x02\x01\x01"),
        Err(PkiError::MalformedCertificate { index: 0, .. })
    ));
    let key_pem = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    assert_eq!(
        parse_certificates(key_pem),
        Err(PkiError::UnexpectedPemLabel {
            label: "PRIVATE KEY".into()
        })
    );
    let bad_b64 = b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
    assert!(matches!(
        parse_certificates(bad_b64),
        Err(PkiError::MalformedPem { .. })
    ));
    let mut der = parse_certificates(&example_cert_pem()).unwrap()[0]
        .der()
        .to_vec();
    der.push(0x00);
    assert!(matches!(
        parse_certificates(&der),
        Err(PkiError::MalformedCertificate { index: 1, .. })
    ));
}

#[test]
fn too_many_certificates_are_refused() {
    let one = example_cert_pem();
    let many: Vec<u8> = one.iter().copied().cycle().take(one.len() * 17).collect();
    assert_eq!(
        parse_certificates(&many),
        Err(PkiError::TooManyCertificates { count: 17, max: 16 })
    );
}

#[test]
fn corrupted_certificates_never_panic() {
    let der = parse_certificates(&example_cert_pem()).unwrap()[0]
        .der()
        .to_vec();
    for i in (0..der.len()).step_by(7) {
        for mask in [0x01u8, 0x80, 0xff] {
            let mut d = der.clone();
            d[i] ^= mask;
            let _ = parse_certificates(&d);
            let _ = parse_certificates(&d[..i]);
        }
    }
}

#[test]
fn mozilla_roots_load_and_include_isrg() {
    let roots = TrustAnchors::mozilla().unwrap();
    assert!(roots.len() > 100, "{}", roots.len());
    // Every Mozilla root key decodes, except P-521 ones (curve not supported).
    for a in roots.iter() {
        match PublicKey::from_spki_der(a.spki_der()) {
            Ok(_) => {}
            Err(KeyError::UnsupportedCurve(oid)) if oid == "1.3.132.0.35" => {}
            Err(e) => panic!("{}: {e:?}", a.subject()),
        }
    }
    assert_eq!(
        roots
            .clone()
            .only_subject_containing("CN=ISRG Root X1")
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        roots.only_subject_containing("CN=No Such Root"),
        Err(PkiError::NoTrustAnchors)
    );
}

#[test]
fn rsa_pss_signed_certificate_verifies() {
    let root = root(Kind::Rsa2048, ca_params("PSS Root", None));
    let inter = intermediate(&root, Kind::Rsa2048, ca_params("PSS Intermediate", None));
    let leaf = openssl_leaf(
        &inter,
        &[
            "-sha256",
            "-sigopt",
            "rsa_padding_mode:pss",
            "-sigopt",
            "rsa_pss_saltlen:32",
        ],
    );
    let parsed = parse_certificates(leaf.pem.as_bytes()).unwrap();
    assert!(matches!(
        parsed[0].signature_algorithm(),
        lnap::pki::SignatureAlgorithm::RsaPss { salt_len: 32, .. }
    ));
    let bundle =
        CertificateBundle::parse(leaf.pem.as_bytes(), Some(inter.cert.pem.as_bytes())).unwrap();
    let anchors = TrustAnchors::from_certificates(root.cert.pem.as_bytes()).unwrap();
    bundle
        .verify_for_domain(
            Vendor::parse("example.com").unwrap().domain(),
            &anchors,
            UnixTime::now(),
        )
        .unwrap();
    assert!(webpki_verdict_now(&leaf, &inter.cert.pem, &root).is_ok());
}

/// rustls-webpki's verdict at the current time (openssl-made leaves start now).
fn webpki_verdict_now(leaf: &Cert, chain_pem: &str, root: &Ca) -> Result<(), webpki::Error> {
    use rustls_pki_types::{CertificateDer, UnixTime};
    let leaf_der = CertificateDer::from(leaf.der.clone());
    let ee = webpki::EndEntityCert::try_from(&leaf_der)?;
    let root_der = CertificateDer::from(root.cert.der.clone());
    let anchors = vec![webpki::anchor_from_trusted_cert(&root_der)?.to_owned()];
    let inter: Vec<CertificateDer<'static>> = parse_certificates(chain_pem.as_bytes())
        .unwrap()
        .iter()
        .map(|c| CertificateDer::from(c.der().to_vec()))
        .collect();
    ee.verify_for_usage(
        webpki::ALL_VERIFICATION_ALGS,
        &anchors,
        &inter,
        UnixTime::now(),
        webpki::KeyUsage::server_auth(),
        None,
        None,
    )
    .map(|_| ())
}

#[test]
fn unsupported_critical_extension_is_refused() {
    let c = chain(Kind::P256);
    let mut p = leaf_params(&["example.com"]);
    let mut ext =
        rcgen::CustomExtension::from_oid_content(&[1, 3, 6, 1, 4, 1, 99999, 1], vec![0x05, 0x00]);
    ext.set_criticality(true);
    p.custom_extensions = vec![ext];
    let leaf = issue(&c.inter, Kind::P256, &p);
    let bundle =
        CertificateBundle::parse(leaf.pem.as_bytes(), Some(c.inter.cert.pem.as_bytes())).unwrap();
    let anchors = TrustAnchors::from_certificates(c.root.cert.pem.as_bytes()).unwrap();
    let e = bundle
        .verify_path(&anchors, UnixTime::from_secs(AT))
        .unwrap_err();
    assert_eq!(
        e,
        PkiError::UnsupportedCriticalExtension {
            subject: "O=lnap test PKI, CN=example.com".into(),
            oid: "1.3.6.1.4.1.99999.1".into()
        }
    );
}

#[test]
fn overlong_paths_are_refused() {
    let root = root(Kind::P256, ca_params("Root", None));
    let mut cas = vec![intermediate(&root, Kind::P256, ca_params("CA 0", None))];
    for i in 1..8 {
        let next = intermediate(
            cas.last().unwrap(),
            Kind::P256,
            ca_params(&format!("CA {i}"), None),
        );
        cas.push(next);
    }
    let leaf = issue(
        cas.last().unwrap(),
        Kind::P256,
        &leaf_params(&["example.com"]),
    );
    let chain: String = cas.iter().map(|c| c.cert.pem.as_str()).collect();
    let bundle = CertificateBundle::parse(leaf.pem.as_bytes(), Some(chain.as_bytes())).unwrap();
    let anchors = TrustAnchors::from_certificates(root.cert.pem.as_bytes()).unwrap();
    let e = bundle
        .verify_path(&anchors, UnixTime::from_secs(AT))
        .unwrap_err();
    assert_eq!(e, PkiError::ChainTooLong { max: 7 });
    // Six intermediates are fine.
    let chain: String = cas[2..].iter().map(|c| c.cert.pem.as_str()).collect();
    let anchors = TrustAnchors::from_certificates(cas[1].cert.pem.as_bytes()).unwrap();
    let bundle = CertificateBundle::parse(leaf.pem.as_bytes(), Some(chain.as_bytes())).unwrap();
    assert_eq!(
        bundle
            .verify_path(&anchors, UnixTime::from_secs(AT))
            .unwrap()
            .intermediates
            .len(),
        6
    );
}

#[test]
fn malformed_certsignatures() {
    let rsa = SigningKey::from_pem(&key_pem(Kind::Rsa2048)).unwrap();
    let digest = [7u8; 32];
    let sig = rsa.sign_digest_os_rng(&digest).unwrap();
    assert_eq!(sig.len(), 256);
    assert_eq!(
        certsignature::verify(&rsa.public_key(), &digest, &sig[..255]),
        Err(CertSignatureError::WrongRsaSignatureLength {
            expected: 256,
            found: 255
        })
    );
    let ec = SigningKey::from_pem(&key_pem(Kind::P256)).unwrap();
    let sig = ec.sign_digest_os_rng(&digest).unwrap();
    assert_eq!(sig.first(), Some(&0x30), "DER SEQUENCE");
    certsignature::verify(&ec.public_key(), &digest, &sig).unwrap();
    assert_eq!(
        certsignature::verify(&ec.public_key(), &digest, &[0u8; 64]),
        Err(CertSignatureError::MalformedEcdsaSignature)
    );
    let mut other = digest;
    other[0] ^= 1;
    assert_eq!(
        certsignature::verify(&ec.public_key(), &other, &sig),
        Err(CertSignatureError::BadSignature)
    );
}

#[test]
fn ecdsa_signatures_are_deterministic_and_rsa_pss_is_salted() {
    let digest = [9u8; 32];
    let ec = SigningKey::from_pem(&key_pem(Kind::P384)).unwrap();
    assert_eq!(
        ec.sign_digest_os_rng(&digest).unwrap(),
        ec.sign_digest_os_rng(&digest).unwrap()
    );
    let rsa = SigningKey::from_pem(&key_pem(Kind::Rsa2048)).unwrap();
    let (a, b) = (
        rsa.sign_digest_os_rng(&digest).unwrap(),
        rsa.sign_digest_os_rng(&digest).unwrap(),
    );
    assert_ne!(a, b);
    certsignature::verify(&rsa.public_key(), &digest, &a).unwrap();
    certsignature::verify(&rsa.public_key(), &digest, &b).unwrap();
}

#[test]
fn unusable_private_keys() {
    let ed25519 = String::from_utf8(openssl(&["genpkey", "-algorithm", "ED25519"], b"")).unwrap();
    assert_eq!(
        SigningKey::from_pem(&ed25519).unwrap_err(),
        SigningKeyError::Unsupported
    );
    let small = String::from_utf8(openssl(
        &[
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:1024",
        ],
        b"",
    ))
    .unwrap();
    assert!(matches!(
        SigningKey::from_pem(&small),
        Err(SigningKeyError::RsaKeySize { bits: 1024, .. })
    ));
    let encrypted = String::from_utf8(openssl(
        &["pkey", "-aes-128-cbc", "-passout", "pass:x"],
        key_pem(Kind::P256).as_bytes(),
    ))
    .unwrap();
    assert_eq!(
        SigningKey::from_pem(&encrypted).unwrap_err(),
        SigningKeyError::Encrypted
    );
    let ec_params_and_key =
        String::from_utf8(openssl(&["ecparam", "-name", "prime256v1", "-genkey"], b"")).unwrap();
    assert!(ec_params_and_key.contains("EC PARAMETERS"));
    assert!(matches!(
        SigningKey::from_pem(&ec_params_and_key),
        Ok(SigningKey::P256(_))
    ));
}
