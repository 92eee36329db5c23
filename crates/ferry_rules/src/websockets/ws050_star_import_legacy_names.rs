//! Legacy names used through `from websockets import *`, which no longer provides them.
//!
//! ## What it does
//! Finds uses of names that only a star import from `websockets` binds and
//! that websockets 14 removed from `websockets.__all__`:
//! `WebSocketClientProtocol`, `WebSocketServerProtocol`, `WebSocketServer`,
//! `WebSocketCommonProtocol`, `InvalidStatusCode`, `AbortHandshake`,
//! `RedirectHandshake`, `BasicAuthWebSocketServerProtocol`,
//! `basic_auth_protocol_factory` (and `InvalidMessage` before 14.2).
//!
//! ## Why is this bad
//! `from websockets import *` no longer binds them, so each use raises
//! `NameError: name 'WebSocketClientProtocol' is not defined` when it runs.
//!
//! ## Example
//! ```python
//! from websockets import *
//!
//! def is_ws(obj):
//!     return isinstance(obj, WebSocketClientProtocol)
//! ```
//! Use instead:
//! ```python
//! from websockets.asyncio.client import ClientConnection
//!
//! def is_ws(obj):
//!     return isinstance(obj, ClientConnection)
//! ```
//!
//! ## Fix safety
//! No fix: which explicit import (legacy or new class) is right depends on the
//! code. A review item naming the name.

use ferry_engine::{Checker, Rule};
use ferry_python::ast::{Expr, ExprContext};
use ferry_python::{Ranged, Resolution};

pub struct StarImportLegacyNames;

const REMOVED_FROM_ALL: &[&str] = &[
    "WebSocketClientProtocol",
    "WebSocketServerProtocol",
    "WebSocketServer",
    "WebSocketCommonProtocol",
    "InvalidStatusCode",
    "AbortHandshake",
    "RedirectHandshake",
    "BasicAuthWebSocketServerProtocol",
    "basic_auth_protocol_factory",
    "InvalidMessage",
];

impl Rule for StarImportLegacyNames {
    fn code(&self) -> &'static str {
        "WS050"
    }

    fn name(&self) -> &'static str {
        "StarImportLegacyNames"
    }

    fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
        let Expr::Name(name) = expr else { return };
        if name.ctx != ExprContext::Load || !REMOVED_FROM_ALL.contains(&name.id.as_str()) {
            return;
        }
        // Bound by nothing but a star import.
        if !checker
            .semantic
            .reaching(name.id.as_str(), name.start())
            .is_empty()
        {
            return;
        }
        // Up to 13.x the star import still provides them.
        if checker
            .settings
            .target(super::PACK.library)
            .is_some_and(|v| v.major() < 14)
        {
            return;
        }
        let Resolution::One(qualified) = checker.semantic.resolve_expr(expr) else {
            return;
        };
        if qualified.as_str() != format!("websockets.{}", name.id) {
            return;
        }
        checker.report(
            expr.range(),
            format!(
                "`from websockets import *` no longer provides `{}` (websockets >= 14): this raises `NameError`; import it explicitly (the new implementation's equivalent, or the legacy class from `websockets.legacy`)",
                name.id
            ),
            None,
        );
    }
}
