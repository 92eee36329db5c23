//! Each kind on the code it is for, through the engine as a run uses it:
//! the findings, the fixed text, and what is left alone.

use ferry_engine::{check_source, fix_source, Applicability, Floor, Settings};
use ferry_packs::{build_pack, parse_pack};

const PACK: &str = r#"
name = "acme"
summary = "acme 1.x → 2.0"
prefix = "AC"

[library]
name = "acme-client"
packages = ["acme"]
breaking = "2.0"

[[rules]]
code = "AC001"
name = "ConnectTimeout"
kind = "rename-keyword"
summary = "`timeout=` of `acme.connect` is `connect_timeout=`."
callables = ["acme.connect", "acme.client.connect"]
old = "timeout"
new = "connect_timeout"
requires = "1.5"

[[rules]]
code = "AC002"
name = "RetriesGone"
kind = "remove-keyword"
summary = "`retries=` is gone from `acme.connect`."
callables = ["acme.connect"]
keyword = "retries"

[[rules]]
code = "AC003"
name = "SessionMoved"
kind = "move-name"
summary = "`acme.Session` moved to `acme.sessions.Session`."
old = "acme.Session"
new = "acme.sessions.Session"

[[rules]]
code = "AC004"
name = "LegacyModule"
kind = "flag"
summary = "`acme.legacy` is gone."
names = ["acme.legacy"]
message = "`acme.legacy` is gone in acme-client 2.0: use `acme.client`"

[[rules]]
code = "AC005"
name = "VerifyGone"
kind = "flag"
summary = "`verify=` is gone from `acme.connect`."
callables = ["acme.connect"]
keyword = "verify"
message = "`verify=` is gone: pass an `ssl.SSLContext` as `ssl=`"
"#;

fn pack() -> &'static ferry_engine::Pack {
    build_pack(&parse_pack(PACK).expect("the test pack is valid"))
}

fn fixed(text: &str, settings: &Settings, unsafe_fixes: bool) -> String {
    fix_source(text, &[pack()], settings, unsafe_fixes)
        .expect("fixes apply")
        .text
}

fn codes(text: &str) -> Vec<&'static str> {
    check_source(text, &[pack()], &Settings::default())
        .expect("parses")
        .findings
        .iter()
        .map(|f| f.code)
        .collect()
}

#[test]
fn rename_keyword_follows_imports_aliases_and_partial() {
    let before = "import functools\nimport acme\nfrom acme.client import connect as c\n\nacme.connect(u, timeout=1)\nc(u, timeout=2)\np = functools.partial(acme.connect, timeout=3)\nother.connect(u, timeout=4)\n";
    let after = "import functools\nimport acme\nfrom acme.client import connect as c\n\nacme.connect(u, connect_timeout=1)\nc(u, connect_timeout=2)\np = functools.partial(acme.connect, connect_timeout=3)\nother.connect(u, timeout=4)\n";
    assert_eq!(fixed(before, &Settings::default(), false), after);
}

#[test]
fn rename_keyword_is_a_review_item_next_to_the_new_name_and_unsafe_next_to_a_spread() {
    let both = "import acme\nacme.connect(u, timeout=1, connect_timeout=2)\n";
    let check = check_source(both, &[pack()], &Settings::default()).unwrap();
    assert_eq!(check.findings.len(), 1);
    assert!(check.findings[0].fix.is_none());
    assert!(check.findings[0].message.contains("merge the two by hand"));

    let spread = "import acme\nacme.connect(u, timeout=1, **options)\n";
    let check = check_source(spread, &[pack()], &Settings::default()).unwrap();
    let fix = check.findings[0].fix.as_ref().unwrap();
    assert_eq!(fix.applicability, Applicability::Unsafe);
    assert_eq!(fixed(spread, &Settings::default(), false), spread);
}

