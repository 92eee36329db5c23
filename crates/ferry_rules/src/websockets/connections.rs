//! Which expressions are connections of the new asyncio implementation.
//!
//! Attribute rewrites such as `ws.open` → `ws.state is State.OPEN` are only
//! right on a websockets connection, and `.path` is far too common a name to
//! guess, so a receiver counts only when its binding says so:
//!
//! * `async with connect(...) as ws`, `ws = await connect(...)`,
//!   `async for ws in connect(...)` with the new client;
//! * the first parameter of a function passed as handler to the new `serve`;
//! * a parameter annotated with a new connection class;
//! * a parameter of a private or nested function that every call in the file
//!   passes a connection at that position;
//! * `self.name` in a class whose methods only ever assign
//!   `self.name = await connect(...)` (or `None`).

use std::collections::HashMap;

use ferry_engine::Checker;
use ferry_python::ast::visitor::{self, Visitor};
use ferry_python::ast::{Expr, ExprCall, ModModule, Stmt, StmtClassDef, StmtFunctionDef};
use ferry_python::{BindingKind, Origin, Ranged, TextRange};

use super::api::{all_calls, client_call, local_function, serve_call, Client, Server};

/// Which end of the connection the code holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Client,
    Server,
}

/// What Ferry knows about a receiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// A connection of the new asyncio implementation.
    New(Side),
    /// A connection of the legacy implementation: its attributes are right as they are.
    Legacy,
}

/// How deep "this parameter is a connection because every caller passes one" recurses.
const MAX_DEPTH: usize = 4;

#[derive(Default)]
pub struct Connections<'a> {
    /// Functions passed as the handler of a `serve`, and which implementation.
    handlers: Vec<(&'a StmtFunctionDef, Known)>,
    /// Every call of a function defined in this file, by the function's range.
    calls_of: HashMap<TextRange, Vec<&'a ExprCall>>,
    /// Loads of each local function's name that are not calls (it escapes).
    escapes: Vec<TextRange>,
    /// `(class range, attribute)` → whether every assignment is a new connection.
    self_attributes: HashMap<(TextRange, String), bool>,
    classes: Vec<&'a StmtClassDef>,
}

impl<'a> Connections<'a> {
    pub fn new(module: &'a ModModule, checker: &Checker<'a>) -> Self {
        if !super::PACK.is_imported_in(checker.semantic) {
            // Every proof starts at a `connect`, a `serve` or an annotation
            // that only an import of websockets can name: nothing is known.
            return Self::default();
        }
        let mut handlers = Vec::new();
        let mut calls_of: HashMap<TextRange, Vec<&'a ExprCall>> = HashMap::new();
        let mut callee_ranges = Vec::new();
        for call in all_calls(module) {
            if let Some(def) = local_function(&call.func, checker) {
                calls_of.entry(def.range).or_default().push(call);
                callee_ranges.push(call.func.range());
            }
            if let Some(serve) = serve_call(call, checker) {
                let known = match serve.only() {
                    Some(Server::NewAsyncio) => Some(Known::New(Side::Server)),
                    Some(Server::Legacy) => Some(Known::Legacy),
                    _ => None,
                };
                if let (Some(known), Some(def)) = (
                    known,
                    serve.handler().and_then(|h| local_function(h, checker)),
                ) {
                    handlers.push((def, known));
                }
            }
        }
        let mut walker = ModuleWalker {
            checker,
            classes: Vec::new(),
            class_stack: Vec::new(),
            self_attributes: HashMap::new(),
            function_loads: Vec::new(),
        };
        walker.visit_body(&module.body);
        let escapes = walker
            .function_loads
            .into_iter()
            .filter(|r| !callee_ranges.contains(r))
            .collect();
        Self {
            handlers,
            calls_of,
            escapes,
            self_attributes: walker.self_attributes,
            classes: walker.classes,
        }
    }

    /// What `expr` is known to be: a new connection (and which side), a legacy one, or `None`.
    pub fn known(&self, expr: &Expr, checker: &Checker<'a>) -> Option<Known> {
        self.side_at_depth(expr, checker, 0)
    }

    fn side_at_depth(&self, expr: &Expr, checker: &Checker<'a>, depth: usize) -> Option<Known> {
        if depth > MAX_DEPTH {
            return None;
        }
        match expr {
            Expr::Name(name) => {
                let bindings = checker.semantic.reaching(name.id.as_str(), name.start());
                let mut side = None;
                for binding in &bindings {
                    let BindingKind::Opaque(origin) = binding else {
                        return None;
                    };
                    let this = self.side_of_origin(origin, checker, depth)?;
                    if side.is_some_and(|s| s != this) {
                        return None;
                    }
                    side = Some(this);
                }
                side
            }
            Expr::Attribute(attr) => {
                let Expr::Name(receiver) = attr.value.as_ref() else {
                    return None;
                };
                if receiver.id.as_str() != "self" {
                    return None;
                }
                let class = self
                    .classes
                    .iter()
                    .filter(|c| c.range.contains(expr.start()))
                    .min_by_key(|c| c.range.len())?;
                let key = (class.range, attr.attr.to_string());
                self.self_attributes
                    .get(&key)
                    .copied()
                    .unwrap_or(false)
                    .then_some(Known::New(Side::Client))
            }
            _ => None,
        }
    }

