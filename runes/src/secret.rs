//! The master secret and rune creation / verification with it
//! (`rune_new`, `rune_derive_start`, `rune_is_derived` against the master
//! rune; Core Lightning derives the secret from its HSM with the label
//! "commando", lightningd/runes.c).

use crate::error::{DerivationError, SecretError};
use crate::restriction::Restriction;
use crate::rune::{Authcode, Rune, UniqueId};
use crate::sha256::{Midstate, MAX_SECRET_LEN};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// A rune master secret (at most 55 bytes). Zeroised on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct MasterSecret(Vec<u8>);

impl MasterSecret {
    /// Wrap a secret; it must fit in the first SHA-256 block together with
    /// its end marker.
    pub fn new(secret: &[u8]) -> Result<Self, SecretError> {
        if secret.len() > MAX_SECRET_LEN {
            return Err(SecretError::TooLong { len: secret.len() });
        }
        Ok(MasterSecret(secret.to_vec()))
    }
}

impl std::fmt::Debug for MasterSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterSecret(..)")
    }
}

/// The issuer's side: creates runes and verifies that a rune derives from
/// the master secret.
///
/// The master authcode (the SHA-256 state after the secret) is itself a
/// secret, since it allows minting runes; it is zeroised on drop.
pub struct MasterRune {
    master_authcode: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for MasterRune {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterRune(..)")
    }
}

impl MasterRune {
    /// Start from a master secret (`rune_new` with no version).
    pub fn new(secret: &MasterSecret) -> Self {
        let m = Midstate::from_secret(&secret.0);
        MasterRune {
            master_authcode: Zeroizing::new(m.authcode()),
        }
    }

    fn midstate(&self) -> Midstate {
        Midstate::resume(&self.master_authcode, 64)
    }

    /// The unrestricted master rune itself (no unique id). Anyone holding
    /// it can do anything: handle with care.
    pub fn master_rune(&self) -> Rune {
        Rune::from_parts(*self.master_authcode, None, Vec::new())
    }

    /// Create a rune with a unique id and restrictions
    /// (`rune_derive_start` then `rune_add_restr`, as `createrune` does).
    pub fn create(&self, unique_id: UniqueId, restrictions: Vec<Restriction>) -> Rune {
        let mut m = self.midstate();
        m.append(unique_id.encode().as_bytes());
        for r in &restrictions {
            m.append(r.encode().as_bytes());
        }
        Rune::from_parts(m.authcode(), Some(unique_id), restrictions)
    }

    /// Check that `rune` derives from this master secret
    /// (`rune_is_derived(master, rune)`: the master has no version, so a
    /// versioned rune is a "Version mismatch"). The authcode comparison is
    /// constant time.
    pub fn verify(&self, rune: &Rune) -> Result<(), DerivationError> {
        if rune.version().is_some() {
            return Err(DerivationError::VersionMismatch);
        }
        self.verify_any_version(rune)
    }

    /// As [`MasterRune::verify`] but ignoring the version
    /// (`rune_is_derived_anyversion`).
    pub fn verify_any_version(&self, rune: &Rune) -> Result<(), DerivationError> {
        let mut m = self.midstate();
        for r in rune.encoded_restrictions() {
            m.append(r.as_bytes());
        }
        let expected = Zeroizing::new(m.authcode());
        if Authcode::from_bytes(*expected) != *rune.authcode() {
            return Err(DerivationError::NotDerived);
        }
        Ok(())
    }
}
