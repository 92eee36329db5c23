//! Reading a file only as far as the prefilter needs.
//!
//! Most files of a tree hold none of the packs' words. Such a file is read
//! piece by piece into one buffer per thread, as `grep` does, and never as
//! a whole: a `Vec` the size of each file (4 MB for the largest of the
//! benchmark's) made glibc hand out buffers of every size from the threads'
//! heaps, between the few allocations that live on, and the heaps grew
//! with the number of files read rather than with what was reported. Only
//! a file with a word is read whole, from the start again.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use ferry_engine::Prefilter;

/// How much of a file is searched at a time: a typical source file in one
/// read, and a buffer that stays in the CPU's cache.
const PIECE: usize = 64 * 1024;

thread_local! {
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The content of `path` if it has one of `words`' words (or is in an
/// encoding that hides them), `None` if it has none.
pub(crate) fn read_candidate(path: &Path, words: &Prefilter) -> io::Result<Option<Vec<u8>>> {
    let mut file = File::open(path)?;
    BUFFER.with(|buffer| read_candidate_from(&mut file, words, PIECE, &mut buffer.borrow_mut()))
}

/// [`read_candidate`] with the pieces' size and buffer given. The first
/// piece holds at least [`Prefilter::HEAD`] bytes, where the encodings that
/// hide the words show.
fn read_candidate_from<R: Read + Seek>(
    file: &mut R,
    words: &Prefilter,
    piece: usize,
    buffer: &mut Vec<u8>,
) -> io::Result<Option<Vec<u8>>> {
    let seam = words.seam();
    let first = piece.max(Prefilter::HEAD);
    buffer.resize(first.max(seam + piece), 0);
    let mut filled = fill(file, &mut buffer[..first])?;
    let mut at_end = filled < first;
    let head = &buffer[..filled.min(Prefilter::HEAD)];
    let mut found =
        words.head_hides_words(head) || words.has_word_in_piece(&buffer[..filled], true, at_end);
    while !found && !at_end {
        // The end of this piece starts the next, for a word across the seam.
        let kept = seam.min(filled);
        buffer.copy_within(filled - kept..filled, 0);
        let read = fill(file, &mut buffer[kept..kept + piece])?;
        filled = kept + read;
        at_end = read < piece;
        found = words.has_word_in_piece(&buffer[..filled], false, at_end);
    }
    if !found {
        return Ok(None);
    }
    if at_end && filled == file.stream_position()? as usize {
        // The whole file is in the buffer already.
        return Ok(Some(buffer[..filled].to_vec()));
    }
    file.seek(SeekFrom::Start(0))?;
    let mut whole = Vec::new();
    file.read_to_end(&mut whole)?;
    Ok(Some(whole))
}

/// Reads until `buffer` is full or the file ends; how many bytes were read.
fn fill<R: Read>(file: &mut R, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use ferry_engine::Pack;
    use proptest::prelude::*;

    use super::*;

    fn words() -> Prefilter {
        static PACK: Pack = Pack {
            name: "test",
            summary: "",
            library: "websockets",
            rules: &[],
            triggers: &["websockets"],
            mention_words: &["extra_headers"],
            packages: &["websockets"],
            migration: None,
            probe: None,
            gate: ferry_engine::RuleGate::new(),
        };
        Prefilter::new(&[&PACK])
    }

    fn read(content: &[u8], piece: usize) -> Option<Vec<u8>> {
        let mut buffer = Vec::new();
        read_candidate_from(&mut Cursor::new(content), &words(), piece, &mut buffer).unwrap()
    }

    #[test]
    fn a_file_without_words_is_not_kept() {
        let content = b"import os\n".repeat(20_000);
        assert_eq!(read(&content, PIECE), None);
    }

    #[test]
    fn a_file_with_a_word_is_read_whole() {
        let mut content = b"import os\n".repeat(20_000);
        content.extend_from_slice(b"import websockets\n");
        content.extend_from_slice(&b"x = 1\n".repeat(20_000));
        assert_eq!(read(&content, PIECE), Some(content.clone()));
        let mut last = vec![b' '; PIECE + 100];
        last.extend_from_slice(b"import websockets\n");
        assert_eq!(read(&last, PIECE), Some(last.clone()));
        let small = b"import websockets\n".to_vec();
        assert_eq!(read(&small, PIECE), Some(small.clone()));
    }

    #[test]
    fn a_word_across_the_seam_is_found() {
        for offset in 1.."extra_headers".len() {
            let mut content = vec![b' '; PIECE - offset];
            content.extend_from_slice(b"extra_headers=h\n");
            content.extend_from_slice(&vec![b' '; PIECE]);
            assert_eq!(
                read(&content, PIECE),
                Some(content.clone()),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn a_nul_byte_at_the_start_makes_a_candidate_and_later_does_not() {
        let mut early = vec![b' '; 100];
        early[50] = 0;
        assert!(read(&early, PIECE).is_some());
        let mut late = vec![b' '; Prefilter::HEAD + 100];
        late[Prefilter::HEAD + 50] = 0;
        assert_eq!(read(&late, 16), None);
        assert!(read(b"\xFF\xFEi\0m\0", PIECE).is_some());
    }

    proptest! {
        /// Pieces of any size find what a search of the whole file finds.
        /// Words are rare, and made of parts, so that some fall across a seam.
        #[test]
        fn pieces_agree_with_the_whole_file(
            parts in proptest::collection::vec(
                prop_oneof![
                    8 => Just("x = 1  # a comment of some length, to pass the head\n"),
                    8 => Just(" "),
                    1 => Just("web"),
                    1 => Just("sockets"),
                    1 => Just("extra_"),
                    1 => Just("headers"),
                ],
                0..400,
            ),
            nul in proptest::option::of(0usize..9_000),
            piece in 1usize..64,
        ) {
            let mut content = parts.concat().into_bytes();
            if let Some(at) = nul.filter(|at| *at < content.len()) {
                content[at] = 0;
            }
            let expected = words().is_candidate(&content).then(|| content.clone());
            prop_assert_eq!(read(&content, piece), expected);
        }
    }
}