    fn side_of_origin(
        &self,
        origin: &Origin<'a>,
        checker: &Checker<'a>,
        depth: usize,
    ) -> Option<Known> {
        match origin {
            Origin::WithItem {
                context: Expr::Call(call),
            } => new_client_call(call, checker),
            Origin::Assign {
                value: Expr::Await(awaited),
            } => match awaited.value.as_ref() {
                Expr::Call(call) => new_client_call(call, checker),
                _ => None,
            },
            Origin::ForTarget {
                iter: Expr::Call(call),
                is_async: true,
            } => new_client_call(call, checker),
            Origin::Parameter {
                function,
                index,
                annotation,
            } => {
                // The `serve` a handler is passed to decides, whatever its
                // annotation says (it may have been rewritten already).
                if *index == 0 {
                    if let Some((_, known)) = self
                        .handlers
                        .iter()
                        .find(|(h, _)| std::ptr::eq(*h, *function))
                    {
                        return Some(*known);
                    }
                }
                if let Some(known) = annotation.and_then(|a| annotated_side(a, checker)) {
                    return Some(known);
                }
                self.side_from_callers(function, *index, checker, depth)
            }
            _ => None,
        }
    }

    /// A private helper's parameter is a connection if every call in the file passes one.
    fn side_from_callers(
        &self,
        function: &StmtFunctionDef,
        index: usize,
        checker: &Checker<'a>,
        depth: usize,
    ) -> Option<Known> {
        if !function.name.as_str().starts_with('_') {
            return None;
        }
        let calls = self.calls_of.get(&function.range)?;
        let escapes = self.escapes.iter().any(|r| {
            let name = checker.text(*r);
            name == function.name.as_str()
        });
        if escapes || calls.is_empty() {
            return None;
        }
        let mut side = None;
        for call in calls {
            if call.arguments.args.iter().any(Expr::is_starred_expr) {
                return None;
            }
            let param_name = function.parameters.iter().nth(index)?.name().as_str();
            let argument = call
                .arguments
                .args
                .get(index)
                .or_else(|| call.arguments.find_keyword(param_name).map(|k| &k.value))?;
            let this = self.side_at_depth(argument, checker, depth + 1)?;
            if side.is_some_and(|s| s != this) {
                return None;
            }
            side = Some(this);
        }
        side
    }
}

fn new_client_call(call: &ExprCall, checker: &Checker<'_>) -> Option<Known> {
    match client_call(call, checker)?.only()? {
        Client::NewAsyncio => Some(Known::New(Side::Client)),
        Client::Legacy => Some(Known::Legacy),
        Client::Sync => None,
    }
}

fn annotated_side(annotation: &Expr, checker: &Checker<'_>) -> Option<Known> {
    let resolution = checker.semantic.resolve_expr(annotation);
    let [name] = resolution.candidates() else {
        return None;
    };
    match name.as_str() {
        "websockets.asyncio.client.ClientConnection" | "websockets.ClientConnection" => {
            Some(Known::New(Side::Client))
        }
        "websockets.asyncio.server.ServerConnection" | "websockets.ServerConnection" => {
            Some(Known::New(Side::Server))
        }
        // The legacy classes by their own modules (not the top-level
        // aliases, which code written for 14+ may still spell).
        name if name.starts_with("websockets.legacy.")
            || matches!(
                name,
                "websockets.client.WebSocketClientProtocol"
                    | "websockets.server.WebSocketServerProtocol"
            ) =>
        {
            Some(Known::Legacy)
        }
        _ => None,
    }
}

/// Collects classes, `self.x = ...` assignments, and loads of local function names.
struct ModuleWalker<'c, 'a> {
    checker: &'c Checker<'a>,
    classes: Vec<&'a StmtClassDef>,
    class_stack: Vec<TextRange>,
    self_attributes: HashMap<(TextRange, String), bool>,
    function_loads: Vec<TextRange>,
}

impl<'a> Visitor<'a> for ModuleWalker<'_, 'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::ClassDef(class) => {
                self.classes.push(class);
                self.class_stack.push(class.range);
                visitor::walk_stmt(self, stmt);
                self.class_stack.pop();
                return;
            }
            Stmt::Assign(assign) => {
                if let Some(&class) = self.class_stack.last() {
                    for target in &assign.targets {
                        if let Expr::Attribute(attr) = target {
                            if matches!(attr.value.as_ref(), Expr::Name(n) if n.id.as_str() == "self")
                            {
                                let is_connection = match assign.value.as_ref() {
                                    Expr::NoneLiteral(_) => None,
                                    Expr::Await(awaited) => Some(matches!(
                                        awaited.value.as_ref(),
                                        Expr::Call(call) if matches!(new_client_call(call, self.checker), Some(Known::New(_)))
                                    )),
                                    _ => Some(false),
                                };
                                if let Some(is_connection) = is_connection {
                                    let entry = self
                                        .self_attributes
                                        .entry((class, attr.attr.to_string()))
                                        .or_insert(true);
                                    *entry &= is_connection;
                                }
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Name(name) = expr {
            if local_function(expr, self.checker).is_some() {
                self.function_loads.push(name.range);
            }
        }
        visitor::walk_expr(self, expr);
    }
}
