//! BOLT 8's two curve operations on libsecp256k1's constant-time `ecmult_const` only
//! (`secp256k1_ecdh` with a callback that hands back the whole shared point, the
//! `secp256k1` crate's `ecdh::shared_secret_point`): no context, no precomputed generator
//! tables in the binary. `sk * G` is the same multiplication with the generator as the
//! point. Checked against the default backend by `curve`'s tests.
//!
//! BOLT #8 §"Handshake State": `ECDH(k, rk)` is the SHA-256 of the compressed `k * rk`.

use secp256k1::ecdh::shared_secret_point;
use secp256k1::{PublicKey, SecretKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// The generator G, SEC 1 compressed (SEC 2 §2.4.1).
const G: [u8; 33] = [
    0x02, 0x79, 0xbe, 0x66, 0x7e, 0xf9, 0xdc, 0xbb, 0xac, 0x55, 0xa0, 0x62, 0x95, 0xce, 0x87, 0x0b,
    0x07, 0x02, 0x9b, 0xfc, 0xdb, 0x2d, 0xce, 0x28, 0xd9, 0x59, 0xf2, 0x81, 0x5b, 0x16, 0xf8, 0x17,
    0x98,
];

/// `sk * point`, SEC 1 compressed; `None` when `sk` is zero or not below the order.
fn mul(sk: &[u8; 32], point: &PublicKey) -> Option<Zeroizing<[u8; 33]>> {
    let mut key = SecretKey::from_slice(sk).ok()?;
    let xy = Zeroizing::new(shared_secret_point(point, &key));
    key.non_secure_erase();
    let mut out = Zeroizing::new([0u8; 33]);
    out[0] = 2 | (xy[63] & 1);
    out[1..].copy_from_slice(&xy[..32]);
    Some(out)
}

/// `sk * G`; `None` when `sk` is zero or not below the curve order.
pub(crate) fn public_key(sk: &[u8; 32]) -> Option<PublicKey> {
    let g = PublicKey::from_slice(&G).ok()?;
    PublicKey::from_slice(mul(sk, &g)?.as_ref()).ok()
}

/// SHA-256 of the compressed `sk * point`; `None` when `sk` is out of range.
pub(crate) fn ecdh(sk: &[u8; 32], point: &PublicKey) -> Option<Zeroizing<[u8; 32]>> {
    let shared = mul(sk, point)?;
    Some(Zeroizing::new(Sha256::digest(shared.as_ref()).into()))
}
