//! Legacy `WebSocketServer` attributes on the new asyncio server: `.websockets`, and `.ws_server` on the `serve` object.
//!
//! ## What it does
//! Finds `.websockets` read on a server bound by `async with serve(...) as
//! server` or `server = await serve(...)`, and `.ws_server` on the object
//! `serve(...)` returns (a call, or a name bound to one, not awaited), for the
//! new asyncio `serve` / `unix_serve`.
//!
//! ## Why is this bad
//! The new `Server` keeps its connections in `.connections` (13.1+), and the
//! object that `serve(...)` returns exposes the server as `.server`; the legacy
//! names raise `AttributeError`.
//!
//! ## Example
//! ```python
//! async with websockets.serve(handler, host, port) as server:
//!     print(len(server.websockets))
//! ```
//! Use instead:
//! ```python
//! async with websockets.serve(handler, host, port) as server:
//!     print(len(server.connections))
//! ```
//!
//! ## Fix safety
//! Safe on the receivers above; other receivers are never touched.

use ferry_engine::{Applicability, Checker, Edit, Fix, Rule};
use ferry_python::ast::{Expr, ExprCall, ExprContext};
use ferry_python::{BindingKind, Origin, Ranged, TextRange};

use super::api::{serve_call, Server};

pub struct ServerAttributes;

fn is_new_serve(call: &ExprCall, checker: &Checker<'_>) -> bool {
    serve_call(call, checker).is_some_and(|s| s.only() == Some(Server::NewAsyncio))
}

/// What a receiver is, among the new implementation's server objects.
#[derive(PartialEq, Eq)]
enum ServerObject {
    /// The `Server` itself: `async with serve(...) as server`, `server = await serve(...)`.
    Server,
    /// The object `serve(...)` returns before it is awaited or entered.
    Serve,
}

fn server_object(expr: &Expr, checker: &Checker<'_>) -> Option<ServerObject> {
    match expr {
        Expr::Call(call) => is_new_serve(call, checker).then_some(ServerObject::Serve),
        Expr::Name(name) => {
            let bindings = checker.semantic.reaching(name.id.as_str(), name.start());
            let mut kind = None;
            for binding in bindings {
                let this = match binding {
                    BindingKind::Opaque(Origin::WithItem {
                        context: Expr::Call(call),
                    }) if is_new_serve(call, checker) => ServerObject::Server,
                    BindingKind::Opaque(Origin::Assign {
                        value: Expr::Await(awaited),
                    }) if matches!(awaited.value.as_ref(), Expr::Call(call) if is_new_serve(call, checker)) => {
                        ServerObject::Server
                    }
                    BindingKind::Opaque(Origin::Assign {
                        value: Expr::Call(call),
                    }) if is_new_serve(call, checker) => ServerObject::Serve,
                    _ => return None,
                };
                if kind.as_ref().is_some_and(|k| *k != this) {
                    return None;
                }
                kind = Some(this);
            }
            kind
        }
        _ => None,
    }
}

impl Rule for ServerAttributes {
    fn code(&self) -> &'static str {
        "WS022"
    }

    fn name(&self) -> &'static str {
        "ServerAttributes"
    }

    fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
        let Expr::Attribute(attr) = expr else { return };
        if attr.ctx != ExprContext::Load {
            return;
        }
        let (new_name, wanted) = match attr.attr.as_str() {
            "websockets" => ("connections", ServerObject::Server),
            "ws_server" => ("server", ServerObject::Serve),
            _ => return,
        };
        if server_object(&attr.value, checker) != Some(wanted) {
            return;
        }
        let old = attr.attr.as_str();
        let fix = Fix {
            title: format!("Read `{new_name}`"),
            edits: vec![Edit::replacement(new_name, attr.attr.range())],
            applicability: Applicability::Safe,
            // The legacy server (top-level `serve` before 14.0) has only `websockets`.
            requires: Some(super::facts::TOP_LEVEL_IS_NEW.since),
        };
        let range: TextRange = attr.attr.range();
        checker.report(
            range,
            format!("the new asyncio server has no `{old}` (`AttributeError`): use `{new_name}`"),
            Some(fix),
        );
    }
}
