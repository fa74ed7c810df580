//! Payer proofs (`lnp`): **DRAFT** — lightning/bolts#1295, "Payer Proofs" (BOLT 12
//! §"Payer Proofs" in that pull request). The format may still change in incompatible
//! ways; so may this module.
//!
//! A payer proof shows that whoever holds the invoice request's `invreq_payer_id` key paid
//! an invoice: it carries the invoice's `signature`, the `preimage` of its
//! `invoice_payment_hash`, the invoice fields the payer chooses to reveal, and enough of the
//! invoice's Merkle tree (§"Signature Calculation") for the omitted ones to verify that
//! signature; `invreq_metadata` (type 0, the tree's nonce seed) is never revealed. The payer
//! signs a note (a challenge, or empty) together with the invoice's Merkle root.
//!
//! # Layouts
//!
//! [`Layout::Draft`] is the draft's text (`spec-csv/pr1295-payer-proof.csv`): `preimage`
//! 242, `omitted_tlvs` 244, `missing_hashes` 246, `leaf_hashes` 248, `payer_signature` 250
//! (`sig` ‖ `note`, signed as `SIG("lightning" || "payer_proof" || "payer_signature",
//! SHA256(note || merkle-root), invreq_payer_id)`), `missing_hashes` in ascending type
//! order. [`Layout::CoreLightning`] is the later revision Core Lightning v26.06.6 implements
//! (`spec-csv/cln-payer-proof.csv`, its `createproof` and `decode`): `proof_signature` 241
//! (over the Merkle root of the proof's own stream, tag "lightning" || "payer_proof" ||
//! "proof_signature"), `proof_preimage` 1001, `proof_omitted_tlvs` 1002,
//! `proof_missing_hashes` 1003 (in post-order: the order a recursive reconstruction needs
//! them), `proof_leaf_hashes` 1004, `proof_note` 1005. The draft's layout is the default;
//! we read both and write both.
//!
//! # Reader rules
//!
//! [`PayerProof::from_bytes`] applies every "MUST reject" of the draft's reader, in its
//! order, each failure a [`PayerProofError`] variant (messages as Core Lightning's where it
//! has one): required fields, `SHA256(preimage) = invoice_payment_hash`, the `omitted_tlvs`
//! rules (ascending, no 0, no signature type, no included type, each one more than an
//! included type or the previous marker), one leaf hash per included field, exactly enough
//! missing hashes, the invoice `signature` by `invoice_node_id` over the reconstructed root,
//! and the payer's signature by `invreq_payer_id`.
use core::fmt;
use core::str::FromStr;

use curve::Signer;
use sha2::{Digest, Sha256 as Sha256Engine};
use thiserror::Error;
use wire::{Bip340Sig, Point, Sha256, TlvRecord, TlvStreamReader};

use crate::error::ParseError;
use crate::invoice::{self, Invoice};
use crate::merkle;
use crate::string;
use crate::tlv::{PayerProofTlvs, PayerSignature};

/// Human-readable prefix of payer proofs.
pub const PREFIX: &str = "lnp";
/// `messagename` of the payer's signature (§"Signature Calculation").
pub const MESSAGE_NAME: &str = "payer_proof";

/// `invreq_payer_id`.
pub const INVREQ_PAYER_ID: u64 = 88;
/// `invoice_payment_hash`.
pub const INVOICE_PAYMENT_HASH: u64 = 168;
/// `invoice_features`.
pub const INVOICE_FEATURES: u64 = 174;
/// `invoice_node_id`.
pub const INVOICE_NODE_ID: u64 = 176;

/// The fields a writer "MUST include" (when present in the invoice): `invreq_payer_id`,
/// `invoice_payment_hash`, `invoice_node_id` and `invoice_features` (`signature` is copied
/// separately).
pub const ALWAYS_REVEALED: [u64; 4] = [
    INVREQ_PAYER_ID,
    INVOICE_PAYMENT_HASH,
    INVOICE_FEATURES,
    INVOICE_NODE_ID,
];

/// Which revision of the draft a proof follows (module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// The draft text: records 242-250, `payer_signature` over SHA256(note ‖ invoice root).
    Draft,
    /// Core Lightning v26.06.6: `proof_signature` 241, records 1001-1005.
    CoreLightning,
}

