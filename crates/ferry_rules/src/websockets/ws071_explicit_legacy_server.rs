//! Explicit uses of the legacy server (`websockets.legacy.server.serve`, `websockets.server.serve`, `unix_serve`), moved to the new asyncio server with their handler, hooks and keywords (opt-in rule).
//!
//! ## What it does
//! Finds calls to the legacy `serve` / `unix_serve` reached through an
//! explicit legacy path: `websockets.legacy.server`, or the deprecated
//! `websockets.server` aliases, imported by name (`from ... import serve as
//! s`), as a module (`import websockets.legacy.server as wls`, `from
//! websockets import server`) or spelled out from the package. Opt-in: it
//! runs only with `--select WS071` (use `--select WS,WS071` so the other
//! rules follow the moved server), because explicit legacy calls still work
//! (until the legacy package is removed, announced for 2030) and some are
//! kept on purpose.
//!
//! ## Why is this bad
//! The legacy package is deprecated since websockets 14 (a
//! `DeprecationWarning` on import, and another for every `(websocket, path)`
//! handler) and will be removed. The new server is not a drop-in
//! replacement, so the import cannot move alone: a `(websocket, path)`
//! handler then fails on every connection with
//! `TypeError: handler() missing 1 required positional argument: 'path'`
//! (the client sees close code 1011); `extra_headers=`, `create_protocol=`,
//! `timeout=`, `loop=` or `read_limit=` stop the server from starting with
//! `TypeError: ... unexpected keyword argument`; a legacy
//! `process_request(path, request_headers)` makes every handshake fail
//! (HTTP 500, or `InvalidMessage` when it returns a tuple); a legacy
//! `select_subprotocol(client_subprotocols, server_subprotocols)` silently
//! gets the connection as its first argument.
//!
//! ## Example
//! ```python
//! from websockets.legacy.server import serve
//!
//! async def handler(websocket, path):
//!     await websocket.send(path)
//!
//! async def check(path, request_headers):
//!     if path == "/healthz":
//!         return (200, [], b"ok\n")
//!
//! async def main():
//!     async with serve(handler, host, port, extra_headers={"X-Server": "chat"}, process_request=check, timeout=5):
//!         ...
//! ```
//! Use instead:
//! ```python
//! from websockets.asyncio.server import serve
//!
//! async def handler(websocket):
//!     path = websocket.request.path
//!     await websocket.send(path)
//!
//! async def check(connection, request):
//!     path = request.path
//!     if path == "/healthz":
//!         return connection.respond(200, "ok\n")
//!
//! async def main():
//!     async with serve(handler, host, port, process_response=lambda connection, request, response: response.headers.update({"X-Server": "chat"}), process_request=check, close_timeout=5):
//!         ...
//! ```
//! The same import line may bring `WebSocketServerProtocol` (now
//! `ServerConnection`), `WebSocketServer` (now `Server`) and `broadcast`: they
//! move with it, and their uses are renamed.
//!
//! ## Fix safety
//! One fix per import rewrites the import and, in every call through it, the
//! handler, the hooks and the keywords, reusing the rewrites of WS010–WS017.
//! (Calls spelled out from the package move together and need
//! `import websockets.asyncio.server`: a lone `import websockets.legacy.server`
//! that nothing else needs becomes it, else it is added.) A
//! `(websocket, path)` handler defined in the file
//! (directly, through `functools.partial(f, ...)` or as `self.method`) drops
//! `path` and reads `websocket.request.path`; `extra_headers` becomes a
//! `process_response` hook or `server_header`; `process_request` returns
//! `connection.respond(...)`; `select_subprotocol` takes
//! `(connection, client_subprotocols)`; `ws_handler=` becomes `handler=`,
//! `timeout=` `close_timeout=`; `loop=`, `read_limit=`, `legacy_recv=False`
//! and `close_timeout=None` (10 seconds on the legacy server, no timeout on
//! the new one) go; `origins=[""]` becomes `[None]`. A handler with a `path=None`
//! default is left as it is: the legacy server already called it with the
//! connection only. The fix is unsafe: the connections become
//! `ServerConnection`s, whose legacy attributes (`.path`, `.request_headers`,
//! `.open`) WS020 rewrites (or reports) on the next round when it is selected too; its
//! message lists what else to check (public handlers other modules may call
//! with the path, `max_queue` counting frames, `subprotocols=` negotiation).
//!
//! Nothing is changed, and each obstacle is a review item saying what to do
//! and what fails otherwise, when a call passes `create_protocol=`/`klass=`,
//! `*args`/`**kwargs` or `legacy_recv=True`; runs at module level (the new
//! `serve` needs a running event loop); has a handler or hook that is not
//! defined in the file, is used elsewhere in it, or cannot be rewritten; or
//! when the import brings other names, the imported name is used other than
//! as a call, or a legacy `broadcast` elsewhere in the file would get the new
//! connections.

use std::collections::{HashMap, HashSet};

use ferry_engine::{Applicability, Checker, Edit, Fix, Rule};
use ferry_python::ast::visitor::{self, Visitor};
use ferry_python::ast::{
    Arguments, Expr, ExprAttribute, ExprCall, ExprContext, Keyword, ModModule, Stmt,
    StmtFunctionDef,
};
use ferry_python::{BindingKind, Ranged, Resolution, TextRange, TextSize};

use super::api::{
    call_places, chain_import, chain_root, empty_origins, is_module_level, legacy_path_handler,
    local_function, method_named, name_uses, process_request_rewrite, protocol_class_advice,
    select_subprotocol_rewrite, serve_call, server_extra_headers, CallPlace, ChainImport,
    HookRewrite, LegacyModule, Server, ServerHeaders,
};

pub struct ExplicitLegacyServer;

/// The modules whose `serve` is the legacy server on every version.
const LEGACY_MODULES: &[&str] = &["websockets.legacy.server", "websockets.server"];

