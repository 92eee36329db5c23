//! Keywords the new asyncio `connect`/`serve` no longer take and that can simply go: `loop=`, `read_limit=`, `legacy_recv=False`.
//!
//! ## What it does
//! Finds `loop=`, `read_limit=` and `legacy_recv=` in calls that reach the new
//! asyncio client or server (`websockets.connect` / `serve` when the project
//! targets websockets >= 14, `websockets.asyncio.client` / `.server`).
//!
//! ## Why is this bad
//! The legacy implementation accepted them (`loop` and `legacy_recv` with a
//! `DeprecationWarning`); the new one forwards them to the event loop, which
//! fails when the connection opens or the server starts with
//! `TypeError: ... got an unexpected keyword argument 'loop'` (or
//! `'read_limit'`, `'legacy_recv'`). There is no stream reader any more, so
//! `read_limit` has no equivalent (`max_queue` is the only read buffer); the
//! loop is always the running one; `recv()` always raises `ConnectionClosed`
//! once the connection is closed.
//!
//! ## Example
//! ```python
//! ws = await websockets.connect(uri, loop=loop, read_limit=2**16, legacy_recv=False)
//! ```
//! Use instead:
//! ```python
//! ws = await websockets.connect(uri)
//! ```
//!
//! ## Fix safety
//! Safe: removing `loop=`, `read_limit=` and `legacy_recv=False` keeps the
//! behaviour the new implementation can have. `legacy_recv=True` (or a value
//! Ferry cannot read) made `recv()` return `None` after the connection closed;
//! code that relies on it must handle `ConnectionClosed`: a review item.

use ferry_engine::{remove_argument, Applicability, Checker, Fix, Rule};
use ferry_python::ast::Expr;
use ferry_python::Ranged;

use super::api::new_asyncio_call;

pub struct RemovedKeywords;

impl Rule for RemovedKeywords {
    fn code(&self) -> &'static str {
        "WS003"
    }

    fn name(&self) -> &'static str {
        "RemovedKeywords"
    }

    fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
        let Expr::Call(call) = expr else { return };
        let has_any = call.arguments.keywords.iter().any(|k| {
            k.arg
                .as_ref()
                .is_some_and(|a| matches!(a.as_str(), "loop" | "read_limit" | "legacy_recv"))
        });
        if !has_any {
            return;
        }
        let Some((keywords, shown)) = new_asyncio_call(call, checker) else {
            return;
        };
        for keyword in keywords {
            let Some(arg) = keyword.arg.as_ref() else {
                continue;
            };
            let name = arg.as_str();
            let why = match name {
                "loop" => "the new implementation always uses the running loop",
                "read_limit" => {
                    "there is no stream reader any more (`max_queue` is the only read buffer)"
                }
                "legacy_recv" => {
                    "`recv()` always raises `ConnectionClosed` once the connection is closed"
                }
                _ => continue,
            };
            let message = format!(
                "`{shown}` (new implementation) has no `{name}`; it fails with `TypeError: ... unexpected keyword argument '{name}'`: {why}"
            );
            let removable = name != "legacy_recv"
                || keyword.value.is_boolean_literal_expr()
                    && checker.text(keyword.value.range()) == "False";
            let fix = removable
                .then(|| remove_argument(checker.source, &call.arguments, keyword.range()))
                .flatten()
                .map(|edit| Fix {
                    title: format!("Remove `{name}`"),
                    edits: vec![edit],
                    applicability: Applicability::Safe,
                    // Right on every release, the legacy implementation too.
                    requires: Some(ferry_engine::Release::ANY),
                });
            let message = if removable {
                message
            } else {
                format!("{message}; code that expects `recv()` to return `None` after close must catch `ConnectionClosed`")
            };
            checker.report(arg.range(), message, fix);
        }
    }
}
