//! The [`Rule`] trait, the [`Checker`] rules report through, and [`Pack`]s.

use ferry_python::ast::{Expr, ModModule, Stmt};
use ferry_python::{SemanticModel, TextRange};

use crate::finding::{Finding, Fix};
use crate::settings::Settings;

/// One migration rule. A rule looks at the nodes it cares about and reports
/// through the [`Checker`]; it never sees the disk or other files.
///
/// Rules should test cheap things first (a keyword's name) and resolve names
/// only then: resolution walks scopes, keyword comparison does not.
pub trait Rule: Send + Sync + 'static {
    /// Stable code, never reused, e.g. `WS001`.
    fn code(&self) -> &'static str;
    /// Names the old pattern, e.g. `ConnectExtraHeaders`.
    fn name(&self) -> &'static str;
    /// Opt-in rules (a change many projects do not want by default, such as
    /// moving explicit legacy imports) run only when `--select` names their code.
    fn default_enabled(&self) -> bool {
        true
    }
    /// Called once per file before the walk, for rules that need a view of
    /// the whole module (e.g. which functions are passed to `serve`).
    fn check_module(&self, _module: &ModModule, _checker: &mut Checker<'_>) {}
    fn check_expr(&self, _expr: &Expr, _checker: &mut Checker<'_>) {}
    fn check_stmt(&self, _stmt: &Stmt, _checker: &mut Checker<'_>) {}
}

/// A rule with the documentation taken from its own source file.
#[derive(Clone, Copy)]
pub struct RegisteredRule {
    pub rule: &'static dyn Rule,
    /// The rule file's text; its leading `//!` lines are the rule's documentation.
    pub source: &'static str,
}

impl RegisteredRule {
    pub fn code(&self) -> &'static str {
        self.rule.code()
    }

    /// The rule's documentation: the leading `//!` comment of its file.
    pub fn doc(&self) -> String {
        let mut doc = String::new();
        for line in self.source.lines() {
            let Some(text) = line.strip_prefix("//!") else {
                break;
            };
            doc.push_str(text.strip_prefix(' ').unwrap_or(text));
            doc.push('\n');
        }
        doc.trim().to_string()
    }

    /// The first paragraph of the documentation, on one line.
    pub fn summary(&self) -> String {
        let doc = self.doc();
        let first = doc.split("\n\n").next().unwrap_or_default();
        first.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// The rules for one library, and the words that make a file worth parsing.
pub struct Pack {
    pub name: &'static str,
    pub summary: &'static str,
    /// The distribution whose version decides what the rules mean (`websockets`).
    pub library: &'static str,
    pub rules: &'static [RegisteredRule],
    /// A file that contains none of these bytes (nor a mention word) cannot
    /// have a finding: it is never parsed.
    pub triggers: &'static [&'static str],
    /// Words reported as mentions when they appear in comments and strings.
    pub mention_words: &'static [&'static str],
}

/// What a rule sees while checking one file, and where it reports.
pub struct Checker<'a> {
    pub source: &'a str,
    pub module: &'a ModModule,
    pub semantic: &'a SemanticModel<'a>,
    pub settings: &'a Settings,
    /// The code of the rule running now, stamped on what it reports.
    pub(crate) code: &'static str,
    pub(crate) findings: Vec<Finding>,
}

impl Checker<'_> {
    /// Reports a finding of the running rule.
    pub fn report(&mut self, range: TextRange, message: impl Into<String>, fix: Option<Fix>) {
        self.findings.push(Finding {
            code: self.code,
            message: message.into(),
            range,
            fix,
        });
    }

    /// The source text of a range.
    pub fn text(&self, range: TextRange) -> &str {
        &self.source[range]
    }
}
