//! Decoding allocates in proportion to the input, never to what the input claims.
//!
//! This test binary installs a counting global allocator. It needs `unsafe impl GlobalAlloc`
//! (the trait is unsafe to implement); that is the only unsafe code, confined to this test
//! binary, and it only forwards to `std::alloc::System` after adding the requested size to a
//! thread-local counter. The library itself stays `#![forbid(unsafe_code)]`.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::str::FromStr;

use bolt12::tlv::{BlindedPath, BlindedPathHop, BlindedPayinfo};
use bolt12::{string, Invoice, InvoiceBuilder, InvoiceRequestBuilder, Offer, OfferBuilder};
use secp256k1::{Keypair, PublicKey, SecretKey, SECP256K1};
use wire::{SciddirOrPubkey, Sha256};

struct Counting;

thread_local! {
    // Per thread, so tests running in parallel do not count each other's allocations.
    // `const` initialisers: reading them never allocates.
    static ENABLED: Cell<bool> = const { Cell::new(false) };
    static BYTES: Cell<usize> = const { Cell::new(0) };
}

fn count(n: usize) {
    // `try_with`: the thread-local may already be gone while a thread shuts down.
    let _ = ENABLED.try_with(|on| {
        if on.get() {
            let _ = BYTES.try_with(|b| b.set(b.get() + n));
        }
    });
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so the
// `GlobalAlloc` contract is `System`'s; the counting touches only `Cell`s.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        System.alloc_zeroed(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // A reallocation may move: count the whole new block.
        count(new_size);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Total bytes allocated (never subtracting frees) by `f` on this thread.
fn allocated_by<T>(f: impl FnOnce() -> T) -> (usize, T) {
    BYTES.with(|b| b.set(0));
    ENABLED.with(|on| on.set(true));
    let out = f();
    ENABLED.with(|on| on.set(false));
    (BYTES.with(Cell::get), out)
}

fn key(i: u8) -> Keypair {
    Keypair::from_secret_key(SECP256K1, &SecretKey::from_slice(&[i; 32]).unwrap())
}

fn pk(i: u8) -> PublicKey {
    key(i).public_key()
}

/// An invoice with `paths` blinded paths of `hops` hops carrying `data` bytes each.
fn big_invoice(paths: usize, hops: usize, data: usize) -> Invoice {
    let issuer = key(1);
    let payer = key(2);
    let offer = OfferBuilder::new()
        .issuer_id(issuer.public_key())
        .description("alloc bound")
        .amount_msat(1000)
        .build()
        .unwrap();
    let req = InvoiceRequestBuilder::new(&offer, vec![9; 16], payer.public_key())
        .unwrap()
        .build_and_sign(&payer, 1_700_000_000)
        .unwrap();
    let path = BlindedPath {
        first_node_id: SciddirOrPubkey::Pubkey(wire::Point::from(pk(3))),
        first_path_key: wire::Point::from(pk(4)),
        path: (0..hops)
            .map(|_| BlindedPathHop {
                blinded_node_id: wire::Point::from(pk(5)),
                encrypted_recipient_data: vec![0xab; data],
            })
            .collect(),
    };
    let info = BlindedPayinfo {
        fee_base_msat: 1,
        fee_proportional_millionths: 2,
        cltv_expiry_delta: 3,
        htlc_minimum_msat: 4,
        htlc_maximum_msat: 5,
        features: vec![],
    };
    InvoiceBuilder::for_request(
        &req,
        1_700_000_000,
        Sha256([7; 32]),
        vec![(path, info); paths],
    )
    .unwrap()
    .build_and_sign(&issuer)
    .unwrap()
}

/// Input size times this bounds what decoding may allocate.
const FACTOR: usize = 8;

fn check_proportional(paths: usize, hops: usize, data: usize) {
    let invoice = big_invoice(paths, hops, data);
    let bytes = invoice.as_bytes().to_vec();
    let text = invoice.to_string();
    assert!(
        bytes.len() > 60 * 1024 && bytes.len() < 70 * 1024,
        "{} bytes",
        bytes.len()
    );

    // Bytes -> validated invoice (the input Vec is allocated before counting starts).
    let input = bytes.clone();
    let (n, decoded) = allocated_by(|| Invoice::from_bytes(input));
    let decoded = decoded.unwrap();
    assert_eq!(decoded.tlvs().invoice_paths.as_ref().unwrap().len(), paths);
    eprintln!(
        "{paths} paths x {hops} hops x {data} B: input {} B, decode allocated {n} B ({:.2}x)",
        bytes.len(),
        n as f64 / bytes.len() as f64
    );
    assert!(
        n < FACTOR * bytes.len(),
        "{n} B allocated for {} B",
        bytes.len()
    );
    // And it does allocate the decoded fields: the counter is live.
    assert!(n > bytes.len() / 2);

    // String -> validated invoice, against the string's length.
    let (n, decoded) = allocated_by(|| Invoice::from_str(&text));
    assert_eq!(decoded.unwrap(), invoice);
    eprintln!("  from_str: input {} chars, allocated {n} B", text.len());
    assert!(
        n < FACTOR * text.len(),
        "{n} B allocated for {} chars",
        text.len()
    );
}

#[test]
fn large_invoice_few_big_paths() {
    // 165 paths of one hop with 256 bytes of recipient data.
    check_proportional(165, 1, 256);
}

#[test]
fn large_invoice_many_small_paths() {
    // The worst case for per-element overhead: many one-hop paths with no recipient data.
    check_proportional(500, 1, 0);
}

#[test]
fn large_invoice_many_hops() {
    // 145 paths of 7 hops with 16 bytes each.
    check_proportional(145, 7, 16);
}

/// Encodes a record `type`/`value` with one-byte type and a BigSize length.
fn record(tlv_type: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![tlv_type];
    wire::write_bigsize(&mut out, value.len() as u64);
    out.extend_from_slice(value);
    out
}

/// Allocation while decoding `s` as an offer: it must fail and allocate little.
fn assert_small(s: &str, what: &str) {
    let (n, result) = allocated_by(|| Offer::from_str(s));
    assert!(result.is_err(), "{what}: accepted");
    eprintln!("{what}: {} chars, allocated {n} B", s.len());
    assert!(
        n < 1024 + FACTOR * s.len(),
        "{what}: {n} B allocated for a {}-char string",
        s.len()
    );
}

#[test]
fn claimed_huge_counts_allocate_little() {
    let issuer = record(22, &pk(1).serialize());

    // A blinded path whose hop claims enclen 65535, followed by 10 bytes.
    let mut path = Vec::new();
    path.extend_from_slice(&pk(3).serialize());
    path.extend_from_slice(&pk(4).serialize());
    path.push(1); // num_hops
    path.extend_from_slice(&pk(5).serialize());
    path.extend_from_slice(&65535u16.to_be_bytes());
    path.extend_from_slice(&[0; 10]);
    let s = string::encode("lno", &[record(16, &path), issuer.clone()].concat());
    assert_small(&s, "enclen 65535");

    // num_hops 255 with a single hop present.
    let mut path = Vec::new();
    path.extend_from_slice(&pk(3).serialize());
    path.extend_from_slice(&pk(4).serialize());
    path.push(255);
    path.extend_from_slice(&pk(5).serialize());
    path.extend_from_slice(&0u16.to_be_bytes());
    let s = string::encode("lno", &[record(16, &path), issuer.clone()].concat());
    assert_small(&s, "num_hops 255");

    // A record length of 2^62 (BigSize 0xff...) with nothing behind it.
    let mut huge = vec![10u8];
    wire::write_bigsize(&mut huge, 1 << 62);
    huge.extend_from_slice(b"short");
    let s = string::encode("lno", &huge);
    assert_small(&s, "TLV length 2^62");

    // An invoice whose blinded_payinfo claims 65535 feature bytes (flen), then stops.
    let mut info = vec![0u8; 4 + 4 + 2 + 8 + 8];
    info.extend_from_slice(&65535u16.to_be_bytes());
    info.extend_from_slice(&[1, 2, 3]);
    let inv = [record(162, &info)].concat();
    let s = string::encode("lni", &inv);
    let (n, result) = allocated_by(|| Invoice::from_str(&s));
    assert!(result.is_err());
    assert!(n < 1024 + FACTOR * s.len(), "flen 65535: {n} B");
}
