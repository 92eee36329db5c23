//! `ferry pack check --old SPEC --new SPEC`: a pack's facts against two real
//! releases of its library. The CLI installs them and looks the names up
//! (through [`Api`]); this module says which names to ask about and judges
//! the answers, rule by rule.
//!
//! What must hold on the new release: every name a fix writes exists, every
//! callable the rule is about (from its `since`) exists and takes the new
//! keyword and not the old or removed one. On the old release: the old names
//! and flagged names exist, and some callable took the old keyword. A name
//! that is still there in the new release (a deprecated alias) is a note, as
//! is a keyword only `**kwargs` would take: nothing can be proved there.

use ferry_engine::Version;

use crate::format::{Callable, Kind, NewValue, PackSpec};

/// What an installed release says about names.
pub trait Api {
    /// Whether `name` resolves (a module, or an attribute of one).
    fn exists(&self, name: &str) -> bool;
    /// Whether `name` is a module (rather than an attribute of one).
    fn is_module(&self, name: &str) -> bool;
    /// Whether callable `name` takes `keyword`: `Some(true)` by name,
    /// `Some(false)` not at all, `None` when only `**kwargs` would take it
    /// or it has no signature.
    fn takes_keyword(&self, name: &str, keyword: &str) -> Option<bool>;
}

/// How bad a finding about a fact is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Ok,
    /// Nothing could be proved, or a name lingers: worth a look.
    Note,
    /// The release contradicts the pack.
    Fail,
}

/// One judged fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub code: String,
    pub severity: Severity,
    pub text: String,
}

