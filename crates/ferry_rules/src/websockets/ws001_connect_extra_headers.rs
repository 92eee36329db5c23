//! `extra_headers=` passed to the new asyncio client (or the threading client), which takes `additional_headers=`.
//!
//! ## What it does
//! Finds the keyword `extra_headers=` in calls that reach `websockets.connect` /
//! `websockets.unix_connect` (when the project targets websockets >= 14),
//! `websockets.asyncio.client.connect` / `unix_connect`, or
//! `websockets.sync.client.connect` / `unix_connect`, through any import or alias,
//! including `functools.partial(connect, extra_headers=...)`.
//!
//! ## Why is this bad
//! From websockets 14.0, `websockets.connect` is the new asyncio client, whose
//! parameter is `additional_headers`. The call itself still succeeds; the
//! unknown keyword is forwarded to the event loop and fails only when the
//! connection is awaited or entered:
//! `TypeError: BaseEventLoop.create_connection() got an unexpected keyword argument 'extra_headers'`.
//! The threading client never accepted `extra_headers` and fails at once with
//! `TypeError: create_connection() got an unexpected keyword argument 'extra_headers'`.
//!
//! Calls that reach the legacy client (`websockets.legacy.client.connect`,
//! `websockets.client.connect`, or `websockets.connect` on a project pinned
//! below 14) are correct as written and are not reported: renaming the keyword
//! there would cause the same `TypeError` in reverse.
//!
//! ## Example
//! ```python
//! import websockets
//! async with websockets.connect(uri, extra_headers={"Authorization": token}) as ws:
//!     ...
//! ```
//! Use instead:
//! ```python
//! import websockets
//! async with websockets.connect(uri, additional_headers={"Authorization": token}) as ws:
//!     ...
//! ```
//!
//! ## Fix safety
//! Safe: only the keyword's name changes; both implementations accept the same
//! header types and merge them with `User-Agent` the same way. When the call
//! also spreads `**keywords`, they may already hold `additional_headers`, so the
//! rename is only offered as an unsafe fix. When the call
//! also passes `additional_headers=`, or when the callee may be either the
//! legacy or the new client (conditional imports), there is no fix and the
//! finding is a review item.

use ferry_engine::{Checker, Release, Rule};
use ferry_python::ast::Expr;
use ferry_python::Ranged;

use super::api::{client_call, rename_unless_spread, Client};

pub struct ConnectExtraHeaders;

impl Rule for ConnectExtraHeaders {
    fn code(&self) -> &'static str {
        "WS001"
    }

    fn name(&self) -> &'static str {
        "ConnectExtraHeaders"
    }

    /// The threading client never took `extra_headers`, and the
    /// `websockets.asyncio` client never did either; top-level `connect`
    /// resolves to the legacy client below 14.0 and is not reported there.
    fn applies_from(&self) -> Option<Release> {
        Some(Release::new(0, 0))
    }

    fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
        let Expr::Call(call) = expr else { return };
        let Some(old) = call.arguments.find_keyword("extra_headers") else {
            return;
        };
        let Some(client) = client_call(call, checker) else {
            return;
        };
        let Some(arg) = old.arg.as_ref() else { return };
        let name = client.shown_name().to_string();
        match client.only() {
            Some(Client::Legacy) => {}
            Some(implementation) => {
                let message = match implementation {
                    Client::Sync => format!(
                        "`{name}` (threading client) takes `additional_headers`; `extra_headers` raises `TypeError` when it connects"
                    ),
                    _ => format!(
                        "`{name}` is the new asyncio client, which takes `additional_headers`; `extra_headers` raises `TypeError` when the connection opens"
                    ),
                };
                if client.keyword("additional_headers").is_some() {
                    checker.report(
                        arg.range(),
                        format!("{message}, and this call already passes `additional_headers`: merge the two by hand"),
                        None,
                    );
                } else {
                    let (mut fix, message) =
                        rename_unless_spread(call, arg, "additional_headers", message);
                    fix.requires = client.requires();
                    checker.report(arg.range(), message, Some(fix));
                }
            }
            None => {
                let message = format!(
                    "`extra_headers` is right for the legacy client but raises `TypeError` on the new one, and this callee may be {}: make the import unconditional, then use the keyword that implementation takes",
                    client.candidates()
                );
                checker.report(arg.range(), message, None);
            }
        }
    }
}
