//! What the project declares it needs, read just well enough for `ferry
//! doctor` to say whether the declaration and the installed version agree:
//! dependency lines naming the library in `requirements*.txt` and in
//! `pyproject.toml` (PEP 621 strings such as `"websockets>=12,<14"`, and
//! Poetry's `websockets = "^12.0"`). Everything goes through
//! [`check_requirements`], so a fuller reading of versions can replace this
//! one behind it.

use std::cmp::Ordering;
use std::path::Path;

use serde::Serialize;

/// One line of the project that names the library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeclaredRequirement {
    /// The file, relative to the project root.
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// The requirement as written, e.g. `websockets>=10.4,<14`.
    pub text: String,
    /// The version constraints; `None` when they cannot be read (a URL, an
    /// operator this reader does not know).
    #[serde(skip)]
    constraints: Option<Vec<Constraint>>,
}

impl DeclaredRequirement {
    /// Whether `version` satisfies the declaration; `None`: cannot tell.
    pub fn allows(&self, version: &str) -> Option<bool> {
        let version = Release::parse(version)?;
        let constraints = self.constraints.as_ref()?;
        constraints
            .iter()
            .map(|c| c.allows(&version))
            .try_fold(true, |all, ok| Some(all && ok?))
    }
}

/// A declaration checked against the installed version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequirementCheck {
    #[serde(flatten)]
    pub requirement: DeclaredRequirement,
    /// `Some(true)`: the installed version satisfies it; `Some(false)`: it
    /// does not, or nothing is installed; `None`: cannot tell.
    pub agrees: Option<bool>,
}

/// The project's declarations of `library` and whether `installed` meets each.
pub fn check_requirements(
    root: &Path,
    library: &str,
    installed: Option<&str>,
) -> Vec<RequirementCheck> {
    declared_requirements(root, library)
        .into_iter()
        .map(|requirement| RequirementCheck {
            agrees: match installed {
                None => Some(false),
                Some(version) => requirement.allows(version),
            },
            requirement,
        })
        .collect()
}

/// Every line naming `library` in `requirements*.txt` and `pyproject.toml`
/// at `root`, sorted by file and line.
fn declared_requirements(root: &Path, library: &str) -> Vec<DeclaredRequirement> {
    let mut files: Vec<String> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| {
            name == "pyproject.toml" || (name.starts_with("requirements") && name.ends_with(".txt"))
        })
        .collect();
    files.sort();
    let mut found = Vec::new();
    for name in files {
        let Ok(text) = std::fs::read_to_string(root.join(&name)) else {
            continue;
        };
        let pyproject = name == "pyproject.toml";
        for (index, line) in text.lines().enumerate() {
            let parsed = if pyproject {
                pyproject_line(line, library)
            } else {
                requirements_line(line, library)
            };
            if let Some((text, constraints)) = parsed {
                found.push(DeclaredRequirement {
                    file: name.clone(),
                    line: index + 1,
                    text,
                    constraints,
                });
            }
        }
    }
    found
}

type Parsed = (String, Option<Vec<Constraint>>);

/// A `requirements.txt` line: a PEP 508 requirement, a comment, or an option.
fn requirements_line(line: &str, library: &str) -> Option<Parsed> {
    let line = strip_comment(line).trim();
    if line.starts_with('-') {
        return None;
    }
    pep508(line, library).map(|constraints| (line.to_string(), constraints))
}

/// A `pyproject.toml` line: PEP 508 strings in a list, or Poetry's
/// `library = "^1.2"` / `library = { version = "^1.2", … }`.
fn pyproject_line(line: &str, library: &str) -> Option<Parsed> {
    let line = strip_comment(line).trim();
    for quoted in quoted_strings(line) {
        if let Some(constraints) = pep508(quoted, library) {
            return Some((quoted.to_string(), constraints));
        }
    }
    let (key, value) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    if normalize(key) != normalize(library) {
        return None;
    }
    let value = value.trim();
    let version = if value.starts_with('{') {
        let after = value.split_once("version")?.1;
        quoted_strings(after.trim_start().strip_prefix('=')?)
            .into_iter()
            .next()?
    } else {
        quoted_strings(value).into_iter().next()?
    };
    Some((line.to_string(), poetry(version)))
}

fn strip_comment(line: &str) -> &str {
    match line.find('#') {
        Some(0) => "",
        Some(at) if line[..at].ends_with(char::is_whitespace) => &line[..at],
        _ => line,
    }
}

fn quoted_strings(text: &str) -> Vec<&str> {
    let mut strings = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(['"', '\'']) {
        let quote = rest[start..].chars().next().expect("found a quote");
        let after = &rest[start + 1..];
        let Some(end) = after.find(quote) else { break };
        strings.push(&after[..end]);
        rest = &after[end + 1..];
    }
    strings
}

