//! Create-then-verify with real generated chains, and every named PKI rejection.

mod common;

use common::*;
use lnap::certsignature::{CertSignatureError, SigningKey};
use lnap::pki::{PkiError, TrustAnchors, WildcardRule};
use lnap::vouch::{self, SignError, VouchError};
use lnap::{UnixTime, Vendor};
use rcgen::{ExtendedKeyUsagePurpose, IsCa, KeyUsagePurpose};
use sha2::{Digest, Sha256};

fn at() -> UnixTime {
    UnixTime::from_secs(AT)
}

/// A stand-in merkle root (the real one comes from the bolt12 crate).
fn root_of(label: &str) -> [u8; 32] {
    Sha256::digest(label.as_bytes()).into()
}

fn anchors(ca: &Ca) -> TrustAnchors {
    TrustAnchors::from_certificates(ca.cert.pem.as_bytes()).unwrap()
}

fn sign(leaf: &Cert, digest: &[u8; 32]) -> Vec<u8> {
    let key = SigningKey::from_pem(&leaf.key_pem).unwrap();
    vouch::sign(digest, &key, leaf.pem.as_bytes(), &mut rand_core::OsRng).unwrap()
}

/// Signs with the leaf key and verifies for `vendor` with `chain_pem` as certchain.
fn vouch_for(
    leaf: &Cert,
    chain_pem: &str,
    vendor: &str,
    roots: &TrustAnchors,
) -> Result<(), VouchError> {
    let digest = root_of(vendor);
    let sig = sign(leaf, &digest);
    vouch::verify(
        &digest,
        &sig,
        leaf.pem.as_bytes(),
        Some(chain_pem.as_bytes()),
        &Vendor::parse(vendor).unwrap(),
        roots,
        at(),
    )
    .map(|_| ())
}

/// Our verdict, after checking that rustls-webpki agrees on accept/reject.
fn both(leaf: &Cert, chain_pem: &str, vendor: &str, root: &Ca) -> Result<(), VouchError> {
    let ours = vouch_for(leaf, chain_pem, vendor, &anchors(root));
    let domain = Vendor::parse(vendor).unwrap().domain().to_string();
    let theirs = webpki_verdict(leaf, chain_pem, root, &domain);
    assert_eq!(
        ours.is_ok(),
        theirs.is_ok(),
        "lnap says {ours:?}, rustls-webpki says {theirs:?}"
    );
    ours
}

fn pki_err(r: Result<(), VouchError>) -> PkiError {
    match r {
        Err(VouchError::Pki(e)) => e,
        other => panic!("expected a PKI error, got {other:?}"),
    }
}

fn create_then_verify(kind: Kind) {
    let c = chain(kind);
    let digest = root_of("create then verify");
    let sig = sign(&c.leaf, &digest);
    let path = vouch::verify(
        &digest,
        &sig,
        c.leaf.pem.as_bytes(),
        Some(c.inter.cert.pem.as_bytes()),
        &Vendor::parse("example.com").unwrap(),
        &anchors(&c.root),
        at(),
    )
    .unwrap();
    assert_eq!(path.intermediates.len(), 1);
    assert!(path.intermediates[0]
        .subject()
        .contains("Test Intermediate"));
    assert!(path.anchor.subject().contains("Test Root"));
    // The same signature does not verify another root.
    let other = root_of("another root");
    let err = vouch::verify(
        &other,
        &sig,
        c.leaf.pem.as_bytes(),
        Some(c.inter.cert.pem.as_bytes()),
        &Vendor::parse("example.com").unwrap(),
        &anchors(&c.root),
        at(),
    )
    .unwrap_err();
    assert_eq!(err, VouchError::Signature(CertSignatureError::BadSignature));
}

#[test]
fn rsa2048_create_then_verify() {
    create_then_verify(Kind::Rsa2048);
}

#[test]
fn rsa4096_create_then_verify() {
    create_then_verify(Kind::Rsa4096);
}

#[test]
fn p256_create_then_verify() {
    create_then_verify(Kind::P256);
}

#[test]
fn p384_create_then_verify() {
    create_then_verify(Kind::P384);
}

