//! The new asyncio `serve(...)` called outside a running event loop (module-level start-up with `run_until_complete`).
//!
//! ## What it does
//! Finds calls that reach the new asyncio `serve` / `unix_serve` made at
//! module level (or in a class body), outside any function: the start-up of
//! countless tutorials:
//! `start_server = websockets.serve(handler, host, port)` followed by
//! `asyncio.get_event_loop().run_until_complete(start_server)` and `run_forever()`.
//!
//! ## Why is this bad
//! The new `serve()` needs a running event loop when it is called and fails at
//! once with `RuntimeError: no running event loop` (14.0 to 17.x). The legacy
//! one worked there but calls `asyncio.get_event_loop()`, which warns on
//! Python 3.12 and 3.13 and raises `RuntimeError` on Python 3.14.
//!
//! ## Example
//! ```python
//! start_server = websockets.serve(handler, "127.0.0.1", 8765)
//! asyncio.get_event_loop().run_until_complete(start_server)
//! asyncio.get_event_loop().run_forever()
//! ```
//! Use instead:
//! ```python
//! async def main():
//!     async with websockets.serve(handler, "127.0.0.1", 8765) as server:
//!         await server.serve_forever()
//!
//! asyncio.run(main())
//! ```
//!
//! A call inside a plain `def` is not reported: that function may well be
//! called from a coroutine, where a loop runs.
//!
//! ## Fix safety
//! No fix: the start-up has to be restructured (the message gives the shape),
//! and what else runs on that loop is the author's to decide.

use ferry_engine::{Checker, Rule};
use ferry_python::ast::ModModule;
use ferry_python::Ranged;

use super::api::{call_places, serve_call, CallPlace, Server};

pub struct ServeOutsideLoop;

impl Rule for ServeOutsideLoop {
    fn code(&self) -> &'static str {
        "WS015"
    }

    fn name(&self) -> &'static str {
        "ServeOutsideLoop"
    }

    fn check_module(&self, module: &ModModule, checker: &mut Checker<'_>) {
        for (call, place) in call_places(module) {
            if place != CallPlace::ModuleLevel {
                continue;
            }
            let Some(serve) = serve_call(call, checker) else {
                continue;
            };
            if serve.only() != Some(Server::NewAsyncio) {
                continue;
            }
            let name = serve.shown_name().to_string();
            checker.report(
                call.func.range(),
                format!(
                    "`{name}` (new implementation) is called at module level, where no event loop runs: it fails with `RuntimeError: no running event loop`; move it into `async def main(): async with {name}(...) as server: await server.serve_forever()` and start with `asyncio.run(main())`"
                ),
                None,
            );
        }
    }
}