#[test]
fn conditional_imports_make_review_items() {
    let text = "try:\n    from acme import connect\nexcept ImportError:\n    from other import connect\nconnect(u, timeout=1)\n";
    let check = check_source(text, &[pack()], &Settings::default()).unwrap();
    assert_eq!(check.findings.len(), 1);
    assert!(check.findings[0].fix.is_none());
    assert!(check.findings[0]
        .message
        .contains("may be `acme.connect` or `other.connect`"));
}

/// `safe = false`: the old releases did something with the value, so even
/// a plain name is an unsafe fix.
#[test]
fn remove_keyword_with_safe_false_is_always_unsafe() {
    let pack = build_pack(
        &parse_pack(
            "name = \"eps\"\nsummary = \"s\"\nprefix = \"EP\"\n\n[library]\nname = \"eps\"\npackages = [\"eps\"]\nbreaking = \"2.0\"\n\n[[rules]]\ncode = \"EP001\"\nname = \"Loop\"\nkind = \"remove-keyword\"\nsummary = \"s\"\ncallables = [\"eps.gather\"]\nkeyword = \"loop\"\nsafe = false\n",
        )
        .expect("valid"),
    );
    let text = "import eps\neps.gather(a, loop=loop)\n";
    let check = check_source(text, &[pack], &Settings::default()).unwrap();
    let fix = check.findings[0].fix.as_ref().expect("a fix");
    assert_eq!(fix.applicability, Applicability::Unsafe);
    let fixed = |unsafe_fixes| {
        fix_source(text, &[pack], &Settings::default(), unsafe_fixes)
            .unwrap()
            .text
    };
    assert_eq!(fixed(false), text);
    assert_eq!(fixed(true), "import eps\neps.gather(a)\n");
}

#[test]
fn remove_keyword_is_safe_for_plain_values_only() {
    let text = "import acme\nacme.connect(u, retries=3)\nacme.connect(u, retries=count())\n";
    assert_eq!(
        fixed(text, &Settings::default(), false),
        "import acme\nacme.connect(u)\nacme.connect(u, retries=count())\n"
    );
    assert_eq!(
        fixed(text, &Settings::default(), true),
        "import acme\nacme.connect(u)\nacme.connect(u)\n"
    );
}

#[test]
fn move_name_rewrites_the_import_and_every_use_at_once() {
    let text = "from acme import Session\n\nclass Mine(Session):\n    pass\n\ns = Session()\n";
    assert_eq!(
        fixed(text, &Settings::default(), false),
        "from acme.sessions import Session\n\nclass Mine(Session):\n    pass\n\ns = Session()\n"
    );
    let chain = "import acme\n\ns = acme.Session()\n";
    assert_eq!(
        fixed(chain, &Settings::default(), false),
        "import acme\nimport acme.sessions\n\ns = acme.sessions.Session()\n"
    );
}

#[test]
fn flags_report_imports_chains_and_keywords_without_fixes() {
    assert_eq!(codes("import acme.legacy\n"), ["AC004"]);
    assert_eq!(codes("from acme.legacy import x\n"), ["AC004"]);
    assert_eq!(codes("from acme import legacy\n"), ["AC004"]);
    assert_eq!(codes("import acme\nacme.legacy.x()\n"), ["AC004"]);
    assert_eq!(
        codes("import acme\nacme.connect(u, verify=False)\n"),
        ["AC005"]
    );
    // Not the library: the same words, no finding.
    assert!(codes("import legacy\nlegacy.connect(u, verify=False, timeout=1)\n").is_empty());
}

#[test]
fn the_target_and_the_floor_decide_as_for_built_in_rules() {
    let text = "import acme\nacme.connect(u, timeout=1)\n";
    let mut below = Settings::default();
    below
        .targets
        .insert("acme-client".into(), "1.9".parse().unwrap());
    assert!(check_source(text, &[pack()], &below)
        .unwrap()
        .findings
        .is_empty());

    // The new keyword appeared in 1.5: a project that still allows 1.2 gets
    // the fix as unsafe, with the reason.
    let mut floor = Settings::default();
    floor.floors.insert(
        "acme-client".into(),
        Floor {
            release: "1.2".parse().unwrap(),
            declared: "requirements.txt:1 (`acme-client>=1.2`)".into(),
        },
    );
    let check = check_source(text, &[pack()], &floor).unwrap();
    let finding = &check.findings[0];
    assert_eq!(
        finding.fix.as_ref().unwrap().applicability,
        Applicability::Unsafe
    );
    assert!(finding.message.contains("needs acme-client >= 1.5"));
}

