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
//! `websockets.__version__ >= "14"` takes the new-API branch on 9.x.
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
use ferry_python::ast::Expr;
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
                let version_string = names
                    .iter()
                    .flatten()
                    .any(|n| n == "websockets.__version__" || n == "websockets.version.version");
                let against_literal = operands.iter().any(|e| e.is_string_literal_expr());
                if version_string && against_literal {
                    checker.report(
                        expr.range(),
                        "websockets' version compared as a string: `\"9.1\" >= \"14\"` is `True`; compare parsed versions (`packaging.version.Version(websockets.__version__) >= Version(\"14\")`), or drop the check once the project requires websockets >= 14",
                        None,
                    );
                }
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
