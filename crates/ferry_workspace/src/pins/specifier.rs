//! Version constraints as projects write them: PEP 440 specifiers
//! (`>=12,<14`, `~=13.0`, `==13.*`, `!=13.1`, `===13.1`) and Poetry's (`^13.0`,
//! `~13.1`, a bare `13.1`, `*`). Two views of one set:
//!
//! - [`SpecifierSet::allows`]: whether one version satisfies every clause,
//!   by PEP 440's rules (pre-, post- and development releases, local labels,
//!   epochs; `<V` admits no pre-release of `V`, `>V` no post-release of it;
//!   `===` compares text). For `ferry doctor` and for `--target`.
//! - the release view: which releases the set admits, as intervals of
//!   release numbers, so that every clause counts when Ferry asks whether a
//!   requirement allows any release from the breaking one on, which release
//!   is the highest below it (the target for files under the declaration),
//!   and how each clause stands to a target (the pin bump). A pre- or
//!   post-release counts there as the release it belongs to (`13.1.post1`
//!   as `13.1`), which cannot change the answer to a question about a major
//!   release.

use std::cmp::Ordering;

use ferry_engine::Version;

/// A PEP 440 version.
#[derive(Debug, Clone)]
struct Pep440 {
    /// As written, trimmed: what `===` compares.
    written: String,
    epoch: u64,
    release: Vec<u64>,
    /// `a`, `b`, `rc` as 0, 1, 2, and the number.
    pre: Option<(u8, u64)>,
    post: Option<u64>,
    dev: Option<u64>,
    /// Normalised (lower case, `.` between parts).
    local: Option<String>,
}

impl Pep440 {
    /// Reads a version in any spelling PEP 440 normalises (`V1.0-RC.1`,
    /// `1.0.post-2`, `1!2.0+Ubuntu-1`); `None` when it is not one.
    fn parse(text: &str) -> Option<Self> {
        let written = text.trim();
        let lower = written.to_ascii_lowercase();
        let (public, local) = match lower.split_once('+') {
            Some((public, local)) => (public, Some(normalise_local(local)?)),
            None => (lower.as_str(), None),
        };
        let public = public.strip_prefix('v').unwrap_or(public);
        let (epoch, rest) = match public.split_once('!') {
            Some((epoch, rest)) => (epoch.parse().ok()?, rest),
            None => (0, public),
        };
        let (release, rest) = release_numbers(rest)?;
        let (pre, post, dev) = suffixes(rest)?;
        Some(Self {
            written: written.to_string(),
            epoch,
            release,
            pre,
            post,
            dev,
            local,
        })
    }

    fn is_prerelease(&self) -> bool {
        self.pre.is_some() || self.dev.is_some()
    }

    /// A release with no pre-, post- or development part.
    fn is_plain(&self) -> bool {
        self.pre.is_none() && self.post.is_none() && self.dev.is_none()
    }

    fn point(&self) -> Point {
        Point {
            epoch: self.epoch,
            release: Version::new(&self.release),
        }
    }

    /// The plain release `self` belongs to (`14.0` of `14.0rc1`).
    fn plain(&self) -> Self {
        Self {
            written: String::new(),
            epoch: self.epoch,
            release: self.release.clone(),
            pre: None,
            post: None,
            dev: None,
            local: None,
        }
    }

    /// PEP 440's order, local labels left out (specifiers without one
    /// ignore them).
    fn cmp_public(&self, other: &Self) -> Ordering {
        // A development release of a plain release comes before its pre-releases.
        let pre_key = |v: &Self| match (v.pre, v.post, v.dev) {
            (None, None, Some(_)) => (0, 0, 0),
            (Some((kind, n)), _, _) => (1, kind, n),
            _ => (2, 0, 0),
        };
        let dev_key = |v: &Self| (v.dev.is_none(), v.dev.unwrap_or(0));
        self.point()
            .cmp(&other.point())
            .then_with(|| pre_key(self).cmp(&pre_key(other)))
            .then_with(|| self.post.cmp(&other.post))
            .then_with(|| dev_key(self).cmp(&dev_key(other)))
    }