const SINCE_PACK: &str = r#"
name = "beta"
summary = "beta 2 → 3"
prefix = "BT"

[library]
name = "beta"
packages = ["beta"]
breaking = "3.0"

[[rules]]
code = "BT001"
name = "Rename"
kind = "rename-keyword"
summary = "s"
since = "0.0"
requires = "0.0"
old = "old"
new = "new"
callables = [{ name = "beta.open", since = "3.0" }, "beta.modern.open"]
message = "`{callee}` takes `{new}`"
message-both = "{message}, and `{new}` too"
message-ambiguous = "`{callee}` may be {candidates}"

[[rules]]
code = "BT002"
name = "Remove"
kind = "remove-keyword"
summary = "s"
requires = "0.0"
callables = ["beta.modern.open"]
keywords = [{ name = "legacy", default = "False", message-kept = "{message}; it mattered" }]
"#;

fn since_pack() -> &'static ferry_engine::Pack {
    static PACK: std::sync::OnceLock<&'static ferry_engine::Pack> = std::sync::OnceLock::new();
    PACK.get_or_init(|| build_pack(&parse_pack(SINCE_PACK).expect("valid")))
}

fn findings(text: &str, target: Option<&str>) -> Vec<(String, Option<ferry_engine::FixKind>)> {
    let mut settings = Settings::default();
    if let Some(target) = target {
        settings
            .targets
            .insert("beta".into(), target.parse().unwrap());
    }
    check_source(text, &[since_pack()], &settings)
        .unwrap()
        .findings
        .iter()
        .map(|f| (f.message.clone(), f.fix.as_ref().map(|_| f.fix_kind())))
        .collect()
}

#[test]
fn a_callable_since_a_release_is_the_new_api_only_from_there() {
    let text = "import beta\nbeta.open(u, old=1)\n";
    // Below 3.0 `beta.open` is the old API, where `old=` is right.
    assert!(findings(text, Some("2.5")).is_empty());
    let at_3 = findings(text, Some("3.0"));
    assert_eq!(
        at_3,
        [(
            "`beta.open` takes `new`".to_string(),
            Some(ferry_engine::FixKind::Safe)
        )]
    );
    // No target: the newest release.
    assert_eq!(findings(text, None).len(), 1);
    // The other callable has no `since`: found on any target the rule runs at.
    assert_eq!(
        findings(
            "import beta.modern\nbeta.modern.open(u, old=1)\n",
            Some("2.5")
        )
        .len(),
        1
    );
    // A fix for `beta.open` needs 3.0, though the rule's own `requires` is 0.0.
    let check = check_source(text, &[since_pack()], &Settings::default()).unwrap();
    assert_eq!(
        check.findings[0].fix.as_ref().unwrap().requires,
        Some(ferry_engine::Release::new(3, 0))
    );
}

#[test]
fn message_templates_name_the_callee_and_the_situation() {
    let both = findings("import beta\nbeta.open(u, old=1, new=2)\n", None);
    assert_eq!(
        both,
        [("`beta.open` takes `new`, and `new` too".to_string(), None)]
    );
    let text = "try:\n    from beta import open\nexcept ImportError:\n    from gamma import open\nopen(u, old=1)\n";
    assert_eq!(
        findings(text, None),
        [(
            "`beta.open` may be `beta.open` or `gamma.open`".to_string(),
            None
        )]
    );
}

