//! The top-level module aliases `websockets.framing` and `websockets.handshake`, deprecated in 9.0 and removed in 17.0.
//!
//! ## What it does
//! Finds imports of `websockets.framing` / `websockets.handshake` and
//! references to them through `websockets`.
//!
//! ## Why is this bad
//! They were aliases of the legacy implementation's internals
//! (`websockets.legacy.framing`, `websockets.legacy.handshake`), warned since
//! 9.0, and are gone in 17.0 (`ImportError` / `AttributeError`). The new
//! implementation has no public equivalent: frames are `websockets.frames`,
//! handshakes happen inside `websockets.client` / `websockets.server`
//! (Sans-I/O).
//!
//! ## Example
//! ```python
//! from websockets.framing import Frame
//! ```
//! Use instead (the data class of frames):
//! ```python
//! from websockets.frames import Frame
//! ```
//!
//! ## Fix safety
//! No fix: what replaces the code depends on what it used. A review item.

use ferry_engine::{Checker, Rule};
use ferry_python::ast::{Expr, Stmt};
use ferry_python::{Ranged, Resolution};

pub struct RemovedLegacyModules;

fn removed(module: &str) -> bool {
    matches!(module, "websockets.framing" | "websockets.handshake")
        || module.starts_with("websockets.framing.")
        || module.starts_with("websockets.handshake.")
}

const MESSAGE: &str = "`websockets.framing` / `websockets.handshake` were aliases of legacy internals, deprecated since 9.0 and removed in 17.0 (`ImportError` there): use `websockets.frames` for frames, or rewrite against the new implementation";

impl Rule for RemovedLegacyModules {
    fn code(&self) -> &'static str {
        "WS052"
    }

    fn name(&self) -> &'static str {
        "RemovedLegacyModules"
    }

    fn check_stmt(&self, stmt: &Stmt, checker: &mut Checker<'_>) {
        match stmt {
            Stmt::Import(import) => {
                for alias in &import.names {
                    if removed(alias.name.as_str()) {
                        checker.report(alias.range(), MESSAGE, None);
                    }
                }
            }
            Stmt::ImportFrom(import) if import.level == 0 => {
                let module = import.module.as_ref().map_or("", |m| m.as_str());
                if removed(module) {
                    checker.report(stmt.range(), MESSAGE, None);
                } else if module == "websockets" {
                    for alias in &import.names {
                        if matches!(alias.name.as_str(), "framing" | "handshake") {
                            checker.report(alias.range(), MESSAGE, None);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
        // `websockets.framing.X`: report the module reference once, not each attribute on it.
        let Expr::Attribute(attr) = expr else { return };
        if !matches!(attr.attr.as_str(), "framing" | "handshake") {
            return;
        }
        if matches!(checker.semantic.resolve_expr(expr), Resolution::One(q) if removed(q.as_str()))
        {
            checker.report(expr.range(), MESSAGE, None);
        }
    }
}
