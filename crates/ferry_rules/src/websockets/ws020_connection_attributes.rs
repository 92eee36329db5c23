//! Legacy connection attributes (`.open`, `.closed`, `.path`, `.request_headers`, `.response_headers`, `.host`, `.port`) on new connections.
//!
//! ## What it does
//! Finds reads of attributes that only the legacy connection classes have, on
//! receivers known to be connections of the new asyncio implementation: the
//! handler's first parameter, `async with connect(...) as ws`,
//! `ws = await connect(...)`, `async for ws in connect(...)`, parameters
//! annotated `ClientConnection` / `ServerConnection`, parameters of private
//! helpers that are always passed one, and `self.ws` attributes only ever
//! assigned `await connect(...)`. Never on other receivers: `.path` and
//! `.open` are common names.
//!
//! ## Why is this bad
//! The new `ClientConnection` and `ServerConnection` do not have these
//! attributes; reading one raises
//! `AttributeError: 'ClientConnection' object has no attribute 'open'`
//! (or `'ServerConnection' object has no attribute 'path'`, ...).
//!
//! ## Example
//! ```python
//! async def handler(websocket):
//!     token = websocket.request_headers["Authorization"]
//!     while websocket.open:
//!         ...
//! ```
//! Use instead:
//! ```python
//! from websockets.protocol import State
//!
//! async def handler(websocket):
//!     token = websocket.request.headers["Authorization"]
//!     while websocket.state is State.OPEN:
//!         ...
//! ```
//!
//! ## Fix safety
//! Safe: `.path` → `.request.path`, `.request_headers` → `.request.headers`,
//! `.response_headers` → `.response.headers` (the same `Headers` type);
//! `.open` / `.closed` → `.state is State.OPEN` / `State.CLOSED`, importing
//! `State` from `websockets.protocol` when the file does not have it (legacy
//! `open` also turned false once the connection started closing; handling
//! `ConnectionClosed` is often better than polling). Unsafe: `.host` / `.port`
//! → `remote_address[0]` / `[1]` on the client and `local_address[0]` / `[1]`
//! on the server (an IP address where the legacy attribute gave the URI's
//! host name, or `serve()`'s arguments). Every other member the legacy
//! classes have and the new ones lack comes from a table measured on the
//! real 13.1 and 15.0.1 classes (`legacy_members.rs`, checked by a test):
//! an unsafe fix where the new connection has a plain equivalent
//! (`.extensions` → `.protocol.extensions`), else a review item with what
//! to write (`write_frame(...)`, `secure`, `ensure_open()`, ...). When
//! `State` is already bound to something else, `.open` / `.closed` are
//! review items too.

use ferry_engine::{Applicability, Checker, Edit, Fix, Rule};
use ferry_python::ast::visitor::{self, Visitor};
use ferry_python::ast::{BoolOp, Expr, ExprAttribute, ExprContext, ModModule, Stmt, UnaryOp};
use ferry_python::{Ranged, Resolution};

use super::api::{all_calls, client_call, line_ending, new_import_position, Client};
use super::connections::{Connections, Known, Side};
use super::legacy_members::LEGACY_ONLY_MEMBERS;

pub struct ConnectionAttributes;

impl Rule for ConnectionAttributes {
    fn code(&self) -> &'static str {
        "WS020"
    }

    fn name(&self) -> &'static str {
        "ConnectionAttributes"
    }

    /// Receivers named like a connection (`ws.open`) are reported in
    /// modules that never import websockets: the handler's own module.
    fn needs_library_import(&self) -> bool {
        false
    }

    fn check_module(&self, module: &ModModule, checker: &mut Checker<'_>) {
        let connections = Connections::new(module, checker);
        let mut walker = AttributeWalker {
            module,
            connections: &connections,
            checker,
            parents: Vec::new(),
            narrowed: Vec::new(),
            legacy_file: calls_legacy_client(module, checker),
            reports: Vec::new(),
        };
        walker.visit_body(&module.body);
        let reports = walker.reports;
        for (range, message, fix) in reports {
            checker.report(range, message, fix);
        }
    }
}

/// The attributes handled one by one below; every other legacy-only member
/// comes from the measured table (`legacy_members.rs`).
const SPECIFIC: &[&str] = &[
    "open",
    "closed",
    "path",
    "request_headers",
    "response_headers",
    "host",
    "port",
];