#[test]
fn a_removed_keyword_with_a_default_is_removed_only_at_that_value() {
    let text =
        "import beta.modern\nbeta.modern.open(u, legacy=False)\nbeta.modern.open(u, legacy=True)\n";
    let found = findings(text, None);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].1, Some(ferry_engine::FixKind::Safe));
    assert_eq!(found[1].1, None);
    assert!(found[1].0.ends_with("; it mattered"), "{found:?}");
}

const METHOD_PACK: &str = r#"
name = "gamma"
summary = "gamma 1 → 2"
prefix = "GM"

[library]
name = "gamma"
packages = ["gamma"]
breaking = "2.0"

[[rules]]
code = "GM001"
name = "FetchAll"
kind = "rename-method"
summary = "`Client.fetchAll` is `fetch_all`."
classes = ["gamma.Client"]
old = "fetchAll"
new = "fetch_all"
"#;

fn method_fixed(text: &str) -> String {
    static PACK: std::sync::OnceLock<&'static ferry_engine::Pack> = std::sync::OnceLock::new();
    let pack = *PACK.get_or_init(|| build_pack(&parse_pack(METHOD_PACK).expect("valid")));
    fix_source(text, &[pack], &Settings::default(), false)
        .unwrap()
        .text
}

#[test]
fn rename_method_renames_on_proven_instances_only() {
    let before = r#"import gamma
from gamma import Client


class Mine(Client):
    def run(self):
        self.fetchAll()

        def later():
            return self.fetchAll

    @staticmethod
    def helper(other):
        other.fetchAll()


class Deeper(Mine):
    def go(this):
        this.fetchAll()


class Overrides(gamma.Client):
    def fetchAll(self):
        return []

    def go(self):
        self.fetchAll()


def plain(client):
    client.fetchAll()
    gamma.Client().fetchAll()
    made = Client()
    made.fetchAll()
"#;
    let after = before
        .replacen("self.fetchAll()", "self.fetch_all()", 1)
        .replace("return self.fetchAll", "return self.fetch_all")
        .replace("this.fetchAll()", "this.fetch_all()")
        .replace("gamma.Client().fetchAll()", "gamma.Client().fetch_all()")
        .replace("made.fetchAll()", "made.fetch_all()");
    assert_eq!(method_fixed(before), after);
}

const REPLACE_PACK: &str = r#"
name = "delta"
summary = "delta 1 → 2"
prefix = "DL"

[library]
name = "delta"
packages = ["delta"]
breaking = "2.0"

[[rules]]
code = "DL001"
name = "MakeSuite"
kind = "replace-call"
summary = "`delta.make_suite` is gone: use the loader."
callables = ["delta.make_suite"]
parameters = ["case", "prefix"]
template = "delta.loader.Loader(prefix={prefix}).load({case})"
imports = ["delta.loader"]

[[rules]]
code = "DL002"
name = "Total"
kind = "replace-call"
summary = "`delta.total(x)` is `delta.sum_of(x).value`."
callables = ["delta.total"]
parameters = ["items"]
template = "delta.sum_of({items}).value"
safe = true

[[rules]]
code = "DL003"
name = "Wrap"
kind = "replace-call"
summary = "`delta.wrap(x)` is `x.wrapped()`."
callables = ["delta.wrap"]
parameters = ["value"]
template = "{0}.wrapped()"
safe = true
"#;

/// A callable imported by name is gone with its import: the import goes
/// with its one call (the statement, or the name among others); with two
/// calls, neither is fixed alone, since the first would leave the import.
#[test]
fn replace_call_takes_a_name_imported_from_the_module_out_with_its_call() {
    let outcome = |text: &str| {
        fix_source(text, &[replace_pack()], &Settings::default(), true)
            .unwrap()
            .text
    };
    assert_eq!(
        outcome("from delta import make_suite\n\nsuite = make_suite(Case, 't')\n"),
        "import delta.loader\n\nsuite = delta.loader.Loader(prefix='t').load(Case)\n"
    );
    assert_eq!(
        outcome("from delta import other, make_suite\n\nsuite = make_suite(Case, 't')\nother()\n"),
        "from delta import other\nimport delta.loader\n\nsuite = delta.loader.Loader(prefix='t').load(Case)\nother()\n"
    );
    let twice = "from delta import make_suite\n\nmake_suite(A, 't')\nmake_suite(B, 't')\n";
    assert_eq!(outcome(twice), twice);
    let findings = check_source(twice, &[replace_pack()], &Settings::default())
        .unwrap()
        .findings;
    assert!(
        findings.iter().all(|f| f.fix.is_none()
            && f.message
                .contains("`make_suite` is imported by name and used 2 times")),
        "{findings:?}"
    );
}

