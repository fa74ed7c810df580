/// Number of bytes `value` takes as a BigSize.
pub fn bigsize_len(value: u64) -> usize {
    match value {
        0..=0xfc => 1,
        0xfd..=0xffff => 3,
        0x1_0000..=0xffff_ffff => 5,
        _ => 9,
    }
}

/// Appends `value` as a minimal BigSize (BOLT 1 Appendix A).
pub fn write_bigsize(out: &mut Vec<u8>, value: u64) {
    match bigsize_len(value) {
        1 => out.push(value as u8),
        3 => {
            out.push(0xfd);
            out.extend_from_slice(&(value as u16).to_be_bytes());
        }
        5 => {
            out.push(0xfe);
            out.extend_from_slice(&(value as u32).to_be_bytes());
        }
        _ => {
            out.push(0xff);
            out.extend_from_slice(&value.to_be_bytes());
        }
    }
}

/// Appends `value` with leading zero bytes omitted (BOLT 1 truncated integers).
pub fn write_tu64(out: &mut Vec<u8>, value: u64) {
    let bytes = value.to_be_bytes();
    let skip = (value.leading_zeros() / 8) as usize;
    out.extend_from_slice(&bytes[skip..]);
}

/// `tu32`; see [`write_tu64`].
pub fn write_tu32(out: &mut Vec<u8>, value: u32) {
    write_tu64(out, u64::from(value));
}

/// `tu16`; see [`write_tu64`].
pub fn write_tu16(out: &mut Vec<u8>, value: u16) {
    write_tu64(out, u64::from(value));
}
