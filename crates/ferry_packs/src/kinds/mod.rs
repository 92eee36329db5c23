//! The rule kinds. A [`DataRule`] is one rule of a pack file: its identity
//! (code, name, doc, the releases it is about) and its [`Kind`], whose
//! checks live one kind per file here. Every kind matches names resolved
//! through the file's imports and scopes, never text.

mod calls;
mod flag_name;
mod keywords;
mod move_name;
mod rename_method;
mod replace_call;

use ferry_engine::{Checker, Release, Rule};
use ferry_python::ast::{Expr, ModModule, Stmt};

use crate::format::{ExtraMessages, Kind, RuleSpec};

/// One rule of a data pack, run by the engine like a Rust rule.
pub struct DataRule {
    pub(crate) code: &'static str,
    pub(crate) name: &'static str,
    /// The summary, then the documentation: what `ferry explain` shows.
    pub(crate) doc: String,
    pub(crate) library: String,
    pub(crate) since: Release,
    pub(crate) requires: Release,
    pub(crate) message: Option<String>,
    pub(crate) title: Option<String>,
    pub(crate) messages: ExtraMessages,
    pub(crate) opt_in: bool,
    /// A drafted rule's `review`: its findings get no fix.
    pub(crate) review: Option<&'static str>,
    pub(crate) kind: Kind,
    /// The words a file must spell for the rule to find anything (for
    /// `move-name`, the last part of every old name).
    pub(crate) words: Vec<&'static str>,
    /// For each name the rule is about, its word and the name's first part:
    /// every way to reach it imports its top-level module, so spells both
    /// ([`Rule::word_pairs`]).
    pub(crate) word_pairs: Vec<(&'static str, &'static str)>,
    /// The qualified names the rule resolves calls, references and, for
    /// the kinds about methods, the instances' classes to
    /// ([`Rule::referenced_names`]).
    pub(crate) referenced_names: Vec<&'static str>,
}

/// What a message template may name (see [`crate::format::PLACEHOLDERS`]).
#[derive(Default)]
pub(crate) struct Vars<'v> {
    pub callee: &'v str,
    pub candidates: &'v str,
    /// The old keyword (`{old}`, `{keyword}`).
    pub old: &'v str,
    pub new: &'v str,
    /// The call's message, for the messages of its other situations.
    pub message: &'v str,
    /// A mapping the new keyword does not take, rewritten (`message-mapping`).
    pub mapping: &'v str,
}

/// Gives a string the life of the process: a pack is loaded once per run
/// and its rules live until the end, as the built-in ones do.
pub(crate) fn leak(text: impl Into<String>) -> &'static str {
    Box::leak(text.into().into_boxed_str())
}

