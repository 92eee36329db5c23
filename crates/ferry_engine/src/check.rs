//! Checking and fixing one file's text.

use std::collections::BTreeMap;

use aho_corasick::AhoCorasick;
use ferry_python::ast::visitor::{self, Visitor};
use ferry_python::ast::{Expr, Stmt};
use ferry_python::{
    find_code_uses, find_mentions, parse, Mention, NameFacts, ParsedModule, SemanticModel,
    SyntaxError, TextRange, TextSize,
};

use crate::edit::{apply_edits, Edit, EditError};
use crate::finding::{Applicability, Finding, Fix, FixKind};
use crate::guards::{interpreter_guarded, version_guarded};
use crate::rule::{Checker, Pack, Rule};
use crate::settings::{Floor, Release, RuleSelection, Settings};
use crate::suppression::Suppressions;

/// Decides from raw bytes whether a file can matter to the packs at all.
///
/// Parsing is the expensive step; most files of a large tree never mention
/// the library, and a byte search tells so at the speed of `grep`. The
/// words are identifiers and count only as whole ones (`imp`, the module
/// Python 3.12 removed, is not in `import`): see [`whole_word_at`].
pub struct Prefilter {
    matcher: Matcher,
    /// The length of the longest word, in bytes.
    longest: usize,
}

/// How the words are searched for.
pub(crate) enum Matcher {
    /// No pack has words: nothing is a candidate.
    Nothing,
    /// One SIMD pass for all the words (Teddy, as ripgrep uses), where the
    /// CPU has the instructions for it.
    Packed(aho_corasick::packed::Searcher),
    /// A few words: one SIMD substring search each (`memchr::memmem`), which
    /// skips along the words' rarest bytes. Aho-Corasick's own prefilter
    /// would stop at every byte that starts a word (`e`, `w`: most of any
    /// text) and run several times slower.
    Few(Vec<memchr::memmem::Finder<'static>>),
    /// Many words: one automaton pass.
    Many(AhoCorasick),
}

/// Up to this many words, one substring search per word is the faster.
const FEW_WORDS: usize = 4;

impl Prefilter {
    /// How far into a file a NUL byte is looked for. UTF-16 and UTF-32 text
    /// (which hides the words from a byte search) has one within its first
    /// characters, since Python source starts with ASCII (a keyword, a
    /// comment, a quote); a NUL further on in ASCII-compatible text hides
    /// nothing.
    pub const HEAD: usize = 4096;

    /// The prefilter for every word of `packs`.
    pub fn new(packs: &[&Pack]) -> Self {
        Self::with_triggers_of(packs, |_| true)
    }

    /// The prefilter of a run that enables the rules `selection` does: a
    /// pack none of whose rules runs brings only its mention words (the
    /// Python pack's trigger, `import`, would let every file through a
    /// `--select WS` run).
    pub fn for_selection(packs: &[&Pack], selection: &RuleSelection) -> Self {
        Self::with_triggers_of(packs, |pack| {
            pack.rules
                .iter()
                .any(|r| selection.is_enabled(r.code(), r.rule.default_enabled()))
        })
    }

    /// The mention words of `packs`, and the triggers of those `runs` takes.
    fn with_triggers_of(packs: &[&Pack], runs: impl Fn(&Pack) -> bool) -> Self {
        let words: Vec<&str> = packs
            .iter()
            .flat_map(|p| {
                let triggers = if runs(p) { p.triggers } else { &[] };
                triggers.iter().chain(p.mention_words)
            })
            .copied()
            .collect();
        Self::of_words(&words)
    }

    /// The search for `words`, identifiers.
    pub(crate) fn of_words(words: &[&str]) -> Self {
        let mut words = words.to_vec();
        words.sort_unstable();
        words.dedup();
        // Whole-word matching leans on it (see `whole_word_at`).
        debug_assert!(
            words
                .iter()
                .all(|w| w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')),
            "pack words are identifiers: {words:?}"
        );
        let longest = words.iter().map(|w| w.len()).max().unwrap_or(0);
        let matcher = Matcher::packed(&words).unwrap_or_else(|| Matcher::portable(&words));
        Self { matcher, longest }
    }

    /// Whether a file with these bytes can matter to the packs.
    pub fn is_candidate(&self, bytes: &[u8]) -> bool {
        self.head_hides_words(&bytes[..bytes.len().min(Self::HEAD)]) || self.has_word(bytes)
    }

    /// Whether a file starting with `head` (its first [`Self::HEAD`] bytes,
    /// or all of a shorter file) is in an encoding that hides the words from
    /// a byte search. Such a file is not valid Python source, so it is a
    /// candidate, to be reported as such.
    pub fn head_hides_words(&self, head: &[u8]) -> bool {
        head.starts_with(b"\xFF\xFE")
            || head.starts_with(b"\xFE\xFF")
            || memchr::memchr(0, head).is_some()
    }

    /// Whether any word occurs in `bytes`, a whole file.
    pub fn has_word(&self, bytes: &[u8]) -> bool {
        self.matcher.is_match(bytes, Edges::File)
    }

    /// Whether any word occurs in `bytes`, a piece of a file (`first`: it
    /// starts the file; `last`: it ends it). A word that touches an edge of
    /// the piece inside the file does not count: the piece before or after,
    /// which repeats [`Self::seam`] bytes of this one, has it with the bytes
    /// around it.
    pub fn has_word_in_piece(&self, bytes: &[u8], first: bool, last: bool) -> bool {
        self.matcher.is_match(bytes, Edges::Piece { first, last })
    }

    /// How many bytes a piece of a file searched on its own must repeat of
    /// the piece before, so that no word is missed across the seam: the
    /// longest word and a byte on each side of it, less one.
    pub fn seam(&self) -> usize {
        self.longest + 1
    }
}

impl Matcher {
    /// Teddy, if this CPU runs it.
    fn packed(words: &[&str]) -> Option<Self> {
        if words.is_empty() {
            return Some(Matcher::Nothing);
        }
        // The longest match at a place: if it is not a whole word, no
        // shorter one starting there is (see `whole_word_at`).
        aho_corasick::packed::Config::new()
            .match_kind(aho_corasick::packed::MatchKind::LeftmostLongest)
            .builder()
            .extend(words.iter())
            .build()
            .map(Matcher::Packed)
    }

    /// What runs everywhere.
    fn portable(words: &[&str]) -> Self {
        match words.len() {
            0 => Matcher::Nothing,
            n if n <= FEW_WORDS => Matcher::Few(
                words
                    .iter()
                    .map(|w| memchr::memmem::Finder::new(w.as_bytes()).into_owned())
                    .collect(),
            ),
            _ => Matcher::Many(
                AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .build(words)
                    .expect("trigger words are plain literals"),
            ),
        }
    }

    /// The search for `words` (identifiers, no two alike), whose pattern
    /// ids are their places in `words`.
    pub(crate) fn of(words: &[&str]) -> Self {
        Self::packed(words).unwrap_or_else(|| Self::portable(words))
    }

    /// Calls `found` with the pattern id of the words `bytes` (a whole
    /// file) spells as whole identifiers, each at least once, until it
    /// returns `false`.
    pub(crate) fn each_whole_word(&self, bytes: &[u8], mut found: impl FnMut(usize) -> bool) {
        let whole = |start: usize, end: usize| whole_word_at(bytes, start, end);
        match self {
            Matcher::Nothing => {}
            Matcher::Packed(searcher) => {
                for m in searcher.find_iter(bytes) {
                    if whole(m.start(), m.end()) && !found(m.pattern().as_usize()) {
                        return;
                    }
                }
            }
            Matcher::Few(finders) => {
                for (id, finder) in finders.iter().enumerate() {
                    let len = finder.needle().len();
                    if finder.find_iter(bytes).any(|at| whole(at, at + len)) && !found(id) {
                        return;
                    }
                }
            }
            Matcher::Many(automaton) => {
                for m in automaton.find_iter(bytes) {
                    if whole(m.start(), m.end()) && !found(m.pattern().as_usize()) {
                        return;
                    }
                }
            }
        }
    }