/// Every name the checks ask about, each once.
pub fn names_to_look_up(spec: &PackSpec) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for rule in &spec.rules {
        match &rule.kind {
            Kind::RenameKeyword {
                callables, value, ..
            } => {
                names.extend(callables.iter().map(|c| c.name.clone()));
                names.extend(written_names(value));
            }
            Kind::RemoveKeyword { callables, .. }
            | Kind::FlagKeyword { callables, .. }
            | Kind::ReplaceCall { callables, .. } => {
                names.extend(callables.iter().map(|c| c.name.clone()))
            }
            Kind::MoveName { moves } => {
                for (old, new) in moves {
                    names.push(old.clone());
                    names.push(new.clone());
                }
            }
            Kind::FlagName { names: flagged, .. } => names.extend(flagged.iter().cloned()),
            Kind::RenameMethod { classes, renames } => {
                for class in classes {
                    for rename in renames {
                        names.push(format!("{class}.{}", rename.old));
                        names.push(format!("{class}.{}", rename.new));
                    }
                }
            }
            Kind::FlagMethod { classes, methods } => {
                for class in classes {
                    names.extend(methods.iter().map(|m| format!("{class}.{m}")));
                }
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Judges every rule of `spec` on the two releases.
pub fn judge(
    spec: &PackSpec,
    old_version: &Version,
    old: &dyn Api,
    new_version: &Version,
    new: &dyn Api,
) -> Vec<Verdict> {
    let mut verdicts = Vec::new();
    for rule in &spec.rules {
        let mut say = |severity: Severity, text: String| {
            verdicts.push(Verdict {
                code: rule.code.clone(),
                severity,
                text,
            })
        };
        // A callable whose `since` is newer than a release was not this
        // API there (top-level `connect` was the legacy client).
        let applies = |callable: &Callable, version: &Version| {
            callable
                .since
                .is_none_or(|since| *version >= since.version())
        };
        match &rule.kind {
            Kind::RenameKeyword {
                callables,
                old: old_keyword,
                new: new_keyword,
                value,
                ..
            } => {
                // The fix writes these on every release it is for: the new
                // one, and the old one too (`requires` is below the break).
                for name in written_names(value) {
                    for (version, api) in [(new_version, new), (old_version, old)] {
                        if api.exists(&name) {
                            say(
                                Severity::Ok,
                                format!("`{name}`, which the fix writes, exists in {version}"),
                            );
                        } else {
                            say(
                                Severity::Fail,
                                format!(
                                    "`{name}`, which the fix writes, does not exist in {version}"
                                ),
                            );
                        }
                    }
                }
                for callable in callables.iter().filter(|c| applies(c, new_version)) {
                    let name = &callable.name;
                    if !new.exists(name) {
                        say(
                            Severity::Fail,
                            format!("`{name}` does not exist in {new_version}"),
                        );
                        continue;
                    }
                    match new.takes_keyword(name, new_keyword) {
                        Some(true) => say(
                            Severity::Ok,
                            format!("`{name}` takes `{new_keyword}` in {new_version}"),
                        ),
                        Some(false) => say(
                            Severity::Fail,
                            format!("`{name}` takes no `{new_keyword}` in {new_version}"),
                        ),
                        None => say(
                            Severity::Note,
                            format!("`{name}` in {new_version} names no `{new_keyword}`; only its `**kwargs` would take it"),
                        ),
                    }
                    if new.takes_keyword(name, old_keyword) == Some(true) {
                        say(
                            Severity::Fail,
                            format!("`{name}` still takes `{old_keyword}` by name in {new_version}: nothing to rename there"),
                        );
                    }
                }
                took_somewhere(&mut say, callables, old_keyword, old_version, old);
            }
            Kind::RemoveKeyword {
                callables,
                keywords,
                ..
            } => {
                for removed in keywords {
                    gone_in_new(
                        &mut say,
                        callables,
                        &removed.name,
                        new_version,
                        new,
                        &applies,
                    );
                    took_somewhere(&mut say, callables, &removed.name, old_version, old);
                }
            }
            Kind::FlagKeyword { callables, keyword } => {
                gone_in_new(&mut say, callables, keyword, new_version, new, &applies);
                took_somewhere(&mut say, callables, keyword, old_version, old);
            }
            Kind::MoveName { moves } => {
                for (old_name, new_name) in moves {
                    // `a.new_mod` written for `a.old_mod` needs `import
                    // a.new_mod`, which move-name does not add for a name
                    // it cannot tell is a module.
                    if new.is_module(new_name) {
                        say(
                            Severity::Fail,
                            format!("`{new_name}` is a module in {new_version}: move-name moves classes, functions and values; flag the old module instead"),
                        );
                    }
                    moved(
                        &mut say,
                        old_name,
                        new_name,
                        (old_version, old),
                        (new_version, new),
                    );
                }
            }
            Kind::RenameMethod { classes, renames } => {
                for (class, rename) in classes
                    .iter()
                    .flat_map(|class| renames.iter().map(move |rename| (class, rename)))
                {
                    let (old_method, new_method) = (&rename.old, &rename.new);
                    let old_name = format!("{class}.{old_method}");
                    let new_name = format!("{class}.{new_method}");
                    moved(
                        &mut say,
                        &old_name,
                        &new_name,
                        (old_version, old),
                        (new_version, new),
                    );
                }
            }
            Kind::ReplaceCall { callables, .. } => {
                // The template is code: its names are proved by the
                // fixtures that run it. Here: the callables were there.
                for callable in callables.iter().filter(|c| applies(c, old_version)) {
                    let name = &callable.name;
                    if old.exists(name) {
                        say(Severity::Ok, format!("`{name}` exists in {old_version}"));
                    } else {
                        say(
                            Severity::Fail,
                            format!("`{name}` does not exist in {old_version}: nothing to replace"),
                        );
                    }
                }
            }
            Kind::FlagMethod { classes, methods } => {
                for class in classes {
                    for method in methods {
                        let name = format!("{class}.{method}");
                        gone(&mut say, &name, (old_version, old), (new_version, new));
                    }
                }
            }
            Kind::FlagName { names, .. } => {
                for name in names {
                    gone(&mut say, name, (old_version, old), (new_version, new));
                }
            }
        }
    }
    verdicts
}

/// A release and what it says about names.
type Installed<'a> = (&'a Version, &'a dyn Api);

/// `old_name` exists on the old release, and `new_name`, which the fix
/// writes, on the new one; `old_name` still there is a note.
fn moved(
    say: &mut impl FnMut(Severity, String),
    old_name: &str,
    new_name: &str,
    (old_version, old): Installed<'_>,
    (new_version, new): Installed<'_>,
) {
    if old.exists(old_name) {
        say(
            Severity::Ok,
            format!("`{old_name}` exists in {old_version}"),
        );
    } else {
        say(
            Severity::Fail,
            format!("`{old_name}` does not exist in {old_version}: nothing to move"),
        );
    }
    if new.exists(new_name) {
        say(
            Severity::Ok,
            format!("`{new_name}` exists in {new_version}"),
        );
    } else {
        say(
            Severity::Fail,
            format!("`{new_name}`, which the fix writes, does not exist in {new_version}"),
        );
    }
    if new.exists(old_name) {
        say(
            Severity::Note,
            format!("`{old_name}` still exists in {new_version} (a deprecated alias?)"),
        );
    }
}

/// A flagged `name` exists on the old release and is gone on the new one
/// (still there is a note: deprecated, not removed yet).
fn gone(
    say: &mut impl FnMut(Severity, String),
    name: &str,
    (old_version, old): Installed<'_>,
    (new_version, new): Installed<'_>,
) {
    if old.exists(name) {
        say(Severity::Ok, format!("`{name}` exists in {old_version}"));
    } else {
        say(
            Severity::Fail,
            format!("`{name}` does not exist in {old_version}: nothing to flag"),
        );
    }
    if new.exists(name) {
        say(
            Severity::Note,
            format!("`{name}` still exists in {new_version}"),
        );
    } else {
        say(Severity::Ok, format!("`{name}` is gone in {new_version}"));
    }
}

/// Every callable the rule is about exists in the new release and no
/// longer names `keyword`.
fn gone_in_new(
    say: &mut impl FnMut(Severity, String),
    callables: &[Callable],
    keyword: &str,
    version: &Version,
    api: &dyn Api,
    applies: &dyn Fn(&Callable, &Version) -> bool,
) {
    for callable in callables.iter().filter(|c| applies(c, version)) {
        let name = &callable.name;
        if !api.exists(name) {
            say(
                Severity::Fail,
                format!("`{name}` does not exist in {version}"),
            );
        } else if api.takes_keyword(name, keyword) == Some(true) {
            say(
                Severity::Fail,
                format!("`{name}` still takes `{keyword}` by name in {version}"),
            );
        } else {
            say(
                Severity::Ok,
                format!("`{name}` names no `{keyword}` in {version}"),
            );
        }
    }
}

/// The dotted names a `value` template spells from its `imports`
/// (`httpx.ASGITransport` in `httpx.ASGITransport(app={value})`).
fn written_names(value: &NewValue) -> Vec<String> {
    let Some(template) = &value.template else {
        return Vec::new();
    };
    let mut names = Vec::new();
    let bytes = template.as_bytes();
    let is_name_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'.';
    let mut start = 0;
    while start < bytes.len() {
        if !is_name_byte(bytes[start]) || bytes[start] == b'.' {
            start += 1;
            continue;
        }
        let mut end = start;
        while end < bytes.len() && is_name_byte(bytes[end]) {
            end += 1;
        }
        let chain = template[start..end].trim_end_matches('.');
        let preceded_by_dot = start > 0 && bytes[start - 1] == b'.';
        if !preceded_by_dot
            && value.imports.iter().any(|module| {
                chain.len() > module.len() && chain.starts_with(&format!("{module}."))
            })
        {
            names.push(chain.to_string());
        }
        start = end;
    }
    names.sort();
    names.dedup();
    names
}

/// Some callable took `keyword` by name on the old release: otherwise the
/// rule is about a keyword nobody ever passed.
fn took_somewhere(
    say: &mut impl FnMut(Severity, String),
    callables: &[Callable],
    keyword: &str,
    version: &Version,
    api: &dyn Api,
) {
    let takers: Vec<&str> = callables
        .iter()
        .filter(|c| api.takes_keyword(&c.name, keyword) == Some(true))
        .map(|c| c.name.as_str())
        .collect();
    match takers.first() {
        Some(first) => say(
            Severity::Ok,
            format!("`{first}` takes `{keyword}` in {version}"),
        ),
        None => say(
            Severity::Note,
            format!("no callable names `{keyword}` in {version}: was it ever taken?"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_template_s_names_are_those_under_its_imports() {
        let value = |template: &str, imports: &[&str]| NewValue {
            template: Some(template.to_string()),
            imports: imports.iter().map(|m| m.to_string()).collect(),
            mapping_entry: None,
        };
        assert_eq!(
            written_names(&value("httpx.ASGITransport(app={value})", &["httpx"])),
            vec!["httpx.ASGITransport"]
        );
        assert_eq!(
            written_names(&value(
                "a.b.C(x={value}, y=a.D, z=other.a.E, w=ab.F).g",
                &["a.b", "a"]
            )),
            vec!["a.D", "a.b.C"]
        );
        assert!(written_names(&value("{value}", &[])).is_empty());
        assert!(written_names(&NewValue::default()).is_empty());
    }
}