type Report = (ferry_python::TextRange, String, Option<Fix>);

struct AttributeWalker<'m, 'c, 'a> {
    module: &'m ModModule,
    connections: &'m Connections<'a>,
    checker: &'c Checker<'a>,
    /// Enclosing expressions of the one being visited (innermost last).
    parents: Vec<&'m Expr>,
    /// Receivers the enclosing `if isinstance(r, ...)` / `hasattr(r, ...)`
    /// tests narrow, and to what.
    narrowed: Vec<(String, Narrowed)>,
    /// The file calls the legacy client: a receiver Ferry cannot type may
    /// well be one of its connections, so names are no evidence. (A legacy
    /// server's connections are its handlers' parameters, which are typed.)
    legacy_file: bool,
    reports: Vec<Report>,
}

impl<'m> Visitor<'m> for AttributeWalker<'m, '_, '_> {
    fn visit_stmt(&mut self, stmt: &'m Stmt) {
        let saved = std::mem::take(&mut self.parents);
        if let Stmt::If(if_stmt) = stmt {
            let narrowed = narrowed_receivers(&if_stmt.test, self.checker);
            self.visit_expr(&if_stmt.test);
            let depth = self.narrowed.len();
            self.narrowed.extend(narrowed);
            self.visit_body(&if_stmt.body);
            self.narrowed.truncate(depth);
            for clause in &if_stmt.elif_else_clauses {
                self.visit_elif_else_clause(clause);
            }
        } else {
            visitor::walk_stmt(self, stmt);
        }
        self.parents = saved;
    }

    fn visit_expr(&mut self, expr: &'m Expr) {
        if let Expr::Attribute(attr) = expr {
            if attr.ctx == ExprContext::Load {
                self.check_attribute(expr, attr);
            }
        }
        self.parents.push(expr);
        visitor::walk_expr(self, expr);
        self.parents.pop();
    }
}

