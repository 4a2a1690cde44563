//! How many matches one search of a text may hold.
//!
//! Every match found is kept until the records have picked theirs, so a few
//! short records on a large text (`find: "a"` on a gigabyte of `a a a`) would
//! otherwise ask for tens of bytes of memory per byte of text. Each search
//! shares one [`Budget`] between the threads that read the text; once it is
//! spent they stop, and the records are failed as `too_large` rather than
//! located in part of the text.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Bytes the exact tier holds a match in: its (pattern, start, whole word)
/// while the text is read, then its start and whole-word flag in its
/// pattern's list.
pub(super) const HELD: usize = 40;

/// Matches taken from the budget at a time, so that threads rarely touch it
/// (what a thread holds unused goes back when it is done).
const BLOCK: usize = 256;

/// The matches a search may still find.
#[derive(Debug)]
pub(super) struct Budget {
    /// The matches it started with.
    pub(super) size: usize,
    left: AtomicUsize,
    spent: std::sync::atomic::AtomicBool,
}

impl Budget {
    /// The budget of a search of a text of `len` bytes that holds each match
    /// in `held` bytes: the memory of [`crate::limits::max_matches`] matches
    /// of the exact tier's [`HELD`] bytes.
    pub(super) fn for_text(len: usize, held: usize) -> Budget {
        Budget::of(crate::limits::max_matches(len) * HELD / held)
    }

    /// A budget of `matches`.
    pub(super) fn of(matches: usize) -> Budget {
        Budget {
            size: matches,
            left: AtomicUsize::new(matches),
            spent: false.into(),
        }
    }

    /// A tally for one thread's share of the search.
    pub(super) fn tally(&self) -> Tally<'_> {
        Tally {
            budget: self,
            held: 0,
        }
    }

    /// Whether some search ran out of the budget (and stopped).
    pub(super) fn is_spent(&self) -> bool {
        self.spent.load(Ordering::Relaxed)
    }

    /// Takes up to `n` matches: how many it took, none once it is spent.
    fn take(&self, n: usize) -> usize {
        let left = self
            .left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                (left > 0).then(|| left - left.min(n))
            });
        match left {
            Ok(left) => left.min(n),
            Err(_) => {
                self.spent.store(true, Ordering::Relaxed);
                0
            }
        }
    }
}

/// One thread's matches, taken from its [`Budget`] a block at a time.
pub(super) struct Tally<'b> {
    budget: &'b Budget,
    held: usize,
}

impl Tally<'_> {
    /// Counts one more match: false once the budget is spent (the match is
    /// then not to be kept, and the search should stop).
    pub(super) fn admit(&mut self) -> bool {
        if self.held == 0 {
            self.held = self.budget.take(BLOCK);
            if self.held == 0 {
                return false;
            }
        }
        self.held -= 1;
        true
    }
}

impl Drop for Tally<'_> {
    fn drop(&mut self) {
        self.budget.left.fetch_add(self.held, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_admits_its_size_over_all_threads() {
        let budget = Budget::of(10 * BLOCK);
        let admitted: Vec<usize> = std::thread::scope(|s| {
            let threads: Vec<_> = (0..4)
                .map(|_| {
                    s.spawn(|| {
                        let mut tally = budget.tally();
                        (0..100 * BLOCK).take_while(|_| tally.admit()).count()
                    })
                })
                .collect();
            threads.into_iter().map(|t| t.join().unwrap()).collect()
        });
        assert_eq!(admitted.iter().sum::<usize>(), 10 * BLOCK);
        assert!(budget.is_spent());
    }

    #[test]
    fn what_a_tally_holds_unused_goes_back() {
        let budget = Budget::of(2 * BLOCK);
        for _ in 0..10 {
            let mut tally = budget.tally();
            assert!(tally.admit());
        }
        // Ten tallies of one match each took a block each and gave back the rest.
        let mut tally = budget.tally();
        assert_eq!(
            (0..3 * BLOCK).take_while(|_| tally.admit()).count(),
            2 * BLOCK - 10
        );
    }

    #[test]
    fn a_budget_met_exactly_is_not_spent_and_one_more_spends_it() {
        let budget = Budget::of(1000);
        let mut tally = budget.tally();
        assert_eq!((0..1000).take_while(|_| tally.admit()).count(), 1000);
        assert!(!budget.is_spent());
        assert!(!tally.admit());
        assert!(budget.is_spent());
    }

    #[test]
    fn a_budget_not_reached_is_not_spent() {
        let budget = Budget::of(10 * BLOCK);
        let mut tally = budget.tally();
        assert_eq!(
            (0..5 * BLOCK).take_while(|_| tally.admit()).count(),
            5 * BLOCK
        );
        assert!(!budget.is_spent());
    }
}
