//! `ferry pack check` and `ferry pack test`: packs as data, checked and
//! tested as their authors write them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use ferry_packs::pack_test::{run_pack_tests, PACK_FILE};
use ferry_packs::read_pack_file;

use crate::cli::{PackCheckArgs, PackCommand, PackTestArgs};
use crate::commands::print;
use crate::exit::ExitStatus;

pub fn run(command: PackCommand) -> Result<ExitStatus> {
    match command {
        PackCommand::Check(args) => check(args),
        PackCommand::Test(args) => test(args),
    }
}

/// A pack folder stands for its `pack.toml`.
fn pack_file(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.join(PACK_FILE)
    } else {
        path.to_path_buf()
    }
}

fn check(args: PackCheckArgs) -> Result<ExitStatus> {
    let file = pack_file(&args.file);
    let spec = read_pack_file(&file)?;
    // Its codes must not collide with a built-in pack's, which it runs beside.
    let mut packs: Vec<&'static ferry_engine::Pack> = ferry_rules::all_packs()
        .iter()
        .copied()
        .filter(|builtin| builtin.name != spec.name)
        .collect();
    packs.push(ferry_packs::build_pack(&spec));
    crate::project::check_distinct(&packs)
        .map_err(|err| anyhow::anyhow!("{}: {err}", file.display()))?;
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for rule in &spec.rules {
        *kinds.entry(rule.kind.as_str()).or_default() += 1;
    }
    let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
    let rules = match spec.rules.len() {
        1 => "1 rule".to_string(),
        n => format!("{n} rules"),
    };
    print(&format!(
        "{}: pack `{}` ({} >= {}, codes {}…): {rules}{}. Valid.\n",
        file.display(),
        spec.name,
        spec.library.name,
        spec.library.breaking,
        spec.prefix,
        if kinds.is_empty() {
            String::new()
        } else {
            format!(" ({})", kinds.join(", "))
        }
    ))?;
    Ok(ExitStatus::Success)
}

fn test(args: PackTestArgs) -> Result<ExitStatus> {
    let results = run_pack_tests(&args.dir, args.update)?;
    let mut out = String::new();
    let mut failed = 0;
    for result in &results {
        match &result.failure {
            None if result.updated => out.push_str(&format!("updated {}\n", result.path.display())),
            None => out.push_str(&format!("ok    {}\n", result.path.display())),
            Some(why) => {
                failed += 1;
                out.push_str(&format!("FAIL  {}\n", result.path.display()));
                for line in why.lines() {
                    out.push_str(&format!("      {line}\n"));
                }
            }
        }
    }
    out.push_str(&format!(
        "\n{} fixtures: {} passed, {failed} failed.\n",
        results.len(),
        results.len() - failed
    ));
    print(&out)?;
    Ok(if failed == 0 {
        ExitStatus::Success
    } else {
        ExitStatus::Findings
    })
}
