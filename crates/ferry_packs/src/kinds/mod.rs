//! The rule kinds. A [`DataRule`] is one rule of a pack file: its identity
//! (code, name, doc, the releases it is about) and its [`Kind`], whose
//! checks live one kind per file here. Every kind matches names resolved
//! through the file's imports and scopes, never text.

mod calls;
mod flag_name;
mod keywords;
mod move_name;

use ferry_engine::{Checker, Release, Rule};
use ferry_python::ast::{Expr, ModModule, Stmt};

use crate::format::{Kind, RuleSpec};

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
    pub(crate) opt_in: bool,
    pub(crate) kind: Kind,
    /// The words a file must spell for the rule to find anything.
    pub(crate) words: Vec<&'static str>,
    /// For `move-name`: the last part of every old name.
    pub(crate) move_names: Vec<&'static str>,
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
            Kind::RemoveKeyword { keyword, .. } | Kind::FlagKeyword { keyword, .. } => {
                vec![leak(keyword.as_str())]
            }
            Kind::MoveName { moves } => moves.iter().map(|(old, _)| leak(last_part(old))).collect(),
            Kind::FlagName { names } => names.iter().map(|n| leak(last_part(n))).collect(),
        };
        words.sort_unstable();
        words.dedup();
        let move_names = match &spec.kind {
            Kind::MoveName { .. } => words.clone(),
            _ => Vec::new(),
        };
        let mut doc = spec.summary.clone();
        if !spec.doc.is_empty() {
            doc.push_str("\n\n");
            doc.push_str(&spec.doc);
        }
        if let Some(source) = &spec.source {
            doc.push_str(&format!("\n\n## Source\n{source}"));
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
            opt_in: spec.opt_in,
            kind: spec.kind.clone(),
            words,
            move_names,
        }
    }

    /// The pack's message if it has one, else the kind's.
    fn message(&self, default: impl FnOnce() -> String) -> String {
        self.message.clone().unwrap_or_else(default)
    }

    /// The pack's fix title if it has one, else the kind's.
    fn title(&self, default: impl FnOnce() -> String) -> String {
        self.title.clone().unwrap_or_else(default)
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

    fn words(&self) -> &[&str] {
        &self.words
    }

    fn doc(&self) -> Option<&str> {
        Some(&self.doc)
    }

    fn check_module(&self, module: &ModModule, checker: &mut Checker<'_>) {
        if let Kind::MoveName { moves } = &self.kind {
            move_name::check(self, moves, module, checker);
        }
    }

    fn check_stmt(&self, stmt: &Stmt, checker: &mut Checker<'_>) {
        if let Kind::FlagName { names } = &self.kind {
            flag_name::check_import(self, names, stmt, checker);
        }
    }

    fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
        match &self.kind {
            Kind::RenameKeyword {
                callables,
                old,
                new,
            } => keywords::rename(self, callables, old, new, expr, checker),
            Kind::RemoveKeyword { callables, keyword } => {
                keywords::remove(self, callables, keyword, expr, checker)
            }
            Kind::FlagKeyword { callables, keyword } => {
                keywords::flag(self, callables, keyword, expr, checker)
            }
            Kind::FlagName { names } => flag_name::check_reference(self, names, expr, checker),
            Kind::MoveName { .. } => {}
        }
    }
}
