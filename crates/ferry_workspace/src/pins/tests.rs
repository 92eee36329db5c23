//! The resolver on real folders: which requirement decides for a file,
//! locks over declarations, includes and their cycles, the walk's end.

use std::fs;
use std::path::Path;

use super::*;
use ferry_engine::PinBumpRule;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A temporary folder that is the top of a git work tree, so the walk up
/// never reaches the machine's own files.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

/// A resolver for websockets, with its migration.
fn websockets_resolver() -> PinResolver {
    PinResolver::new(vec![("websockets".into(), Some(WEBSOCKETS))])
}

fn target_for(root: &Path, folder: &str) -> Option<String> {
    let resolver = websockets_resolver();
    resolver
        .pin_for(&root.join(folder), "websockets")?
        .target
        .as_ref()
        .map(Version::to_string)
}

#[test]
fn the_nearest_declaring_folder_decides() {
    let dir = project();
    let root = dir.path();
    write(root, "requirements.txt", "websockets<14\n");
    write(root, "services/new/requirements.txt", "websockets>=14\n");
    // Only tool configuration: it does not hide the pin above.
    write(
        root,
        "services/old/pyproject.toml",
        "[tool.ruff]\nline-length = 100\n",
    );
    fs::create_dir_all(root.join("services/old/app")).unwrap();
    fs::create_dir_all(root.join("services/new/app")).unwrap();
    assert_eq!(
        target_for(root, "services/old/app").as_deref(),
        Some("13.999")
    );
    assert_eq!(target_for(root, "services/new/app"), None);
    assert_eq!(target_for(root, "").as_deref(), Some("13.999"));
}

#[test]
fn the_walk_stops_at_the_work_tree_top() {
    let outer = tempfile::tempdir().unwrap();
    write(outer.path(), "requirements.txt", "websockets<14\n");
    fs::create_dir_all(outer.path().join("repo/.git")).unwrap();
    fs::create_dir_all(outer.path().join("repo/src")).unwrap();
    assert_eq!(target_for(outer.path(), "repo/src"), None);
    assert_eq!(target_for(outer.path(), "").as_deref(), Some("13.999"));
}

#[test]
fn a_lock_wins_over_the_declarations() {
    let dir = project();
    let root = dir.path();
    write(
        root,
        "pyproject.toml",
        "[project]\nname = \"x\"\ndependencies = [\"websockets>=12\"]\n",
    );
    write(
        root,
        "uv.lock",
        "version = 1\n\n[[package]]\nname = \"websockets\"\nversion = \"13.1\"\n",
    );
    let resolver = websockets_resolver();
    let pin = resolver.pin_for(root, "websockets").unwrap();
    assert_eq!(pin.target.as_ref().unwrap().to_string(), "13.1");
    assert!(pin.holds_back());
    let deciding = pin.deciding().unwrap();
    assert_eq!((deciding.kind, deciding.line), (SourceKind::Lock, 5));
    // A lock at 15 is the newest API, whatever the declarations say.
    write(
        root,
        "poetry.lock",
        "[[package]]\nname = \"websockets\"\nversion = \"15.0.1\"\n",
    );
    let resolver = websockets_resolver();
    let pin = resolver.pin_for(root, "websockets").unwrap();
    assert_eq!(pin.target.as_ref().unwrap().to_string(), "15.0.1");
    assert!(!pin.holds_back());
}

#[test]
fn the_tightest_declaration_decides_and_unpinned_means_newest() {
    let dir = project();
    let root = dir.path();
    write(root, "a/requirements.txt", "websockets\n");
    write(root, "a/requirements-dev.txt", "websockets==13.1\n");
    write(root, "b/requirements.txt", "websockets>=12\naiohttp<4\n");
    write(
        root,
        "c/setup.cfg",
        "[options]\ninstall_requires =\n    websockets~=13.0\n",
    );
    write(
        root,
        "d/setup.py",
        "from setuptools import setup\nsetup(install_requires=['websockets<14'])\n",
    );
    write(root, "e/Pipfile", "[packages]\nwebsockets = \"==13.*\"\n");
    write(
        root,
        "f/pyproject.toml",
        "[tool.poetry.dependencies]\nwebsockets = \"^13.0\"\n",
    );
    assert_eq!(target_for(root, "a").as_deref(), Some("13.1"));
    assert_eq!(target_for(root, "b"), None);
    assert_eq!(target_for(root, "c").as_deref(), Some("13.999"));
    assert_eq!(target_for(root, "d").as_deref(), Some("13.999"));
    assert_eq!(target_for(root, "e").as_deref(), Some("13.999"));
    assert_eq!(target_for(root, "f").as_deref(), Some("13.999"));
}

