//! The [`Rule`] trait, the [`Checker`] rules report through, and [`Pack`]s.

use std::sync::OnceLock;

use ferry_python::ast::{Expr, ModModule, Stmt};
use ferry_python::{SemanticModel, TextRange};

use crate::check::{Matcher, Prefilter};
use crate::finding::{Finding, Fix};
use crate::settings::{Release, Settings};
use crate::spelling::{Imports, Spelling};

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
    /// Whether the rule reports only where a name is bound by an import of
    /// the pack's library (the default): it is skipped in modules that import
    /// none of [`Pack::packages`], which is most files the pack's words are
    /// found in (another library's keyword, a comment). A rule that guesses
    /// from names (`ws.open`) or reads strings says `false`. Debug builds
    /// run skipped rules anyway and panic if one reports.
    fn needs_library_import(&self) -> bool {
        true
    }
    /// The first release of the pack's library on which what this rule
    /// finds is a break. The engine drops the rule's findings in files whose
    /// target (from their pins, or `--target`) is older, so no rule checks
    /// versions itself. `None`: the pack's breaking release
    /// ([`Migration::breaking_since`]); `Some(Release::new(0, 0))`: always.
    fn applies_from(&self) -> Option<Release> {
        None
    }
    /// For a rule about code written for a *newer* release than the
    /// project allows (the new API under a pin below the breaking release):
    /// the first release on which what it finds is fine. The engine skips
    /// the rule in files whose target is that release or newer (the newest,
    /// when nothing is pinned). Its findings ask for the requirement to be
    /// raised, which `ferry fix --unsafe-fixes` does.
    fn applies_below(&self) -> Option<Release> {
        None
    }
    /// Words one of which a file must contain, as a whole identifier, for
    /// this rule to find anything in it: a keyword's name, the last part of
    /// a qualified name (every way to reach `a.b.f` spells `f` somewhere in
    /// the file). `&[]`, the default, promises nothing: the rule runs in
    /// every file that has its pack's words. The engine looks for every
    /// rule's words in one pass ([`RuleGate`]), so a pack of a thousand such
    /// rules costs a file the rules whose words it contains, not a thousand.
    fn words(&self) -> &[&str] {
        &[]
    }
    /// Pairs of a word and a top-level package, one of which a file must
    /// meet for this rule to find anything: spell the word (as a whole
    /// identifier) and import the package (every way to reach
    /// `collections.Mapping` spells `Mapping` and imports `collections`;
    /// `typing.Mapping` alone does not). Each pair's word is one of
    /// [`Rule::words`]. `&[]`, the default, asks for no pair.
    fn word_pairs(&self) -> &[(&str, &str)] {
        &[]
    }
    /// Qualified names (`collections.Mapping`, or a top-level module:
    /// `chunk`) one of which a file must be able to refer to for this rule
    /// to find anything, besides spelling its words: the rule reports only
    /// what the semantic model resolves to one of them. Judged from the
    /// bytes before parsing (`from collections import Mapping`,
    /// `collections.Mapping`, `alias.Mapping`, `import chunk`), never
    /// skipping a file that could refer to one. `&[]`, the default, asks
    /// for none.
    fn referenced_names(&self) -> &[&str] {
        &[]
    }
    /// The rule's documentation, for rules that do not live in a Rust file
    /// of their own (a data pack's): Markdown whose first paragraph is the
    /// one-line summary. `None`: read from [`RegisteredRule::source`].
    fn doc(&self) -> Option<&str> {
        None
    }
    /// A drafted rule no human has checked yet (`review` in a pack file):
    /// what to check. The engine turns its findings into review items, so
    /// no command applies its fixes until the rule is reviewed.
    fn review(&self) -> Option<&str> {
        None
    }
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

    /// The rule's documentation: the rule's own ([`Rule::doc`]), else the
    /// leading `//!` comment of its file.
    pub fn doc(&self) -> String {
        if let Some(doc) = self.rule.doc() {
            return doc.trim().to_string();
        }
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

/// The rules for one library, the words that make a file worth parsing,
/// and the library's facts that code outside the rules reads as data: the
/// pins (`ferry_workspace`) and `ferry doctor`'s probe (`ferry_verify`, fed
/// by the CLI). Neither knows any library; a new pack brings its own.
pub struct Pack {
    pub name: &'static str,
    pub summary: &'static str,
    /// The distribution whose version decides what the rules mean (`websockets`).
    pub library: &'static str,
    pub rules: &'static [RegisteredRule],
    /// A file that contains none of these bytes (nor a mention word) cannot
    /// have a finding: the rules do not look at it, and the prefilter does
    /// not even parse it.
    pub triggers: &'static [&'static str],
    /// Words reported as mentions when they appear in comments and strings.
    pub mention_words: &'static [&'static str],
    /// The top-level packages the library is imported as (`websockets`):
    /// see [`Rule::needs_library_import`]. A pack with rules must list
    /// them; with none, its rules that need an import never run.
    pub packages: &'static [&'static str],
    /// The release the migration is for. `None`: the project's pins are
    /// not read for this library (every file gets the run's target).
    pub migration: Option<Migration>,
    /// What `ferry doctor` asks the installed library. `None`: doctor
    /// leaves the pack out.
    pub probe: Option<ProbeSpec>,
    /// Which rules a text has the words of, built from the rules' own
    /// [`Rule::words`] the first time it is asked.
    pub gate: RuleGate,
}

