//! Version constraints as projects write them: PEP 440 specifiers
//! (`>=12,<14`, `~=13.0`, `==13.*`, `===13.1`) and Poetry's (`^13.0`, `~13.1`,
//! a bare `13.1`, `*`). They answer two questions: does a version satisfy the
//! declaration (for `ferry doctor` and the pin bump), and what is the highest
//! version it allows below a library's breaking release (the target the
//! rules get for files under the declaration).
//!
//! Release numbers are [`ferry_engine::Version`]s; a candidate version also
//! remembers whether it is a pre-release, which sorts before its release
//! (`14.0rc1 < 14.0`). Epochs and local versions are read and ignored.

use std::cmp::Ordering;

use ferry_engine::Version;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operator {
    /// `==` (with a trailing `.*`: any version with that prefix) and `===`.
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

/// One constraint, e.g. `<14` or `==13.*`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Specifier {
    operator: Operator,
    /// The release numbers as written (`13.*` keeps `[13]`).
    parts: Vec<u64>,
    /// The written version is a pre-release (`14.0rc1`).
    pre: bool,
    /// `==13.*` / `!=13.*`.
    wildcard: bool,
}

/// A version being checked: its release and whether it is a pre-release.
#[derive(Debug, Clone)]
struct Candidate {
    release: Version,
    pre: bool,
}

impl Candidate {
    fn cmp_with(&self, parts: &[u64], pre: bool) -> Ordering {
        self.release
            .cmp(&Version::new(parts))
            // A pre-release comes before its release.
            .then_with(|| pre.cmp(&self.pre))
    }

    /// `prefix <= release < next(prefix)`, on release numbers only, so
    /// `14.0rc1` is not in `13.*`.
    fn in_series(&self, prefix: &[u64]) -> bool {
        self.release >= Version::new(prefix) && self.release < Version::new(&next(prefix))
    }
}

/// An upper bound on the versions a specifier allows.
#[derive(Debug, Clone)]
struct UpperBound {
    parts: Vec<u64>,
    inclusive: bool,
}

impl UpperBound {
    fn version(&self) -> Version {
        Version::new(&self.parts)
    }

    /// Whether `self` allows fewer versions than `other`.
    fn is_tighter_than(&self, other: &UpperBound) -> bool {
        match self.version().cmp(&other.version()) {
            Ordering::Less => true,
            Ordering::Greater => false,
            Ordering::Equal => !self.inclusive && other.inclusive,
        }
    }
}

/// Every constraint of one declaration; a version must satisfy all of them.
/// Empty: any version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpecifierSet(Vec<Specifier>);

impl SpecifierSet {
    /// PEP 440 specifiers separated by commas (`>=12, <14`); `*` (Pipfile)
    /// and the empty string mean any version. `None`: an operator or
    /// version this reader does not know.
    pub fn parse_pep440(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.is_empty() || text == "*" {
            return Some(Self::default());
        }
        text.split(',')
            .map(str::trim)
            .map(Specifier::parse_pep440)
            .collect::<Option<Vec<_>>>()
            .map(Self)
    }

    /// Poetry's syntax: `^13.0`, `~13.1`, `13.1`, `13.*`, `*`, PEP 440
    /// operators, constraints separated by commas or spaces. `None`:
    /// alternatives (`||`) or anything unreadable.
    pub fn parse_poetry(text: &str) -> Option<Self> {
        let text = text.trim();
        if text == "*" || text.is_empty() {
            return Some(Self::default());
        }
        if text.contains("||") || text.contains('|') {
            return None;
        }
        poetry_tokens(text)
            .iter()
            .map(|token| Specifier::parse_poetry(token))
            .collect::<Option<Vec<_>>>()
            .map(Self)
    }

