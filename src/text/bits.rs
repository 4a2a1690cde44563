//! Byte masks for the scans that look at 32 or 64 bytes at a time (the word
//! lookup, the review page's escaping): compare every byte, then pack the
//! answers into one bit each.

/// Packs `flags` (bytes of 0 or 1, at most 64, a multiple of 8) into one bit each,
/// flag `k` to bit `k`. Written so that the compiler vectorises the comparisons
/// that fill `flags` and packs eight flags with one multiply: the product moves
/// flag `k` of eight to bit 56 + `k`, without carries.
#[inline(always)]
pub(crate) fn pack(flags: &[u8]) -> u64 {
    flags
        .chunks_exact(8)
        .enumerate()
        .fold(0, |bits, (k, eight)| {
            let eight = u64::from_le_bytes(eight.try_into().expect("eight bytes"));
            bits | ((eight.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * k))
        })
}

/// One bit per byte of `block` for which `wanted` holds, byte `k` to bit `k`
/// (`N` at most 64, a multiple of 8): the comparisons vectorise, the packing is
/// [`pack`].
#[inline(always)]
pub(crate) fn mask<const N: usize>(block: &[u8; N], wanted: impl Fn(u8) -> bool) -> u64 {
    let mut flags = [0u8; N];
    for (flag, &b) in flags.iter_mut().zip(block) {
        *flag = u8::from(wanted(b));
    }
    pack(&flags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flag_lands_on_its_bit() {
        for set in [
            0u64,
            1,
            1 << 63,
            0x8000_0001_0000_0100,
            u64::MAX,
            0x0123_4567_89ab_cdef,
        ] {
            let flags: Vec<u8> = (0..64).map(|k| u8::from(set >> k & 1 == 1)).collect();
            assert_eq!(pack(&flags), set, "{set:#x}");
            assert_eq!(pack(&flags[..32]), set & 0xffff_ffff, "{set:#x}");
            let block: [u8; 64] = std::array::from_fn(|k| b'a' + flags[k]);
            assert_eq!(mask(&block, |b| b == b'b'), set, "{set:#x}");
        }
    }
}
