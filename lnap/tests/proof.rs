//! Proofs end to end: create with real generated chains, string round trip, verify, and the
//! verdicts for offers and invoices; each tampering gets its own named failure.
mod common;

use std::str::FromStr;

use bolt12::OfferBuilder;
use common::*;
use lnap::certsignature::{CertSignatureError, SigningKey};
use lnap::pki::{PkiError, TrustAnchors};
use lnap::proof::tlv::AddressproofTlvs;
use lnap::vouch::VouchError;
use lnap::{Proof, ProofError, UnixTime, Verdict, VerifyError};
use secp256k1::{PublicKey, SecretKey, SECP256K1};

fn node(byte: u8) -> PublicKey {
    PublicKey::from_secret_key(SECP256K1, &SecretKey::from_slice(&[byte; 32]).unwrap())
}

fn at() -> UnixTime {
    UnixTime::from_secs(AT)
}

fn make(chain: &Chain, vendor: &str, expiry: Option<u64>) -> Proof {
    make_with(chain, vendor, expiry, chain.inter.cert.pem.clone())
}

fn make_with(chain: &Chain, vendor: &str, expiry: Option<u64>, certchain: String) -> Proof {
    let key = SigningKey::from_pem(&chain.leaf.key_pem).unwrap();
    Proof::create(
        vendor,
        vec![wire::Point::from(node(1)), wire::Point::from(node(2))],
        Some("test shop".into()),
        expiry,
        None,
        &key,
        chain.leaf.pem.as_bytes(),
        Some(certchain.as_bytes()),
        &mut rand_core::OsRng,
    )
    .unwrap()
}

fn anchors(chain: &Chain) -> TrustAnchors {
    TrustAnchors::from_certificates(chain.root.cert.pem.as_bytes()).unwrap()
}

/// Re-encodes `proof` with `mutate` applied, keeping the old signature.
fn tampered(proof: &Proof, mutate: impl FnOnce(&mut AddressproofTlvs)) -> Proof {
    let mut t = proof.tlvs().clone();
    mutate(&mut t);
    Proof::from_bytes(t.encode().unwrap()).unwrap()
}

#[test]
fn create_then_verify_for_each_key_kind() {
    for kind in [Kind::Rsa2048, Kind::Rsa4096, Kind::P256, Kind::P384] {
        let chain = chain(kind);
        let proof = make(&chain, "example.com", None);
        let s = proof.to_string();
        assert!(s.starts_with("lnap1"));
        let back = Proof::from_str(&s).unwrap();
        assert_eq!(back, proof);
        assert_eq!(
            Proof::from_str(&hex::encode(proof.as_bytes())).unwrap(),
            proof
        );
        assert!(back.verify(&anchors(&chain), at()).is_ok(), "{kind:?}");
        // The Merkle root is BOLT 12's, over the records outside 240..=1000.
        assert_eq!(
            Some(proof.merkle_root()),
            bolt12::merkle::root(proof.as_bytes()).unwrap()
        );
    }
}

#[test]
fn email_vendor_uses_its_domain() {
    let chain = chain(Kind::P256);
    let proof = make(&chain, "sales@shop.example.com", None);
    assert!(proof.verify(&anchors(&chain), at()).is_ok());
    let other = make(&chain, "sales@example.org", None);
    assert!(matches!(
        other.verify(&anchors(&chain), at()),
        Err(VerifyError::Vouch(VouchError::Pki(e))) if e.is_name_failure()
    ));
}

