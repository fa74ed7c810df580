//! Our keys: the node secret that peels onion messages for us, and the one-use random keys
//! (path session keys, Sphinx session keys, payer keys, `path_id`s) BOLT 4 §"Onion Messages"
//! and BOLT 12 §"Invoice Requests" ask to be unpredictable. Every secret is erased on drop.
use secp256k1::{PublicKey, SecretKey};
use zeroize::{Zeroize, Zeroizing};

use crate::error::KeyError;

/// 32 random bytes from the operating system (or the browser).
pub fn random_bytes<const N: usize>() -> Result<Zeroizing<[u8; N]>, KeyError> {
    let mut out = Zeroizing::new([0u8; N]);
    getrandom::getrandom(out.as_mut()).map_err(|e| KeyError::Random(e.to_string()))?;
    Ok(out)
}

/// A fresh random secret key (retrying the ~2^-128 chance of an out-of-range value).
pub fn random_secret() -> Result<SecretKey, KeyError> {
    loop {
        let bytes = random_bytes::<32>()?;
        if let Ok(k) = SecretKey::from_slice(bytes.as_ref()) {
            return Ok(k);
        }
    }
}

/// A node identity: the secret key behind our BOLT 8 static key, with which onion
/// messages addressed to us are peeled. Erased on drop.
pub struct NodeKey {
    secret: SecretKey,
    public: PublicKey,
}

impl NodeKey {
    /// A fresh random identity (an ephemeral payer, as a browser is).
    pub fn generate() -> Result<Self, KeyError> {
        Ok(Self::from_secret(random_secret()?))
    }

    /// Wraps an existing secret key.
    pub fn from_secret(secret: SecretKey) -> Self {
        NodeKey {
            public: curve::public_key(&secret),
            secret,
        }
    }

    /// 32 bytes as a key; `None` if out of range.
    pub fn from_bytes(bytes: &[u8; 32]) -> Option<Self> {
        SecretKey::from_slice(bytes).ok().map(Self::from_secret)
    }

    /// Our node id.
    pub fn node_id(&self) -> PublicKey {
        self.public
    }

    /// The secret, for peeling.
    pub(crate) fn secret(&self) -> &SecretKey {
        &self.secret
    }

    /// The keys, for signing invoices as `offer_issuer_id` (erased when dropped).
    #[cfg(feature = "io")]
    pub(crate) fn keys(&self) -> curve::Keys {
        curve::Keys::new(self.secret)
    }

    /// The same key as lnsocket's BOLT 8 static key.
    pub fn to_lnsocket(&self) -> Result<lnsocket::PrivateKey, KeyError> {
        let mut bytes = self.secret.secret_bytes();
        let key = lnsocket::PrivateKey::from_bytes(&bytes);
        bytes.zeroize();
        key.ok_or(KeyError::OutOfRange)
    }
}

/// The same identity as an lnsocket BOLT 8 static key, which already holds its public key.
impl From<&lnsocket::PrivateKey> for NodeKey {
    fn from(key: &lnsocket::PrivateKey) -> Self {
        NodeKey {
            secret: key.secret_key(),
            public: key.public_key(),
        }
    }
}

impl Clone for NodeKey {
    fn clone(&self) -> Self {
        NodeKey {
            secret: self.secret,
            public: self.public,
        }
    }
}

impl Drop for NodeKey {
    fn drop(&mut self) {
        self.secret.non_secure_erase();
    }
}

impl core::fmt::Debug for NodeKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "NodeKey(public {})", self.public)
    }
}

/// The two one-use keys an `onion_message` needs: the path session key that blinds the
/// sender's hops and the Sphinx session key. Erased on drop.
pub(crate) struct SessionKeys {
    pub path: SecretKey,
    pub onion: SecretKey,
}

impl SessionKeys {
    pub fn generate() -> Result<Self, KeyError> {
        Ok(SessionKeys {
            path: random_secret()?,
            onion: random_secret()?,
        })
    }
}

impl Drop for SessionKeys {
    fn drop(&mut self) {
        self.path.non_secure_erase();
        self.onion.non_secure_erase();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `NodeKey` from an lnsocket key is that key: same node id, and back the same bytes.
    #[test]
    fn from_lnsocket_key_is_the_same_identity() {
        let bytes = [0x42u8; 32];
        let ls = lnsocket::PrivateKey::from_bytes(&bytes).expect("in range");
        let key = NodeKey::from(&ls);
        assert_eq!(key.node_id(), ls.public_key());
        assert_eq!(
            key.node_id(),
            NodeKey::from_bytes(&bytes).expect("key").node_id()
        );
        assert_eq!(
            key.to_lnsocket().expect("key").public_key(),
            ls.public_key()
        );
        assert_eq!(key.secret().secret_bytes(), bytes);
    }
}
