//! `e.status_code` / `e.headers` on a caught `InvalidStatus`, which keeps them in `e.response`.
//!
//! ## What it does
//! Finds reads of `.status_code` and `.headers` on an exception caught as
//! `InvalidStatus` (`websockets.exceptions`, top-level `websockets`):
//! `except InvalidStatus as e: e.status_code`, and
//! `with pytest.raises(InvalidStatus) as excinfo: ... excinfo.value.status_code`.
//! A hand migration that renamed `InvalidStatusCode` but kept its attributes
//! leaves exactly this.
//!
//! ## Why is this bad
//! `InvalidStatus` carries the server's answer as `e.response` (a
//! `Response`); it has no `status_code` or `headers` of its own, so the
//! handler itself fails with
//! `AttributeError: 'InvalidStatus' object has no attribute 'status_code'`
//! the first time a server rejects the handshake.
//!
//! ## Example
//! ```python
//! except InvalidStatus as e:
//!     if e.status_code == 403: ...
//! ```
//! Use instead:
//! ```python
//! except InvalidStatus as e:
//!     if e.response.status_code == 403: ...
//! ```
//!
//! ## Fix safety
//! Safe: `e.response.status_code` and `e.response.headers` exist on every
//! release that has `InvalidStatus` (checked on 13.1 and 15.0.1). Only
//! handlers that catch `InvalidStatus` alone are rewritten; one of several
//! exceptions in a tuple is a review item.

use ferry_engine::{Applicability, Checker, Edit, Fix, Release, Rule};
use ferry_python::ast::{Expr, ExprAttribute};
use ferry_python::{BindingKind, Origin, Ranged};

pub struct InvalidStatusAttributes;

const NEW_NAMES: &[&str] = &[
    "websockets.exceptions.InvalidStatus",
    "websockets.InvalidStatus",
];

impl Rule for InvalidStatusAttributes {
    fn code(&self) -> &'static str {
        "WS035"
    }

    fn name(&self) -> &'static str {
        "InvalidStatusAttributes"
    }

    /// Wrong on every release that has `InvalidStatus`.
    fn applies_from(&self) -> Option<Release> {
        Some(Release::ANY)
    }

    fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
        let Expr::Attribute(attr) = expr else { return };
        if !matches!(attr.attr.as_str(), "status_code" | "headers") {
            return;
        }
        let Some((caught, in_tuple)) = caught_as(attr, checker) else {
            return;
        };
        if !caught {
            return;
        }
        let name = attr.attr.as_str();
        let message = format!(
            "`InvalidStatus` has no `{name}`: the handler fails with `AttributeError` when a server rejects the handshake; the status is in `.response.{name}`"
        );
        if in_tuple {
            checker.report(
                attr.attr.range(),
                format!("{message} (it is caught with other exceptions here: read it only from an `InvalidStatus`)"),
                None,
            );
            return;
        }
        let fix = Fix {
            title: format!("Read `response.{name}`"),
            edits: vec![Edit::replacement(
                format!("response.{name}"),
                attr.attr.range(),
            )],
            applicability: Applicability::Safe,
            requires: Some(Release::ANY),
        };
        checker.report(attr.attr.range(), message, Some(fix));
    }
}

/// For `e.attr` / `excinfo.value.attr`: whether `e` is caught as
/// `InvalidStatus`, and whether with other exceptions in a tuple.
fn caught_as(attr: &ExprAttribute, checker: &Checker<'_>) -> Option<(bool, bool)> {
    let (name, through_value) = match attr.value.as_ref() {
        Expr::Name(name) => (name, false),
        Expr::Attribute(inner) if inner.attr.as_str() == "value" => match inner.value.as_ref() {
            Expr::Name(name) => (name, true),
            _ => return None,
        },
        _ => return None,
    };
    let is_new = |e: &Expr| {
        let resolution = checker.semantic.resolve_expr(e);
        let candidates = resolution.candidates();
        !candidates.is_empty() && candidates.iter().all(|q| NEW_NAMES.contains(&q.as_str()))
    };
    match checker
        .semantic
        .reaching(name.id.as_str(), name.start())
        .as_slice()
    {
        [BindingKind::Opaque(Origin::ExceptHandler { type_: Some(type_) })] if !through_value => {
            match type_ {
                Expr::Tuple(tuple) => Some((tuple.elts.iter().any(is_new), true)),
                other => Some((is_new(other), false)),
            }
        }
        [BindingKind::Opaque(Origin::WithItem {
            context: Expr::Call(call),
        })] if through_value => {
            let raises = checker
                .semantic
                .resolve_expr(&call.func)
                .candidates()
                .iter()
                .any(|q| q.as_str() == "pytest.raises");
            let first = call.arguments.args.first()?;
            raises.then(|| (is_new(first), false))
        }
        _ => None,
    }
}
