//! `ferry pack draft`: a pack drafted from what two releases of a library
//! say about themselves. The CLI installs both and takes each one's
//! inventory (`ferry_verify`'s `introspect.py`); this module compares the
//! two and writes the pack's text. Pure data in, text out.
//!
//! What the comparison can see: modules and public names that are gone, a
//! name whose object is now reachable only under another path, keywords a
//! callable no longer takes (named, or read from its `**kwargs` in the
//! source), a keyword that gave way to another at the same place, defaults
//! that changed, class members that are gone, and a name that now binds
//! another object. Every drafted rule carries `review`, so nothing of it is
//! applied before a human has read the evidence written above it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Deserialize;

/// One release's public API, as `introspect.py` reports it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Inventory {
    /// The installed version; `None`: the distribution is not installed.
    pub version: Option<String>,
    #[serde(default)]
    pub python: String,
    /// The top-level packages the distribution installs.
    #[serde(default)]
    pub packages: Vec<String>,
    #[serde(default)]
    pub modules: Vec<ModuleInventory>,
    /// Classes and functions by identity (`module:qualname`; `module:NAME`
    /// for a module).
    #[serde(default)]
    pub objects: BTreeMap<String, Object>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ModuleInventory {
    pub name: String,
    /// Why it could not be imported: its names are unknown.
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub names: BTreeMap<String, PublicName>,
    /// Names `__all__` lists that could not be read, with the reason.
    #[serde(default)]
    pub unreadable: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PublicName {
    /// The identity of the class, function or module it binds.
    #[serde(default)]
    pub identity: Option<String>,
    /// What it binds when that has no identity (a constant, an instance).
    #[serde(default)]
    pub object: Option<Object>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Object {
    /// `module`, `class`, `callable` or `value`.
    pub kind: String,
    /// The signature's parameters, when it has one.
    #[serde(default)]
    pub parameters: Option<Vec<Parameter>>,
    /// Keywords the body reads from its `**kwargs` (from the source).
    #[serde(default)]
    pub kwargs_read: Vec<String>,
    /// Named parameters the body never reads (from the bytecode).
    #[serde(default)]
    pub unread: Vec<String>,
    /// A class's public members, by name.
    #[serde(default)]
    pub members: BTreeMap<String, Member>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Parameter {
    pub name: String,
    /// `inspect.Parameter.kind`'s name.
    pub kind: String,
    /// The default's `repr`; `None`: required.
    #[serde(default)]
    pub default: Option<String>,
}

impl Parameter {
    /// Whether a call can pass it by name.
    fn is_keyword(&self) -> bool {
        matches!(self.kind.as_str(), "POSITIONAL_OR_KEYWORD" | "KEYWORD_ONLY")
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Member {
    /// `method`, `property`, `attribute` or `instance-attribute`.
    pub kind: String,
}

/// What to draft: the library and its two releases.
pub struct DraftInput<'a> {
    /// The distribution's name (`websockets`).
    pub library: &'a str,
    /// The pack's code prefix.
    pub prefix: &'a str,
    /// The command that drafted it, written at the top of the pack.
    pub command: &'a str,
    pub old: &'a Inventory,
    pub new: &'a Inventory,
}

/// A drafted pack and what the summary says about it.
#[derive(Debug, Clone)]
pub struct Draft {
    pub text: String,
    /// Rules by kind.
    pub kinds: BTreeMap<&'static str, usize>,
    /// Notes that are no rule: names that bind another object, defaults
    /// changed, instance attributes gone.
    pub rebound: usize,
    pub defaults_changed: usize,
    pub attributes_gone: usize,
    /// `(release, module, why)` for every module that could not be imported.
    pub not_imported: Vec<(String, String, String)>,
    /// `(release, module.name, why)` for every listed name that could not be read.
    pub unreadable: Vec<(String, String, String)>,
}

/// Why a draft cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DraftError {
    #[error("{library} is not installed in the environment of the {which} release")]
    NotInstalled {
        library: String,
        which: &'static str,
    },
    #[error("`{0}` is not a release Ferry can read (digits and dots, e.g. 2.0.1)")]
    BadRelease(String),
    #[error("{library} {release} installs no Python package")]
    NoPackages { library: String, release: String },
}

/// One drafted rule, before it is written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Change {
    ModuleGone {
        module: String,
    },
    NameMoved {
        old: String,
        new: String,
    },
    NameGone {
        name: String,
        /// Other paths that may be the same object (several: no move).
        candidates: Vec<String>,
        /// Modules of the new release that could not be imported, which
        /// may hold it.
        unimported: usize,
    },
    KeywordRenamed {
        callables: Vec<String>,
        old: String,
        new: String,
        why: String,
    },
    KeywordGone {
        callables: Vec<String>,
        keyword: String,
        /// The old body never read it: removing it changes nothing.
        ignored: bool,
        /// Read from `**kwargs` by the old release, rather than named.
        from_kwargs: bool,
    },
    MembersGone {
        classes: Vec<String>,
        members: Vec<(String, String)>,
    },
}

impl Change {
    fn kind(&self) -> &'static str {
        match self {
            Change::ModuleGone { .. } | Change::NameGone { .. } | Change::MembersGone { .. } => {
                "flag"
            }
            Change::NameMoved { .. } => "move-name",
            Change::KeywordRenamed { .. } => "rename-keyword",
            Change::KeywordGone { ignored: true, .. } => "remove-keyword",
            Change::KeywordGone { .. } => "flag",
        }
    }
}

/// How one callable's keywords differ between two releases.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
struct KeywordDiff {
    /// `(old, new, why)`.
    renamed: Vec<(String, String, String)>,
    /// `(keyword, ignored, from_kwargs)`.
    gone: Vec<(String, bool, bool)>,
    added: Vec<String>,
    /// `(keyword, old default, new default)`.
    defaults: Vec<(String, String, String)>,
}

impl KeywordDiff {
    fn is_empty(&self) -> bool {
        self.renamed.is_empty()
            && self.gone.is_empty()
            && self.added.is_empty()
            && self.defaults.is_empty()
    }
}

/// `major.minor` of a release as written (`15.0.1` → `15.0`).
fn major_minor(release: &str) -> Result<String, DraftError> {
    let digits: Vec<&str> = release
        .split('.')
        .map(|part| part.trim_end_matches(|c: char| !c.is_ascii_digit()))
        .take(2)
        .collect();
    if digits.is_empty()
        || digits
            .iter()
            .any(|d| d.is_empty() || !d.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(DraftError::BadRelease(release.to_string()));
    }
    Ok(format!("{}.{}", digits[0], digits.get(1).unwrap_or(&"0")))
}

/// `a.b:C.f` → `a.b.C.f`, for messages.
fn dotted(identity: &str) -> String {
    identity.replacen(':', ".", 1)
}

/// A release's view: every public path (`module.name`) and what it binds.
struct Paths<'a> {
    inventory: &'a Inventory,
    /// Modules that imported, by name.
    modules: BTreeMap<&'a str, &'a ModuleInventory>,
    /// Every module the release has, imported or not.
    all_modules: BTreeSet<&'a str>,
    /// `module.name` → identity, for names with one (not modules).
    identities: BTreeMap<String, &'a str>,
    /// Identity → the paths that bind it, sorted.
    by_identity: BTreeMap<&'a str, Vec<String>>,
    /// The last part of a path → the paths, sorted.
    by_name: BTreeMap<&'a str, Vec<String>>,
    /// How many modules could not be imported.
    failed_modules: usize,
}