/// One search for the words of every rule of a pack that declares some
/// ([`Rule::words`]): which rules can find something in a text.
pub struct RuleGate(OnceLock<Option<WordIndex>>, OnceLock<Prefilter>);

/// The words of a pack's rules, and which rules each word lets run.
struct WordIndex {
    /// Every word, by pattern id.
    words: Vec<&'static str>,
    /// For each rule, its [`Rule::words`] as pattern ids.
    words_of_rule: Vec<Vec<usize>>,
    /// The top-level packages of the rules' pairs and names, sorted.
    packages: Vec<&'static str>,
    /// For each rule, its [`Rule::word_pairs`] (word as a pattern id,
    /// package as an index in `packages`); empty: none asked for.
    pairs_of_rule: Vec<Vec<(usize, usize)>>,
    /// Every rule's [`Rule::referenced_names`], each with the pattern id of
    /// its last part and its package's index in `packages`.
    names: Vec<(usize, usize, &'static str)>,
    /// For each rule, its names in `names`; empty: none asked for.
    names_of_rule: Vec<std::ops::Range<usize>>,
    /// The rules with no words, which always run.
    always: Vec<usize>,
    /// A search for each set of wanted words met so far (by pattern ids):
    /// files that import the same packages want the same words, and one
    /// pass of a searcher for just those (Teddy, mostly) beats a pass per
    /// word or the automaton for all of them.
    searches: std::sync::Mutex<std::collections::HashMap<Vec<usize>, std::sync::Arc<Matcher>>>,
}

/// Up to this many wanted words, a text is searched for one at a time
/// (measured: with 3, the memmem passes cost more than the builds saved).
const FEW_WORDS: usize = 1;

/// At most this many sets of wanted words get a search kept for the files
/// that want them again (one takes about 0.3M instructions to build, and a
/// few KB); the benchmark's 18,812-file tree asks for 328.
const SEARCHES: usize = 1024;

impl RuleGate {
    pub const fn new() -> Self {
        Self(OnceLock::new(), OnceLock::new())
    }

    /// Whether one of `words` (a pack's triggers and mention words) is in
    /// `text` as a whole word: one search, built the first time, with the
    /// byte prefilter's matcher.
    pub(crate) fn any_in<'w>(&self, words: impl FnOnce() -> Vec<&'w str>, text: &str) -> bool {
        self.1
            .get_or_init(|| Prefilter::of_words(&words()))
            .has_word(text.as_bytes())
    }

    /// Which of `rules` can find something in `text`, by index; `None`: all
    /// of them (no rule declares words).
    ///
    /// Only the words of rules whose packages and names the imports reach
    /// are looked for: most files reach none of a pack's, or a few.
    pub(crate) fn rules_in(&self, rules: &[RegisteredRule], text: &str) -> Option<Vec<bool>> {
        let index = self.0.get_or_init(|| WordIndex::new(rules)).as_ref()?;
        // Only the imports of the rules' packages are kept.
        let imported = Imports::of_packages(text, Some(&index.packages));
        // Most files import none of a pack's packages, or a few: each is
        // looked up once, and a name only under one that is.
        let imports: Vec<bool> = index
            .packages
            .iter()
            .map(|package| imported.imports_package(package))
            .collect();
        let reached: Vec<bool> = index
            .names
            .iter()
            .map(|&(_, package, name)| imports[package] && imported.may_reach(name))
            .collect();
        // The rules that can run given the imports, and the words that
        // then decide.
        let mut candidate = vec![false; rules.len()];
        let mut wanted = vec![false; index.words.len()];
        for (rule, candidate) in candidate.iter_mut().enumerate() {
            let (pairs, names) = (
                &index.pairs_of_rule[rule],
                index.names_of_rule[rule].clone(),
            );
            if index.words_of_rule[rule].is_empty()
                || !names.is_empty() && !reached[names.clone()].contains(&true)
                || !pairs.is_empty() && !pairs.iter().any(|&(_, package)| imports[package])
            {
                continue;
            }
            *candidate = true;
            if pairs.is_empty() {
                for &word in &index.words_of_rule[rule] {
                    wanted[word] = true;
                }
            }
            for &(word, package) in pairs {
                wanted[word] |= imports[package];
            }
            for name in names {
                wanted[index.names[name].0] |= reached[name];
            }
        }
        let seen = index.seen(text, &wanted);
        let spelling = Spelling::new(text);
        let mut present = vec![false; rules.len()];
        for &rule in &index.always {
            present[rule] = true;
        }
        for rule in (0..rules.len()).filter(|&rule| candidate[rule]) {
            let (pairs, names) = (
                &index.pairs_of_rule[rule],
                index.names_of_rule[rule].clone(),
            );
            let spelled = if pairs.is_empty() {
                index.words_of_rule[rule].iter().any(|&word| seen[word])
            } else {
                pairs
                    .iter()
                    .any(|&(word, package)| seen[word] && imports[package])
            };
            present[rule] = spelled
                && (names.is_empty()
                    || names.into_iter().any(|name| {
                        let (word, _, qualified) = index.names[name];
                        reached[name] && seen[word] && spelling.may_refer_to(qualified)
                    }));
        }
        Some(present)
    }
}

