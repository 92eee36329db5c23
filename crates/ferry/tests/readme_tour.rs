//! Keeps the README's tour true: every `$ ferry ...` command between the
//! `tour:begin` and `tour:end` markers is run, in order, on a fresh copy of
//! the example (a git repository with `.venv` holding websockets 15.0.1 and
//! pytest), and what it prints must match the README. In the README, a line
//! `...` stands for any number of lines, and `...` inside a line for any text.
//! `ferry upgrade` builds its environments with pip from the package index,
//! cached in a folder of Ferry's cache this test alone uses.

use std::path::Path;

mod common;
use common::{copy_tree, example, ferry_command, git, websockets_15};

/// `(command, expected output lines)` in the order the README gives them.
fn tour_steps(readme: &str) -> Vec<(String, Vec<String>)> {
    let tour = readme
        .split("<!-- tour:begin -->")
        .nth(1)
        .and_then(|rest| rest.split("<!-- tour:end -->").next())
        .expect("the README has a tour between its markers");
    let mut steps: Vec<(String, Vec<String>)> = Vec::new();
    let mut in_block = false;
    for line in tour.lines() {
        if line.starts_with("```") {
            in_block = line == "```console";
            continue;
        }
        if !in_block {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            steps.push((command.to_string(), Vec::new()));
        } else {
            let (_, expected) = steps.last_mut().expect("a block starts with a command");
            expected.push(line.to_string());
        }
    }
    steps
}

/// A line of the README against a line printed: `...` matches any text.
fn line_matches(pattern: &str, line: &str) -> bool {
    if !pattern.contains("...") {
        return pattern == line;
    }
    let parts: Vec<&str> = pattern.split("...").collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !line.starts_with(first) || !line[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &line[first.len()..line.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

/// The README's lines against the lines printed: a line `...` matches any
/// number of lines.
fn lines_match(expected: &[String], actual: &[&str]) -> bool {
    // matches[i][j]: expected[i..] matches actual[j..].
    let (n, m) = (expected.len(), actual.len());
    let mut matches = vec![vec![false; m + 1]; n + 1];
    matches[n][m] = true;
    for i in (0..n).rev() {
        for j in (0..=m).rev() {
            matches[i][j] = if expected[i] == "..." {
                matches[i + 1][j] || (j < m && matches[i][j + 1])
            } else {
                j < m && line_matches(&expected[i], actual[j]) && matches[i + 1][j + 1]
            };
        }
    }
    matches[0][0]
}

#[test]
fn the_readme_tour_prints_what_the_readme_says() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    let steps = tour_steps(&readme);
    let commands: Vec<&str> = steps.iter().map(|(c, _)| c.as_str()).collect();
    for needed in [
        "ferry doctor",
        "ferry scan",
        "ferry plan",
        "ferry verify",
        "ferry report",
        "ferry upgrade",
    ] {
        assert!(
            commands.iter().any(|c| c.starts_with(needed)),
            "the tour shows `{needed}`"
        );
    }

    let venv = websockets_15()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("chat-service");
    copy_tree(&example(), &project);
    std::os::unix::fs::symlink(&venv, project.join(".venv")).unwrap();
    git(&project, &["init", "-q"]);
    std::fs::write(project.join(".gitignore"), ".venv\n").unwrap();
    git(&project, &["add", "."]);
    git(&project, &["commit", "-qm", "before the migration"]);

    let cache = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/ferry-cache-tour");
    for (command, expected) in &steps {
        let args: Vec<&str> = command
            .strip_prefix("ferry ")
            .unwrap_or_else(|| panic!("the tour only runs ferry: `{command}`"))
            .split_whitespace()
            .collect();
        let output = ferry_command(&project, &args)
            .env("FERRY_CACHE_DIR", &cache)
            .output()
            .expect("ferry runs");
        let printed = String::from_utf8(output.stdout).unwrap();
        let lines: Vec<&str> = printed.lines().collect();
        assert!(
            lines_match(expected, &lines),
            "`{command}` printed something else than the README says.\n--- README\n{}\n--- printed\n{printed}--- stderr\n{}",
            expected.join("\n"),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn the_matcher_is_strict_outside_ellipses() {
    let lines = |text: &str| text.lines().map(str::to_string).collect::<Vec<_>>();
    assert!(lines_match(&lines("a\n...\nd"), &["a", "b", "c", "d"]));
    assert!(lines_match(&lines("a\n...\nd"), &["a", "d"]));
    assert!(!lines_match(&lines("a\n...\nd"), &["a", "b", "c"]));
    assert!(!lines_match(&lines("a\nb"), &["a", "b", "c"]));
    assert!(lines_match(&lines("x ... z"), &["x y z"]));
    assert!(!lines_match(&lines("x ... z"), &["x y"]));
    assert!(line_matches(
        "P: ... (C, .../.venv/bin/python, v)",
        "P: 3.11 (C, /tmp/a/.venv/bin/python, v)"
    ));
    assert!(!line_matches("a...b...c", "acb"));
}
