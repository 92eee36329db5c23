//! Aliases deprecated in websockets 9.0 and removed in 17.0: `websockets.http.Headers`, top-level `parse_uri` and `WebSocketURI`.
//!
//! ## What it does
//! Finds references to `websockets.http.Headers`, `websockets.parse_uri` and
//! `websockets.WebSocketURI`, through any import or alias.
//!
//! ## Why is this bad
//! They have warned since 9.0 and are gone in 17.0: `AttributeError` /
//! `ImportError` there. Their homes are `websockets.datastructures.Headers` and
//! `websockets.uri.parse_uri` / `websockets.uri.WebSocketURI`.
//!
//! ## Example
//! ```python
//! from websockets.http import Headers
//! ```
//! Use instead:
//! ```python
//! from websockets.datastructures import Headers
//! ```
//!
//! ## Fix safety
//! Safe: the same objects under their current names, one fix per file (an
//! import together with other names is a review item).

use ferry_engine::{Applicability, Checker, Fix, Rule};
use ferry_python::ast::ModModule;

use ferry_packs::moves::{collect_renames, Moves};

pub struct RemovedAliases;

static MOVES: Moves<'static> = Moves {
    names: &["Headers", "parse_uri", "WebSocketURI"],
    replacement: &replacement,
};

fn replacement(qualified: &str) -> Option<(&'static str, &'static str)> {
    match qualified {
        "websockets.http.Headers" => Some(("websockets.datastructures", "Headers")),
        "websockets.parse_uri" => Some(("websockets.uri", "parse_uri")),
        "websockets.WebSocketURI" => Some(("websockets.uri", "WebSocketURI")),
        _ => None,
    }
}

impl Rule for RemovedAliases {
    fn code(&self) -> &'static str {
        "WS051"
    }

    fn name(&self) -> &'static str {
        "RemovedAliases"
    }

    fn check_module(&self, module: &ModModule, checker: &mut Checker<'_>) {
        let renames = collect_renames(module, checker, &MOVES, None);
        let Some(first) = renames.first else { return };
        let message = "deprecated since websockets 9.0 and removed in 17.0 (`AttributeError`/`ImportError` there): use `websockets.datastructures.Headers` / `websockets.uri`";
        if let Some((range, why)) = renames.blocker {
            checker.report(range, format!("{message}; {why}"), None);
            return;
        }
        let fix = Fix {
            title: "Use the current module".to_string(),
            edits: renames.edits,
            applicability: Applicability::Safe,
            // Right on every release, the legacy implementation too.
            requires: Some(ferry_engine::Release::ANY),
        };
        checker.report(first, message, Some(fix));
    }
}
