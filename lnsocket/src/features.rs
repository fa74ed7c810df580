//! Feature bitmaps (BOLT #1 §"The `init` Message", BOLT #9 §"Assigned
//! Feature Flags").
//!
//! A bitmap is big-endian: bit 0 is the least-significant bit of the last
//! byte. Even bits mean "required", odd bits "optional"; a feature is named
//! by its pair.

/// Feature pairs named in the BOLT #9 table: (even bit, name).
const NAMES: &[(usize, &str)] = &[
    (0, "option_data_loss_protect"),
    (4, "option_upfront_shutdown_script"),
    (6, "gossip_queries"),
    (8, "var_onion_optin"),
    (10, "gossip_queries_ex"),
    (12, "option_static_remotekey"),
    (14, "payment_secret"),
    (16, "basic_mpp"),
    (18, "option_support_large_channel"),
    (22, "option_anchors"),
    (24, "option_route_blinding"),
    (26, "option_shutdown_anysegwit"),
    (28, "option_dual_fund"),
    (34, "option_quiesce"),
    (36, "option_attribution_data"),
    (38, "option_onion_messages"),
    (42, "option_provide_storage"),
    (44, "option_channel_type"),
    (46, "option_scid_alias"),
    (48, "option_payment_metadata"),
    (50, "option_zeroconf"),
    (60, "option_simple_close"),
    (62, "option_splice"),
];

/// BOLT #9 "Dependencies" column: (feature, feature it needs), as even bits.
const DEPENDENCIES: &[(usize, usize)] = &[
    (16, 14), // basic_mpp needs payment_secret
    (50, 46), // option_zeroconf needs option_scid_alias
    (60, 26), // option_simple_close needs option_shutdown_anysegwit
];

/// The BOLT #9 name of the feature that `bit` belongs to, if it has one.
pub fn name(bit: usize) -> Option<&'static str> {
    let even = bit & !1;
    NAMES.iter().find(|(b, _)| *b == even).map(|(_, n)| *n)
}

/// The even bits of the pairs in [`NAMES`], as a mask: what [`is_known`] reads, so that
/// a build that only checks a peer's `init` links no names.
const KNOWN_EVEN: u64 = {
    let mut mask = 0u64;
    let mut i = 0;
    while i < NAMES.len() {
        assert!(NAMES[i].0 < 64 && NAMES[i].0 & 1 == 0);
        mask |= 1 << NAMES[i].0;
        i += 1;
    }
    mask
};

/// Whether `bit` belongs to a feature BOLT #9 assigns.
pub fn is_known(bit: usize) -> bool {
    bit < 64 && (KNOWN_EVEN >> (bit & !1)) & 1 == 1
}

/// Whether `bit` is set in the big-endian `bitmap`.
fn is_set(bitmap: &[u8], bit: usize) -> bool {
    let byte = match (bitmap.len()).checked_sub(1 + bit / 8) {
        Some(i) => bitmap[i],
        None => return false,
    };
    byte & (1 << (bit % 8)) != 0
}

/// The set bits of a big-endian bitmap, lowest first, without collecting them.
fn bits(bitmap: &[u8]) -> impl Iterator<Item = usize> + '_ {
    (0..bitmap.len().saturating_mul(8)).filter(move |&bit| is_set(bitmap, bit))
}

/// One set bit of a feature bitmap, described.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    /// The bit number.
    pub bit: usize,
    /// The BOLT #9 name, if assigned.
    pub name: Option<&'static str>,
    /// Even bit: the peer requires the feature; odd: it merely supports it.
    pub required: bool,
}

impl std::fmt::Display for Feature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = if self.required {
            "required"
        } else {
            "optional"
        };
        match self.name {
            Some(n) => write!(f, "{n} (bit {}, {kind})", self.bit),
            None => write!(f, "unknown (bit {}, {kind})", self.bit),
        }
    }
}

/// The set bits of a big-endian bitmap, lowest first.
pub fn set_bits(bitmap: &[u8]) -> Vec<usize> {
    bits(bitmap).collect()
}

/// Every set bit with its name and whether it is required.
pub fn describe(bitmap: &[u8]) -> Vec<Feature> {
    set_bits(bitmap)
        .into_iter()
        .map(|bit| Feature {
            bit,
            name: name(bit),
            required: bit % 2 == 0,
        })
        .collect()
}

/// BOLT #1: "combine (bitwise OR) the two feature bitmaps into one".
pub fn combine(a: &[u8], b: &[u8]) -> Vec<u8> {
    let len = a.len().max(b.len());
    let mut out = vec![0u8; len];
    for (src, pad) in [(a, len - a.len()), (b, len - b.len())] {
        for (o, s) in out.iter_mut().skip(pad).zip(src) {
            *o |= s;
        }
    }
    minimal(out)
}