/// PEP 503 name normalisation: case and runs of `-`, `_`, `.` do not matter.
fn normalize(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// A PEP 508 requirement naming `library`: `Some(constraints)`, where
/// `Some(vec![])` means any version and `None` unreadable ones.
fn pep508(text: &str, library: &str) -> Option<Option<Vec<Constraint>>> {
    let name_end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(text.len());
    if name_end == 0 || normalize(&text[..name_end]) != normalize(library) {
        return None;
    }
    let mut rest = text[name_end..].trim_start();
    if rest.starts_with('[') {
        rest = rest[rest.find(']')? + 1..].trim_start();
    }
    if rest.starts_with('@') {
        return Some(None);
    }
    let rest = rest.split(';').next().unwrap_or_default().trim();
    let rest = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or(rest);
    if !rest.is_empty() && !rest.starts_with(['<', '>', '=', '!', '~']) {
        // Another name that merely starts with the library's (`websockets-proxy`).
        return None;
    }
    Some(
        rest.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Constraint::parse)
            .collect(),
    )
}

/// Poetry's constraint syntax: `^1.2`, `~1.2`, `*`, a bare version, or PEP 440 operators.
fn poetry(text: &str) -> Option<Vec<Constraint>> {
    let text = text.trim();
    if text == "*" {
        return Some(Vec::new());
    }
    text.split(',')
        .map(str::trim)
        .map(|part| {
            if part.starts_with(|c: char| c.is_ascii_digit()) {
                Constraint::parse(&format!("=={part}"))
            } else if let Some(v) = part.strip_prefix('^') {
                Constraint::new(Op::Caret, v)
            } else if let Some(v) = part.strip_prefix('~').filter(|v| !v.starts_with('=')) {
                Constraint::new(Op::Tilde, v)
            } else {
                Constraint::parse(part)
            }
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Equal,
    NotEqual,
    AtLeast,
    AtMost,
    Above,
    Below,
    /// `~=`: PEP 440's compatible release.
    Compatible,
    /// Poetry's `^`: same first non-zero part.
    Caret,
    /// Poetry's `~`: same major and minor (or major only, if that is all given).
    Tilde,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Constraint {
    op: Op,
    version: Release,
    /// `==1.2.*`
    wildcard: bool,
}

impl Constraint {
    fn new(op: Op, version: &str) -> Option<Self> {
        let (version, wildcard) = match version.trim().strip_suffix(".*") {
            Some(prefix) => (prefix, true),
            None => (version.trim(), false),
        };
        Some(Self {
            op,
            version: Release::parse(version)?,
            wildcard,
        })
    }

    fn parse(text: &str) -> Option<Self> {
        const OPS: &[(&str, Op)] = &[
            ("===", Op::Equal),
            ("==", Op::Equal),
            ("!=", Op::NotEqual),
            ("~=", Op::Compatible),
            (">=", Op::AtLeast),
            ("<=", Op::AtMost),
            (">", Op::Above),
            ("<", Op::Below),
        ];
        let (op, rest) = OPS
            .iter()
            .find_map(|(s, op)| text.strip_prefix(s).map(|rest| (*op, rest)))?;
        Self::new(op, rest)
    }

    fn allows(&self, v: &Release) -> Option<bool> {
        let c = &self.version;
        Some(match self.op {
            Op::Equal if self.wildcard => v.starts_with(c),
            Op::Equal => v.cmp(c) == Ordering::Equal,
            Op::NotEqual if self.wildcard => !v.starts_with(c),
            Op::NotEqual => v.cmp(c) != Ordering::Equal,
            Op::AtLeast => v >= c,
            Op::AtMost => v <= c,
            Op::Above => v > c,
            Op::Below => v < c,
            Op::Compatible => {
                if c.parts.len() < 2 {
                    return None;
                }
                v >= c && v.starts_with(&c.truncated(c.parts.len() - 1))
            }
            Op::Caret => {
                let significant = c
                    .parts
                    .iter()
                    .position(|&p| p != 0)
                    .unwrap_or(c.parts.len() - 1);
                v >= c && v.starts_with(&c.truncated(significant + 1))
            }
            Op::Tilde => {
                let kept = if c.parts.len() >= 2 { 2 } else { 1 };
                v >= c && v.starts_with(&c.truncated(kept))
            }
        })
    }
}

/// A version's release numbers, and whether it is a pre-release (`14.0rc1`).
/// Enough to compare against the constraints above; not all of PEP 440.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Release {
    parts: Vec<u64>,
    pre: bool,
}

impl Release {
    fn parse(text: &str) -> Option<Self> {
        let text = text.trim().trim_start_matches(['v', 'V']);
        let text = text.split_once('!').map_or(text, |(_, rest)| rest);
        let mut parts = Vec::new();
        let mut rest = text;
        loop {
            let digits = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            if digits == 0 {
                break;
            }
            parts.push(rest[..digits].parse().ok()?);
            rest = &rest[digits..];
            match rest.strip_prefix('.') {
                Some(after) if after.starts_with(|c: char| c.is_ascii_digit()) => rest = after,
                _ => break,
            }
        }
        if parts.is_empty() {
            return None;
        }
        let suffix = rest
            .trim_start_matches(['.', '-', '_'])
            .to_ascii_lowercase();
        let pre = [
            "a", "b", "c", "rc", "alpha", "beta", "pre", "preview", "dev",
        ]
        .iter()
        .any(|p| suffix.starts_with(p));
        Some(Self { parts, pre })
    }

    fn part(&self, i: usize) -> u64 {
        self.parts.get(i).copied().unwrap_or(0)
    }

    fn starts_with(&self, prefix: &Release) -> bool {
        (0..prefix.parts.len()).all(|i| self.part(i) == prefix.part(i))
    }

    fn truncated(&self, len: usize) -> Release {
        Release {
            parts: self.parts[..len.min(self.parts.len())].to_vec(),
            pre: false,
        }
    }
}

impl PartialOrd for Release {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Release {
    fn cmp(&self, other: &Self) -> Ordering {
        let len = self.parts.len().max(other.parts.len());
        (0..len)
            .map(|i| self.part(i).cmp(&other.part(i)))
            .find(|o| o.is_ne())
            // A pre-release comes before its release.
            .unwrap_or_else(|| other.pre.cmp(&self.pre))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(requirement: &str, version: &str) -> Option<bool> {
        let (text, constraints) = requirements_line(requirement, "websockets")?;
        DeclaredRequirement {
            file: String::new(),
            line: 1,
            text,
            constraints,
        }
        .allows(version)
    }

    #[test]
    fn pep440_operators() {
        assert_eq!(allows("websockets>=10.4", "15.0.1"), Some(true));
        assert_eq!(allows("websockets>=10.4,<14", "15.0.1"), Some(false));
        assert_eq!(allows("websockets>=10.4,<14", "13.1"), Some(true));
        assert_eq!(allows("websockets==13.1", "13.1.0"), Some(true));
        assert_eq!(allows("websockets==13.*", "13.1"), Some(true));
        assert_eq!(allows("websockets==13.*", "14.0"), Some(false));
        assert_eq!(allows("websockets~=13.0", "13.1"), Some(true));
        assert_eq!(allows("websockets~=13.0", "14.0"), Some(false));
        assert_eq!(allows("websockets!=14.0", "14.0"), Some(false));
        assert_eq!(
            allows("websockets<14", "14.0rc1"),
            Some(true),
            "pre-release sorts first"
        );
        assert_eq!(allows("websockets", "15.0.1"), Some(true));
        assert_eq!(
            allows("Websockets[extra] >= 12 ; python_version >= '3.8'", "11.0"),
            Some(false)
        );
        assert_eq!(
            allows("websockets @ https://example.invalid/w.whl", "15.0"),
            None
        );
        assert_eq!(
            allows("websockets-proxy>=1", "15.0"),
            None,
            "another package"
        );
        assert_eq!(allows("# websockets<14", "15.0"), None, "a comment");
        assert_eq!(allows("-r other.txt", "15.0"), None);
    }

    #[test]
    fn pyproject_pep621_and_poetry_lines() {
        let line = |l: &str| pyproject_line(l, "websockets");
        let (text, constraints) =
            line(r#"dependencies = ["aiohttp>=3", "websockets>=12,<14"]"#).unwrap();
        assert_eq!(text, "websockets>=12,<14");
        assert_eq!(constraints.unwrap().len(), 2);
        let check = |l: &str, v: &str| {
            let (text, constraints) = line(l).unwrap();
            DeclaredRequirement {
                file: String::new(),
                line: 1,
                text,
                constraints,
            }
            .allows(v)
        };
        assert_eq!(check(r#"websockets = "^12.0""#, "12.5"), Some(true));
        assert_eq!(check(r#"websockets = "^12.0""#, "13.0"), Some(false));
        assert_eq!(check(r#"websockets = "~13.1""#, "13.1.5"), Some(true));
        assert_eq!(check(r#"websockets = "~13.1""#, "13.2"), Some(false));
        assert_eq!(
            check(
                r#"websockets = { version = ">=14", optional = true }"#,
                "15.0.1"
            ),
            Some(true)
        );
        assert_eq!(check(r#"websockets = "*""#, "1.0"), Some(true));
        assert!(line(r#"name = "chat""#).is_none());
    }

    #[test]
    fn files_at_the_root_are_read_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("requirements.txt"),
            "# runtime\nwebsockets>=10.4,<14\npytest\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("requirements-dev.txt"),
            "websockets==13.1  # pinned\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("setup.txt"), "websockets<1\n").unwrap();
        let checks = check_requirements(dir.path(), "websockets", Some("15.0.1"));
        let seen: Vec<(&str, usize, &str, Option<bool>)> = checks
            .iter()
            .map(|c| {
                (
                    c.requirement.file.as_str(),
                    c.requirement.line,
                    c.requirement.text.as_str(),
                    c.agrees,
                )
            })
            .collect();
        assert_eq!(
            seen,
            vec![
                ("requirements-dev.txt", 1, "websockets==13.1", Some(false)),
                ("requirements.txt", 2, "websockets>=10.4,<14", Some(false)),
            ]
        );
        let not_installed = check_requirements(dir.path(), "websockets", None);
        assert!(not_installed.iter().all(|c| c.agrees == Some(false)));
    }
}