/// Their lone imports, which `chain_import` may turn into the new module's:
/// importing `websockets.legacy.server` makes all of `websockets.legacy` reachable.
const LEGACY_IMPORTS: &[LegacyModule] = &[
    LegacyModule {
        name: "websockets.legacy.server",
        reaches: "websockets.legacy",
    },
    LegacyModule {
        name: "websockets.server",
        reaches: "websockets.server",
    },
];

/// The new server's module.
const NEW_MODULE: &str = "websockets.asyncio.server";

/// Names of the legacy server modules that `websockets.asyncio.server` has, under their new name.
const MOVED_NAMES: &[(&str, &str)] = &[
    ("serve", "serve"),
    ("unix_serve", "unix_serve"),
    ("broadcast", "broadcast"),
    ("WebSocketServerProtocol", "ServerConnection"),
    ("WebSocketServer", "Server"),
];

/// Attributes of legacy connections that the new ones do not have (WS020's concern).
const LEGACY_ATTRIBUTES: &[&str] = &[
    "path",
    "request_headers",
    "response_headers",
    "open",
    "closed",
    "host",
    "port",
    "secure",
];

fn moved_name(name: &str) -> Option<&'static str> {
    MOVED_NAMES
        .iter()
        .find(|(old, _)| *old == name)
        .map(|(_, new)| *new)
}

/// How the calls of one fix reach the legacy server.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Via {
    /// `from websockets.legacy.server import serve [as s], ...`: the statement.
    FromImport(TextRange),
    /// A module alias: `import websockets.legacy.server as wls`, `from websockets
    /// import server`: the statement, and the alias's index in it.
    Module(TextRange, usize),
    /// `websockets.legacy.server.serve(...)` spelled from the package: every such call of the file.
    Chain,
    /// Something Ferry does not rewrite (an assignment, a star import...): one call.
    Unsupported(TextRange),
}

struct Group<'a> {
    via: Via,
    calls: Vec<&'a ExprCall>,
}

/// What moving one group takes.
#[derive(Default)]
struct Plan {
    edits: Vec<Edit>,
    /// Why the group cannot move, and where: each becomes a review item.
    blockers: Vec<(TextRange, String)>,
    /// What the user should check after the (unsafe) fix.
    notes: Vec<String>,
}

impl Plan {
    fn block(&mut self, range: TextRange, why: impl Into<String>) {
        let why = why.into();
        if !self.blockers.iter().any(|(r, w)| *r == range && *w == why) {
            self.blockers.push((range, why));
        }
    }

    fn note(&mut self, note: impl Into<String>) {
        let note = note.into();
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }
}

impl Rule for ExplicitLegacyServer {
    fn code(&self) -> &'static str {
        "WS071"
    }

    fn name(&self) -> &'static str {
        "ExplicitLegacyServer"
    }

    /// The move is possible wherever `websockets.asyncio` exists.
    fn applies_from(&self) -> Option<ferry_engine::Release> {
        Some(super::facts::ASYNCIO_MODULES.since)
    }

    fn default_enabled(&self) -> bool {
        false
    }

    fn check_module(&self, module: &ModModule, checker: &mut Checker<'_>) {
        let places = call_places(module);
        let imports = import_statements(module);
        let mut groups: Vec<Group> = Vec::new();
        for (call, _) in &places {
            let Some(serve) = serve_call(call, checker) else {
                continue;
            };
            if serve.only() != Some(Server::Legacy) {
                continue;
            }
            let explicit = serve.servers.iter().all(|(_, name)| {
                name.as_str()
                    .rsplit_once('.')
                    .is_some_and(|(m, _)| LEGACY_MODULES.contains(&m))
            });
            if !explicit {
                continue;
            }
            let via = via(call, &imports, checker);
            match groups.iter_mut().find(|g| g.via == via) {
                Some(group) => group.calls.push(call),
                None => groups.push(Group {
                    via,
                    calls: vec![call],
                }),
            }
        }
        if groups.is_empty() {
            return;
        }
        let context = Context::new(module, &places, &imports);
        for group in &groups {
            let plan = plan(group, &context, checker);
            report(group, plan, checker);
        }
    }
}

/// What every group's plan looks at, computed once per file.
struct Context<'a> {
    module: &'a ModModule,
    places: HashMap<TextRange, CallPlace>,
    /// Calls by the range of their callee.
    calls_by_func: HashMap<TextRange, &'a ExprCall>,
    /// Arguments of `run_until_complete(...)` calls.
    run_until_complete_args: HashSet<TextRange>,
    /// Base-class expressions of every class.
    bases: HashSet<TextRange>,
    imports: &'a [&'a Stmt],
}

impl<'a> Context<'a> {
    fn new(
        module: &'a ModModule,
        places: &[(&'a ExprCall, CallPlace)],
        imports: &'a [&'a Stmt],
    ) -> Self {
        let mut run_until_complete_args = HashSet::new();
        let mut calls_by_func = HashMap::new();
        for (call, _) in places {
            calls_by_func.insert(call.func.range(), *call);
            if matches!(call.func.as_ref(), Expr::Attribute(a) if a.attr.as_str() == "run_until_complete")
            {
                if let Some(arg) = call.arguments.args.first() {
                    run_until_complete_args.insert(arg.range());
                }
            }
        }
        Self {
            module,
            places: places.iter().map(|(c, p)| (c.range(), *p)).collect(),
            calls_by_func,
            run_until_complete_args,
            bases: base_classes(module),
            imports,
        }
    }
}

/// Every import statement of the module, at any depth.
fn import_statements(module: &ModModule) -> Vec<&Stmt> {
    struct Imports<'a>(Vec<&'a Stmt>);
    impl<'a> Visitor<'a> for Imports<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if matches!(stmt, Stmt::Import(_) | Stmt::ImportFrom(_)) {
                self.0.push(stmt);
            }
            visitor::walk_stmt(self, stmt);
        }
    }
    let mut imports = Imports(Vec::new());
    imports.visit_body(&module.body);
    imports.0
}