    pub fn is_any(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `version` (e.g. `15.0.1`, `14.0rc1`) satisfies every
    /// constraint; `None` when it is not a version or a constraint cannot be
    /// evaluated (`~=13`).
    pub fn allows(&self, version: &str) -> Option<bool> {
        let candidate = parse_candidate(version)?;
        self.0
            .iter()
            .map(|s| s.allows(&candidate))
            .try_fold(true, |all, ok| Some(all && ok?))
    }

    /// The highest version allowed below release `breaking` (a major
    /// version), when the set excludes every version from `breaking` on;
    /// `None` when it allows one (or is unbounded above).
    ///
    /// An exclusive bound gives the version just below it, spelled with a
    /// `999` part: `<14` and `~=13.0` give `13.999`, `<13.2` gives
    /// `13.1.999`. That is not a real release; it is the number the rules
    /// compare with (`13.999 < 14`), and the JSON shows it as the target.
    /// Lower bounds and `!=` holes are not checked against it: a set that
    /// allows nothing still gets the highest version its upper bounds permit.
    pub fn highest_below(&self, breaking: u64) -> Option<Version> {
        let bound = self
            .0
            .iter()
            .filter_map(Specifier::upper_bound)
            .reduce(|a, b| if b.is_tighter_than(&a) { b } else { a })?;
        let breaking = Version::new(&[breaking]);
        let excludes_breaking = if bound.inclusive {
            bound.version() < breaking
        } else {
            bound.version() <= breaking
        };
        if !excludes_breaking {
            return None;
        }
        if bound.inclusive {
            return Some(bound.version());
        }
        just_below(&bound.parts)
    }
}

impl Specifier {
    fn parse_pep440(text: &str) -> Option<Self> {
        const OPERATORS: &[(&str, Operator)] = &[
            ("===", Operator::Equal),
            ("==", Operator::Equal),
            ("!=", Operator::NotEqual),
            ("~=", Operator::Compatible),
            (">=", Operator::AtLeast),
            ("<=", Operator::AtMost),
            (">", Operator::Above),
            ("<", Operator::Below),
        ];
        let (operator, rest) = OPERATORS
            .iter()
            .find_map(|(s, op)| text.strip_prefix(s).map(|rest| (*op, rest)))?;
        Self::new(operator, rest)
    }

    fn parse_poetry(token: &str) -> Option<Self> {
        if token.starts_with(|c: char| c.is_ascii_digit()) {
            Self::new(Operator::Equal, token)
        } else if let Some(version) = token.strip_prefix('^') {
            Self::new(Operator::Caret, version)
        } else if let Some(version) = token.strip_prefix('~').filter(|v| !v.starts_with('=')) {
            Self::new(Operator::Tilde, version)
        } else {
            Self::parse_pep440(token)
        }
    }

    fn new(operator: Operator, version: &str) -> Option<Self> {
        let version = version.trim();
        let (version, wildcard) = match version.strip_suffix(".*") {
            Some(prefix) => (prefix, true),
            None => (version, false),
        };
        if wildcard && !matches!(operator, Operator::Equal | Operator::NotEqual) {
            return None;
        }
        let (parts, pre) = parse_release(version)?;
        Some(Self {
            operator,
            parts,
            pre,
            wildcard,
        })
    }

    fn allows(&self, v: &Candidate) -> Option<bool> {
        let at = || v.cmp_with(&self.parts, self.pre);
        Some(match self.operator {
            Operator::Equal if self.wildcard => v.in_series(&self.parts),
            Operator::Equal => at().is_eq(),
            Operator::NotEqual if self.wildcard => !v.in_series(&self.parts),
            Operator::NotEqual => at().is_ne(),
            Operator::AtLeast => at().is_ge(),
            Operator::AtMost => at().is_le(),
            Operator::Above => at().is_gt(),
            Operator::Below => at().is_lt(),
            Operator::Compatible | Operator::Caret | Operator::Tilde => {
                at().is_ge() && v.in_series(&self.series()?)
            }
        })
    }

    /// For `~=`, `^` and `~`: the prefix every allowed version shares.
    fn series(&self) -> Option<Vec<u64>> {
        let parts = &self.parts;
        let kept = match self.operator {
            Operator::Compatible if parts.len() < 2 => return None,
            Operator::Compatible => parts.len() - 1,
            Operator::Caret => {
                parts
                    .iter()
                    .position(|&p| p != 0)
                    .unwrap_or(parts.len() - 1)
                    + 1
            }
            Operator::Tilde => parts.len().min(2),
            _ => return None,
        };
        Some(parts[..kept].to_vec())
    }