    fn same_release(&self, other: &Self) -> bool {
        self.point() == other.point()
    }
}

fn normalise_local(local: &str) -> Option<String> {
    let parts: Vec<&str> = local.split(['.', '-', '_']).collect();
    parts
        .iter()
        .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| parts.join("."))
}

/// `13.1.2` at the start of `text`, and what follows.
fn release_numbers(text: &str) -> Option<(Vec<u64>, &str)> {
    let mut parts = Vec::new();
    let mut rest = text;
    loop {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        parts.push(rest[..digits].parse().ok()?);
        rest = &rest[digits..];
        match rest.strip_prefix('.') {
            Some(after) if after.starts_with(|c: char| c.is_ascii_digit()) => rest = after,
            _ => return Some((parts, rest)),
        }
    }
}

type Suffixes = (Option<(u8, u64)>, Option<u64>, Option<u64>);

/// The pre-, post- and development parts, in that order, each optional;
/// `None` when anything else is left.
fn suffixes(mut rest: &str) -> Option<Suffixes> {
    const PRE: &[(&str, u8)] = &[
        ("alpha", 0),
        ("beta", 1),
        ("preview", 2),
        ("pre", 2),
        ("rc", 2),
        ("a", 0),
        ("b", 1),
        ("c", 2),
    ];
    const POST: &[(&str, u8)] = &[("post", 0), ("rev", 0), ("r", 0)];
    const DEV: &[(&str, u8)] = &[("dev", 0)];
    let pre = tagged(&mut rest, PRE);
    let post = match rest.strip_prefix('-') {
        // The implicit post-release: `1.0-1`.
        Some(after) if after.starts_with(|c: char| c.is_ascii_digit()) => {
            let (n, after) = number(after);
            rest = after;
            n
        }
        _ => tagged(&mut rest, POST).map(|(_, n)| n),
    };
    let dev = tagged(&mut rest, DEV).map(|(_, n)| n);
    rest.is_empty().then_some((pre, post, dev))
}

/// One optional separator, a tag, and its optional number (0 when absent).
fn tagged(rest: &mut &str, tags: &[(&str, u8)]) -> Option<(u8, u64)> {
    let body = rest.strip_prefix(['.', '-', '_']).unwrap_or(rest);
    let (tag, kind) = tags.iter().find(|(tag, _)| body.starts_with(tag))?;
    let after = &body[tag.len()..];
    let after = match after.strip_prefix(['.', '-', '_']) {
        Some(digits) if digits.starts_with(|c: char| c.is_ascii_digit()) => digits,
        _ => after,
    };
    let (n, after) = number(after);
    *rest = after;
    Some((*kind, n.unwrap_or(0)))
}

fn number(text: &str) -> (Option<u64>, &str) {
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    (text[..digits].parse().ok(), &text[digits..])
}

/// A release in the release view: its epoch and numbers (`14` = `14.0`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Point {
    epoch: u64,
    release: Version,
}

impl Point {
    fn of(version: &Version) -> Self {
        Self {
            epoch: 0,
            release: version.clone(),
        }
    }
}

/// One end of an interval of releases.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Bound {
    Unbounded,
    Inclusive(Point),
    Exclusive(Point),
}

/// The releases between two bounds.
#[derive(Debug, Clone)]
struct Interval {
    low: Bound,
    high: Bound,
}

impl Interval {
    const ALL: Interval = Interval {
        low: Bound::Unbounded,
        high: Bound::Unbounded,
    };

    fn from(low: Bound) -> Self {
        Self {
            low,
            high: Bound::Unbounded,
        }
    }

    fn up_to(high: Bound) -> Self {
        Self {
            low: Bound::Unbounded,
            high,
        }
    }