#[test]
fn mixed_algorithms_chain_verifies() {
    // RSA root, P-384 intermediate, P-256 leaf.
    let root = root(Kind::Rsa2048, ca_params("Mixed Root", None));
    let inter = intermediate(&root, Kind::P384, ca_params("Mixed Intermediate", None));
    let leaf = issue(&inter, Kind::P256, &leaf_params(&["example.com"]));
    both(&leaf, &inter.cert.pem, "example.com", &root).unwrap();
}

#[test]
fn der_cert_and_concatenated_der_chain_verify() {
    let c = chain(Kind::P256);
    let digest = root_of("der");
    let sig = sign(&c.leaf, &digest);
    let mut chain_der = c.inter.cert.der.clone();
    chain_der.extend_from_slice(&c.root.cert.der);
    vouch::verify(
        &digest,
        &sig,
        &c.leaf.der,
        Some(&chain_der),
        &Vendor::parse("example.com").unwrap(),
        &TrustAnchors::from_certificates(&c.root.cert.der).unwrap(),
        at(),
    )
    .unwrap();
}

#[test]
fn email_vendor_uses_domain_part() {
    let c = chain(Kind::P256);
    both(&c.leaf, &c.inter.cert.pem, "alice@example.com", &c.root).unwrap();
}

#[test]
fn wildcard_covers_one_label() {
    let c = chain(Kind::P256);
    both(&c.leaf, &c.inter.cert.pem, "shop.example.com", &c.root).unwrap();
}

#[test]
fn expired_leaf() {
    let c = chain(Kind::P256);
    let mut p = leaf_params(&["example.com"]);
    p.not_before = rcgen::date_time_ymd(2024, 1, 1);
    p.not_after = rcgen::date_time_ymd(2025, 1, 1);
    let leaf = issue(&c.inter, Kind::P256, &p);
    let e = pki_err(both(&leaf, &c.inter.cert.pem, "example.com", &c.root));
    assert!(matches!(e, PkiError::ExpiredLeaf { .. }), "{e:?}");
    assert_eq!(e.code(), "expired_leaf");
    assert!(e.is_validity_failure() && !e.is_name_failure());
}

#[test]
fn not_yet_valid_leaf() {
    let c = chain(Kind::P256);
    let mut p = leaf_params(&["example.com"]);
    p.not_before = rcgen::date_time_ymd(2027, 1, 1);
    p.not_after = rcgen::date_time_ymd(2028, 1, 1);
    let leaf = issue(&c.inter, Kind::P256, &p);
    let e = pki_err(both(&leaf, &c.inter.cert.pem, "example.com", &c.root));
    assert!(matches!(e, PkiError::NotYetValid { .. }), "{e:?}");
}

#[test]
fn expired_intermediate() {
    let root = root(Kind::P256, ca_params("Root", None));
    let mut p = ca_params("Old Intermediate", None);
    p.not_before = rcgen::date_time_ymd(2020, 1, 1);
    p.not_after = rcgen::date_time_ymd(2026, 2, 1);
    let inter = intermediate(&root, Kind::P256, p);
    let leaf = issue(&inter, Kind::P256, &leaf_params(&["example.com"]));
    let e = pki_err(both(&leaf, &inter.cert.pem, "example.com", &root));
    assert!(matches!(e, PkiError::ExpiredCa { .. }), "{e:?}");
}

#[test]
fn wrong_domain() {
    let c = chain(Kind::P256);
    let e = pki_err(both(&c.leaf, &c.inter.cert.pem, "example.org", &c.root));
    assert_eq!(
        e,
        PkiError::NameMismatch {
            domain: "example.org".into(),
            dns_names: vec!["example.com".into(), "*.example.com".into()]
        }
    );
}