/// The template's module read through a name bound to something else
/// (`from datetime import datetime`) would call the wrong object: a review
/// item with the replacement to write.
#[test]
fn replace_call_does_not_write_a_module_whose_name_is_taken() {
    let text = "import delta\n\ndelta.make_suite(Case, 't')\n";
    let taken = "import delta as d\n\ndelta = object()\nd.make_suite(Case, 't')\n";
    let findings = check_source(taken, &[replace_pack()], &Settings::default())
        .unwrap()
        .findings;
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(findings[0].fix.is_none(), "{findings:?}");
    assert!(
        findings[0]
            .message
            .contains("the replacement `delta.loader.Loader(prefix='t').load(Case)` reads the module `delta.loader`, but `delta` is another name here"),
        "{}",
        findings[0].message
    );
    // Bound to the module itself: fixed.
    assert_ne!(
        fix_source(text, &[replace_pack()], &Settings::default(), true)
            .unwrap()
            .text,
        text
    );
}

fn replace_pack() -> &'static ferry_engine::Pack {
    static PACK: std::sync::OnceLock<&'static ferry_engine::Pack> = std::sync::OnceLock::new();
    PACK.get_or_init(|| build_pack(&parse_pack(REPLACE_PACK).expect("valid")))
}

#[test]
fn replace_call_fills_the_template_and_imports_what_it_spells() {
    let text = "import delta\n\nsuite = delta.make_suite(Case, prefix='t')\nother = delta.make_suite(prefix='x', case=Other)\n";
    let outcome = fix_source(text, &[replace_pack()], &Settings::default(), true).unwrap();
    assert_eq!(
        outcome.text,
        "import delta\nimport delta.loader\n\nsuite = delta.loader.Loader(prefix='t').load(Case)\nother = delta.loader.Loader(prefix='x').load(Other)\n"
    );
    // Unsafe unless the pack says safe.
    let safe_only = fix_source(text, &[replace_pack()], &Settings::default(), false).unwrap();
    assert_eq!(safe_only.text, text);
}

#[test]
fn replace_call_leaves_what_the_template_cannot_say_for_review() {
    let text = "import delta\n\ndelta.make_suite(Case)\ndelta.make_suite(Case, 't', 'extra')\ndelta.make_suite(*cases)\ndelta.make_suite(Case, verbose=True)\ndelta.total(a + b)\n";
    let check = check_source(text, &[replace_pack()], &Settings::default()).unwrap();
    let messages: Vec<(&str, bool)> = check
        .findings
        .iter()
        .map(|f| (f.message.as_str(), f.fix.is_some()))
        .collect();
    assert!(
        messages[0].0.ends_with(
            "the call does not pass `prefix`, which the replacement needs: rewrite it by hand"
        ),
        "{messages:?}"
    );
    assert!(
        messages[1].0.ends_with(
            "the call passes 3 positional arguments; the replacement knows 2: rewrite it by hand"
        ),
        "{messages:?}"
    );
    assert!(
        messages[2].0.contains("spreads `*` arguments"),
        "{messages:?}"
    );
    assert!(
        messages[3]
            .0
            .ends_with("the replacement has no place for `verbose=`: rewrite it by hand"),
        "{messages:?}"
    );
    assert_eq!(messages[..4].iter().filter(|(_, fix)| *fix).count(), 0);
    let fixed = fix_source(text, &[replace_pack()], &Settings::default(), false).unwrap();
    assert!(
        fixed.text.ends_with("delta.sum_of(a + b).value\n"),
        "{}",
        fixed.text
    );
    // Placed before `.`, a sum is parenthesised, so it keeps its meaning.
    let wrap = "import delta\n\ndelta.wrap(a + b)\ndelta.wrap(name)\ndelta.wrap(5)\n";
    let fixed = fix_source(wrap, &[replace_pack()], &Settings::default(), false).unwrap();
    assert_eq!(
        fixed.text,
        "import delta\n\n(a + b).wrapped()\nname.wrapped()\n(5).wrapped()\n"
    );
}