impl AttributeWalker<'_, '_, '_> {
    fn check_attribute(&mut self, expr: &Expr, attr: &ExprAttribute) {
        let name = attr.attr.as_str();
        let specific = SPECIFIC.contains(&name);
        if !specific && !LEGACY_ONLY_MEMBERS.iter().any(|m| m.name == name) {
            return;
        }
        let parent = self.parents.last().copied();
        // `x.open(...)` is a method call of something else (a file, a socket...).
        if let Some(Expr::Call(call)) = parent {
            if call.func.range() == expr.range() && specific {
                return;
            }
        }
        let receiver = self.checker.text(attr.value.range());
        // `isinstance(ws, WebSocketClientProtocol) and ws.closed`: only ever
        // read on a legacy connection, where it exists (likewise after
        // `hasattr(ws, "closed")`); after `isinstance(ws, ClientConnection)`,
        // `ws` is a new connection.
        let mut narrowed: Vec<(String, Narrowed)> = self.narrowed.clone();
        for parent in self.parents.iter().rev() {
            match parent {
                Expr::BoolOp(bool_op) if bool_op.op == BoolOp::And => {
                    for value in bool_op
                        .values
                        .iter()
                        .take_while(|v| !v.range().contains_range(expr.range()))
                    {
                        narrowed.extend(narrowed_receivers(value, self.checker));
                    }
                }
                // `ws.request_headers if hasattr(ws, "request_headers") else ...`
                Expr::If(if_exp) if if_exp.body.range().contains_range(expr.range()) => {
                    narrowed.extend(narrowed_receivers(&if_exp.test, self.checker));
                }
                _ => {}
            }
        }
        let mut proven_new = None;
        for (narrowed_receiver, to) in &narrowed {
            if narrowed_receiver != receiver {
                continue;
            }
            match to {
                Narrowed::Legacy => return,
                Narrowed::HasAttribute(has) if has == name => return,
                Narrowed::HasAttribute(_) => {}
                Narrowed::New(side) => proven_new = Some(Known::New(*side)),
            }
        }
        let known = proven_new.or_else(|| self.connections.known(&attr.value, self.checker));
        let side = match known {
            Some(Known::New(side)) => side,
            Some(Known::Legacy) => return,
            None => {
                // Below 14 the top-level API is the legacy one: only proven receivers count.
                let target = self.checker.settings.target(super::PACK.library);
                if target.is_none_or(|v| v.major() >= 14) && !self.legacy_file && specific {
                    self.check_unknown_receiver(expr, attr, receiver, parent);
                }
                return;
            }
        };
        let class = match side {
            Side::Client => "ClientConnection",
            Side::Server => "ServerConnection",
        };
        let gone = format!("`{receiver}` is a new-implementation `{class}`, which has no `{name}` (`AttributeError`)");
        let (new_text, title) = match name {
            "path" => (format!("{receiver}.request.path"), "Read `request.path`"),
            "request_headers" => (
                format!("{receiver}.request.headers"),
                "Read `request.headers`",
            ),
            "response_headers" => (
                format!("{receiver}.response.headers"),
                "Read `response.headers`",
            ),
            "host" | "port" => {
                let address = match side {
                    Side::Client => "remote_address",
                    Side::Server => "local_address",
                };
                let index = if name == "host" { 0 } else { 1 };
                let new_text = format!("{receiver}.{address}[{index}]");
                // Not the same value: a client's `host` was the URI's host
                // name (`localhost`), `remote_address[0]` is the peer's IP
                // (or the proxy's); a server's were `serve()`'s arguments.
                let fix = Fix {
                    title: "Read the address tuple".to_string(),
                    edits: vec![Edit::replacement(new_text.clone(), expr.range())],
                    applicability: Applicability::Unsafe,
                    requires: None,
                };
                self.reports.push((
                    attr.attr.range(),
                    format!("{gone}: `{new_text}` is the nearest, but not always the same value (the socket's address, where the legacy attribute gave the URI's host name and port, or `serve()`'s arguments)"),
                    Some(fix),
                ));
                return;
            }
            "open" | "closed" => {
                let state = if name == "open" { "OPEN" } else { "CLOSED" };
                let Some(import) = self.state_import() else {
                    self.reports.push((
                        attr.attr.range(),
                        format!("{gone}: compare `{receiver}.state` with `websockets.protocol.State.{state}` (the name `State` is taken in this file)"),
                        None,
                    ));
                    return;
                };
                let fix = state_fix(expr, parent, receiver, state, import, Applicability::Safe);
                self.reports.push((
                    attr.attr.range(),
                    format!("{gone}: use `{receiver}.state is State.{state}` (or handle `ConnectionClosed`)"),
                    Some(fix),
                ));
                return;
            }
            _ => {
                self.report_member(attr, expr, receiver, side, &gone);
                return;
            }
        };
        let fix = Fix {
            title: title.to_string(),
            edits: vec![Edit::replacement(new_text.clone(), expr.range())],
            applicability: Applicability::Safe,
            requires: None,
        };
        self.reports.push((
            attr.attr.range(),
            format!("{gone}: use `{new_text}`"),
            Some(fix),
        ));
    }

    /// A member from the measured table on a proven new connection: its
    /// replacement as an unsafe fix where it is a plain attribute path (the
    /// new object answers, but the meaning may have moved), else the advice.
    fn report_member(
        &mut self,
        attr: &ExprAttribute,
        expr: &Expr,
        receiver: &str,
        side: Side,
        gone: &str,
    ) {
        let name = attr.attr.as_str();
        let Some(member) = LEGACY_ONLY_MEMBERS.iter().find(|m| {
            m.name == name
                && match side {
                    Side::Client => m.side.client(),
                    Side::Server => m.side.server(),
                }
        }) else {
            return;
        };
        let advice = member.advice;
        let path = member.replacement.filter(|r| {
            r.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        });
        let fix = path.map(|path| Fix {
            title: format!("Read `{path}`"),
            edits: vec![Edit::replacement(
                format!("{receiver}.{path}"),
                expr.range(),
            )],
            applicability: Applicability::Unsafe,
            requires: None,
        });
        self.reports
            .push((attr.attr.range(), format!("{gone}: {advice}"), fix));
    }

    /// A receiver Ferry cannot type, but whose name says it is a connection
    /// (`ws`, `websocket`, `conn`, `self.ws`, ...). `.open` / `.closed` get an
    /// unsafe fix, because `state` works on both implementations; the others
    /// are review items, because their replacements do not exist on legacy objects.
    fn check_unknown_receiver(
        &mut self,
        expr: &Expr,
        attr: &ExprAttribute,
        receiver: &str,
        parent: Option<&Expr>,
    ) {
        let name = attr.attr.as_str();
        let last = match attr.value.as_ref() {
            Expr::Name(n) => n.id.as_str(),
            Expr::Attribute(a) => a.attr.as_str(),
            _ => return,
        };
        if !looks_like_connection(last)
            || !matches!(
                name,
                "open" | "closed" | "path" | "request_headers" | "response_headers"
            )
        {
            return;
        }
        let unsure = format!("if `{receiver}` is a websockets connection of the new implementation, it has no `{name}` (`AttributeError`)");
        match name {
            "open" | "closed" => {
                let state = if name == "open" { "OPEN" } else { "CLOSED" };
                let Some(import) = self.state_import() else {
                    return;
                };
                let fix = state_fix(expr, parent, receiver, state, import, Applicability::Unsafe);
                self.reports.push((
                    attr.attr.range(),
                    format!("{unsure}: `{receiver}.state is State.{state}` works on both implementations"),
                    Some(fix),
                ));
            }
            _ => {
                let new = match name {
                    "path" => "request.path",
                    "request_headers" => "request.headers",
                    _ => "response.headers",
                };
                self.reports.push((
                    attr.attr.range(),
                    format!("{unsure}: use `{receiver}.{new}` there (but keep `{name}` if it is a legacy connection)"),
                    None,
                ));
            }
        }
    }

    /// `Some(None)`: `State` is already imported from websockets; `Some(Some(edit))`:
    /// the import to add; `None`: the name `State` means something else here.
    fn state_import(&self) -> Option<Option<Edit>> {
        let end = self.module.range.end();
        match self.checker.semantic.resolve_name("State", end) {
            Resolution::One(name)
                if matches!(
                    name.as_str(),
                    "websockets.protocol.State" | "websockets.State"
                ) =>
            {
                return Some(None);
            }
            Resolution::Unresolved if self.checker.semantic.reaching("State", end).is_empty() => {}
            _ => return None,
        }
        let source = self.checker.source;
        let eol = line_ending(source);
        let at = new_import_position(self.module, source);
        let text = if usize::from(at) == source.len() && !source.ends_with('\n') {
            format!("{eol}from websockets.protocol import State{eol}")
        } else {
            format!("from websockets.protocol import State{eol}")
        };
        Some(Some(Edit::insertion(text, at)))
    }
}

