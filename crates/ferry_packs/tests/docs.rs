//! The examples of `docs/packs.md` are true: every fenced TOML block is
//! marked with what it is, and is checked as that.
//!
//! - ```` ```toml pack ````: a complete pack, which parses;
//! - ```` ```toml rules ````: `[[rules]]` tables, which parse when added to
//!   the doc's first complete pack;
//! - ```` ```toml pack-error ````: a complete pack that fails, with what
//!   `ferry pack check pack.toml` prints in the ```` ```text ```` block
//!   right after it;
//! - ```` ```toml ferry.toml ```` and ```` ```toml fragment ````: other TOML
//!   (a configuration, an editor's), which must at least be TOML.

use std::path::{Path, PathBuf};

use ferry_packs::{parse_pack, Kind, PackError};

/// A fenced block of the doc: its info string, its text, the line of its fence.
struct Block {
    info: String,
    text: String,
    line: usize,
}

fn doc() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/packs.md");
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// The fenced blocks of a Markdown text, also those indented in a list item
/// (their indentation is removed).
fn blocks(markdown: &str) -> Vec<Block> {
    let mut found = Vec::new();
    let mut open: Option<(usize, Block)> = None;
    for (index, line) in markdown.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim_start();
        match &mut open {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    let block = Block {
                        info: info.trim().to_string(),
                        text: String::new(),
                        line: index + 1,
                    };
                    open = Some((indent, block));
                }
            }
            Some((fence_indent, block)) => {
                if trimmed == "```" {
                    let (_, block) = open.take().expect("a block is open");
                    found.push(block);
                } else {
                    let cut = indent.min(*fence_indent);
                    block.text.push_str(&line[cut..]);
                    block.text.push('\n');
                }
            }
        }
    }
    assert!(
        open.is_none(),
        "docs/packs.md: a fenced block is not closed"
    );
    found
}

fn kind_names(spec: &ferry_packs::PackSpec) -> Vec<&'static str> {
    spec.rules
        .iter()
        .map(|rule| match rule.kind {
            Kind::FlagName { .. } => "flag names",
            Kind::FlagKeyword { .. } => "flag keyword",
            _ => rule.kind.as_str(),
        })
        .collect()
}

#[test]
fn every_toml_example_of_the_pack_doc_is_true() {
    let doc = doc();
    let blocks = blocks(&doc);
    let base = blocks
        .iter()
        .find(|b| b.info == "toml pack")
        .expect("docs/packs.md has a complete pack (```toml pack)");
    let base_spec =
        parse_pack(&base.text).unwrap_or_else(|err| panic!("docs/packs.md:{}: {err:?}", base.line));
    let mut checked = 0;
    // The kinds the examples show, and whether `rename-attribute` is one.
    let mut shown: Vec<&'static str> = kind_names(&base_spec);
    let mut shows_rename_attribute = false;
    for (index, block) in blocks.iter().enumerate() {
        let at = format!("docs/packs.md:{}", block.line);
        match block.info.as_str() {
            "toml pack" => {
                let spec = parse_pack(&block.text).unwrap_or_else(|err| panic!("{at}: {err:?}"));
                shown.extend(kind_names(&spec));
            }
            "toml rules" => {
                let tables = block
                    .text
                    .lines()
                    .filter(|l| l.trim() == "[[rules]]")
                    .count();
                assert!(tables > 0, "{at}: a `rules` block holds `[[rules]]` tables");
                let text = format!("{}\n{}", base.text, block.text);
                let spec = parse_pack(&text).unwrap_or_else(|err| {
                    panic!("{at}: added to the first pack: {err:?}")
                });
                assert_eq!(spec.rules.len(), base_spec.rules.len() + tables, "{at}");
                shown.extend(kind_names(&spec).split_off(base_spec.rules.len()));
                shows_rename_attribute |= block.text.contains("kind = \"rename-attribute\"");
            }
            "toml pack-error" => {
                let err = parse_pack(&block.text)
                    .expect_err(&format!("{at}: a `pack-error` example must fail"));
                let shown = PackError::Invalid {
                    file: PathBuf::from("pack.toml"),
                    line: err.line,
                    message: err.message,
                };
                let printed = format!("error: {shown}");
                let next = blocks
                    .get(index + 1)
                    .filter(|b| b.info == "text")
                    .unwrap_or_else(|| {
                        panic!("{at}: a `pack-error` example is followed by a ```text block with the error")
                    });
                assert_eq!(
                    next.text.trim_end(),
                    printed,
                    "{at}: the error shown at docs/packs.md:{} is not what `ferry pack check` prints",
                    next.line
                );
            }
            "toml ferry.toml" | "toml fragment" => {
                block
                    .text
                    .parse::<toml::Table>()
                    .unwrap_or_else(|err| panic!("{at}: not TOML: {err}"));
            }
            info if info.starts_with("toml") => panic!(
                "{at}: mark the TOML block as `toml pack`, `toml rules`, `toml pack-error`, `toml ferry.toml` or `toml fragment`, so this test checks it"
            ),
            _ => continue,
        }
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} TOML examples found");
    // Every kind has an example, and `flag` both of its forms.
    for kind in ferry_packs::format::KINDS {
        let has = match *kind {
            "flag" => shown.contains(&"flag names") && shown.contains(&"flag keyword"),
            "rename-attribute" => shows_rename_attribute,
            other => shown.contains(&other),
        };
        assert!(has, "docs/packs.md has no example of a `{kind}` rule");
    }
}

/// The keys a table of the pack file takes, as the parser's `unknown field`
/// error lists them.
fn accepted_keys(text: &str) -> Vec<String> {
    let err = parse_pack(text).expect_err("an unknown key is an error");
    let (_, expected) = err
        .message
        .split_once("expected")
        .unwrap_or_else(|| panic!("no list of expected keys in: {}", err.message));
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn the_doc_names_every_key_the_parser_accepts() {
    let doc = doc();
    let base = blocks(&doc)
        .into_iter()
        .find(|b| b.info == "toml pack")
        .expect("a complete pack");
    let rule_keys = accepted_keys(&base.text.replacen(
        "kind = \"rename-keyword\"",
        "kind = \"rename-keyword\"\nnot-a-key = 1",
        1,
    ));
    let library_keys = accepted_keys(&base.text.replacen(
        "[library]",
        "[library]\nnot-a-key = 1",
        1,
    ));
    let top_keys = accepted_keys(&format!("not-a-key = 1\n{}", base.text));
    assert!(
        rule_keys.contains(&"callables".to_string()),
        "{rule_keys:?}"
    );
    assert!(
        library_keys.contains(&"breaking".to_string()),
        "{library_keys:?}"
    );
    assert!(top_keys.contains(&"prefix".to_string()), "{top_keys:?}");
    // A key is a row of a table, or one of a kind's keys (`callables`, ...),
    // which the section on the kinds describes.
    let (_, kinds) = doc
        .split_once("## The kinds")
        .expect("docs/packs.md has a section on the kinds");
    for key in rule_keys.iter().chain(&library_keys).chain(&top_keys) {
        assert!(
            doc.contains(&format!("| `{key}` |")) || kinds.contains(&format!("`{key}`")),
            "docs/packs.md does not describe the key `{key}`"
        );
    }
}