#[test]
fn rename_keyword_renames_the_key_of_a_dict_it_can_read() {
    let text = r#"import acme


def seen(u):
    options = {"timeout": 1, "other": 2}
    options["timeout"] = 3
    return acme.connect(u, **options)


def inline(u):
    return acme.connect(u, **dict(timeout=1))


def updated(u, extra):
    options = {"timeout": 1}
    options.update(extra)
    return acme.connect(u, **options)


def forwarded(u, **kwargs):
    return acme.connect(u, **kwargs)
"#;
    let check = check_source(text, &[pack()], &Settings::default()).unwrap();
    let found: Vec<(&str, bool)> = check
        .findings
        .iter()
        .map(|f| (f.message.as_str(), f.fix.is_some()))
        .collect();
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found[2].0.ends_with("is used for more than `**` (updated, passed on), so Ferry cannot see which keys it passes: rename it by hand"), "{found:?}");
    assert!(!found[2].1);
    let fixed = fixed(text, &Settings::default(), false);
    assert!(
        fixed.contains(r#"options = {"connect_timeout": 1, "other": 2}"#),
        "{fixed}"
    );
    assert!(
        fixed.contains(r#"options["connect_timeout"] = 3"#),
        "{fixed}"
    );
    assert!(fixed.contains("**dict(connect_timeout=1)"), "{fixed}");
    assert!(
        fixed.contains("options = {\"timeout\": 1}\n    options.update(extra)"),
        "{fixed}"
    );
}

#[test]
fn flag_methods_reports_proven_instances_only() {
    let pack_text = METHOD_PACK.replace(
        "[[rules]]",
        "[[rules]]\ncode = \"GM002\"\nname = \"Gone\"\nkind = \"flag\"\nsummary = \"`Client.legacy` is gone.\"\nclasses = [\"gamma.Client\"]\nmethods = [\"legacy\", \"older\"]\nmessage = \"`{callee}.{old}` is gone: use `fetch_all`\"\n\n[[rules]]",
    );
    let pack = build_pack(&parse_pack(&pack_text).expect("valid"));
    let text = "import gamma\n\nclass Mine(gamma.Client):\n    def run(self):\n        self.legacy()\n        self.older()\n\ndef other(x):\n    x.legacy()\n";
    let check = check_source(text, &[pack], &Settings::default()).unwrap();
    let messages: Vec<&str> = check.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`gamma.Client.legacy` is gone: use `fetch_all`",
            "`gamma.Client.older` is gone: use `fetch_all`"
        ]
    );
    assert!(check.findings.iter().all(|f| f.fix.is_none()));
}

#[test]
fn rename_method_takes_several_renames_of_the_same_classes() {
    let pack_text = r#"
name = "py-test"
summary = "s"
prefix = "PX"

[library]
name = "python"
packages = ["unittest"]
breaking = "3.12"

[[rules]]
code = "PX001"
name = "UnittestAliases"
kind = "rename-method"
summary = "The unittest aliases removed in 3.12."
requires = "3.0"
classes = ["unittest.TestCase"]
renames = [
    { old = "assertEquals", new = "assertEqual" },
    { old = "failUnless", new = "assertTrue" },
]
"#;
    let pack = build_pack(&parse_pack(pack_text).expect("valid"));
    let text = "import unittest\n\n\nclass T(unittest.TestCase):\n    def test(self):\n        self.assertEquals(1, 1)\n        self.failUnless(True)\n";
    let outcome = fix_source(text, &[pack], &Settings::default(), false).unwrap();
    assert_eq!(
        outcome.text,
        "import unittest\n\n\nclass T(unittest.TestCase):\n    def test(self):\n        self.assertEqual(1, 1)\n        self.assertTrue(True)\n"
    );
    let e =
        parse_pack(&pack_text.replace("new = \"assertTrue\"", "new = \"failUnless\"")).unwrap_err();
    assert!(
        e.message.contains("`failUnless` is renamed to itself"),
        "{e:?}"
    );
}

