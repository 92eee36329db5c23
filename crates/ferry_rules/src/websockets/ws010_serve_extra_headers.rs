//! `extra_headers=` passed to the new asyncio server, which sets response headers in `process_response`.
//!
//! ## What it does
//! Finds the keyword `extra_headers=` in calls that reach `websockets.serve` /
//! `websockets.unix_serve` (when the project targets websockets >= 14) or
//! `websockets.asyncio.server.serve` / `unix_serve`, through any import or alias.
//!
//! ## Why is this bad
//! The new server has no `extra_headers`: the keyword is forwarded to the event
//! loop and the server fails to start with
//! `TypeError: BaseEventLoop.create_server() got an unexpected keyword argument 'extra_headers'`
//! (at `serve(...)` on 14.0–16.x, at `async with` / `await` on 17.x).
//! The new API adds headers to the handshake response in a `process_response`
//! hook, and sets the `Server` header with `server_header=`.
//!
//! ## Example
//! ```python
//! server = await websockets.serve(handler, host, port, extra_headers=[("X-Chat-Server", "1")])
//! ```
//! Use instead:
//! ```python
//! server = await websockets.serve(
//!     handler, host, port,
//!     process_response=lambda connection, request, response: response.headers.update([("X-Chat-Server", "1")]),
//! )
//! ```
//! A value that only sets `Server` becomes `server_header="..."`.
//!
//! ## Fix safety
//! Safe when the value is a header literal (a dict, list or tuple of pairs),
//! a name bound to one, or a `Headers(...)`/`dict(...)` call: the hook adds the
//! same headers to every handshake response, as `extra_headers` did. When the
//! value is a function (legacy `(path, request_headers) -> headers`), the hook
//! calls it with `request.path` and `request.headers`: also safe. When Ferry
//! cannot tell whether the value is headers or a function, the headers reading
//! is offered as an unsafe fix. When the call already passes
//! `process_response=`, the two must be merged by hand: a review item.

use ferry_engine::{Applicability, Checker, Edit, Fix, Rule};
use ferry_python::ast::{self, Expr};
use ferry_python::{BindingKind, Origin, Ranged};

use super::api::{serve_call, Server};

pub struct ServeExtraHeaders;

/// What the legacy `extra_headers` value is.
enum HeadersValue {
    /// Headers known statically (a literal or a name bound to one).
    Literal,
    /// A legacy callable `(path, request_headers) -> headers`.
    Callable,
    /// Cannot tell.
    Unknown,
}

impl Rule for ServeExtraHeaders {
    fn code(&self) -> &'static str {
        "WS010"
    }

    fn name(&self) -> &'static str {
        "ServeExtraHeaders"
    }

    fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
        let Expr::Call(call) = expr else { return };
        let Some(keyword) = call.arguments.find_keyword("extra_headers") else {
            return;
        };
        let Some(serve) = serve_call(call, checker) else {
            return;
        };
        let Some(arg) = keyword.arg.as_ref() else { return };
        let name = serve.shown_name().to_string();
        match serve.only() {
            Some(Server::NewAsyncio) => {}
            Some(Server::Legacy | Server::Sync) => return,
            None => {
                checker.report(
                    arg.range(),
                    format!("`extra_headers` is right for the legacy server but fails on the new one, and this callee may be either (`{name}`): make the import unconditional, then use `process_response`"),
                    None,
                );
                return;
            }
        }
        let message = format!(
            "`{name}` is the new asyncio server, which has no `extra_headers`; the server fails to start with `TypeError: ... unexpected keyword argument 'extra_headers'`"
        );
        if serve.keyword("process_response").is_some() {
            checker.report(
                arg.range(),
                format!("{message}: this call already has `process_response`, so add the headers there (`response.headers.update(...)`)"),
                None,
            );
            return;
        }
        let value = &keyword.value;
        let value_text = checker.text(value.range()).to_string();
        if let Some(server) = only_server_header(value) {
            if serve.keyword("server_header").is_none() {
                let fix = Fix {
                    title: "Use `server_header=` for the `Server` header".to_string(),
                    edits: vec![Edit::replacement(
                        format!("server_header={}", checker.text(server.range())),
                        keyword.range(),
                    )],
                    applicability: Applicability::Safe,
                };
                checker.report(arg.range(), format!("{message}: use `server_header`"), Some(fix));
                return;
            }
        }
        let kind = classify(value, checker);
        let clashes = mentions_hook_names(value);
        let hook = match kind {
            HeadersValue::Callable => {
                // A name can be called as it is; anything else (a lambda) needs parentheses.
                let callee = if matches!(value, Expr::Name(_) | Expr::Attribute(_)) {
                    value_text.clone()
                } else {
                    format!("({value_text})")
                };
                format!(
                    "process_response=lambda connection, request, response: response.headers.update({callee}(request.path, request.headers))"
                )
            }
            HeadersValue::Literal | HeadersValue::Unknown => format!(
                "process_response=lambda connection, request, response: response.headers.update({value_text})"
            ),
        };
        let applicability = match kind {
            HeadersValue::Literal | HeadersValue::Callable if !clashes => Applicability::Safe,
            _ => Applicability::Unsafe,
        };
        let note = match (kind, clashes) {
            (_, true) => ": set them in `process_response` (check the generated hook: the value uses the names `connection`, `request` or `response`)",
            (HeadersValue::Unknown, false) => ": set them in `process_response` (check whether the value is headers or a legacy `(path, request_headers)` function)",
            _ => ": set them in `process_response`",
        };
        let fix = Fix {
            title: "Set the headers in `process_response`".to_string(),
            edits: vec![Edit::replacement(hook, keyword.range())],
            applicability,
        };
        checker.report(arg.range(), format!("{message}{note}"), Some(fix));
    }
}

