//! `extra_headers=` passed to the new asyncio server, which sets response headers in `process_response`.
//!
//! ## What it does
//! Finds the keyword `extra_headers=` in calls that reach `websockets.serve` /
//! `websockets.unix_serve` (when the project targets websockets >= 14) or
//! `websockets.asyncio.server.serve` / `unix_serve`, through any import or alias.
//!
//! ## Why is this bad
//! The new server has no `extra_headers`: the keyword is forwarded to the event
//! loop and the server fails to start with
//! `TypeError: BaseEventLoop.create_server() got an unexpected keyword argument 'extra_headers'`
//! (at `serve(...)` on 14.0–16.x, at `async with` / `await` on 17.x).
//! The new API adds headers to the handshake response in a `process_response`
//! hook, and sets the `Server` header with `server_header=`.
//!
//! ## Example
//! ```python
//! server = await websockets.serve(handler, host, port, extra_headers=[("X-Chat-Server", "1")])
//! ```
//! Use instead:
//! ```python
//! server = await websockets.serve(
//!     handler, host, port,
//!     process_response=lambda connection, request, response: response.headers.update([("X-Chat-Server", "1")]),
//! )
//! ```
//! A value that only sets `Server` becomes `server_header="..."`.
//!
//! ## Fix safety
//! Safe when the value is a header literal (a dict, list or tuple of pairs),
//! a name bound to one, or a `Headers(...)`/`dict(...)` call: the hook adds the
//! same headers to every handshake response, as `extra_headers` did. When the
//! value is a function (legacy `(path, request_headers) -> headers`), the hook
//! calls it with `request.path` and `request.headers`: also safe. When Ferry
//! cannot tell whether the value is headers or a function, the headers reading
//! is offered as an unsafe fix. When the call already passes
//! `process_response=`, the two must be merged by hand: a review item.

use ferry_engine::{Checker, Rule};
use ferry_python::ast::Expr;
use ferry_python::Ranged;

use super::api::{serve_call, server_extra_headers, Server, ServerHeaders};

pub struct ServeExtraHeaders;

impl Rule for ServeExtraHeaders {
    fn code(&self) -> &'static str {
        "WS010"
    }

    fn name(&self) -> &'static str {
        "ServeExtraHeaders"
    }

    fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
        let Expr::Call(call) = expr else { return };
        let Some(keyword) = call.arguments.find_keyword("extra_headers") else {
            return;
        };
        let Some(serve) = serve_call(call, checker) else {
            return;
        };
        let Some(arg) = keyword.arg.as_ref() else {
            return;
        };
        let name = serve.shown_name().to_string();
        match serve.only() {
            Some(Server::NewAsyncio) => {}
            Some(Server::Legacy | Server::Sync) => return,
            None => {
                checker.report(
                    arg.range(),
                    format!("`extra_headers` is right for the legacy server but fails on the new one, and this callee may be either (`{name}`): make the import unconditional, then use `process_response`"),
                    None,
                );
                return;
            }
        }
        let message = format!(
            "`{name}` is the new asyncio server, which has no `extra_headers`; the server fails to start with `TypeError: ... unexpected keyword argument 'extra_headers'`"
        );
        match server_extra_headers(call, keyword, checker) {
            ServerHeaders::MergeByHand => checker.report(
                arg.range(),
                format!("{message}: this call already has `process_response`, so add the headers there (`response.headers.update(...)`)"),
                None,
            ),
            ServerHeaders::Rewrite { mut fix, note } => {
                fix.requires = serve.requires();
                checker.report(arg.range(), format!("{message}{note}"), Some(fix));
            }
        }
    }
}
