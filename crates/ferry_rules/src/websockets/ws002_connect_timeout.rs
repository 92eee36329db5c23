//! `timeout=` passed to the new asyncio client, which only knows `close_timeout=`.
//!
//! ## What it does
//! Finds the keyword `timeout=` in calls that reach the new asyncio client:
//! `websockets.connect` / `websockets.unix_connect` (when the project targets
//! websockets >= 14) and `websockets.asyncio.client.connect` / `unix_connect`,
//! through any import or alias, including `functools.partial`.
//!
//! ## Why is this bad
//! The legacy client accepted `timeout` as a deprecated alias of
//! `close_timeout` (with a `DeprecationWarning: rename timeout to close_timeout`).
//! The new client has no such alias: the keyword is forwarded to the event
//! loop and the connection fails when it opens with
//! `TypeError: BaseEventLoop.create_connection() got an unexpected keyword argument 'timeout'`.
//!
//! A `timeout=` that belongs to another call around it, such as
//! `asyncio.wait_for(websockets.connect(uri), timeout=5)`, is not this
//! keyword and is left alone. So is `timeout=` on the threading client
//! `websockets.sync.client.connect`, which passes it on to
//! `socket.create_connection` as the TCP connect timeout, and on the legacy client.
//!
//! ## Example
//! ```python
//! async with websockets.connect(uri, timeout=5) as ws:
//!     ...
//! ```
//! Use instead:
//! ```python
//! async with websockets.connect(uri, close_timeout=5) as ws:
//!     ...
//! ```
//!
//! ## Fix safety
//! Safe: the legacy client used `timeout` exactly as `close_timeout`, so the
//! rename keeps the behaviour; unsafe when the call also spreads `**keywords`,
//! which may already hold `close_timeout`. When the call also passes `close_timeout=`, the
//! legacy client ignored `timeout`; removing it keeps that behaviour, but the
//! author may have meant the other value, so the removal is an unsafe fix
//! (`--unsafe-fixes`). When the callee may be either implementation, there is
//! no fix and the finding is a review item.

use ferry_engine::{remove_argument, Applicability, Checker, Fix, Rule};
use ferry_python::ast::Expr;
use ferry_python::Ranged;

use super::api::{client_call, rename_unless_spread, Client};

pub struct ConnectTimeout;

impl Rule for ConnectTimeout {
    fn code(&self) -> &'static str {
        "WS002"
    }

    fn name(&self) -> &'static str {
        "ConnectTimeout"
    }

    fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
        let Expr::Call(call) = expr else { return };
        let Some(old) = call.arguments.find_keyword("timeout") else {
            return;
        };
        let Some(client) = client_call(call, checker) else {
            return;
        };
        let Some(arg) = old.arg.as_ref() else { return };
        let name = client.shown_name().to_string();
        match client.only() {
            Some(Client::NewAsyncio) => {
                let message = format!(
                    "`{name}` is the new asyncio client, which has no `timeout` alias; it raises `TypeError` when the connection opens (use `close_timeout`)"
                );
                if client.keyword("close_timeout").is_some() {
                    let fix = remove_argument(checker.source, &call.arguments, old.range()).map(|edit| Fix {
                        title: "Remove `timeout` (the legacy client ignored it next to `close_timeout`)".to_string(),
                        edits: vec![edit],
                        applicability: Applicability::Unsafe,
                        // Right on every release, the legacy implementation too.
                        requires: Some(ferry_engine::Release::ANY),
                    });
                    checker.report(
                        arg.range(),
                        format!("{message}, and this call already passes `close_timeout`, which the legacy client used instead: remove `timeout`"),
                        fix,
                    );
                } else {
                    let (mut fix, message) =
                        rename_unless_spread(call, arg, "close_timeout", message);
                    // The legacy client takes `close_timeout` too.
                    fix.requires = Some(ferry_engine::Release::ANY);
                    checker.report(arg.range(), message, Some(fix));
                }
            }
            Some(Client::Legacy | Client::Sync) => {}
            None if client.clients.iter().any(|(c, _)| *c == Client::NewAsyncio) => {
                let message = format!(
                    "`timeout` is the legacy alias of `close_timeout` and raises `TypeError` on the new asyncio client, and this callee may be {}: make the import unconditional, then use `close_timeout`",
                    client.candidates()
                );
                checker.report(arg.range(), message, None);
            }
            None => {}
        }
    }
}
