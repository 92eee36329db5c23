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
//! A call inside a plain `def` is reported only where that function hands
//! the result to `loop.run_until_complete(...)` (directly, or through a name
//! assigned the call): `run_until_complete` itself refuses a running loop,
//! so none runs there. Elsewhere a plain `def` may well be called from a
//! coroutine, where a loop runs, and is not reported.
//!
//! ## Fix safety
//! No fix: the start-up has to be restructured (the message gives the shape),
//! and what else runs on that loop is the author's to decide.

use ferry_engine::{Checker, Rule};
use ferry_python::ast::{Expr, ExprCall, ModModule};
use ferry_python::{BindingKind, Origin, Ranged};

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
        let places = call_places(module);
        let run_until_complete: Vec<&ExprCall> = places
            .iter()
            .filter(|(_, place)| *place == CallPlace::PlainFunction)
            .filter_map(|(call, _)| {
                let Expr::Attribute(attr) = call.func.as_ref() else {
                    return None;
                };
                (attr.attr.as_str() == "run_until_complete").then_some(*call)
            })
            .collect();
        for (call, place) in &places {
            let in_plain_function = *place == CallPlace::PlainFunction
                && run_until_complete
                    .iter()
                    .any(|runner| runs(runner, call, checker));
            if *place != CallPlace::ModuleLevel && !in_plain_function {
                continue;
            }
            let Some(serve) = serve_call(call, checker) else {
                continue;
            };
            if serve.only() != Some(Server::NewAsyncio) {
                continue;
            }
            let name = serve.shown_name().to_string();
            let where_ = if in_plain_function {
                "is called in a plain function that hands it to `run_until_complete`, so no event loop runs there"
            } else {
                "is called at module level, where no event loop runs"
            };
            checker.report(
                call.func.range(),
                format!(
                    "`{name}` (new implementation) {where_}: it fails with `RuntimeError: no running event loop`; move it into `async def main(): async with {name}(...) as server: await server.serve_forever()` and start with `asyncio.run(main())`"
                ),
                None,
            );
        }
    }
}

/// Whether `runner` (`loop.run_until_complete(x)`) runs `call`: passed
/// directly, or through a name assigned nothing but `call`.
fn runs(runner: &ExprCall, call: &ExprCall, checker: &Checker<'_>) -> bool {
    let Some(argument) = runner.arguments.args.first() else {
        return false;
    };
    match argument {
        Expr::Call(direct) => direct.range() == call.range(),
        Expr::Name(name) => matches!(
            checker.semantic.reaching(name.id.as_str(), name.start()).as_slice(),
            [BindingKind::Opaque(Origin::Assign { value: Expr::Call(assigned) })] if assigned.range() == call.range()
        ),
        _ => false,
    }
}
