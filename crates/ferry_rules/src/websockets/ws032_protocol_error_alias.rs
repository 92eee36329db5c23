//! `WebSocketProtocolError`, a deprecated alias of `ProtocolError`.
//!
//! ## What it does
//! Finds references to `WebSocketProtocolError` (`websockets.exceptions`,
//! top-level `websockets`), through any import or alias.
//!
//! ## Why is this bad
//! It is the same class as `ProtocolError`, kept as a deprecated alias: from
//! websockets 14 every use emits a `DeprecationWarning` (an error under
//! `-W error`, as many test suites run), and it is on its way out.
//!
//! ## Example
//! ```python
//! except websockets.exceptions.WebSocketProtocolError:
//! ```
//! Use instead:
//! ```python
//! except websockets.exceptions.ProtocolError:
//! ```
//!
//! ## Fix safety
//! Safe: the same class under its own name. One fix per file renames every
//! reference, and a `from ... import WebSocketProtocolError` with its uses (an
//! alias keeps its name). An import together with other names is a review item.

use ferry_engine::{Applicability, Checker, Fix, Rule};
use ferry_python::ast::ModModule;

use ferry_packs::moves::{collect_renames, Moves};

pub struct ProtocolErrorAlias;

static MOVES: Moves<'static> = Moves {
    names: &["WebSocketProtocolError"],
    replacement: &replacement,
};

fn replacement(qualified: &str) -> Option<(&'static str, &'static str)> {
    matches!(
        qualified,
        "websockets.WebSocketProtocolError" | "websockets.exceptions.WebSocketProtocolError"
    )
    .then_some(("websockets.exceptions", "ProtocolError"))
}

impl Rule for ProtocolErrorAlias {
    fn code(&self) -> &'static str {
        "WS032"
    }

    fn name(&self) -> &'static str {
        "ProtocolErrorAlias"
    }

    fn check_module(&self, module: &ModModule, checker: &mut Checker<'_>) {
        let renames = collect_renames(module, checker, &MOVES, None);
        let Some(first) = renames.first else { return };
        let message = "`WebSocketProtocolError` is a deprecated alias of `ProtocolError` (a `DeprecationWarning` on websockets >= 14): use `ProtocolError`";
        if let Some((range, why)) = renames.blocker {
            checker.report(range, format!("{message}; {why}"), None);
            return;
        }
        let fix = Fix {
            title: "Use `ProtocolError`".to_string(),
            edits: renames.edits,
            applicability: Applicability::Safe,
            // Right on every release, the legacy implementation too.
            requires: Some(ferry_engine::Release::ANY),
        };
        checker.report(first, message, Some(fix));
    }
}
