//! The two secp256k1 operations BOLT 8 needs, behind one small interface:
//! a private key's public key, and BOLT #8 §"Handshake State" `ECDH(k, rk)`: the SHA-256
//! of the compressed shared point `k * rk`.
//!
//! By default these are libsecp256k1's ([`libsecp`]). With the feature `pure-rust-curve`
//! they are pure Rust ([`rust`]: RustCrypto's `k256`, constant-time scalar multiplication
//! without precomputed tables), for the npm package's Commando build, where
//! libsecp256k1's context code and generator tables (~33 kB of incompressible data) would
//! be there for lnsocket alone. Both are compiled under `cargo test` and compared on the
//! BOLT 8 vectors and random keys (`tests`).

//!
//! With the feature `tableless-curve` (which wins over `pure-rust-curve`) they are
//! libsecp256k1's constant-time `ecmult_const` alone ([`tableless`], in
//! `curve_tableless.rs`): no context, no generator tables, and none of `k256`'s code.

#[cfg(feature = "tableless-curve")]
pub(crate) use tableless::{ecdh, public_key};

#[cfg(all(feature = "pure-rust-curve", not(feature = "tableless-curve")))]
pub(crate) use rust::{ecdh, public_key};

#[cfg(not(any(feature = "pure-rust-curve", feature = "tableless-curve")))]
pub(crate) use libsecp::{ecdh, public_key};

#[cfg(any(feature = "tableless-curve", test))]
#[path = "curve_tableless.rs"]
pub(crate) mod tableless;

/// libsecp256k1 (through the `secp256k1` crate).
#[cfg(any(
    not(any(feature = "pure-rust-curve", feature = "tableless-curve")),
    test
))]
pub(crate) mod libsecp {
    use std::sync::OnceLock;

    use secp256k1::ecdh::SharedSecret;
    use secp256k1::ffi::types::AlignedType;
    use secp256k1::{PublicKey, Secp256k1, SecretKey, SignOnlyPreallocated};
    use zeroize::Zeroizing;

    /// A signing context in a buffer we allocate, so that `secp256k1` needs no `alloc`
    /// feature (whose `#[no_mangle]` context constructor would be exported, and kept, by
    /// every wasm build that links lnsocket, the Commando build included).
    fn secp() -> &'static Secp256k1<SignOnlyPreallocated<'static>> {
        static CTX: OnceLock<Secp256k1<SignOnlyPreallocated<'static>>> = OnceLock::new();
        CTX.get_or_init(|| {
            let words = Secp256k1::preallocate_signing_size();
            let buf: &'static mut [AlignedType] =
                Box::leak(vec![AlignedType::zeroed(); words].into_boxed_slice());
            // The buffer has the size the library asked for, so this cannot fail.
            #[allow(clippy::expect_used)]
            Secp256k1::preallocated_signing_only(buf).expect("buffer of the preallocated size")
        })
    }

    /// `sk * G`; `None` when `sk` is zero or not below the curve order.
    pub(crate) fn public_key(sk: &[u8; 32]) -> Option<PublicKey> {
        let mut key = SecretKey::from_slice(sk).ok()?;
        let pk = PublicKey::from_secret_key(secp(), &key);
        key.non_secure_erase();
        Some(pk)
    }

    /// SHA-256 of the compressed `sk * point` (libsecp256k1's default ECDH hash);
    /// `None` when `sk` is out of range.
    pub(crate) fn ecdh(sk: &[u8; 32], point: &PublicKey) -> Option<Zeroizing<[u8; 32]>> {
        let mut key = SecretKey::from_slice(sk).ok()?;
        let mut ss = SharedSecret::new(point, &key);
        let out = Zeroizing::new(ss.secret_bytes());
        ss.non_secure_erase();
        key.non_secure_erase();
        Some(out)
    }
}

/// Pure Rust (`k256`).
#[cfg(any(
    all(feature = "pure-rust-curve", not(feature = "tableless-curve")),
    test
))]
pub(crate) mod rust {
    use k256::elliptic_curve::point::{AffineCoordinates, DecompressPoint};
    use k256::elliptic_curve::subtle::Choice;
    use k256::{AffinePoint, NonZeroScalar, ProjectivePoint};
    use secp256k1::PublicKey;
    use sha2::{Digest, Sha256};
    use zeroize::Zeroizing;

    fn scalar(sk: &[u8; 32]) -> Option<NonZeroScalar> {
        Option::from(NonZeroScalar::from_repr((*sk).into()))
    }

    /// SEC 1 compressed encoding of `p`: `02`/`03` for the parity of `y`, then `x`. (Never
    /// the identity here: the group has prime order and the scalar is non-zero.)
    fn compressed(p: ProjectivePoint) -> Zeroizing<[u8; 33]> {
        let a = p.to_affine();
        let mut out = Zeroizing::new([0u8; 33]);
        out[0] = 2 | a.y_is_odd().unwrap_u8();
        out[1..].copy_from_slice(&a.x());
        out
    }

    /// `sk * G`; `None` when `sk` is zero or not below the curve order.
    pub(crate) fn public_key(sk: &[u8; 32]) -> Option<PublicKey> {
        let k = scalar(sk)?;
        PublicKey::from_slice(compressed(ProjectivePoint::GENERATOR * *k).as_ref()).ok()
    }

    /// SHA-256 of the compressed `sk * point`; `None` when `sk` is out of range.
    pub(crate) fn ecdh(sk: &[u8; 32], point: &PublicKey) -> Option<Zeroizing<[u8; 32]>> {
        let k = scalar(sk)?;
        // `point` is a valid key (libsecp256k1 parsed it), so this only decompresses it.
        let bytes = point.serialize();
        let x = k256::FieldBytes::clone_from_slice(&bytes[1..]);
        let p: Option<AffinePoint> = AffinePoint::decompress(&x, Choice::from(bytes[0] & 1)).into();
        let shared = compressed(ProjectivePoint::from(p?) * *k);
        Some(Zeroizing::new(Sha256::digest(shared.as_ref()).into()))
    }
}

