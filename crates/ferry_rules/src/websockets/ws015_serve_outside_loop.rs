//! The new asyncio `serve(...)` called outside a running event loop (module-level start-up with `run_until_complete`).
//!
//! ## What it does
//! Finds calls that reach the new asyncio `serve` / `unix_serve` made at
//! module level (or in a class body), outside any function: the start-up of
//! countless tutorials:
//! `start_server = websockets.serve(handler, host, port)` followed by
//! `asyncio.get_event_loop().run_until_complete(start_server)` and `run_forever()`.
//!
//! ## Why is this bad
//! The new `serve()` needs a running event loop when it is called and fails at
//! once with `RuntimeError: no running event loop` (14.0 to 17.x). The legacy
//! one worked there but calls `asyncio.get_event_loop()`, which warns on
//! Python 3.12 and 3.13 and raises `RuntimeError` on Python 3.14.
//!
//! ## Example
//! ```python
//! start_server = websockets.serve(handler, "127.0.0.1", 8765)
//! asyncio.get_event_loop().run_until_complete(start_server)
//! asyncio.get_event_loop().run_forever()
//! ```
//! Use instead:
//! ```python
//! async def main():
//!     async with websockets.serve(handler, "127.0.0.1", 8765) as server:
//!         await server.serve_forever()
//!
//! asyncio.run(main())
//! ```
//!
//! A call inside a plain `def` is not reported: that function may well be
//! called from a coroutine, where a loop runs.
//!
//! ## Fix safety
//! No fix: the start-up has to be restructured (the message gives the shape),
//! and what else runs on that loop is the author's to decide.

use ferry_engine::{Checker, Rule};
use ferry_python::ast::visitor::{self, Visitor};
use ferry_python::ast::{Expr, ModModule, Stmt};
use ferry_python::{Ranged, TextRange};

use super::api::{serve_call, Server};

pub struct ServeOutsideLoop;

impl Rule for ServeOutsideLoop {
    fn code(&self) -> &'static str {
        "WS015"
    }

    fn name(&self) -> &'static str {
        "ServeOutsideLoop"
    }

    fn check_module(&self, module: &ModModule, checker: &mut Checker<'_>) {
        let mut walker = Walker {
            checker,
            depth: 0,
            found: Vec::new(),
        };
        walker.visit_body(&module.body);
        for (range, name) in walker.found {
            checker.report(
                range,
                format!(
                    "`{name}` (new implementation) is called at module level, where no event loop runs: it fails with `RuntimeError: no running event loop`; move it into `async def main(): async with {name}(...) as server: await server.serve_forever()` and start with `asyncio.run(main())`"
                ),
                None,
            );
        }
    }
}

struct Walker<'c, 'a> {
    checker: &'c Checker<'a>,
    /// How many functions enclose the current node (0: module level).
    depth: usize,
    found: Vec<(TextRange, String)>,
}

impl<'b> Visitor<'b> for Walker<'_, '_> {
    fn visit_stmt(&mut self, stmt: &'b Stmt) {
        if let Stmt::FunctionDef(_) = stmt {
            self.depth += 1;
            visitor::walk_stmt(self, stmt);
            self.depth -= 1;
            return;
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'b Expr) {
        if let (Expr::Call(call), 0) = (expr, self.depth) {
            if let Some(serve) = serve_call(call, self.checker) {
                if serve.only() == Some(Server::NewAsyncio) {
                    self.found.push((call.func.range(), serve.shown_name().to_string()));
                }
            }
        }
        if let Expr::Lambda(_) = expr {
            self.depth += 1;
            visitor::walk_expr(self, expr);
            self.depth -= 1;
            return;
        }
        visitor::walk_expr(self, expr);
    }
}
