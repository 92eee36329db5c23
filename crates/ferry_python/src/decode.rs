//! Bytes → text, the way CPython reads a source file.
//!
//! CPython accepts UTF-8 with or without a byte-order mark, or any
//! ASCII-compatible codec named by a PEP 263 coding cookie on line 1 or 2.
//! Ferry must write a fixed file back in the same encoding, byte for byte
//! outside its edits, so [`decode`] only accepts sources that survive the
//! round trip `encode(decode(bytes)) == bytes`; anything else is a per-file
//! error with a reason, never a lossy guess.

use std::borrow::Cow;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// How a file's bytes map to text, kept so the file can be written back as it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceEncoding {
    /// UTF-8, with or without a leading byte-order mark.
    Utf8 { bom: bool },
    /// An ASCII-compatible legacy codec named by a coding cookie (e.g. `latin-1`).
    Legacy(&'static encoding_rs::Encoding),
}

/// A decoded source file. `text` never includes the byte-order mark.
#[derive(Debug)]
pub struct DecodedSource<'a> {
    pub text: Cow<'a, str>,
    pub encoding: SourceEncoding,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("invalid UTF-8 at line {line} (byte offset {offset}) and no coding cookie")]
    InvalidUtf8 { line: usize, offset: usize },
    #[error("unknown encoding `{0}` in coding cookie")]
    UnknownEncoding(String),
    #[error("encoding `{0}` is not ASCII-compatible; Python cannot read source in it")]
    IncompatibleEncoding(String),
    #[error("file starts with a UTF-16 byte-order mark; Python source must be UTF-8 or an ASCII-compatible encoding")]
    Utf16,
    #[error("bytes are not valid `{encoding}` (declared by the coding cookie) near line {line}")]
    InvalidForEncoding { encoding: String, line: usize },
    #[error("file has a UTF-8 byte-order mark but its coding cookie says `{0}`")]
    BomCookieMismatch(String),
    #[error("file contains a NUL byte at line {line}; Python refuses such source")]
    NulByte { line: usize },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("the new text cannot be represented in `{encoding}`")]
pub struct EncodeError {
    pub encoding: String,
}

impl SourceEncoding {
    /// A short human name, e.g. `utf-8`, `utf-8-sig`, `windows-1252`.
    pub fn name(&self) -> &'static str {
        match self {
            SourceEncoding::Utf8 { bom: false } => "utf-8",
            SourceEncoding::Utf8 { bom: true } => "utf-8-sig",
            SourceEncoding::Legacy(encoding) => encoding.name(),
        }
    }

    /// Encodes text back into this encoding (adding the BOM if the original had one).
    pub fn encode(&self, text: &str) -> Result<Vec<u8>, EncodeError> {
        match self {
            SourceEncoding::Utf8 { bom } => {
                let mut out = Vec::with_capacity(text.len() + 3);
                if *bom {
                    out.extend_from_slice(UTF8_BOM);
                }
                out.extend_from_slice(text.as_bytes());
                Ok(out)
            }
            SourceEncoding::Legacy(encoding) => {
                let (bytes, _, had_errors) = encoding.encode(text);
                if had_errors {
                    return Err(EncodeError {
                        encoding: encoding.name().to_string(),
                    });
                }
                Ok(bytes.into_owned())
            }
        }
    }
}

