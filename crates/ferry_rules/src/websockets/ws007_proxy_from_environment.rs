//! The new asyncio client, from websockets 15, connects through proxies from the environment (opt-in rule).
//!
//! ## What it does
//! Finds calls to the new asyncio client's `connect` that do not pass
//! `proxy=`, when the project targets websockets >= 15. Opt-in: it runs only
//! with `--select WS007`, since most services want the new default.
//!
//! ## Why is this bad
//! The legacy client never used proxies. From 15.0 the new one reads
//! `ws_proxy` / `wss_proxy`, `socks_proxy`, `https_proxy` and `http_proxy`
//! (honouring `no_proxy`), so a service deployed where those are set for other
//! traffic now sends its websocket connections through them, or fails to
//! connect (`ConnectionRefusedError` to the proxy) where the proxy does not
//! tunnel.
//!
//! ## Example
//! ```python
//! async with websockets.connect("ws://internal-gateway:8765/") as ws:
//! ```
//! To keep connecting directly, as before:
//! ```python
//! async with websockets.connect("ws://internal-gateway:8765/", proxy=None) as ws:
//! ```
//!
//! ## Fix safety
//! Unsafe: `proxy=None` keeps the legacy behaviour, but it is a `TypeError` on
//! websockets 14.x, so the project must require websockets >= 15, and some
//! deployments do want the proxy.

use ferry_engine::{Applicability, Checker, Edit, Fix, Release, Rule};
use ferry_python::ast::Expr;
use ferry_python::Ranged;

use super::api::{client_call, Client};

pub struct ProxyFromEnvironment;

impl Rule for ProxyFromEnvironment {
    fn code(&self) -> &'static str {
        "WS007"
    }

    fn name(&self) -> &'static str {
        "ProxyFromEnvironment"
    }

    fn default_enabled(&self) -> bool {
        false
    }

    fn applies_from(&self) -> Option<Release> {
        Some(super::facts::PROXY_KEYWORD.since)
    }

    fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
        let Expr::Call(call) = expr else { return };
        let Some(client) = client_call(call, checker) else {
            return;
        };
        if client.only() != Some(Client::NewAsyncio) || client.keyword("proxy").is_some() {
            return;
        }
        // A `**mapping` may already carry `proxy`.
        if call.arguments.keywords.iter().any(|k| k.arg.is_none()) {
            return;
        }
        let last_end = call
            .arguments
            .args
            .iter()
            .map(Ranged::end)
            .chain(call.arguments.keywords.iter().map(Ranged::end))
            .max();
        let Some(last_end) = last_end else { return };
        let fix = Fix {
            title: "Pass `proxy=None` to connect directly".to_string(),
            edits: vec![Edit::insertion(", proxy=None", last_end)],
            applicability: Applicability::Unsafe,
            requires: Some(super::facts::PROXY_KEYWORD.since),
        };
        checker.report(
            call.func.range(),
            format!(
                "`{}` (new client, websockets >= 15) connects through HTTP/SOCKS proxies from the environment; the legacy client never did: pass `proxy=None` to keep connecting directly (requires websockets >= 15)",
                client.shown_name()
            ),
            Some(fix),
        );
    }
}