fn last_part(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

impl DataRule {
    pub(crate) fn new(spec: &RuleSpec, library: &str) -> Self {
        let mut words: Vec<&'static str> = match &spec.kind {
            Kind::RenameKeyword { old, .. } => vec![leak(old.as_str())],
            Kind::RemoveKeyword { keywords, .. } => {
                keywords.iter().map(|k| leak(k.name.as_str())).collect()
            }
            Kind::FlagKeyword { keyword, .. } => vec![leak(keyword.as_str())],
            Kind::MoveName { moves } => moves.iter().map(|(old, _)| leak(last_part(old))).collect(),
            Kind::FlagName { names, .. } => names.iter().map(|n| leak(last_part(n))).collect(),
            Kind::RenameMethod { renames, .. } => {
                renames.iter().map(|r| leak(r.old.as_str())).collect()
            }
            Kind::FlagMethod { methods, .. } => methods.iter().map(|m| leak(m.as_str())).collect(),
            Kind::ReplaceCall { callables, .. } => {
                callables.iter().map(|c| leak(last_part(&c.name))).collect()
            }
        };
        words.sort_unstable();
        words.dedup();
        let first_part = |name: &str| leak(name.split('.').next().unwrap_or(name));
        let pair = |word: &str, name: &str| (leak(word), first_part(name));
        let mut word_pairs: Vec<(&'static str, &'static str)> = match &spec.kind {
            Kind::RenameKeyword { callables, old, .. } => {
                callables.iter().map(|c| pair(old, &c.name)).collect()
            }
            Kind::RemoveKeyword {
                callables,
                keywords,
                ..
            } => callables
                .iter()
                .flat_map(|c| keywords.iter().map(|k| pair(&k.name, &c.name)))
                .collect(),
            Kind::FlagKeyword { callables, keyword } => {
                callables.iter().map(|c| pair(keyword, &c.name)).collect()
            }
            Kind::ReplaceCall { callables, .. } => callables
                .iter()
                .map(|c| pair(last_part(&c.name), &c.name))
                .collect(),
            Kind::MoveName { moves } => moves
                .iter()
                .map(|(old, _)| pair(last_part(old), old))
                .collect(),
            Kind::FlagName { names, .. } => names.iter().map(|n| pair(last_part(n), n)).collect(),
            Kind::RenameMethod { classes, renames } => classes
                .iter()
                .flat_map(|c| renames.iter().map(|r| pair(&r.old, c)))
                .collect(),
            Kind::FlagMethod { classes, methods } => classes
                .iter()
                .flat_map(|c| methods.iter().map(|m| pair(m, c)))
                .collect(),
        };
        word_pairs.sort_unstable();
        word_pairs.dedup();
        let mut referenced_names: Vec<&'static str> = match &spec.kind {
            Kind::RenameKeyword { callables, .. }
            | Kind::RemoveKeyword { callables, .. }
            | Kind::FlagKeyword { callables, .. }
            | Kind::ReplaceCall { callables, .. } => {
                callables.iter().map(|c| leak(c.name.as_str())).collect()
            }
            Kind::MoveName { moves } => moves.iter().map(|(old, _)| leak(old.as_str())).collect(),
            Kind::FlagName { names, .. } => names.iter().map(|n| leak(n.as_str())).collect(),
            // An instance is proven by its class, reached as a base or a
            // constructor.
            Kind::RenameMethod { classes, .. } | Kind::FlagMethod { classes, .. } => {
                classes.iter().map(|c| leak(c.as_str())).collect()
            }
        };
        referenced_names.sort_unstable();
        referenced_names.dedup();
        let mut doc = spec.summary.clone();
        if !spec.doc.is_empty() {
            doc.push_str("\n\n");
            doc.push_str(&spec.doc);
        }
        if let Some(source) = &spec.source {
            doc.push_str(&format!("\n\n## Source\n{source}"));
        }
        if let Some(review) = &spec.review {
            doc.push_str(&format!(
                "\n\n## Review\nA drafted rule, not reviewed yet: {review}. Its findings are review items, and no fix of it is applied until `review` is removed from the pack."
            ));
        }
        Self {
            code: leak(spec.code.as_str()),
            name: leak(spec.name.as_str()),
            doc,
            library: library.to_string(),
            since: spec.since,
            requires: spec.requires,
            message: spec.message.clone(),
            title: spec.title.clone(),
            messages: spec.messages.clone(),
            opt_in: spec.opt_in,
            review: spec.review.as_deref().map(leak),
            kind: spec.kind.clone(),
            words,
            word_pairs,
            referenced_names,
        }
    }

    /// The pack's message if it has one (rendered), else the kind's.
    fn message(&self, vars: &Vars<'_>, default: impl FnOnce() -> String) -> String {
        match &self.message {
            Some(template) => self.render(template, vars),
            None => default(),
        }
    }

    /// The pack's fix title if it has one (rendered), else the kind's.
    fn title(&self, vars: &Vars<'_>, default: impl FnOnce() -> String) -> String {
        match &self.title {
            Some(template) => self.render(template, vars),
            None => default(),
        }
    }

    /// A template with its placeholders filled (the format checked that
    /// each is one of [`crate::format::PLACEHOLDERS`]).
    fn render(&self, template: &str, vars: &Vars<'_>) -> String {
        let since = self.since.to_string();
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(open) = rest.find(['{', '}']) {
            out.push_str(&rest[..open]);
            let after = &rest[open..];
            if after.starts_with("{{") || after.starts_with("}}") {
                out.push_str(&after[..1]);
                rest = &after[2..];
                continue;
            }
            let Some(close) = after.find('}').filter(|_| after.starts_with('{')) else {
                out.push_str(&after[..1]);
                rest = &after[1..];
                continue;
            };
            let value = match &after[1..close] {
                "callee" => vars.callee,
                "candidates" => vars.candidates,
                "old" | "keyword" => vars.old,
                "new" => vars.new,
                "message" => vars.message,
                "mapping" => vars.mapping,
                "library" => self.library.as_str(),
                "since" => since.as_str(),
                _ => &after[..=close],
            };
            out.push_str(value);
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        out
    }

    /// "websockets 14.0", for messages.
    fn since_text(&self) -> String {
        format!("{} {}", self.library, self.since)
    }
}