    fn is_match(&self, bytes: &[u8], edges: Edges) -> bool {
        let whole = |start: usize, end: usize| match edges {
            Edges::File => whole_word_at(bytes, start, end),
            Edges::Piece { first, last } => {
                (first || start > 0)
                    && (last || end < bytes.len())
                    && whole_word_at(bytes, start, end)
            }
        };
        match self {
            Matcher::Nothing => false,
            Matcher::Packed(searcher) => {
                searcher.find_iter(bytes).any(|m| whole(m.start(), m.end()))
            }
            Matcher::Few(finders) => finders.iter().any(|f| {
                f.find_iter(bytes)
                    .any(|start| whole(start, start + f.needle().len()))
            }),
            Matcher::Many(automaton) => automaton
                .find_iter(bytes)
                .any(|m| whole(m.start(), m.end())),
        }
    }
}

/// What a decoded text spells for a set of packs, found before it is
/// parsed, once: the packs whose words it has (the only ones that can
/// report anything there, whose libraries' pins it meets) and, for each,
/// which rules can find something ([`Rule::words`], [`Rule::word_pairs`],
/// [`Rule::referenced_names`]). The byte search of [`Prefilter`] looks for
/// the packs' words alone; a pack about the interpreter names modules
/// (`re`, `typing`) most files import, whose rules' words (`assertEquals`,
/// `readfp`) few files spell.
pub struct Spelled<'p> {
    /// Each pack whose words the text spells, with the rules of it that
    /// can find something there (by index; `None`: all of them).
    packs: Vec<(&'p Pack, Option<Vec<bool>>)>,
}

impl<'p> Spelled<'p> {
    /// What `text` spells for the rules of `packs` that `selection` enables
    /// (the others cost nothing).
    pub fn in_text(packs: &[&'p Pack], text: &str, selection: &RuleSelection) -> Self {
        let packs = packs
            .iter()
            .copied()
            .filter(|pack| pack.words_occur_in(text))
            .map(|pack| {
                let enabled: Vec<bool> = pack
                    .rules
                    .iter()
                    .map(|r| selection.is_enabled(r.code(), r.rule.default_enabled()))
                    .collect();
                if !enabled.contains(&true) {
                    return (pack, Some(enabled));
                }
                let present = pack.gate.rules_in(pack.rules, text).map(|mut present| {
                    for (present, enabled) in present.iter_mut().zip(&enabled) {
                        *present &= enabled;
                    }
                    present
                });
                (pack, present)
            })
            .collect();
        Self { packs }
    }

    /// The packs whose words the text spells.
    pub fn packs(&self) -> Vec<&'p Pack> {
        self.packs.iter().map(|(pack, _)| *pack).collect()
    }

    /// Whether the text can give a pack a finding or a mention: one of its
    /// rules can find something, or it spells a mention word.
    pub fn may_report(&self, text: &str) -> bool {
        let bytes = text.as_bytes();
        self.packs.iter().any(|(pack, present)| {
            present.as_ref().is_none_or(|p| p.contains(&true))
                || pack.mention_words.iter().any(|word| {
                    memchr::memmem::find_iter(bytes, word.as_bytes())
                        .any(|start| whole_word_at(bytes, start, start + word.len()))
                })
        })
    }
}

/// What the ends of searched bytes are.
#[derive(Clone, Copy)]
enum Edges {
    /// The start and the end of the file.
    File,
    /// A piece of it: `first` starts the file, `last` ends it.
    Piece { first: bool, last: bool },
}

/// Whether `bytes[start..end]`, a word found there, stands as a whole
/// identifier: no identifier byte (ASCII letter, digit or `_`) right before
/// or after it. A byte outside ASCII counts as a boundary, and so do the
/// ends of `bytes`: a non-ASCII identifier makes a file a candidate rather
/// than hide a word.
///
/// Searching for the longest word at each place is enough: where it is not
/// a whole word, a shorter word starting there ends before an identifier
/// byte (the longer word's next one), or has the same byte before it.
pub fn whole_word_at(bytes: &[u8], start: usize, end: usize) -> bool {
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let before = start.checked_sub(1).map(|i| bytes[i]);
    let after = bytes.get(end).copied();
    !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
}

/// Where a file stands, the first that applies, in this order. This is the
/// one definition every command's counts follow (`scan`'s statuses, and
/// `plan`'s and `report`'s, which add `fixed` and name `clean` files that use
/// the names `not-affected`): see [`FileStatus::classify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileStatus {
    /// Cannot be read, decoded or parsed.
    Error,
    /// At least one finding is a review item: it has no fix, a human decides.
    NeedsReview,
    /// Every finding has a fix (safe, or unsafe: `--unsafe-fixes`).
    Fixable,
    /// No findings; the pack's words appear only in comments, strings or
    /// docstrings, never in code.
    MentionsOnly,
    /// Nothing to do (the words may appear in code that is not affected).
    Clean,
}

impl FileStatus {
    pub const ALL: [FileStatus; 5] = [
        FileStatus::Error,
        FileStatus::NeedsReview,
        FileStatus::Fixable,
        FileStatus::MentionsOnly,
        FileStatus::Clean,
    ];