#[test]
fn tampering_and_expiry_are_named() {
    let chain = chain(Kind::P256);
    let roots = anchors(&chain);
    let proof = make(&chain, "example.com", Some(AT as u64 + 100));
    assert!(proof.verify(&roots, at()).is_ok());
    // Expired proof.
    assert_eq!(
        proof.verify(&roots, UnixTime::from_secs(AT + 101)),
        Err(VerifyError::ProofExpired {
            expiry: AT as u64 + 100
        })
    );
    // Tampered TLV: another node id added, old signature kept.
    let t = tampered(&proof, |t| {
        t.node_ids
            .as_mut()
            .unwrap()
            .push(wire::Point::from(node(9)))
    });
    assert!(matches!(
        t.verify(&roots, at()),
        Err(VerifyError::Vouch(VouchError::Signature(_)))
    ));
    // Tampered signature.
    let t = tampered(&proof, |t| {
        let sig = t.certsignature.as_mut().unwrap();
        let n = sig.len() / 2;
        sig[n] ^= 1;
    });
    assert!(matches!(
        t.verify(&roots, at()),
        Err(VerifyError::Vouch(VouchError::Signature(_)))
    ));
    // Signature by a different key: the same fields signed by another chain's leaf.
    let other = common::chain(Kind::P256);
    let foreign = make(&other, "example.com", Some(AT as u64 + 100));
    let t = tampered(&proof, |t| {
        t.certsignature = foreign.tlvs().certsignature.clone()
    });
    assert!(matches!(
        t.verify(&roots, at()),
        Err(VerifyError::Vouch(VouchError::Signature(
            CertSignatureError::BadSignature
        )))
    ));
    // Untrusted root.
    // Incomplete chain: our intermediate's issuer is neither supplied nor an anchor.
    let e = proof.verify(&TrustAnchors::mozilla().unwrap(), at());
    assert!(
        matches!(
            e,
            Err(VerifyError::Vouch(VouchError::Pki(
                PkiError::IncompleteChain { .. }
            )))
        ),
        "{e:?}"
    );
    // Untrusted root: the chain reaches our self-signed root, which is not among Mozilla's.
    let full = make_with(
        &chain,
        "example.com",
        None,
        format!("{}{}", chain.inter.cert.pem, chain.root.cert.pem),
    );
    let e = full.verify(&TrustAnchors::mozilla().unwrap(), at());
    assert!(
        matches!(
            e,
            Err(VerifyError::Vouch(VouchError::Pki(
                PkiError::UntrustedRoot { .. }
            )))
        ),
        "{e:?}"
    );
    // A trusted root of the same name but another key does not sign our intermediate.
    let e = proof.verify(&anchors(&other), at());
    assert!(
        matches!(
            e,
            Err(VerifyError::Vouch(VouchError::Pki(
                PkiError::BadCertificateSignature { .. }
            )))
        ),
        "{e:?}"
    );
    // Unknown even feature.
    let mut t = proof.tlvs().clone();
    t.features = Some(bolt12::features::from_bits(&[10]));
    assert_eq!(
        Proof::from_bytes(t.encode().unwrap()),
        Err(ProofError::UnknownRequiredFeature(10))
    );
    // Required fields.
    for (field, mutate) in [
        (
            "vendor",
            (|t: &mut AddressproofTlvs| t.vendor = None) as fn(&mut AddressproofTlvs),
        ),
        ("node_ids", |t| t.node_ids = Some(vec![])),
        ("certsignature", |t| t.certsignature = None),
        ("cert", |t| t.cert = None),
    ] {
        let mut t = proof.tlvs().clone();
        mutate(&mut t);
        assert_eq!(
            Proof::from_bytes(t.encode().unwrap()),
            Err(ProofError::Missing(field)),
            "{field}"
        );
    }
    assert!(matches!(
        Proof::from_str("lno1qqqq"),
        Err(ProofError::NotHexOrString | ProofError::WrongPrefix(_))
    ));
}

#[test]
fn offer_verdicts() {
    let chain = chain(Kind::P256);
    let roots = anchors(&chain);
    let proof = make(&chain, "example.com", Some(AT as u64 + 100));
    let offer = |issuer: &str, id: PublicKey| {
        OfferBuilder::new()
            .description("x")
            .issuer(issuer)
            .issuer_id(id)
            .build()
            .unwrap()
    };
    let check = |o: &bolt12::Offer, t: i64| proof.check_offer(o, &roots, UnixTime::from_secs(t));
    assert_eq!(
        check(&offer("example.com shop", node(1)), AT).verdict,
        Verdict::Verified
    );
    assert_eq!(
        check(&offer("alice@EXAMPLE.com", node(2)), AT).verdict,
        Verdict::Verified
    );
    assert_eq!(
        check(&offer("example.com", node(3)), AT).verdict,
        Verdict::NotCovered
    );
    assert_eq!(
        check(&offer("evil.com", node(1)), AT).verdict,
        Verdict::Mismatch
    );
    assert_eq!(
        check(&offer("just a name", node(1)), AT).verdict,
        Verdict::Mismatch
    );
    let expired = check(&offer("example.com", node(1)), AT + 101);
    assert_eq!(
        (expired.verdict, expired.reason.as_str()),
        (Verdict::Expired, "proof_expired")
    );
    // After the leaf certificate's notAfter (2027-01-01), with no proof expiry.
    let long = make(&chain, "example.com", None);
    let late = long.check_offer(
        &offer("example.com", node(1)),
        &roots,
        UnixTime::from_secs(1_830_000_000),
    );
    assert_eq!(late.verdict, Verdict::Expired);
    let stranger = common::chain(Kind::P256);
    let untrusted = proof.check_offer(&offer("example.com", node(1)), &anchors(&stranger), at());
    assert_eq!(untrusted.verdict, Verdict::Untrusted);
}

#[test]
fn json_view_and_verify_report() {
    let chain = chain(Kind::P256);
    let proof = make(&chain, "example.com", Some(AT as u64 + 100));
    let j = proof.to_json();
    assert_eq!(j["type"], "lnap proof");
    assert_eq!(j["vendor"], "example.com");
    assert_eq!(j["node_ids"][1], node(2).to_string());
    assert_eq!(j["merkle_root"], hex::encode(proof.merkle_root()));
    assert_eq!(j["cert_dns_names"][0], "example.com");
    let ok = proof.verify_report(&anchors(&chain), at());
    assert_eq!((ok.verdict, ok.reason.as_str()), (Verdict::Verified, "ok"));
    let late = proof.verify_report(&anchors(&chain), UnixTime::from_secs(AT + 101));
    assert_eq!(
        (late.verdict, late.reason.as_str()),
        (Verdict::Expired, "proof_expired")
    );
    assert_eq!(serde_json::to_value(&late).unwrap()["verdict"], "expired");
}