impl Rule for DataRule {
    fn code(&self) -> &'static str {
        self.code
    }

    fn name(&self) -> &'static str {
        self.name
    }

    fn default_enabled(&self) -> bool {
        !self.opt_in
    }

    fn applies_from(&self) -> Option<Release> {
        Some(self.since)
    }

    fn review(&self) -> Option<&str> {
        self.review
    }

    fn words(&self) -> &[&str] {
        &self.words
    }

    fn word_pairs(&self) -> &[(&str, &str)] {
        &self.word_pairs
    }

    fn referenced_names(&self) -> &[&str] {
        &self.referenced_names
    }

    fn doc(&self) -> Option<&str> {
        Some(&self.doc)
    }

    fn check_module(&self, module: &ModModule, checker: &mut Checker<'_>) {
        match &self.kind {
            Kind::MoveName { moves } => move_name::check(self, moves, module, checker),
            // One walk per method the file spells (the gate only says
            // that one of them is).
            Kind::RenameMethod { classes, renames } => {
                for rename in renames
                    .iter()
                    .filter(|r| checker.source.contains(r.old.as_str()))
                {
                    rename_method::check(self, classes, &rename.old, Some(rename), module, checker);
                }
            }
            Kind::FlagMethod { classes, methods } => {
                for method in methods
                    .iter()
                    .filter(|m| checker.source.contains(m.as_str()))
                {
                    rename_method::check(self, classes, method, None, module, checker);
                }
            }
            _ => {}
        }
    }

    fn check_stmt(&self, stmt: &Stmt, checker: &mut Checker<'_>) {
        if let Kind::FlagName { names, messages } = &self.kind {
            flag_name::check_import(self, names, messages, stmt, checker);
        }
    }

    fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
        match &self.kind {
            Kind::RenameKeyword {
                callables,
                old,
                new,
                when_both,
                keyword_dicts,
                value,
            } => {
                keywords::rename(self, callables, old, new, *when_both, value, expr, checker);
                if *keyword_dicts {
                    keywords::rename_in_spread(self, callables, old, new, value, expr, checker);
                }
            }
            Kind::RemoveKeyword {
                callables,
                keywords: removed,
                safe,
            } => keywords::remove(self, callables, removed, *safe, expr, checker),
            Kind::FlagKeyword { callables, keyword } => {
                keywords::flag(self, callables, keyword, expr, checker)
            }
            Kind::FlagName { names, messages } => {
                flag_name::check_reference(self, names, messages, expr, checker)
            }
            Kind::ReplaceCall { callables, replace } => {
                replace_call::check(self, callables, replace, expr, checker)
            }
            Kind::MoveName { .. } | Kind::RenameMethod { .. } | Kind::FlagMethod { .. } => {}
        }
    }
}
