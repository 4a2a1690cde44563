//! The bytes an output must hold ([`Contents`]): in memory, or streamed
//! (written on demand, the same bytes each time), and the writers that put
//! them in a file or compare them with one, block by block.

use std::borrow::Cow;
use std::ffi::OsStr;
use std::fs::File;
use std::io::{self, Read as _};

use crate::confine::Dir;

/// One output file and the bytes it must hold.
#[derive(Debug)]
pub struct OutputFile<'a> {
    /// Where it goes, as shown to users (relative to the working directory).
    pub path: String,
    /// Its full contents.
    pub contents: Contents<'a>,
}

/// The bytes of an output file.
pub enum Contents<'a> {
    /// Held in memory (borrowed where the text already exists, as the corrected
    /// article does).
    Text(Cow<'a, str>),
    /// Written on demand, the same bytes each time: a page as large as the
    /// article itself (the review page) goes straight to its file instead of
    /// being held whole in memory first.
    Streamed(Stream<'a>),
}

/// Writes an output's bytes into the writer it is given.
pub type Stream<'a> = Box<dyn Fn(&mut (dyn io::Write + Send)) -> io::Result<()> + Send + Sync + 'a>;

impl std::fmt::Debug for Contents<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Contents::Text(text) => f.debug_tuple("Text").field(text).finish(),
            Contents::Streamed(_) => f.write_str("Streamed(..)"),
        }
    }
}

impl<'a> From<Cow<'a, str>> for Contents<'a> {
    fn from(text: Cow<'a, str>) -> Contents<'a> {
        Contents::Text(text)
    }
}

impl<'a> From<&'a str> for Contents<'a> {
    fn from(text: &'a str) -> Contents<'a> {
        Contents::Text(Cow::Borrowed(text))
    }
}

impl From<String> for Contents<'_> {
    fn from(text: String) -> Self {
        Contents::Text(Cow::Owned(text))
    }
}

impl Contents<'_> {
    /// The bytes, produced into memory if they are streamed.
    pub fn to_text(&self) -> Cow<'_, str> {
        match self {
            Contents::Text(text) => Cow::Borrowed(text),
            Contents::Streamed(stream) => {
                let mut bytes = Vec::new();
                stream(&mut bytes).expect("writing to memory cannot fail");
                // Streams write UTF-8 text; a bug there shows, it does not panic.
                Cow::Owned(String::from_utf8_lossy(&bytes).into_owned())
            }
        }
    }

    /// Bytes held in memory (0 for a stream).
    pub(super) fn held(&self) -> usize {
        match self {
            Contents::Text(text) => text.len(),
            Contents::Streamed(_) => 0,
        }
    }

    /// Writes the bytes through `writer` into `file`: in one call when they are
    /// in memory, block by block as a stream writes them (no buffer whose flush
    /// on drop could swallow an error such as a full disk).
    pub(super) fn write_to(&self, file: &mut File, writer: &Writer<'_>) -> io::Result<()> {
        match self {
            Contents::Text(text) => writer(file, text.as_bytes()),
            // Streams write in blocks of their own.
            Contents::Streamed(stream) => stream(&mut Through { file, writer }),
        }
    }

    /// Whether a file of `len` bytes could hold these bytes (a stream's length is
    /// not known before it runs).
    pub(super) fn may_be(&self, len: u64) -> bool {
        match self {
            Contents::Text(text) => text.len() as u64 == len,
            Contents::Streamed(_) => true,
        }
    }

    /// Whether the regular file `name` of `dir` holds exactly these bytes.
    pub(super) fn held_by(&self, dir: &Dir, name: &OsStr) -> bool {
        let Ok(file) = dir.open_file(name) else {
            return false;
        };
        match self {
            Contents::Text(text) => holds(file, text.as_bytes()),
            Contents::Streamed(stream) => {
                let mut compare = Compare {
                    file,
                    buffer: Vec::new(),
                };
                // A difference stops the stream with an error, so it stops early.
                stream(&mut compare).is_ok() && matches!(compare.file.read(&mut [0]), Ok(0))
            }
        }
    }
}

/// Largest block compared at once with a file.
const BLOCK: usize = 1 << 20;

/// Passes each block to the stage's writer.
struct Through<'f, 'w> {
    file: &'f mut File,
    writer: &'f Writer<'w>,
}

impl io::Write for Through<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (self.writer)(self.file, buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Compares what is written with a file's bytes, failing at the first difference.
struct Compare {
    file: File,
    buffer: Vec<u8>,
}

impl io::Write for Compare {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for block in buf.chunks(BLOCK) {
            self.buffer.resize(block.len(), 0);
            self.file.read_exact(&mut self.buffer)?;
            if self.buffer != block {
                return Err(io::Error::other("the file differs"));
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// How staged bytes reach their file; tests swap in one that fails.
pub(super) type Writer<'w> = dyn Fn(&mut File, &[u8]) -> io::Result<()> + Sync + 'w;

/// Whether `file` holds exactly `expected`, read in chunks: a size check
/// first, so a differing file usually costs one `stat`.
fn holds(mut file: File, expected: &[u8]) -> bool {
    if file.metadata().map(|m| m.len()).ok() != Some(expected.len() as u64) {
        return false;
    }
    let mut buffer = vec![0; expected.len().clamp(1, 1 << 20)];
    let mut rest = expected;
    loop {
        match file.read(&mut buffer) {
            Ok(0) => return rest.is_empty(),
            Ok(n) if n <= rest.len() && buffer[..n] == rest[..n] => rest = &rest[n..],
            Ok(_) | Err(_) => return false,
        }
    }
}