/// `x.open` → `x.state is State.OPEN` (parenthesised where the context needs it),
/// with the `State` import when the file lacks it.
fn state_fix(
    expr: &Expr,
    parent: Option<&Expr>,
    receiver: &str,
    state: &str,
    import: Option<Edit>,
    applicability: Applicability,
) -> Fix {
    let comparison = format!("{receiver}.state is State.{state}");
    let text = if needs_parentheses(parent, expr) {
        format!("({comparison})")
    } else {
        comparison
    };
    let mut edits = vec![Edit::replacement(text, expr.range())];
    edits.extend(import);
    Fix {
        title: format!("Compare `state` with `State.{state}`"),
        edits,
        applicability,
        requires: None,
    }
}

/// Names people give websockets connections. Deliberately narrow: `conn`,
/// `connection` and `socket` also name database connections and sockets, which
/// have `.closed` too (the standard library's own tests do).
fn looks_like_connection(name: &str) -> bool {
    let name = name.trim_start_matches('_').to_ascii_lowercase();
    matches!(name.as_str(), "ws" | "websocket" | "wsconn" | "ws_conn")
        || name.ends_with("_ws")
        || name.ends_with("_websocket")
        || name.starts_with("ws_")
        || name.starts_with("websocket_")
}

/// Whether `x.state is State.OPEN` needs parentheses where `x.open` stood.
fn needs_parentheses(parent: Option<&Expr>, expr: &Expr) -> bool {
    match parent {
        None => false,
        Some(
            Expr::BoolOp(_)
            | Expr::If(_)
            | Expr::Lambda(_)
            | Expr::List(_)
            | Expr::Tuple(_)
            | Expr::Set(_),
        ) => false,
        Some(Expr::UnaryOp(unary)) => unary.op != UnaryOp::Not,
        Some(Expr::Call(call)) => call.func.range() == expr.range(),
        Some(Expr::Named(_)) => false,
        Some(_) => true,
    }
}