    fn upper_bound(&self) -> Option<UpperBound> {
        let bound = |parts: Vec<u64>, inclusive| Some(UpperBound { parts, inclusive });
        match self.operator {
            Operator::Below => bound(self.parts.clone(), false),
            Operator::AtMost => bound(self.parts.clone(), true),
            Operator::Equal if self.wildcard => bound(next(&self.parts), false),
            Operator::Equal => bound(self.parts.clone(), true),
            Operator::Compatible | Operator::Caret | Operator::Tilde => {
                bound(next(&self.series()?), false)
            }
            Operator::NotEqual | Operator::AtLeast | Operator::Above => None,
        }
    }
}

/// Splits Poetry constraints on commas and spaces, keeping an operator with
/// the version after it (`>= 1.2 < 1.5` gives `>=1.2`, `<1.5`).
fn poetry_tokens(text: &str) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        let is_operator = matches!(c, '<' | '>' | '=' | '!' | '~' | '^');
        if c == ',' || c.is_whitespace() {
            // A space right after an operator belongs to the same token.
            let only_operator = !current.is_empty()
                && current
                    .chars()
                    .all(|c| matches!(c, '<' | '>' | '=' | '!' | '~' | '^'));
            if !only_operator && !current.is_empty() {
                tokens.push(std::mem::take(&mut current));
            }
        } else if is_operator
            && current
                .chars()
                .last()
                .is_some_and(|l| l.is_ascii_alphanumeric() || l == '*')
        {
            tokens.push(std::mem::take(&mut current));
            current.push(c);
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
}

/// The release after a series: `[13]` → `[14]`, `[1, 2]` → `[1, 3]`.
fn next(prefix: &[u64]) -> Vec<u64> {
    let mut parts = prefix.to_vec();
    if let Some(last) = parts.last_mut() {
        *last += 1;
    }
    parts
}

/// The version just below `parts`: `14` → `13.999`, `13.2` → `13.1.999`.
/// `None` below `0`.
fn just_below(parts: &[u64]) -> Option<Version> {
    let mut parts = parts.to_vec();
    while parts.last() == Some(&0) {
        parts.pop();
    }
    let last = parts.last_mut()?;
    *last -= 1;
    parts.push(999);
    Some(Version::new(&parts))
}

/// Reads a PEP 440 version's release numbers and whether it is a
/// pre-release: `v1!14.0rc1+local` gives `([14, 0], true)`.
fn parse_release(text: &str) -> Option<(Vec<u64>, bool)> {
    let text = text.trim().trim_start_matches(['v', 'V']);
    let text = text.split_once('!').map_or(text, |(_, rest)| rest);
    let text = text.split_once('+').map_or(text, |(release, _)| release);
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
    // Post-releases: `.post1`, `-1`, `.r1`.
    let post = suffix.starts_with("post")
        || suffix.starts_with('r')
        || suffix.starts_with(|c: char| c.is_ascii_digit());
    let known = suffix.is_empty() || pre || post;
    known.then_some((parts, pre))
}

fn parse_candidate(text: &str) -> Option<Candidate> {
    let (parts, pre) = parse_release(text)?;
    Some(Candidate {
        release: Version::new(&parts),
        pre,
    })
}

/// The release of a version string (`13.1` of `13.1.post1`), as the rules
/// take it for a target; `None` when it is not a version.
pub fn release_of(text: &str) -> Option<Version> {
    parse_release(text).map(|(parts, _)| Version::new(&parts))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pep440(spec: &str, version: &str) -> Option<bool> {
        SpecifierSet::parse_pep440(spec)?.allows(version)
    }

    fn poetry(spec: &str, version: &str) -> Option<bool> {
        SpecifierSet::parse_poetry(spec)?.allows(version)
    }

    fn below_14(spec: &str) -> Option<String> {
        SpecifierSet::parse_pep440(spec)
            .or_else(|| SpecifierSet::parse_poetry(spec))
            .unwrap()
            .highest_below(14)
            .map(|v| v.to_string())
    }

    #[test]
    fn every_pep440_operator() {
        assert_eq!(pep440("==13.1", "13.1.0"), Some(true));
        assert_eq!(pep440("==13.1", "13.1.1"), Some(false));
        assert_eq!(pep440("===13.1", "13.1"), Some(true));
        assert_eq!(pep440("!=14.0", "14.0"), Some(false));
        assert_eq!(pep440("!=14.0", "14.1"), Some(true));
        assert_eq!(pep440("<14", "13.1"), Some(true));
        assert_eq!(pep440("<14", "14.0"), Some(false));
        assert_eq!(
            pep440("<14", "14.0rc1"),
            Some(true),
            "pre-release sorts first"
        );
        assert_eq!(pep440("<=13.1", "13.1"), Some(true));
        assert_eq!(pep440("<=13.1", "13.1.1"), Some(false));
        assert_eq!(pep440(">13.1", "13.1"), Some(false));
        assert_eq!(pep440(">13.1", "13.2"), Some(true));
        assert_eq!(pep440(">=10.4", "15.0.1"), Some(true));
        assert_eq!(pep440(">=10.4, <14", "15.0.1"), Some(false));
        assert_eq!(pep440("~=13.0", "13.1"), Some(true));
        assert_eq!(pep440("~=13.0", "14.0"), Some(false));
        assert_eq!(pep440("~=13.0.1", "13.1"), Some(false));
        assert_eq!(pep440("~=13", "13.1"), None, "~= needs two parts");
        assert_eq!(pep440("", "1.0"), Some(true));
        assert_eq!(pep440("*", "1.0"), Some(true));
        assert!(SpecifierSet::parse_pep440("<<14").is_none());
        assert!(SpecifierSet::parse_pep440(">=13.*").is_none());
    }

    #[test]
    fn wildcards_match_release_prefixes() {
        assert_eq!(pep440("==13.*", "13.1"), Some(true));
        assert_eq!(pep440("==13.*", "14.0"), Some(false));
        assert_eq!(pep440("==13.*", "14.0rc1"), Some(false));
        assert_eq!(pep440("!=13.*", "13.1"), Some(false));
        assert_eq!(pep440("!=13.*", "12.0"), Some(true));
    }

    #[test]
    fn poetry_constraints() {
        assert_eq!(poetry("^12.0", "12.5"), Some(true));
        assert_eq!(poetry("^12.0", "13.0"), Some(false));
        assert_eq!(poetry("^0.3", "0.3.9"), Some(true));
        assert_eq!(poetry("^0.3", "0.4"), Some(false));
        assert_eq!(poetry("~13.1", "13.1.5"), Some(true));
        assert_eq!(poetry("~13.1", "13.2"), Some(false));
        assert_eq!(poetry("~13", "13.9"), Some(true));
        assert_eq!(poetry("13.1", "13.1"), Some(true));
        assert_eq!(poetry("13.*", "13.4"), Some(true));
        assert_eq!(poetry("*", "1.0"), Some(true));
        assert_eq!(poetry(">= 12, < 14", "13.0"), Some(true));
        assert_eq!(poetry(">=12 <14", "14.0"), Some(false));
        assert!(SpecifierSet::parse_poetry("^12 || ^13").is_none());
    }

    #[test]
    fn highest_version_below_the_breaking_release() {
        assert_eq!(below_14("<14").as_deref(), Some("13.999"));
        assert_eq!(below_14("<14.0").as_deref(), Some("13.999"));
        assert_eq!(below_14(">=10,<13.2").as_deref(), Some("13.1.999"));
        assert_eq!(below_14("==13.1").as_deref(), Some("13.1"));
        assert_eq!(below_14("<=13.1").as_deref(), Some("13.1"));
        assert_eq!(below_14("==13.*").as_deref(), Some("13.999"));
        assert_eq!(below_14("~=13.0").as_deref(), Some("13.999"));
        assert_eq!(below_14("~=12.0.1").as_deref(), Some("12.0.999"));
        assert_eq!(below_14("^13.0").as_deref(), Some("13.999"));
        assert_eq!(below_14("~13.1").as_deref(), Some("13.1.999"));
        assert_eq!(below_14("<15,<14").as_deref(), Some("13.999"));
        assert_eq!(below_14("<=14").as_deref(), None, "allows 14.0");
        assert_eq!(below_14("<15").as_deref(), None);
        assert_eq!(below_14(">=12").as_deref(), None);
        assert_eq!(below_14("!=14.0").as_deref(), None);
        assert_eq!(below_14("").as_deref(), None);
        assert_eq!(below_14("==14.*").as_deref(), None);
    }

    #[test]
    fn releases_of_installed_versions() {
        assert_eq!(release_of("13.1.post1").unwrap().to_string(), "13.1");
        assert_eq!(release_of("1!15.0.1+local").unwrap().to_string(), "15.0.1");
        assert!(release_of("main").is_none());
    }
}