    /// Release numbers are dense (`13.999.1` lies between `13.999` and
    /// `14`), so only equal or crossed ends make an interval empty.
    fn is_empty(&self) -> bool {
        match (&self.low, &self.high) {
            (Bound::Unbounded, _) | (_, Bound::Unbounded) => false,
            (Bound::Inclusive(low), Bound::Inclusive(high)) => low > high,
            (Bound::Inclusive(low) | Bound::Exclusive(low), Bound::Exclusive(high))
            | (Bound::Exclusive(low), Bound::Inclusive(high)) => low >= high,
        }
    }

    fn intersect(&self, other: &Self) -> Self {
        // The higher low end; on a tie the exclusive one is tighter.
        let low = match (&self.low, &other.low) {
            (Bound::Unbounded, b) | (b, Bound::Unbounded) => b.clone(),
            (a, b) => {
                let (pa, pb) = (point_of(a), point_of(b));
                match pa.cmp(pb) {
                    Ordering::Greater => a.clone(),
                    Ordering::Less => b.clone(),
                    Ordering::Equal if matches!(a, Bound::Exclusive(_)) => a.clone(),
                    Ordering::Equal => b.clone(),
                }
            }
        };
        let high = match (&self.high, &other.high) {
            (Bound::Unbounded, b) | (b, Bound::Unbounded) => b.clone(),
            (a, b) => {
                let (pa, pb) = (point_of(a), point_of(b));
                match pa.cmp(pb) {
                    Ordering::Less => a.clone(),
                    Ordering::Greater => b.clone(),
                    Ordering::Equal if matches!(a, Bound::Exclusive(_)) => a.clone(),
                    Ordering::Equal => b.clone(),
                }
            }
        };
        Self { low, high }
    }

    /// Whether every release from `point` on lies inside.
    fn covers_from(&self, point: &Point) -> bool {
        self.high == Bound::Unbounded
            && match &self.low {
                Bound::Unbounded => true,
                Bound::Inclusive(low) => low <= point,
                Bound::Exclusive(low) => low < point,
            }
    }
}

fn point_of(bound: &Bound) -> &Point {
    match bound {
        Bound::Inclusive(p) | Bound::Exclusive(p) => p,
        Bound::Unbounded => unreachable!("callers match Unbounded first"),
    }
}

/// A union of intervals.
#[derive(Debug, Clone)]
struct Releases(Vec<Interval>);

impl Releases {
    fn all() -> Self {
        Self(vec![Interval::ALL])
    }