#[test]
fn includes_are_followed_relative_to_the_including_file_and_cycles_end() {
    let dir = project();
    let root = dir.path();
    write(
        root,
        "svc/requirements.txt",
        "-r ../shared/base.txt\nflask\n",
    );
    write(root, "shared/base.txt", "--requirement more/pins.txt\n");
    write(
        root,
        "shared/more/pins.txt",
        "-r ../base.txt\nwebsockets==13.1  # legacy\n",
    );
    let resolver = websockets_resolver();
    let pin = resolver.pin_for(&root.join("svc"), "websockets").unwrap();
    assert_eq!(pin.target.as_ref().unwrap().to_string(), "13.1");
    let deciding = pin.deciding().unwrap();
    assert!(deciding.file.ends_with("shared/more/pins.txt"));
    assert_eq!(
        (deciding.line, deciding.text.as_str()),
        (2, "websockets==13.1")
    );
    // A file including itself.
    write(
        root,
        "loop/requirements.txt",
        "-r requirements.txt\nwebsockets<14\n",
    );
    assert_eq!(target_for(root, "loop").as_deref(), Some("13.999"));
}

#[test]
fn each_folder_and_file_is_read_once() {
    let dir = project();
    let root = dir.path();
    write(root, "requirements.txt", "websockets<14\n");
    fs::create_dir_all(root.join("a/b")).unwrap();
    let resolver = websockets_resolver();
    let first = resolver.pin_for(&root.join("a/b"), "websockets").unwrap();
    // Removing the file does not change the answer: it is not read again.
    fs::remove_file(root.join("requirements.txt")).unwrap();
    let again = resolver.pin_for(&root.join("a"), "websockets").unwrap();
    assert!(Arc::ptr_eq(&first, &again));
    let state = resolver.state.lock().unwrap();
    assert_eq!(state.files.len(), 1);
    assert_eq!(state.folders.len(), 3);
    // The two folders without requirement files share one empty entry, and
    // each remembers its answer.
    for folder in [root.join("a"), root.join("a/b")] {
        let folder = state.folders.get(&folder).unwrap();
        assert!(Arc::ptr_eq(&folder.sources, &state.no_sources));
        assert!(matches!(&folder.nearest[..], [(0, Some(pin))] if Arc::ptr_eq(pin, &first)));
    }
    assert!(!Arc::ptr_eq(
        &state.folders.get(root).unwrap().sources,
        &state.no_sources
    ));
}

#[test]
fn doctor_gets_every_declaration_of_the_folder() {
    let dir = project();
    let root = dir.path();
    write(
        root,
        "requirements.txt",
        "# runtime\nwebsockets>=10.4,<14\npytest\n",
    );
    write(root, "requirements-dev.txt", "websockets==13.1  # pinned\n");
    write(root, "setup.txt", "websockets<1\n");
    write(
        root,
        "uv.lock",
        "[[package]]\nname = \"websockets\"\nversion = \"13.1\"\n",
    );
    let found: Vec<(String, usize, String, Option<bool>)> = declared_in(root, "websockets")
        .into_iter()
        .map(|r| {
            let allows = r.allows("15.0.1");
            let name = r.file.file_name().unwrap().to_string_lossy().into_owned();
            (name, r.line, r.text, allows)
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "requirements-dev.txt".into(),
                1,
                "websockets==13.1".into(),
                Some(false)
            ),
            (
                "requirements.txt".into(),
                2,
                "websockets>=10.4,<14".into(),
                Some(false)
            ),
        ]
    );
}

