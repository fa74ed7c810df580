//! The wasm32 backend of `curve` (its own constant-time multiplication, BIP-340 put together
//! from it) against libsecp256k1's own operations on arbitrary input: public keys, ECDH,
//! point tweaks, BIP-340 signatures with and without auxiliary data, and verification of
//! arbitrary (signature, message, key) triples and of one-bit changes of a real signature.
//!
//! Input: secret key ‖ message ‖ aux ‖ signature (64) ‖ x-only key ‖ tweak ‖ a bit index
//! (2) ‖ a compressed point (33), 32 bytes each unless said, zero-padded when short. The
//! byte-level keys (`PublicPoint`, `SecretScalar`) are checked first, on the secret key
//! and the compressed point: which encodings and scalars each backend accepts, `k * G`, ECDH.
#![no_main]
use curve::differential;
use libfuzzer_sys::fuzz_target;
use secp256k1::{schnorr::Signature, Scalar, SecretKey, XOnlyPublicKey};

fn take<const N: usize>(data: &mut &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    let n = data.len().min(N);
    out[..n].copy_from_slice(&data[..n]);
    *data = &data[n..];
    out
}

fuzz_target!(|input: &[u8]| {
    let mut data = input;
    let sk = take::<32>(&mut data);
    let msg = take::<32>(&mut data);
    let aux = take::<32>(&mut data);
    let sig = take::<64>(&mut data);
    let key = take::<32>(&mut data);
    let tweak = take::<32>(&mut data);
    let bit = take::<2>(&mut data);
    let enc = take::<33>(&mut data);

    let (point, secret, public, ecdh) = differential::compressed(&enc, &sk);
    assert_eq!(point.0, point.1, "is a compressed point");
    assert_eq!(secret.0, secret.1, "is a private key");
    if let Some((a, b)) = public {
        assert_eq!(a, b, "public point");
    }
    if let Some((a, b)) = ecdh {
        assert_eq!(a, b, "ecdh of a compressed point");
    }
    // The point's x with the other prefix, and (when it is one) the x-only key's even
    // point: valid encodings, which random bytes seldom are.
    let mut alt = enc;
    alt[0] = if enc[0] == 2 { 3 } else { 2 };
    let mut even = [2u8; 33];
    even[1..].copy_from_slice(&key);
    for enc in [alt, even] {
        let ((a, b), _, _, ecdh) = differential::compressed(&enc, &sk);
        assert_eq!(a, b, "is a compressed point");
        if let Some((a, b)) = ecdh {
            assert_eq!(a, b, "ecdh of a compressed point");
        }
    }

    // Arbitrary triples: both backends agree on whether they verify.
    let sig = Signature::from_slice(&sig).expect("64 bytes");
    if let Ok(key) = XOnlyPublicKey::from_slice(&key) {
        let (a, b) = differential::verify(&sig, &msg, &key);
        assert_eq!(a, b, "verify of an arbitrary triple");
    }

    let Ok(sk) = SecretKey::from_slice(&sk) else {
        return;
    };
    let (public, ours) = differential::public_key(&sk);
    assert_eq!(public, ours, "public key");
    if let Ok(tweak) = Scalar::from_be_bytes(tweak) {
        let (a, b) = differential::mul_tweak(&public, &tweak);
        assert_eq!(a, b, "mul_tweak");
    }
    // ECDH with an arbitrary point (the x-only key's, with an even y) and with our own.
    let mut points = vec![public];
    if let Ok(x) = XOnlyPublicKey::from_slice(&key) {
        points.push(x.public_key(secp256k1::Parity::Even));
    }
    for point in points {
        let (a, b) = differential::ecdh(&point, &sk);
        assert_eq!(a, b, "ecdh");
    }
    let key = public.x_only_public_key().0;
    for aux in [Some(&aux), None] {
        let (a, b) = differential::sign(&sk, &msg, aux);
        assert_eq!(a, b, "sign");
        assert_eq!(
            differential::verify(&a, &msg, &key),
            (true, true),
            "own signature"
        );
        let mut bad = a.serialize();
        let i = usize::from(u16::from_le_bytes(bit)) % 512;
        bad[i / 8] ^= 1 << (i % 8);
        let bad = Signature::from_slice(&bad).expect("64 bytes");
        assert_eq!(
            differential::verify(&bad, &msg, &key),
            (false, false),
            "changed signature"
        );
    }
});
