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
//! `ConnectionClosed` is often better than polling); `.host` / `.port` →
//! `remote_address[0]` / `[1]` on the client and `local_address[0]` / `[1]` on
//! the server. `.secure` and legacy internals (`ensure_open()`,
//! `transfer_data_task`, ...) have no equivalent: review items. When `State` is
//! already bound to something else, `.open` / `.closed` are review items too.

use ferry_engine::{Applicability, Checker, Edit, Fix, Rule};
use ferry_python::ast::visitor::{self, Visitor};
use ferry_python::ast::{Expr, ExprAttribute, ExprContext, ModModule, Stmt, UnaryOp};
use ferry_python::{Ranged, Resolution};

use super::api::{line_ending, new_import_position};
use super::connections::{Connections, Known, Side};

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
            reports: Vec::new(),
        };
        walker.visit_body(&module.body);
        let reports = walker.reports;
        for (range, message, fix) in reports {
            checker.report(range, message, fix);
        }
    }
}

/// Legacy-only members with no equivalent on the new connections.
const LEGACY_INTERNALS: &[&str] = &[
    "secure",
    "ensure_open",
    "transfer_data_task",
    "close_connection_task",
    "keepalive_ping_task",
    "fail_connection",
    "connection_open",
    "read_message",
    "ws_server",
    "ws_handler",
];

type Report = (ferry_python::TextRange, String, Option<Fix>);

struct AttributeWalker<'m, 'c, 'a> {
    module: &'m ModModule,
    connections: &'m Connections<'a>,
    checker: &'c Checker<'a>,
    /// Enclosing expressions of the one being visited (innermost last).
    parents: Vec<&'m Expr>,
    reports: Vec<Report>,
}

impl<'m> Visitor<'m> for AttributeWalker<'m, '_, '_> {
    fn visit_stmt(&mut self, stmt: &'m Stmt) {
        let saved = std::mem::take(&mut self.parents);
        visitor::walk_stmt(self, stmt);
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
        let known = matches!(
            name,
            "open" | "closed" | "path" | "request_headers" | "response_headers" | "host" | "port"
        ) || LEGACY_INTERNALS.contains(&name);
        if !known {
            return;
        }
        let parent = self.parents.last().copied();
        // `x.open(...)` is a method call of something else (a file, a socket...).
        if let Some(Expr::Call(call)) = parent {
            if call.func.range() == expr.range() && !LEGACY_INTERNALS.contains(&name) {
                return;
            }
        }
        let receiver = self.checker.text(attr.value.range());
        let side = match self.connections.known(&attr.value, self.checker) {
            Some(Known::New(side)) => side,
            Some(Known::Legacy) => return,
            None => {
                // Below 14 the top-level API is the legacy one: only proven receivers count.
                let target = self.checker.settings.target(super::PACK.library);
                if target.is_none_or(|v| v.major() >= 14) {
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
                (
                    format!("{receiver}.{address}[{index}]"),
                    "Read the address tuple",
                )
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
                self.reports.push((
                    attr.attr.range(),
                    format!("{gone}: it is a legacy internal with no equivalent in the new implementation; rewrite this code against the new API"),
                    None,
                ));
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
