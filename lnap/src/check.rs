//! Checking an offer or an invoice against a proof: the verdict a wallet shows.
use serde::Serialize;
use wire::Point;

use crate::pki::TrustAnchors;
use crate::proof::Proof;
use crate::UnixTime;

/// What a wallet can tell its user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The vendor's certificate vouches for the node that issued this offer or invoice.
    Verified,
    /// The proof is good, but the offer's or invoice's key is not among its `node_ids`.
    NotCovered,
    /// The offer or invoice names another vendor (or none).
    Mismatch,
    /// The proof, or a certificate in it, has expired (or is not yet valid).
    Expired,
    /// The proof does not verify: signature, chain or name.
    Untrusted,
}

/// A verdict with the reason behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The verdict.
    pub verdict: Verdict,
    /// Stable snake_case reason (`ok`, `proof_expired`, `node_id_not_in_proof`, ...).
    pub reason: String,
    /// A sentence for people.
    pub detail: String,
    /// The proof's vendor.
    pub vendor: String,
}

/// The domain an `offer_issuer` names: its first word, or the part after `@` of a
/// `user@domain` first word (BOLT 12: "SHOULD begin it with either user@domain or domain").
pub fn issuer_domain(offer_issuer: &str) -> Option<String> {
    let first = offer_issuer.split_whitespace().next()?;
    let domain = first.rsplit_once('@').map_or(first, |(_, d)| d);
    (domain.contains('.')).then(|| domain.trim_end_matches('.').to_ascii_lowercase())
}

impl Proof {
    /// Verifies the proof, then checks that `issuer` (the `offer_issuer` text) names the
    /// proof's vendor domain and that `key` is one of its `node_ids`.
    pub fn check(
        &self,
        issuer: Option<&str>,
        key: Option<Point>,
        anchors: &TrustAnchors,
        at: UnixTime,
    ) -> Report {
        let vendor = self.vendor().domain().as_str().to_owned();
        let report = |verdict, reason: &str, detail: String| Report {
            verdict,
            reason: reason.into(),
            detail,
            vendor: vendor.clone(),
        };
        let verified = self.verify_report(anchors, at);
        if verified.verdict != Verdict::Verified {
            return verified;
        }
        match issuer.and_then(issuer_domain) {
            Some(d) if d == vendor => {}
            Some(d) => {
                return report(
                    Verdict::Mismatch,
                    "vendor_mismatch",
                    format!("offer_issuer names {d}, the proof is for {vendor}"),
                )
            }
            None => {
                return report(
                    Verdict::Mismatch,
                    "no_issuer_domain",
                    "offer_issuer names no domain".into(),
                )
            }
        }
        match key {
            Some(k) if self.node_ids().contains(&k) => report(
                Verdict::Verified,
                "ok",
                format!("{vendor} vouches for node {k}"),
            ),
            Some(k) => report(
                Verdict::NotCovered,
                "node_id_not_in_proof",
                format!("{k} is not among the proof's node_ids"),
            ),
            None => report(
                Verdict::NotCovered,
                "no_node_id",
                "the offer has no offer_issuer_id to check".into(),
            ),
        }
    }

    /// [`Proof::verify`] as a report: verified, expired (the proof or a certificate) or
    /// untrusted (signature, chain, name), with the reason.
    pub fn verify_report(&self, anchors: &TrustAnchors, at: UnixTime) -> Report {
        let vendor = self.vendor().domain().as_str().to_owned();
        match self.verify(anchors, at) {
            Ok(path) => Report {
                verdict: Verdict::Verified,
                reason: "ok".into(),
                detail: format!(
                    "{vendor} vouches for the proof's node_ids (leaf {}, {} intermediate(s), anchor {})",
                    path.leaf.subject(),
                    path.intermediates.len(),
                    path.anchor.subject()
                ),
                vendor,
            },
            Err(e) => {
                let expired = matches!(e, crate::proof::VerifyError::ProofExpired { .. })
                    || matches!(&e, crate::proof::VerifyError::Vouch(crate::vouch::VouchError::Pki(p)) if p.is_validity_failure());
                let verdict = if expired { Verdict::Expired } else { Verdict::Untrusted };
                Report { verdict, reason: e.code().into(), detail: e.to_string(), vendor }
            }
        }
    }

    /// [`Proof::check`] for an offer: its `offer_issuer` and `offer_issuer_id`.
    pub fn check_offer(
        &self,
        offer: &bolt12::Offer,
        anchors: &TrustAnchors,
        at: UnixTime,
    ) -> Report {
        self.check(offer.issuer(), offer.issuer_id().copied(), anchors, at)
    }

    /// [`Proof::check`] for an invoice: its `offer_issuer` and `invoice_node_id`.
    pub fn check_invoice(
        &self,
        invoice: &bolt12::Invoice,
        anchors: &TrustAnchors,
        at: UnixTime,
    ) -> Report {
        self.check(
            invoice.tlvs().offer_issuer.as_deref(),
            Some(invoice.node_id()),
            anchors,
            at,
        )
    }
}