impl<'a> Paths<'a> {
    fn new(inventory: &'a Inventory) -> Self {
        let mut identities = BTreeMap::new();
        let mut by_identity: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        let mut by_name: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for module in &inventory.modules {
            for (name, public) in &module.names {
                if let Some(identity) = &public.identity {
                    if !identity.starts_with("module:") {
                        let path = format!("{}.{name}", module.name);
                        identities.insert(path.clone(), identity.as_str());
                        by_identity
                            .entry(identity.as_str())
                            .or_default()
                            .push(path.clone());
                        by_name.entry(name.as_str()).or_default().push(path);
                    }
                }
            }
        }
        for paths in by_identity.values_mut().chain(by_name.values_mut()) {
            paths.sort();
        }
        Self {
            inventory,
            modules: inventory
                .modules
                .iter()
                .filter(|m| m.error.is_none())
                .map(|m| (m.name.as_str(), m))
                .collect(),
            all_modules: inventory.modules.iter().map(|m| m.name.as_str()).collect(),
            identities,
            by_identity,
            by_name,
            failed_modules: inventory
                .modules
                .iter()
                .filter(|m| m.error.is_some())
                .count(),
        }
    }

    /// What a public name binds: by identity, or described in place.
    fn object(&self, public: &'a PublicName) -> Option<&'a Object> {
        match &public.identity {
            Some(identity) => self.inventory.objects.get(identity),
            None => public.object.as_ref(),
        }
    }

    /// The public paths that bind `identity`, sorted.
    fn paths_of(&self, identity: &str) -> Vec<&String> {
        self.by_identity
            .get(identity)
            .map(|paths| paths.iter().collect())
            .unwrap_or_default()
    }
}

/// Whether two keyword names look like one renamed: a shared word of three
/// letters or more (`extra_headers`, `additional_headers`), or one inside
/// the other (`timeout`, `connect_timeout`).
fn related(old: &str, new: &str) -> bool {
    let words = |name: &str| -> BTreeSet<String> {
        name.split('_')
            .filter(|w| w.len() >= 3)
            .map(str::to_string)
            .collect()
    };
    !words(old).is_disjoint(&words(new)) || old.contains(new) || new.contains(old)
}

/// The keyword parameters that both releases have, in each release's order,
/// as the neighbours of a parameter: the one before it and the one after.
fn neighbours(parameters: &[&Parameter], at: usize, kept: &BTreeSet<&str>) -> [Option<String>; 2] {
    let before = parameters[..at]
        .iter()
        .rev()
        .find(|p| kept.contains(p.name.as_str()))
        .map(|p| p.name.clone());
    let after = parameters[at + 1..]
        .iter()
        .find(|p| kept.contains(p.name.as_str()))
        .map(|p| p.name.clone());
    [before, after]
}

/// How `new` differs from `old` in the keywords a call may pass.
fn keyword_diff(old: &Object, new: &Object) -> KeywordDiff {
    let (Some(old_parameters), Some(new_parameters)) = (&old.parameters, &new.parameters) else {
        return KeywordDiff::default();
    };
    let old_named: Vec<&Parameter> = old_parameters.iter().filter(|p| p.is_keyword()).collect();
    let new_named: Vec<&Parameter> = new_parameters.iter().filter(|p| p.is_keyword()).collect();
    let new_takes = |keyword: &str| {
        new_named.iter().any(|p| p.name == keyword) || new.kwargs_read.iter().any(|k| k == keyword)
    };
    let old_takes = |keyword: &str| {
        old_named.iter().any(|p| p.name == keyword) || old.kwargs_read.iter().any(|k| k == keyword)
    };
    let kept: BTreeSet<&str> = old_named
        .iter()
        .filter(|p| new_named.iter().any(|q| q.name == p.name))
        .map(|p| p.name.as_str())
        .collect();
    let mut diff = KeywordDiff::default();
    let gone: Vec<usize> = (0..old_named.len())
        .filter(|&i| !new_takes(&old_named[i].name))
        .collect();
    let added: Vec<usize> = (0..new_named.len())
        .filter(|&i| !old_takes(&new_named[i].name))
        .collect();
    // A keyword gone and another come at the same place, with a related
    // name or the same default: a rename, when each has only the other.
    let pairs = |i: usize, j: usize| -> Option<String> {
        let (old_p, new_p) = (old_named[i], new_named[j]);
        let [old_before, old_after] = neighbours(&old_named, i, &kept);
        let [new_before, new_after] = neighbours(&new_named, j, &kept);
        let place = if old_before == new_before {
            match &old_before {
                Some(before) => format!("after `{before}`"),
                None => "first".to_string(),
            }
        } else if old_after == new_after {
            match &old_after {
                Some(after) => format!("before `{after}`"),
                None => "last".to_string(),
            }
        } else {
            return None;
        };
        let reason = if related(&old_p.name, &new_p.name) {
            "a related name".to_string()
        } else if old_p.default.is_some()
            && old_p.default == new_p.default
            // Most optional parameters default to `None`: sharing it says nothing.
            && old_p.default.as_deref() != Some("None")
        {
            format!(
                "the same default, `{}`",
                old_p.default.as_deref().unwrap_or_default()
            )
        } else {
            return None;
        };
        Some(format!(
            "`{}` is gone and `{}` appeared at the same place ({place}), with {reason}",
            old_p.name, new_p.name
        ))
    };
    let mut renamed_old = BTreeSet::new();
    let mut renamed_new = BTreeSet::new();
    for &i in &gone {
        let matches: Vec<(usize, String)> = added
            .iter()
            .filter_map(|&j| pairs(i, j).map(|why| (j, why)))
            .collect();
        let [(j, why)] = matches.as_slice() else {
            continue;
        };
        let rivals = gone.iter().filter(|&&k| pairs(k, *j).is_some()).count();
        if rivals == 1 {
            renamed_old.insert(i);
            renamed_new.insert(*j);
            diff.renamed.push((
                old_named[i].name.clone(),
                new_named[*j].name.clone(),
                why.clone(),
            ));
        }
    }
    for &i in gone.iter().filter(|i| !renamed_old.contains(*i)) {
        let name = &old_named[i].name;
        diff.gone
            .push((name.clone(), old.unread.contains(name), false));
    }
    for keyword in old.kwargs_read.iter().filter(|k| !new_takes(k)) {
        if !old_named.iter().any(|p| &p.name == keyword) {
            diff.gone.push((keyword.clone(), false, true));
        }
    }
    for &j in added.iter().filter(|j| !renamed_new.contains(*j)) {
        diff.added.push(new_named[j].name.clone());
    }
    for old_p in &old_named {
        let Some(new_p) = new_named.iter().find(|p| p.name == old_p.name) else {
            continue;
        };
        if let (Some(before), Some(after)) = (&old_p.default, &new_p.default) {
            if before != after {
                diff.defaults
                    .push((old_p.name.clone(), before.clone(), after.clone()));
            }
        }
    }
    diff.gone.sort();
    diff
}

/// Everything the comparison found.
#[derive(Default)]
struct Findings {
    changes: Vec<Change>,
    /// `(path, old identity, new identity, keyword diff)`.
    rebound: Vec<(String, String, String, KeywordDiff)>,
    /// `(callables, keyword, old default, new default)`.
    defaults: Vec<(Vec<String>, String, String, String)>,
    /// `(classes, attribute)`.
    attributes_gone: Vec<(Vec<String>, String)>,
}

fn compare(old: &Paths<'_>, new: &Paths<'_>) -> Findings {
    let mut findings = Findings::default();
    // Modules gone: only the outermost (a flag covers what is under it).
    let gone_modules: Vec<&str> = old
        .all_modules
        .iter()
        .copied()
        .filter(|m| !new.all_modules.contains(m))
        .collect();
    for module in &gone_modules {
        let inside_another = gone_modules
            .iter()
            .any(|outer| module.starts_with(&format!("{outer}.")));
        if !inside_another {
            findings.changes.push(Change::ModuleGone {
                module: module.to_string(),
            });
        }
    }
    // Keyword changes and member changes, grouped by the objects compared,
    // so the paths of one callable make one rule.
    let mut keyword_groups: BTreeMap<(String, String), (Vec<String>, KeywordDiff)> =
        BTreeMap::new();
    let mut member_groups: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (module_name, module) in &old.modules {
        let Some(new_module) = new.modules.get(module_name) else {
            continue;
        };
        for (name, public) in &module.names {
            let path = format!("{module_name}.{name}");
            if public
                .identity
                .as_deref()
                .is_some_and(|i| i.starts_with("module:"))
            {
                // Modules are compared as modules.
                continue;
            }
            let Some(new_public) = new_module.names.get(name) else {
                // A name the new release lists but cannot read is not gone.
                if !new_module.unreadable.contains_key(name) {
                    findings
                        .changes
                        .push(gone_or_moved(&path, name, public, old, new));
                }
                continue;
            };
            let (Some(old_object), Some(new_object)) = (old.object(public), new.object(new_public))
            else {
                continue;
            };
            let old_identity = public.identity.clone().unwrap_or_else(|| path.clone());
            let new_identity = new_public.identity.clone().unwrap_or_else(|| path.clone());
            if old_identity != new_identity
                && public.identity.is_some()
                && new.inventory.objects.contains_key(&old_identity)
                && !new.paths_of(&old_identity).is_empty()
            {
                // The old object is still there: this name binds another.
                findings.rebound.push((
                    path.clone(),
                    old_identity.clone(),
                    new_identity.clone(),
                    keyword_diff(old_object, new_object),
                ));
            }
            let diff = keyword_diff(old_object, new_object);
            if !diff.is_empty() {
                keyword_groups
                    .entry((old_identity.clone(), new_identity.clone()))
                    .or_insert_with(|| (Vec::new(), diff))
                    .0
                    .push(path.clone());
            }
            if old_object.kind == "class" && new_object.kind == "class" {
                member_groups
                    .entry((old_identity, new_identity))
                    .or_default()
                    .push(path);
            }
        }
    }
    for ((old_identity, new_identity), classes) in member_groups {
        let (Some(old_class), Some(new_class)) = (
            old.inventory.objects.get(&old_identity),
            new.inventory.objects.get(&new_identity),
        ) else {
            continue;
        };
        let mut members = Vec::new();
        for (member, what) in &old_class.members {
            if new_class.members.contains_key(member) {
                continue;
            }
            if what.kind == "instance-attribute" {
                findings
                    .attributes_gone
                    .push((classes.clone(), member.clone()));
            } else {
                members.push((member.clone(), what.kind.clone()));
            }
        }
        if !members.is_empty() {
            findings.changes.push(Change::MembersGone {
                classes: classes.clone(),
                members,
            });
        }
    }
    for (callables, diff) in keyword_groups.into_values() {
        for (old_keyword, new_keyword, why) in &diff.renamed {
            findings.changes.push(Change::KeywordRenamed {
                callables: callables.clone(),
                old: old_keyword.clone(),
                new: new_keyword.clone(),
                why: why.clone(),
            });
        }
        for (keyword, ignored, from_kwargs) in &diff.gone {
            findings.changes.push(Change::KeywordGone {
                callables: callables.clone(),
                keyword: keyword.clone(),
                ignored: *ignored,
                from_kwargs: *from_kwargs,
            });
        }
        for (keyword, before, after) in &diff.defaults {
            findings.defaults.push((
                callables.clone(),
                keyword.clone(),
                before.clone(),
                after.clone(),
            ));
        }
    }
    findings.changes.sort();
    findings.rebound.sort();
    findings.defaults.sort();
    findings.attributes_gone.sort();
    findings
}

/// A public name missing from its module in the new release: moved when
/// the new release has the same object (by identity, else the same kind of
/// object under the same name and qualified name) at exactly one other
/// place, else gone.
fn gone_or_moved(
    path: &str,
    name: &str,
    public: &PublicName,
    old: &Paths<'_>,
    new: &Paths<'_>,
) -> Change {
    let gone = |candidates: Vec<String>| Change::NameGone {
        name: path.to_string(),
        candidates,
        unimported: new.failed_modules,
    };
    let Some(identity) = &public.identity else {
        return gone(Vec::new());
    };
    let mut candidates: Vec<&String> = new.paths_of(identity);
    if candidates.is_empty() {
        let qualname = identity.split_once(':').map_or("", |(_, q)| q);
        let kind = old.inventory.objects.get(identity).map(|o| o.kind.as_str());
        candidates = new
            .by_name
            .get(name)
            .into_iter()
            .flatten()
            .filter(|candidate| {
                let bound = new.identities[*candidate];
                bound.split_once(':').map(|(_, q)| q) == Some(qualname)
                    && new.inventory.objects.get(bound).map(|o| o.kind.as_str()) == kind
                    && !old.identities.contains_key(*candidate)
            })
            .collect();
    }
    let identities: BTreeSet<&str> = candidates
        .iter()
        .filter_map(|c| new.identities.get(*c).copied())
        .collect();
    if identities.len() != 1 {
        return gone(candidates.into_iter().cloned().collect());
    }
    // The shortest path, as users import it.
    let best = candidates
        .iter()
        .min_by_key(|c| (c.matches('.').count(), c.as_str()))
        .map(|c| c.to_string())
        .unwrap_or_default();
    Change::NameMoved {
        old: path.to_string(),
        new: best,
    }
}

/// `"..."`: a TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|i| toml_string(i)).collect();
    format!("[{}]", items.join(", "))
}

