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
