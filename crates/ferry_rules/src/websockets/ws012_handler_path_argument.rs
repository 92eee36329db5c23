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

use ferry_engine::{Applicability, Checker, Edit, Fix, Rule};
use ferry_python::ast::{Expr, ModModule, StmtFunctionDef};
use ferry_python::{Ranged, TextRange};

use super::api::{
    all_calls, first_statement_after_docstring, line_ending, local_function, own_line_indent, parameter_is_used,
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
        let mut handlers: Vec<(&StmtFunctionDef, String)> = Vec::new();
        let mut seen = HashSet::new();
        let mut handler_uses = HashSet::new();
        for call in &calls {
            let Some(serve) = serve_call(call, checker) else { continue };
            if serve.only() != Some(Server::NewAsyncio) {
                continue;
            }
            let Some(handler) = serve.handler() else { continue };
            let Some(def) = local_function(handler, checker) else {
                check_indirect_handler(handler, serve.shown_name(), module, checker);
                continue;
            };
            handler_uses.insert(handler.range());
            if seen.insert(def.range) {
                handlers.push((def, serve.shown_name().to_string()));
            }
        }
        for (def, serve_name) in handlers {
            check_handler(def, &serve_name, &handler_uses, module, checker);
        }
    }
}

fn check_handler(
    def: &StmtFunctionDef,
    serve_name: &str,
    handler_uses: &HashSet<TextRange>,
    module: &ModModule,
    checker: &mut Checker<'_>,
) {
    let params = &def.parameters;
    let positional: Vec<_> = params.posonlyargs.iter().chain(params.args.iter()).collect();
    let [websocket, path] = positional.as_slice() else { return };
    if params.vararg.is_some() || params.kwarg.is_some() || !params.kwonlyargs.is_empty() {
        return;
    }
    if path.default.as_ref().is_some_and(|d| !d.is_none_literal_expr()) {
        return;
    }
    let name = def.name.as_str();
    let message = format!(
        "`{name}` is passed to `{serve_name}`, which calls it with the connection only; its `{}` parameter makes every connection fail with `TypeError: {name}() missing 1 required positional argument` (read `{}.request.path` instead)",
        path.parameter.name.as_str(),
        websocket.parameter.name.as_str(),
    );
    let mut edits = vec![Edit::deletion(TextRange::new(websocket.end(), path.end()))];
    if parameter_is_used(def, 1, checker) {
        let Some(first) = first_statement_after_docstring(&def.body) else { return };
        let Some(indent) = own_line_indent(checker.source, first.start()) else {
            checker.report(path.parameter.name.range(), message, None);
            return;
        };
        let binding = format!(
            "{} = {}.request.path{}{indent}",
            path.parameter.name.as_str(),
            websocket.parameter.name.as_str(),
            line_ending(checker.source)
        );
        edits.push(Edit::insertion(binding, first.start()));
    }
    let private = name.starts_with('_') || !is_module_level(def, module);
    let only_passed_to_serve = name_uses(name, module).iter().all(|r| handler_uses.contains(r));
    let applicability = if private && only_passed_to_serve {
        Applicability::Safe
    } else {
        Applicability::Unsafe
    };
    let fix = Fix {
        title: format!("Drop the `{}` parameter and read it from the connection", path.parameter.name.as_str()),
        edits,
        applicability,
    };
    checker.report(path.parameter.name.range(), message, Some(fix));
}

/// Handlers Ferry cannot rewrite safely, because other code may call them
/// with two arguments: `functools.partial(handler, ...)` and bound methods
/// `self.handle`. Reported when the underlying function, defined in this
/// file, still takes the path.
fn check_indirect_handler(handler: &Expr, serve_name: &str, module: &ModModule, checker: &mut Checker<'_>) {
    let (def, bound) = match handler {
        Expr::Call(call) => {
            let is_partial = matches!(checker.semantic.resolve_expr(&call.func), ferry_python::Resolution::One(q) if q.as_str() == "functools.partial");
            let Some(def) = call.arguments.args.first().filter(|_| is_partial).and_then(|f| local_function(f, checker)) else {
                return;
            };
            (def, call.arguments.args.len() - 1 + call.arguments.keywords.len())
        }
        Expr::Attribute(attr) if matches!(attr.value.as_ref(), Expr::Name(n) if n.id.as_str() == "self") => {
            let Some(def) = method_named(module, handler.start(), attr.attr.as_str()) else { return };
            (def, 1)
        }
        _ => return,
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

/// The method `name` of the class whose body holds `at`.
fn method_named<'a>(module: &'a ModModule, at: ferry_python::TextSize, name: &str) -> Option<&'a StmtFunctionDef> {
    use ferry_python::ast::Stmt;
    fn find<'a>(body: &'a [Stmt], at: ferry_python::TextSize, name: &str) -> Option<&'a StmtFunctionDef> {
        for stmt in body {
            match stmt {
                Stmt::ClassDef(class) if class.range.contains(at) => {
                    let direct = class.body.iter().find_map(|s| match s {
                        Stmt::FunctionDef(def) if def.name.as_str() == name => Some(def),
                        _ => None,
                    });
                    return find(&class.body, at, name).or(direct);
                }
                Stmt::FunctionDef(def) if def.range.contains(at) => return find(&def.body, at, name),
                _ => {}
            }
        }
        None
    }
    find(&module.body, at, name)
}

fn is_module_level(def: &StmtFunctionDef, module: &ModModule) -> bool {
    module.body.iter().any(|stmt| stmt.range() == def.range)
}

/// Ranges of every load of `name` in the module.
fn name_uses(name: &str, module: &ModModule) -> Vec<TextRange> {
    use ferry_python::ast::visitor::{self, Visitor};
    struct Uses<'n>(&'n str, Vec<TextRange>);
    impl<'a> Visitor<'a> for Uses<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Name(n) = expr {
                if n.id.as_str() == self.0 {
                    self.1.push(n.range);
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut uses = Uses(name, Vec::new());
    uses.visit_body(&module.body);
    uses.1
}
