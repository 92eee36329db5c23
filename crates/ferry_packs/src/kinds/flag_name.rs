//! `flag` with `names`: a module or a name that is gone, reported where it
//! is imported and where an attribute chain reaches it; no fix.

use std::collections::BTreeMap;

use ferry_engine::Checker;
use ferry_python::ast::{Expr, ExprContext, Stmt};
use ferry_python::{Ranged, Resolution};

use super::DataRule;

/// The flagged name `qualified` is, or is under (a module's member).
fn flagged<'n>(names: &'n [String], qualified: &str) -> Option<&'n str> {
    names
        .iter()
        .find(|name| {
            qualified == name.as_str()
                || qualified
                    .strip_prefix(name.as_str())
                    .is_some_and(|rest| rest.starts_with('.'))
        })
        .map(String::as_str)
}

/// The flagged name's own message, else the rule's, else the kind's.
fn message(rule: &DataRule, messages: &BTreeMap<String, String>, name: &str) -> String {
    match messages.get(name) {
        Some(template) => rule.render(template, &super::Vars::default()),
        None => rule.message(&super::Vars::default(), || {
            format!("`{name}` is gone from {}", rule.since_text())
        }),
    }
}

/// `import a.b`, `from a.b import c`, `from a import b`.
pub fn check_import(
    rule: &DataRule,
    names: &[String],
    messages: &BTreeMap<String, String>,
    stmt: &Stmt,
    checker: &mut Checker<'_>,
) {
    match stmt {
        Stmt::Import(import) => {
            for alias in &import.names {
                if let Some(name) = flagged(names, alias.name.as_str()) {
                    checker.report(alias.range(), message(rule, messages, name), None);
                }
            }
        }
        Stmt::ImportFrom(import) if import.level == 0 => {
            let module = import.module.as_ref().map_or("", |m| m.as_str());
            if let Some(name) = flagged(names, module) {
                checker.report(stmt.range(), message(rule, messages, name), None);
                return;
            }
            for alias in &import.names {
                let qualified = format!("{module}.{}", alias.name.as_str());
                if let Some(name) = flagged(names, &qualified) {
                    checker.report(alias.range(), message(rule, messages, name), None);
                }
            }
        }
        _ => {}
    }
}

/// `a.b` reached through an attribute chain from an imported module: once,
/// at the chain that names exactly the flagged name (not at each attribute
/// read on it).
pub fn check_reference(
    rule: &DataRule,
    names: &[String],
    messages: &BTreeMap<String, String>,
    expr: &Expr,
    checker: &mut Checker<'_>,
) {
    let Expr::Attribute(attr) = expr else { return };
    if attr.ctx != ExprContext::Load || !names.iter().any(|n| n.ends_with(attr.attr.as_str())) {
        return;
    }
    if let Resolution::One(qualified) = checker.semantic.resolve_expr(expr) {
        if let Some(name) = names.iter().find(|n| n.as_str() == qualified.as_str()) {
            checker.report(expr.range(), message(rule, messages, name), None);
        }
    }
}
