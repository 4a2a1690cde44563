//! The diff's hunks: only the lines around the changes are compared (with
//! `similar`), each comparison bounded by a deadline, so the cost follows
//! the changes, not the text.

use std::ops::Range;
use std::time::Instant;

use similar::{Algorithm, DiffOp};

use super::{CONTEXT, Change, DIFF_DEADLINE};
use crate::text::lines::Indexed;

/// One hunk: line ranges of the old and new text (0-based, end exclusive) and
/// the line operations inside it, with [`CONTEXT`] lines around the changes.
pub(super) struct Hunk {
    pub(super) old: Range<usize>,
    pub(super) new: Range<usize>,
    pub(super) ops: Vec<DiffOp>,
}

/// Both texts split into lines the way `git` and `patch` read them (at LF only: a
/// CR stays part of its line).
pub(super) struct Lines<'a> {
    pub(super) old: Indexed<'a>,
    pub(super) new: Indexed<'a>,
}

impl<'a> Lines<'a> {
    pub(super) fn old_line(&self, i: usize) -> &'a str {
        &self.old.text[self.old.lines.line_with_end(self.old.text, i)]
    }

    pub(super) fn new_line(&self, i: usize) -> &'a str {
        &self.new.text[self.new.lines.line_with_end(self.new.text, i)]
    }
}

/// The hunks of the diff. Only the lines around `changes` (sorted, disjoint) are
/// compared, with `similar`, so the cost follows the changes, not the text.
pub(super) fn hunks(lines: &Lines<'_>, changes: &[Change]) -> Vec<Hunk> {
    let (old, new) = (lines.old.text, lines.new.text);
    // Past this, similar gives up minimality (never correctness): two unrelated
    // 100 MB texts (a stale output under `--check`) still diff in bounded time.
    let deadline = Instant::now() + DIFF_DEADLINE;
    let mut ops = Vec::new();
    let (mut old_line, mut new_line) = (0, 0);
    for block in blocks(old, new, changes) {
        let first = lines.old.lines.line_of(block.old.start);
        let same = first - old_line;
        if same > 0 {
            ops.push(DiffOp::Equal {
                old_index: old_line,
                new_index: new_line,
                len: same,
            });
        }
        let (old_at, new_at) = (first, new_line + same);
        let old_lines: Vec<&str> = old[block.old].split_inclusive('\n').collect();
        let new_lines: Vec<&str> = new[block.new].split_inclusive('\n').collect();
        for op in line_ops(&old_lines, &new_lines, deadline) {
            ops.push(shifted(op, old_at, new_at));
        }
        old_line = old_at + old_lines.len();
        new_line = new_at + new_lines.len();
    }
    let rest = lines.old.lines.diff_lines(old) - old_line;
    if rest > 0 {
        ops.push(DiffOp::Equal {
            old_index: old_line,
            new_index: new_line,
            len: rest,
        });
    }
    similar::group_diff_ops(ops, CONTEXT)
        .into_iter()
        .map(|ops| {
            let (first, last) = (&ops[0], &ops[ops.len() - 1]);
            Hunk {
                old: first.old_range().start..last.old_range().end,
                new: first.new_range().start..last.new_range().end,
                ops,
            }
        })
        .collect()
}

/// The line operations of one block. Most edits change one line into one
/// other line: that is one replacement, as Myers finds it, without running it.
fn line_ops(old_lines: &[&str], new_lines: &[&str], deadline: Instant) -> Vec<DiffOp> {
    match (old_lines, new_lines) {
        ([old], [new]) if old != new => vec![DiffOp::Replace {
            old_index: 0,
            old_len: 1,
            new_index: 0,
            new_len: 1,
        }],
        _ => similar::capture_diff_slices_deadline(
            Algorithm::Myers,
            old_lines,
            new_lines,
            Some(deadline),
        ),
    }
}

fn shifted(op: DiffOp, old_at: usize, new_at: usize) -> DiffOp {
    match op {
        DiffOp::Equal {
            old_index,
            new_index,
            len,
        } => DiffOp::Equal {
            old_index: old_index + old_at,
            new_index: new_index + new_at,
            len,
        },
        DiffOp::Delete {
            old_index,
            old_len,
            new_index,
        } => DiffOp::Delete {
            old_index: old_index + old_at,
            old_len,
            new_index: new_index + new_at,
        },
        DiffOp::Insert {
            old_index,
            new_index,
            new_len,
        } => DiffOp::Insert {
            old_index: old_index + old_at,
            new_index: new_index + new_at,
            new_len,
        },
        DiffOp::Replace {
            old_index,
            old_len,
            new_index,
            new_len,
        } => DiffOp::Replace {
            old_index: old_index + old_at,
            old_len,
            new_index: new_index + new_at,
            new_len,
        },
    }
}

/// Whole-line regions that hold the changes: each starts at a line start and
/// ends after a LF (or at the end) in both texts, so the lines between them are
/// the same in both. Changes on one line, or on adjacent lines, share a region,
/// so that a run of changed lines reads as in `diff -u`: removals, then additions.
pub(super) fn blocks(old: &str, new: &str, changes: &[Change]) -> Vec<Change> {
    let line_start = |at: usize| memchr::memrchr(b'\n', &old.as_bytes()[..at]).map_or(0, |i| i + 1);
    let ends_line =
        |text: &str, at: usize| at == text.len() || (at > 0 && text.as_bytes()[at - 1] == b'\n');
    let mut blocks = Vec::new();
    let mut shift: isize = 0; // new offset - old offset, after the changes so far
    let mut next = changes.iter().peekable();
    while let Some(change) = next.next() {
        let start = line_start(change.old.start);
        let new_start = start
            .checked_add_signed(shift)
            .expect("changes stay within the text");
        let (mut end, mut new_end) = (change.old.end, change.new.end);
        loop {
            // A change on a line the region holds, or on the line right after it.
            // (No line break between the region's end and the change: counted
            // forward, so that many changes on one long line cost its length once.)
            let same_line = |c: &&Change| {
                c.old.start <= end
                    || memchr::memchr(b'\n', &old.as_bytes()[end..c.old.start]).is_none()
            };
            if let Some(c) = next.next_if(same_line) {
                (end, new_end) = (c.old.end, c.new.end);
                continue;
            }
            if ends_line(old, end) && ends_line(new, new_end) {
                break;
            }
            let line_end =
                memchr::memchr(b'\n', &old.as_bytes()[end..]).map_or(old.len(), |i| end + i + 1);
            if let Some(c) = next.next_if(|c| c.old.start < line_end || c.old.start == end) {
                // The next change starts on this line: the region takes it in.
                (end, new_end) = (c.old.end, c.new.end);
            } else if line_end == end {
                // Only when `changes` miss a difference; end the region as it is.
                break;
            } else {
                new_end += line_end - end;
                end = line_end;
            }
        }
        shift = new_end as isize - end as isize;
        blocks.push(Change {
            old: start..end,
            new: new_start..new_end,
        });
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_line_is_one_replacement_as_myers_finds_it() {
        let deadline = Instant::now() + DIFF_DEADLINE;
        for (old, new) in [
            (["a\n"], ["b\n"]),
            (["a"], ["a\n"]),
            (["a\n"], ["a"]),
            (["one two\n"], ["one 2\n"]),
            (["a"], ["a"]),
        ] {
            assert_eq!(
                line_ops(&old, &new, deadline),
                similar::capture_diff_slices_deadline(Algorithm::Myers, &old, &new, Some(deadline)),
                "{old:?} {new:?}"
            );
        }
    }
}
