//! `create_protocol=` / `klass=` (a legacy protocol class or factory) passed to the new asyncio `connect`/`serve`.
//!
//! ## What it does
//! Finds `create_protocol=` and `klass=` in calls that reach the new asyncio
//! client or server.
//!
//! ## Why is this bad
//! The legacy implementation built connections with a factory (often a
//! `WebSocketClientProtocol` / `WebSocketServerProtocol` subclass, or
//! `basic_auth_protocol_factory(...)`). The new one takes a connection class
//! in `create_connection=` that must subclass `ClientConnection` /
//! `ServerConnection`, and the old keywords fail when the connection opens or
//! the server starts with `TypeError: ... unexpected keyword argument 'create_protocol'`.
//! A legacy subclass cannot be passed on as it is: its overridden methods
//! (`process_request`, `select_subprotocol`, ...) have other signatures.
//!
//! ## Example
//! ```python
//! websockets.serve(handler, host, port, create_protocol=AuthProtocol)
//! ```
//! Use instead: move the behaviour to the new hooks, e.g.
//! ```python
//! websockets.serve(handler, host, port, process_request=check_auth)
//! ```
//! or re-implement the subclass on `ServerConnection` and pass `create_connection=`.
//!
//! ## Fix safety
//! No fix: the class must be rewritten by hand. `create_protocol=basic_auth_protocol_factory(...)`
//! maps to `process_request=websockets.asyncio.server.basic_auth(...)`, whose
//! `realm` defaults to `""` (legacy: `None`); it is reported with that advice.

use ferry_engine::{Checker, Rule};
use ferry_python::ast::Expr;
use ferry_python::Ranged as _;

use super::api::{new_asyncio_call, protocol_class_advice};

pub struct CustomProtocolClass;

impl Rule for CustomProtocolClass {
    fn code(&self) -> &'static str {
        "WS004"
    }

    fn name(&self) -> &'static str {
        "CustomProtocolClass"
    }

    fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
        let Expr::Call(call) = expr else { return };
        let keyword = call.arguments.keywords.iter().find(|k| {
            k.arg
                .as_ref()
                .is_some_and(|a| matches!(a.as_str(), "create_protocol" | "klass"))
        });
        let Some(keyword) = keyword else { return };
        let Some((_, shown)) = new_asyncio_call(call, checker) else {
            return;
        };
        let Some(arg) = keyword.arg.as_ref() else {
            return;
        };
        let name = arg.as_str();
        let advice = protocol_class_advice(keyword, checker);
        checker.report(
            arg.range(),
            format!("`{shown}` (new implementation) has no `{name}`; it fails with `TypeError: ... unexpected keyword argument '{name}'`: {advice}"),
            None,
        );
    }
}
