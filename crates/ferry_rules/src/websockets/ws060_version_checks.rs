//! Version checks on websockets that compare strings, compare the `websockets.version` module, or pick the header keyword by version.
//!
//! ## What it does
//! Finds comparisons of `websockets.__version__` or `websockets.version.version`
//! with a string literal, comparisons of the module `websockets.version` itself,
//! and conditional expressions that choose between `"extra_headers"` and
//! `"additional_headers"`.
//!
//! ## Why is this bad
//! Version strings compare as text: `"9.1" >= "14"` is `True`, so a check like
//! `websockets.__version__ >= "14"` takes the new-API branch on 9.x. Such a
//! comparison is reported only when it answers wrong for a release the
//! project allows (from its requirements' floor to its target): with
//! `websockets>=10.4`, `>= "14"` is right for every release, `>= "14.2"` is
//! not (14.10). The message quotes the project's own comparison.
//! `websockets.version` is a module: `websockets.version >= "14"` raises
//! `TypeError: '>=' not supported between instances of 'module' and 'str'`.
//! Code that picks the header keyword by version has been seen with the
//! threshold and the direction wrong (`"extra_headers" if major >= 12 else ...`):
//! the rename happened in 14.0, and `extra_headers` belongs to the *older* side.
//!
//! ## Example
//! ```python
//! kw = "additional_headers" if websockets.__version__ >= "14" else "extra_headers"
//! ```
//! Use instead: drop the branch once the project requires websockets >= 14, or
//! compare parsed versions (`packaging.version.Version(websockets.__version__) >= Version("14")`).
//!
//! ## Fix safety
//! No fix: whether the branch is still needed depends on the project's
//! supported versions. A review item saying what is wrong with the check.

use ferry_engine::{Checker, Rule};
use std::cmp::Ordering;

use ferry_engine::Version;
use ferry_python::ast::{CmpOp, Expr};
use ferry_python::{Ranged, Resolution};

pub struct VersionChecks;

impl Rule for VersionChecks {
    fn code(&self) -> &'static str {
        "WS060"
    }

    /// A conditional choosing between the two keyword strings is reported
    /// wherever it is: the version it tests often comes from another module.
    fn needs_library_import(&self) -> bool {
        false
    }

    fn name(&self) -> &'static str {
        "VersionChecks"
    }

    fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
        match expr {
            Expr::Compare(compare) => {
                let operands: Vec<&Expr> = std::iter::once(compare.left.as_ref())
                    .chain(compare.comparators.iter())
                    .collect();
                let resolved = |e: &Expr| match checker.semantic.resolve_expr(e) {
                    Resolution::One(q) => Some(q.as_str().to_string()),
                    _ => None,
                };
                let names: Vec<Option<String>> = operands.iter().map(|e| resolved(e)).collect();
                if names.iter().flatten().any(|n| n == "websockets.version") {
                    checker.report(
                        expr.range(),
                        "`websockets.version` is a module: comparing it raises `TypeError: '>=' not supported between instances of 'module' and 'str'`; the version string is `websockets.version.version` (compare it parsed, e.g. with `packaging.version.Version`)",
                        None,
                    );
                    return;
                }
                let version_at = names.iter().position(|n| {
                    n.as_deref().is_some_and(|n| {
                        n == "websockets.__version__" || n == "websockets.version.version"
                    })
                });
                let (Some(version_at), [op], [_, _]) =
                    (version_at, compare.ops.as_ref(), operands.as_slice())
                else {
                    return;
                };
                let literal_at = 1 - version_at;
                let Expr::StringLiteral(literal) = operands[literal_at] else {
                    return;
                };
                let literal = literal.value.to_str();
                // Only a comparison that answers wrong for some release the
                // project allows is a finding.
                let Some(wrong) = wrong_release(*op, literal, version_at == 0, checker) else {
                    return;
                };
                let written = checker.text(expr.range());
                let text_answer = compare_as(*op, &wrong, literal, version_at == 0, str_order);
                checker.report(
                    expr.range(),
                    format!(
                        "`{written}` compares the version as text: for websockets {wrong} it answers `{}`, the wrong way round; compare parsed versions (`packaging.version.Version(websockets.__version__)`), or drop the check once the project requires websockets >= 14",
                        if text_answer { "True" } else { "False" }
                    ),
                    None,
                );
            }
            Expr::If(if_expr) => {
                let literal = |e: &Expr| match e {
                    Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
                    _ => None,
                };
                let pair = (literal(&if_expr.body), literal(&if_expr.orelse));
                let picks_header_keyword = matches!(
                    (pair.0.as_deref(), pair.1.as_deref()),
                    (Some("extra_headers"), Some("additional_headers"))
                        | (Some("additional_headers"), Some("extra_headers"))
                );
                if picks_header_keyword {
                    checker.report(
                        expr.range(),
                        "the header keyword is chosen by a condition: `additional_headers` is right for `websockets.connect` from 14.0 (and for `websockets.asyncio.client` from 13.0), `extra_headers` before; check the threshold and the direction, or drop the branch once the project requires websockets >= 14",
                        None,
                    );
                }
            }
            _ => {}
        }
    }
}

/// The newest major release a check is tried against when nothing pins it.
const NEWEST_MAJOR_TRIED: u64 = 30;

/// A release the project allows (`M.0` for each major between its floor and
/// its target) for which comparing the version as text with `literal`
/// answers differently from comparing it as a version, if there is one.
fn wrong_release(
    op: CmpOp,
    literal: &str,
    version_left: bool,
    checker: &Checker<'_>,
) -> Option<String> {
    let library = super::PACK.library;
    if literal.parse::<Version>().is_err() {
        return None;
    }
    let low = checker
        .settings
        .floor(library)
        .map_or(0, |f| f.release.major());
    let high = checker
        .settings
        .target(library)
        .map_or(NEWEST_MAJOR_TRIED, Version::major);
    // The newest such release: the one a reader recognises (`9.0`, not `2.0`).
    (low..=high)
        .rev()
        .flat_map(|major| [format!("{major}.0"), format!("{major}.10")])
        .find(|release| {
            compare_as(op, release, literal, version_left, str_order)
                != compare_as(op, release, literal, version_left, version_order)
        })
}

fn str_order(a: &str, b: &str) -> Ordering {
    a.cmp(b)
}

fn version_order(a: &str, b: &str) -> Ordering {
    match (a.parse::<Version>(), b.parse::<Version>()) {
        (Ok(a), Ok(b)) => a.cmp(&b),
        _ => a.cmp(b),
    }
}

/// `release OP literal` (or `literal OP release`), with the given order.
fn compare_as(
    op: CmpOp,
    release: &str,
    literal: &str,
    version_left: bool,
    order: fn(&str, &str) -> Ordering,
) -> bool {
    let ordering = if version_left {
        order(release, literal)
    } else {
        order(literal, release)
    };
    match op {
        CmpOp::Lt => ordering.is_lt(),
        CmpOp::LtE => ordering.is_le(),
        CmpOp::Gt => ordering.is_gt(),
        CmpOp::GtE => ordering.is_ge(),
        CmpOp::Eq => ordering.is_eq(),
        CmpOp::NotEq => ordering.is_ne(),
        _ => false,
    }
}
