// LDK 0.2.7-made offers for the decode benchmarks (web-demo/bench/ldk-offers.json):
//   cargo run --manifest-path web-demo/bench/ldkgen/Cargo.toml --target-dir /tmp/ldkgen
// Its own workspace (not a member of the toolkit's), so nothing else builds it.
use bitcoin::secp256k1::{PublicKey, Secp256k1, SecretKey};
use bitcoin::Network;
use lightning::blinded_path::message::BlindedMessagePath;
use lightning::blinded_path::BlindedHop;
use lightning::ln::inbound_payment::ExpandedKey;
use lightning::offers::nonce::Nonce;
use lightning::offers::offer::{OfferBuilder, Quantity};
use std::num::NonZeroU64;
use std::time::Duration;

fn key(i: u8) -> PublicKey {
    let secp = Secp256k1::new();
    let mut b = [7u8; 32];
    b[0] = i + 1;
    PublicKey::from_secret_key(&secp, &SecretKey::from_slice(&b).unwrap())
}
fn path(seed: u8, hops: usize) -> BlindedMessagePath {
    let hops = (0..hops)
        .map(|h| BlindedHop { blinded_node_id: key(seed + 10 + h as u8), encrypted_payload: vec![seed ^ h as u8; 32 + 19 * h] })
        .collect();
    BlindedMessagePath::from_blinded_path(key(seed), key(seed + 1), hops)
}
fn main() {
    let secp = Secp256k1::new();
    let ek = ExpandedKey::new([42; 32]);
    let mut out = Vec::new();
    for i in 0u8..12 {
        let nonce = Nonce::try_from(&[i; 16][..]).unwrap();
        let s = if i % 3 == 0 {
            let mut b = OfferBuilder::new(key(100 + i)).description(format!("coffee #{i}"));
            if i % 2 == 0 { b = b.amount_msats(1000 * (i as u64 + 1)); }
            if i == 6 { b = b.issuer("LDK Node".into()).supported_quantity(Quantity::Unbounded); }
            b.build().unwrap().to_string()
        } else {
            let mut b = OfferBuilder::deriving_signing_pubkey(key(200 + i), &ek, nonce, &secp)
                .chain(if i % 4 == 1 { Network::Bitcoin } else { Network::Testnet })
                .path(path(i * 3, 2 + (i as usize % 2)));
            if i % 2 == 1 { b = b.path(path(i * 3 + 60, 1)); }
            if i % 4 != 2 { b = b.amount_msats(2_100 * i as u64).description(format!("Phoenix-style offer {i}")); } else { b = b.description(String::new()); }
            if i % 5 == 0 { b = b.supported_quantity(Quantity::Bounded(NonZeroU64::new(5).unwrap())); }
            if i % 3 == 2 { b = b.absolute_expiry(Duration::from_secs(4_000_000_000)).issuer(format!("shop{i}.example")); }
            b.build().unwrap().to_string()
        };
        out.push(s);
    }
    println!("{}", serde_json_like(&out));
}
fn serde_json_like(v: &[String]) -> String {
    format!("[\n  {}\n]", v.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(",\n  "))
}
