//! Reply paths (BOLT 4 §"Onion Messages", §"Route Blinding"): a blinded path whose
//! introduction node is our peer and whose last hop is us, with a random `path_id` so that
//! only answers sent along it are taken as replies (the reader "MUST ignore the onion
//! message" whose `path_id` does not match the path it created for this purpose).
use bolt12::tlv::BlindedPath;
use onion::blinding::{create_blinded_path, pad_to_equal_length, BlindHop};
use onion::tlv::EncryptedDataTlv;
use secp256k1::PublicKey;
use subtle::ConstantTimeEq;
use wire::Point;
use zeroize::{Zeroize, Zeroizing};

use crate::error::FetchError;
use crate::keys::{random_bytes, random_secret};

/// Length of our `path_id`s.
pub const PATH_ID_LEN: usize = 32;

/// A reply path we made and the `path_id` it carries, erased on drop.
pub struct ReplyPath {
    /// The path to put in `reply_path`.
    pub path: BlindedPath,
    path_id: Zeroizing<Vec<u8>>,
}

impl ReplyPath {
    /// `peer` (introduction node) -> `us`, the last hop's data holding a fresh random
    /// `path_id`; both hops padded to the same length.
    pub fn new(peer: PublicKey, us: PublicKey) -> Result<Self, FetchError> {
        let path_id = random_bytes::<PATH_ID_LEN>()?;
        Self::with_path_id(peer, us, path_id.as_slice())
    }

    /// `peer` -> `us` with the given `path_id` (e.g. a stateless payer's nonce and tag).
    pub fn with_path_id(
        peer: PublicKey,
        us: PublicKey,
        path_id: &[u8],
    ) -> Result<Self, FetchError> {
        let path_id = Zeroizing::new(path_id.to_vec());
        let mut data = [
            EncryptedDataTlv {
                next_node_id: Some(Point::from(us)),
                ..Default::default()
            },
            EncryptedDataTlv {
                path_id: Some(path_id.to_vec()),
                ..Default::default()
            },
        ];
        pad_to_equal_length(&mut data).map_err(|e| FetchError::Onion(e.to_string()))?;
        let [first, last] = data;
        let hops = [
            BlindHop {
                node_id: peer,
                data: first,
            },
            BlindHop {
                node_id: us,
                data: last,
            },
        ];
        let mut session = random_secret()?;
        let path = create_blinded_path(&session, &hops);
        session.non_secure_erase();
        for mut hop in hops {
            if let Some(p) = hop.data.path_id.as_mut() {
                p.zeroize();
            }
        }
        let path = path.map_err(|e| FetchError::Onion(e.to_string()))?;
        Ok(ReplyPath { path, path_id })
    }

    /// Whether `path_id` is ours, in constant time.
    pub fn matches(&self, path_id: &[u8]) -> bool {
        path_id.len() == self.path_id.len() && bool::from(self.path_id.as_slice().ct_eq(path_id))
    }

    /// The `path_id`.
    pub(crate) fn path_id(&self) -> &[u8] {
        &self.path_id
    }
}
