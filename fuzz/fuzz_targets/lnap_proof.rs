//! lnap vendor proofs (`lnap::Proof`, `lnap::legacy::verify`) with arbitrary certificates
//! and chains.
//!
//! - An accepted proof keeps its bytes, its fields re-encode to them, and it has a vendor,
//!   node ids, a cert and a certsignature.
//! - Verification never panics, against Mozilla's roots and against roots taken from the
//!   proof's own `certchain` and `cert` (so that fuzzed chains reach path building and
//!   signature checks, not only "unknown issuer").
//! - `verify`, `verify_report` and `check` agree: `Verified` exactly when `verify` is `Ok`;
//!   then `check` with the vendor's domain as `offer_issuer` and a listed node id is
//!   `Verified`, with an unlisted key `NotCovered`, with another domain `Mismatch`.
//! - The draft (legacy) verifier never panics on the same bytes.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use lnap::pki::TrustAnchors;
use lnap::{legacy, Proof, UnixTime, Verdict};

fn mozilla() -> &'static TrustAnchors {
    static M: OnceLock<TrustAnchors> = OnceLock::new();
    M.get_or_init(|| TrustAnchors::mozilla().expect("bundled roots"))
}

fuzz_target!(|data: &[u8]| {
    // 2027-01-15, inside the validity of the seed proofs' chains (make-lnap-seeds.sh).
    let at = UnixTime::from_secs(1_800_000_000);
    let _ = legacy::verify(data, mozilla(), at);
    let Ok(proof) = Proof::from_bytes(data.to_vec()) else {
        return;
    };
    assert_eq!(proof.as_bytes(), data);
    let t = proof.tlvs();
    assert_eq!(t.encode().expect("decoded fields encode"), data);
    assert!(t.vendor.is_some() && t.cert.is_some() && t.certsignature.is_some());
    assert!(!proof.node_ids().is_empty());

    let mut anchor_sets = vec![mozilla().clone()];
    for source in [t.certchain.as_deref(), t.cert.as_deref()]
        .into_iter()
        .flatten()
    {
        if let Ok(a) = TrustAnchors::from_certificates(source) {
            anchor_sets.push(a);
        }
    }
    let vendor = proof.vendor().domain().as_str().to_owned();
    let listed = proof.node_ids()[0];
    for anchors in &anchor_sets {
        let verified = proof.verify(anchors, at);
        let report = proof.verify_report(anchors, at);
        assert_eq!(verified.is_ok(), report.verdict == Verdict::Verified);
        let check = proof.check(Some(&vendor), Some(listed), anchors, at);
        let named = lnap::check::issuer_domain(&vendor).as_deref() == Some(vendor.as_str());
        if verified.is_ok() && named {
            assert_eq!(check.verdict, Verdict::Verified, "{}", check.detail);
            let other = proof.check(Some("x.invalid-vendor.example"), Some(listed), anchors, at);
            assert_eq!(other.verdict, Verdict::Mismatch);
            let unlisted = (0u8..=255)
                .filter_map(|b| {
                    let mut k = [2u8; 33];
                    k[32] = b;
                    wire::Point::from_slice(&k).ok()
                })
                .find(|k| !proof.node_ids().contains(k));
            if let Some(k) = unlisted {
                let c = proof.check(Some(&vendor), Some(k), anchors, at);
                assert_eq!(c.verdict, Verdict::NotCovered);
            }
        } else if verified.is_err() {
            assert_eq!(check.verdict, report.verdict);
        }
    }
});
