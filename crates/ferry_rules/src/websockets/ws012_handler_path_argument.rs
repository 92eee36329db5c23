//! A connection handler with the legacy `(websocket, path)` signature, passed to the new asyncio server.
//!
//! ## What it does
//! Finds functions defined in the file and passed as the handler of the new
//! asyncio `serve` / `unix_serve` (first argument, `handler=` or `ws_handler=`)
//! whose signature still takes the request path as a second parameter.
//!
//! ## Why is this bad
//! The new server calls the handler with the connection only. Nothing fails
//! when the server starts; every connection then fails in the handler with
//! `TypeError: handler() missing 1 required positional argument: 'path'`,
//! logged as "connection handler failed", and the client is closed with code
//! 1011 (internal error). The path is now `websocket.request.path`.
//!
//! ## Example
//! ```python
//! async def handler(websocket, path):
//!     await websocket.send(f"you asked for {path}")
//!
//! websockets.serve(handler, "127.0.0.1", 8765)
//! ```
//! Use instead:
//! ```python
//! async def handler(websocket):
//!     path = websocket.request.path
//!     await websocket.send(f"you asked for {path}")
//! ```
//!
//! A handler passed as `functools.partial(handler, state)` or as a bound
//! method `self.handle` is reported without a fix when its function, defined
//! in the file, still takes the path: other code may call it with two arguments.
//!
//! ## Fix safety
//! The fix removes the `path` parameter (and a `path=None` default) and, when
//! the body reads `path`, binds it from `websocket.request.path` on the first
//! line of the body. It is safe when nothing else can call the handler with two
//! arguments: the function is private (`_name`) or nested, and the file uses
//! its name only to pass it to `serve`. Otherwise another module may call it
//! directly, so the fix is unsafe. A handler whose body starts on the `def`
//! line gets no fix.

use std::collections::HashSet;

use ferry_engine::{Applicability, Checker, Fix, Release, Rule};
use ferry_python::ast::{Expr, ModModule, StmtFunctionDef};
use ferry_python::{Ranged, TextRange};

use super::api::{
    all_calls, indirect_handler, is_module_level, legacy_path_handler, local_function, name_uses,
    serve_call, Server,
};

pub struct HandlerPathArgument;

impl Rule for HandlerPathArgument {
    fn code(&self) -> &'static str {
        "WS012"
    }

    fn name(&self) -> &'static str {
        "HandlerPathArgument"
    }

    fn check_module(&self, module: &ModModule, checker: &mut Checker<'_>) {
        let calls = all_calls(module);
        let mut handlers: Vec<(&StmtFunctionDef, String, Option<Release>)> = Vec::new();
        let mut seen = HashSet::new();
        let mut handler_uses = HashSet::new();
        for call in &calls {
            let Some(serve) = serve_call(call, checker) else {
                continue;
            };
            if serve.only() != Some(Server::NewAsyncio) {
                continue;
            }
            let Some(handler) = serve.handler() else {
                continue;
            };
            let Some(def) = local_function(handler, checker) else {
                check_indirect_handler(handler, serve.shown_name(), module, checker);
                continue;
            };
            handler_uses.insert(handler.range());
            if seen.insert(def.range) {
                handlers.push((def, serve.shown_name().to_string(), serve.requires()));
            }
        }
        for (def, serve_name, requires) in handlers {
            check_handler(def, &serve_name, requires, &handler_uses, module, checker);
        }
    }
}

fn check_handler(
    def: &StmtFunctionDef,
    serve_name: &str,
    requires: Option<Release>,
    handler_uses: &HashSet<TextRange>,
    module: &ModModule,
    checker: &mut Checker<'_>,
) {
    let Some(legacy) = legacy_path_handler(def, 0, checker) else {
        return;
    };
    let name = def.name.as_str();
    let message = format!(
        "`{name}` is passed to `{serve_name}`, which calls it with the connection only; its `{}` parameter makes every connection fail with `TypeError: {name}() missing 1 required positional argument` (read `{}.request.path` instead)",
        legacy.path.parameter.name.as_str(),
        legacy.websocket.parameter.name.as_str(),
    );
    let Some(edits) = legacy.edits else {
        checker.report(legacy.path.parameter.name.range(), message, None);
        return;
    };
    let private = name.starts_with('_') || !is_module_level(def, module);
    let only_passed_to_serve = name_uses(name, module)
        .iter()
        .all(|r| handler_uses.contains(r));
    let applicability = if private && only_passed_to_serve {
        Applicability::Safe
    } else {
        Applicability::Unsafe
    };
    let fix = Fix {
        title: format!(
            "Drop the `{}` parameter and read it from the connection",
            legacy.path.parameter.name.as_str()
        ),
        edits,
        applicability,
        requires,
    };
    checker.report(legacy.path.parameter.name.range(), message, Some(fix));
}

/// Handlers Ferry cannot rewrite safely, because other code may call them
/// with two arguments: `functools.partial(handler, ...)` and bound methods
/// `self.handle`. Reported when the underlying function, defined in this
/// file, still takes the path.
fn check_indirect_handler(
    handler: &Expr,
    serve_name: &str,
    module: &ModModule,
    checker: &mut Checker<'_>,
) {
    let Some((def, bound)) = indirect_handler(handler, module, checker) else {
        return;
    };
    let params = &def.parameters;
    let positional = params.posonlyargs.len() + params.args.len();
    if params.vararg.is_some() || positional.saturating_sub(bound) != 2 {
        return;
    }
    checker.report(
        handler.range(),
        format!(
            "`{}` is the handler of `{serve_name}` through a partial or a bound method and still takes the path: the new server passes only the connection (`TypeError: ... missing 1 required positional argument`); drop the path parameter and read `websocket.request.path`, after checking the other callers",
            def.name
        ),
        None,
    );
}
