//! `max_queue=` on the new asyncio `connect`/`serve`, where it counts frames, not messages.
//!
//! ## What it does
//! Finds `max_queue=` in calls that reach the new asyncio client or server.
//!
//! ## Why is this bad
//! Nothing fails, but the meaning changed: the legacy implementation queued up
//! to `max_queue` incoming **messages** (default 32); the new one uses it as the
//! high-water mark of its buffer in **frames** (default 16, low-water mark
//! `max_queue // 4`, or a `(high, low)` tuple). With fragmented messages the
//! same number buffers less, and reading pauses sooner. `max_queue=None`
//! (no limit) is only accepted from 14.1.
//!
//! ## Example
//! ```python
//! websockets.connect(uri, max_queue=64)
//! ```
//! Check the value: `max_queue=64` now means 64 frames; raise it if messages
//! are fragmented.
//!
//! ## Fix safety
//! No fix: only the author knows the traffic. A review item.

use ferry_engine::{Checker, Rule};
use ferry_python::ast::Expr;
use ferry_python::Ranged;

use super::api::new_asyncio_call;

pub struct MaxQueueMeaning;

impl Rule for MaxQueueMeaning {
    fn code(&self) -> &'static str {
        "WS005"
    }

    fn name(&self) -> &'static str {
        "MaxQueueMeaning"
    }

    fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
        let Expr::Call(call) = expr else { return };
        let Some(keyword) = call.arguments.find_keyword("max_queue") else {
            return;
        };
        let Some((_, shown)) = new_asyncio_call(call, checker) else {
            return;
        };
        let Some(arg) = keyword.arg.as_ref() else {
            return;
        };
        checker.report(
            arg.range(),
            format!(
                "`{shown}` (new implementation) reads `max_queue` as a buffer size in frames (high-water mark; default 16), not a number of messages (legacy default 32): check the value, and raise it if messages are fragmented"
            ),
            None,
        );
    }
}
