//! LEGACY ONLY: the 2021 BOLT 12 draft merkle root, which the draft's
//! example proof is signed over. The current scheme lives in the bolt12 crate.
//!
//! As worked out in shared/ref/lnap/example-verification-notes.md:
//! `H(tag,msg) = SHA256(SHA256(tag) || SHA256(tag) || msg)`; for each
//! record outside the signature range 240..=1000, in type order, the leaf is
//! `H("LnBranch", lesser || greater)` of `H("LnLeaf", tlv)` and
//! `H("LnAll" || all-non-signature-tlvs, tlv)`. Inner nodes are
//! `H("LnBranch", lesser || greater)`, pairing adjacent nodes left to right
//! and carrying a lone last node up (the same shape as today's BOLT 12
//! §"Signature Calculation"). The only difference from today is the second
//! hash of each leaf: today it is `H("LnNonce" || first-tlv, tlv-type)`.

use super::tlv::Record;
use sha2::{Digest, Sha256};

/// Signature TLV types, excluded from the tree (BOLT 12 §"Signature Calculation").
const SIGNATURE_TYPES: core::ops::RangeInclusive<u64> = 240..=1000;

/// BIP-340 style tagged hash.
fn tagged(tag: &[u8], msg: &[u8]) -> [u8; 32] {
    let t = Sha256::digest(tag);
    let mut h = Sha256::new();
    h.update(t);
    h.update(t);
    h.update(msg);
    h.finalize().into()
}

/// `H("LnBranch", lesser || greater)`.
fn branch(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    let mut msg = [0u8; 64];
    msg[..32].copy_from_slice(lo);
    msg[32..].copy_from_slice(hi);
    tagged(b"LnBranch", &msg)
}

/// The 2021 merkle root, or `None` if there is no non-signature record.
pub fn merkle_root_2021(records: &[Record<'_>]) -> Option<[u8; 32]> {
    let included: Vec<&Record<'_>> = records
        .iter()
        .filter(|r| !SIGNATURE_TYPES.contains(&r.tlv_type))
        .collect();
    let mut all_tag = b"LnAll".to_vec();
    for r in &included {
        all_tag.extend_from_slice(r.raw);
    }
    let mut level: Vec<[u8; 32]> = included
        .iter()
        .map(|r| branch(&tagged(b"LnLeaf", r.raw), &tagged(&all_tag, r.raw)))
        .collect();
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [a, b] => branch(a, b),
                [a] => *a,
                _ => [0u8; 32], // chunks(2) never yields other lengths
            })
            .collect();
    }
    level.first().copied()
}
