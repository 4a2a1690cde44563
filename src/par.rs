//! Work shared between cores only where it pays: a large text's independent
//! stages run side by side, a small one stays on its thread (a single article
//! must not wait for a thread pool to start).

/// Texts from this size on are worth splitting over cores.
pub(crate) const LARGE: usize = 4 << 20;

/// How many parts to read a text of `len` bytes in: one per [`LARGE`] of a
/// large text (at most 64, each on a core as one is free), else one.
pub(crate) fn parts(len: usize) -> usize {
    match len >= LARGE {
        true => (len / LARGE).clamp(1, 64),
        false => 1,
    }
}

/// Runs `a` and `b` on two cores when `parallel`, else one after the other.
pub(crate) fn join<A, B, RA, RB>(parallel: bool, a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB + Send,
    RA: Send,
    RB: Send,
{
    match parallel {
        true => rayon::join(a, b),
        false => (a(), b()),
    }
}

/// Counts into a table of `len` counters what `count` counts in each of
/// `blocks`, the blocks shared among the cores when there are several
/// (each part into a table of its own, the tables then summed by `add`).
/// `add` must be associative, as a saturating sum is: the table is then
/// what one pass over the blocks in order gives.
pub(crate) fn tally<T, C, A>(blocks: &[&[u8]], len: usize, count: C, add: A) -> Vec<T>
where
    T: Copy + Default + Send,
    C: Fn(&[u8], &mut [T]) + Sync,
    A: Fn(T, T) -> T + Sync,
{
    use rayon::prelude::*;
    let one = |blocks: &[&[u8]]| {
        let mut table = vec![T::default(); len];
        for block in blocks {
            count(block, &mut table);
        }
        table
    };
    let total: usize = blocks.iter().map(|b| b.len()).sum();
    let cores = rayon::current_num_threads();
    if total < LARGE || cores < 2 || blocks.len() < 2 {
        return one(blocks);
    }
    blocks
        .par_chunks(blocks.len().div_ceil(cores))
        .map(one)
        .reduce_with(|mut a, b| {
            for (a, b) in a.iter_mut().zip(b) {
                *a = add(*a, b);
            }
            a
        })
        .unwrap_or_else(|| vec![T::default(); len])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shared among the cores, a saturating tally is what one pass gives:
    /// counts past the counters' range included.
    #[test]
    fn a_tally_on_every_core_is_what_one_pass_gives() {
        let text: Vec<u8> = (0..LARGE + 12_345)
            .map(|i| {
                if i % 100_000 == 0 {
                    250
                } else {
                    (i % 7 * 31) as u8
                }
            })
            .collect();
        let blocks: Vec<&[u8]> = text.chunks(64 << 10).collect();
        let count = |block: &[u8], table: &mut [u16]| {
            for &b in block {
                table[usize::from(b)] = table[usize::from(b)].saturating_add(1);
            }
        };
        let mut one = vec![0u16; 256];
        for block in &blocks {
            count(block, &mut one);
        }
        assert!(one.contains(&u16::MAX), "some counter saturates");
        assert!(one.iter().any(|&c| c > 0 && c < u16::MAX));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .expect("a pool");
        let shared = pool.install(|| tally(&blocks, 256, count, u16::saturating_add));
        assert_eq!(shared, one);
    }
}
