//! One line index per text turns byte offsets into 1-based line and column.
//!
//! Lines break at LF only (a CR stays part of its line). Columns count Unicode
//! scalar values from the start of the line, so a BOM counts as a character.

/// A position for people: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in Unicode scalar values.
    pub column: usize,
}

impl std::fmt::Display for LineCol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A text and its line index, built once and shared by the renderers.
#[derive(Debug, Clone, Copy)]
pub struct Indexed<'a> {
    /// The text.
    pub text: &'a str,
    /// Its line index.
    pub lines: &'a LineIndex,
}

/// Start offsets of every line of a text.
///
/// ```
/// use correct::lines::{LineCol, LineIndex};
/// let text = "one\r\ntwo ’x’";
/// let index = LineIndex::new(text);
/// assert_eq!(index.line_col(text, 5), LineCol { line: 2, column: 1 });
/// assert_eq!(index.line_col(text, text.len()), LineCol { line: 2, column: 8 });
/// ```
///
/// Offsets are held in 32 bits (half the memory of a text's millions of
/// lines), so a text must be under 4 GiB; `correct` reads at most 1 GiB and
/// writes at most 1 GiB ([`crate::limits`]).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<u32>,
    /// Characters before each [`BLOCK`]-byte block of the text, built on the
    /// first column asked for on a long line: a column then costs at most a
    /// block's count, however long its line (one line of 200 MB included).
    blocks: std::sync::OnceLock<Vec<u32>>,
}

/// `offset` in the 32 bits an index holds it in.
fn narrow(offset: usize) -> u32 {
    u32::try_from(offset).expect("a line index is for texts under 4 GiB")
}

/// Bytes per block of [`LineIndex::blocks`]; a stretch of a line shorter than
/// this is counted directly.
const BLOCK: usize = 256;

impl PartialEq for LineIndex {
    fn eq(&self, other: &LineIndex) -> bool {
        self.starts == other.starts
    }
}

impl Eq for LineIndex {}