/// What a test proves of a receiver where it is true.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Narrowed {
    /// `isinstance(ws, WebSocketClientProtocol)`: a legacy connection.
    Legacy,
    /// `isinstance(ws, ClientConnection)`: a new connection.
    New(Side),
    /// `hasattr(ws, "closed")`: it has that attribute.
    HasAttribute(String),
}

/// The receivers `test` narrows where it is true: `isinstance(ws, C)` with
/// connection classes (alone or in a tuple), `hasattr(ws, "name")`, also
/// inside an `and`.
fn narrowed_receivers(test: &Expr, checker: &Checker<'_>) -> Vec<(String, Narrowed)> {
    let builtin = |name: &str, expr: &Expr| {
        matches!(expr, Expr::Name(n)
            if n.id.as_str() == name && checker.semantic.reaching(name, n.start()).is_empty())
    };
    match test {
        Expr::BoolOp(bool_op) if bool_op.op == BoolOp::And => bool_op
            .values
            .iter()
            .flat_map(|v| narrowed_receivers(v, checker))
            .collect(),
        Expr::Call(call) => {
            let [receiver, second] = call.arguments.args.as_ref() else {
                return Vec::new();
            };
            let receiver = checker.text(receiver.range()).to_string();
            if builtin("hasattr", &call.func) {
                return match second {
                    Expr::StringLiteral(s) => {
                        vec![(
                            receiver,
                            Narrowed::HasAttribute(s.value.to_str().to_string()),
                        )]
                    }
                    _ => Vec::new(),
                };
            }
            if !builtin("isinstance", &call.func) {
                return Vec::new();
            }
            let classes: Vec<&Expr> = match second {
                Expr::Tuple(tuple) => tuple.elts.iter().collect(),
                other => vec![other],
            };
            let kinds: Vec<Option<Narrowed>> = classes
                .iter()
                .map(|class| class_narrowing(class, checker))
                .collect();
            match kinds.as_slice() {
                [Some(kind)] => vec![(receiver, kind.clone())],
                many if !many.is_empty() && many.iter().all(|k| *k == Some(Narrowed::Legacy)) => {
                    vec![(receiver, Narrowed::Legacy)]
                }
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

/// What `isinstance(x, class)` proves of `x`, for a connection class.
fn class_narrowing(class: &Expr, checker: &Checker<'_>) -> Option<Narrowed> {
    let resolution = checker.semantic.resolve_expr(class);
    let candidates = resolution.candidates();
    if candidates.is_empty() {
        return None;
    }
    if candidates
        .iter()
        .all(|q| is_legacy_connection_class(q.as_str()))
    {
        return Some(Narrowed::Legacy);
    }
    let side = |q: &str| match q {
        "websockets.asyncio.client.ClientConnection" | "websockets.ClientConnection" => {
            Some(Side::Client)
        }
        "websockets.asyncio.server.ServerConnection" | "websockets.ServerConnection" => {
            Some(Side::Server)
        }
        _ => None,
    };
    let first = side(candidates[0].as_str())?;
    candidates
        .iter()
        .all(|q| side(q.as_str()) == Some(first))
        .then_some(Narrowed::New(first))
}

/// A legacy connection class of websockets, by any of its paths.
fn is_legacy_connection_class(qualified: &str) -> bool {
    qualified.starts_with("websockets.")
        && matches!(
            qualified.rsplit('.').next(),
            Some("WebSocketClientProtocol" | "WebSocketServerProtocol" | "WebSocketCommonProtocol")
        )
}

/// Whether the file calls the legacy client (explicitly, or through top-level
/// names below 14.0).
fn calls_legacy_client(module: &ModModule, checker: &Checker<'_>) -> bool {
    all_calls(module).into_iter().any(|call| {
        client_call(call, checker)
            .is_some_and(|c| c.clients.iter().any(|(c, _)| *c == Client::Legacy))
    })
}