impl Default for RuleGate {
    fn default() -> Self {
        Self::new()
    }
}

impl WordIndex {
    fn new(rules: &[RegisteredRule]) -> Option<Self> {
        let mut words: Vec<&'static str> = Vec::new();
        // Each word's pattern id: a search of `words` per word made a pack
        // of a thousand rules spend 13M instructions here.
        let mut ids: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        let mut id_of = |word: &'static str, words: &mut Vec<&'static str>| {
            *ids.entry(word).or_insert_with(|| {
                words.push(word);
                words.len() - 1
            })
        };
        let top = |name: &'static str| name.split('.').next().unwrap_or(name);
        let mut packages: Vec<&'static str> = rules
            .iter()
            .flat_map(|r| {
                let pairs = r.rule.word_pairs().iter().map(|&(_, package)| package);
                pairs.chain(r.rule.referenced_names().iter().map(|&name| top(name)))
            })
            .collect();
        packages.sort_unstable();
        packages.dedup();
        let package_of = |package: &str| {
            packages
                .binary_search(&package)
                .expect("every rule's packages are collected above")
        };
        let mut always = Vec::new();
        let mut words_of_rule = Vec::new();
        let mut pairs_of_rule = Vec::new();
        let mut all_names = Vec::new();
        let mut names_of_rule = Vec::new();
        for (index, registered) in rules.iter().enumerate() {
            let rule_words = registered.rule.words();
            if rule_words.is_empty() {
                always.push(index);
            }
            words_of_rule.push(
                rule_words
                    .iter()
                    .map(|word| id_of(word, &mut words))
                    .collect(),
            );
            let pairs = registered.rule.word_pairs();
            pairs_of_rule.push(
                pairs
                    .iter()
                    .map(|&(word, package)| (id_of(word, &mut words), package_of(package)))
                    .collect(),
            );
            let first = all_names.len();
            for &name in registered.rule.referenced_names() {
                let last = name.rsplit('.').next().unwrap_or(name);
                all_names.push((id_of(last, &mut words), package_of(top(name)), name));
            }
            names_of_rule.push(first..all_names.len());
        }
        if words.is_empty() {
            return None;
        }
        Some(Self {
            words,
            words_of_rule,
            packages,
            pairs_of_rule,
            names: all_names,
            names_of_rule,
            always,
            searches: Default::default(),
        })
    }

    /// Which of the `wanted` words (by pattern id) `text` spells as whole
    /// identifiers; the others are `false`.
    fn seen(&self, text: &str, wanted: &[bool]) -> Vec<bool> {
        let bytes = text.as_bytes();
        let mut seen = vec![false; self.words.len()];
        let ids: Vec<usize> = (0..wanted.len()).filter(|&id| wanted[id]).collect();
        if ids.len() <= FEW_WORDS {
            // A SIMD substring search each, and no searcher to build.
            for &id in &ids {
                let word = self.words[id];
                seen[id] = memchr::memmem::find_iter(bytes, word.as_bytes())
                    .any(|start| crate::check::whole_word_at(bytes, start, start + word.len()));
            }
            return seen;
        }
        // A word found once is enough: stop when every wanted word has been.
        let mut unseen = ids.len();
        self.search_for(&ids).each_whole_word(bytes, |found| {
            let id = ids[found];
            if !seen[id] {
                seen[id] = true;
                unseen -= 1;
            }
            unseen > 0
        });
        seen
    }