#[test]
fn a_flagged_name_may_carry_its_own_message() {
    let pack_text = r#"
name = "py-mods"
summary = "s"
prefix = "PM"

[library]
name = "python"
packages = ["imp", "pipes", "asyncore"]
breaking = "3.12"

[[rules]]
code = "PM001"
name = "RemovedModules"
kind = "flag"
summary = "Modules removed in 3.12 and 3.13."
message = "`{library}` removed this module"
names = [
    { name = "imp", message = "`imp` is gone in 3.12: use `importlib`" },
    "asyncore",
    { name = "pipes.quote", message = "use `shlex.quote`" },
]
"#;
    let pack = build_pack(&parse_pack(pack_text).expect("valid"));
    let text = "import imp\nimport asyncore\nfrom pipes import quote\n";
    let check = check_source(text, &[pack], &Settings::default()).unwrap();
    let messages: Vec<&str> = check.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`imp` is gone in 3.12: use `importlib`",
            "`python` removed this module",
            "use `shlex.quote`"
        ]
    );
    let e = parse_pack(&pack_text.replace("{ name = \"imp\",", "{ nam = \"imp\",")).unwrap_err();
    assert!(e.message.contains("unknown field `nam`"), "{e:?}");
}

#[test]
fn a_moved_module_imported_as_such_is_a_review_item_never_a_wrong_fix() {
    let pack_text = PACK.replace(
        "old = \"acme.Session\"\nnew = \"acme.sessions.Session\"",
        "old = \"acme.old_mod\"\nnew = \"acme.new_mod\"",
    );
    let pack = build_pack(&parse_pack(&pack_text).expect("valid"));
    for text in [
        "import acme.old_mod\n\nacme.old_mod.f()\n",
        "import acme.old_mod as m\n\nm.f()\n",
    ] {
        let check = check_source(text, &[pack], &Settings::default()).unwrap();
        let found: Vec<_> = check
            .findings
            .iter()
            .filter(|f| f.code == "AC003")
            .collect();
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        assert!(found[0].fix.is_none(), "{text}: {found:?}");
        let fixed = fix_source(text, &[pack], &Settings::default(), true).unwrap();
        assert_eq!(fixed.text, text);
    }
}

const VALUE_PACK: &str = r#"
name = "acme"
summary = "acme 1.x → 2.0"
prefix = "AC"

[library]
name = "acme-client"
packages = ["acme"]
breaking = "2.0"

[[rules]]
code = "AC001"
name = "ClientApp"
kind = "rename-keyword"
summary = "`app=` of `acme.Client` is `transport=acme.Transport(app=...)`."
callables = ["acme.Client"]
old = "app"
new = "transport"
value = "acme.Transport(app={value})"
imports = ["acme"]

[[rules]]
code = "AC002"
name = "ClientProxies"
kind = "rename-keyword"
summary = "`proxies=` of `acme.Client` is `proxy=`; a mapping is `routes=`."
callables = ["acme.Client"]
old = "proxies"
new = "proxy"
message-mapping = "write `routes={mapping}`"
mapping-entry = "{key}: acme.Route(proxy={value})"
"#;

fn value_pack() -> &'static ferry_engine::Pack {
    build_pack(&parse_pack(VALUE_PACK).unwrap())
}