/// A comment's text on one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `extra_headers` → `ExtraHeaders`.
fn camel(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            first.into_iter().chain(chars).collect::<String>()
        })
        .collect()
}

fn last(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

fn code_list(paths: &[String]) -> String {
    let quoted: Vec<String> = paths.iter().map(|p| format!("`{p}`")).collect();
    quoted.join(", ")
}

/// A rule's table, written.
struct RuleText {
    name: String,
    kind: &'static str,
    summary: String,
    evidence: String,
    review: String,
    /// The kind's keys, already written (`key = value` lines).
    keys: Vec<String>,
}

fn rule_text(change: &Change, old_release: &str, new_release: &str, library: &str) -> RuleText {
    let (old_r, new_r) = (old_release, new_release);
    match change {
        Change::ModuleGone { module } => RuleText {
            name: format!("{}ModuleRemoved", camel(last(module))),
            kind: "flag",
            summary: format!("`{module}` is gone in {library} {new_r}."),
            evidence: format!("module `{module}` is in {old_r}; {new_r} installs no such module"),
            review: "say in `message` what to use instead, then remove this line".to_string(),
            keys: vec![
                format!("names = {}", toml_list(std::slice::from_ref(module))),
                format!(
                    "message = {}",
                    toml_string(&format!(
                        "`{module}` is gone in {library} {new_r} (`ModuleNotFoundError`)"
                    ))
                ),
            ],
        },
        Change::NameMoved { old, new } => RuleText {
            name: format!("{}Moved", camel(last(old))),
            kind: "move-name",
            summary: format!("`{old}` is `{new}` in {library} {new_r}."),
            evidence: format!(
                "`{old}` is public in {old_r}; {new_r} no longer lists it in its module, and the same object is public only as `{new}`"
            ),
            review: format!("check that `{new}` is what users should import, then remove this line"),
            keys: vec![
                format!("old = {}", toml_string(old)),
                format!("new = {}", toml_string(new)),
            ],
        },
        Change::NameGone {
            name,
            candidates,
            unimported,
        } => {
            let mut elsewhere = if candidates.is_empty() {
                String::new()
            } else {
                format!(
                    "; {new_r} has names that may be it: {}",
                    code_list(candidates)
                )
            };
            if *unimported > 0 {
                elsewhere.push_str(&format!(
                    "; {unimported} module(s) of {new_r} could not be imported, which may have it"
                ));
            }
            RuleText {
                name: format!("{}Removed", camel(last(name))),
                kind: "flag",
                summary: format!("`{name}` is gone in {library} {new_r}."),
                evidence: format!(
                    "`{name}` is public in {old_r}; its module in {new_r} no longer lists `{}` as public{elsewhere}",
                    last(name)
                ),
                review: "say in `message` what to use instead, then remove this line".to_string(),
                keys: vec![
                    format!("names = {}", toml_list(std::slice::from_ref(name))),
                    format!(
                        "message = {}",
                        toml_string(&format!("`{name}` is gone in {library} {new_r}"))
                    ),
                ],
            }
        }
        Change::KeywordRenamed {
            callables,
            old,
            new,
            why,
        } => RuleText {
            name: format!("{}{}Renamed", camel(last(&callables[0])), camel(old)),
            kind: "rename-keyword",
            summary: format!(
                "`{old}=` of `{}` is `{new}=` in {library} {new_r}.",
                callables[0]
            ),
            evidence: format!(
                "in the signatures of {} ({old_r} → {new_r}): {why}",
                code_list(callables)
            ),
            review: format!(
                "check that `{new}` means what `{old}` meant (a name and a place are only a guess), then remove this line"
            ),
            keys: vec![
                format!("callables = {}", toml_list(callables)),
                format!("old = {}", toml_string(old)),
                format!("new = {}", toml_string(new)),
            ],
        },
        Change::KeywordGone {
            callables,
            keyword,
            ignored,
            from_kwargs,
        } => {
            let how = if *from_kwargs {
                format!("{old_r} reads `{keyword}` from its `**kwargs` (in the source); {new_r} neither names it nor reads it (its `**kwargs` may still pass it on)")
            } else if *ignored {
                format!("`{keyword}` is a parameter in {old_r} that its body never reads; {new_r} takes no `{keyword}`")
            } else {
                format!("`{keyword}` is a parameter in {old_r}; {new_r} takes no `{keyword}`")
            };
            let evidence = format!("in {}: {how}", code_list(callables));
            let summary = format!(
                "`{keyword}=` is gone from `{}` in {library} {new_r}.",
                callables[0]
            );
            if *ignored {
                RuleText {
                    name: format!("{}{}Removed", camel(last(&callables[0])), camel(keyword)),
                    kind: "remove-keyword",
                    summary,
                    evidence,
                    review: format!(
                        "check that {old_r} ignored `{keyword}` (the fix removes it), then remove this line"
                    ),
                    keys: vec![
                        format!("callables = {}", toml_list(callables)),
                        format!("keyword = {}", toml_string(keyword)),
                    ],
                }
            } else {
                RuleText {
                    name: format!("{}{}Removed", camel(last(&callables[0])), camel(keyword)),
                    kind: "flag",
                    summary,
                    evidence,
                    review: "say in `message` what to pass instead, then remove this line"
                        .to_string(),
                    keys: vec![
                        format!("callables = {}", toml_list(callables)),
                        format!("keyword = {}", toml_string(keyword)),
                        format!(
                            "message = {}",
                            toml_string(&format!(
                                "`{keyword}=` is gone from `{{callee}}` in {library} {new_r}"
                            ))
                        ),
                    ],
                }
            }
        }
        Change::MembersGone { classes, members } => {
            let names: Vec<String> = members.iter().map(|(m, _)| m.clone()).collect();
            let described: Vec<String> = members
                .iter()
                .map(|(member, kind)| format!("`{member}` ({kind})"))
                .collect();
            RuleText {
                name: format!("{}MembersRemoved", camel(last(&classes[0]))),
                kind: "flag",
                summary: format!(
                    "Members of `{}` are gone in {library} {new_r}.",
                    classes[0]
                ),
                evidence: format!(
                    "{} in {old_r} has {}; {new_r} has none of them",
                    code_list(classes),
                    described.join(", ")
                ),
                review: "say in `message` what to use instead, then remove this line".to_string(),
                keys: vec![
                    format!("classes = {}", toml_list(classes)),
                    format!("methods = {}", toml_list(&names)),
                    format!(
                        "message = {}",
                        toml_string(&format!(
                            "`{{callee}}.{{old}}` is gone in {library} {new_r}"
                        ))
                    ),
                ],
            }
        }
    }
}

/// Drafts the pack: compares the releases and writes the text.
pub fn draft(input: &DraftInput<'_>) -> Result<Draft, DraftError> {
    let installed = |inventory: &Inventory, which| -> Result<String, DraftError> {
        inventory
            .version
            .clone()
            .ok_or_else(|| DraftError::NotInstalled {
                library: input.library.to_string(),
                which,
            })
    };
    let old_release = installed(input.old, "old")?;
    let new_release = installed(input.new, "new")?;
    for (inventory, release) in [(input.old, &old_release), (input.new, &new_release)] {
        if inventory.packages.is_empty() {
            return Err(DraftError::NoPackages {
                library: input.library.to_string(),
                release: release.clone(),
            });
        }
    }
    let breaking = major_minor(&new_release)?;
    let old = Paths::new(input.old);
    let new = Paths::new(input.new);
    let findings = compare(&old, &new);
    let mut packages: Vec<String> = input
        .old
        .packages
        .iter()
        .chain(&input.new.packages)
        .cloned()
        .collect();
    packages.sort();
    packages.dedup();

    let mut not_imported = Vec::new();
    let mut unreadable = Vec::new();
    for (inventory, release) in [(input.old, &old_release), (input.new, &new_release)] {
        for module in &inventory.modules {
            if let Some(error) = &module.error {
                not_imported.push((release.clone(), module.name.clone(), error.clone()));
            }
            for (name, error) in &module.unreadable {
                unreadable.push((
                    release.clone(),
                    format!("{}.{name}", module.name),
                    error.clone(),
                ));
            }
        }
    }

    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Drafted by `{}` from what the two releases say about themselves",
        input.command
    );
    let _ = writeln!(
        out,
        "# ({} {old_release} on Python {}, {new_release} on Python {}).",
        input.library, input.old.python, input.new.python
    );
    out.push_str("# Every rule says above it what evidence produced it, and carries `review`:\n");
    out.push_str(
        "# `ferry fix` applies none of its fixes until a human has checked the rule and\n",
    );
    out.push_str("# removed that line. `breaking` is the newer release: lower it to the release\n");
    out.push_str("# that broke, if an earlier one did.\n");
    if !findings.rebound.is_empty() {
        out.push_str("#\n# Names that now bind another object (the old one is still there):\n");
        for (path, old_identity, new_identity, diff) in &findings.rebound {
            let _ = writeln!(
                out,
                "# - `{path}` is `{}` in {old_release} and `{}` in {new_release}.",
                dotted(old_identity),
                dotted(new_identity)
            );
            for line in diff_lines(diff) {
                let _ = writeln!(out, "#   {line}");
            }
        }
    }
    if !findings.defaults.is_empty() {
        out.push_str(
            "#\n# Defaults that changed (no rule: calls that leave the keyword out behave differently):\n",
        );
        for (callables, keyword, before, after) in &findings.defaults {
            let _ = writeln!(
                out,
                "# - `{keyword}=` of {}: {} in {old_release}, {} in {new_release}",
                code_list(callables),
                one_line(before),
                one_line(after)
            );
        }
    }
    if !findings.attributes_gone.is_empty() {
        out.push_str(
            "#\n# Instance attributes `__init__` no longer assigns (no rule: `ferry pack check` cannot see them on the class):\n",
        );
        for (classes, attribute) in &findings.attributes_gone {
            let _ = writeln!(out, "# - `{attribute}` of {}", code_list(classes));
        }
    }
    if !not_imported.is_empty() {
        out.push_str("#\n# Modules that could not be imported (their names were not compared):\n");
        for (release, module, why) in &not_imported {
            let _ = writeln!(out, "# - {release} `{module}`: {}", one_line(why));
        }
    }
    if !unreadable.is_empty() {
        out.push_str("#\n# Names `__all__` lists that could not be read (not compared):\n");
        for (release, name, why) in &unreadable {
            let _ = writeln!(out, "# - {release} `{name}`: {}", one_line(why));
        }
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "name = {}",
        toml_string(&format!("{}-draft", input.library))
    );
    let _ = writeln!(
        out,
        "summary = {}",
        toml_string(&format!(
            "{} {old_release} → {new_release}, drafted from the two releases: review every rule",
            input.library
        ))
    );
    let _ = writeln!(out, "prefix = {}", toml_string(input.prefix));
    out.push_str("\n[library]\n");
    let _ = writeln!(out, "name = {}", toml_string(input.library));
    let _ = writeln!(out, "packages = {}", toml_list(&packages));
    let _ = writeln!(out, "breaking = {}", toml_string(&breaking));

    let mut kinds: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut names_used: BTreeMap<String, usize> = BTreeMap::new();
    for (index, change) in findings.changes.iter().enumerate() {
        let rule = rule_text(change, &old_release, &new_release, input.library);
        debug_assert_eq!(rule.kind, change.kind());
        *kinds.entry(rule.kind).or_default() += 1;
        // Rule names are unique in a pack.
        let seen = names_used.entry(rule.name.clone()).or_default();
        *seen += 1;
        let name = if *seen == 1 {
            rule.name.clone()
        } else {
            format!("{}{}", rule.name, seen)
        };
        let _ = writeln!(out, "\n# Evidence: {}", one_line(&rule.evidence));
        out.push_str("[[rules]]\n");
        let _ = writeln!(out, "code = \"{}{:03}\"", input.prefix, index + 1);
        let _ = writeln!(out, "name = {}", toml_string(&name));
        let _ = writeln!(out, "kind = {}", toml_string(rule.kind));
        let _ = writeln!(out, "summary = {}", toml_string(&rule.summary));
        let _ = writeln!(out, "review = {}", toml_string(&rule.review));
        for key in &rule.keys {
            let _ = writeln!(out, "{key}");
        }
    }
    Ok(Draft {
        text: out,
        kinds,
        rebound: findings.rebound.len(),
        defaults_changed: findings.defaults.len(),
        attributes_gone: findings.attributes_gone.len(),
        not_imported,
        unreadable,
    })
}