    /// The search for the words `ids` (in that order), built the first
    /// time; past [`SEARCHES`] sets, built for this text alone.
    fn search_for(&self, ids: &[usize]) -> std::sync::Arc<Matcher> {
        let build = || {
            let words: Vec<&str> = ids.iter().map(|&id| self.words[id]).collect();
            std::sync::Arc::new(Matcher::of(&words))
        };
        let mut searches = self.searches.lock().expect("no panics while locked");
        if let Some(search) = searches.get(ids) {
            return search.clone();
        }
        if searches.len() >= SEARCHES {
            drop(searches);
            return build();
        }
        searches.entry(ids.to_vec()).or_insert_with(build).clone()
    }
}

/// A library's breaking release, as the pins read requirements against
/// it: a project that pins the library below it runs the old API, where
/// the rules' findings do not apply yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migration {
    /// The first release the migration is for (`14.0`; `0.28` for a
    /// library that breaks in minor releases, `3.13` for Python).
    pub breaking_since: Release,
    /// The floor a raised requirement gets (`"14.2"`): the first release
    /// with every name the fixes use.
    pub recommended_floor: &'static str,
    /// A release to name in `--target` advice (`"15.0.1"`).
    pub example_target: &'static str,
    /// What a pin below the breaking release means for the code, to end a
    /// sentence (`` "`websockets.connect` is the legacy client there" ``).
    pub below_means: &'static str,
    /// The finding for a requirement that excludes an explicit target.
    pub pin_bump: PinBumpRule,
}

/// The finding the workspace reports in a requirement file that excludes
/// the version given with `--target` (it reads requirement files, which
/// rules never see). Listed and explained with the pack's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinBumpRule {
    /// A code with the pack's prefix (`WS900`), so `--select WS` takes it.
    pub code: &'static str,
    pub name: &'static str,
    /// One sentence.
    pub summary: &'static str,
    /// Markdown with the sections every rule's documentation has.
    pub doc: &'static str,
}

/// What `ferry doctor` asks the interpreter about a pack's library: which
/// implementation each function the rules resolve really is, and which of
/// the keywords the rules rename it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeSpec {
    /// Dotted names of the functions whose callers the pack rewrites
    /// (`websockets.connect`).
    pub functions: &'static [&'static str],
    /// The keywords the pack renames, in their old and new spelling.
    pub keywords: &'static [&'static str],
    /// Which implementation a function is, by the module its object lives
    /// in; the first match wins, anything else is `other`.
    pub implementations: &'static [ModuleImplementation],
}

/// One implementation of a library's API, known by its modules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModuleImplementation {
    /// A module, with its submodules (`websockets.legacy`).
    pub module: &'static str,
    /// Its name in JSON output (`legacy`).
    pub id: &'static str,
    /// Its name in text output (`legacy asyncio`).
    pub description: &'static str,
}

impl Pack {
    /// Whether a finding of `code` says the code needs a newer release than
    /// the project's requirements allow (see [`Rule::applies_below`]).
    pub fn demands_newer_release(&self, code: &str) -> bool {
        self.rules
            .iter()
            .any(|r| r.code() == code && r.rule.applies_below().is_some())
    }

    /// The release from which `rule`'s findings are breaks (see [`Rule::applies_from`]).
    pub fn applies_from(&self, rule: &dyn Rule) -> Option<Release> {
        rule.applies_from()
            .or_else(|| self.migration.map(|m| m.breaking_since))
    }

    /// Whether the module imports one of [`Pack::packages`] anywhere: if
    /// not, no name in it resolves to the library.
    pub fn is_imported_in(&self, semantic: &SemanticModel<'_>) -> bool {
        self.packages
            .iter()
            .any(|package| semantic.imports_package(package))
    }

    /// Whether the pack's words occur in `text`: if not, no rule of the pack
    /// can report anything there (see [`Pack::triggers`]).
    pub fn words_occur_in(&self, text: &str) -> bool {
        if self.triggers.len() + self.mention_words.len() <= 2 {
            // A word or two: a SIMD substring search each beats an automaton.
            let bytes = text.as_bytes();
            return self.triggers.iter().chain(self.mention_words).any(|word| {
                memchr::memmem::find_iter(bytes, word.as_bytes())
                    .any(|start| crate::check::whole_word_at(bytes, start, start + word.len()))
            });
        }
        let words = || {
            self.triggers
                .iter()
                .chain(self.mention_words)
                .copied()
                .collect()
        };
        self.gate.any_in(words, text)
    }
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
