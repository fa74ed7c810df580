//! Both backends on BIP-340's test vectors (`tests/data/bip340-vectors.csv`, BIP-340's
//! `test-vectors.csv`), and the tableless one against libsecp256k1's own signing,
//! verification, key and tweak operations on the range edges and random inputs.

use secp256k1::{Keypair, PublicKey, Scalar, SecretKey, XOnlyPublicKey, SECP256K1};

use crate::{context, tableless, Keys, Signature, Signer};

fn bytes32(hex_str: &str) -> [u8; 32] {
    hex::decode(hex_str).unwrap().try_into().unwrap()
}

/// A fixed-seed xorshift64* stream of 32-byte values, so a failure replays.
fn stream() -> impl FnMut() -> [u8; 32] {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    move || {
        let mut out = [0u8; 32];
        for chunk in out.chunks_mut(8) {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            chunk.copy_from_slice(&state.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes());
        }
        out
    }
}

#[test]
fn bip340_test_vectors() {
    let csv = include_str!("../tests/data/bip340-vectors.csv");
    let mut signed = 0;
    let mut verified = 0;
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (index, sk, pk, aux, msg, sig, valid) = (f[0], f[1], f[2], f[3], f[4], f[5], f[6]);
        let msg = bytes32(msg);
        let sig_bytes = hex::decode(sig).unwrap();
        let valid = valid == "TRUE";
        if !sk.is_empty() {
            let sk = SecretKey::from_slice(&bytes32(sk)).unwrap();
            let aux = bytes32(aux);
            let want = Signature::from_slice(&sig_bytes).unwrap();
            assert_eq!(
                tableless::sign(&sk, &tableless::public_key(&sk), &msg, Some(&aux)),
                want,
                "tableless sign #{index}"
            );
            let keypair = Keypair::from_secret_key(SECP256K1, &sk);
            assert_eq!(
                context::sign_keypair(&keypair, &msg, Some(&aux)),
                want,
                "#{index}"
            );
            assert_eq!(
                tableless::sign_keypair(&keypair, &msg, Some(&aux)),
                want,
                "#{index}"
            );
            let x = tableless::public_key(&sk).x_only_public_key().0.serialize();
            assert_eq!(x, bytes32(pk), "public key #{index}");
            signed += 1;
        }
        let Ok(key) = XOnlyPublicKey::from_slice(&hex::decode(pk).unwrap()) else {
            assert!(
                !valid,
                "#{index}: a vector with an invalid key is a failing one"
            );
            verified += 1;
            continue;
        };
        let sig = Signature::from_slice(&sig_bytes).unwrap();
        assert_eq!(
            tableless::verify_schnorr(&sig, &msg, &key),
            valid,
            "tableless #{index}"
        );
        assert_eq!(
            context::verify_schnorr(&sig, &msg, &key),
            valid,
            "context #{index}"
        );
        verified += 1;
    }
    assert_eq!((signed, verified), (4, 15));
}

