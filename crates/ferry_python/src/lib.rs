//! Everything Ferry knows about Python source text, and nothing about rules.
//!
//! The pipeline for one file is: raw bytes → [`decode`] (BOM, PEP 263 cookie) →
//! [`parse`] (ruff's parser; syntax errors are data, never a panic) → a
//! [`SemanticModel`] that answers "what does this name or attribute chain refer
//! to here?" through imports, aliases and scopes, plus [`trivia`] (comments,
//! strings, docstrings) and a [`LineIndex`] for 1-based positions.

pub mod decode;
pub mod line_index;
pub mod names;
pub mod parse;
pub mod semantic;
pub mod trivia;

pub use decode::{decode, DecodeError, DecodedSource, SourceEncoding};
pub use line_index::{LineIndex, SourceLocation};
pub use names::NameFacts;
pub use parse::{parse, ParsedModule, SyntaxError};
pub use semantic::{BindingKind, Origin, QualifiedName, Resolution, SemanticModel};
pub use trivia::{find_code_uses, find_mentions, Mention, MentionKind};

pub use ruff_python_ast as ast;
pub use ruff_text_size::{Ranged, TextRange, TextSize};