/// The websockets pack's migration, as test data.
const WEBSOCKETS: Migration = Migration {
    breaking_since: ferry_engine::Release::new(14, 0),
    recommended_floor: "14.2",
    example_target: "15.0.1",
    below_means: "`websockets.connect` is the legacy client there",
    pin_bump: PinBumpRule {
        code: "WS900",
        name: "RequirementExcludesTarget",
        summary: "",
        doc: "",
    },
};

/// A pack with no rules: what the pins need of the websockets one.
static PACK: Pack = Pack {
    name: "websockets",
    summary: "",
    library: "websockets",
    rules: &[],
    triggers: &[],
    mention_words: &[],
    packages: &[],
    migration: Some(WEBSOCKETS),
    probe: None,
    gate: ferry_engine::RuleGate::new(),
};

/// The pin bump findings for `file` holding `text`, under `--target
/// websockets==target`: each message, and the file after the unsafe fixes.
fn bumps(file: &str, text: &str, target: &str) -> (Vec<String>, String) {
    let dir = project();
    let root = dir.path();
    write(root, file, text);
    let mut settings = Settings::default();
    settings
        .targets
        .insert("websockets".into(), target.parse().unwrap());
    let packs = [&PACK];
    let pins = RunPins::new(&settings, &packs, root, true);
    pins.for_file(&root.join("app/client.py"));
    let bumps = pins.bumps();
    assert!(bumps.len() <= 1, "one requirement file");
    let messages = bumps
        .iter()
        .flat_map(|b| b.findings.iter().map(|f| f.message.clone()))
        .collect();
    let fixed = bumps.first().map_or(text.to_string(), |b| b.fixed().0);
    (messages, fixed)
}

#[test]
fn upper_bounds_below_the_breaking_release_are_raised_keeping_the_other_clauses() {
    let (messages, fixed) = bumps("requirements.txt", "websockets~=13.0\n", "15.0.1");
    assert_eq!(
        messages,
        vec!["`websockets~=13.0` excludes the target websockets 15.0.1 (`~=13.0` allows only releases below the target); the requirement keeps websockets below 14, so `websockets.connect` is the legacy client there; raise the requirement to `websockets>=14.2`"]
    );
    assert_eq!(fixed, "websockets>=14.2\n");
    // A lower bound the floor implies goes; an exclusion above it stays.
    let (_, fixed) = bumps(
        "requirements.txt",
        "websockets>=10,<14,!=13.0,!=15.0.0  # old\n",
        "15.0.1",
    );
    assert_eq!(fixed, "websockets>=14.2,!=15.0.0  # old\n");
    // Held below the target but not below 14: the new API already, no fix.
    let (_, fixed) = bumps("requirements.txt", "websockets>=14.5,<15\n", "15.0.1");
    assert_eq!(fixed, "websockets>=14.5,<15\n");
    let (_, fixed) = bumps("requirements.txt", "websockets==13.*,>=13.1\n", "14.0");
    assert_eq!(
        fixed, "websockets>=14.0\n",
        "the floor never exceeds the target"
    );
    // Only exclusions and bounds together hold it below 14.
    let (messages, fixed) = bumps("requirements.txt", "websockets>=13,<15,!=14.*\n", "15.0.1");
    assert!(
        messages[0].contains("(`<15` allows only releases below the target); the requirement keeps websockets below 14"),
        "{messages:?}"
    );
    assert_eq!(fixed, "websockets>=14.2,!=14.*\n");
}