/// Characters (Unicode scalar values) in `bytes`, a stretch of UTF-8 that may
/// start or end inside a character: its bytes that start one.
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl LineIndex {
    /// Indexes `text` in one pass, 64 bytes at a time (prose has a line break
    /// every few dozen bytes: too many to look for one at a time).
    ///
    /// # Panics
    ///
    /// If `text` is 4 GiB or more.
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        narrow(bytes.len());
        // Room for lines of 32 bytes on average; memory not used is not touched.
        let mut starts = Vec::with_capacity(bytes.len() / 32 + 1);
        starts.push(0);
        let (blocks, rest) = bytes.as_chunks::<64>();
        for (n, block) in blocks.iter().enumerate() {
            let mut breaks = crate::text::bits::mask(block, |b| b == b'\n');
            while breaks != 0 {
                starts.push((n * 64) as u32 + breaks.trailing_zeros() + 1);
                breaks &= breaks - 1;
            }
        }
        let tail = bytes.len() - rest.len();
        starts.extend(memchr::memchr_iter(b'\n', rest).map(|i| (tail + i + 1) as u32));
        LineIndex::of(starts)
    }

    fn of(starts: Vec<u32>) -> LineIndex {
        LineIndex {
            starts,
            blocks: std::sync::OnceLock::new(),
        }
    }

    /// The index of the text after `edits` (byte ranges of this index's text,
    /// in order and apart, with their replacements), derived from this one
    /// without reading the whole new text: lines shift past each edit, the
    /// line breaks it removes go, and those its replacement holds come in.
    ///
    /// ```
    /// use correct::lines::LineIndex;
    /// let (old, new) = ("a\nbc\nd", "a\nB\nC\nd");
    /// let edited = LineIndex::new(old).edited([(2..4, "B\nC")]);
    /// assert_eq!(edited, LineIndex::new(new));
    /// ```
    ///
    /// # Panics
    ///
    /// If the edited text is 4 GiB or more.
    pub fn edited<'e>(
        &self,
        edits: impl IntoIterator<Item = (std::ops::Range<usize>, &'e str)>,
    ) -> LineIndex {
        let mut starts = Vec::with_capacity(self.starts.len());
        let mut shift: isize = 0;
        let mut next = 0;
        let moved = |start: u32, shift: isize| {
            narrow(
                (start as usize)
                    .checked_add_signed(shift)
                    .expect("a line start moves within the edited text"),
            )
        };
        for (range, replace) in edits {
            // Lines that start before the edit (or just at it) move with it.
            while let Some(&start) = self
                .starts
                .get(next)
                .filter(|&&s| s as usize <= range.start)
            {
                starts.push(moved(start, shift));
                next += 1;
            }
            // Lines that start after a break inside the replaced text go.
            while self
                .starts
                .get(next)
                .is_some_and(|&s| s as usize <= range.end)
            {
                next += 1;
            }
            let at = moved(narrow(range.start), shift);
            starts.extend(
                memchr::memchr_iter(b'\n', replace.as_bytes()).map(|i| narrow(at as usize + i + 1)),
            );
            shift += replace.len() as isize - range.len() as isize;
        }
        starts.extend(self.starts[next..].iter().map(|&s| moved(s, shift)));
        LineIndex::of(starts)
    }

    /// The 0-based line that holds byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&start| start as usize <= offset)
            - 1
    }

    /// The byte range of 0-based `line`, without its LF.
    pub fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let start = self.starts[line] as usize;
        let end = self
            .starts
            .get(line + 1)
            .map_or(text.len(), |&next| next as usize - 1);
        start..end
    }

    /// The byte range of 0-based `line` with its LF, as `git` and `patch` see lines.
    pub fn line_with_end(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let end = self
            .starts
            .get(line + 1)
            .map_or(text.len(), |&next| next as usize);
        self.starts[line] as usize..end
    }

    /// Number of lines as `git` counts them: LF-terminated lines, plus a last line
    /// without LF if there is one. 0 for an empty text.
    pub fn diff_lines(&self, text: &str) -> usize {
        self.starts.len() - usize::from(text.is_empty() || text.ends_with('\n'))
    }

    /// Number of lines (a text without LF has one line).
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Always false: even an empty text has one (empty) line.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Line and column of byte `offset` in `text` (the text this index was built from).
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        self.at_line(text, self.line_of(offset), offset)
    }

    /// [`LineIndex::line_col`] for offsets taken in increasing order: the line is
    /// searched forward from `after`'s (galloping, then bisecting), so thousands
    /// of sorted offsets touch only the part of the index between them. Any
    /// `after` gives the right answer; one past `offset` costs a full search.
    pub fn line_col_after(&self, text: &str, after: LineCol, offset: usize) -> LineCol {
        let starts = &self.starts;
        let mut lo = after.line.saturating_sub(1);
        if starts.get(lo).is_none_or(|&s| s as usize > offset) {
            return self.line_col(text, offset);
        }
        // starts[lo] <= offset; double the step until a start lies past it.
        let mut step = 1;
        let hi = loop {
            match starts.get(lo + step) {
                Some(&s) if s as usize <= offset => {
                    lo += step;
                    step *= 2;
                }
                _ => break (lo + step).min(starts.len()),
            }
        };
        let line = lo + starts[lo..hi].partition_point(|&s| s as usize <= offset) - 1;
        self.at_line(text, line, offset)
    }

    /// Line and column of `offset`, which is on 0-based `line`.
    fn at_line(&self, text: &str, line: usize, offset: usize) -> LineCol {
        let start = self.starts[line] as usize;
        let column = match offset - start < BLOCK {
            true => char_starts(&text.as_bytes()[start..offset]),
            false => self.chars_before(text, offset) - self.chars_before(text, start),
        };
        LineCol {
            line: line + 1,
            column: column + 1,
        }
    }

    /// Characters of `text` before byte `offset`, from the block table.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let bytes = text.as_bytes();
        let blocks = self.blocks.get_or_init(|| {
            let mut before = 0;
            let mut blocks = Vec::with_capacity(bytes.len() / BLOCK + 1);
            for block in bytes.chunks(BLOCK) {
                blocks.push(narrow(before));
                before += char_starts(block);
            }
            blocks.push(narrow(before));
            blocks
        });
        let block = offset / BLOCK;
        blocks[block] as usize + char_starts(&bytes[block * BLOCK..offset])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn every_line_break_is_indexed_in_blocks_and_tail(text in "[a\né\r\n]{0,300}") {
            let mut starts = vec![0];
            starts.extend(text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i as u32 + 1));
            prop_assert_eq!(LineIndex::new(&text).starts, starts);
        }

        #[test]
        fn searching_from_an_earlier_offset_finds_the_same_place(
            text in "[a\né\n]{0,300}",
            offsets in proptest::collection::vec(any::<prop::sample::Index>(), 0..40),
            sorted in any::<bool>(),
        ) {
            let index = LineIndex::new(&text);
            let boundaries: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            let mut offsets: Vec<usize> = offsets.iter().map(|i| boundaries[i.index(boundaries.len())]).collect();
            if sorted {
                offsets.sort_unstable();
            }
            // From the start, and from each offset to the next (in order or not).
            let mut at = LineCol { line: 1, column: 1 };
            for &offset in &offsets {
                let found = index.line_col_after(&text, at, offset);
                prop_assert_eq!(found, index.line_col(&text, offset), "at {}", offset);
                at = found;
            }
        }
    }

    proptest! {
        #[test]
        fn columns_on_long_lines_count_every_character(
            text in "[aé€😀\n]{0,2000}",
            offsets in proptest::collection::vec(any::<prop::sample::Index>(), 1..20),
        ) {
            let index = LineIndex::new(&text);
            let boundaries: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            for offset in offsets.iter().map(|i| boundaries[i.index(boundaries.len())]) {
                let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
                let column = text[line_start..offset].chars().count() + 1;
                prop_assert_eq!(index.line_col(&text, offset).column, column, "at {}", offset);
            }
        }
    }

    #[test]
    fn lines_break_at_lf_only() {
        let text = "a\r\nb\rc\nd";
        let index = LineIndex::new(text);
        assert_eq!(index.len(), 3);
        assert_eq!(index.line_col(text, 4), LineCol { line: 2, column: 2 });
        assert_eq!(index.line_range(text, 1), 3..6);
        assert_eq!(index.line_range(text, 2), 7..8);
    }

    #[test]
    fn a_bom_counts_as_a_character() {
        let text = "\u{feff}abc";
        assert_eq!(
            LineIndex::new(text).line_col(text, 3),
            LineCol { line: 1, column: 2 }
        );
    }

    #[test]
    fn offset_at_a_line_start_belongs_to_that_line() {
        let text = "ab\ncd\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 3), LineCol { line: 2, column: 1 });
        assert_eq!(index.line_col(text, 6), LineCol { line: 3, column: 1 });
    }
}