/// Decodes Python source bytes following CPython's rules (BOM, PEP 263 cookie).
pub fn decode(bytes: &[u8]) -> Result<DecodedSource<'_>, DecodeError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(DecodeError::Utf16);
    }
    if let Some(pos) = memchr::memchr(0, bytes) {
        return Err(DecodeError::NulByte {
            line: line_of(bytes, pos),
        });
    }
    let (bom, body) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    let cookie = coding_cookie(body);
    let legacy = match cookie {
        None => None,
        Some(name) => resolve_codec(name)?,
    };
    match legacy {
        None => match std::str::from_utf8(body) {
            Ok(text) => Ok(DecodedSource {
                text: Cow::Borrowed(text),
                encoding: SourceEncoding::Utf8 { bom },
            }),
            Err(err) => Err(DecodeError::InvalidUtf8 {
                line: line_of(body, err.valid_up_to()),
                offset: err.valid_up_to() + if bom { 3 } else { 0 },
            }),
        },
        Some(_) if bom => Err(DecodeError::BomCookieMismatch(
            cookie.unwrap_or_default().to_string(),
        )),
        Some(encoding) => {
            let (text, had_errors) = encoding.decode_without_bom_handling(body);
            let invalid = |line| DecodeError::InvalidForEncoding {
                encoding: encoding.name().to_string(),
                line,
            };
            if had_errors {
                let line = text
                    .find('\u{FFFD}')
                    .map_or(1, |pos| 1 + text[..pos].matches('\n').count());
                return Err(invalid(line));
            }
            // Only accept text we can write back byte for byte.
            let (back, _, back_errors) = encoding.encode(&text);
            if back_errors || back.as_ref() != body {
                let first_diff = back
                    .iter()
                    .zip(body)
                    .position(|(a, b)| a != b)
                    .unwrap_or(back.len().min(body.len()));
                return Err(invalid(line_of(body, first_diff)));
            }
            Ok(DecodedSource {
                text: Cow::Owned(text.into_owned()),
                encoding: SourceEncoding::Legacy(encoding),
            })
        }
    }
}

/// 1-based line number of a byte offset.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    1 + memchr::memchr_iter(b'\n', &bytes[..offset.min(bytes.len())]).count()
}

/// The codec named by a PEP 263 cookie (`# -*- coding: latin-1 -*-`) on line 1,
/// or on line 2 when line 1 is blank or a comment, as CPython looks for it.
fn coding_cookie(bytes: &[u8]) -> Option<&str> {
    let mut lines = bytes.split(|&b| b == b'\n').take(2);
    let first = lines.next()?;
    if let Some(name) = cookie_in_line(first) {
        return Some(name);
    }
    let first_trimmed = trim_ascii_start(first);
    let first_is_comment_or_blank = first_trimmed.is_empty()
        || first_trimmed.starts_with(b"#")
        || first_trimmed.iter().all(u8::is_ascii_whitespace);
    if first_is_comment_or_blank {
        return lines.next().and_then(cookie_in_line);
    }
    None
}

fn trim_ascii_start(line: &[u8]) -> &[u8] {
    let start = line
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\x0c'))
        .unwrap_or(line.len());
    &line[start..]
}

/// Matches CPython's `^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)`.
fn cookie_in_line(line: &[u8]) -> Option<&str> {
    let rest = trim_ascii_start(line).strip_prefix(b"#")?;
    let mut search = rest;
    while let Some(pos) = memchr::memmem::find(search, b"coding") {
        let after = &search[pos + b"coding".len()..];
        if let Some(value) = after
            .strip_prefix(b":")
            .or_else(|| after.strip_prefix(b"="))
        {
            let value = trim_ascii_start(value);
            let end = value
                .iter()
                .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')))
                .unwrap_or(value.len());
            if end > 0 {
                return std::str::from_utf8(&value[..end]).ok();
            }
        }
        search = after;
    }
    None
}

