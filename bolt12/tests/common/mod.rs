//! Fixtures the integration tests share: keys from one byte, the two-hop blinded path the
//! offers and invoices use (BOLT 4 §"Route Blinding": introduction node, first path key,
//! blinded hops) and its payinfo (BOLT 12 §"Invoices", `invoice_blindedpay`), and a paid
//! invoice with offer, request and invoice fields (for payer proofs).
//!
//! Each test binary uses a part of this module. `bolt12-cli`'s tests and the
//! `payer_proof` fuzz target include it too (`#[path]`), so it uses only `bolt12`, `wire`
//! and `secp256k1` (with `global-context`).
#![allow(dead_code)]

use bolt12::payer_proof::payment_hash_of;
use bolt12::tlv::{BlindedPath, BlindedPathHop, BlindedPayinfo};
use bolt12::{Invoice, InvoiceBuilder, InvoiceRequestBuilder, Offer, OfferBuilder};
use secp256k1::{Keypair, PublicKey, SecretKey, SECP256K1};
use wire::{Point, SciddirOrPubkey};

/// The tests' clock: 2023-11-14T22:13:20Z.
pub const NOW: u64 = 1_700_000_000;

/// The key pair whose secret key is 32 times `byte`.
pub fn kp(byte: u8) -> Keypair {
    Keypair::from_secret_key(SECP256K1, &SecretKey::from_slice(&[byte; 32]).unwrap())
}

/// The hops (blinded node id, encrypted recipient data) of the paths to `last`:
/// `kp(7)` with 20 bytes of `first_data`, then `last` with 12 bytes of 2.
pub fn hops_with(last: PublicKey, first_data: u8) -> Vec<(PublicKey, Vec<u8>)> {
    vec![
        (kp(7).public_key(), vec![first_data; 20]),
        (last, vec![2; 12]),
    ]
}

/// [`hops_with`] with 1 as `kp(7)`'s data.
pub fn hops(last: PublicKey) -> Vec<(PublicKey, Vec<u8>)> {
    hops_with(last, 1)
}

/// A blinded path through `hops`, introduced by `kp(9)` with `kp(8)` as first path key.
pub fn blinded_path(hops: Vec<(PublicKey, Vec<u8>)>) -> BlindedPath {
    BlindedPath {
        first_node_id: SciddirOrPubkey::Pubkey(Point::from(kp(9).public_key())),
        first_path_key: Point::from(kp(8).public_key()),
        path: hops
            .into_iter()
            .map(|(id, data)| BlindedPathHop {
                blinded_node_id: Point::from(id),
                encrypted_recipient_data: data,
            })
            .collect(),
    }
}

/// The two-hop path to `last` ([`hops`]).
pub fn path_to(last: PublicKey) -> BlindedPath {
    blinded_path(hops(last))
}

/// The payinfo every test path carries.
pub fn payinfo() -> BlindedPayinfo {
    BlindedPayinfo {
        fee_base_msat: 1000,
        fee_proportional_millionths: 100,
        cltv_expiry_delta: 144,
        htlc_minimum_msat: 1,
        htlc_maximum_msat: 1_000_000_000,
        features: vec![],
    }
}

/// The preimage [`paid_invoice`] is paid with.
pub const PREIMAGE: [u8; 32] = [0x42; 32];

/// What the shop sells: "coffee" at 5000 msat, issuer "shop.example.com" with `issuer`'s
/// id, at most 10 at once, for an hour from [`NOW`].
pub fn coffee_offer(issuer: &Keypair) -> Offer {
    OfferBuilder::new()
        .description("coffee")
        .amount_msat(5_000)
        .issuer("shop.example.com")
        .issuer_id(issuer.public_key())
        .quantity_max(10)
        .absolute_expiry(NOW + 3600)
        .build()
        .unwrap()
}

/// A paid invoice: [`coffee_offer`] by `kp(1)`; a request by `kp(2)` for 3 with a payer
/// note; the invoice for it, paying the hash of [`PREIMAGE`] along [`path_to`] `kp(1)`,
/// with a relative expiry.
pub fn paid_invoice() -> Invoice {
    let issuer = kp(1);
    let payer = kp(2);
    let offer = coffee_offer(&issuer);
    let req = InvoiceRequestBuilder::new(&offer, vec![0xaa; 16], payer.public_key())
        .unwrap()
        .quantity(3)
        .payer_note("deliver to 1 Main St")
        .build_and_sign(&payer, NOW)
        .unwrap();
    InvoiceBuilder::for_request(
        &req,
        NOW,
        payment_hash_of(&PREIMAGE),
        vec![(path_to(issuer.public_key()), payinfo())],
    )
    .unwrap()
    .relative_expiry(600)
    .build_and_sign(&issuer)
    .unwrap()
}