/// `{"Server": v}` or `[("Server", v)]`: the value of the only header, `Server`.
fn only_server_header(value: &Expr) -> Option<&Expr> {
    let is_server = |key: &Expr| matches!(key, Expr::StringLiteral(s) if s.value.to_str().eq_ignore_ascii_case("server"));
    match value {
        Expr::Dict(dict) => match dict.items.as_slice() {
            [ast::DictItem { key: Some(key), value }] if is_server(key) => Some(value),
            _ => None,
        },
        Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => match elts.as_slice() {
            [Expr::Tuple(pair)] => match pair.elts.as_slice() {
                [key, value] if is_server(key) => Some(value),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

fn is_header_literal(value: &Expr, checker: &Checker<'_>) -> bool {
    match value {
        Expr::Dict(_) | Expr::List(_) | Expr::Tuple(_) => true,
        Expr::Call(call) => {
            let callee = checker.semantic.resolve_expr(&call.func);
            let builtin_dict = matches!(call.func.as_ref(), Expr::Name(n) if n.id.as_str() == "dict")
                && callee == ferry_python::Resolution::Unresolved
                && checker.semantic.reaching("dict", call.start()).is_empty();
            builtin_dict
                || callee.candidates().iter().any(|q| {
                    matches!(q.as_str(), "websockets.datastructures.Headers" | "websockets.Headers" | "websockets.http.Headers")
                })
        }
        _ => false,
    }
}

fn classify(value: &Expr, checker: &Checker<'_>) -> HeadersValue {
    if is_header_literal(value, checker) {
        return HeadersValue::Literal;
    }
    match value {
        Expr::Lambda(_) => HeadersValue::Callable,
        Expr::Name(name) => {
            let bindings = checker.semantic.reaching(name.id.as_str(), name.start());
            let origins: Vec<&Origin<'_>> = bindings
                .iter()
                .filter_map(|b| match b {
                    BindingKind::Opaque(origin) => Some(origin),
                    _ => None,
                })
                .collect();
            if origins.is_empty() || origins.len() != bindings.len() {
                return HeadersValue::Unknown;
            }
            if origins.iter().all(|o| matches!(o, Origin::FunctionDef(_))) {
                HeadersValue::Callable
            } else if origins
                .iter()
                .all(|o| matches!(o, Origin::Assign { value } if is_header_literal(value, checker)))
            {
                HeadersValue::Literal
            } else {
                HeadersValue::Unknown
            }
        }
        _ => HeadersValue::Unknown,
    }
}

/// Whether the value's code uses a name the generated hook's parameters would shadow.
fn mentions_hook_names(value: &Expr) -> bool {
    use ferry_python::ast::visitor::{self, Visitor};
    struct Finder(bool);
    impl<'a> Visitor<'a> for Finder {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Name(name) = expr {
                if matches!(name.id.as_str(), "connection" | "request" | "response") {
                    self.0 = true;
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut finder = Finder(false);
    finder.visit_expr(value);
    finder.0
}