#[test]
fn wildcard_over_tld_is_too_broad() {
    let c = chain(Kind::P256);
    let leaf = issue(&c.inter, Kind::P256, &leaf_params(&["*.com"]));
    let e = pki_err(both(&leaf, &c.inter.cert.pem, "example.com", &c.root));
    assert!(
        matches!(
            e,
            PkiError::WildcardTooBroad {
                rule: WildcardRule::SingleLabelSuffix,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.code(), "wildcard_too_broad");
    assert!(e.is_name_failure() && !e.is_validity_failure());
}

#[test]
fn wildcard_does_not_cover_two_labels() {
    let c = chain(Kind::P256);
    let e = pki_err(both(&c.leaf, &c.inter.cert.pem, "a.b.example.com", &c.root));
    assert!(
        matches!(
            e,
            PkiError::WildcardTooBroad {
                rule: WildcardRule::MoreThanOneLabel,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn untrusted_root() {
    let c = chain(Kind::P256);
    let other = root(Kind::P256, ca_params("Some Other Root", None));
    let chain_pem = format!("{}{}", c.inter.cert.pem, c.root.cert.pem);
    let e = pki_err(both(&c.leaf, &chain_pem, "example.com", &other));
    assert!(
        matches!(e, PkiError::UntrustedRoot { ref subject } if subject.contains("Test Root")),
        "{e:?}"
    );
    // Not in Mozilla's programme either.
    let e = pki_err(vouch_for(
        &c.leaf,
        &chain_pem,
        "example.com",
        &TrustAnchors::mozilla().unwrap(),
    ));
    assert!(matches!(e, PkiError::UntrustedRoot { .. }), "{e:?}");
}

#[test]
fn intermediate_without_ca_flag() {
    for is_ca in [IsCa::ExplicitNoCa, IsCa::NoCa] {
        let root = root(Kind::P256, ca_params("Root", None));
        let mut p = ca_params("Not A CA", None);
        p.is_ca = is_ca;
        let inter = intermediate(&root, Kind::P256, p);
        let leaf = issue(&inter, Kind::P256, &leaf_params(&["example.com"]));
        let e = pki_err(both(&leaf, &inter.cert.pem, "example.com", &root));
        assert!(
            matches!(e, PkiError::NotACa { ref subject } if subject.contains("Not A CA")),
            "{e:?}"
        );
    }
}

#[test]
fn path_length_exceeded() {
    let root = root(Kind::P256, ca_params("Root", None));
    let upper = intermediate(&root, Kind::P256, ca_params("Upper pathlen 0", Some(0)));
    let lower = intermediate(&upper, Kind::P256, ca_params("Lower", None));
    let leaf = issue(&lower, Kind::P256, &leaf_params(&["example.com"]));
    let chain_pem = format!("{}{}", lower.cert.pem, upper.cert.pem);
    let e = pki_err(both(&leaf, &chain_pem, "example.com", &root));
    assert_eq!(
        e,
        PkiError::PathLenExceeded {
            subject: "O=lnap test PKI, CN=Upper pathlen 0".into(),
            path_len: 0,
            found: 1
        }
    );
    // With pathlen 1 the same shape is fine.
    let upper = intermediate(&root, Kind::P256, ca_params("Upper pathlen 1", Some(1)));
    let lower = intermediate(&upper, Kind::P256, ca_params("Lower", None));
    let leaf = issue(&lower, Kind::P256, &leaf_params(&["example.com"]));
    let chain_pem = format!("{}{}", lower.cert.pem, upper.cert.pem);
    both(&leaf, &chain_pem, "example.com", &root).unwrap();
}

#[test]
fn chain_out_of_order_still_verifies() {
    let root = root(Kind::P256, ca_params("Root", None));
    let upper = intermediate(&root, Kind::P256, ca_params("Upper", None));
    let lower = intermediate(&upper, Kind::P256, ca_params("Lower", None));
    let leaf = issue(&lower, Kind::P256, &leaf_params(&["example.com"]));
    // Root first, then top-down: the reverse of the TLS order.
    let chain_pem = format!("{}{}{}", root.cert.pem, upper.cert.pem, lower.cert.pem);
    both(&leaf, &chain_pem, "example.com", &root).unwrap();
}

#[test]
fn incomplete_chain() {
    let root = root(Kind::P256, ca_params("Root", None));
    let upper = intermediate(&root, Kind::P256, ca_params("Upper", None));
    let lower = intermediate(&upper, Kind::P256, ca_params("Lower", None));
    let leaf = issue(&lower, Kind::P256, &leaf_params(&["example.com"]));
    // `Upper` is missing.
    let e = pki_err(both(&leaf, &lower.cert.pem, "example.com", &root));
    assert!(
        matches!(e, PkiError::IncompleteChain { ref issuer, .. } if issuer.contains("CN=Upper")),
        "{e:?}"
    );
}

#[test]
fn proof_signed_by_a_different_key() {
    let c = chain(Kind::P256);
    let digest = root_of("example.com");
    let stranger = SigningKey::from_pem(&key_pem(Kind::P256)).unwrap();
    let sig = stranger.sign_digest_os_rng(&digest).unwrap();
    let err = vouch::verify(
        &digest,
        &sig,
        c.leaf.pem.as_bytes(),
        Some(c.inter.cert.pem.as_bytes()),
        &Vendor::parse("example.com").unwrap(),
        &anchors(&c.root),
        at(),
    )
    .unwrap_err();
    assert_eq!(err, VouchError::Signature(CertSignatureError::BadSignature));
    assert_eq!(err.code(), "bad_signature");
    // And the signing side refuses to sign with a key that is not the leaf's.
    let err = vouch::sign(
        &digest,
        &stranger,
        c.leaf.pem.as_bytes(),
        &mut rand_core::OsRng,
    )
    .unwrap_err();
    assert!(
        matches!(err, SignError::KeyDoesNotMatchCertificate { .. }),
        "{err:?}"
    );
}

#[test]
fn certificate_signed_by_a_different_key() {
    let c = chain(Kind::P256);
    // Same name as the real intermediate, different key: its leaf does not
    // verify under the real intermediate.
    let impostor = intermediate(&c.root, Kind::P256, ca_params("Test Intermediate", Some(0)));
    let leaf = issue(&impostor, Kind::P256, &leaf_params(&["example.com"]));
    let e = pki_err(both(&leaf, &c.inter.cert.pem, "example.com", &c.root));
    assert!(
        matches!(e, PkiError::BadCertificateSignature { .. }),
        "{e:?}"
    );
}

#[test]
fn tampered_signature() {
    for kind in [Kind::Rsa2048, Kind::P256] {
        let c = chain(kind);
        let digest = root_of("tamper");
        let mut sig = sign(&c.leaf, &digest);
        let last = sig.len() - 1;
        sig[last] ^= 0x01;
        let err = vouch::verify(
            &digest,
            &sig,
            c.leaf.pem.as_bytes(),
            Some(c.inter.cert.pem.as_bytes()),
            &Vendor::parse("example.com").unwrap(),
            &anchors(&c.root),
            at(),
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                VouchError::Signature(
                    CertSignatureError::BadSignature | CertSignatureError::MalformedEcdsaSignature
                )
            ),
            "{kind:?}: {err:?}"
        );
    }
}

#[test]
fn sha1_signed_certificate() {
    let c = chain(Kind::P256);
    let leaf = sha1_leaf(&c.inter);
    let e = pki_err(both(&leaf, &c.inter.cert.pem, "example.com", &c.root));
    assert!(matches!(e, PkiError::Sha1Signature { .. }), "{e:?}");
}

#[test]
fn leaf_key_usage_and_eku_are_enforced() {
    let c = chain(Kind::P256);
    let mut p = leaf_params(&["example.com"]);
    p.key_usages = vec![KeyUsagePurpose::KeyEncipherment];
    let leaf = issue(&c.inter, Kind::P256, &p);
    // Not compared with rustls-webpki, which ignores keyUsage (RFC 5280
    // §4.2.1.3 says it restricts the key; we enforce it).
    let e = pki_err(vouch_for(
        &leaf,
        &c.inter.cert.pem,
        "example.com",
        &anchors(&c.root),
    ));
    assert_eq!(e, PkiError::LeafKeyUsageNoDigitalSignature);

    let mut p = leaf_params(&["example.com"]);
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let leaf = issue(&c.inter, Kind::P256, &p);
    let e = pki_err(both(&leaf, &c.inter.cert.pem, "example.com", &c.root));
    assert!(matches!(e, PkiError::NotForServerAuth { .. }), "{e:?}");
}

#[test]
fn ca_key_usage_must_allow_cert_signing() {
    let root = root(Kind::P256, ca_params("Root", None));
    let mut p = ca_params("No CertSign", None);
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    let inter = intermediate(&root, Kind::P256, p);
    let leaf = issue(&inter, Kind::P256, &leaf_params(&["example.com"]));
    // Not compared with rustls-webpki, which ignores keyUsage.
    let e = pki_err(vouch_for(
        &leaf,
        &inter.cert.pem,
        "example.com",
        &anchors(&root),
    ));
    assert!(matches!(e, PkiError::CaKeyUsageNoCertSign { .. }), "{e:?}");
}

#[test]
fn leaf_that_is_a_ca_is_refused() {
    let c = chain(Kind::P256);
    let mut p = leaf_params(&["example.com"]);
    p.is_ca = IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let leaf = issue(&c.inter, Kind::P256, &p);
    let e = pki_err(both(&leaf, &c.inter.cert.pem, "example.com", &c.root));
    assert!(matches!(e, PkiError::LeafIsCa { .. }), "{e:?}");
}

#[test]
fn name_constraints_are_enforced() {
    let root = root(Kind::P256, ca_params("Root", None));
    let mut p = ca_params("Only example.net", None);
    p.name_constraints = Some(rcgen::NameConstraints {
        permitted_subtrees: vec![rcgen::GeneralSubtree::DnsName("example.net".into())],
        excluded_subtrees: vec![],
    });
    let inter = intermediate(&root, Kind::P256, p);
    let leaf = issue(&inter, Kind::P256, &leaf_params(&["example.com"]));
    let e = pki_err(both(&leaf, &inter.cert.pem, "example.com", &root));
    assert!(
        matches!(e, PkiError::NameConstraintViolation { .. }),
        "{e:?}"
    );
    let leaf = issue(&inter, Kind::P256, &leaf_params(&["shop.example.net"]));
    both(&leaf, &inter.cert.pem, "shop.example.net", &root).unwrap();
}

#[test]
fn traditional_key_formats_sign() {
    for kind in [Kind::Rsa2048, Kind::P256, Kind::P384] {
        let c = chain(kind);
        let pem = traditional_pem(&c.leaf.key_pem);
        let expected = if kind == Kind::Rsa2048 {
            "RSA PRIVATE KEY"
        } else {
            "EC PRIVATE KEY"
        };
        assert!(
            pem.contains(&format!("-----BEGIN {expected}-----")),
            "{pem}"
        );
        let key = SigningKey::from_pem(&pem).unwrap();
        let digest = root_of("traditional");
        let sig = vouch::sign(&digest, &key, c.leaf.pem.as_bytes(), &mut rand_core::OsRng).unwrap();
        vouch::verify(
            &digest,
            &sig,
            c.leaf.pem.as_bytes(),
            Some(c.inter.cert.pem.as_bytes()),
            &Vendor::parse("example.com").unwrap(),
            &anchors(&c.root),
            at(),
        )
        .unwrap();
    }
}

#[test]
fn rsa_signature_uses_maximum_salt_interoperably() {
    // openssl verifies our RSA-PSS max-salt signature over the prehashed digest.
    let c = chain(Kind::Rsa2048);
    let digest = root_of("interop");
    let sig = sign(&c.leaf, &digest);
    let dir = scratch_dir();
    let (pubf, sigf, dgf) = (dir.join("pub.pem"), dir.join("sig"), dir.join("dg"));
    let spki = openssl(&["pkey", "-pubout"], c.leaf.key_pem.as_bytes());
    std::fs::write(&pubf, spki).unwrap();
    std::fs::write(&sigf, &sig).unwrap();
    std::fs::write(&dgf, digest).unwrap();
    let p = |x: &std::path::Path| x.to_str().unwrap().to_owned();
    let out = openssl(
        &[
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            &p(&pubf),
            "-in",
            &p(&dgf),
            "-sigfile",
            &p(&sigf),
            "-pkeyopt",
            "digest:sha256",
            "-pkeyopt",
            "rsa_padding_mode:pss",
            "-pkeyopt",
            "rsa_pss_saltlen:max",
        ],
        b"",
    );
    std::fs::remove_dir_all(&dir).ok();
    assert!(String::from_utf8_lossy(&out).contains("Signature Verified Successfully"));
}