#[test]
fn lower_bounds_and_exclusions_that_reject_the_target_are_reported_without_a_fix() {
    let cases = [
        (
            "websockets>=16\n",
            "`websockets>=16` excludes the target websockets 15.0.1 (`>=16` allows only releases above the target); run with a --target it allows, or change the requirement by hand",
        ),
        (
            "websockets!=15.0.1\n",
            "`websockets!=15.0.1` excludes the target websockets 15.0.1 (`!=15.0.1` rules the target out); run with a --target it allows, or change the requirement by hand",
        ),
        (
            "websockets!=15.*\n",
            "`websockets!=15.*` excludes the target websockets 15.0.1 (`!=15.*` rules the target out); run with a --target it allows, or change the requirement by hand",
        ),
        (
            // New API all the same, but not the target.
            "websockets<=15.0.0\n",
            "`websockets<=15.0.0` excludes the target websockets 15.0.1 (`<=15.0.0` allows only releases below the target); run with a --target it allows, or change the requirement by hand",
        ),
        (
            "websockets<14,!=15.0.1\n",
            "`websockets<14,!=15.0.1` excludes the target websockets 15.0.1 (`<14` allows only releases below the target; `!=15.0.1` rules the target out); the requirement keeps websockets below 14, so `websockets.connect` is the legacy client there; run with a --target it allows, or change the requirement by hand",
        ),
        (
            "websockets===15.0.0\n",
            "`websockets===15.0.0` excludes the target websockets 15.0.1 (`===15.0.0` allows only releases below the target); run with a --target it allows, or change the requirement by hand",
        ),
    ];
    for (text, message) in cases {
        let (messages, fixed) = bumps("requirements.txt", text, "15.0.1");
        assert_eq!(messages, vec![message.to_string()], "{text}");
        assert_eq!(fixed, text, "no fix for {text}");
    }
    // What allows the target is not reported.
    for text in [
        "websockets>=14,!=15.0.0\n",
        "websockets~=15.0\n",
        "websockets===15.0.1\n",
        "websockets\n",
    ] {
        assert_eq!(
            bumps("requirements.txt", text, "15.0.1").0,
            Vec::<String>::new(),
            "{text}"
        );
    }
}

/// The requirements `folder` decides with: file name, line and text.
fn decided(root: &Path, folder: &str) -> Vec<(String, usize, String)> {
    let resolver = websockets_resolver();
    let Some(pin) = resolver.pin_for(&root.join(folder), "websockets") else {
        return Vec::new();
    };
    pin.requirements
        .iter()
        .map(|r| {
            let name = r.file.file_name().unwrap().to_string_lossy().into_owned();
            (name, r.line, r.text.clone())
        })
        .collect()
}

#[test]
fn requirements_files_join_continuations_and_drop_comments_options_and_hashes() {
    let dir = project();
    let root = dir.path();
    write(
        root,
        "hashes/requirements.txt",
        "aiohttp==3.9.0 \\\n    --hash=sha256:aaa\nwebsockets==13.1 \\\r\n    --hash=sha256:bbb \\\r\n    --hash=sha256:ccc\r\n",
    );
    assert_eq!(
        decided(root, "hashes"),
        vec![("requirements.txt".into(), 3, "websockets==13.1".into())]
    );
    assert_eq!(target_for(root, "hashes").as_deref(), Some("13.1"));
    // A specifier split over lines; comments, markers and options around it.
    write(
        root,
        "split/requirements.txt",
        "# pinned \\\nwebsockets[speedups]>=12,\\\n<14 ; python_version >= \"3.9\"  # legacy API\n--index-url https://example.invalid/simple\n",
    );
    assert_eq!(
        decided(root, "split"),
        vec![(
            "requirements.txt".into(),
            2,
            "websockets[speedups]>=12,<14 ; python_version >= \"3.9\"".into()
        )]
    );
    assert_eq!(target_for(root, "split").as_deref(), Some("13.999"));
    // A comment line ending in a backslash does not swallow the next line.
    write(
        root,
        "comment/requirements.txt",
        "# old pin: websockets<13 \\\nwebsockets<14  # \\\n",
    );
    assert_eq!(
        decided(root, "comment"),
        vec![("requirements.txt".into(), 2, "websockets<14".into())]
    );
}

#[test]
fn the_pin_bump_rewrites_a_specifier_on_a_continued_line_but_not_one_split_over_lines() {
    let text = "websockets>=10,<14 \\\n    --hash=sha256:bbb\n";
    let (_, fixed) = bumps("requirements.txt", text, "15.0.1");
    assert_eq!(fixed, "websockets>=14.2 \\\n    --hash=sha256:bbb\n");
    let text = "websockets>=10,\\\n<14\n";
    let (messages, fixed) = bumps("requirements.txt", text, "15.0.1");
    assert_eq!(fixed, text);
    assert!(
        messages[0].ends_with("by hand (its specifier is split over lines or written with escapes, so Ferry cannot replace it exactly)"),
        "{messages:?}"
    );
}

