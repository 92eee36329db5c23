//! A `select_subprotocol` function with the legacy `(client_subprotocols, server_subprotocols)` signature, passed to the new asyncio server.
//!
//! ## What it does
//! Finds functions defined in the file and passed as `select_subprotocol=` to
//! the new asyncio `serve` / `unix_serve` whose two parameters are not
//! `(connection, subprotocols)`.
//!
//! ## Why is this bad
//! The new server calls `select_subprotocol(connection, subprotocols)`: the
//! same number of arguments, so nothing fails; the legacy function silently
//! receives the `ServerConnection` where it expects the client's list, and the
//! client's list where it expects the server's. Default negotiation changed
//! too: a server with `subprotocols=` now rejects clients that offer none, and
//! picks the first server-side match.
//!
//! ## Example
//! ```python
//! def select(client_subprotocols, server_subprotocols):
//!     return "chat" if "chat" in client_subprotocols else None
//! ```
//! Use instead:
//! ```python
//! def select(connection, client_subprotocols):
//!     return "chat" if "chat" in client_subprotocols else None
//! ```
//!
//! ## Fix safety
//! When the function never reads its second (server) parameter, the fix makes
//! the signature `(connection, <first parameter>)`, so the body keeps its
//! names: unsafe, because the default negotiation around it changed. A
//! function that reads the server's list must be rewritten (the list is the
//! `subprotocols=` passed to `serve`): a review item.

use ferry_engine::{Applicability, Checker, Fix, Rule};
use ferry_python::ast::ModModule;
use ferry_python::Ranged;

use super::api::{new_serve_hooks, select_subprotocol_rewrite, HookRewrite};

pub struct SelectSubprotocolSignature;

impl Rule for SelectSubprotocolSignature {
    fn code(&self) -> &'static str {
        "WS014"
    }

    fn name(&self) -> &'static str {
        "SelectSubprotocolSignature"
    }

    fn check_module(&self, module: &ModModule, checker: &mut Checker<'_>) {
        for (def, serve_name) in new_serve_hooks(module, checker, "select_subprotocol") {
            let message = format!(
                "`{}` is passed as `select_subprotocol` to `{}`, which calls it with `(connection, subprotocols)`: as written it gets the connection as the client's list and the client's list as the server's",
                def.name, serve_name
            );
            match select_subprotocol_rewrite(def, false, checker) {
                HookRewrite::Unchanged | HookRewrite::OtherSignature => {}
                HookRewrite::Review(why) => {
                    checker.report(
                        def.name.range(),
                        format!("{message}; {why}: rewrite it"),
                        None,
                    );
                }
                HookRewrite::Rewrite(edits) => {
                    let fix = Fix {
                        title: "Take `(connection, client_subprotocols)`".to_string(),
                        edits,
                        applicability: Applicability::Unsafe,
                        requires: None,
                    };
                    checker.report(def.name.range(), message, Some(fix));
                }
            }
        }
    }
}
