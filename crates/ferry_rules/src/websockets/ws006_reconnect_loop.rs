//! `async for ws in connect(...)` on the new asyncio client, whose reconnect loop gives up on more errors.
//!
//! ## What it does
//! Finds `async for` loops over a call that reaches the new asyncio `connect`
//! (or `unix_connect`) without a `process_exception=` argument.
//!
//! ## Why is this bad
//! The legacy reconnect loop retried on every exception. The new one retries
//! only on network errors (`OSError`, `TimeoutError`), an `InvalidMessage`
//! caused by EOF, and HTTP 500, 502, 503 and 504 (`InvalidStatus`); anything
//! else, an HTTP 403 for instance, is raised and ends the loop. A service that
//! relied on retrying through such errors now stops.
//!
//! ## Example
//! ```python
//! async for ws in websockets.connect(uri):
//!     ...
//! ```
//! To keep retrying on every error, as before:
//! ```python
//! async for ws in websockets.connect(uri, process_exception=lambda exc: None):
//!     ...
//! ```
//! (`lambda exc: exc` makes every error fatal: the opposite.)
//!
//! ## Fix safety
//! No fix: stopping on a 403 is usually what a service wants now; only the
//! author knows. A review item with the exact keyword to add.

use ferry_engine::{Checker, Rule};
use ferry_python::ast::{Expr, Stmt};
use ferry_python::Ranged;

use super::api::{client_call, Client};

pub struct ReconnectLoop;

impl Rule for ReconnectLoop {
    fn code(&self) -> &'static str {
        "WS006"
    }

    fn name(&self) -> &'static str {
        "ReconnectLoop"
    }

    fn check_stmt(&self, stmt: &Stmt, checker: &mut Checker<'_>) {
        let Stmt::For(stmt_for) = stmt else { return };
        if !stmt_for.is_async {
            return;
        }
        let Expr::Call(call) = stmt_for.iter.as_ref() else {
            return;
        };
        let Some(client) = client_call(call, checker) else {
            return;
        };
        if client.only() != Some(Client::NewAsyncio)
            || client.keyword("process_exception").is_some()
        {
            return;
        }
        checker.report(
            call.func.range(),
            format!(
                "`async for ... in {}(...)` reconnects only after network errors and HTTP 500/502/503/504 on the new client (legacy retried on every error), so e.g. an HTTP 403 now ends the loop: pass `process_exception=lambda exc: None` to retry on everything as before",
                client.shown_name()
            ),
            None,
        );
    }
}