#[test]
fn blank_and_indented_comment_lines_are_skipped() {
    let dir = project();
    let root = dir.path();
    // pip-compile writes `    # via …` under each requirement.
    write(
        root,
        "requirements.txt",
        "websockets==13.1\n    # via chat\n   \n\t\n",
    );
    assert_eq!(target_for(root, "").as_deref(), Some("13.1"));
}

#[test]
fn setup_py_follows_a_name_assigned_a_literal_once_at_module_level() {
    let dir = project();
    let root = dir.path();
    let setup = |folder: &str, text: &str| {
        write(root, &format!("{folder}/setup.py"), text);
        decided(root, folder)
    };
    let read = vec![("setup.py".to_string(), 3, "websockets<14".to_string())];
    assert_eq!(
        setup(
            "list",
            "from setuptools import setup\n\nREQUIRES = [\"aiohttp\", \"websockets<14\"]\n\nsetup(name=\"x\", install_requires=REQUIRES)\n"
        ),
        read
    );
    assert_eq!(
        setup(
            "annotated",
            "import setuptools\n\nREQUIRES: list = (\"websockets<14\",)\nsetuptools.setup(install_requires=REQUIRES)\n"
        ),
        read
    );
    assert_eq!(
        setup(
            "extras",
            "from setuptools import setup\nSERVER = ['aiohttp']\nEXTRAS = {'server': SERVER, 'ws': ['websockets==13.1']}\nsetup(extras_require=EXTRAS)\n"
        ),
        vec![("setup.py".to_string(), 3, "websockets==13.1".to_string())]
    );
    assert_eq!(target_for(root, "list").as_deref(), Some("13.999"));
    // Beyond one literal assignment, nothing is read.
    for (folder, text) in [
        ("twice", "REQUIRES = ['websockets<14']\nREQUIRES = ['websockets']\nsetup(install_requires=REQUIRES)\n"),
        ("augmented", "REQUIRES = ['websockets<14']\nREQUIRES += ['x']\nsetup(install_requires=REQUIRES)\n"),
        ("appended", "REQUIRES = ['websockets<14']\nREQUIRES.append('x')\nsetup(install_requires=REQUIRES)\n"),
        ("item", "REQUIRES = ['websockets<14']\nREQUIRES[0] = 'websockets'\nsetup(install_requires=REQUIRES)\n"),
        ("nested", "if True:\n    REQUIRES = ['websockets<14']\nsetup(install_requires=REQUIRES)\n"),
        ("function", "def main():\n    REQUIRES = ['websockets<14']\n    setup(install_requires=REQUIRES)\n"),
        ("global", "REQUIRES = ['websockets<14']\ndef f():\n    global REQUIRES\nsetup(install_requires=REQUIRES)\n"),
        ("expression", "BASE = ['websockets<14']\nREQUIRES = BASE + []\nsetup(install_requires=REQUIRES)\n"),
        ("alias", "BASE = ['websockets<14']\nREQUIRES = BASE\nsetup(install_requires=REQUIRES)\n"),
        ("imported", "from deps import REQUIRES\nsetup(install_requires=REQUIRES)\n"),
        ("loop", "REQUIRES = ['websockets<14']\nfor REQUIRES in []: pass\nsetup(install_requires=REQUIRES)\n"),
    ] {
        assert_eq!(setup(folder, text), Vec::new(), "{folder}");
    }
}

const PIPFILE_LOCK: &str = r#"{
    "_meta": {
        "hash": {"sha256": "0"},
        "pipfile-spec": 6,
        "requires": {"python_version": "3.11"}
    },
    "default": {
        "aiohttp": {"hashes": ["sha256:1"], "version": "==3.9.0"},
        "websockets": {
            "hashes": [
                "sha256:2"
            ],
            "index": "pypi",
            "markers": "python_version >= '3.8'",
            "version": "==13.1"
        }
    },
    "develop": {
        "websockets-proxy": {"version": "==0.1"}
    }
}
"#;