#[test]
fn reduce_mod_n_at_the_edges() {
    let n = bytes32("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
    let cases = [
        (
            "0000000000000000000000000000000000000000000000000000000000000000",
            "00",
        ),
        (
            "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140",
            "same",
        ),
        (
            "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
            "00",
        ),
        (
            "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142",
            "01",
        ),
        (
            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "000000000000000000000000000000014551231950b75fc4402da1732fc9bebe",
        ),
    ];
    for (x, want) in cases {
        let x = bytes32(x);
        let want = match want {
            "same" => x,
            short if short.len() == 2 => {
                let mut w = [0u8; 32];
                w[31] = u8::from_str_radix(short, 16).unwrap();
                w
            }
            long => bytes32(long),
        };
        assert_eq!(*tableless::reduce(&x), want, "{}", hex::encode(x));
    }
    assert_eq!(*tableless::reduce(&n), [0u8; 32]);
}

#[test]
fn keys_and_tweaks_at_the_range_edges() {
    let n_minus_1 = SecretKey::from_slice(&bytes32(
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140",
    ))
    .unwrap();
    let one = SecretKey::from_slice(&bytes32(
        "0000000000000000000000000000000000000000000000000000000000000001",
    ))
    .unwrap();
    let g = context::public_key(&one);
    assert_eq!(tableless::public_key(&one), g);
    assert_eq!(tableless::public_key(&n_minus_1), g.negate(SECP256K1));
    assert_eq!(context::public_key(&n_minus_1), g.negate(SECP256K1));
    for sk in [one, n_minus_1] {
        assert_eq!(
            *tableless::ecdh(&g, &sk),
            *context::ecdh(&g, &sk),
            "ecdh at the edges"
        );
    }
    assert_eq!(tableless::mul_tweak(&g, &Scalar::ZERO), None);
    assert_eq!(context::mul_tweak(&g, &Scalar::ZERO), None);
    assert_eq!(tableless::mul_tweak(&g, &Scalar::ONE), Some(g));
    let max = Scalar::from(n_minus_1);
    assert_eq!(tableless::mul_tweak(&g, &max), context::mul_tweak(&g, &max));
}

/// Random keys, messages and auxiliary data: the tableless backend signs exactly what
/// libsecp256k1 signs (with and without aux), both verify each other's signatures and
/// refuse a changed one, and keys and tweaks agree.
#[test]
fn random_inputs_agree_with_libsecp256k1() {
    let mut next = stream();
    let mut checked = 0;
    while checked < 200 {
        let (sk, msg, aux, tweak) = (next(), next(), next(), next());
        let (Ok(sk), Ok(tweak)) = (SecretKey::from_slice(&sk), Scalar::from_be_bytes(tweak)) else {
            continue; // out of range: probability ~2^-128
        };
        let keypair = Keypair::from_secret_key(SECP256K1, &sk);
        let public = keypair.public_key();
        assert_eq!(tableless::public_key(&sk), public);
        assert_eq!(
            tableless::mul_tweak(&public, &tweak),
            context::mul_tweak(&public, &tweak)
        );
        // ECDH with another key's point, both ways round.
        if let Ok(other) = SecretKey::from_slice(&tweak.to_be_bytes()) {
            let other_public = context::public_key(&other);
            let want = context::ecdh(&other_public, &sk);
            assert_eq!(*tableless::ecdh(&other_public, &sk), *want, "ecdh");
            assert_eq!(
                *tableless::ecdh(&public, &other),
                *want,
                "ecdh, the other way"
            );
        }
        let key = public.x_only_public_key().0;
        for aux in [Some(&aux), None] {
            let want = context::sign_keypair(&keypair, &msg, aux);
            let got = tableless::sign(&sk, &public, &msg, aux);
            assert_eq!(got, want, "sign, aux {}", aux.is_some());
            assert!(tableless::verify_schnorr(&want, &msg, &key));
            assert!(context::verify_schnorr(&got, &msg, &key));
            let mut bad = got.serialize();
            bad[(checked * 7) % 64] ^= 1 << (checked % 8);
            let bad = Signature::from_slice(&bad).unwrap();
            assert!(!tableless::verify_schnorr(&bad, &msg, &key));
            assert!(!context::verify_schnorr(&bad, &msg, &key));
        }
        // The public Keys type signs as both backends do.
        let keys = Keys::new(sk);
        assert_eq!(keys.public_key(), public);
        assert_eq!(Keys::from(&keypair).public_key(), public);
        let ours = tableless::Keys::new(sk);
        assert_eq!((ours.public_key(), ours.secret_key()), (public, sk));
        let theirs = tableless::Keys::from_keypair(&keypair);
        assert_eq!((theirs.public_key(), theirs.secret_key()), (public, sk));
        assert_eq!(
            keys.sign_schnorr(&msg, Some(&aux)),
            ours.sign_schnorr(&msg, Some(&aux))
        );
        checked += 1;
    }
}

/// The byte-level keys (`PublicPoint`, `SecretScalar`): the tableless backend accepts
/// exactly the encodings and scalars libsecp256k1 accepts, at the edges (prefixes, x at and
/// above p, scalars 0, 1, n - 1, n and above) and on random bytes, half of whose x have no
/// point; its public points and ECDH are libsecp256k1's.
#[test]
fn byte_level_keys_agree_with_libsecp256k1() {
    let p = bytes32("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");
    let n = bytes32("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
    let below = |v: &[u8; 32], k: u8| {
        let mut out = *v;
        out[31] -= k;
        out
    };
    let above = |v: &[u8; 32], k: u8| {
        let mut out = *v;
        out[31] += k;
        out
    };
    let mut scalars = vec![[0u8; 32], [0xff; 32], n, above(&n, 1), below(&n, 1)];
    scalars.push(above(&[0u8; 32], 1));
    let mut xs = vec![[0u8; 32], [0xff; 32], p, above(&p, 1), below(&p, 1)];
    // x = 1: 1 + 7 = 8 is not a square mod p; G's x is.
    xs.push(above(&[0u8; 32], 1));
    xs.push(bytes32(
        "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
    ));
    let mut next = stream();
    for _ in 0..200 {
        scalars.push(next());
        xs.push(next());
    }
    let (mut points, mut secrets) = (Vec::new(), Vec::new());
    for x in &xs {
        for prefix in [0u8, 1, 2, 3, 4, 6, 7] {
            let mut enc = [prefix; 33];
            enc[1..].copy_from_slice(x);
            let want = context::parse_point(&enc).is_some();
            let got = tableless::parse_point(&enc);
            assert_eq!(got.is_some(), want, "{}", hex::encode(enc));
            if let Some(xy) = got {
                // The same coordinates, and back to the same encoding.
                let key = PublicKey::from_slice(&enc).unwrap();
                assert_eq!(xy[..], key.serialize_uncompressed()[1..]);
                assert_eq!(tableless::compress(&xy), enc);
            }
            assert_eq!(crate::PublicPoint::from_slice(&enc).is_some(), want);
            if want {
                points.push(enc);
            }
        }
    }
    for k in &scalars {
        let want = context::is_secret(k);
        assert_eq!(tableless::is_secret(k), want, "{}", hex::encode(k));
        assert_eq!(crate::SecretScalar::from_bytes(k).is_some(), want);
        if want {
            secrets.push(*k);
        }
    }
    assert!(
        points.len() > 150 && secrets.len() > 200,
        "{} {}",
        points.len(),
        secrets.len()
    );
    for (k, enc) in secrets.iter().zip(points.iter().cycle()) {
        let public = context::compress(&context::public_point(k));
        assert_eq!(tableless::compress(&tableless::public_point(k)), public);
        let native = context::parse_point(enc).unwrap();
        let wasm = tableless::parse_point(enc).unwrap();
        assert_eq!(
            *tableless::ecdh_point(&wasm, k),
            *context::ecdh_point(&native, k)
        );
        // Against the secp256k1-typed interface, and the conversions.
        let sk = SecretKey::from_slice(k).unwrap();
        let point = crate::PublicPoint::from_slice(enc).unwrap();
        assert_eq!(
            *context::ecdh(&point.to_public_key(), &sk),
            *crate::SecretScalar::from_bytes(k).unwrap().ecdh(&point)
        );
        assert_eq!(tableless::to_public_key(&wasm), point.to_public_key());
        assert_eq!(crate::PublicPoint::from(point.to_public_key()), point);
        let secret = crate::SecretScalar::from_bytes(k).unwrap();
        assert_eq!(secret.to_secret_key(), sk);
        assert_eq!(
            secret.public_point().to_public_key(),
            context::public_key(&sk)
        );
        assert_eq!(
            crate::PublicPoint::from(context::public_key(&sk)).serialize(),
            public
        );
    }
}