    fn intersect(&self, other: &Self) -> Self {
        Self(
            self.0
                .iter()
                .flat_map(|a| other.0.iter().map(move |b| a.intersect(b)))
                .filter(|i| !i.is_empty())
                .collect(),
        )
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn below(&self, point: &Point) -> Self {
        self.intersect(&Self(vec![Interval::up_to(Bound::Exclusive(
            point.clone(),
        ))]))
    }

    fn above(&self, point: &Point) -> Self {
        self.intersect(&Self(vec![Interval::from(Bound::Exclusive(point.clone()))]))
    }

    fn from(&self, point: &Point) -> Self {
        self.intersect(&Self(vec![Interval::from(Bound::Inclusive(point.clone()))]))
    }

    /// The lowest end of the releases inside, as a [`Version`]: what the
    /// oldest allowed release is compared with (`>12` gives `12`: a release
    /// just above 12 is still older than 13.0). `None` when empty or
    /// unbounded below.
    fn lowest(&self) -> Option<Version> {
        let mut best: Option<&Point> = None;
        for interval in &self.0 {
            let low = match &interval.low {
                Bound::Unbounded => return None,
                Bound::Inclusive(point) | Bound::Exclusive(point) => point,
            };
            if best.is_none_or(|best| low < best) {
                best = Some(low);
            }
        }
        best.map(|point| point.release.clone())
    }

    /// The highest release inside, as a [`Version`]: an exclusive upper end
    /// gives the release just below it ([`just_below`]). `None` when empty
    /// or unbounded above.
    fn highest(&self) -> Option<Version> {
        let mut best: Option<&Bound> = None;
        for interval in &self.0 {
            let high = &interval.high;
            if *high == Bound::Unbounded {
                return None;
            }
            let higher = best.is_none_or(|best| {
                let (ph, pb) = (point_of(high), point_of(best));
                ph > pb || (ph == pb && matches!(high, Bound::Inclusive(_)))
            });
            if higher {
                best = Some(high);
            }
        }
        match best? {
            Bound::Inclusive(point) => Some(point.release.clone()),
            Bound::Exclusive(point) => just_below(&point.release),
            Bound::Unbounded => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operator {
    /// `==` (with a trailing `.*`: any version with that prefix).
    Equal,
    /// `===`: the same text.
    Arbitrary,
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

/// One clause, e.g. `<14` or `==13.*`.
#[derive(Debug, Clone)]
struct Specifier {
    operator: Operator,
    version: Pep440,
    /// `==13.*` / `!=13.*`.
    wildcard: bool,
    /// As written, trimmed (`>= 12`).
    written: String,
}

/// How one clause stands to a version it rejects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exclusion {
    /// It allows only releases below the version (`<14`, `==13.1`, `~=13.0`).
    Below,
    /// It allows only releases above it (`>=16`).
    Above,
    /// It allows releases on both sides but not the version (`!=15.0.1`).
    Hole,
}

/// Every constraint of one declaration; a version must satisfy all of them.
/// Empty: any version.
#[derive(Debug, Clone, Default)]
pub struct SpecifierSet(Vec<Specifier>);

impl SpecifierSet {
    /// PEP 440 specifiers separated by commas (`>=12, <14`); `*` (Pipfile)
    /// and the empty string mean any version. `None`: an operator or
    /// version PEP 440 does not define (`~=13`, `>=13.*`, `<<14`).
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
    /// constraint; `None` when it is not a version.
    pub fn allows(&self, version: &str) -> Option<bool> {
        let candidate = Pep440::parse(version)?;
        Some(self.0.iter().all(|s| s.allows(&candidate)))
    }

    /// The releases every clause admits.
    fn releases(&self) -> Releases {
        self.0
            .iter()
            .fold(Releases::all(), |set, s| set.intersect(&s.releases()))
    }

    /// The highest release the set allows below release `breaking` (a major
    /// version), when it allows none from `breaking` on; `None` when it
    /// allows one, or none at all (a requirement nothing satisfies cannot be
    /// installed, so it says nothing about the installed API).
    ///
    /// Every clause counts: `>=13,<15,!=14.*` allows nothing from 14 on.
    /// An exclusive end gives the version just below it, spelled with a
    /// `999` part: `<14` and `~=13.0` give `13.999`, `<13.2` gives
    /// `13.1.999`. That is not a real release; it is the number the rules
    /// compare with (`13.999 < 14`), and the JSON shows it as the target.
    pub fn highest_below(&self, breaking: &Version) -> Option<Version> {
        let releases = self.releases();
        let breaking = Point::of(breaking);
        if !releases.from(&breaking).is_empty() {
            return None;
        }
        releases.below(&breaking).highest()
    }

    /// The highest release the set allows (spelled as [`Self::highest_below`]
    /// spells it), `None` when it has no upper bound: a project declaring
    /// `requires-python = "<3.12"` never runs what 3.12 removed.
    pub fn highest(&self) -> Option<Version> {
        self.releases().highest()
    }

    /// The lowest release the set allows; `None` when it allows any old
    /// release (no lower bound says which releases the project supports)
    /// or none at all.
    pub fn lowest(&self) -> Option<Version> {
        self.releases().lowest()
    }

    /// The clauses that reject `target`, as written, each with how it
    /// stands to it.
    pub(crate) fn clauses_excluding(&self, target: &Version) -> Vec<(&str, Exclusion)> {
        let Some(candidate) = Pep440::parse(&target.to_string()) else {
            return Vec::new();
        };
        let point = Point::of(target);
        self.0
            .iter()
            .filter(|s| !s.allows(&candidate))
            .map(|s| {
                let releases = s.releases();
                let below = !releases.below(&point).is_empty();
                let above = !releases.above(&point).is_empty();
                let how = match (below, above) {
                    (true, true) => Exclusion::Hole,
                    (false, true) => Exclusion::Above,
                    (true, false) => Exclusion::Below,
                    // A clause no release satisfies: by where its version is.
                    (false, false) if s.version.point() > point => Exclusion::Above,
                    (false, false) => Exclusion::Below,
                };
                (s.written.as_str(), how)
            })
            .collect()
    }

    /// The set raised to admit `target`: `>=floor` in place of the clauses
    /// that reject it, keeping every other clause that still narrows the
    /// releases from `floor` on (`>=10,<14,!=15.0.0` gives
    /// `>=14.2,!=15.0.0`). `None` when a clause rejects the target from
    /// above or by a hole (raising cannot fix that), or the result would
    /// still reject it.
    pub(crate) fn raised(&self, floor: &Version, target: &Version) -> Option<String> {
        let excluding = self.clauses_excluding(target);
        if excluding.iter().any(|(_, how)| *how != Exclusion::Below) {
            return None;
        }
        let candidate = Pep440::parse(&target.to_string())?;
        let floor_point = Point::of(floor);
        let kept = self
            .0
            .iter()
            .filter(|s| s.allows(&candidate))
            .filter(|s| !s.releases().0.iter().any(|i| i.covers_from(&floor_point)))
            .map(|s| s.written.clone());
        let raised = std::iter::once(format!(">={floor}"))
            .chain(kept)
            .collect::<Vec<_>>()
            .join(",");
        let check = Self::parse_pep440(&raised).or_else(|| Self::parse_poetry(&raised))?;
        (check.allows(&target.to_string()) == Some(true)).then_some(raised)
    }
}

impl Specifier {
    fn parse_pep440(text: &str) -> Option<Self> {
        const OPERATORS: &[(&str, Operator)] = &[
            ("===", Operator::Arbitrary),
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
        Self::new(operator, rest, text)
    }

    fn parse_poetry(token: &str) -> Option<Self> {
        if token.starts_with(|c: char| c.is_ascii_digit()) {
            Self::new(Operator::Equal, token, token)
        } else if let Some(version) = token.strip_prefix('^') {
            Self::new(Operator::Caret, version, token)
        } else if let Some(version) = token.strip_prefix('~').filter(|v| !v.starts_with('=')) {
            Self::new(Operator::Tilde, version, token)
        } else {
            Self::parse_pep440(token)
        }
    }

    fn new(operator: Operator, version: &str, written: &str) -> Option<Self> {
        let version = version.trim();
        if operator == Operator::Arbitrary {
            // Any text; it may still read as a version for the release view.
            let version = Pep440::parse(version).unwrap_or_else(|| Pep440 {
                written: version.to_string(),
                epoch: u64::MAX,
                release: Vec::new(),
                pre: None,
                post: None,
                dev: None,
                local: None,
            });
            return (!version.written.is_empty()).then(|| Self {
                operator,
                version,
                wildcard: false,
                written: written.trim().to_string(),
            });
        }
        let (version, wildcard) = match version.strip_suffix(".*") {
            Some(prefix) => (prefix, true),
            None => (version, false),
        };
        let version = Pep440::parse(version)?;
        let valid = match operator {
            // A prefix is a release (PEP 440 allows nothing after `.*`'s numbers here).
            Operator::Equal | Operator::NotEqual if wildcard => {
                version.is_plain() && version.local.is_none()
            }
            Operator::Equal | Operator::NotEqual => true,
            _ if wildcard => false,
            Operator::Compatible => version.release.len() >= 2 && version.local.is_none(),
            _ => version.local.is_none(),
        };
        valid.then(|| Self {
            operator,
            version,
            wildcard,
            written: written.trim().to_string(),
        })
    }

    fn allows(&self, v: &Pep440) -> bool {
        let spec = &self.version;
        let at = || v.cmp_public(spec);
        match self.operator {
            Operator::Equal | Operator::NotEqual => {
                let equal = if self.wildcard {
                    v.epoch == spec.epoch && has_prefix(&v.release, &spec.release)
                } else {
                    at().is_eq() && (spec.local.is_none() || v.local == spec.local)
                };
                equal == (self.operator == Operator::Equal)
            }
            Operator::Arbitrary => v.written.eq_ignore_ascii_case(&spec.written),
            Operator::AtLeast => at().is_ge(),
            Operator::AtMost => at().is_le(),
            // `>1.7` admits neither `1.7.post1` nor `1.7+local`.
            Operator::Above => {
                let post_release_of_spec = v.post.is_some()
                    && spec.post.is_none()
                    && v.same_release(spec)
                    && v.pre == spec.pre;
                at().is_gt() && !post_release_of_spec
            }
            // `<14` admits no pre-release of 14 (`14.0rc1`).
            Operator::Below => {
                let prerelease_of_spec =
                    v.is_prerelease() && v.same_release(spec) && !spec.is_prerelease();
                at().is_lt() && !prerelease_of_spec
            }
            Operator::Compatible | Operator::Caret | Operator::Tilde => {
                at().is_ge()
                    && v.epoch == spec.epoch
                    && has_prefix(&v.release, &self.series().unwrap_or_default())
            }
        }
    }

    /// For `~=`, `^` and `~`: the prefix every allowed version shares.
    fn series(&self) -> Option<Vec<u64>> {
        let parts = &self.version.release;
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

    /// The releases this clause admits (see the module documentation: a pre-
    /// or post-release stands for its release).
    fn releases(&self) -> Releases {
        let spec = &self.version;
        let point = spec.point();
        let plain = spec.plain();
        // Whether the plain release itself is inside an ordered bound.
        let end = |inside: bool| {
            if inside {
                Bound::Inclusive(point.clone())
            } else {
                Bound::Exclusive(point.clone())
            }
        };
        let at = |release: Vec<u64>| Point {
            epoch: spec.epoch,
            release: Version::new(&release),
        };
        // `[prefix, next(prefix))`: the releases that start with `prefix`.
        let series = |prefix: &[u64]| Interval {
            low: Bound::Inclusive(at(prefix.to_vec())),
            high: Bound::Exclusive(at(next(prefix))),
        };
        let exactly = Interval {
            low: Bound::Inclusive(point.clone()),
            high: Bound::Inclusive(point.clone()),
        };
        let intervals = match self.operator {
            Operator::Equal if self.wildcard => vec![series(&spec.release)],
            Operator::NotEqual if self.wildcard => vec![
                Interval::up_to(Bound::Exclusive(at(spec.release.clone()))),
                Interval::from(Bound::Inclusive(at(next(&spec.release)))),
            ],
            Operator::Equal => vec![exactly],
            Operator::Arbitrary if spec.release.is_empty() => Vec::new(),
            Operator::Arbitrary => vec![exactly],
            // Ruling out a pre-, post- or local release leaves its release in.
            Operator::NotEqual if !spec.is_plain() || spec.local.is_some() => {
                vec![Interval::ALL]
            }
            Operator::NotEqual => vec![
                Interval::up_to(Bound::Exclusive(point.clone())),
                Interval::from(Bound::Exclusive(point.clone())),
            ],
            Operator::AtLeast => vec![Interval::from(end(plain.cmp_public(spec).is_ge()))],
            Operator::Above => vec![Interval::from(end(plain.cmp_public(spec).is_gt()))],
            Operator::AtMost => vec![Interval::up_to(end(plain.cmp_public(spec).is_le()))],
            Operator::Below => vec![Interval::up_to(end(plain.cmp_public(spec).is_lt()))],
            Operator::Compatible | Operator::Caret | Operator::Tilde => {
                let low = Interval::from(end(plain.cmp_public(spec).is_ge()));
                match self.series() {
                    Some(prefix) => vec![low.intersect(&series(&prefix))],
                    None => vec![low],
                }
            }
        };
        Releases(intervals.into_iter().filter(|i| !i.is_empty()).collect())
    }
}

/// Whether `release`, padded with zeros, starts with `prefix` (`14` starts
/// with `14.0`; `14.0rc1`'s release `14.0` is not in `13`).
fn has_prefix(release: &[u64], prefix: &[u64]) -> bool {
    (0..prefix.len()).all(|i| release.get(i).copied().unwrap_or(0) == prefix[i])
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

/// The version just below `release`: `14` → `13.999`, `13.2` → `13.1.999`.
/// `None` below `0`.
fn just_below(release: &Version) -> Option<Version> {
    let mut parts: Vec<u64> = release
        .to_string()
        .split('.')
        .flat_map(str::parse)
        .collect();
    while parts.last() == Some(&0) {
        parts.pop();
    }
    let last = parts.last_mut()?;
    *last -= 1;
    parts.push(999);
    Some(Version::new(&parts))
}

/// The release of a version string (`13.1` of `13.1.post1`), as the rules
/// take it for a target; `None` when it is not a version.
pub fn release_of(text: &str) -> Option<Version> {
    Pep440::parse(text).map(|v| Version::new(&v.release))
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
            .highest_below(&Version::new(&[14]))
            .map(|v| v.to_string())
    }

    #[test]
    fn every_pep440_operator() {
        assert_eq!(pep440("==13.1", "13.1.0"), Some(true));
        assert_eq!(pep440("==13.1", "13.1.1"), Some(false));
        assert_eq!(pep440("==13.1", "13.1+local"), Some(true));
        assert_eq!(pep440("==13.1+a", "13.1+b"), Some(false));
        assert_eq!(pep440("===13.1", "13.1"), Some(true));
        assert_eq!(
            pep440("===13.1", "13.1.0"),
            Some(false),
            "=== compares text"
        );
        assert_eq!(pep440("!=14.0", "14.0"), Some(false));
        assert_eq!(pep440("!=14.0", "14.1"), Some(true));
        assert_eq!(pep440("<14", "13.1"), Some(true));
        assert_eq!(pep440("<14", "14.0"), Some(false));
        assert_eq!(
            pep440("<14", "14.0rc1"),
            Some(false),
            "`<V` admits no pre-release of V"
        );
        assert_eq!(pep440("<14rc2", "14.0rc1"), Some(true));
        assert_eq!(pep440("<14", "13.9rc1"), Some(true));
        assert_eq!(pep440("<=13.1", "13.1"), Some(true));
        assert_eq!(pep440("<=13.1", "13.1.1"), Some(false));
        assert_eq!(pep440(">13.1", "13.1"), Some(false));
        assert_eq!(pep440(">13.1", "13.2"), Some(true));
        assert_eq!(
            pep440(">13.1", "13.1.post1"),
            Some(false),
            "`>V` admits no post-release of V"
        );
        assert_eq!(pep440(">13.1.post1", "13.1.post2"), Some(true));
        assert_eq!(pep440(">=10.4", "15.0.1"), Some(true));
        assert_eq!(pep440(">=10.4, <14", "15.0.1"), Some(false));
        assert_eq!(pep440("~=13.0", "13.1"), Some(true));
        assert_eq!(pep440("~=13.0", "14.0"), Some(false));
        assert_eq!(pep440("~=13.0.1", "13.1"), Some(false));
        assert_eq!(pep440("~=13.0.1", "13.0.5"), Some(true));
        assert_eq!(pep440("", "1.0"), Some(true));
        assert_eq!(pep440("*", "1.0"), Some(true));
        assert_eq!(pep440(">=1!1.0", "15.0"), Some(false), "epochs order first");
        assert!(
            SpecifierSet::parse_pep440("~=13").is_none(),
            "~= needs two parts"
        );
        assert!(SpecifierSet::parse_pep440("<<14").is_none());
        assert!(SpecifierSet::parse_pep440(">=13.*").is_none());
    }

    #[test]
    fn versions_in_every_spelling_order_as_pep_440_says() {
        let order = [
            "1.0.dev1",
            "1.0a1",
            "1.0a2.dev1",
            "1.0a2",
            "1.0b1",
            "1.0rc1",
            "1.0",
            "1.0.post1.dev1",
            "1.0.post1",
            "1.1",
        ];
        for pair in order.windows(2) {
            let (a, b) = (
                Pep440::parse(pair[0]).unwrap(),
                Pep440::parse(pair[1]).unwrap(),
            );
            assert_eq!(
                a.cmp_public(&b),
                Ordering::Less,
                "{} < {}",
                pair[0],
                pair[1]
            );
        }
        let same = |a: &str, b: &str| {
            Pep440::parse(a)
                .unwrap()
                .cmp_public(&Pep440::parse(b).unwrap())
        };
        assert_eq!(same("V1.0-RC.1", "1.0rc1"), Ordering::Equal);
        assert_eq!(same("1.0-1", "1.0.post1"), Ordering::Equal);
        assert_eq!(same("1.0alpha", "1.0a0"), Ordering::Equal);
        assert_eq!(same("1.0.0", "1"), Ordering::Equal);
        assert!(Pep440::parse("main").is_none());
        assert!(Pep440::parse("1.0foo").is_none());
    }

    #[test]
    fn wildcards_match_release_prefixes() {
        assert_eq!(pep440("==13.*", "13.1"), Some(true));
        assert_eq!(pep440("==13.*", "14.0"), Some(false));
        assert_eq!(pep440("==13.*", "14.0rc1"), Some(false));
        assert_eq!(pep440("==13.0.*", "13"), Some(true), "padded with zeros");
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
        assert_eq!(below_14("==13.1.post1").as_deref(), Some("13.1"));
        assert_eq!(below_14("===13.1").as_deref(), Some("13.1"));
        assert_eq!(below_14("<=13.1").as_deref(), Some("13.1"));
        assert_eq!(below_14("==13.*").as_deref(), Some("13.999"));
        assert_eq!(below_14("~=13.0").as_deref(), Some("13.999"));
        assert_eq!(below_14("~=12.0.1").as_deref(), Some("12.0.999"));
        assert_eq!(below_14("^13.0").as_deref(), Some("13.999"));
        assert_eq!(below_14("~13.1").as_deref(), Some("13.1.999"));
        assert_eq!(below_14("<15,<14").as_deref(), Some("13.999"));
        assert_eq!(below_14("<14.0rc1").as_deref(), Some("13.999"));
        assert_eq!(below_14("<=14.0rc1").as_deref(), Some("13.999"));
        assert_eq!(below_14("<=14").as_deref(), None, "allows 14.0");
        assert_eq!(below_14("<15").as_deref(), None);
        assert_eq!(below_14(">=12").as_deref(), None);
        assert_eq!(below_14("!=14.0").as_deref(), None);
        assert_eq!(below_14("").as_deref(), None);
        assert_eq!(below_14("==14.*").as_deref(), None);
        assert_eq!(below_14("==14.0rc1").as_deref(), None);
        assert_eq!(below_14("<14.0.post1").as_deref(), None, "allows 14.0");
    }

    #[test]
    fn lower_bounds_and_exclusions_count_below_the_breaking_release() {
        // Only the exclusions together shut out every release from 14 on.
        assert_eq!(below_14(">=13,<15,!=14.*").as_deref(), Some("13.999"));
        assert_eq!(
            below_14("<14.1,!=14.0").as_deref(),
            None,
            "14.0.1 is allowed"
        );
        // A hole at the top moves the highest release down.
        assert_eq!(below_14("<14,!=13.*").as_deref(), Some("12.999"));
        assert_eq!(below_14("<=13.1,!=13.1").as_deref(), Some("13.0.999"));
        // Nothing at all: it cannot be installed, so it holds nothing back.
        assert_eq!(below_14(">=13.5,<13.2").as_deref(), None);
        assert_eq!(below_14("==13.1,!=13.1").as_deref(), None);
    }

    #[test]
    fn releases_of_installed_versions() {
        assert_eq!(release_of("13.1.post1").unwrap().to_string(), "13.1");
        assert_eq!(release_of("1!15.0.1+local").unwrap().to_string(), "15.0.1");
        assert!(release_of("main").is_none());
    }
}