fn value_findings(text: &str) -> Vec<(String, Option<Applicability>)> {
    check_source(text, &[value_pack()], &Settings::default())
        .unwrap()
        .findings
        .into_iter()
        .map(|f| (f.message, f.fix.map(|fix| fix.applicability)))
        .collect()
}

#[test]
fn rename_keyword_writes_the_new_value_and_its_import() {
    let settings = Settings::default();
    let fixed = |text: &str, unsafe_fixes: bool| {
        fix_source(text, &[value_pack()], &settings, unsafe_fixes)
            .unwrap()
            .text
    };
    assert_eq!(
        fixed("from acme import Client\nc = Client(app=handler, x=1)\n", false),
        "from acme import Client\nimport acme\nc = Client(transport=acme.Transport(app=handler), x=1)\n"
    );
    assert_eq!(
        fixed("import acme\nc = acme.Client(app=make())\n", false),
        "import acme\nc = acme.Client(transport=acme.Transport(app=make()))\n"
    );
    // A value that may be `None` (read as not given) is unsafe; `None` itself is for review.
    let text = "import acme\nc = acme.Client(app=a if b else None)\n";
    assert_eq!(fixed(text, false), text);
    assert_eq!(
        fixed(text, true),
        "import acme\nc = acme.Client(transport=acme.Transport(app=a if b else None))\n"
    );
    // An optional dependency stays optional: no top-level import is added.
    let text = "try:\n    from acme import Client\nexcept ImportError:\n    Client = None\nc = Client(app=h)\n";
    assert_eq!(fixed(text, true), text);
    let found = value_findings(text);
    assert!(found[0].0.contains("where it may be optional"), "{found:?}");
    assert_eq!(
        fixed(
            "def f(h):\n    import acme\n    return acme.Client(app=h)\n",
            false
        ),
        "def f(h):\n    import acme\n    return acme.Client(transport=acme.Transport(app=h))\n"
    );
    let found =
        value_findings("import acme\nc = acme.Client(app=None)\nd = acme.Client(**{'app': h})\n");
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|(_, fix)| fix.is_none()), "{found:?}");
    assert!(found[0].0.contains("`app=None`"), "{found:?}");
    assert!(
        found[1].0.contains("move it out of the dict by hand"),
        "{found:?}"
    );
}

#[test]
fn rename_keyword_leaves_a_mapping_for_review_with_the_code_to_write() {
    let found = value_findings(
        "import acme\nP = {'http://': u}\na = acme.Client(proxies={'all://': u, 'x://': None, **more})\nb = acme.Client(proxies=P)\nc = acme.Client(proxies=dict(http=u))\n",
    );
    assert_eq!(
        found,
        vec![
            (
                "write `routes={'all://': acme.Route(proxy=u), 'x://': None, **more}`".to_string(),
                None
            ),
            (
                "write `routes={'http://': acme.Route(proxy=u)}`".to_string(),
                None
            ),
            (
                "write `routes={\"http\": acme.Route(proxy=u)}`".to_string(),
                None
            ),
        ]
    );
    // One proxy: safe for a literal with text, unsafe for what may be a
    // mapping or empty, a review item for an empty string.
    let found = value_findings(
        "import acme\na = acme.Client(proxies='http://p')\nb = acme.Client(proxies=f'http://{p}')\nc = acme.Client(proxies=settings.P)\nd = acme.Client(proxies=f'{p}')\ne = acme.Client(proxies='')\n",
    );
    let fixes: Vec<_> = found.iter().map(|(_, fix)| *fix).collect();
    assert_eq!(
        fixes,
        vec![
            Some(Applicability::Safe),
            Some(Applicability::Safe),
            Some(Applicability::Unsafe),
            Some(Applicability::Unsafe),
            None,
        ]
    );
    assert!(
        found[2]
            .0
            .contains("Ferry cannot see whether `settings.P` is a mapping"),
        "{found:?}"
    );
    assert!(found[4].0.contains("read as not given"), "{found:?}");
}
