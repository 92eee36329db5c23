//! What the user asked for: rule selection and target library versions.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// A release number such as `15.0.1`, compared numerically part by part.
/// `14` and `14.0` are equal: missing parts count as zero.
#[derive(Debug, Clone)]
pub struct Version(Vec<u64>);

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Version {}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a version (expected numbers separated by dots, e.g. 15.0.1)")]
pub struct VersionParseError(pub String);

impl Version {
    pub fn new(parts: &[u64]) -> Self {
        Self(parts.to_vec())
    }

    pub fn major(&self) -> u64 {
        self.0.first().copied().unwrap_or(0)
    }

    pub fn minor(&self) -> u64 {
        self.0.get(1).copied().unwrap_or(0)
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let len = self.0.len().max(other.0.len());
        (0..len)
            .map(|i| {
                let a = self.0.get(i).copied().unwrap_or(0);
                let b = other.0.get(i).copied().unwrap_or(0);
                a.cmp(&b)
            })
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl FromStr for Version {
    type Err = VersionParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Result<Vec<u64>, _> = s.trim().split('.').map(str::parse).collect();
        match parts {
            Ok(parts) if !parts.is_empty() => Ok(Self(parts)),
            _ => Err(VersionParseError(s.to_string())),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u64::to_string).collect();
        f.write_str(&parts.join("."))
    }
}

/// A release of a library named in code, as a rule or a fix declares it:
/// "this finding is a break from 14.0 on", "this fix writes a name that
/// appeared in 13.0". Constant, so rules can declare it in `static`s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Release {
    pub major: u64,
    pub minor: u64,
}

impl Release {
    /// Every release: what a fix requires when it writes nothing new.
    pub const ANY: Release = Release::new(0, 0);

    pub const fn new(major: u64, minor: u64) -> Self {
        Self { major, minor }
    }

    pub fn version(self) -> Version {
        Version::new(&[self.major, self.minor])
    }

    /// As people say it: `14` for `14.0`, `0.28`, `3.13`.
    pub fn spoken(self) -> String {
        if self.minor == 0 {
            self.major.to_string()
        } else {
            self.to_string()
        }
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// The lowest release of a library that a project's requirements allow,
/// and the declaration that says so: a safe fix must also work there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Floor {
    pub release: Version,
    /// Where it is declared, for messages: `requirements.txt:2 (`websockets>=10.4`)`.
    pub declared: String,
}

/// Which rules run: `--select` / `--ignore` codes or prefixes, as in ruff.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSelection {
    /// Empty means every rule.
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl RuleSelection {
    /// Whether a rule runs. An opt-in rule (`default_enabled` false) runs only
    /// when `--select` names its full code.
    pub fn is_enabled(&self, code: &str, default_enabled: bool) -> bool {
        if !default_enabled && !self.select.iter().any(|p| p == code) {
            return false;
        }
        let selected =
            self.select.is_empty() || self.select.iter().any(|p| code.starts_with(p.as_str()));
        // The longer (more specific) prefix wins, as in ruff.
        let select_len = self
            .select
            .iter()
            .filter(|p| code.starts_with(p.as_str()))
            .map(String::len)
            .max()
            .unwrap_or(0);
        let ignore_len = self
            .ignore
            .iter()
            .filter(|p| code.starts_with(p.as_str()))
            .map(String::len)
            .max();
        match ignore_len {
            Some(ignore_len) => selected && select_len > ignore_len,
            None => selected,
        }
    }
}

/// Settings for one run.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub selection: RuleSelection,
    /// Target version per library; a library not listed means its newest release.
    pub targets: BTreeMap<String, Version>,
    /// The lowest release per library that the project's requirements
    /// allow; a library not listed has no declared floor (nothing older is
    /// promised), so only the target counts.
    pub floors: BTreeMap<String, Floor>,
    /// Per library held below its breaking release by a pin: the
    /// requirement that holds it, for messages (`requirements.txt:2
    /// (`websockets>=10,<14`)`).
    pub held_back_by: BTreeMap<String, String>,
}

impl Settings {
    pub fn target(&self, library: &str) -> Option<&Version> {
        self.targets.get(library)
    }

    pub fn floor(&self, library: &str) -> Option<&Floor> {
        self.floors.get(library)
    }

    pub fn held_back_by(&self, library: &str) -> Option<&str> {
        self.held_back_by.get(library).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        let v = |s: &str| s.parse::<Version>().unwrap();
        assert!(v("9.1") < v("14"));
        assert!(v("14.0") == v("14"));
        assert!(v("15.0.1") > v("15"));
        assert!("14.x".parse::<Version>().is_err());
    }

    #[test]
    fn selection_prefixes() {
        let all = RuleSelection::default();
        assert!(all.is_enabled("WS001", true));
        let some = RuleSelection {
            select: vec!["WS00".into()],
            ignore: vec!["WS002".into()],
        };
        assert!(some.is_enabled("WS001", true));
        assert!(!some.is_enabled("WS002", true));
        assert!(!some.is_enabled("WS010", true));
        let specific = RuleSelection {
            select: vec!["WS002".into()],
            ignore: vec!["WS".into()],
        };
        assert!(specific.is_enabled("WS002", true));
        assert!(!specific.is_enabled("WS001", true));
    }

    #[test]
    fn opt_in_rules_need_their_full_code() {
        assert!(!RuleSelection::default().is_enabled("WS070", false));
        let prefix = RuleSelection {
            select: vec!["WS".into()],
            ignore: vec![],
        };
        assert!(!prefix.is_enabled("WS070", false));
        let exact = RuleSelection {
            select: vec!["WS".into(), "WS070".into()],
            ignore: vec![],
        };
        assert!(exact.is_enabled("WS070", false));
        assert!(exact.is_enabled("WS001", true));
    }
}
