//! The promises of [`ferry_engine::may_refer_to`] and
//! [`ferry_engine::Imports`], which let the engine skip a rule before
//! parsing: they never say no where the semantic model resolves a name or
//! an import statement names a module. Checked against the model itself on
//! code nobody here wrote: the standard library of a real interpreter
//! (`$FERRY_TEST_PYTHON`, set by `scripts/test`, else `python3`), every name
//! each module imports and every name and attribute chain it resolves.
//! `FERRY_ORACLE_TREES` (folders, separated by `:`) checks those instead,
//! e.g. the benchmark's corpus.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use ferry_engine::{may_refer_to, Imports};
use ferry_python::ast::visitor::{self, Visitor};
use ferry_python::ast::{Expr, Stmt};
use ferry_python::{parse, SemanticModel};

fn stdlib() -> PathBuf {
    let python = std::env::var("FERRY_TEST_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let output = Command::new(python)
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['stdlib'])",
        ])
        .output()
        .expect("the test needs a Python interpreter (run ./scripts/test)");
    assert!(output.status.success());
    PathBuf::from(String::from_utf8(output.stdout).unwrap().trim())
}

fn python_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() && !path.ends_with("site-packages") {
            python_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "py") {
            out.push(path);
        }
    }
}

/// Every qualified name the model resolves in a module, and every name an
/// import statement names with each of its prefixes (a rule about `a`
/// reports `import a.b`).
struct Resolved<'m, 'a> {
    semantic: &'m SemanticModel<'a>,
    names: BTreeSet<String>,
    /// The top-level packages the import statements name.
    packages: BTreeSet<String>,
}

impl Resolved<'_, '_> {
    fn with_prefixes(&mut self, dotted: &str) {
        let top = dotted.split('.').next().unwrap_or(dotted);
        assert!(self.semantic.imports_package(top), "{dotted}");
        self.packages.insert(top.to_string());
        let mut end = 0;
        for part in dotted.split('.') {
            end += part.len();
            self.names.insert(dotted[..end].to_string());
            end += 1;
        }
    }
}

impl<'a> Visitor<'a> for Resolved<'_, 'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Import(import) => {
                for alias in &import.names {
                    self.with_prefixes(alias.name.as_str());
                }
            }
            Stmt::ImportFrom(import) if import.level == 0 => {
                let module = import.module.as_ref().map_or("", |m| m.as_str());
                self.with_prefixes(module);
                for alias in &import.names {
                    if alias.name.as_str() != "*" {
                        self.with_prefixes(&format!("{module}.{}", alias.name.as_str()));
                    }
                }
            }
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if matches!(expr, Expr::Name(_) | Expr::Attribute(_)) {
            for name in self.semantic.resolve_expr(expr).candidates() {
                self.names.insert(name.as_str().to_string());
            }
        }
        visitor::walk_expr(self, expr);
    }
}

#[test]
fn no_name_the_semantic_model_resolves_is_said_to_be_unreferenced() {
    let mut files = Vec::new();
    match std::env::var_os("FERRY_ORACLE_TREES") {
        Some(trees) => {
            for tree in std::env::split_paths(&trees) {
                python_files(&tree, &mut files);
            }
        }
        None => python_files(&stdlib(), &mut files),
    }
    assert!(files.len() > 500, "{} files", files.len());
    let (mut checked, mut missed) = (0, Vec::new());
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let Ok(parsed) = parse(&text) else { continue };
        let semantic = SemanticModel::from_module(parsed.module());
        let mut resolved = Resolved {
            semantic: &semantic,
            names: BTreeSet::new(),
            packages: BTreeSet::new(),
        };
        resolved.visit_body(&parsed.module().body);
        let imports = Imports::in_text(&text);
        // What a pack's gate reads: the imports of its packages alone.
        let mut packages: Vec<&str> = resolved
            .names
            .iter()
            .map(|name| name.split('.').next().unwrap_or(name))
            .collect();
        packages.sort_unstable();
        packages.dedup();
        let of_packages = Imports::of_packages(&text, Some(&packages));
        for package in &resolved.packages {
            checked += 1;
            if !imports.imports_package(package) {
                missed.push(format!("{}: import of {package}", path.display()));
            }
        }
        for name in resolved.names {
            checked += 1;
            if !may_refer_to(&text, &name) {
                missed.push(format!("{}: {name}", path.display()));
            }
            if !imports.may_reach(&name) {
                missed.push(format!("{}: {name} through its imports", path.display()));
            }
            if !of_packages.may_reach(&name) {
                missed.push(format!(
                    "{}: {name} through its packages' imports",
                    path.display()
                ));
            }
        }
    }
    eprintln!("{} files, {checked} names and imports checked", files.len());
    assert!(checked > 10_000, "{checked} names");
    assert!(
        missed.is_empty(),
        "{} of {checked}:\n{}",
        missed.len(),
        missed.join("\n")
    );
}
