//! `PayloadTooBig("message")`: the exception's constructor changed in websockets 14.
//!
//! ## What it does
//! Finds calls that construct `PayloadTooBig` (`websockets.exceptions`,
//! top-level `websockets`) with a single argument, as extension authors did.
//!
//! ## Why is this bad
//! From 14.0 it is `PayloadTooBig(size, max_size)`: the sizes are data the
//! library formats into the message. A single message string ends up as the
//! size and the text reads wrong (or the call fails where `max_size` is needed).
//!
//! ## Example
//! ```python
//! raise PayloadTooBig(f"over size limit ({size} > {max_size} bytes)")
//! ```
//! Use instead:
//! ```python
//! raise PayloadTooBig(size, max_size)
//! ```
//!
//! ## Fix safety
//! No fix: the sizes are in the message's text, not in the call. A review item.

use ferry_engine::{Checker, Rule};
use ferry_python::ast::Expr;
use ferry_python::{Ranged, Resolution};

pub struct PayloadTooBigArguments;

impl Rule for PayloadTooBigArguments {
    fn code(&self) -> &'static str {
        "WS034"
    }

    fn name(&self) -> &'static str {
        "PayloadTooBigArguments"
    }

    fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
        let Expr::Call(call) = expr else { return };
        if call.arguments.args.len() != 1 || !call.arguments.keywords.is_empty() {
            return;
        }
        let Resolution::One(name) = checker.semantic.resolve_expr(&call.func) else {
            return;
        };
        if !matches!(
            name.as_str(),
            "websockets.exceptions.PayloadTooBig" | "websockets.PayloadTooBig"
        ) {
            return;
        }
        checker.report(
            call.range(),
            "`PayloadTooBig` takes `(size, max_size)` from websockets 14 and builds the message itself: pass the sizes instead of a message",
            None,
        );
    }
}