/// Build the minimal-length bitmap with exactly `bits` set (BOLT #1:
/// "SHOULD use the minimum length required").
pub fn from_bits(bits: &[usize]) -> Vec<u8> {
    let Some(max) = bits.iter().max() else {
        return Vec::new();
    };
    let len = max / 8 + 1;
    let mut out = vec![0u8; len];
    for &bit in bits {
        if let Some(byte) = out.get_mut(len - 1 - bit / 8) {
            *byte |= 1 << (bit % 8);
        }
    }
    out
}

fn minimal(mut v: Vec<u8>) -> Vec<u8> {
    let zeros = v.iter().take_while(|&&b| b == 0).count();
    v.drain(..zeros);
    v
}

/// Even bits set in `bitmap` that BOLT #9 does not assign: BOLT #1 says a
/// receiver MUST close the connection when it sees any.
pub fn unknown_required(bitmap: &[u8]) -> Vec<usize> {
    unknown_required_iter(bitmap).collect()
}

/// [`unknown_required`], lowest first, without collecting them (a caller that
/// reports the first needs no `Vec`).
pub fn unknown_required_iter(bitmap: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bits(bitmap).filter(|&b| b % 2 == 0 && !is_known(b))
}

/// Known dependencies that `bitmap` violates, as (feature, missing
/// dependency) pairs of even bits. BOLT #1: a receiver MUST close the
/// connection if the peer "does not set all known, transitive dependencies".
pub fn missing_dependencies(bitmap: &[u8]) -> Vec<(usize, usize)> {
    missing_dependencies_iter(bitmap).collect()
}

/// [`missing_dependencies`] without collecting them.
pub fn missing_dependencies_iter(bitmap: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let has = move |even: usize| is_set(bitmap, even) || is_set(bitmap, even + 1);
    DEPENDENCIES
        .iter()
        .copied()
        .filter(move |&(feature, needs)| has(feature) && !has(needs))
}

/// Defaults for a light client that speaks onion messages: `var_onion_optin`
/// required (BOLT #9: every node MUST support it); `option_data_loss_protect`,
/// `option_static_remotekey`, `payment_secret` and `option_channel_type`
/// (all ASSUMED) optional; `option_route_blinding` and
/// `option_onion_messages` optional.
pub fn light_client_defaults() -> Vec<u8> {
    from_bits(&[1, 8, 13, 15, 25, 39, 45])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_numbering_is_big_endian() {
        // 0x0100 02: bit 1 and bit 16.
        assert_eq!(set_bits(&[0x01, 0x00, 0x02]), vec![1, 16]);
        assert_eq!(from_bits(&[1, 16]), vec![0x01, 0x00, 0x02]);
        assert_eq!(from_bits(&[]), Vec::<u8>::new());
    }

    #[test]
    fn names_and_requiredness() {
        let d = describe(&from_bits(&[8, 39, 101]));
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].name, Some("var_onion_optin"));
        assert!(d[0].required);
        assert_eq!(d[1].name, Some("option_onion_messages"));
        assert!(!d[1].required);
        assert_eq!(d[2].name, None);
        assert_eq!(d[1].to_string(), "option_onion_messages (bit 39, optional)");
    }

    #[test]
    fn the_known_mask_is_the_names_table() {
        for bit in 0..300 {
            assert_eq!(is_known(bit), name(bit).is_some(), "bit {bit}");
        }
        // Every set bit is found, and only those, in bitmaps with leading zero bytes.
        for bit in 0..40 {
            let mut map = from_bits(&[bit]);
            map.insert(0, 0);
            assert_eq!(set_bits(&map), vec![bit]);
            assert!(is_set(&map, bit) && !is_set(&map, bit + 1) && !is_set(&map, 64));
        }
    }

    #[test]
    fn combine_aligns_right_and_trims() {
        assert_eq!(combine(&[0x02], &[0x01, 0x00]), vec![0x01, 0x02]);
        assert_eq!(combine(&[0x00, 0x00], &[]), Vec::<u8>::new());
    }

    #[test]
    fn dependencies_are_checked() {
        // basic_mpp (optional) without payment_secret.
        assert_eq!(missing_dependencies(&from_bits(&[17])), vec![(16, 14)]);
        assert!(missing_dependencies(&from_bits(&[15, 17])).is_empty());
        assert!(missing_dependencies(&from_bits(&[14, 16, 46, 51])).is_empty());
        assert_eq!(
            missing_dependencies(&from_bits(&[50, 60, 27])),
            vec![(50, 46)]
        );
        assert!(missing_dependencies(&light_client_defaults()).is_empty());
    }

    #[test]
    fn unknown_even_bits_are_found() {
        let map = from_bits(&[8, 20, 21, 39, 100]);
        assert_eq!(unknown_required(&map), vec![20, 100]);
        assert!(unknown_required(&light_client_defaults()).is_empty());
    }
}
