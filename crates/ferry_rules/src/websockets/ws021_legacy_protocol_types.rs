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
//! A file that calls the legacy client or server explicitly
//! (`websockets.client.connect`, `websockets.legacy.server.serve`) gets
//! legacy objects on every release: there the legacy classes are right, and
//! nothing is reported. A file that shows no new connection (no new
//! `connect` or `serve` call) may receive its connections, or mock the
//! classes, from legacy code elsewhere: a review item there.
//!
//! ## Fix safety
//! One fix per file, safe: it rewrites `websockets.X` chains to the
//! `websockets.asyncio` path (adding `import websockets.asyncio.client` and
//! the like, since `import websockets` alone does not bind them), and a
//! `from ... import X` that imports only that class to the new import,
//! renaming the name's uses (an alias keeps its name). The fix needs
//! websockets >= 14.0, where top-level `connect` and `serve` give the new
//! objects; a project whose requirements allow an older release gets it as
//! an unsafe fix. A class used as a base class (a deprecated legacy
//! subclass, to be rewritten on the new classes), imported together with
//! other names, or bound in more than one place (`try`/`except ImportError`)
//! is a review item.

use ferry_engine::{Applicability, Checker, Fix, Rule};
use ferry_python::ast::ModModule;

use super::api::{calls_new_implementation, uses_legacy_implementation};
use ferry_packs::moves::{collect_renames, Moves};

pub struct LegacyProtocolTypes;

static MOVES: Moves<'static> = Moves {
    names: &[
        "WebSocketClientProtocol",
        "WebSocketServerProtocol",
        "WebSocketServer",
        "WebSocketCommonProtocol",
    ],
    replacement: &replacement,
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
        // Type rewrites follow the connection, not the name: next to the
        // explicit legacy client or server, the legacy classes describe
        // the objects the file really gets.
        if uses_legacy_implementation(module, checker) {
            return;
        }
        let renames = collect_renames(module, checker, &MOVES, Some(SUBCLASS));
        let Some(first) = renames.first else { return };
        if let Some((range, SUBCLASS)) = renames.blocker {
            checker.report(range, format!("a subclass of a legacy connection class, which websockets deprecated in 14.0 (its import warns, and the class is to be removed): {SUBCLASS}"), None);
            return;
        }
        // Named through a legacy module (`websockets.legacy.server`), in a
        // file that shows no new connection: the objects may well come from
        // the legacy server elsewhere. A person knows; Ferry does not.
        // A file that shows no new connection (no new `connect` or `serve`
        // call) may receive its connections, or mock its classes, from code
        // elsewhere that uses the legacy implementation. A person knows;
        // Ferry does not.
        if !calls_new_implementation(module, checker) {
            let range = renames.explicit_module.unwrap_or(first);
            checker.report(
                range,
                "legacy connection class, in a file that shows no new connection: if its connections come from `websockets.connect` / `websockets.serve` (websockets >= 14) or `websockets.asyncio`, use `ClientConnection` / `ServerConnection` / `Server` from `websockets.asyncio.client` / `.server`; if they come from the legacy client or server (or the class is mocked), keep it (deprecated since 14.0)",
                None,
            );
            return;
        }
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
            // The objects are the new classes only where top-level
            // `connect`/`serve` are the new implementation.
            requires: Some(super::facts::TOP_LEVEL_IS_NEW.since),
        };
        checker.report(first, base, Some(fix));
    }
}

const SUBCLASS: &str = "rewrite it on `ClientConnection` / `ServerConnection` (passed as `create_connection=`), or replace it by `process_request` / `process_response` hooks";