fn base_classes(module: &ModModule) -> HashSet<TextRange> {
    struct Bases(HashSet<TextRange>);
    impl<'a> Visitor<'a> for Bases {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if let Stmt::ClassDef(class) = stmt {
                self.0.extend(class.bases().iter().map(Ranged::range));
            }
            visitor::walk_stmt(self, stmt);
        }
    }
    let mut bases = Bases(HashSet::new());
    bases.visit_body(&module.body);
    bases.0
}

/// The statements that bind `bound` to the qualified name `qualified`, and the alias index.
fn binding_imports<'a>(
    imports: &[&'a Stmt],
    bound: &str,
    qualified: &str,
) -> Vec<(&'a Stmt, usize)> {
    let mut found = Vec::new();
    for stmt in imports {
        match stmt {
            Stmt::Import(import) => {
                for (i, alias) in import.names.iter().enumerate() {
                    if alias.asname.as_ref().is_some_and(|a| a.as_str() == bound)
                        && alias.name.as_str() == qualified
                    {
                        found.push((*stmt, i));
                    }
                }
            }
            Stmt::ImportFrom(import) if import.level == 0 => {
                let module = import.module.as_ref().map_or("", |m| m.as_str());
                for (i, alias) in import.names.iter().enumerate() {
                    let name = alias.name.as_str();
                    let this = alias.asname.as_ref().map_or(name, |a| a.as_str());
                    if this == bound && format!("{module}.{name}") == qualified {
                        found.push((*stmt, i));
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// How `call`'s callee reaches the legacy server.
fn via(call: &ExprCall, imports: &[&Stmt], checker: &Checker<'_>) -> Via {
    let unsupported = Via::Unsupported(call.range());
    match call.func.as_ref() {
        Expr::Name(name) => {
            let [BindingKind::Import(qualified)] = checker
                .semantic
                .reaching(name.id.as_str(), name.start())
                .as_slice()
            else {
                return unsupported;
            };
            match binding_imports(imports, name.id.as_str(), qualified.as_str()).as_slice() {
                [(stmt @ Stmt::ImportFrom(_), _)] => Via::FromImport(stmt.range()),
                _ => unsupported,
            }
        }
        Expr::Attribute(attr) => {
            let mut root = attr.value.as_ref();
            while let Expr::Attribute(inner) = root {
                root = inner.value.as_ref();
            }
            let Expr::Name(root_name) = root else {
                return unsupported;
            };
            let Resolution::One(root_module) = checker.semantic.resolve_expr(root) else {
                return unsupported;
            };
            if root_module.as_str() == "websockets" {
                return Via::Chain;
            }
            // A module alias: `wls.serve`, with `wls` bound by an import of the legacy module.
            if !std::ptr::eq(root, attr.value.as_ref())
                || !LEGACY_MODULES.contains(&root_module.as_str())
            {
                return unsupported;
            }
            let bindings = checker
                .semantic
                .reaching(root_name.id.as_str(), root_name.start());
            if !matches!(bindings.as_slice(), [BindingKind::Import(_)]) {
                return unsupported;
            }
            match binding_imports(imports, root_name.id.as_str(), root_module.as_str()).as_slice() {
                [(stmt, index)] => Via::Module(stmt.range(), *index),
                _ => unsupported,
            }
        }
        _ => unsupported,
    }
}

/// 1-based line of an offset, for messages.
fn line_of(source: &str, at: TextSize) -> usize {
    source[..usize::from(at)].matches('\n').count() + 1
}

fn plan(group: &Group, context: &Context<'_>, checker: &Checker<'_>) -> Plan {
    let mut plan = Plan::default();
    let callees: HashSet<TextRange> = group.calls.iter().map(|c| c.func.range()).collect();
    let mut covered_broadcasts: HashSet<TextRange> = HashSet::new();
    match group.via {
        Via::FromImport(range) => plan_from_import(range, &callees, &mut covered_broadcasts, context, checker, &mut plan),
        Via::Module(range, index) => {
            plan_module_alias(range, index, &callees, &mut covered_broadcasts, context, checker, &mut plan);
        }
        Via::Chain => {
            for call in &group.calls {
                plan_chain(call, &mut plan);
            }
            plan_chain_import(&group.calls, context, checker, &mut plan);
        }
        Via::Unsupported(_) => plan.block(
            group.calls[0].func.range(),
            "it is reached through a name Ferry cannot trace to a single import (an assignment, a star import, a conditional or repeated import): import it with `from websockets.asyncio.server import serve` and rewrite the call by hand",
        ),
    }
    check_other_broadcasts(&covered_broadcasts, context, checker, &mut plan);
    let mut hooks = Hooks::default();
    for call in &group.calls {
        plan_call(call, context, checker, &mut hooks, &mut plan);
    }
    hooks.finish(context, checker, &mut plan);
    plan.edits.sort();
    plan.edits.dedup();
    if plan.edits.windows(2).any(|w| w[0].conflicts_with(&w[1])) {
        let first = group.calls[0].func.range();
        plan.block(first, "Ferry's edits for these calls overlap (a handler or hook shared in different ways): move them by hand");
    }
    plan
}

fn report(group: &Group, plan: Plan, checker: &mut Checker<'_>) {
    let first = group.calls[0];
    let shown = checker.text(first.func.range()).to_string();
    let function = serve_call(first, checker)
        .and_then(|s| {
            s.servers
                .first()
                .and_then(|(_, q)| q.as_str().rsplit_once('.').map(|(_, f)| f.to_string()))
        })
        .unwrap_or_else(|| "serve".to_string());
    if plan.blockers.is_empty() {
        let mut message = format!(
            "explicit legacy server `{shown}` (deprecated since websockets 14, to be removed): `{NEW_MODULE}.{function}` replaces it, with a handler that takes only the connection, `process_request(connection, request)`, `select_subprotocol(connection, subprotocols)` and `process_response` instead of `extra_headers`"
        );
        if !plan.notes.is_empty() {
            message.push_str("; after the fix, check: ");
            message.push_str(&plan.notes.join("; "));
        }
        let fix = Fix {
            title: format!("Move to `{NEW_MODULE}` with the handler, hooks and keywords"),
            edits: plan.edits,
            applicability: Applicability::Unsafe,
            requires: Some(super::facts::ASYNCIO_MODULES.since),
        };
        checker.report(first.func.range(), message, Some(fix));
        return;
    }
    for (range, why) in plan.blockers {
        checker.report(
            range,
            format!("explicit legacy server `{shown}` (deprecated since websockets 14, to be removed) cannot move to `{NEW_MODULE}.{function}` as it is: {why}"),
            None,
        );
    }
}

/// `from websockets.legacy.server import serve, WebSocketServerProtocol as P, broadcast`.
fn plan_from_import(
    range: TextRange,
    callees: &HashSet<TextRange>,
    covered_broadcasts: &mut HashSet<TextRange>,
    context: &Context<'_>,
    checker: &Checker<'_>,
    plan: &mut Plan,
) {
    let Some(Stmt::ImportFrom(import)) = context.imports.iter().find(|s| s.range() == range) else {
        return;
    };
    let Some(module_id) = import.module.as_ref() else {
        return;
    };
    let module_name = module_id.as_str();
    plan.edits
        .push(Edit::replacement(NEW_MODULE, module_id.range()));
    for alias in &import.names {
        let old = alias.name.as_str();
        let Some(new) = moved_name(old) else {
            plan.block(
                alias.range(),
                format!("this import line also brings `{old}`, which `{NEW_MODULE}` does not have (moving the line as it is gives `ImportError: cannot import name '{old}'`): import `{old}` on its own line (`from {module_name} import {old}`), then rerun"),
            );
            continue;
        };
        let bound = alias.asname.as_ref().map_or(old, |a| a.as_str());
        let qualified = format!("{module_name}.{old}");
        if binding_imports(context.imports, bound, &qualified).len() != 1 {
            plan.block(alias.range(), format!("`{bound}` is imported more than once in this file: keep one import, then rerun"));
            continue;
        }
        let rename = alias.asname.is_none() && new != old;
        if rename {
            plan.edits.push(Edit::replacement(new, alias.name.range()));
            if !name_uses(new, context.module).is_empty() {
                plan.block(
                    alias.range(),
                    format!("`{old}` becomes `{new}`, a name this file already uses: import it as `{new} as {old}` or rename the other `{new}`, then rerun"),
                );
            }
        }
        for load in name_loads(bound, context.module) {
            let resolution = checker.semantic.resolve_name(bound, load.name.start());
            match resolution {
                Resolution::One(q) if q.as_str() == qualified => {}
                other if other.candidates().iter().any(|q| q.as_str() == qualified) => {
                    plan.block(load.name, format!("`{bound}` here may be the legacy `{old}` or something else: make the import unconditional, then rerun"));
                    continue;
                }
                _ => continue,
            }
            check_moved_use(
                old,
                new,
                bound,
                load.name,
                callees,
                covered_broadcasts,
                context,
                plan,
            );
            if rename {
                plan.edits.push(Edit::replacement(new, load.name));
            }
        }
    }
}

/// `import websockets.legacy.server as wls`, `from websockets.legacy import server as wls`, `from websockets import server`.
fn plan_module_alias(
    range: TextRange,
    index: usize,
    callees: &HashSet<TextRange>,
    covered_broadcasts: &mut HashSet<TextRange>,
    context: &Context<'_>,
    checker: &Checker<'_>,
    plan: &mut Plan,
) {
    let Some(stmt) = context.imports.iter().find(|s| s.range() == range) else {
        return;
    };
    let (bound, qualified) = match stmt {
        Stmt::Import(import) => {
            let alias = &import.names[index];
            plan.edits
                .push(Edit::replacement(NEW_MODULE, alias.name.range()));
            let bound = alias
                .asname
                .as_ref()
                .map_or(alias.name.as_str(), |a| a.as_str());
            (bound, alias.name.as_str().to_string())
        }
        Stmt::ImportFrom(import) => {
            let Some(module_id) = import.module.as_ref() else {
                return;
            };
            let alias = &import.names[index];
            if import.names.len() > 1 {
                plan.block(
                    alias.range(),
                    format!("`{}` is imported on one line with other names, which would move too: import it on its own line, then rerun", alias.name.as_str()),
                );
            }
            // `from websockets import server` / `from websockets.legacy import server`.
            plan.edits
                .push(Edit::replacement("websockets.asyncio", module_id.range()));
            let bound = alias
                .asname
                .as_ref()
                .map_or(alias.name.as_str(), |a| a.as_str());
            (
                bound,
                format!("{}.{}", module_id.as_str(), alias.name.as_str()),
            )
        }
        _ => return,
    };
    for load in name_loads(bound, context.module) {
        match checker.semantic.resolve_name(bound, load.name.start()) {
            Resolution::One(q) if q.as_str() == qualified => {}
            other if other.candidates().iter().any(|q| q.as_str() == qualified) => {
                plan.block(load.name, format!("`{bound}` here may be the legacy module or something else: make the import unconditional, then rerun"));
                continue;
            }
            _ => continue,
        }
        let Some(attr) = load.attribute else {
            plan.block(
                load.name,
                format!("the module `{bound}` is also used here as a value, and would be the new server module: rewrite this use by hand, then rerun"),
            );
            continue;
        };
        let old = attr.attr.as_str();
        let Some(new) = moved_name(old) else {
            plan.block(
                attr.range(),
                format!("`{bound}.{old}` is not in `{NEW_MODULE}` (it would raise `AttributeError`): import it from `{qualified}` under another name, then rerun"),
            );
            continue;
        };
        if new != old {
            plan.edits.push(Edit::replacement(new, attr.attr.range()));
        }
        let shown = format!("{bound}.{old}");
        check_moved_use(
            old,
            new,
            &shown,
            attr.range(),
            callees,
            covered_broadcasts,
            context,
            plan,
        );
    }
}

/// One use of a moved name (`at` is the name, or the `module.name` attribute).
#[allow(clippy::too_many_arguments)]
fn check_moved_use(
    old: &str,
    new: &str,
    shown: &str,
    at: TextRange,
    callees: &HashSet<TextRange>,
    covered_broadcasts: &mut HashSet<TextRange>,
    context: &Context<'_>,
    plan: &mut Plan,
) {
    match old {
        "serve" | "unix_serve" => {
            if !callees.contains(&at) {
                plan.block(at, format!("`{shown}` is also used here other than as a call, and would hand out the new server: rewrite this use by hand (or call it directly), then rerun"));
            }
        }
        "broadcast" => {
            covered_broadcasts.insert(at);
            match context.calls_by_func.get(&at) {
                Some(call) => {
                    let keyword = call.arguments.find_keyword("websockets");
                    if let (Some(keyword), None) = (keyword, call.arguments.find_keyword("connections")) {
                        if let Some(arg) = &keyword.arg {
                            plan.edits.push(Edit::replacement("connections", arg.range()));
                        }
                    }
                }
                None => plan.block(at, format!("`{shown}` is also used here other than as a call: rewrite this use by hand, then rerun")),
            }
        }
        _ => {
            if context.bases.contains(&at) {
                plan.block(at, format!("`{shown}` is subclassed here: a legacy protocol subclass must be rewritten on `{new}` (passed as `create_connection=`) or replaced by `process_request` / `process_response` hooks"));
            }
        }
    }
}

/// `websockets.legacy.server.serve(...)` → `websockets.asyncio.server.serve(...)`.
fn plan_chain(call: &ExprCall, plan: &mut Plan) {
    let Expr::Attribute(attr) = call.func.as_ref() else {
        return;
    };
    let Some(root) = chain_root(call) else { return };
    plan.edits.push(Edit::replacement(
        format!("{root}.asyncio.server.{}", attr.attr.as_str()),
        call.func.range(),
    ));
}

/// `websockets.asyncio.server` is reachable from the package only once
/// imported: see [`chain_import`].
fn plan_chain_import(
    calls: &[&ExprCall],
    context: &Context<'_>,
    checker: &Checker<'_>,
    plan: &mut Plan,
) {
    let callees: Vec<&Expr> = calls.iter().map(|call| call.func.as_ref()).collect();
    match chain_import(
        &callees,
        LEGACY_IMPORTS,
        NEW_MODULE,
        context.module,
        checker,
    ) {
        ChainImport::Present => {}
        ChainImport::Edit(edit) => plan.edits.push(edit),
        ChainImport::Blocked(range, why) => plan.block(range, why),
    }
}

/// Legacy `broadcast` reached in the file other than through the moved import:
/// it raises `TypeError` on the new connections.
fn check_other_broadcasts(
    covered: &HashSet<TextRange>,
    context: &Context<'_>,
    checker: &Checker<'_>,
    plan: &mut Plan,
) {
    struct Finder<'c, 'a> {
        checker: &'c Checker<'a>,
        found: Vec<TextRange>,
    }
    impl<'b> Visitor<'b> for Finder<'_, '_> {
        fn visit_expr(&mut self, expr: &'b Expr) {
            if matches!(expr, Expr::Name(_) | Expr::Attribute(_)) {
                if let Resolution::One(q) = self.checker.semantic.resolve_expr(expr) {
                    if matches!(
                        q.as_str(),
                        "websockets.legacy.server.broadcast"
                            | "websockets.server.broadcast"
                            | "websockets.legacy.protocol.broadcast"
                    ) {
                        self.found.push(expr.range());
                        return;
                    }
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut finder = Finder {
        checker,
        found: Vec::new(),
    };
    finder.visit_body(&context.module.body);
    for range in finder.found {
        if covered.contains(&range) {
            continue;
        }
        plan.block(
            range,
            format!("the legacy `broadcast` here would get the new server's connections and raise `TypeError: ... isn't a WebSocket connection`: use `{NEW_MODULE}.broadcast` here too"),
        );
    }
}

/// A load of a name, and the attribute it is the value of (`name.attr`), if any.
struct NameLoad<'a> {
    name: TextRange,
    attribute: Option<&'a ExprAttribute>,
}

fn name_loads<'a>(wanted: &str, module: &'a ModModule) -> Vec<NameLoad<'a>> {
    struct Loads<'n, 'a> {
        wanted: &'n str,
        found: Vec<NameLoad<'a>>,
    }
    impl<'a> Visitor<'a> for Loads<'_, 'a> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Attribute(attr) => {
                    if let Expr::Name(name) = attr.value.as_ref() {
                        if name.id.as_str() == self.wanted && name.ctx == ExprContext::Load {
                            self.found.push(NameLoad {
                                name: name.range,
                                attribute: Some(attr),
                            });
                            return;
                        }
                    }
                }
                Expr::Name(name)
                    if name.id.as_str() == self.wanted && name.ctx == ExprContext::Load =>
                {
                    self.found.push(NameLoad {
                        name: name.range,
                        attribute: None,
                    });
                }
                _ => {}
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut loads = Loads {
        wanted,
        found: Vec::new(),
    };
    loads.visit_body(&module.body);
    loads.found
}

/// Ranges of every `<anything>.name` load in the module (uses of a method).
fn attribute_uses(name: &str, module: &ModModule) -> Vec<TextRange> {
    struct Uses<'n>(&'n str, Vec<TextRange>);
    impl<'a> Visitor<'a> for Uses<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Attribute(attr) = expr {
                if attr.attr.as_str() == self.0 {
                    self.1.push(attr.range);
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut uses = Uses(name, Vec::new());
    uses.visit_body(&module.body);
    uses.1
}

/// The functions of the file a group passes as handler or hook, with every
/// place it passes them, so each is rewritten once and only if nothing else
/// in the file uses it.
#[derive(Default)]
struct Hooks<'a> {
    /// (function, how it is reached, where it is passed).
    used: Vec<(&'a StmtFunctionDef, Passed, Vec<TextRange>)>,
}

/// How a function is passed to `serve`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Passed {
    /// By name, as the handler (`bound` leading parameters bound by a
    /// partial; not `rewritable` when the partial also passes keywords).
    Handler { bound: usize, rewritable: bool },
    /// As `self.name`, the handler.
    Method,
    /// By name, as `process_request=`.
    ProcessRequest,
    /// By name, as `select_subprotocol=`.
    SelectSubprotocol,
}

impl<'a> Hooks<'a> {
    fn add(&mut self, def: &'a StmtFunctionDef, passed: Passed, at: TextRange, plan: &mut Plan) {
        match self.used.iter_mut().find(|(d, _, _)| d.range == def.range) {
            Some((_, seen, places)) => {
                if *seen != passed {
                    plan.block(at, format!("`{}` is passed to these calls in different roles or ways: Ferry would rewrite it twice; move them by hand", def.name));
                }
                places.push(at);
            }
            None => self.used.push((def, passed, vec![at])),
        }
    }

    fn finish(self, context: &Context<'_>, checker: &Checker<'_>, plan: &mut Plan) {
        for (def, passed, places) in self.used {
            let name = def.name.as_str();
            let rewrite = match passed {
                Passed::Handler { bound, rewritable } => plan_handler(def, bound, rewritable, context, checker, plan),
                Passed::Method => plan_handler(def, 1, true, context, checker, plan),
                Passed::ProcessRequest => match process_request_rewrite(def, true, checker) {
                    HookRewrite::Unchanged => Ok((Vec::new(), None)),
                    HookRewrite::OtherSignature => Err(format!("`{name}`, its `process_request`, does not take two positional parameters, so Ferry cannot tell what it reads: make it `(connection, request)` (the path is `request.path`, the headers `request.headers`) returning `None` or `connection.respond(status, text)`; as written every handshake fails with HTTP 500")),
                    HookRewrite::Review(why) => Err(format!("`{name}`, its `process_request`, cannot be rewritten mechanically ({why}): make it `(connection, request)` returning `None` or `connection.respond(status, text)` (or a `websockets.http11.Response`); as written on the new server every handshake fails (HTTP 500, or `InvalidMessage` for a returned tuple)")),
                    HookRewrite::Rewrite(edits) => Ok((
                        edits,
                        Some(format!("`{name}` answers with `connection.respond(...)`, which adds `charset=utf-8` to a `text/plain` content type")),
                    )),
                },
                Passed::SelectSubprotocol => match select_subprotocol_rewrite(def, true, checker) {
                    HookRewrite::Unchanged => Ok((Vec::new(), None)),
                    HookRewrite::OtherSignature => Err(format!("`{name}`, its `select_subprotocol`, does not take two positional parameters: make it `(connection, subprotocols)` (the client's list); as written it gets the connection where it expects the client's list")),
                    HookRewrite::Review(why) => Err(format!("`{name}`, its `select_subprotocol`, cannot be rewritten mechanically ({why}): make it `(connection, subprotocols)`; as written it gets the connection where it expects the client's list")),
                    HookRewrite::Rewrite(edits) => Ok((edits, None)),
                },
            };
            let (edits, note) = match rewrite {
                Ok(done) => done,
                Err(why) => {
                    plan.block(def.name.range(), why);
                    continue;
                }
            };
            if edits.is_empty() {
                continue;
            }
            // Rewritten only when this server is its only user in the file.
            let uses = match passed {
                Passed::Method => attribute_uses(name, context.module),
                _ => name_uses(name, context.module),
            };
            if let Some(other) = uses.iter().find(|r| !places.contains(r)) {
                let role = match passed {
                    Passed::Handler { .. } | Passed::Method => "the handler",
                    Passed::ProcessRequest => "`process_request`",
                    Passed::SelectSubprotocol => "`select_subprotocol`",
                };
                plan.block(
                    def.name.range(),
                    format!("`{name}` is {role} of this server but is also used at line {}, where it may be called the legacy way: rewrite it and that use by hand (Ferry rewrites it only when this server is its only user in the file)", line_of(checker.source, other.start())),
                );
                continue;
            }
            plan.edits.extend(edits);
            if let Some(note) = note {
                plan.note(note);
            }
        }
    }
}

/// The handler's rewrite: drop `path` (without a default) and read it from the
/// connection; `Err` says why it cannot be rewritten.
fn plan_handler(
    def: &StmtFunctionDef,
    bound: usize,
    rewritable: bool,
    context: &Context<'_>,
    checker: &Checker<'_>,
    plan: &mut Plan,
) -> Result<(Vec<Edit>, Option<String>), String> {
    let name = def.name.as_str();
    let params = &def.parameters;
    if let Some(websocket) = params
        .posonlyargs
        .iter()
        .chain(params.args.iter())
        .nth(bound)
    {
        let websocket = websocket.parameter.name.as_str();
        if let Some(attr) = legacy_attribute_read(def, websocket) {
            plan.note(format!("`{name}` reads `{websocket}.{attr}`, which `ServerConnection` does not have (`AttributeError`): WS020 rewrites it (or, where it cannot prove the connection, reports it) on the next round when selected too (`--select WS,WS071`)"));
        }
    }
    let legacy = legacy_path_handler(def, bound, checker).filter(|h| h.path.default.is_none());
    let Some(legacy) = legacy else {
        if accepts_one_argument(def, bound) {
            return Ok((Vec::new(), None));
        }
        return Err(format!("the handler `{name}` has a signature Ferry cannot rewrite: make it take only the connection (the path is `websocket.request.path`); the new server calls it with the connection alone"));
    };
    if !rewritable {
        return Err(format!("the handler `{name}` takes the path, and is passed through a partial with keywords or `*args`, so Ferry cannot tell which parameter the path is: drop it (read `websocket.request.path`), then rerun"));
    }
    let Some(edits) = legacy.edits else {
        return Err(format!("the handler `{name}` takes the path but its body starts on the `def` line: move the body to its own lines, then rerun"));
    };
    let public = !name.starts_with('_') && (bound == 1 || is_module_level(def, context.module));
    let note = public.then(|| format!("`{name}` no longer takes the path: other modules calling it with two arguments must follow"));
    Ok((edits, note))
}

/// Whether a function (after `bound` leading positional parameters) can be called with one argument.
fn accepts_one_argument(def: &StmtFunctionDef, bound: usize) -> bool {
    let params = &def.parameters;
    let positional: Vec<_> = params
        .posonlyargs
        .iter()
        .chain(params.args.iter())
        .skip(bound)
        .collect();
    let required = positional.iter().filter(|p| p.default.is_none()).count();
    let takes_one = !positional.is_empty() || params.vararg.is_some();
    let kwonly_required = params.kwonlyargs.iter().any(|p| p.default.is_none());
    takes_one && required <= 1 && !kwonly_required
}

/// A legacy-only connection attribute the function reads on `param`, if any.
fn legacy_attribute_read<'a>(def: &'a StmtFunctionDef, param: &str) -> Option<&'a str> {
    struct Reads<'p, 'a>(&'p str, Option<&'a str>);
    impl<'a> Visitor<'a> for Reads<'_, 'a> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Attribute(attr) = expr {
                if matches!(attr.value.as_ref(), Expr::Name(n) if n.id.as_str() == self.0)
                    && LEGACY_ATTRIBUTES.contains(&attr.attr.as_str())
                    && self.1.is_none()
                {
                    self.1 = Some(attr.attr.as_str());
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut reads = Reads(param, None);
    reads.visit_body(&def.body);
    reads.1
}

/// The keywords, handler and hooks of one call.
fn plan_call<'a>(
    call: &ExprCall,
    context: &Context<'a>,
    checker: &Checker<'a>,
    hooks: &mut Hooks<'a>,
    plan: &mut Plan,
) {
    let func = call.func.range();
    match context.places.get(&call.range()) {
        Some(CallPlace::ModuleLevel) => plan.block(func, "it runs at module level, where the new server fails with `RuntimeError: no running event loop`: move it into `async def main(): async with serve(...) as server: await server.serve_forever()` started by `asyncio.run(main())`, then rerun"),
        _ if context.run_until_complete_args.contains(&call.range()) => plan.block(func, "it is passed to `run_until_complete`, outside a running loop, where the new server fails with `RuntimeError: no running event loop`: `await` it (or `async with` it) inside a coroutine started by `asyncio.run(...)`, then rerun"),
        Some(CallPlace::PlainFunction) => plan.note("the call is in a plain `def`: the new server must be created while an event loop runs (`RuntimeError: no running event loop` otherwise)"),
        _ => {}
    }
    if call.arguments.args.iter().any(Expr::is_starred_expr)
        || call.arguments.keywords.iter().any(|k| k.arg.is_none())
    {
        plan.block(func, "it passes `*args` or `**kwargs`, which may hold the handler or legacy keywords (`extra_headers`, `create_protocol`, `timeout`, ...) that fail on the new server with `TypeError: ... unexpected keyword argument`: pass them explicitly, then rerun");
    }
    let has = |name: &str| call.arguments.find_keyword(name).is_some();
    let mut removals = Vec::new();
    for keyword in call.arguments.keywords.iter() {
        let Some(arg) = &keyword.arg else { continue };
        match arg.as_str() {
            "extra_headers" => match server_extra_headers(call, keyword, checker) {
                ServerHeaders::MergeByHand => plan.block(arg.range(), "it passes both `extra_headers` and `process_response`: add the headers in `process_response` (`response.headers.update(...)`) and drop `extra_headers`, which fails on the new server with `TypeError: ... unexpected keyword argument 'extra_headers'`"),
                ServerHeaders::Rewrite { fix, note } => {
                    if fix.applicability == Applicability::Unsafe {
                        plan.note(format!("`extra_headers`{note}"));
                    }
                    plan.edits.extend(fix.edits);
                }
            },
            "ws_handler" if !has("handler") => plan.edits.push(Edit::replacement("handler", arg.range())),
            "loop" | "read_limit" => removals.push(keyword.range()),
            "legacy_recv" if checker.text(keyword.value.range()) == "False" => removals.push(keyword.range()),
            "legacy_recv" => plan.block(arg.range(), "`legacy_recv` made `recv()` return `None` once the connection closed; the new `recv()` raises `ConnectionClosed`: handle that in the handler and drop the keyword (the new server fails with `TypeError: ... unexpected keyword argument 'legacy_recv'`), then rerun"),
            "create_protocol" | "klass" => {
                let name = arg.as_str();
                plan.block(arg.range(), format!("it passes `{name}=`, which the new server does not take (`TypeError: ... unexpected keyword argument '{name}'` when it starts): {}", protocol_class_advice(keyword, checker)));
            }
            "origins" => {
                for empty in empty_origins(keyword) {
                    plan.edits.push(Edit::replacement("None", empty.range()));
                }
            }
            "max_queue" => plan.note("`max_queue` now counts frames (default 16), not messages (legacy default 32)"),
            "subprotocols" if !has("select_subprotocol") => plan.note("with `subprotocols=`, the new server rejects clients that offer none or no common one with HTTP 400 (the legacy one went on without a subprotocol)"),
            "process_request" | "select_subprotocol" => plan_hook(keyword, hooks, checker, plan),
            _ => {}
        }
    }
    plan_timeouts(call, &mut removals, plan);
    plan.edits
        .extend(remove_arguments(&call.arguments, &removals));
    match serve_call(call, checker).and_then(|s| s.handler()) {
        Some(handler) => plan_handler_expr(handler, context, checker, hooks, plan),
        None => plan.block(
            func,
            "Ferry cannot find its handler: pass it as the first argument, then rerun",
        ),
    }
}

/// Deletes the arguments at `removed` (keyword ranges) from the call, with
/// their separators, so that neighbouring deletions never overlap:
/// `f(a, x=1, y=2)` → `f(a)`.
fn remove_arguments(arguments: &Arguments, removed: &[TextRange]) -> Vec<Edit> {
    let mut all: Vec<TextRange> = arguments
        .args
        .iter()
        .map(Ranged::range)
        .chain(arguments.keywords.iter().map(Ranged::range))
        .collect();
    all.sort_by_key(|r| r.start());
    let mut edits = Vec::new();
    let mut i = 0;
    while i < all.len() {
        if !removed.contains(&all[i]) {
            i += 1;
            continue;
        }
        let run_start = i;
        while i < all.len() && removed.contains(&all[i]) {
            i += 1;
        }
        let range = match (run_start.checked_sub(1), all.get(i)) {
            // Up to the next kept argument.
            (_, Some(next)) => TextRange::new(all[run_start].start(), next.start()),
            // The last arguments: from the end of the previous kept one.
            (Some(previous), None) => TextRange::new(all[previous].end(), all[i - 1].end()),
            // Every argument: up to the closing parenthesis, with a trailing comma.
            (None, None) => {
                TextRange::new(all[run_start].start(), arguments.end() - TextSize::new(1))
            }
        };
        edits.push(Edit::deletion(range));
    }
    edits
}

/// `timeout=` → `close_timeout=` (legacy ignored `timeout` when both are given), and
/// `close_timeout=None`, which meant the default 10 seconds, while the new server reads it as "never".
fn plan_timeouts(call: &ExprCall, removals: &mut Vec<TextRange>, plan: &mut Plan) {
    let timeout = call.arguments.find_keyword("timeout");
    let close = call.arguments.find_keyword("close_timeout");
    let close_is_none = close.is_some_and(|k| k.value.is_none_literal_expr());
    if let Some(close) = close.filter(|_| close_is_none) {
        removals.push(close.range());
    }
    let Some(timeout) = timeout else { return };
    let Some(arg) = &timeout.arg else { return };
    if (close.is_some() && !close_is_none) || timeout.value.is_none_literal_expr() {
        removals.push(timeout.range());
    } else {
        plan.edits
            .push(Edit::replacement("close_timeout", arg.range()));
    }
}

/// `process_request=` / `select_subprotocol=`: a function of this file, or a review item.
fn plan_hook<'a>(keyword: &Keyword, hooks: &mut Hooks<'a>, checker: &Checker<'a>, plan: &mut Plan) {
    let Some(arg) = &keyword.arg else { return };
    let value = &keyword.value;
    if value.is_none_literal_expr() {
        return;
    }
    let process_request = arg.as_str() == "process_request";
    match local_function(value, checker) {
        Some(def) => {
            let passed = if process_request {
                Passed::ProcessRequest
            } else {
                Passed::SelectSubprotocol
            };
            hooks.add(def, passed, value.range(), plan);
        }
        None => {
            let text = checker.text(value.range());
            let why = if process_request {
                format!("its `process_request` (`{text}`) is not a function defined in this file, so Ferry cannot rewrite it: make it `(connection, request)` returning `None` or `connection.respond(status, text)`, then move the import by hand; as written every handshake fails on the new server (HTTP 500)")
            } else {
                format!("its `select_subprotocol` (`{text}`) is not a function defined in this file, so Ferry cannot rewrite it: make it `(connection, subprotocols)`, then move the import by hand; as written it gets the connection where it expects the client's list")
            };
            plan.block(value.range(), why);
        }
    }
}

/// The handler expression: a function of this file (directly, through
/// `functools.partial`, or `self.method`), a lambda, or a review item.
fn plan_handler_expr<'a>(
    handler: &Expr,
    context: &Context<'a>,
    checker: &Checker<'a>,
    hooks: &mut Hooks<'a>,
    plan: &mut Plan,
) {
    if let Some(def) = local_function(handler, checker) {
        hooks.add(
            def,
            Passed::Handler {
                bound: 0,
                rewritable: true,
            },
            handler.range(),
            plan,
        );
        return;
    }
    let unknown = |plan: &mut Plan| {
        plan.block(
            handler.range(),
            format!("its handler `{}` is not a function defined in this file, so Ferry cannot see whether it takes `(websocket, path)`: make sure it takes only the connection (the path is `websocket.request.path`), then move the import by hand; a handler that still takes the path fails on every connection with `TypeError: ... missing 1 required positional argument: 'path'`", checker.text(handler.range())),
        );
    };
    match handler {
        Expr::Call(partial) => {
            let is_partial = matches!(checker.semantic.resolve_expr(&partial.func), Resolution::One(q) if q.as_str() == "functools.partial");
            let Some((function, def)) = partial
                .arguments
                .args
                .first()
                .filter(|_| is_partial)
                .and_then(|f| local_function(f, checker).map(|d| (f, d)))
            else {
                return unknown(plan);
            };
            // Keywords bind parameters by name: counted as bound, as WS012 does, but then never rewritten.
            let rewritable = partial.arguments.keywords.is_empty();
            let bound = partial.arguments.args.len() - 1 + partial.arguments.keywords.len();
            if partial.arguments.args.iter().any(Expr::is_starred_expr) {
                return unknown(plan);
            }
            hooks.add(
                def,
                Passed::Handler { bound, rewritable },
                function.range(),
                plan,
            );
        }
        Expr::Attribute(attr) if matches!(attr.value.as_ref(), Expr::Name(n) if n.id.as_str() == "self") => {
            match method_named(context.module, handler.start(), attr.attr.as_str()) {
                Some(def) => hooks.add(def, Passed::Method, handler.range(), plan),
                None => unknown(plan),
            }
        }
        Expr::Lambda(lambda) => {
            let params = lambda.parameters.as_deref();
            let positional = params.map_or(0, |p| p.posonlyargs.len() + p.args.len());
            let required = params.map_or(0, |p| {
                p.posonlyargs
                    .iter()
                    .chain(p.args.iter())
                    .filter(|a| a.default.is_none())
                    .count()
            });
            let vararg = params.is_some_and(|p| p.vararg.is_some());
            if required > 1 || (positional == 0 && !vararg) {
                plan.block(handler.range(), "its handler is a lambda that takes the path: make it take only the connection (the path is `websocket.request.path`), then rerun");
            }
        }
        _ => unknown(plan),
    }
}
