//! `try: connect(..., extra_headers=h) except TypeError: connect(..., additional_headers=h)`: a fallback that never runs.
//!
//! ## What it does
//! Finds `try` statements that catch `TypeError` around a websockets client
//! call passing `extra_headers=` or `additional_headers=`.
//!
//! ## Why is this bad
//! A wrong keyword does not fail when `connect(...)` is called: the call only
//! builds the connector, and the `TypeError` comes when it is awaited or
//! entered, outside such a `try`. So the fallback never triggers and the
//! first branch fails at run time. Where the `try` does wrap the `await` (or
//! the `async with`), the fallback works on both sides of the break: like any
//! version-guarded code, it gets no finding, and neither do the keywords
//! inside it.
//!
//! ## Example
//! ```python
//! try:
//!     cm = websockets.connect(uri, extra_headers=h)
//! except TypeError:
//!     cm = websockets.connect(uri, additional_headers=h)
//! ```
//! Use instead (websockets >= 14, or `websockets.asyncio.client.connect` on 13.x):
//! ```python
//! cm = websockets.connect(uri, additional_headers=h)
//! ```
//!
//! ## Fix safety
//! No fix: collapsing the fallback depends on the versions the project
//! supports. A review item.

use ferry_engine::{Checker, Rule};
use ferry_python::ast::visitor::{self, Visitor};
use ferry_python::ast::{self, Expr, Stmt};
use ferry_python::Ranged;

use super::api::client_call;

pub struct TypeErrorFallback;

impl Rule for TypeErrorFallback {
    fn code(&self) -> &'static str {
        "WS061"
    }

    fn name(&self) -> &'static str {
        "TypeErrorFallback"
    }

    fn check_stmt(&self, stmt: &Stmt, checker: &mut Checker<'_>) {
        let Stmt::Try(stmt_try) = stmt else { return };
        for handler in &stmt_try.handlers {
            let ast::ExceptHandler::ExceptHandler(handler) = handler;
            let Some(type_) = &handler.type_ else {
                continue;
            };
            let catches_type_error = match type_.as_ref() {
                Expr::Tuple(tuple) => tuple.elts.iter().any(|e| is_builtin_type_error(e, checker)),
                other => is_builtin_type_error(other, checker),
            };
            if !catches_type_error {
                continue;
            }
            let Some(awaited) = header_call_in(&stmt_try.body, checker) else {
                continue;
            };
            // Awaited inside the `try`, the fallback works on both sides of
            // the break: version-guarded code, which gets no finding.
            if awaited {
                continue;
            }
            let message = "this `except TypeError` never runs for a wrong header keyword: `connect(...)` only fails when awaited or entered, outside this `try`; pass the keyword the installed implementation takes (`additional_headers` from websockets 14) and drop the fallback";
            checker.report(type_.range(), message, None);
        }
    }
}

fn is_builtin_type_error(expr: &Expr, checker: &Checker<'_>) -> bool {
    matches!(expr, Expr::Name(n) if n.id.as_str() == "TypeError" && checker.semantic.reaching("TypeError", n.start()).is_empty())
}

/// Whether the block calls a websockets client with a header keyword: `Some(awaited)`.
fn header_call_in(body: &[Stmt], checker: &Checker<'_>) -> Option<bool> {
    struct Finder<'c, 'a> {
        checker: &'c Checker<'a>,
        awaited_depth: usize,
        found: Option<bool>,
    }
    impl<'b> Visitor<'b> for Finder<'_, '_> {
        fn visit_stmt(&mut self, stmt: &'b Stmt) {
            // `async with connect(...)` enters the connection inside the block.
            if let Stmt::With(with) = stmt {
                if with.is_async {
                    self.awaited_depth += 1;
                    visitor::walk_stmt(self, stmt);
                    self.awaited_depth -= 1;
                    return;
                }
            }
            visitor::walk_stmt(self, stmt);
        }
        fn visit_expr(&mut self, expr: &'b Expr) {
            match expr {
                Expr::Await(_) => {
                    self.awaited_depth += 1;
                    visitor::walk_expr(self, expr);
                    self.awaited_depth -= 1;
                    return;
                }
                Expr::Call(call) => {
                    let header = call.arguments.find_keyword("extra_headers").is_some()
                        || call.arguments.find_keyword("additional_headers").is_some();
                    if header && client_call(call, self.checker).is_some() {
                        let awaited = self.awaited_depth > 0;
                        self.found = Some(self.found.unwrap_or(false) || awaited);
                    }
                }
                _ => {}
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut finder = Finder {
        checker,
        awaited_depth: 0,
        found: None,
    };
    finder.visit_body(body);
    finder.found
}
