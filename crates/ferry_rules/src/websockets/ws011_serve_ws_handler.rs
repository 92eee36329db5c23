//! `ws_handler=` passed by keyword to the new asyncio server, whose parameter is `handler`.
//!
//! ## What it does
//! Finds the keyword `ws_handler=` in calls that reach the new asyncio
//! `serve` / `unix_serve` (top-level `websockets.serve` when the project
//! targets websockets >= 14, or `websockets.asyncio.server.serve`).
//!
//! ## Why is this bad
//! The legacy server named its first parameter `ws_handler`; the new one names
//! it `handler`. Passed by keyword, the old name fails when the server is
//! created with `TypeError: serve.__init__() missing 1 required positional argument: 'handler'`
//! (17.x: `serve() missing 1 required positional argument: 'handler'`).
//!
//! ## Example
//! ```python
//! websockets.serve(ws_handler=echo, host="127.0.0.1", port=8765)
//! ```
//! Use instead:
//! ```python
//! websockets.serve(handler=echo, host="127.0.0.1", port=8765)
//! ```
//!
//! ## Fix safety
//! Safe: only the keyword's name changes. The handler's own signature is
//! another rule's concern (WS012).

use ferry_engine::{Checker, Rule};
use ferry_python::ast::Expr;
use ferry_python::Ranged;

use super::api::{rename_keyword, serve_call, Server};

pub struct ServeWsHandler;

impl Rule for ServeWsHandler {
    fn code(&self) -> &'static str {
        "WS011"
    }

    fn name(&self) -> &'static str {
        "ServeWsHandler"
    }

    fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
        let Expr::Call(call) = expr else { return };
        let Some(keyword) = call.arguments.find_keyword("ws_handler") else {
            return;
        };
        let Some(serve) = serve_call(call, checker) else {
            return;
        };
        if serve.only() != Some(Server::NewAsyncio) {
            return;
        }
        let Some(arg) = keyword.arg.as_ref() else {
            return;
        };
        let fix = (serve.keyword("handler").is_none()).then(|| {
            let mut fix = rename_keyword(arg, "handler");
            fix.requires = serve.requires();
            fix
        });
        checker.report(
            arg.range(),
            format!(
                "`{}` is the new asyncio server, whose first parameter is `handler`; `ws_handler=` fails with `TypeError: ... missing 1 required positional argument: 'handler'`",
                serve.shown_name()
            ),
            fix,
        );
    }
}