#[test]
fn pipfile_lock_gives_the_installed_version() {
    let dir = project();
    let root = dir.path();
    write(root, "Pipfile", "[packages]\nwebsockets = \"*\"\n");
    write(root, "Pipfile.lock", PIPFILE_LOCK);
    let resolver = websockets_resolver();
    let pin = resolver.pin_for(root, "websockets").unwrap();
    assert_eq!(pin.target.as_ref().unwrap().to_string(), "13.1");
    assert!(pin.holds_back());
    let deciding = pin.deciding().unwrap();
    assert!(deciding.file.ends_with("Pipfile.lock"));
    assert_eq!(
        (deciding.kind, deciding.line, deciding.text.as_str()),
        (SourceKind::Lock, 15, "websockets 13.1")
    );
    assert_eq!(&PIPFILE_LOCK[deciding.span.clone()], "\"==13.1\"");
    // In `develop` too; a broken lock names nothing, so the folder above decides.
    write(
        root,
        "dev/Pipfile.lock",
        "{\"default\": {}, \"develop\": {\"Websockets\": {\"version\": \"==12.0\"}}}",
    );
    assert_eq!(target_for(root, "dev").as_deref(), Some("12.0"));
    write(
        root,
        "broken/Pipfile.lock",
        "{\"default\": {\"websockets\": ",
    );
    assert_eq!(target_for(root, "broken").as_deref(), Some("13.1"));
    let (messages, _) = bumps("Pipfile.lock", PIPFILE_LOCK, "15.0.1");
    assert_eq!(
        messages,
        vec!["`Pipfile.lock` locks websockets 13.1, below the target 15.0.1 and below 14 (`websockets.connect` is the legacy client there); after raising the requirement, run `pipenv update websockets` (Ferry does not edit lock files)"]
    );
}

/// A uv workspace: the root project, two members and a folder that is not
/// one, all locked in the root's `uv.lock` (websockets 13.1 on line 24).
fn uv_workspace(root: &Path) {
    write(
        root,
        "pyproject.toml",
        "[project]\nname = \"chat\"\nversion = \"0\"\n\n[tool.uv.workspace]\nmembers = [\"packages/*\"]\nexclude = [\"packages/tools\"]\n",
    );
    write(
        root,
        "uv.lock",
        "version = 1\nrevision = 3\n\n[manifest]\nmembers = [\n    \"chat\",\n    \"chat-client\",\n    \"Chat_Server\",\n]\n\n[[package]]\nname = \"chat\"\nversion = \"0\"\nsource = { virtual = \".\" }\n\n[[package]]\nname = \"chat-client\"\nversion = \"0\"\nsource = { editable = \"packages/client\" }\ndependencies = [{ name = \"websockets\" }]\n\n[[package]]\nname = \"websockets\"\nversion = \"13.1\"\nsource = { registry = \"https://pypi.org/simple\" }\n\n[[package]]\nname = \"chat-server\"\nversion = \"0\"\nsource = { virtual = \"packages/server\" }\n",
    );
    write(
        root,
        "packages/client/pyproject.toml",
        "[project]\nname = \"chat-client\"\nversion = \"0\"\ndependencies = [\"websockets>=12\"]\n",
    );
    write(
        root,
        "packages/server/pyproject.toml",
        "[project]\nname = \"chat-server\"\nversion = \"0\"\ndependencies = [\"websockets\"]\n",
    );
    write(
        root,
        "packages/tools/pyproject.toml",
        "[project]\nname = \"tools\"\nversion = \"0\"\ndependencies = [\"websockets>=12\"]\n",
    );
    for folder in ["client", "server", "tools"] {
        fs::create_dir_all(root.join(format!("packages/{folder}/src/app"))).unwrap();
    }
}

