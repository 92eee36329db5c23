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
//! Where the call is handed to `loop.run_until_complete(...)` (directly, or
//! through a name assigned the call), an unsafe fix makes the call from a
//! coroutine: a module-level `async def _start_server_in_loop(*args,
//! **kwargs): return await websockets.serve(*args, **kwargs)` replaces the
//! callee, so `run_until_complete` runs it with the loop running and gets the
//! server back, as before. Unsafe: the server object is the new `Server`,
//! and `asyncio.get_event_loop()` itself is deprecated outside a running
//! loop. Elsewhere no fix: the start-up has to be restructured (the message
//! gives the shape), and what else runs on that loop is the author's to
//! decide.

use ferry_engine::{Applicability, Checker, Edit, Fix, Rule};
use ferry_python::ast::{Expr, ExprCall, ModModule, Stmt};
use ferry_python::{BindingKind, Origin, Ranged, Resolution};

use super::api::{call_places, line_ending, new_import_position, serve_call, CallPlace, Server};

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
            .filter(|(_, place)| matches!(place, CallPlace::PlainFunction | CallPlace::ModuleLevel))
            .filter_map(|(call, _)| {
                let Expr::Attribute(attr) = call.func.as_ref() else {
                    return None;
                };
                (attr.attr.as_str() == "run_until_complete").then_some(*call)
            })
            .collect();
        for (call, place) in &places {
            let handed_to_runner = run_until_complete
                .iter()
                .any(|runner| runs(runner, call, checker));
            let in_plain_function = *place == CallPlace::PlainFunction && handed_to_runner;
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
            let message = format!(
                "`{name}` (new implementation) {where_}: it fails with `RuntimeError: no running event loop`; move it into `async def main(): async with {name}(...) as server: await server.serve_forever()` and start with `asyncio.run(main())`"
            );
            // Handed to `run_until_complete`, the call can be made inside
            // the loop by a coroutine that makes it: the loop is running there.
            let fix = handed_to_runner
                .then(|| start_in_loop_fix(call, module, checker))
                .flatten();
            checker.report(call.func.range(), message, fix);
        }
    }
}

/// The helper the fix defines once per module.
const HELPER: &str = "_start_server_in_loop";

/// `loop.run_until_complete(websockets.serve(...))` →
/// `loop.run_until_complete(_start_server_in_loop(...))`, with a module-level
/// `async def _start_server_in_loop(*args, **kwargs): return await
/// websockets.serve(*args, **kwargs)`: `run_until_complete` runs the
/// coroutine, so `serve` is called with the loop running, and returns the
/// server as the legacy call did. `None` when the callee cannot be spelled
/// at module level or the helper's name is taken.
fn start_in_loop_fix(call: &ExprCall, module: &ModModule, checker: &Checker<'_>) -> Option<Fix> {
    let callee = checker.text(call.func.range());
    let end = module.range.end();
    let at_module_level = checker.semantic.resolve_expr(&call.func);
    let Resolution::One(wanted) = at_module_level else {
        return None;
    };
    // The callee must mean the same thing at the end of the module, where the helper reads it.
    let root = callee.split('.').next()?;
    let root_there = checker.semantic.resolve_name(root, end);
    let spelled_there = root_there.candidates().len() == 1
        && wanted
            .as_str()
            .starts_with(root_there.candidates()[0].as_str());
    if !spelled_there {
        return None;
    }
    let mut edits = vec![Edit::replacement(HELPER, call.func.range())];
    let defined = module.body.iter().any(|stmt| {
        matches!(stmt, Stmt::FunctionDef(def) if def.name.as_str() == HELPER && def.is_async)
    });
    if !defined {
        if !checker.semantic.reaching(HELPER, end).is_empty() {
            return None;
        }
        let eol = line_ending(checker.source);
        let helper = format!(
            "{eol}{eol}async def {HELPER}(*args, **kwargs):{eol}    # websockets >= 14: `serve` must be called with the event loop running.{eol}    return await {callee}(*args, **kwargs){eol}"
        );
        edits.push(Edit::insertion(
            helper,
            new_import_position(module, checker.source),
        ));
    }
    Some(Fix {
        title: "Call `serve` from a coroutine that `run_until_complete` runs".to_string(),
        edits,
        applicability: Applicability::Unsafe,
        requires: None,
    })
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
