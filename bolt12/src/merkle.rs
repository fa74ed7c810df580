//! BOLT 12 §"Signature Calculation": the Merkle root of a TLV stream and BIP-340
//! signatures over it.
//!
//! - `H(tag, msg) = SHA256(SHA256(tag) || SHA256(tag) || msg)`.
//! - One leaf per non-signature record (types outside 240..=1000), in type order:
//!   `H("LnLeaf", record)` paired with `H("LnNonce" || first-record, type)`, combined as a
//!   branch.
//! - Branch: `H("LnBranch", lesser || greater)`. Levels pair adjacent nodes left to right;
//!   a lone last node moves up unchanged.
//! - Signature: `SIG("lightning" || messagename || fieldname, root, key)`.
use curve::Signer;
use secp256k1::{schnorr, XOnlyPublicKey};
use sha2::{Digest, Sha256};
use wire::{Bip340Sig, DecodeError, Point, TlvRecord, TlvStreamReader};

/// Signature TLV types: 240 through 1000 inclusive.
pub const SIGNATURE_TYPES: core::ops::RangeInclusive<u64> = 240..=1000;

/// Is `tlv_type` a signature element?
pub fn is_signature_type(tlv_type: u64) -> bool {
    SIGNATURE_TYPES.contains(&tlv_type)
}

/// A SHA-256 engine that has already absorbed `SHA256(tag) || SHA256(tag)`.
fn tagged_engine(tag: &[u8]) -> Sha256 {
    let tag_hash = Sha256::digest(tag);
    let mut engine = Sha256::new();
    engine.update(tag_hash);
    engine.update(tag_hash);
    engine
}

/// `H(tag, msg)`, the BIP-340 tagged hash.
pub fn tagged_hash(tag: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut engine = tagged_engine(tag);
    engine.update(msg);
    engine.finalize().into()
}

fn branch(engine: &Sha256, a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    let mut e = engine.clone();
    e.update(lo);
    e.update(hi);
    e.finalize().into()
}

/// `H("LnLeaf", record)`: the hash of a whole record (type, length, value).
pub fn record_leaf(record: &[u8]) -> [u8; 32] {
    tagged_hash(b"LnLeaf", record)
}

/// `H("LnNonce" || first-record, type)`: the nonce leaf paired with the record of
/// `tlv_type`, where `first_record` is the stream's numerically-first record.
pub fn nonce_leaf(first_record: &[u8], tlv_type: u64) -> [u8; 32] {
    let mut tag = Vec::with_capacity(7 + first_record.len());
    tag.extend_from_slice(b"LnNonce");
    tag.extend_from_slice(first_record);
    let mut type_bytes = Vec::with_capacity(9);
    wire::write_bigsize(&mut type_bytes, tlv_type);
    tagged_hash(&tag, &type_bytes)
}

/// `H("LnBranch", lesser || greater)`: an inner node.
pub fn branch_hash(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    branch(&tagged_engine(b"LnBranch"), a, b)
}

/// Where a node of `len` leaves (`len >= 2`) splits: the left subtree holds the largest
/// power of two below `len` (levels pair left to right, a lone last node moves up, so the
/// deepest part of the tree is on the lowest-order leaves).
pub fn split_point(len: usize) -> usize {
    let p = len.next_power_of_two();
    if p == len {
        len / 2
    } else {
        p / 2
    }
}

/// The Merkle root over `records` (already in stream order), skipping signature types.
/// Returns `None` for a stream with no non-signature record.
pub fn root_of_records<'a>(records: impl IntoIterator<Item = TlvRecord<'a>>) -> Option<[u8; 32]> {
    let leaf_engine = tagged_engine(b"LnLeaf");
    let branch_engine = tagged_engine(b"LnBranch");
    let mut nonce_engine: Option<Sha256> = None;
    let mut level: Vec<[u8; 32]> = Vec::new();
    for record in records {
        // The nonce tag uses the numerically-first record of the stream, whatever its type.
        let nonce = nonce_engine.get_or_insert_with(|| {
            let mut tag = Vec::with_capacity(7 + record.bytes.len());
            tag.extend_from_slice(b"LnNonce");
            tag.extend_from_slice(record.bytes);
            tagged_engine(&tag)
        });
        if is_signature_type(record.tlv_type) {
            continue;
        }
        let mut leaf = leaf_engine.clone();
        leaf.update(record.bytes);
        let leaf: [u8; 32] = leaf.finalize().into();
        let mut type_bytes = Vec::with_capacity(9);
        wire::write_bigsize(&mut type_bytes, record.tlv_type);
        let mut n = nonce.clone();
        n.update(&type_bytes);
        let nonce_leaf: [u8; 32] = n.finalize().into();
        level.push(branch(&branch_engine, &leaf, &nonce_leaf));
    }
    while level.len() > 1 {
        let mut next = Vec::with_capacity(level.len().div_ceil(2));
        for pair in level.chunks(2) {
            match pair {
                [a, b] => next.push(branch(&branch_engine, a, b)),
                [a] => next.push(*a),
                _ => {}
            }
        }
        level = next;
    }
    level.first().copied()
}

/// The Merkle root of a whole TLV stream. Fails only if `stream` is not a well-formed TLV
/// stream (ordering, minimal encodings, lengths).
pub fn root(stream: &[u8]) -> Result<Option<[u8; 32]>, DecodeError> {
    let records: Result<Vec<TlvRecord<'_>>, DecodeError> =
        TlvStreamReader::new(stream, "tlv stream").collect();
    Ok(root_of_records(records?))
}

/// The tag `"lightning" || messagename || fieldname`.
pub fn signature_tag(message_name: &str, field_name: &str) -> Vec<u8> {
    [
        b"lightning".as_slice(),
        message_name.as_bytes(),
        field_name.as_bytes(),
    ]
    .concat()
}

/// `H(signature tag, root)`: the 32-byte digest that BIP-340 signs.
pub fn signature_digest(message_name: &str, field_name: &str, root: &[u8; 32]) -> [u8; 32] {
    tagged_hash(&signature_tag(message_name, field_name), root)
}

/// Signs `root` for `message_name`/`field_name` with `keypair` (BIP-340, fresh auxiliary
/// randomness from the operating system when available).
pub fn sign(
    message_name: &str,
    field_name: &str,
    root: &[u8; 32],
    keypair: &(impl Signer + ?Sized),
) -> Bip340Sig {
    let digest = signature_digest(message_name, field_name, root);
    let mut aux = [0u8; 32];
    let aux = getrandom::getrandom(&mut aux).is_ok().then_some(&aux);
    let sig = keypair.sign_schnorr(&digest, aux);
    Bip340Sig(sig.serialize())
}

/// Verifies a BIP-340 signature by `key` (its x-only part) over `root`. The key is lifted
/// from its x coordinate here: the only point of a message that is decompressed.
pub fn verify(
    message_name: &str,
    field_name: &str,
    root: &[u8; 32],
    sig: &Bip340Sig,
    key: &Point,
) -> bool {
    let digest = signature_digest(message_name, field_name, root);
    let Ok(sig) = schnorr::Signature::from_slice(&sig.0) else {
        return false;
    };
    let Ok(xonly) = XOnlyPublicKey::from_slice(&key.as_bytes()[1..]) else {
        return false;
    };
    verify_xonly(&digest, &sig, &xonly)
}

fn verify_xonly(digest: &[u8; 32], sig: &schnorr::Signature, key: &XOnlyPublicKey) -> bool {
    curve::verify_schnorr(sig, digest, key)
}