/// Both backends must agree (the Commando build runs `rust`, everything else `libsecp`).
#[cfg(test)]
mod tests {
    use super::{libsecp, rust};
    use secp256k1::PublicKey;

    fn key(hex_str: &str) -> [u8; 32] {
        hex::decode(hex_str).unwrap().try_into().unwrap()
    }

    fn point(hex_str: &str) -> PublicKey {
        PublicKey::from_slice(&hex::decode(hex_str).unwrap()).unwrap()
    }

    /// BOLT #8 Appendix A: the static and ephemeral keys of both roles, and the `ss` of
    /// each act the vectors print.
    #[test]
    fn bolt8_vector_keys_and_shared_secrets() {
        // Initiator ls, e; responder ls, e (BOLT #8 "Initiator Tests", "Responder Tests").
        let cases = [
            (
                "1111111111111111111111111111111111111111111111111111111111111111",
                "034f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa",
            ),
            (
                "1212121212121212121212121212121212121212121212121212121212121212",
                "036360e856310ce5d294e8be33fc807077dc56ac80d95d9cd4ddbd21325eff73f7",
            ),
            (
                "2121212121212121212121212121212121212121212121212121212121212121",
                "028d7500dd4c12685d1f568b4c2b5048e8534b873319f3a8daa612b469132ec7f7",
            ),
            (
                "2222222222222222222222222222222222222222222222222222222222222222",
                "02466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f27",
            ),
        ];
        for (sk, pk) in cases {
            assert_eq!(rust::public_key(&key(sk)), Some(point(pk)), "{sk}");
            assert_eq!(libsecp::public_key(&key(sk)), Some(point(pk)), "{sk}");
        }
        // Act one: ss = ECDH(e.priv, rs) = 1e2fb3c8fe8fb9f262f649f64d26ecf0f2c0a805a767cf02dc2d77a6ef1fdcc3.
        let e = key("1212121212121212121212121212121212121212121212121212121212121212");
        let rs = point("028d7500dd4c12685d1f568b4c2b5048e8534b873319f3a8daa612b469132ec7f7");
        let want = key("1e2fb3c8fe8fb9f262f649f64d26ecf0f2c0a805a767cf02dc2d77a6ef1fdcc3");
        assert_eq!(*rust::ecdh(&e, &rs).unwrap(), want);
        assert_eq!(*libsecp::ecdh(&e, &rs).unwrap(), want);
        // Act two: ss = ECDH(e.priv, re) = c06363d6cc549bcb7913dbb9ac1c33fc1158680c89e972000ecd06b36c472e47.
        let re = point("02466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f27");
        let want = key("c06363d6cc549bcb7913dbb9ac1c33fc1158680c89e972000ecd06b36c472e47");
        assert_eq!(*rust::ecdh(&e, &re).unwrap(), want);
        assert_eq!(*libsecp::ecdh(&e, &re).unwrap(), want);
        // Act three: ss = ECDH(s.priv, re) = b36b6d195982c5be874d6d542dc268234379e1ae4ff1709402135b7de5cf0766.
        let s = key("1111111111111111111111111111111111111111111111111111111111111111");
        let want = key("b36b6d195982c5be874d6d542dc268234379e1ae4ff1709402135b7de5cf0766");
        assert_eq!(*rust::ecdh(&s, &re).unwrap(), want);
        assert_eq!(*libsecp::ecdh(&s, &re).unwrap(), want);
    }

    /// Out-of-range private keys are refused by both: 0, the order n, n + 1, all ones.
    #[test]
    fn out_of_range_keys_are_refused() {
        let g = point("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
        for sk in [
            "0000000000000000000000000000000000000000000000000000000000000000",
            "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
            "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142",
            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        ] {
            assert_eq!(rust::public_key(&key(sk)), None, "{sk}");
            assert_eq!(libsecp::public_key(&key(sk)), None, "{sk}");
            assert!(rust::ecdh(&key(sk), &g).is_none(), "{sk}");
            assert!(libsecp::ecdh(&key(sk), &g).is_none(), "{sk}");
        }
        // n - 1 is the largest valid key: its public key is -G.
        let n_minus_1 = key("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140");
        let minus_g = point("0379be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
        assert_eq!(rust::public_key(&n_minus_1), Some(minus_g));
        assert_eq!(libsecp::public_key(&n_minus_1), Some(minus_g));
    }

    /// Random keys and points (a fixed-seed generator, so a failure replays): the same
    /// public keys and the same shared secrets from both backends.
    #[test]
    fn random_keys_agree_with_libsecp256k1() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            let mut out = [0u8; 32];
            for chunk in out.chunks_mut(8) {
                // xorshift64*
                state ^= state >> 12;
                state ^= state << 25;
                state ^= state >> 27;
                chunk.copy_from_slice(&state.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes());
            }
            out
        };
        let mut checked = 0;
        while checked < 200 {
            let (a, b) = (next(), next());
            let (Some(pa), Some(pb)) = (libsecp::public_key(&a), libsecp::public_key(&b)) else {
                continue; // out of range: probability ~2^-128
            };
            assert_eq!(rust::public_key(&a), Some(pa));
            let shared = libsecp::ecdh(&a, &pb).unwrap();
            assert_eq!(*rust::ecdh(&a, &pb).unwrap(), *shared);
            // ECDH is symmetric.
            assert_eq!(*rust::ecdh(&b, &pa).unwrap(), *shared);
            checked += 1;
        }
    }
}
