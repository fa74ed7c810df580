//! Feature bitmaps in BOLT 12 fields (`offer_features`, `invreq_features`,
//! `invoice_features`, `blinded_payinfo.features`), BOLT 9 bit numbering: bit 0 is the
//! least significant bit of the last byte.

/// Bits set in `features`, lowest first.
pub fn set_bits(features: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let len = features.len();
    features
        .iter()
        .enumerate()
        .rev()
        .flat_map(move |(i, byte)| {
            (0..8)
                .filter(move |b| byte & (1 << b) != 0)
                .map(move |b| (len - 1 - i) * 8 + b)
        })
}

/// The lowest even bit set in `features` that is not in `known`. BOLT 12 readers MUST
/// reject a message with an unknown even bit ("it's OK to be odd").
pub fn unknown_required_bit(features: &[u8], known: &[usize]) -> Option<usize> {
    set_bits(features).find(|bit| bit % 2 == 0 && !known.contains(bit))
}

/// A bitmap with exactly `bits` set, minimal length.
pub fn from_bits(bits: &[usize]) -> Vec<u8> {
    let Some(max) = bits.iter().max() else {
        return Vec::new();
    };
    let len = max / 8 + 1;
    let mut out = vec![0u8; len];
    for bit in bits {
        out[len - 1 - bit / 8] |= 1 << (bit % 8);
    }
    out
}

/// BOLT 12 §"Invoice Features": multi-part payment, compulsory.
pub const MPP_COMPULSORY: usize = 16;
/// BOLT 12 §"Invoice Features": multi-part payment, optional.
pub const MPP_OPTIONAL: usize = 17;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_numbering() {
        assert_eq!(set_bits(&[0x01, 0x00]).collect::<Vec<_>>(), vec![8]);
        assert_eq!(from_bits(&[8]), vec![0x01, 0x00]);
        assert_eq!(from_bits(&[122]).len(), 16);
        assert_eq!(unknown_required_bit(&from_bits(&[17, 122]), &[]), Some(122));
        assert_eq!(unknown_required_bit(&from_bits(&[17, 16]), &[16]), None);
    }
}