#[test]
fn a_uv_workspace_member_gets_the_version_locked_at_the_workspace_root() {
    let dir = project();
    let root = dir.path();
    uv_workspace(root);
    let resolver = websockets_resolver();
    let pin = resolver
        .pin_for(&root.join("packages/client/src/app"), "websockets")
        .unwrap();
    // The member's declaration decides, with the lock of its workspace.
    assert_eq!(pin.folder, root.join("packages/client"));
    assert_eq!(pin.target.as_ref().unwrap().to_string(), "13.1");
    assert!(pin.holds_back());
    let deciding = pin.deciding().unwrap();
    assert_eq!(deciding.file, root.join("uv.lock"));
    assert_eq!((deciding.kind, deciding.line), (SourceKind::Lock, 24));
    let kinds: Vec<SourceKind> = pin.requirements.iter().map(|r| r.kind).collect();
    assert_eq!(kinds, vec![SourceKind::Pep621, SourceKind::Lock]);
    // A member found through `virtual = …` and a name spelt differently.
    assert_eq!(
        target_for(root, "packages/server/src/app").as_deref(),
        Some("13.1")
    );
    // Not a member: its own declaration, unlocked, means the newest.
    assert_eq!(target_for(root, "packages/tools/src/app"), None);
    // The root folder decides with its own lock.
    assert_eq!(target_for(root, "").as_deref(), Some("13.1"));
}

#[test]
fn a_uv_lock_that_does_not_list_the_folder_or_sits_above_the_work_tree_is_not_used() {
    let outer = tempfile::tempdir().unwrap();
    uv_workspace(outer.path());
    // The member is the top of its own work tree: the lock above is not its.
    fs::create_dir_all(outer.path().join("packages/client/.git")).unwrap();
    assert_eq!(target_for(outer.path(), "packages/client/src/app"), None);
    // Without `[manifest]`, a lock lists no members.
    let dir = project();
    let root = dir.path();
    write(
        root,
        "uv.lock",
        "[[package]]\nname = \"chat-client\"\nversion = \"0\"\nsource = { editable = \"packages/client\" }\n\n[[package]]\nname = \"websockets\"\nversion = \"13.1\"\n",
    );
    write(
        root,
        "packages/client/pyproject.toml",
        "[project]\nname = \"chat-client\"\ndependencies = [\"websockets>=12\"]\n",
    );
    assert_eq!(target_for(root, "packages/client"), None);
}

#[test]
fn the_pins_know_a_library_only_through_its_pack() {
    static OTHER: Pack = Pack {
        name: "other",
        summary: "",
        library: "Other_Lib",
        rules: &[],
        triggers: &[],
        mention_words: &[],
        packages: &[],
        migration: Some(Migration {
            breaking_since: ferry_engine::Release::new(3, 0),
            recommended_floor: "3.1",
            example_target: "3.2.0",
            below_means: "`other_lib.run` is the old one there",
            pin_bump: PinBumpRule {
                code: "OL900",
                name: "OtherRequirement",
                summary: "",
                doc: "",
            },
        }),
        probe: None,
        gate: ferry_engine::RuleGate::new(),
    };
    static UNPINNED: Pack = Pack {
        migration: None,
        library: "websockets",
        gate: ferry_engine::RuleGate::new(),
        ..OTHER
    };
    let dir = project();
    let root = dir.path();
    write(root, "requirements.txt", "other-lib~=2.5\nwebsockets<14\n");
    let settings = Settings::default();
    let file = root.join("app/x.py");
    let pins = RunPins::new(&settings, &[&OTHER, &UNPINNED], root, true);
    let targets = pins.for_file(&file);
    assert_eq!(
        targets
            .settings
            .targets
            .get("other-lib")
            .map(Version::to_string),
        Some("2.999".to_string())
    );
    assert!(!targets.settings.targets.contains_key("websockets"));
    pins.count_breaks(&targets.held_back[0], 1);
    let notes = pins.notes();
    assert_eq!(
        notes[0].message,
        "other-lib is pinned below 3 in requirements.txt:1 (`other-lib~=2.5`): `other_lib.run` is the old one there; the migration applies once the pin is raised, and then 1 use would break (run with --target other-lib==3.2.0 to see what would break)"
    );
    // With a target, the bump raises to the pack's floor.
    let mut settings = Settings::default();
    settings
        .targets
        .insert("other-lib".into(), "3.2".parse().unwrap());
    let pins = RunPins::new(&settings, &[&OTHER], root, true);
    pins.for_file(&file);
    let bumps = pins.bumps();
    assert_eq!(bumps[0].fixed().0, "other-lib>=3.1\nwebsockets<14\n");
}
