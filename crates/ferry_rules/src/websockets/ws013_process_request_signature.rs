//! A `process_request` hook with the legacy `(path, request_headers)` signature, passed to the new asyncio server.
//!
//! ## What it does
//! Finds functions defined in the file and passed as `process_request=` to the
//! new asyncio `serve` / `unix_serve` that are written for the legacy server:
//! they return a `(status, headers, body)` tuple, or their parameters are
//! `(path, request_headers)` and the body uses them as a string and a mapping.
//!
//! ## Why is this bad
//! The new server calls `process_request(connection, request)`: the same number
//! of arguments, so nothing fails when the server starts. Then every handshake
//! goes wrong: `request_headers["X"]` raises
//! `TypeError: 'Request' object is not subscriptable` and the client gets
//! HTTP 500 (`InvalidStatus`); returning a legacy tuple makes the server fail an
//! assertion and the client gets `InvalidMessage` (EOFError on 14.0).
//! The new hook returns `None` or a `Response`, e.g. `connection.respond(status, text)`.
//!
//! ## Example
//! ```python
//! async def process_request(path, request_headers):
//!     if path == "/healthz":
//!         return (200, [], b"ok\n")
//!     if request_headers.get("Authorization") != TOKEN:
//!         return (403, [], b"forbidden\n")
//! ```
//! Use instead:
//! ```python
//! async def process_request(connection, request):
//!     path = request.path
//!     request_headers = request.headers
//!     if path == "/healthz":
//!         return connection.respond(200, "ok\n")
//!     if request_headers.get("Authorization") != TOKEN:
//!         return connection.respond(403, "forbidden\n")
//! ```
//!
//! ## Fix safety
//! Offered only in the plain case: every `return` gives `None` or a tuple
//! literal whose body is an ASCII bytes literal and whose headers are empty or
//! only a `text/plain` `Content-Type` (which `respond` sets itself), and the
//! body does not already use the names `connection` or `request`. The fix is
//! unsafe: `respond` adds `charset=utf-8` to the content type, and another
//! module may call the function directly with the old arguments. Any other
//! legacy hook is a review item.

use ferry_engine::{Applicability, Checker, Fix, Rule};
use ferry_python::ast::{ModModule, StmtFunctionDef};
use ferry_python::Ranged;

use super::api::{new_serve_hooks, process_request_rewrite, HookRewrite};

pub struct ProcessRequestSignature;

impl Rule for ProcessRequestSignature {
    fn code(&self) -> &'static str {
        "WS013"
    }

    fn name(&self) -> &'static str {
        "ProcessRequestSignature"
    }

    fn check_module(&self, module: &ModModule, checker: &mut Checker<'_>) {
        for (def, serve_name) in new_serve_hooks(module, checker, "process_request") {
            check_hook(def, &serve_name, checker);
        }
    }
}

fn check_hook(def: &StmtFunctionDef, serve_name: &str, checker: &mut Checker<'_>) {
    let rewrite = process_request_rewrite(def, false, checker);
    if matches!(
        rewrite,
        HookRewrite::Unchanged | HookRewrite::OtherSignature
    ) {
        return;
    }
    let name = def.name.as_str();
    let message = format!(
        "`{name}` is passed as `process_request` to `{serve_name}`, which calls it with `(connection, request)` and expects `None` or a `Response`; as written every handshake fails (HTTP 500 or `InvalidMessage`): read `request.path` and `request.headers`, and return `connection.respond(status, text)`"
    );
    let fix = match rewrite {
        HookRewrite::Rewrite(edits) => Some(Fix {
            title: "Rewrite as `process_request(connection, request)` returning `connection.respond(...)`".to_string(),
            edits,
            applicability: Applicability::Unsafe,
            requires: None,
        }),
        _ => None,
    };
    checker.report(def.name.range(), message, fix);
}
