//! `origins=[""]` on the new asyncio `serve`, where a missing `Origin` header is written `None`.
//!
//! ## What it does
//! Finds the empty string `""` in a list or tuple literal passed as `origins=`
//! to the new asyncio `serve` / `unix_serve`.
//!
//! ## Why is this bad
//! The legacy server accepted `""` (deprecated since 7.0) to allow clients that
//! send no `Origin` header; the new server expects `None` for that. With `""`,
//! such clients are rejected with HTTP 403.
//!
//! ## Example
//! ```python
//! websockets.serve(handler, host, port, origins=["https://example.com", ""])
//! ```
//! Use instead:
//! ```python
//! websockets.serve(handler, host, port, origins=["https://example.com", None])
//! ```
//!
//! ## Fix safety
//! Safe: `None` is what `""` meant.

use ferry_engine::{Applicability, Checker, Edit, Fix, Rule};
use ferry_python::ast::Expr;
use ferry_python::Ranged;

use super::api::{empty_origins, serve_call, Server};

pub struct ServeOrigins;

impl Rule for ServeOrigins {
    fn code(&self) -> &'static str {
        "WS017"
    }

    fn name(&self) -> &'static str {
        "ServeOrigins"
    }

    fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
        let Expr::Call(call) = expr else { return };
        let Some(keyword) = call.arguments.find_keyword("origins") else {
            return;
        };
        let empties = empty_origins(keyword);
        if empties.is_empty() {
            return;
        }
        let Some(serve) = serve_call(call, checker) else {
            return;
        };
        if serve.only() != Some(Server::NewAsyncio) {
            return;
        }
        for empty in empties {
            let fix = Fix {
                title: "Use `None` for a missing `Origin`".to_string(),
                edits: vec![Edit::replacement("None", empty.range())],
                applicability: Applicability::Safe,
                // Right on every release, the legacy implementation too.
                requires: Some(ferry_engine::Release::ANY),
            };
            checker.report(
                empty.range(),
                format!(
                    "`{}` (new implementation) writes a missing `Origin` header as `None`; with `\"\"` clients that send none are rejected with HTTP 403",
                    serve.shown_name()
                ),
                Some(fix),
            );
        }
    }
}