    /// The status of a file that could be checked, from what it holds:
    /// review items, findings with a fix, mentions in comments, strings and
    /// docstrings, and uses of the names in code that is not affected.
    pub fn classify(
        review_items: usize,
        fixes: usize,
        mentions: usize,
        unaffected: usize,
    ) -> FileStatus {
        if review_items > 0 {
            FileStatus::NeedsReview
        } else if fixes > 0 {
            FileStatus::Fixable
        } else if mentions > 0 && unaffected == 0 {
            FileStatus::MentionsOnly
        } else {
            FileStatus::Clean
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Error => "error",
            FileStatus::NeedsReview => "needs-review",
            FileStatus::Fixable => "fixable",
            FileStatus::MentionsOnly => "mentions-only",
            FileStatus::Clean => "clean",
        }
    }
}

/// The result of checking one file.
#[derive(Debug, Clone, Default)]
pub struct FileCheck {
    /// Sorted by position.
    pub findings: Vec<Finding>,
    /// Sorted by position. Never inside a finding's range.
    pub mentions: Vec<Mention>,
    /// The pack's words used in code that no rule reported: another library's
    /// keyword, the legacy client where the old name is right, the project's
    /// own parameters. Sorted by position.
    pub unaffected: Vec<TextRange>,
    /// Findings silenced by a `# noqa` comment: not counted in the status,
    /// never fixed, listed for `--show-suppressed`. Sorted by position.
    pub suppressed: Vec<Finding>,
}

impl FileCheck {
    pub fn status(&self) -> FileStatus {
        let review = self
            .findings
            .iter()
            .filter(|f| f.fix_kind() == FixKind::None)
            .count();
        FileStatus::classify(
            review,
            self.findings.len() - review,
            self.mentions.len(),
            self.unaffected.len(),
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    #[error("syntax error: {0}")]
    Syntax(SyntaxError),
    #[error("the fixes for {codes} would produce invalid Python ({error}); file left unchanged", codes = codes.join(", "))]
    FixBreaksSyntax {
        codes: Vec<&'static str>,
        error: SyntaxError,
    },
    #[error("fixes did not settle after {0} passes; file left unchanged")]
    NoConvergence(usize),
    #[error("conflicting edits: {0}")]
    Edit(#[from] EditError),
}

/// Checks one file's text with every enabled rule of `packs`.
pub fn check_source(
    text: &str,
    packs: &[&Pack],
    settings: &Settings,
) -> Result<FileCheck, CheckError> {
    check_spelled(
        text,
        &Spelled::in_text(packs, text, &settings.selection),
        settings,
    )
}

/// [`check_source`] with what the text spells already found (to decide
/// whether to parse it at all).
pub fn check_spelled(
    text: &str,
    spelled: &Spelled<'_>,
    settings: &Settings,
) -> Result<FileCheck, CheckError> {
    check_and_learn(text, spelled, settings, FactsWanted::No).map(|(check, _)| check)
}

/// When `check_and_learn` also learns a file's names.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FactsWanted {
    No,
    /// Only if a finding has a fix `fix_source` would apply: only then
    /// does it need them.
    IfApplicable {
        unsafe_fixes: bool,
    },
    Yes,
}

/// `check_source`, also reading the file's names from the same parse when
/// `wanted`, so a fix round parses each text once.
fn check_and_learn(
    text: &str,
    spelled: &Spelled<'_>,
    settings: &Settings,
    wanted: FactsWanted,
) -> Result<(FileCheck, Option<NameFacts>), CheckError> {
    let parsed = parse(text).map_err(CheckError::Syntax)?;
    // The prefilter's promise holds for parsed files too (`--no-prefilter`
    // parses every file to report its syntax errors): without the words, no
    // rule runs and no scopes are built, so the findings are the same.
    let mut rules: Vec<(&Pack, &'static dyn Rule)> = Vec::new();
    for (pack, present) in &spelled.packs {
        // Selection and target first: a pack none of whose rules runs here
        // (`--select` of another pack's code) costs no search of its words.
        let runs: Vec<bool> = pack
            .rules
            .iter()
            .map(|r| {
                settings
                    .selection
                    .is_enabled(r.code(), r.rule.default_enabled())
                    && applies_at_target(pack, r.rule, settings)
            })
            .collect();
        if !runs.contains(&true) {
            continue;
        }
        rules.extend(
            pack.rules
                .iter()
                .enumerate()
                .filter(|(index, _)| runs[*index])
                .filter(|(index, _)| present.as_ref().is_none_or(|p| p[*index]))
                .map(|(_, r)| (*pack, r.rule)),
        );
    }
    let packs_of: Vec<(&'static str, &Pack)> = rules
        .iter()
        .map(|(pack, rule)| (rule.code(), *pack))
        .collect();
    let semantic = (!rules.is_empty() || wanted == FactsWanted::Yes)
        .then(|| SemanticModel::from_module(parsed.module()));
    let drafted: Vec<(&'static str, &'static dyn Rule)> = rules
        .iter()
        .filter(|(_, rule)| rule.review().is_some())
        .map(|(_, rule)| (rule.code(), *rule))
        .collect();
    let mut findings = match &semantic {
        Some(semantic) if !rules.is_empty() => run_rules(text, &parsed, semantic, rules, settings),
        _ => Vec::new(),
    };
    for finding in &mut findings {
        if let Some((_, rule)) = drafted.iter().find(|(code, _)| *code == finding.code) {
            hold_for_review(finding, rule.review().unwrap_or_default());
        }
    }
    for finding in &mut findings {
        let pack = packs_of
            .iter()
            .find(|(code, _)| *code == finding.code)
            .map(|(_, pack)| *pack);
        if let Some((pack, floor)) = pack.and_then(|p| Some((p, settings.floor(p.library)?))) {
            hold_to_floor(finding, pack, floor);
        }
    }
    findings.sort_by(|a, b| (a.range.start(), a.code).cmp(&(b.range.start(), b.code)));
    let suppressed = if findings.is_empty() {
        Vec::new()
    } else {
        Suppressions::read(text, &parsed).take_suppressed(text, &mut findings)
    };
    let wanted_now = match wanted {
        FactsWanted::No => false,
        FactsWanted::Yes => true,
        FactsWanted::IfApplicable { unsafe_fixes } => findings
            .iter()
            .any(|f| f.fix.as_ref().is_some_and(|fix| applies(fix, unsafe_fixes))),
    };
    let facts = semantic
        .as_ref()
        .filter(|_| wanted_now)
        .map(|semantic| NameFacts::of(parsed.module(), semantic));
    // Mentions and code uses need every token looked at; a word missing
    // from the text altogether is cheaper to learn with one byte search.
    let words: Vec<&'static str> = spelled
        .packs
        .iter()
        .flat_map(|(p, _)| p.mention_words.iter().copied())
        .filter(|word| memchr::memmem::find(text.as_bytes(), word.as_bytes()).is_some())
        .collect();
    let (mut mentions, mut unaffected) = if words.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        (
            find_mentions(text, &parsed, &words),
            find_code_uses(text, &parsed, &words),
        )
    };
    let covered = Covered::new(&findings);
    let covered_too = Covered::new(&suppressed);
    mentions.retain(|m| !covered.overlaps(m.range) && !covered_too.overlaps(m.range));
    unaffected.retain(|r| !covered.overlaps(*r) && !covered_too.overlaps(*r));
    let check = FileCheck {
        findings,
        mentions,
        unaffected,
        suppressed,
    };
    Ok((check, facts))
}

/// Whether `rule` can report for the file's target: a file whose target is
/// older than the release its findings break on gets none of them.
fn applies_at_target(pack: &Pack, rule: &dyn Rule, settings: &Settings) -> bool {
    let target = settings.target(pack.library);
    let from_ok = match (pack.applies_from(rule), target) {
        (Some(from), Some(target)) => *target >= from.version(),
        _ => true,
    };
    // No target: the newest release, which is at or above any bound.
    let below_ok = match (rule.applies_below(), target) {
        (Some(below), Some(target)) => *target < below.version(),
        (Some(_), None) => false,
        (None, _) => true,
    };
    from_ok && below_ok
}

/// A safe fix that writes a name the project's oldest allowed release
/// lacks would break the project there: offer it as unsafe, saying so.
fn hold_to_floor(finding: &mut Finding, pack: &Pack, floor: &Floor) {
    let Some(fix) = &mut finding.fix else { return };
    let breaking = pack.migration.map(|m| m.breaking_since);
    let Some(requires) = fix.requires.or(breaking) else {
        return;
    };
    let library = pack.library;
    if fix.applicability != Applicability::Safe || floor.release >= requires.version() {
        return;
    }
    fix.applicability = Applicability::Unsafe;
    finding.message.push_str(&format!(
        "; the fix needs {library} >= {requires}, but {} allows {}: raise that floor to make it safe",
        floor.declared, floor.release
    ));
}

/// Runs `rules` over a module, but not those that need an import of their
/// pack's library where the module has none.
fn run_rules(
    text: &str,
    parsed: &ParsedModule,
    semantic: &SemanticModel,
    rules: Vec<(&Pack, &'static dyn Rule)>,
    settings: &Settings,
) -> Vec<Finding> {
    let (active, skipped): (Vec<_>, Vec<_>) = rules
        .into_iter()
        .partition(|(pack, rule)| !rule.needs_library_import() || pack.is_imported_in(semantic));
    let strip =
        |rules: Vec<(&Pack, &'static dyn Rule)>| rules.into_iter().map(|(_, r)| r).collect();
    if cfg!(debug_assertions) && !skipped.is_empty() {
        // The skip is only sound if such rules never report without the import.
        let unexpected = walk_rules(text, parsed, semantic, strip(skipped), settings);
        if let Some(finding) = unexpected.first() {
            panic!(
                "{} reported at {:?} in a module that imports none of its library's packages, \
                 but it does not say it can (Rule::needs_library_import)",
                finding.code, finding.range
            );
        }
    }
    if active.is_empty() {
        return Vec::new();
    }
    let mut packages: Vec<&str> = active
        .iter()
        .flat_map(|(pack, _)| pack.packages.iter().copied())
        .collect();
    packages.sort_unstable();
    packages.dedup();
    // The rules of a pack about the interpreter itself, whose version the
    // code reads from `sys` (and whose import fallbacks choose by it).
    let interpreter_codes: Vec<&str> = active
        .iter()
        .filter(|(pack, _)| pack.library == "python")
        .map(|(_, rule)| rule.code())
        .collect();
    let mut findings = walk_rules(text, parsed, semantic, strip(active), settings);
    if !findings.is_empty() {
        // Branches chosen by the installed version are right on their side.
        let guarded = version_guarded(parsed.module(), semantic, &packages);
        findings.retain(|f| !guarded.iter().any(|g| g.contains_range(f.range)));
    }
    if findings.iter().any(|f| interpreter_codes.contains(&f.code)) {
        let guarded = interpreter_guarded(parsed.module(), semantic);
        findings.retain(|f| {
            !interpreter_codes.contains(&f.code)
                || !guarded.iter().any(|g| g.contains_range(f.range))
        });
    }
    findings
}

/// Each rule's module-wide look, then one walk handing every node to every rule.
fn walk_rules(
    text: &str,
    parsed: &ParsedModule,
    semantic: &SemanticModel<'_>,
    rules: Vec<&'static dyn Rule>,
    settings: &Settings,
) -> Vec<Finding> {
    let mut walker = RuleWalker {
        rules,
        checker: Checker {
            source: text,
            module: parsed.module(),
            semantic,
            settings,
            code: "",
            findings: Vec::new(),
        },
    };
    for rule in &walker.rules {
        walker.checker.code = rule.code();
        rule.check_module(parsed.module(), &mut walker.checker);
    }
    walker.visit_body(&parsed.module().body);
    walker.checker.findings
}

/// The findings' ranges, for "does this range overlap a finding?" in
/// O(log n): a file with thousands of findings and mentions stays linear.
struct Covered {
    /// Finding starts, sorted.
    starts: Vec<TextSize>,
    /// The largest end among the findings up to each index.
    max_end: Vec<TextSize>,
}

impl Covered {
    /// `findings` must be sorted by start.
    fn new(findings: &[Finding]) -> Self {
        let starts = findings.iter().map(|f| f.range.start()).collect();
        let max_end = findings
            .iter()
            .scan(TextSize::new(0), |max, f| {
                *max = (*max).max(f.range.end());
                Some(*max)
            })
            .collect();
        Self { starts, max_end }
    }

    fn overlaps(&self, range: TextRange) -> bool {
        let before_end = self.starts.partition_point(|s| *s < range.end());
        before_end > 0 && self.max_end[before_end - 1] > range.start()
    }
}

/// Walks the tree once, handing every statement and expression to every rule.
struct RuleWalker<'a> {
    rules: Vec<&'static dyn Rule>,
    checker: Checker<'a>,
}

impl<'b> Visitor<'b> for RuleWalker<'_> {
    fn visit_stmt(&mut self, stmt: &'b Stmt) {
        for rule in &self.rules {
            self.checker.code = rule.code();
            rule.check_stmt(stmt, &mut self.checker);
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'b Expr) {
        for rule in &self.rules {
            self.checker.code = rule.code();
            rule.check_expr(expr, &mut self.checker);
        }
        visitor::walk_expr(self, expr);
    }
}

/// The result of fixing one file's text.
#[derive(Debug, Clone)]
pub struct FixOutcome {
    pub text: String,
    /// How many fixes were applied, by rule code.
    pub applied: BTreeMap<&'static str, usize>,
    /// What is left after fixing (review items, fixes not applied).
    pub remaining: FileCheck,
    /// Per library, the newest release an applied fix needs (see
    /// [`Fix::requires`]): the floor the project's requirements must
    /// have for the fixed file to work on every release they allow.
    pub needs: BTreeMap<&'static str, Release>,
}

impl FixOutcome {
    pub fn applied_count(&self) -> usize {
        self.applied.values().sum()
    }
}

/// Fixes apply in rounds; a fix that overlaps one already taken waits for the
/// next round, which re-checks the new text. This bounds the rounds.
const MAX_FIX_PASSES: usize = 10;

/// Applies every fix at or below the allowed applicability, round after round,
/// until nothing more applies. A result that does not parse is refused; so
/// is a fix that leaves a name the module reads unbound, or imports a name
/// nothing reads (its finding stays, as a review item saying why).
pub fn fix_source(
    text: &str,
    packs: &[&Pack],
    settings: &Settings,
    unsafe_fixes: bool,
) -> Result<FixOutcome, CheckError> {
    let spelled = Spelled::in_text(packs, text, &settings.selection);
    fix_spelled(text, packs, &spelled, settings, unsafe_fixes)
}

/// [`fix_source`] with what `text` spells for `packs` already found (to
/// decide whether to parse it at all). Each fixed text is looked at anew:
/// a fix may spell another pack's words.
pub fn fix_spelled(
    text: &str,
    packs: &[&Pack],
    spelled: &Spelled<'_>,
    settings: &Settings,
    unsafe_fixes: bool,
) -> Result<FixOutcome, CheckError> {
    let mut current = text.to_string();
    let (mut check, mut facts) = check_and_learn(
        &current,
        spelled,
        settings,
        FactsWanted::IfApplicable { unsafe_fixes },
    )?;
    let mut applied: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut refused: Vec<Refusal> = Vec::new();
    let mut needs: BTreeMap<&'static str, Release> = BTreeMap::new();
    for _ in 0..MAX_FIX_PASSES {
        let mut fixes: Vec<(&'static str, &[Edit])> = check
            .findings
            .iter()
            .filter_map(|f| {
                let fix = f.fix.as_ref()?;
                applies(fix, unsafe_fixes).then_some((f.code, fix.edits.as_slice()))
            })
            .filter(|(code, edits)| !refused.iter().any(|r| r.is(code, edits)))
            .collect();
        fixes.sort_by_key(|(_, edits)| edits.iter().map(|e| e.range.start()).min());
        let mut taken: Vec<(&'static str, &[Edit])> = Vec::new();
        for (code, edits) in fixes {
            let free = edits.iter().all(|e| {
                taken
                    .iter()
                    .all(|(_, t)| t.iter().all(|t| !t.conflicts_with(e)))
            });
            if free {
                taken.push((code, edits));
            }
        }
        if taken.is_empty() {
            refuse_in(&mut check, &refused);
            return Ok(FixOutcome {
                text: current,
                applied,
                remaining: check,
                needs,
            });
        }
        let all: Vec<Edit> = taken.iter().flat_map(|(_, e)| e.iter().cloned()).collect();
        let next = apply_edits(&current, &all)?;
        let (next_check, next_facts) = match check_and_learn(
            &next,
            &Spelled::in_text(packs, &next, &settings.selection),
            settings,
            FactsWanted::Yes,
        ) {
            Ok(learned) => learned,
            Err(CheckError::Syntax(error)) => {
                let mut codes: Vec<&'static str> = taken.iter().map(|(c, _)| *c).collect();
                codes.sort_unstable();
                codes.dedup();
                return Err(CheckError::FixBreaksSyntax { codes, error });
            }
            Err(other) => return Err(other),
        };
        let before = match &facts {
            Some(facts) => facts.clone(),
            None => name_facts(&current).unwrap_or_default(),
        };
        let after = next_facts.unwrap_or_default();
        if !before.made_worse_by(&after).is_empty() {
            // Find the fixes that do it, refuse them, and redo the round.
            let mut culprits = 0;
            for (code, edits) in &taken {
                let alone = apply_edits(&current, edits)?;
                let worse = before.made_worse_by(&name_facts(&alone).unwrap_or_default());
                if !worse.is_empty() {
                    refused.push(Refusal::new(code, edits, worse));
                    culprits += 1;
                }
            }
            if culprits == 0 {
                // Only together: refuse them all.
                let worse = before.made_worse_by(&after);
                for (code, edits) in &taken {
                    refused.push(Refusal::new(code, edits, worse.clone()));
                }
            }
            facts = Some(before);
            continue;
        }
        for (code, _) in &taken {
            *applied.entry(code).or_default() += 1;
        }
        for finding in &check.findings {
            let Some(fix) = &finding.fix else { continue };
            if !taken
                .iter()
                .any(|(code, edits)| *code == finding.code && *edits == fix.edits.as_slice())
            {
                continue;
            }
            let Some(pack) = packs
                .iter()
                .find(|p| p.rules.iter().any(|r| r.code() == finding.code))
            else {
                continue;
            };
            let breaking = pack.migration.map(|m| m.breaking_since);
            if let Some(release) = fix.requires.or(breaking) {
                let entry = needs.entry(pack.library).or_insert(release);
                *entry = (*entry).max(release);
            }
        }
        current = next;
        check = next_check;
        facts = Some(after);
    }
    Err(CheckError::NoConvergence(MAX_FIX_PASSES))
}

/// Whether `fix_source` applies `fix`: at or below the allowed
/// applicability, and with edits (a fix without any would "apply" forever
/// without changing anything).
fn applies(fix: &Fix, unsafe_fixes: bool) -> bool {
    (fix.applicability == Applicability::Safe || unsafe_fixes) && !fix.edits.is_empty()
}

/// The names of `text`, if it parses.
fn name_facts(text: &str) -> Option<NameFacts> {
    let parsed = parse(text).ok()?;
    let semantic = SemanticModel::from_module(parsed.module());
    Some(NameFacts::of(parsed.module(), &semantic))
}

/// A fix `fix_source` will not apply, and why.
struct Refusal {
    code: &'static str,
    edits: Vec<Edit>,
    why: Vec<String>,
}

impl Refusal {
    fn new(code: &'static str, edits: &[Edit], why: Vec<String>) -> Self {
        Self {
            code,
            edits: edits.to_vec(),
            why,
        }
    }

    fn is(&self, code: &str, edits: &[Edit]) -> bool {
        self.code == code && self.edits == edits
    }
}

/// A drafted rule's finding as a review item: the fix it would offer is
/// named, never applied, until a human removes the rule's `review`.
fn hold_for_review(finding: &mut Finding, review: &str) {
    let would = match finding.fix.take() {
        Some(fix) => format!(" (its fix would: {})", fix.title),
        None => String::new(),
    };
    finding.message.push_str(&format!(
        "; drafted rule, not reviewed{would}: {review}; remove `review` from the rule once checked"
    ));
}

/// Turns the refused fixes among `check`'s findings into review items.
fn refuse_in(check: &mut FileCheck, refused: &[Refusal]) {
    for finding in &mut check.findings {
        let Some(fix) = &finding.fix else { continue };
        let Some(refusal) = refused.iter().find(|r| r.is(finding.code, &fix.edits)) else {
            continue;
        };
        finding.message.push_str(&format!(
            "; Ferry did not apply its fix, which would leave the file inconsistent ({}): make this change by hand",
            refusal.why.join("; ")
        ));
        finding.fix = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Fix;
    use crate::rule::RegisteredRule;
    use ferry_python::Ranged;

    /// Renames keyword `old=` to `new=` on any call: safe, unless `new=` is there.
    struct RenameKeyword;
    impl Rule for RenameKeyword {
        fn code(&self) -> &'static str {
            "T001"
        }
        fn needs_library_import(&self) -> bool {
            false
        }
        fn name(&self) -> &'static str {
            "RenameKeyword"
        }
        fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
            let Expr::Call(call) = expr else { return };
            for keyword in &call.arguments.keywords {
                let Some(arg) = &keyword.arg else { continue };
                if arg.as_str() == "old" {
                    let fix = Fix {
                        title: "Rename".into(),
                        edits: vec![Edit::replacement("new", arg.range())],
                        applicability: Applicability::Safe,
                        requires: None,
                    };
                    let has_new = call.arguments.find_keyword("new").is_some();
                    checker.report(arg.range(), "`old` is gone", (!has_new).then_some(fix));
                }
            }
        }
    }

    /// Deletes the `(` of every call: a fix that breaks the syntax.
    struct BreakSyntax;
    impl Rule for BreakSyntax {
        fn code(&self) -> &'static str {
            "T002"
        }
        fn needs_library_import(&self) -> bool {
            false
        }
        fn name(&self) -> &'static str {
            "BreakSyntax"
        }
        fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
            let Expr::Call(call) = expr else { return };
            let paren = ferry_python::TextRange::at(call.arguments.start(), 1.into());
            let fix = Fix {
                title: "Break".into(),
                edits: vec![Edit::deletion(paren)],
                applicability: Applicability::Unsafe,
                requires: None,
            };
            checker.report(call.range(), "call", Some(fix));
        }
    }

    /// Appends `_` to the name `x` forever: never converges.
    struct Grow;
    impl Rule for Grow {
        fn code(&self) -> &'static str {
            "T003"
        }
        fn needs_library_import(&self) -> bool {
            false
        }
        fn name(&self) -> &'static str {
            "Grow"
        }
        fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
            if let Expr::Name(name) = expr {
                if name.id.as_str().starts_with('x') {
                    let fix = Fix {
                        title: "Grow".into(),
                        edits: vec![Edit::insertion("_", name.end())],
                        applicability: Applicability::Safe,
                        requires: None,
                    };
                    checker.report(name.range(), "grow", Some(fix));
                }
            }
        }
    }

    /// Renames a call to `f` into `g`: its edit covers the whole call, so it
    /// overlaps `RenameKeyword`'s edit inside the same call.
    struct RenameCall;
    impl Rule for RenameCall {
        fn code(&self) -> &'static str {
            "T004"
        }
        fn needs_library_import(&self) -> bool {
            false
        }
        fn name(&self) -> &'static str {
            "RenameCall"
        }
        fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
            let Expr::Call(call) = expr else { return };
            let Expr::Name(name) = call.func.as_ref() else {
                return;
            };
            if name.id.as_str() == "f" {
                let rewritten = format!("g{}", &checker.source[call.arguments.range()]);
                let fix = Fix {
                    title: "Call g".into(),
                    edits: vec![Edit::replacement(rewritten, call.range())],
                    applicability: Applicability::Safe,
                    requires: None,
                };
                checker.report(call.range(), "f is gone", Some(fix));
            }
        }
    }

    static OVERLAPPING: [RegisteredRule; 2] = [
        RegisteredRule {
            rule: &RenameKeyword,
            source: "",
        },
        RegisteredRule {
            rule: &RenameCall,
            source: "",
        },
    ];

    #[test]
    fn rules_look_only_at_texts_with_the_packs_words() {
        // BreakSyntax reports every call, whatever its words.
        let pack = pack(&RULES[1..]);
        let settings = Settings::default();
        let findings = |src: &str| {
            check_source(src, &[&pack], &settings)
                .unwrap()
                .findings
                .len()
        };
        assert_eq!(findings("f()\ng()\n"), 0);
        assert_eq!(findings("f()\ng()  # old\n"), 2);
        assert!(check_source("f(\n", &[&pack], &settings).is_err());
    }

    /// Reports calls of anything imported from `oldlib`.
    struct OldlibCall;
    impl Rule for OldlibCall {
        fn code(&self) -> &'static str {
            "T005"
        }
        fn name(&self) -> &'static str {
            "OldlibCall"
        }
        fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
            let Expr::Call(call) = expr else { return };
            let resolved = checker.semantic.resolve_expr(&call.func);
            if resolved
                .candidates()
                .iter()
                .any(|q| q.as_str().starts_with("oldlib."))
            {
                checker.report(call.range(), "oldlib call", None);
            }
        }
    }

    /// Says it needs an import, but reports every call named `old`.
    struct MisdeclaredOldCall;
    impl Rule for MisdeclaredOldCall {
        fn code(&self) -> &'static str {
            "T006"
        }
        fn name(&self) -> &'static str {
            "MisdeclaredOldCall"
        }
        fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
            let Expr::Call(call) = expr else { return };
            if matches!(call.func.as_ref(), Expr::Name(n) if n.id.as_str() == "old") {
                checker.report(call.range(), "old call", None);
            }
        }
    }

    #[test]
    fn rules_that_need_the_import_skip_modules_without_it() {
        static IMPORT_RULES: [RegisteredRule; 2] = [
            RegisteredRule {
                rule: &OldlibCall,
                source: "",
            },
            RegisteredRule {
                rule: &RenameKeyword,
                source: "",
            },
        ];
        let pack = pack(&IMPORT_RULES);
        let codes = |src: &str| -> Vec<&str> {
            let check = check_source(src, &[&pack], &Settings::default()).unwrap();
            check.findings.iter().map(|f| f.code).collect()
        };
        // The name-based rule runs either way; the resolving one only with the import.
        assert_eq!(codes("f(old=1)\n"), ["T001"]);
        assert_eq!(codes("from oldlib import f\nf(old=1)\n"), ["T005", "T001"]);
        assert_eq!(
            codes("def g():\n    import oldlib.sub as f\n    f.run(old=1)\n"),
            ["T005", "T001"]
        );
        assert_eq!(codes("from .oldlib import f\nf(old=1)\n"), ["T001"]);
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "T006 reported at 0..5 in a module that imports none")]
    fn debug_builds_catch_a_rule_that_reports_without_the_import_it_claims_to_need() {
        static MISDECLARED: [RegisteredRule; 1] = [RegisteredRule {
            rule: &MisdeclaredOldCall,
            source: "",
        }];
        let _ = check_source("old()\n", &[&pack(&MISDECLARED)], &Settings::default());
    }

    /// `RenameKeyword` as a drafted rule nobody has reviewed.
    struct DraftedRename;
    impl Rule for DraftedRename {
        fn code(&self) -> &'static str {
            "T009"
        }
        fn needs_library_import(&self) -> bool {
            false
        }
        fn name(&self) -> &'static str {
            "DraftedRename"
        }
        fn review(&self) -> Option<&str> {
            Some("check that `new` means what `old` meant")
        }
        fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
            RenameKeyword.check_expr(expr, checker)
        }
    }

    #[test]
    fn a_drafted_rule_reports_review_items_and_its_fix_is_never_applied() {
        static DRAFTED: [RegisteredRule; 1] = [RegisteredRule {
            rule: &DraftedRename,
            source: "",
        }];
        let pack = pack(&DRAFTED);
        let check = check_source("f(old=1)\n", &[&pack], &Settings::default()).unwrap();
        assert_eq!(check.findings.len(), 1);
        assert_eq!(check.findings[0].fix, None);
        assert_eq!(
            check.findings[0].message,
            "`old` is gone; drafted rule, not reviewed (its fix would: Rename): check that `new` means what `old` meant; remove `review` from the rule once checked"
        );
        let outcome = fix_source("f(old=1)\n", &[&pack], &Settings::default(), true).unwrap();
        assert_eq!(outcome.text, "f(old=1)\n");
        assert_eq!(outcome.applied_count(), 0);
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_round() {
        let pack = pack(&OVERLAPPING);
        let source = "from m import f, g\nf(old=1)\n";
        let outcome = fix_source(source, &[&pack], &Settings::default(), false).unwrap();
        assert_eq!(outcome.text, "from m import f, g\ng(new=1)\n");
        assert_eq!(outcome.applied.get("T001"), Some(&1));
        assert_eq!(outcome.applied.get("T004"), Some(&1));
    }

    #[test]
    fn noqa_comments_suppress_findings_as_linters_do() {
        let pack = pack(&RULES[..1]);
        let settings = Settings::default();
        let check = |src: &str| check_source(src, &[&pack], &settings).unwrap();
        let line = check("f(old=1)  # noqa: T001\ng(old=2)\n");
        assert_eq!(line.findings.len(), 1);
        assert_eq!(line.suppressed.len(), 1);
        assert_eq!(line.suppressed[0].code, "T001");
        assert_eq!(check("f(old=1)  # noqa\n").findings.len(), 0);
        // Another tool's code silences nothing of ours.
        assert_eq!(check("f(old=1)  # noqa: E501\n").findings.len(), 1);
        let file = check("# ferry: noqa: T001\nf(old=1)\ng(old=2)\n");
        assert!(file.findings.is_empty());
        assert_eq!(file.suppressed.len(), 2);
        assert_eq!(file.status(), FileStatus::Clean);
        // A suppressed finding is never fixed.
        let outcome = fix_source("f(old=1)  # noqa\n", &[&pack], &settings, true).unwrap();
        assert_eq!(outcome.applied_count(), 0);
    }

    #[test]
    fn findings_in_branches_chosen_by_the_library_version_are_dropped() {
        static IMPORT_RULES: [RegisteredRule; 1] = [RegisteredRule {
            rule: &OldlibCall,
            source: "",
        }];
        let pack = pack(&IMPORT_RULES);
        // Calls of `oldlib.f` only (`oldlib.__version__.split(...)` is one of oldlib's too).
        let count = |src: &str| {
            check_source(src, &[&pack], &Settings::default())
                .unwrap()
                .findings
                .iter()
                .filter(|f| src[f.range].starts_with("oldlib.f("))
                .count()
        };
        assert_eq!(count("import oldlib\noldlib.f(old=1)\n"), 1);
        assert_eq!(
            count("import oldlib\nif oldlib.__version__ < '2':\n    oldlib.f(old=1)\nelse:\n    oldlib.g()\n"),
            0
        );
        // Through a module-level flag, two names deep.
        let flag = "import oldlib\nMAJOR = int(oldlib.__version__.split('.')[0])\nOLD = MAJOR < 2\n\ndef run():\n    if OLD:\n        oldlib.f(old=1)\n";
        assert_eq!(count(flag), 0);
        let metadata = "import oldlib\nfrom importlib.metadata import version\nif version('oldlib') < '2':\n    oldlib.f(old=1)\n";
        assert_eq!(count(metadata), 0);
        let signature = "import inspect, oldlib\nif 'new' in inspect.signature(oldlib.f).parameters:\n    oldlib.f(new=1)\nelse:\n    oldlib.f(old=1)\n";
        assert_eq!(count(signature), 0);
        // Another library's version decides nothing about this one.
        let other = "import oldlib, other\nif other.__version__ < '2':\n    oldlib.f(old=1)\n";
        assert_eq!(count(other), 1);
    }

    #[test]
    fn a_fix_that_leaves_a_name_unbound_is_refused_and_left_for_review() {
        // `g` is bound nowhere: calling it would raise `NameError`.
        let pack = pack(&OVERLAPPING);
        let source = "from m import f\nf(old=1)  # old\n";
        let outcome = fix_source(source, &[&pack], &Settings::default(), false).unwrap();
        assert_eq!(outcome.text, "from m import f\nf(new=1)  # old\n");
        assert_eq!(outcome.applied.get("T004"), None);
        let refused = &outcome.remaining.findings[0];
        assert_eq!(refused.code, "T004");
        assert!(refused.fix.is_none());
        assert!(
            refused.message.contains("`g` is read but no longer bound"),
            "{}",
            refused.message
        );
        assert_eq!(outcome.remaining.status(), FileStatus::NeedsReview);
    }

    static RULES: [RegisteredRule; 2] = [
        RegisteredRule {
            rule: &RenameKeyword,
            source: "//! Renames.\n//!\n//! More.\nstruct X;\n",
        },
        RegisteredRule {
            rule: &BreakSyntax,
            source: "",
        },
    ];
    static GROW: [RegisteredRule; 1] = [RegisteredRule {
        rule: &Grow,
        source: "",
    }];

    fn pack(rules: &'static [RegisteredRule]) -> Pack {
        Pack {
            name: "test",
            summary: "test pack",
            library: "test",
            rules,
            triggers: &["old"],
            mention_words: &["old"],
            packages: &["oldlib"],
            migration: None,
            probe: None,
            gate: crate::RuleGate::new(),
        }
    }

    /// Reports every call, but promises a file must spell `f` or `gate`.
    struct Gated;
    impl Rule for Gated {
        fn code(&self) -> &'static str {
            "T005"
        }
        fn needs_library_import(&self) -> bool {
            false
        }
        fn name(&self) -> &'static str {
            "Gated"
        }
        fn words(&self) -> &[&str] {
            &["gate", "f"]
        }
        fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
            if let Expr::Call(call) = expr {
                checker.report(call.range(), "call", None);
            }
        }
    }

    static GATED: [RegisteredRule; 2] = [
        RegisteredRule {
            rule: &Gated,
            source: "",
        },
        RegisteredRule {
            rule: &RenameKeyword,
            source: "",
        },
    ];

    /// Its words may not be asked for: the pack is never selected.
    struct NeverAsked;
    impl Rule for NeverAsked {
        fn code(&self) -> &'static str {
            "T006"
        }
        fn name(&self) -> &'static str {
            "NeverAsked"
        }
        fn words(&self) -> &[&str] {
            panic!("the words of a pack none of whose rules runs were searched for")
        }
    }

    static NEVER_ASKED: [RegisteredRule; 1] = [RegisteredRule {
        rule: &NeverAsked,
        source: "",
    }];

    #[test]
    fn a_pack_none_of_whose_rules_runs_costs_no_word_search() {
        let unselected = pack(&NEVER_ASKED);
        let other = pack(&RULES[..1]);
        let mut settings = Settings::default();
        settings.selection.select = vec!["T001".into()];
        let check = check_source("f(old=1)\n", &[&unselected, &other], &settings).unwrap();
        assert_eq!(check.findings.len(), 1);
    }

    #[test]
    fn rules_with_words_run_only_where_one_is_spelled() {
        let pack = pack(&GATED);
        let settings = Settings::default();
        let codes = |src: &str| -> Vec<&str> {
            let check = check_source(src, &[&pack], &settings).unwrap();
            check.findings.iter().map(|f| f.code).collect()
        };
        // No `gate` nor `f`: only the rule without words runs.
        assert_eq!(codes("g(old=1)\n"), ["T001"]);
        assert_eq!(codes("f(old=1)\n"), ["T005", "T001"]);
        // A word anywhere is enough: the gate is a promise, not the match.
        assert_eq!(codes("# gate\ng(old=1)\n"), ["T005", "T001"]);
    }

    /// Shares the word `gate` with [`Gated`].
    struct GatedToo;
    impl Rule for GatedToo {
        fn code(&self) -> &'static str {
            "T006"
        }
        fn needs_library_import(&self) -> bool {
            false
        }
        fn name(&self) -> &'static str {
            "GatedToo"
        }
        fn words(&self) -> &[&str] {
            &["gate"]
        }
        fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
            if let Expr::Call(call) = expr {
                checker.report(call.range(), "call", None);
            }
        }
    }

    static SHARED: [RegisteredRule; 2] = [
        RegisteredRule {
            rule: &Gated,
            source: "",
        },
        RegisteredRule {
            rule: &GatedToo,
            source: "",
        },
    ];

    /// `loop` only where `asyncio` is imported.
    struct WithWordPairs;
    impl Rule for WithWordPairs {
        fn code(&self) -> &'static str {
            "T007"
        }
        fn needs_library_import(&self) -> bool {
            false
        }
        fn name(&self) -> &'static str {
            "WithWordPairs"
        }
        fn words(&self) -> &[&str] {
            &["loop"]
        }
        fn word_pairs(&self) -> &[(&str, &str)] {
            &[("loop", "asyncio")]
        }
        fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
            if let Expr::Call(call) = expr {
                checker.report(call.range(), "call", None);
            }
        }
    }

    static ALSO: [RegisteredRule; 1] = [RegisteredRule {
        rule: &WithWordPairs,
        source: "",
    }];

    #[test]
    fn a_rule_with_word_pairs_runs_where_it_spells_a_word_and_imports_its_package() {
        // Triggered by `old`, with no mention words.
        let pack = Pack {
            mention_words: &[],
            ..pack(&ALSO)
        };
        let settings = Settings::default();
        let runs = |src: &str| {
            !check_source(&format!("old = 0\n{src}"), &[&pack], &settings)
                .unwrap()
                .findings
                .is_empty()
        };
        assert!(runs("import asyncio\nf(loop=1)\n"));
        assert!(!runs("f(loop=1)\n"));
        assert!(!runs("import asyncio\nf(x)\n"));
        // The package of a pair is imported, not only spelled.
        assert!(!runs("asyncio = None\nf(loop=1)\n"));
        assert!(runs("from asyncio import sleep\nf(loop=1)\n"));
        // Inside other identifiers, neither counts.
        assert!(!runs("import asyncio_extra\nf(loops=1)\n"));
        // `Spelled` tells before parsing: the pack's trigger and the
        // rule's words (the test pack's trigger is `old`).
        let may_report = |packs: &[&Pack], text: &str, selection: &RuleSelection| {
            Spelled::in_text(packs, text, selection).may_report(text)
        };
        let all = RuleSelection::default();
        assert!(may_report(
            &[&pack],
            "old\nimport asyncio\nf(loop=1)\n",
            &all
        ));
        assert!(!may_report(&[&pack], "old\nf(loop=1)\n", &all));
        assert!(!may_report(&[&pack], "import asyncio\nf(loop=1)\n", &all));
        let other = RuleSelection {
            select: vec!["T001".into()],
            ..RuleSelection::default()
        };
        assert!(!may_report(
            &[&pack],
            "old\nimport asyncio\nf(loop=1)\n",
            &other
        ));
    }

    /// Reports every call, and promises a file must spell one of its words.
    struct Spells(&'static str, &'static [&'static str]);
    impl Rule for Spells {
        fn code(&self) -> &'static str {
            self.0
        }
        fn needs_library_import(&self) -> bool {
            false
        }
        fn name(&self) -> &'static str {
            "Spells"
        }
        fn words(&self) -> &[&str] {
            self.1
        }
        fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
            if let Expr::Call(call) = expr {
                checker.report(call.range(), "call", None);
            }
        }
    }

    static ALPHA_BETA_GAMMA: [RegisteredRule; 3] = [
        RegisteredRule {
            rule: &Spells("T008", &["alpha"]),
            source: "",
        },
        RegisteredRule {
            rule: &Spells("T009", &["beta"]),
            source: "",
        },
        RegisteredRule {
            rule: &Spells("T010", &["gamma"]),
            source: "",
        },
    ];

    #[test]
    fn a_word_spelled_again_does_not_hide_the_next_one() {
        // Several wanted words are searched for in one pass, which stops
        // once each has been found: a repeat must not count as another.
        let pack = pack(&ALPHA_BETA_GAMMA);
        let settings = Settings::default();
        let codes = |src: &str| -> Vec<&str> {
            let check = check_source(src, &[&pack], &settings).unwrap();
            let mut codes: Vec<&str> = check.findings.iter().map(|f| f.code).collect();
            codes.sort_unstable();
            codes.dedup();
            codes
        };
        let text = "alpha(1)\nalpha(2)\nalpha(3)\nbeta(4)  # old\n";
        assert_eq!(codes(text), ["T008", "T009"]);
        assert_eq!(codes("gamma(1)\nbeta(2)  # old\n"), ["T009", "T010"]);
        // Inside other identifiers, no word counts.
        assert_eq!(codes("alphabet(1)\nbeta_(2)  # old\n"), Vec::<&str>::new());
    }

    /// Reports every call of its word where it imports its package.
    struct Paired {
        code: &'static str,
        word: [&'static str; 1],
        pair: [(&'static str, &'static str); 1],
    }
    impl Rule for Paired {
        fn code(&self) -> &'static str {
            self.code
        }
        fn needs_library_import(&self) -> bool {
            false
        }
        fn name(&self) -> &'static str {
            "Paired"
        }
        fn words(&self) -> &[&str] {
            &self.word
        }
        fn word_pairs(&self) -> &[(&str, &str)] {
            &self.pair
        }
        fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
            if let Expr::Call(call) = expr {
                if checker.source[call.func.range()] == *self.word[0] {
                    checker.report(call.range(), "call", None);
                }
            }
        }
    }

    static PAIRED: [RegisteredRule; 11] = [
        RegisteredRule {
            rule: &Paired {
                code: "T100",
                word: ["w0"],
                pair: [("w0", "p0")],
            },
            source: "",
        },
        RegisteredRule {
            rule: &Paired {
                code: "T101",
                word: ["w1"],
                pair: [("w1", "p1")],
            },
            source: "",
        },
        RegisteredRule {
            rule: &Paired {
                code: "T102",
                word: ["w2"],
                pair: [("w2", "p2")],
            },
            source: "",
        },
        RegisteredRule {
            rule: &Paired {
                code: "T103",
                word: ["w3"],
                pair: [("w3", "p3")],
            },
            source: "",
        },
        RegisteredRule {
            rule: &Paired {
                code: "T104",
                word: ["w4"],
                pair: [("w4", "p4")],
            },
            source: "",
        },
        RegisteredRule {
            rule: &Paired {
                code: "T105",
                word: ["w5"],
                pair: [("w5", "p5")],
            },
            source: "",
        },
        RegisteredRule {
            rule: &Paired {
                code: "T106",
                word: ["w6"],
                pair: [("w6", "p6")],
            },
            source: "",
        },
        RegisteredRule {
            rule: &Paired {
                code: "T107",
                word: ["w7"],
                pair: [("w7", "p7")],
            },
            source: "",
        },
        RegisteredRule {
            rule: &Paired {
                code: "T108",
                word: ["w8"],
                pair: [("w8", "p8")],
            },
            source: "",
        },
        RegisteredRule {
            rule: &Paired {
                code: "T109",
                word: ["w9"],
                pair: [("w9", "p9")],
            },
            source: "",
        },
        RegisteredRule {
            rule: &Paired {
                code: "T110",
                word: ["w10"],
                pair: [("w10", "p10")],
            },
            source: "",
        },
    ];

    #[test]
    fn every_set_of_wanted_words_is_searched_for_past_the_ones_kept() {
        // Each set of imported packages wants another set of words: more
        // sets than the gate keeps a search for (2,036 > 1,024).
        let pack = pack(&PAIRED);
        let settings = Settings::default();
        let calls: String = (0..11).map(|i| format!("w{i}(1)\n")).collect();
        for imported in 0u32..1 << 11 {
            if imported.count_ones() < 2 {
                continue;
            }
            let imports: String = (0..11)
                .filter(|i| imported & 1 << i != 0)
                .map(|i| format!("import p{i}\n"))
                .collect();
            let text = format!("{imports}{calls}old = 1\n");
            let check = check_source(&text, &[&pack], &settings).unwrap();
            let codes: Vec<&str> = check.findings.iter().map(|f| f.code).collect();
            let expected: Vec<String> = (0..11)
                .filter(|i| imported & 1 << i != 0)
                .map(|i| format!("T1{i:02}"))
                .collect();
            assert_eq!(codes, expected, "{text}");
        }
    }

    #[test]
    fn rules_that_share_a_word_all_run_where_it_is_spelled() {
        let pack = pack(&SHARED);
        let settings = Settings::default();
        let codes = |src: &str| -> Vec<&str> {
            let check = check_source(src, &[&pack], &settings).unwrap();
            check.findings.iter().map(|f| f.code).collect()
        };
        assert_eq!(codes("gate(1)  # old\n"), ["T005", "T006"]);
        assert_eq!(codes("f(1)  # old\n"), ["T005"]);
        assert!(codes("g(1)  # old\n").is_empty());
    }

    #[test]
    fn statuses_follow_findings_and_mentions() {
        let pack = pack(&RULES[..1]);
        let settings = Settings::default();
        let status = |src: &str| check_source(src, &[&pack], &settings).unwrap().status();
        assert_eq!(status("f(old=1)\n"), FileStatus::Fixable);
        assert_eq!(status("f(old=1, new=2)\n"), FileStatus::NeedsReview);
        assert_eq!(status("# old\nf(x)\n"), FileStatus::MentionsOnly);
        // A word used in code no rule reports is not a mention: nothing to do.
        assert_eq!(status("# old\nold = 1\n"), FileStatus::Clean);
        assert_eq!(status("f(x)\n"), FileStatus::Clean);
        // Only a review item needs a human; an unsafe fix is still Ferry's to apply.
        assert_eq!(FileStatus::classify(0, 3, 1, 0), FileStatus::Fixable);
        assert_eq!(FileStatus::classify(1, 3, 0, 0), FileStatus::NeedsReview);
        assert_eq!(FileStatus::classify(0, 0, 2, 1), FileStatus::Clean);
        assert!(matches!(
            check_source("f(old=\n", &[&pack], &settings),
            Err(CheckError::Syntax(_))
        ));
    }

    #[test]
    fn fixes_apply_and_a_second_run_is_a_no_op() {
        let pack = pack(&RULES[..1]);
        let settings = Settings::default();
        let outcome = fix_source(
            "f(old=1)  # keep old\ng(old=2)\r\n",
            &[&pack],
            &settings,
            false,
        )
        .unwrap();
        assert_eq!(outcome.text, "f(new=1)  # keep old\ng(new=2)\r\n");
        assert_eq!(outcome.applied_count(), 2);
        assert_eq!(outcome.remaining.status(), FileStatus::MentionsOnly);
        let again = fix_source(&outcome.text, &[&pack], &settings, false).unwrap();
        assert_eq!(again.text, outcome.text);
        assert_eq!(again.applied_count(), 0);
    }

    #[test]
    fn unsafe_fixes_need_the_flag_and_broken_results_are_refused() {
        let pack = pack(&RULES);
        let settings = Settings::default();
        let safe_only = fix_source("f(old=1)\n", &[&pack], &settings, false).unwrap();
        assert_eq!(safe_only.text, "f(new=1)\n");
        let err = fix_source("f(old=1)\n", &[&pack], &settings, true).unwrap_err();
        assert!(
            matches!(err, CheckError::FixBreaksSyntax { ref codes, .. } if codes.contains(&"T002"))
        );
    }

    #[test]
    fn selection_disables_rules() {
        let pack = pack(&RULES[..1]);
        let mut settings = Settings::default();
        settings.selection.ignore = vec!["T".into()];
        let check = check_source("f(old=1)\n", &[&pack], &settings).unwrap();
        assert!(check.findings.is_empty());
    }

    #[test]
    fn endless_fixes_stop_at_the_bound() {
        let pack = pack(&GROW);
        let err = fix_source("x = 1  # old\n", &[&pack], &Settings::default(), false).unwrap_err();
        assert_eq!(err, CheckError::NoConvergence(MAX_FIX_PASSES));
    }

    #[test]
    fn covered_answers_overlap_with_nested_and_disjoint_findings() {
        let finding = |start: u32, end: u32| Finding {
            code: "T000",
            message: String::new(),
            range: ferry_python::TextRange::new(start.into(), end.into()),
            fix: None,
        };
        // Sorted by start; the second lies inside the first, the third stands alone.
        let covered = Covered::new(&[finding(10, 50), finding(20, 25), finding(60, 70)]);
        let overlaps =
            |s: u32, e: u32| covered.overlaps(ferry_python::TextRange::new(s.into(), e.into()));
        assert!(
            overlaps(40, 45),
            "inside the long finding, after the nested one"
        );
        assert!(overlaps(65, 80));
        assert!(!overlaps(50, 60), "touching is not overlapping");
        assert!(!overlaps(0, 10));
        assert!(!overlaps(71, 90));
        assert!(!Covered::new(&[]).overlaps(ferry_python::TextRange::new(0.into(), 5.into())));
    }

    #[test]
    fn docs_come_from_the_rule_file() {
        assert_eq!(RULES[0].doc(), "Renames.\n\nMore.");
        assert_eq!(RULES[0].summary(), "Renames.");
    }

    #[test]
    fn a_pack_the_selection_leaves_out_brings_only_its_mention_words() {
        let pack = Pack {
            triggers: &["old"],
            mention_words: &["said"],
            ..pack(&RULES)
        };
        let all = RuleSelection::default();
        let other = RuleSelection {
            select: vec!["X".into()],
            ..RuleSelection::default()
        };
        assert!(Prefilter::for_selection(&[&pack], &all).is_candidate(b"x = old"));
        assert!(!Prefilter::for_selection(&[&pack], &other).is_candidate(b"x = old"));
        assert!(Prefilter::for_selection(&[&pack], &other).is_candidate(b"# said"));
    }

    #[test]
    fn prefilter_matches_trigger_and_mention_words() {
        let pack = pack(&RULES);
        let prefilter = Prefilter::new(&[&pack]);
        assert!(prefilter.is_candidate(b"x = old"));
        assert!(!prefilter.is_candidate(b"x = new"));
        // A piece searched alone repeats a word and a byte on each side of
        // it, less one.
        assert_eq!(prefilter.seam(), "old".len() + 1);
        assert_eq!(Prefilter::new(&[]).seam(), 1);
        // Whole words only: not inside an identifier, but beside any other
        // byte (a dot, a quote, a byte of a non-ASCII character).
        assert!(!prefilter.is_candidate(b"x = older + bold + old_1"));
        assert!(prefilter.is_candidate(b"x = a.old"));
        assert!(prefilter.is_candidate("x = \"old\"".as_bytes()));
        assert!(prefilter.is_candidate("é = old".as_bytes()));
        assert!(prefilter.is_candidate("x = éoldé".as_bytes()));
        // In a piece, a word at an edge inside the file waits for the piece
        // that has the bytes around it.
        assert!(!prefilter.has_word_in_piece(b"x = old", false, false));
        assert!(prefilter.has_word_in_piece(b"x = old", false, true));
        assert!(!prefilter.has_word_in_piece(b"old = 1", false, true));
        assert!(prefilter.has_word_in_piece(b"old = 1", true, false));
        // UTF-16 hides the words: let decoding report the file.
        assert!(prefilter.is_candidate(b"\xFF\xFEx\x00=\x00"));
        assert!(prefilter.is_candidate(b"x\x00=\x00 \x00o\x00l\x00d\x00"));
        // A NUL deep into ASCII text hides no word: without one, not a candidate.
        let late_nul = format!("{}\0", "x = 1\n".repeat(1000));
        assert!(!prefilter.is_candidate(late_nul.as_bytes()));
        assert!(prefilter.is_candidate(format!("{late_nul}old").as_bytes()));
    }

    #[test]
    fn prefilter_with_few_and_with_many_words() {
        for words in [
            &["old", "older"][..],
            &["alpha", "beta", "gamma", "delta", "epsilon", "old"][..],
        ] {
            let matchers = [Matcher::packed(words), Some(Matcher::portable(words))];
            // Teddy where this CPU has it, and what runs everywhere.
            for matcher in matchers.into_iter().flatten() {
                let prefilter = Prefilter {
                    matcher,
                    longest: 0,
                };
                for word in words {
                    assert!(prefilter.is_candidate(format!("x = f({word})\n").as_bytes()));
                    // Inside a longer identifier: not the word.
                    assert!(
                        !prefilter.is_candidate(format!("x = f({word}_x, y{word})\n").as_bytes())
                    );
                    assert!(prefilter.is_candidate(word.as_bytes()));
                    // Past the first 16 bytes, where Teddy's own scan starts.
                    let late = format!("{}{word}", "x = 1\n".repeat(500));
                    assert!(prefilter.is_candidate(late.as_bytes()));
                }
                assert!(!prefilter.is_candidate(b"x = ol + d\n"));
                assert!(!prefilter.is_candidate(b""));
            }
        }
        let nothing = Prefilter::new(&[]);
        assert!(!nothing.is_candidate(b"old"));
        assert!(nothing.is_candidate(b"\x00"));
    }
}