/// A keyword diff as comment lines.
fn diff_lines(diff: &KeywordDiff) -> Vec<String> {
    let mut lines = Vec::new();
    let join = |items: Vec<String>| items.join(", ");
    if !diff.renamed.is_empty() {
        lines.push(format!(
            "keywords renamed: {}",
            join(
                diff.renamed
                    .iter()
                    .map(|(o, n, _)| format!("`{o}` → `{n}`"))
                    .collect()
            )
        ));
    }
    if !diff.gone.is_empty() {
        lines.push(format!(
            "keywords gone: {}",
            join(diff.gone.iter().map(|(k, _, _)| format!("`{k}`")).collect())
        ));
    }
    if !diff.added.is_empty() {
        lines.push(format!(
            "keywords new: {}",
            join(diff.added.iter().map(|k| format!("`{k}`")).collect())
        ));
    }
    if !diff.defaults.is_empty() {
        lines.push(format!(
            "defaults changed: {}",
            join(
                diff.defaults
                    .iter()
                    .map(|(k, b, a)| format!("`{k}` {} → {}", one_line(b), one_line(a)))
                    .collect()
            )
        ));
    }
    if lines.is_empty() {
        lines.push("the same keywords and defaults".to_string());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An inventory from a compact JSON text, as `introspect.py` writes it.
    fn inventory(version: &str, json: serde_json::Value) -> Inventory {
        let mut value = json;
        value["version"] = version.into();
        value["python"] = "3.12.0".into();
        value["packages"] = serde_json::json!(["acme"]);
        serde_json::from_value(value).unwrap()
    }

    fn params(spec: &[(&str, &str, Option<&str>)]) -> serde_json::Value {
        spec.iter()
            .map(|(name, kind, default)| {
                serde_json::json!({"name": name, "kind": kind, "default": default})
            })
            .collect()
    }

    const KW: &str = "KEYWORD_ONLY";
    const POK: &str = "POSITIONAL_OR_KEYWORD";

    fn drafted(old: &Inventory, new: &Inventory) -> Draft {
        draft(&DraftInput {
            library: "acme-client",
            prefix: "ACME",
            command: "ferry pack draft acme-client 1.0 2.0",
            old,
            new,
        })
        .unwrap()
    }

    /// The rules' lines, without the header's comments.
    fn rules(draft: &Draft) -> String {
        let start = draft.text.find("\n# Evidence").unwrap_or(draft.text.len());
        draft.text[start..].to_string()
    }

    #[test]
    fn a_keyword_gone_with_another_at_its_place_and_a_related_name_is_a_rename() {
        let old = inventory(
            "1.0",
            serde_json::json!({
                "modules": [{"name": "acme", "names": {"connect": {"identity": "acme:connect"}}}],
                "objects": {"acme:connect": {"kind": "callable", "parameters": params(&[
                    ("url", POK, None), ("timeout", KW, Some("None")), ("verify", KW, Some("True")),
                ])}},
            }),
        );
        let new = inventory(
            "2.0",
            serde_json::json!({
                "modules": [{"name": "acme", "names": {"connect": {"identity": "acme:connect"}}}],
                "objects": {"acme:connect": {"kind": "callable", "parameters": params(&[
                    ("url", POK, None), ("connect_timeout", KW, Some("None")), ("verify", KW, Some("False")),
                ])}},
            }),
        );
        let draft = drafted(&old, &new);
        assert_eq!(
            rules(&draft),
            "
# Evidence: in the signatures of `acme.connect` (1.0 → 2.0): `timeout` is gone and `connect_timeout` appeared at the same place (after `url`), with a related name
[[rules]]
code = \"ACME001\"
name = \"ConnectTimeoutRenamed\"
kind = \"rename-keyword\"
summary = \"`timeout=` of `acme.connect` is `connect_timeout=` in acme-client 2.0.\"
review = \"check that `connect_timeout` means what `timeout` meant (a name and a place are only a guess), then remove this line\"
callables = [\"acme.connect\"]
old = \"timeout\"
new = \"connect_timeout\"
"
        );
        assert!(
            draft
                .text
                .contains("# - `verify=` of `acme.connect`: True in 1.0, False in 2.0\n"),
            "{}",
            draft.text
        );
        assert_eq!(draft.defaults_changed, 1);
        let spec = crate::parse_pack(&draft.text).unwrap();
        assert_eq!(
            spec.rules[0]
                .review
                .as_deref()
                .map(|r| r.starts_with("check")),
            Some(true)
        );
    }

    #[test]
    fn an_unrelated_keyword_elsewhere_is_no_rename_and_an_unread_one_is_removed() {
        let object = |parameters| serde_json::json!({"kind": "callable", "parameters": parameters});
        let mut old_connect = object(params(&[
            ("url", POK, None),
            ("retries", KW, Some("0")),
            ("legacy", KW, Some("False")),
        ]));
        old_connect["unread"] = serde_json::json!(["legacy"]);
        let old = inventory(
            "1.0",
            serde_json::json!({
                "modules": [{"name": "acme", "names": {"connect": {"identity": "acme:connect"}}}],
                "objects": {"acme:connect": old_connect},
            }),
        );
        let new = inventory(
            "2.0",
            serde_json::json!({
                "modules": [{"name": "acme", "names": {"connect": {"identity": "acme:connect"}}}],
                "objects": {"acme:connect": object(params(&[("url", POK, None), ("ssl", KW, Some("None"))]))},
            }),
        );
        let draft = drafted(&old, &new);
        assert_eq!(
            draft.kinds,
            BTreeMap::from([("flag", 1), ("remove-keyword", 1)])
        );
        let text = rules(&draft);
        assert!(
            text.contains("kind = \"remove-keyword\"\nsummary = \"`legacy=` is gone"),
            "{text}"
        );
        assert!(
            text.contains("name = \"ConnectRetriesRemoved\"\nkind = \"flag\""),
            "{text}"
        );
        assert!(!text.contains("rename-keyword"), "{text}");
        crate::parse_pack(&draft.text).unwrap();
    }

    #[test]
    fn names_gone_moved_and_rebound_and_modules_gone() {
        let old = inventory(
            "1.0",
            serde_json::json!({
                "modules": [
                    {"name": "acme", "names": {
                        "Router": {"identity": "acme:Router"},
                        "helper": {"identity": "acme:helper"},
                        "Session": {"identity": "acme:Session"},
                        "open": {"identity": "acme.old:open"},
                        "VERSION": {"object": {"kind": "value"}},
                    }},
                    {"name": "acme.legacy", "names": {"run": {"identity": "acme.legacy:run"}}},
                    {"name": "acme.legacy.v1", "names": {}},
                    {"name": "acme.old", "names": {"open": {"identity": "acme.old:open"}}},
                ],
                "objects": {
                    "acme:helper": {"kind": "callable"},
                    "acme:Session": {"kind": "class"},
                    "acme:Router": {"kind": "class"},
                    "acme.old:open": {"kind": "callable", "parameters": params(&[("url", POK, None)])},
                    "acme.legacy:run": {"kind": "callable"},
                },
            }),
        );
        let new = inventory(
            "2.0",
            serde_json::json!({
                "modules": [
                    {"name": "acme", "names": {
                        "open": {"identity": "acme.new:open"},
                        "VERSION": {"object": {"kind": "value"}},
                    }, "unreadable": {"Router": "ModuleNotFoundError: No module named 'werkzeug'"}},
                    {"name": "acme.helpers", "names": {"helper": {"identity": "acme.helpers:helper"}}},
                    {"name": "acme.old", "names": {"open": {"identity": "acme.old:open"}}},
                    {"name": "acme.new", "names": {"open": {"identity": "acme.new:open"}}},
                    {"name": "acme.broken", "error": "ImportError: no"},
                ],
                "objects": {
                    "acme.helpers:helper": {"kind": "callable"},
                    "acme.old:open": {"kind": "callable", "parameters": params(&[("url", POK, None)])},
                    "acme.new:open": {"kind": "callable", "parameters": params(&[("url", POK, None), ("ssl", KW, Some("None"))])},
                },
            }),
        );
        let draft = drafted(&old, &new);
        let text = rules(&draft);
        let kinds: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("name = "))
            .collect();
        assert_eq!(
            kinds,
            [
                "\"LegacyModuleRemoved\"",
                "\"HelperMoved\"",
                "\"SessionRemoved\""
            ],
            "{text}"
        );
        assert!(
            text.contains("old = \"acme.helper\"\nnew = \"acme.helpers.helper\""),
            "{text}"
        );
        assert!(
            draft.text.contains("# - `acme.open` is `acme.old.open` in 1.0 and `acme.new.open` in 2.0.\n#   keywords new: `ssl`\n"),
            "{}",
            draft.text
        );
        assert!(
            draft
                .text
                .contains("# - 2.0 `acme.broken`: ImportError: no\n"),
            "{}",
            draft.text
        );
        assert_eq!(draft.rebound, 1);
        // Listed but unreadable in 2.0: not gone, and said so.
        assert_eq!(
            draft.unreadable,
            [(
                "2.0".to_string(),
                "acme.Router".to_string(),
                "ModuleNotFoundError: No module named 'werkzeug'".to_string()
            )]
        );
        assert!(
            text.contains("`acme.Session` is public in 1.0; its module in 2.0 no longer lists `Session` as public; 1 module(s) of 2.0 could not be imported, which may have it"),
            "{text}"
        );
        crate::parse_pack(&draft.text).unwrap();
    }

    #[test]
    fn the_same_releases_draft_no_rule() {
        let same = inventory(
            "1.0",
            serde_json::json!({
                "modules": [{"name": "acme", "names": {"connect": {"identity": "acme:connect"}}}],
                "objects": {"acme:connect": {"kind": "callable", "parameters": params(&[("url", POK, None)])}},
            }),
        );
        let draft = drafted(&same, &same);
        assert!(draft.kinds.is_empty());
        assert_eq!(rules(&draft), "");
        assert_eq!(crate::parse_pack(&draft.text).unwrap().rules.len(), 0);
    }

    #[test]
    fn the_same_default_at_the_same_place_is_a_rename_unless_it_is_none() {
        let module =
            serde_json::json!([{"name": "acme", "names": {"serve": {"identity": "acme:serve"}}}]);
        let serve = |parameters| {
            inventory(
                "1.0",
                serde_json::json!({
                    "modules": module.clone(),
                    "objects": {"acme:serve": {"kind": "callable", "parameters": parameters}},
                }),
            )
        };
        let old = serve(params(&[
            ("handler", POK, None),
            ("limit", KW, Some("16")),
            ("headers", KW, Some("None")),
            ("port", KW, Some("80")),
        ]));
        let new = serve(params(&[
            ("handler", POK, None),
            ("max_frames", KW, Some("16")),
            ("process_response", KW, Some("None")),
            ("port", KW, Some("80")),
        ]));
        let draft = drafted(&old, &new);
        let text = rules(&draft);
        assert!(
            text.contains("`limit` is gone and `max_frames` appeared at the same place (after `handler`), with the same default, `16`"),
            "{text}"
        );
        assert!(
            text.contains("old = \"limit\"\nnew = \"max_frames\""),
            "{text}"
        );
        // `headers=None` and `process_response=None`: no evidence of a rename.
        assert!(
            text.contains("name = \"ServeHeadersRemoved\"\nkind = \"flag\""),
            "{text}"
        );
        assert_eq!(
            draft.kinds,
            BTreeMap::from([("flag", 1), ("rename-keyword", 1)])
        );
    }

    #[test]
    fn an_inventory_without_the_library_is_an_error() {
        let missing = Inventory::default();
        let installed = inventory("1.0", serde_json::json!({}));
        let error = draft(&DraftInput {
            library: "acme-client",
            prefix: "ACME",
            command: "ferry pack draft acme-client 1.0 2.0",
            old: &installed,
            new: &missing,
        })
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "acme-client is not installed in the environment of the new release"
        );
    }

    #[test]
    fn strings_are_escaped_for_toml() {
        assert_eq!(toml_string("a \"b\" \\ c\n"), "\"a \\\"b\\\" \\\\ c\\n\"");
        assert_eq!(major_minor("15.0.1").unwrap(), "15.0");
        assert_eq!(major_minor("2").unwrap(), "2.0");
        assert!(major_minor("x").is_err());
    }
}
