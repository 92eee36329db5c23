//! Test assertions on the keywords a mocked `websockets.connect` received: `call_args.kwargs["extra_headers"]`.
//!
//! ## What it does
//! In a file that patches the new client (`mock.patch("websockets.connect")`,
//! `"websockets.asyncio.client.connect"`, `mocker.patch(...)`), finds the
//! assertions on the renamed keywords: `m.call_args.kwargs["extra_headers"]`,
//! `m.call_args[1]["timeout"]`, and `extra_headers=` / `timeout=` in
//! `assert_called_with(...)`, `assert_called_once_with(...)`,
//! `assert_awaited_with(...)`, `assert_any_call(...)` and `call(...)`.
//!
//! ## Why is this bad
//! Once the code under test passes `additional_headers=` / `close_timeout=`
//! (WS001, WS002), these assertions fail with `KeyError: 'extra_headers'` or an
//! `AssertionError` on the expected call, although the code is right.
//! Patch targets on `websockets.client.connect` point at the legacy client,
//! whose keywords do not change: those files are left alone.
//!
//! ## Example
//! ```python
//! with mock.patch("websockets.connect") as connect:
//!     run_client()
//! assert connect.call_args.kwargs["extra_headers"] == {"X": "1"}
//! ```
//! Use instead:
//! ```python
//! assert connect.call_args.kwargs["additional_headers"] == {"X": "1"}
//! ```
//!
//! ## Fix safety
//! Safe: the assertion follows the code, which the same run migrates.

use ferry_engine::{Applicability, Checker, Edit, Fix, Rule};
use ferry_python::ast::visitor::{self, Visitor};
use ferry_python::ast::{Expr, ModModule};
use ferry_python::{Ranged, TextRange, TextSize};

use super::api::{all_calls, rename_keyword};

pub struct MockAssertions;

const RENAMES: &[(&str, &str)] = &[
    ("extra_headers", "additional_headers"),
    ("timeout", "close_timeout"),
];

const ASSERTING: &[&str] = &[
    "assert_called_with",
    "assert_called_once_with",
    "assert_awaited_with",
    "assert_awaited_once_with",
    "assert_any_call",
    "assert_any_await",
    "call",
];

impl Rule for MockAssertions {
    fn code(&self) -> &'static str {
        "WS062"
    }

    /// Test files patch the library by name, in a string, without importing it.
    fn needs_library_import(&self) -> bool {
        false
    }

    fn name(&self) -> &'static str {
        "MockAssertions"
    }

    fn check_module(&self, module: &ModModule, checker: &mut Checker<'_>) {
        let target = checker.settings.target(super::PACK.library);
        let top_level_is_new = target.is_none_or(|v| v.major() >= 14);
        let patches_new_client = all_calls(module).into_iter().any(|call| {
            let is_patch = match call.func.as_ref() {
                Expr::Attribute(attr) => attr.attr.as_str() == "patch",
                Expr::Name(name) => name.id.as_str() == "patch",
                _ => false,
            };
            let target = match call.arguments.args.first() {
                Some(Expr::StringLiteral(s)) => s.value.to_str().to_string(),
                _ => return false,
            };
            is_patch
                && match target.as_str() {
                    "websockets.connect" | "websockets.unix_connect" => top_level_is_new,
                    "websockets.asyncio.client.connect"
                    | "websockets.asyncio.client.unix_connect" => true,
                    _ => false,
                }
        });
        if !patches_new_client {
            return;
        }
        let mut walker = Walker {
            checker,
            found: Vec::new(),
        };
        walker.visit_body(&module.body);
        for (range, old, fix) in walker.found {
            let new = RENAMES
                .iter()
                .find(|(o, _)| *o == old)
                .map_or("", |(_, n)| *n);
            checker.report(
                range,
                format!("this file mocks the new `connect`, which now receives `{new}`, not `{old}`: the assertion fails once the code is migrated"),
                Some(fix),
            );
        }
    }
}

struct Walker<'c, 'a> {
    checker: &'c Checker<'a>,
    found: Vec<(TextRange, &'static str, Fix)>,
}

impl<'b> Visitor<'b> for Walker<'_, '_> {
    fn visit_expr(&mut self, expr: &'b Expr) {
        match expr {
            // m.call_args.kwargs["extra_headers"], m.call_args[1]["extra_headers"]
            Expr::Subscript(sub) if reads_call_kwargs(&sub.value) => {
                if let Expr::StringLiteral(key) = sub.slice.as_ref() {
                    let text = self.checker.text(key.range());
                    for (old, new) in RENAMES {
                        let quoted = text.len() == old.len() + 2
                            && text[1..text.len() - 1] == **old
                            && (text.starts_with('"') || text.starts_with('\''));
                        if quoted {
                            let range =
                                TextRange::at(key.start() + TextSize::new(1), TextSize::of(*old));
                            let fix = Fix {
                                title: format!("Assert on `{new}`"),
                                edits: vec![Edit::replacement(*new, range)],
                                applicability: Applicability::Safe,
                                requires: None,
                            };
                            self.found.push((key.range(), old, fix));
                        }
                    }
                }
            }
            Expr::Call(call) => {
                let method = match call.func.as_ref() {
                    Expr::Attribute(attr) => Some(attr.attr.as_str()),
                    Expr::Name(name) => Some(name.id.as_str()),
                    _ => None,
                };
                if method.is_some_and(|m| ASSERTING.contains(&m)) {
                    for keyword in &call.arguments.keywords {
                        let Some(arg) = &keyword.arg else { continue };
                        if let Some((old, new)) = RENAMES.iter().find(|(o, _)| *o == arg.as_str()) {
                            self.found
                                .push((arg.range(), old, rename_keyword(arg, new)));
                        }
                    }
                }
            }
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }
}

/// `<x>.call_args.kwargs`, `<x>.call_args[1]`, `<x>.call_args_list[i].kwargs`, `<x>.await_args.kwargs`.
fn reads_call_kwargs(expr: &Expr) -> bool {
    let is_args = |e: &Expr| match e {
        Expr::Attribute(attr) => matches!(attr.attr.as_str(), "call_args" | "await_args"),
        Expr::Subscript(sub) => {
            matches!(sub.value.as_ref(), Expr::Attribute(a) if matches!(a.attr.as_str(), "call_args_list" | "await_args_list"))
        }
        _ => false,
    };
    match expr {
        Expr::Attribute(attr) => attr.attr.as_str() == "kwargs" && is_args(&attr.value),
        Expr::Subscript(sub) => is_one(&sub.slice) && is_args(&sub.value),
        _ => false,
    }
}

fn is_one(expr: &Expr) -> bool {
    matches!(expr, Expr::NumberLiteral(n) if n.value.as_int().and_then(|i| i.as_u64()) == Some(1))
}
