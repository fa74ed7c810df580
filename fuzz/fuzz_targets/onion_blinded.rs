//! Route blinding as a hop (`onion::blinding::decrypt_recipient_data`) and the
//! `encrypted_data_tlv` reader.
//!
//! - Arbitrary `encrypted_recipient_data` and path keys never panic, and bytes not sealed
//!   under our `rho` are refused.
//! - Plaintext sealed under our `rho` decrypts to exactly its decoding: refused iff
//!   `encrypted_data_tlv` refuses it (or its `next_path_key_override` is not a point), and
//!   the next path key is the override if set, else the one the path's creator derives
//!   for the next hop (`hop_keys`).
//! - `encrypted_data_tlv` re-encodes to the bytes it was read from.
#![no_main]
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::ChaCha20Poly1305;
use libfuzzer_sys::fuzz_target;
use onion::blinding::{decrypt_recipient_data, hop_keys};
use onion::tlv::EncryptedDataTlv;
use secp256k1::{PublicKey, SecretKey, SECP256K1};

fn secret(b: u8) -> SecretKey {
    SecretKey::from_slice(&[b; 32]).expect("valid key")
}

fuzz_target!(|data: &[u8]| {
    let us = secret(0x41);
    let us_pub = PublicKey::from_secret_key(SECP256K1, &us);
    let next = PublicKey::from_secret_key(SECP256K1, &secret(0x43));
    let keys = hop_keys(&secret(0x44), &[us_pub, next]).expect("keys");
    let path_key = keys[0].path_key;

    // Arbitrary ciphertext, and an arbitrary path key when the input starts with one.
    assert!(decrypt_recipient_data(&us, &path_key, data).is_err() || data.len() >= 16);
    if let Some(pk) = data.get(..33).and_then(|b| PublicKey::from_slice(b).ok()) {
        let _ = decrypt_recipient_data(&us, &pk, &data[33..]);
    }

    let decoded = EncryptedDataTlv::decode(data);
    if let Ok(d) = &decoded {
        assert_eq!(d.encode().expect("decoded fields encode"), data);
    }
    let sealed = ChaCha20Poly1305::new(keys[0].rho.as_bytes().into())
        .encrypt(&[0u8; 12].into(), data)
        .expect("short plaintext");
    let hop = decrypt_recipient_data(&us, &path_key, &sealed);
    match (&decoded, hop) {
        (Ok(d), Ok(hop)) => {
            assert_eq!(&hop.data, d);
            assert_eq!(
                hop.shared_secret.as_bytes(),
                keys[0].shared_secret.as_bytes()
            );
            match d.next_path_key_override {
                Some(p) => assert_eq!(p.to_pubkey().ok(), Some(hop.next_path_key)),
                None => assert_eq!(hop.next_path_key, keys[1].path_key),
            }
        }
        (Ok(d), Err(e)) => {
            let bad_override = d
                .next_path_key_override
                .is_some_and(|p| p.to_pubkey().is_err());
            assert!(bad_override, "sealed valid data refused: {e}");
        }
        (Err(_), Ok(_)) => panic!("undecodable data accepted"),
        (Err(_), Err(_)) => {}
    }
    // Tampering with the ciphertext is refused.
    let mut tampered = sealed.clone();
    let at = usize::from(data.first().copied().unwrap_or(0)) % tampered.len();
    tampered[at] ^= 0x01;
    assert!(decrypt_recipient_data(&us, &path_key, &tampered).is_err());
});
