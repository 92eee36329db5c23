//! Legacy connection classes (`WebSocketClientProtocol`, `WebSocketServerProtocol`, `WebSocketCommonProtocol`, `WebSocketServer`) in annotations and `isinstance`.
//!
//! ## What it does
//! Finds references to the legacy classes, through any import or alias:
//! top-level `websockets.X` (deprecated aliases), `websockets.legacy.*.X` and
//! the `websockets.client` / `websockets.server` aliases.
//!
//! ## Why is this bad
//! The new implementation's objects are `ClientConnection`
//! (`websockets.asyncio.client`), `ServerConnection` and `Server`
//! (`websockets.asyncio.server`) and `Connection` (`websockets.asyncio.connection`).
//! `isinstance(ws, WebSocketClientProtocol)` is now always false, annotations
//! name the wrong type, and importing the legacy names emits
//! `DeprecationWarning`s on websockets >= 14 (and `from websockets import *`
//! no longer provides them: `NameError`).
//!
//! Beware the name trap: `websockets.client.ClientConnection` and
//! `websockets.server.ServerConnection` are deprecated Sans-I/O aliases, not
//! the asyncio classes; Ferry always writes the `websockets.asyncio` paths.
//!
//! ## Example
//! ```python
//! from websockets.legacy.client import WebSocketClientProtocol
//!
//! async def send(ws: WebSocketClientProtocol): ...
//! ```
//! Use instead:
//! ```python
//! from websockets.asyncio.client import ClientConnection
//!
//! async def send(ws: ClientConnection): ...
//! ```
//!
//! ## Fix safety
//! One fix per file, safe: it rewrites `websockets.X` chains to the
//! `websockets.asyncio` path, and a `from ... import X` that imports only that
//! class to the new import, renaming the name's uses (an alias keeps its name).
//! A class used as a base class (a legacy protocol subclass must be rewritten
//! on the new classes) or imported together with other names is a review item.

use ferry_engine::{Applicability, Checker, Fix, Rule};
use ferry_python::ast::ModModule;

use super::renames::{collect_renames, Moves};

pub struct LegacyProtocolTypes;

static MOVES: Moves = Moves {
    names: &[
        "WebSocketClientProtocol",
        "WebSocketServerProtocol",
        "WebSocketServer",
        "WebSocketCommonProtocol",
    ],
    replacement,
};

/// Legacy class name → (new module, new class).
fn replacement(qualified: &str) -> Option<(&'static str, &'static str)> {
    let (module, class) = qualified.rsplit_once('.')?;
    let legacy_module = matches!(
        module,
        "websockets"
            | "websockets.legacy.client"
            | "websockets.legacy.server"
            | "websockets.legacy.protocol"
            | "websockets.client"
            | "websockets.server"
            | "websockets.protocol"
    );
    if !legacy_module {
        return None;
    }
    match (module, class) {
        (_, "WebSocketClientProtocol") if module != "websockets.server" => {
            Some(("websockets.asyncio.client", "ClientConnection"))
        }
        (_, "WebSocketServerProtocol") if module != "websockets.client" => {
            Some(("websockets.asyncio.server", "ServerConnection"))
        }
        ("websockets" | "websockets.legacy.server" | "websockets.server", "WebSocketServer") => {
            Some(("websockets.asyncio.server", "Server"))
        }
        (
            "websockets" | "websockets.legacy.protocol" | "websockets.protocol",
            "WebSocketCommonProtocol",
        ) => Some(("websockets.asyncio.connection", "Connection")),
        _ => None,
    }
}

impl Rule for LegacyProtocolTypes {
    fn code(&self) -> &'static str {
        "WS021"
    }

    fn name(&self) -> &'static str {
        "LegacyProtocolTypes"
    }

    fn check_module(&self, module: &ModModule, checker: &mut Checker<'_>) {
        let renames = collect_renames(module, checker, &MOVES, Some(SUBCLASS));
        let Some(first) = renames.first else { return };
        let base = format!(
            "legacy connection class: the new implementation's objects are `ClientConnection`, `ServerConnection`, `Server` and `Connection` from `websockets.asyncio`, so `isinstance` checks and annotations with the legacy class are wrong (and its import warns on websockets >= 14){}",
            if renames.count > 1 { format!("; {} places in this file", renames.count) } else { String::new() }
        );
        if let Some((range, why)) = renames.blocker {
            checker.report(range, format!("{base}; {why}"), None);
            return;
        }
        let fix = Fix {
            title: "Use the `websockets.asyncio` classes".to_string(),
            edits: renames.edits,
            applicability: Applicability::Safe,
        };
        checker.report(first, base, Some(fix));
    }
}

const SUBCLASS: &str = "a subclass of a legacy protocol must be rewritten on `ClientConnection` / `ServerConnection` (passed as `create_connection=`) or replaced by `process_request` / `process_response` hooks";