impl Layout {
    fn names(self) -> Names {
        match self {
            Layout::Draft => Names {
                preimage: "preimage",
                omitted: "omitted_tlvs",
                missing: "missing_hashes",
                leaf: "leaf_hashes",
                payer_signature: "payer_signature",
            },
            Layout::CoreLightning => Names {
                preimage: "proof_preimage",
                omitted: "proof_omitted_tlvs",
                missing: "proof_missing_hashes",
                leaf: "proof_leaf_hashes",
                payer_signature: "proof_signature",
            },
        }
    }

    /// Is `t` an invoice field of the tree (not a signature element, and in Core
    /// Lightning's layout not one of its proof records 1001-999999999)?
    fn is_invoice_type(self, t: u64) -> bool {
        let proof_record = self == Layout::CoreLightning && (1001..=999_999_999).contains(&t);
        !(merkle::is_signature_type(t) || proof_record)
    }
}

/// The layout's field names, for errors.
#[derive(Debug, Clone, Copy)]
struct Names {
    preimage: &'static str,
    omitted: &'static str,
    missing: &'static str,
    leaf: &'static str,
    payer_signature: &'static str,
}

/// Why a payer proof was refused, or could not be made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PayerProofError {
    /// Not a well-formed `lnp` string or TLV stream (bech32, BOLT 1 TLV rules, unknown even
    /// types — `invreq_metadata` included).
    #[error("{0}")]
    Parse(#[from] ParseError),
    /// Records of both layouts in one proof.
    #[error(
        "payer_proof mixes the draft's records (242-250) with Core Lightning's (241, 1001-1005)"
    )]
    MixedLayouts,
    /// A required field is absent.
    #[error("Missing {0}")]
    Missing(&'static str),
    /// `SHA256(preimage)` is not `invoice_payment_hash`.
    #[error("Incorrect preimage")]
    IncorrectPreimage,
    /// `omitted_tlvs` not in strict ascending order.
    #[error("{field}[{index}] is not above the previous entry")]
    OmittedNotAscending {
        /// `omitted_tlvs` or `proof_omitted_tlvs`.
        field: &'static str,
        /// The entry.
        index: usize,
    },
    /// `omitted_tlvs` contains 0 (implied, never listed).
    #[error("{field}[{index}] is 0")]
    OmittedZero {
        /// `omitted_tlvs` or `proof_omitted_tlvs`.
        field: &'static str,
        /// The entry.
        index: usize,
    },
    /// `omitted_tlvs` contains a signature element number (240-1000), or (Core Lightning's
    /// layout) a number outside 1-239 and 1000000000-3999999999.
    #[error("{field}[{index}] is non-invoiced field {marker}")]
    OmittedNotInvoiceField {
        /// `omitted_tlvs` or `proof_omitted_tlvs`.
        field: &'static str,
        /// The entry.
        index: usize,
        /// Its value.
        marker: u64,
    },
    /// `omitted_tlvs` contains the number of an included field.
    #[error("{field}[{index}] is included field {marker}")]
    OmittedIncluded {
        /// `omitted_tlvs` or `proof_omitted_tlvs`.
        field: &'static str,
        /// The entry.
        index: usize,
        /// Its value.
        marker: u64,
    },
    /// An `omitted_tlvs` entry is neither one more than the previous (0 for the first) nor
    /// one more than an included field's type.
    #[error("{field}[{index}] is not one greater than the previous {previous} nor an included tlv entry")]
    OmittedNotAdjacent {
        /// `omitted_tlvs` or `proof_omitted_tlvs`.
        field: &'static str,
        /// The entry.
        index: usize,
        /// The previous entry (0 for the first).
        previous: u64,
    },
    /// Fewer leaf hashes than included fields.
    #[error("Not enough {0}")]
    NotEnoughLeafHashes(&'static str),
    /// More leaf hashes than included fields.
    #[error("Too many {0}")]
    TooManyLeafHashes(&'static str),
    /// Too few missing hashes to rebuild the tree.
    #[error("Not enough {0}")]
    NotEnoughMissingHashes(&'static str),
    /// Missing hashes left over once the tree is rebuilt.
    #[error("Too many {0}")]
    TooManyMissingHashes(&'static str),
    /// `signature` does not verify with `invoice_node_id` over the reconstructed root.
    #[error("Invalid invoice signature")]
    InvalidInvoiceSignature,
    /// The payer's signature does not verify with `invreq_payer_id`.
    #[error("Invalid {0}")]
    InvalidPayerSignature(&'static str),
    /// Making a proof: the keypair is not the invoice's `invreq_payer_id`.
    #[error("payer key does not match invreq_payer_id")]
    WrongPayerKey,
    /// Making a proof: `invreq_metadata` (type 0) may not be revealed.
    #[error("invreq_metadata (type 0) cannot be revealed")]
    RevealsMetadata,
    /// Making a proof: the fields do not encode.
    #[error("{0}")]
    Encode(#[from] wire::EncodeError),
}

/// A verified payer proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayerProof {
    bytes: Vec<u8>,
    tlvs: PayerProofTlvs,
    layout: Layout,
    invoice_root: [u8; 32],
}

/// One leaf position of the invoice's tree as the proof sees it.
#[derive(Debug, Clone, Copy)]
struct Leaf<'a> {
    tlv_type: u64,
    /// The record, when known (included; or omitted, for the writer).
    record: Option<TlvRecord<'a>>,
    included: bool,
}

/// Where the nonce leaves of included fields and the hashes of omitted subtrees come from:
/// computed and recorded (writer) or taken from the proof (reader).
trait Hashes {
    fn nonce(&mut self, leaf: &Leaf<'_>) -> [u8; 32];
    fn omitted(&mut self, leaves: &[Leaf<'_>]) -> [u8; 32];
}

/// The order `missing_hashes` are listed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    /// The draft: ascending type order (an omitted left subtree before anything right).
    Ascending,
    /// Core Lightning: post-order, each hash when its parent combines.
    PostOrder,
}

/// The subtree root over `leaves`, `None` when every leaf is omitted (its hash is then
/// the parent's to supply).
fn subtree(leaves: &[Leaf<'_>], order: Order, h: &mut impl Hashes) -> Option<[u8; 32]> {
    if leaves.iter().all(|l| !l.included) {
        return None;
    }
    if let [leaf] = leaves {
        let record = leaf.record?;
        let nonce = h.nonce(leaf);
        return Some(merkle::branch_hash(
            &merkle::record_leaf(record.bytes),
            &nonce,
        ));
    }
    let (left, right) = leaves.split_at(merkle::split_point(leaves.len()));
    let (l, r) = match order {
        Order::Ascending => {
            let l = subtree(left, order, h).unwrap_or_else(|| h.omitted(left));
            let r = subtree(right, order, h).unwrap_or_else(|| h.omitted(right));
            (l, r)
        }
        Order::PostOrder => {
            let l = subtree(left, order, h);
            let r = subtree(right, order, h);
            (
                l.unwrap_or_else(|| h.omitted(left)),
                r.unwrap_or_else(|| h.omitted(right)),
            )
        }
    };
    Some(merkle::branch_hash(&l, &r))
}

/// The writer's side: every record is known.
struct Writer<'a> {
    first: &'a [u8],
    leaf_hashes: Vec<Sha256>,
    missing_hashes: Vec<Sha256>,
}

impl Writer<'_> {
    fn full(&self, leaves: &[Leaf<'_>]) -> [u8; 32] {
        if let [leaf] = leaves {
            let bytes = leaf.record.map(|r| r.bytes).unwrap_or_default();
            return merkle::branch_hash(
                &merkle::record_leaf(bytes),
                &merkle::nonce_leaf(self.first, leaf.tlv_type),
            );
        }
        let (left, right) = leaves.split_at(merkle::split_point(leaves.len()));
        merkle::branch_hash(&self.full(left), &self.full(right))
    }
}

impl Hashes for Writer<'_> {
    fn nonce(&mut self, leaf: &Leaf<'_>) -> [u8; 32] {
        let n = merkle::nonce_leaf(self.first, leaf.tlv_type);
        self.leaf_hashes.push(Sha256(n));
        n
    }
    fn omitted(&mut self, leaves: &[Leaf<'_>]) -> [u8; 32] {
        let h = self.full(leaves);
        self.missing_hashes.push(Sha256(h));
        h
    }
}

/// The reader's side: hashes are taken from the proof, in order.
struct Reader<'a> {
    leaf: &'a [Sha256],
    leaf_used: usize,
    leaf_short: bool,
    missing: &'a [Sha256],
    missing_used: usize,
    missing_short: bool,
}

impl Hashes for Reader<'_> {
    fn nonce(&mut self, _: &Leaf<'_>) -> [u8; 32] {
        match self.leaf.get(self.leaf_used) {
            Some(h) => {
                self.leaf_used += 1;
                h.0
            }
            None => {
                self.leaf_short = true;
                [1; 32]
            }
        }
    }
    fn omitted(&mut self, _: &[Leaf<'_>]) -> [u8; 32] {
        match self.missing.get(self.missing_used) {
            Some(h) => {
                self.missing_used += 1;
                h.0
            }
            None => {
                self.missing_short = true;
                [1; 32]
            }
        }
    }
}

/// The type of an invoice field by its spec name (`offer_description`, `invreq_payer_note`,
/// `invoice_amount`...): the non-signature records of the invoice stream.
pub fn invoice_field_type(name: &str) -> Option<u64> {
    crate::tlv::InvoiceTlvs::RECORD_NAMES
        .iter()
        .find(|(t, n)| *n == name && !merkle::is_signature_type(*t))
        .map(|(t, _)| *t)
}

/// The spec name of invoice field `tlv_type`, if it is one we know.
pub fn invoice_field_name(tlv_type: u64) -> Option<&'static str> {
    crate::tlv::InvoiceTlvs::RECORD_NAMES
        .iter()
        .find(|(t, _)| *t == tlv_type && !merkle::is_signature_type(*t))
        .map(|(_, n)| *n)
}

/// `SHA256(preimage)`: the `invoice_payment_hash` a payment preimage answers.
pub fn payment_hash_of(preimage: &[u8; 32]) -> Sha256 {
    Sha256(Sha256Engine::digest(preimage).into())
}

/// `SHA256(note || merkle-root)`: what the draft's `payer_signature` signs.
fn payer_message(note: &str, root: &[u8; 32]) -> [u8; 32] {
    let mut e = Sha256Engine::new();
    e.update(note.as_bytes());
    e.update(root);
    e.finalize().into()
}

impl PayerProof {
    /// Makes a proof that the holder of `payer` (whose public key MUST be the invoice's
    /// `invreq_payer_id`) paid `invoice`, whose payment returned `preimage` (draft, "A
    /// writer of a payer_proof"). `reveal` picks the invoice fields to include besides
    /// [`ALWAYS_REVEALED`] (type 0 never is; asking for it is
    /// [`PayerProofError::RevealsMetadata`]); `note` is signed with the proof.
    pub fn create(
        invoice: &Invoice,
        preimage: &[u8; 32],
        payer: &(impl Signer + ?Sized),
        reveal: impl Fn(u64) -> bool,
        note: &str,
        layout: Layout,
    ) -> Result<Self, PayerProofError> {
        let t = invoice.tlvs();
        let payer_id = t
            .invreq_payer_id
            .ok_or(PayerProofError::Missing("invreq_payer_id"))?;
        if Point::from(payer.public_key()) != payer_id {
            return Err(PayerProofError::WrongPayerKey);
        }
        if payment_hash_of(preimage) != invoice.payment_hash() {
            return Err(PayerProofError::IncorrectPreimage);
        }
        if reveal(0) {
            return Err(PayerProofError::RevealsMetadata);
        }
        let records: Vec<TlvRecord<'_>> = TlvStreamReader::new(invoice.as_bytes(), "invoice")
            .collect::<Result<_, _>>()
            .map_err(ParseError::from)?;
        let first = records.first().map(|r| r.bytes).unwrap_or_default();
        let mut leaves = Vec::new();
        let mut omitted = Vec::new();
        let mut included = Vec::new();
        let mut last = 0u64;
        for r in records
            .iter()
            .filter(|r| !merkle::is_signature_type(r.tlv_type))
        {
            let keep =
                r.tlv_type != 0 && (ALWAYS_REVEALED.contains(&r.tlv_type) || reveal(r.tlv_type));
            if keep {
                included.extend_from_slice(r.bytes);
                last = r.tlv_type;
            } else if r.tlv_type != 0 {
                last += 1;
                omitted.push(last);
            }
            leaves.push(Leaf {
                tlv_type: r.tlv_type,
                record: Some(*r),
                included: keep,
            });
        }
        let order = match layout {
            Layout::Draft => Order::Ascending,
            Layout::CoreLightning => Order::PostOrder,
        };
        let mut w = Writer {
            first,
            leaf_hashes: Vec::new(),
            missing_hashes: Vec::new(),
        };
        let root =
            subtree(&leaves, order, &mut w).ok_or(PayerProofError::Missing("invreq_payer_id"))?;
        let mut tlvs = PayerProofTlvs::decode(&included).map_err(ParseError::from)?;
        tlvs.signature = t.signature;
        match layout {
            Layout::Draft => {
                tlvs.preimage = Some(*preimage);
                tlvs.omitted_tlvs = Some(omitted);
                tlvs.missing_hashes = Some(w.missing_hashes);
                tlvs.leaf_hashes = Some(w.leaf_hashes);
                let msg = payer_message(note, &root);
                tlvs.payer_signature = Some(PayerSignature {
                    sig: merkle::sign(MESSAGE_NAME, "payer_signature", &msg, payer),
                    note: note.to_owned(),
                });
            }
            Layout::CoreLightning => {
                tlvs.proof_preimage = Some(*preimage);
                // Core Lightning: "If `proof_omitted_tlvs` is empty: MAY omit".
                tlvs.proof_omitted_tlvs = (!omitted.is_empty()).then_some(omitted);
                tlvs.proof_missing_hashes = Some(w.missing_hashes);
                tlvs.proof_leaf_hashes = Some(w.leaf_hashes);
                tlvs.proof_note = (!note.is_empty()).then(|| note.to_owned());
                let unsigned = tlvs.encode()?;
                let proof_root = merkle::root(&unsigned)
                    .map_err(ParseError::from)?
                    .ok_or(PayerProofError::Missing("invreq_payer_id"))?;
                tlvs.proof_signature = Some(merkle::sign(
                    MESSAGE_NAME,
                    "proof_signature",
                    &proof_root,
                    payer,
                ));
            }
        }
        Self::from_bytes(tlvs.encode()?)
    }

    /// Decodes and applies the draft's reader rules (module documentation).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, PayerProofError> {
        let tlvs = PayerProofTlvs::decode(&bytes).map_err(ParseError::from)?;
        let draft = tlvs.preimage.is_some()
            || tlvs.omitted_tlvs.is_some()
            || tlvs.missing_hashes.is_some()
            || tlvs.leaf_hashes.is_some()
            || tlvs.payer_signature.is_some();
        let cln = tlvs.proof_signature.is_some()
            || tlvs.proof_preimage.is_some()
            || tlvs.proof_omitted_tlvs.is_some()
            || tlvs.proof_missing_hashes.is_some()
            || tlvs.proof_leaf_hashes.is_some()
            || tlvs.proof_note.is_some();
        let layout = match (draft, cln) {
            (true, true) => return Err(PayerProofError::MixedLayouts),
            (false, true) => Layout::CoreLightning,
            _ => Layout::Draft,
        };
        let names = layout.names();
        let payer_id = tlvs
            .invreq_payer_id
            .ok_or(PayerProofError::Missing("invreq_payer_id"))?;
        let payment_hash = tlvs
            .invoice_payment_hash
            .ok_or(PayerProofError::Missing("invoice_payment_hash"))?;
        let node_id = tlvs
            .invoice_node_id
            .ok_or(PayerProofError::Missing("invoice_node_id"))?;
        let signature = tlvs
            .signature
            .ok_or(PayerProofError::Missing("signature"))?;
        let empty = Vec::new();
        let (preimage, omitted, missing, leaf) = match layout {
            Layout::Draft => {
                if tlvs.payer_signature.is_none() {
                    return Err(PayerProofError::Missing("payer_signature"));
                }
                (
                    tlvs.preimage
                        .ok_or(PayerProofError::Missing(names.preimage))?,
                    tlvs.omitted_tlvs.as_ref().unwrap_or(&empty),
                    tlvs.missing_hashes.as_deref().unwrap_or_default(),
                    tlvs.leaf_hashes.as_deref().unwrap_or_default(),
                )
            }
            Layout::CoreLightning => {
                let preimage = tlvs
                    .proof_preimage
                    .ok_or(PayerProofError::Missing(names.preimage))?;
                let missing = tlvs
                    .proof_missing_hashes
                    .as_deref()
                    .ok_or(PayerProofError::Missing("proof_missing_hashes"))?;
                let leaf = tlvs
                    .proof_leaf_hashes
                    .as_deref()
                    .ok_or(PayerProofError::Missing("proof_leaf_hashes"))?;
                if tlvs.proof_signature.is_none() {
                    return Err(PayerProofError::Missing("proof_signature"));
                }
                (
                    preimage,
                    tlvs.proof_omitted_tlvs.as_ref().unwrap_or(&empty),
                    missing,
                    leaf,
                )
            }
        };
        if payment_hash_of(&preimage) != payment_hash {
            return Err(PayerProofError::IncorrectPreimage);
        }
        let records: Vec<TlvRecord<'_>> = TlvStreamReader::new(&bytes, "payer_proof")
            .collect::<Result<_, _>>()
            .map_err(ParseError::from)?;
        let invoice_records: Vec<TlvRecord<'_>> = records
            .iter()
            .copied()
            .filter(|r| layout.is_invoice_type(r.tlv_type))
            .collect();
        // Included types are in ascending order (the stream is): binary search.
        let is_included = |t: u64| {
            invoice_records
                .binary_search_by_key(&t, |r| r.tlv_type)
                .is_ok()
        };
        check_omitted(omitted, names.omitted, layout, &is_included)?;
        // The leaves: the implied 0, the markers and the included fields, merged in order.
        let mut leaves = Vec::with_capacity(1 + omitted.len() + invoice_records.len());
        let mut markers = core::iter::once(0)
            .chain(omitted.iter().copied())
            .peekable();
        let mut fields = invoice_records.iter().peekable();
        loop {
            let take_marker = match (markers.peek(), fields.peek()) {
                (Some(m), Some(f)) => *m < f.tlv_type,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            if take_marker {
                if let Some(m) = markers.next() {
                    leaves.push(Leaf {
                        tlv_type: m,
                        record: None,
                        included: false,
                    });
                }
            } else if let Some(f) = fields.next() {
                leaves.push(Leaf {
                    tlv_type: f.tlv_type,
                    record: Some(*f),
                    included: true,
                });
            }
        }
        let order = match layout {
            Layout::Draft => Order::Ascending,
            Layout::CoreLightning => Order::PostOrder,
        };
        let mut r = Reader {
            leaf,
            leaf_used: 0,
            leaf_short: false,
            missing,
            missing_used: 0,
            missing_short: false,
        };
        let root =
            subtree(&leaves, order, &mut r).ok_or(PayerProofError::Missing("invreq_payer_id"))?;
        if r.leaf_short {
            return Err(PayerProofError::NotEnoughLeafHashes(names.leaf));
        }
        if r.leaf_used != leaf.len() {
            return Err(PayerProofError::TooManyLeafHashes(names.leaf));
        }
        if r.missing_short {
            return Err(PayerProofError::NotEnoughMissingHashes(names.missing));
        }
        if r.missing_used != missing.len() {
            return Err(PayerProofError::TooManyMissingHashes(names.missing));
        }
        if !merkle::verify(
            invoice::MESSAGE_NAME,
            "signature",
            &root,
            &signature,
            &node_id,
        ) {
            return Err(PayerProofError::InvalidInvoiceSignature);
        }
        let payer_ok = match (layout, &tlvs.payer_signature, &tlvs.proof_signature) {
            (Layout::Draft, Some(ps), _) => {
                let msg = payer_message(&ps.note, &root);
                merkle::verify(MESSAGE_NAME, "payer_signature", &msg, &ps.sig, &payer_id)
            }
            (Layout::CoreLightning, _, Some(sig)) => match merkle::root(&bytes) {
                Ok(Some(proof_root)) => {
                    merkle::verify(MESSAGE_NAME, "proof_signature", &proof_root, sig, &payer_id)
                }
                _ => false,
            },
            _ => false,
        };
        if !payer_ok {
            return Err(PayerProofError::InvalidPayerSignature(
                names.payer_signature,
            ));
        }
        Ok(PayerProof {
            bytes,
            tlvs,
            layout,
            invoice_root: root,
        })
    }

    /// The exact TLV bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The decoded fields (the revealed invoice fields and the proof's own).
    pub fn tlvs(&self) -> &PayerProofTlvs {
        &self.tlvs
    }

    /// Which revision of the draft it follows.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// The invoice's Merkle root, reconstructed: what `signature` signs.
    pub fn invoice_merkle_root(&self) -> [u8; 32] {
        self.invoice_root
    }

    /// `invreq_payer_id`: who paid.
    pub fn payer_id(&self) -> Option<Point> {
        self.tlvs.invreq_payer_id
    }

    /// `invoice_node_id`: who was paid.
    pub fn node_id(&self) -> Option<Point> {
        self.tlvs.invoice_node_id
    }

    /// `invoice_payment_hash`.
    pub fn payment_hash(&self) -> Option<Sha256> {
        self.tlvs.invoice_payment_hash
    }

    /// The payment preimage.
    pub fn preimage(&self) -> Option<[u8; 32]> {
        self.tlvs.preimage.or(self.tlvs.proof_preimage)
    }

    /// The payer's note (empty when none).
    pub fn note(&self) -> &str {
        match (&self.tlvs.payer_signature, &self.tlvs.proof_note) {
            (Some(ps), _) => &ps.note,
            (None, Some(n)) => n,
            _ => "",
        }
    }

    /// The payer's signature: `payer_signature.sig` or `proof_signature`.
    pub fn payer_signature(&self) -> Option<Bip340Sig> {
        self.tlvs
            .payer_signature
            .as_ref()
            .map(|p| p.sig)
            .or(self.tlvs.proof_signature)
    }
}

/// The draft's `omitted_tlvs` rules, in its order.
fn check_omitted(
    omitted: &[u64],
    field: &'static str,
    layout: Layout,
    is_included: &impl Fn(u64) -> bool,
) -> Result<(), PayerProofError> {
    let mut previous = 0u64;
    for (index, &marker) in omitted.iter().enumerate() {
        if index > 0 && marker <= previous {
            return Err(PayerProofError::OmittedNotAscending { field, index });
        }
        if marker == 0 {
            return Err(PayerProofError::OmittedZero { field, index });
        }
        let not_invoice = match layout {
            Layout::Draft => merkle::is_signature_type(marker),
            Layout::CoreLightning => {
                !(1..=239).contains(&marker) && !(1_000_000_000..=3_999_999_999).contains(&marker)
            }
        };
        if not_invoice {
            return Err(PayerProofError::OmittedNotInvoiceField {
                field,
                index,
                marker,
            });
        }
        if is_included(marker) {
            return Err(PayerProofError::OmittedIncluded {
                field,
                index,
                marker,
            });
        }
        if marker != previous + 1 && !is_included(marker - 1) {
            return Err(PayerProofError::OmittedNotAdjacent {
                field,
                index,
                previous,
            });
        }
        previous = marker;
    }
    Ok(())
}

impl FromStr for PayerProof {
    type Err = PayerProofError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (hrp, bytes) = string::decode(s).map_err(ParseError::from)?;
        if hrp != PREFIX {
            return Err(ParseError::WrongPrefix {
                expected: PREFIX,
                found: hrp,
            }
            .into());
        }
        PayerProof::from_bytes(bytes)
    }
}

impl fmt::Display for PayerProof {
    /// The string form: `lnp`, `1`, bech32 data; lowercase, unsplit.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&string::encode(PREFIX, self.as_bytes()))
    }
}