/// Maps a Python codec name to an encoding. `Ok(None)` means UTF-8.
fn resolve_codec(name: &str) -> Result<Option<&'static encoding_rs::Encoding>, DecodeError> {
    let lower = name.to_ascii_lowercase();
    let dashed = lower.replace('_', "-");
    // CPython's own normalisation (tokenizer.c get_normal_name) plus its codec aliases.
    if dashed == "utf-8" || dashed.starts_with("utf-8-") || dashed == "utf8" {
        return Ok(None);
    }
    let alias = match dashed.as_str() {
        "latin-1" | "iso-latin-1" | "latin1" | "l1" | "iso-8859-1" | "iso8859-1" | "8859"
        | "cp819" | "latin" => "iso-8859-1",
        "ascii" | "us-ascii" | "646" => "us-ascii",
        other => other,
    };
    let encoding = encoding_rs::Encoding::for_label(alias.as_bytes())
        .or_else(|| encoding_rs::Encoding::for_label(lower.as_bytes()))
        .ok_or_else(|| DecodeError::UnknownEncoding(name.to_string()))?;
    if encoding == encoding_rs::UTF_8 {
        return Ok(None);
    }
    if encoding == encoding_rs::UTF_16LE
        || encoding == encoding_rs::UTF_16BE
        || encoding == encoding_rs::REPLACEMENT
        || encoding == encoding_rs::ISO_2022_JP
    {
        return Err(DecodeError::IncompatibleEncoding(name.to_string()));
    }
    Ok(Some(encoding))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_utf8_is_borrowed() {
        let src = decode(b"x = 1\n").unwrap();
        assert!(matches!(src.text, Cow::Borrowed("x = 1\n")));
        assert_eq!(src.encoding, SourceEncoding::Utf8 { bom: false });
    }

    #[test]
    fn bom_is_stripped_and_remembered() {
        let src = decode(b"\xEF\xBB\xBFx = 1\n").unwrap();
        assert_eq!(src.text, "x = 1\n");
        assert_eq!(src.encoding, SourceEncoding::Utf8 { bom: true });
        assert_eq!(
            src.encoding.encode(&src.text).unwrap(),
            b"\xEF\xBB\xBFx = 1\n"
        );
    }

    #[test]
    fn latin1_cookie_round_trips() {
        let bytes = b"# -*- coding: latin-1 -*-\ns = '\xe9t\xe9'\n";
        let src = decode(bytes).unwrap();
        assert_eq!(src.text, "# -*- coding: latin-1 -*-\ns = '\u{e9}t\u{e9}'\n");
        assert_eq!(src.encoding.encode(&src.text).unwrap(), bytes);
    }

    #[test]
    fn cookie_on_second_line_after_shebang() {
        let bytes = b"#!/usr/bin/env python\n# vim: set fileencoding=iso-8859-15 :\nx = '\xa4'\n";
        let src = decode(bytes).unwrap();
        assert_eq!(src.encoding.name(), "ISO-8859-15");
        assert!(src.text.contains('\u{20ac}'));
    }

    #[test]
    fn cookie_on_second_line_after_code_is_ignored() {
        let err = decode(b"x = 1\n# coding: latin-1\ny = '\xe9'\n").unwrap_err();
        assert_eq!(
            err,
            DecodeError::InvalidUtf8 {
                line: 3,
                offset: 29
            }
        );
    }

    #[test]
    fn utf8_cookie_variants_mean_utf8() {
        for cookie in ["utf-8", "UTF8", "utf_8", "utf-8-unix"] {
            let text = format!("# coding: {cookie}\nx = 1\n");
            let src = decode(text.as_bytes()).unwrap();
            assert_eq!(
                src.encoding,
                SourceEncoding::Utf8 { bom: false },
                "{cookie}"
            );
        }
    }

    #[test]
    fn errors_name_the_reason() {
        assert_eq!(
            decode(b"# coding: klingon\n").unwrap_err(),
            DecodeError::UnknownEncoding("klingon".into())
        );
        assert_eq!(
            decode(b"# coding: utf-16\n").unwrap_err(),
            DecodeError::IncompatibleEncoding("utf-16".into())
        );
        assert_eq!(decode(b"\xFF\xFEx\x00").unwrap_err(), DecodeError::Utf16);
        assert_eq!(
            decode(b"x = 1\ny = 2\x00\n").unwrap_err(),
            DecodeError::NulByte { line: 2 }
        );
        assert_eq!(
            decode(b"\xEF\xBB\xBF# coding: latin-1\n").unwrap_err(),
            DecodeError::BomCookieMismatch("latin-1".into())
        );
    }

    #[test]
    fn unencodable_text_is_an_error() {
        let src = decode(b"# coding: latin-1\nx = 1\n").unwrap();
        assert!(src.encoding.encode("x = '\u{4e2d}'\n").is_err());
    }
}
