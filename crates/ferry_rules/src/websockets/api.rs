//! Which websockets object a call reaches, and whether it is the legacy or the
//! new implementation, for the version the project targets.

use ferry_engine::{Applicability, Checker, Edit, Fix, Release, Version};
use ferry_packs::imports::expr_chain_root;
pub use ferry_packs::imports::{
    chain_import, line_ending, new_import_position, ChainImport, LegacyModule,
};
use ferry_python::ast::visitor::{self, Visitor};
use ferry_python::ast::{
    self as ast, Expr, ExprCall, ExprContext, Keyword, ModModule, ParameterWithDefault, Stmt,
    StmtFunctionDef,
};
use ferry_python::{BindingKind, Origin, QualifiedName, Ranged, Resolution, TextRange, TextSize};

/// The release where `websockets.connect` and friends became the new implementation.
const NEW_DEFAULT_SINCE: u64 = 14;

/// The implementations a client `connect` can belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Client {
    /// `websockets.asyncio.client`, and top-level `websockets.connect` from 14.0.
    NewAsyncio,
    /// `websockets.sync.client` (threads): `additional_headers` since 11.0.
    Sync,
    /// `websockets.legacy.client`, the `websockets.client` aliases, and top-level
    /// `websockets.connect` before 14.0: `extra_headers` is right there.
    Legacy,
}

/// Classifies a qualified name as a client `connect`/`unix_connect`, if it is one.
pub fn client_of(name: &QualifiedName, target: Option<&Version>) -> Option<Client> {
    let top_level_is_new = target.is_none_or(|v| v.major() >= NEW_DEFAULT_SINCE);
    let (module, function) = name.as_str().rsplit_once('.')?;
    if !matches!(function, "connect" | "unix_connect") {
        return None;
    }
    match module {
        "websockets" if top_level_is_new => Some(Client::NewAsyncio),
        "websockets" => Some(Client::Legacy),
        "websockets.asyncio.client" => Some(Client::NewAsyncio),
        "websockets.sync.client" => Some(Client::Sync),
        "websockets.legacy.client" | "websockets.client" => Some(Client::Legacy),
        _ => None,
    }
}

/// A call that opens a websockets client connection: either the call itself,
/// or `functools.partial(connect, ...)` whose keywords `connect` will receive.
pub struct ClientCall<'a> {
    /// Every client the callee may be (more than one when imports are conditional).
    pub clients: Vec<(Client, QualifiedName)>,
    /// Whether some candidate is not a websockets client at all.
    pub maybe_other: bool,
    pub keywords: &'a [Keyword],
}

impl ClientCall<'_> {
    /// The single implementation reached, if the callee is not ambiguous.
    pub fn only(&self) -> Option<Client> {
        let first = self.clients.first()?.0;
        (!self.maybe_other && self.clients.iter().all(|(c, _)| *c == first)).then_some(first)
    }

    /// The name to show in messages, e.g. `websockets.connect`.
    pub fn shown_name(&self) -> &str {
        self.clients
            .first()
            .map_or("connect", |(_, name)| name.as_str())
    }

    pub fn keyword(&self, name: &str) -> Option<&Keyword> {
        self.keywords
            .iter()
            .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == name))
    }
}

/// What a fix for a call of one of `names` needs: a top-level name
/// (`websockets.connect`) reaches the new implementation from 14.0 on; the
/// `websockets.asyncio` and `websockets.sync` paths the file already
/// imports need nothing more (where they are missing, so is the file).
fn requires_for<'n>(mut names: impl Iterator<Item = &'n QualifiedName>) -> Option<Release> {
    let top_level = names.any(|name| {
        name.as_str()
            .rsplit_once('.')
            .is_some_and(|(module, _)| module == "websockets")
    });
    Some(if top_level {
        super::facts::TOP_LEVEL_IS_NEW.since
    } else {
        Release::ANY
    })
}

/// Whether the file calls the legacy client or server (explicitly, or
/// through top-level names below 14.0): its connections are legacy objects.
pub fn uses_legacy_implementation(module: &ModModule, checker: &Checker<'_>) -> bool {
    all_calls(module).into_iter().any(|call| {
        client_call(call, checker)
            .is_some_and(|c| c.clients.iter().any(|(c, _)| *c == Client::Legacy))
            || serve_call(call, checker)
                .is_some_and(|s| s.servers.iter().any(|(s, _)| *s == Server::Legacy))
    })
}

/// Whether the file calls the new client or server (asyncio or threading).
pub fn calls_new_implementation(module: &ModModule, checker: &Checker<'_>) -> bool {
    all_calls(module).into_iter().any(|call| {
        client_call(call, checker)
            .is_some_and(|c| c.clients.iter().any(|(c, _)| *c != Client::Legacy))
            || serve_call(call, checker)
                .is_some_and(|s| s.servers.iter().any(|(s, _)| *s != Server::Legacy))
    })
}

/// Resolves `call` to a client call, or `None` if it cannot reach a websockets client.
pub fn client_call<'a>(call: &'a ExprCall, checker: &Checker<'_>) -> Option<ClientCall<'a>> {
    let target = checker.settings.target(super::PACK.library);
    let mut resolution = checker.semantic.resolve_expr(&call.func);
    if is_partial(&resolution) {
        // functools.partial(connect, ...): the keywords go to its first argument.
        resolution = checker.semantic.resolve_expr(call.arguments.args.first()?);
    }
    let mut clients = Vec::new();
    let mut maybe_other = false;
    for name in resolution.candidates() {
        match client_of(name, target) {
            Some(client) => clients.push((client, name.clone())),
            None => maybe_other = true,
        }
    }
    (!clients.is_empty()).then_some(ClientCall {
        clients,
        maybe_other,
        keywords: &call.arguments.keywords,
    })
}

/// The implementations a `serve`/`unix_serve` can belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Server {
    /// `websockets.asyncio.server`, and top-level `websockets.serve` from 14.0.
    NewAsyncio,
    /// `websockets.sync.server` (threads).
    Sync,
    /// `websockets.legacy.server`, the `websockets.server` aliases, and top-level
    /// `websockets.serve` before 14.0.
    Legacy,
}

/// Classifies a qualified name as a `serve`/`unix_serve`, if it is one.
pub fn server_of(name: &QualifiedName, target: Option<&Version>) -> Option<Server> {
    let top_level_is_new = target.is_none_or(|v| v.major() >= NEW_DEFAULT_SINCE);
    let (module, function) = name.as_str().rsplit_once('.')?;
    if !matches!(function, "serve" | "unix_serve") {
        return None;
    }
    match module {
        "websockets" if top_level_is_new => Some(Server::NewAsyncio),
        "websockets" => Some(Server::Legacy),
        "websockets.asyncio.server" => Some(Server::NewAsyncio),
        "websockets.sync.server" => Some(Server::Sync),
        "websockets.legacy.server" | "websockets.server" => Some(Server::Legacy),
        _ => None,
    }
}

/// A call that starts a websockets server (directly or through `functools.partial`).
pub struct ServeCall<'a> {
    pub call: &'a ExprCall,
    /// Every implementation the callee may be.
    pub servers: Vec<(Server, QualifiedName)>,
    pub maybe_other: bool,
}

impl<'a> ServeCall<'a> {
    /// The single implementation reached, if the callee is not ambiguous.
    pub fn only(&self) -> Option<Server> {
        let first = self.servers.first()?.0;
        (!self.maybe_other && self.servers.iter().all(|(s, _)| *s == first)).then_some(first)
    }

    pub fn shown_name(&self) -> &str {
        self.servers
            .first()
            .map_or("serve", |(_, name)| name.as_str())
    }

    /// The release whose names a fix written for this call needs: top-level
    /// `websockets.serve` is the new server only from 14.0.
    pub fn requires(&self) -> Option<Release> {
        requires_for(self.servers.iter().map(|(_, name)| name))
    }

    pub fn keyword(&self, name: &str) -> Option<&'a Keyword> {
        self.call.arguments.find_keyword(name)
    }

    /// The connection handler: first positional argument, or `handler=` / `ws_handler=`.
    pub fn handler(&self) -> Option<&'a Expr> {
        self.call
            .arguments
            .args
            .first()
            .filter(|arg| !arg.is_starred_expr())
            .or_else(|| {
                self.keyword("handler")
                    .or_else(|| self.keyword("ws_handler"))
                    .map(|k| &k.value)
            })
    }
}

/// Resolves `call` to a `serve` call, or `None` if it cannot reach a websockets server.
pub fn serve_call<'a>(call: &'a ExprCall, checker: &Checker<'_>) -> Option<ServeCall<'a>> {
    let target = checker.settings.target(super::PACK.library);
    let resolution = checker.semantic.resolve_expr(&call.func);
    let mut servers = Vec::new();
    let mut maybe_other = false;
    for name in resolution.candidates() {
        match server_of(name, target) {
            Some(server) => servers.push((server, name.clone())),
            None => maybe_other = true,
        }
    }
    (!servers.is_empty()).then_some(ServeCall {
        call,
        servers,
        maybe_other,
    })
}

/// A call to the new asyncio implementation's `connect` or `serve` (or their
/// `unix_` forms, directly or through `functools.partial`), with the name to show.
pub fn new_asyncio_call<'a>(
    call: &'a ExprCall,
    checker: &Checker<'_>,
) -> Option<(&'a [Keyword], String)> {
    if let Some(client) = client_call(call, checker) {
        return (client.only() == Some(Client::NewAsyncio))
            .then(|| (client.keywords, client.shown_name().to_string()));
    }
    let serve = serve_call(call, checker)?;
    (serve.only() == Some(Server::NewAsyncio))
        .then(|| (&call.arguments.keywords[..], serve.shown_name().to_string()))
}

/// The fix that renames a keyword argument (only the name's bytes change).
pub fn rename_keyword(arg: &ferry_python::ast::Identifier, new: &str) -> ferry_engine::Fix {
    ferry_engine::Fix {
        title: format!("Rename `{}` to `{new}`", arg.as_str()),
        edits: vec![ferry_engine::Edit::replacement(new, arg.range())],
        applicability: ferry_engine::Applicability::Safe,
        requires: None,
    }
}

/// The functions defined in this file and passed as `keyword=` (e.g.
/// `process_request`) to the new asyncio `serve`, each once, with the name of
/// the `serve` they are passed to.
pub fn new_serve_hooks<'a>(
    module: &'a ModModule,
    checker: &Checker<'a>,
    keyword: &str,
) -> Vec<(&'a StmtFunctionDef, String)> {
    let mut hooks: Vec<(&'a StmtFunctionDef, String)> = Vec::new();
    for call in all_calls(module) {
        let Some(serve) = serve_call(call, checker) else {
            continue;
        };
        if serve.only() != Some(Server::NewAsyncio) {
            continue;
        }
        let Some(hook) = serve.keyword(keyword) else {
            continue;
        };
        let Some(def) = local_function(&hook.value, checker) else {
            continue;
        };
        if hooks.iter().all(|(seen, _)| seen.range != def.range) {
            hooks.push((def, serve.shown_name().to_string()));
        }
    }
    hooks
}

/// Every call in the module, in source order (for rules that look at the whole file).
pub fn all_calls(module: &ModModule) -> Vec<&ExprCall> {
    struct Calls<'a>(Vec<&'a ExprCall>);
    impl<'a> Visitor<'a> for Calls<'a> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                self.0.push(call);
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut calls = Calls(Vec::new());
    calls.visit_body(&module.body);
    calls.0
}

/// The `def` a name refers to at its use, when that is the only thing it can be.
pub fn local_function<'a>(expr: &Expr, checker: &Checker<'a>) -> Option<&'a StmtFunctionDef> {
    let Expr::Name(name) = expr else { return None };
    match checker
        .semantic
        .single_binding(name.id.as_str(), name.start())
    {
        Some(BindingKind::Opaque(Origin::FunctionDef(def))) => Some(def),
        _ => None,
    }
}

/// The indentation of `stmt` when it starts its own line, else `None`.
pub fn own_line_indent(source: &str, at: TextSize) -> Option<&str> {
    let start = usize::from(at);
    let line_start = source[..start].rfind(['\n', '\r']).map_or(0, |p| p + 1);
    let indent = &source[line_start..start];
    indent
        .chars()
        .all(|c| c == ' ' || c == '\t')
        .then_some(indent)
}

/// Whether `stmt`, first in a body, is its docstring.
fn is_docstring(stmt: &Stmt) -> bool {
    matches!(stmt, Stmt::Expr(e) if e.value.is_string_literal_expr())
}

/// The first statement of a body that is not its docstring.
pub fn first_statement_after_docstring(body: &[Stmt]) -> Option<&Stmt> {
    match body {
        [first, rest @ ..] if is_docstring(first) => rest.first(),
        _ => body.first(),
    }
}

/// Whether a parameter of `function` is read anywhere in its body (nested
/// functions included), resolved through scopes so shadowing names do not count.
pub fn parameter_is_used(function: &StmtFunctionDef, index: usize, checker: &Checker<'_>) -> bool {
    let Some(param) = function.parameters.iter().nth(index) else {
        return false;
    };
    let wanted = param.name().as_str();
    struct Uses<'c, 'a> {
        wanted: &'c str,
        function: &'c StmtFunctionDef,
        index: usize,
        checker: &'c Checker<'a>,
        found: bool,
    }
    impl<'b> Visitor<'b> for Uses<'_, '_> {
        fn visit_expr(&mut self, expr: &'b Expr) {
            if let Expr::Name(name) = expr {
                if name.id.as_str() == self.wanted && name.ctx == ExprContext::Load {
                    let bindings = self.checker.semantic.reaching(self.wanted, name.start());
                    self.found |= bindings.iter().any(|b| {
                        matches!(b, BindingKind::Opaque(Origin::Parameter { function, index, .. })
                            if std::ptr::eq(*function, self.function) && *index == self.index)
                    });
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut uses = Uses {
        wanted,
        function,
        index,
        checker,
        found: false,
    };
    uses.visit_body(&function.body);
    uses.found
}

// The parts of a `serve` call that differ between the legacy and the new
// server. WS010–WS017 rewrite them on calls to the new `serve`; WS071 moves a
// whole explicit legacy call, with all of them, in one fix.

/// Where a call runs: module level (no event loop yet), or inside a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallPlace {
    /// Module level or a class body outside any function.
    ModuleLevel,
    /// Inside a plain `def` or a lambda.
    PlainFunction,
    /// Inside an `async def` (directly, not in a nested plain function).
    AsyncFunction,
}

/// Every call in the module, in source order, with where it runs.
pub fn call_places(module: &ModModule) -> Vec<(&ExprCall, CallPlace)> {
    struct Walker<'a> {
        functions: Vec<CallPlace>,
        found: Vec<(&'a ExprCall, CallPlace)>,
    }
    impl<'a> Visitor<'a> for Walker<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if let Stmt::FunctionDef(def) = stmt {
                // Decorators, defaults and annotations run where the `def` is.
                let place = if def.is_async {
                    CallPlace::AsyncFunction
                } else {
                    CallPlace::PlainFunction
                };
                self.functions.push(place);
                visitor::walk_stmt(self, stmt);
                self.functions.pop();
                return;
            }
            visitor::walk_stmt(self, stmt);
        }

        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                let place = self
                    .functions
                    .last()
                    .copied()
                    .unwrap_or(CallPlace::ModuleLevel);
                self.found.push((call, place));
            }
            if let Expr::Lambda(_) = expr {
                self.functions.push(CallPlace::PlainFunction);
                visitor::walk_expr(self, expr);
                self.functions.pop();
                return;
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut walker = Walker {
        functions: Vec::new(),
        found: Vec::new(),
    };
    walker.visit_body(&module.body);
    walker.found
}

/// What to do instead of `create_protocol=` / `klass=`, which the new implementation does not take.
pub fn protocol_class_advice(keyword: &Keyword, checker: &Checker<'_>) -> &'static str {
    let basic_auth = matches!(&keyword.value, Expr::Call(factory)
        if checker.semantic.resolve_expr(&factory.func).candidates().iter().any(|q| q.as_str().ends_with("basic_auth_protocol_factory")));
    if basic_auth {
        "replace `basic_auth_protocol_factory(...)` with `process_request=websockets.asyncio.server.basic_auth(...)` (same `credentials` / `check_credentials`; `realm` now defaults to `\"\"`), awaiting it inside your own `process_request` if you have one"
    } else {
        "re-implement the class on `ClientConnection` / `ServerConnection` and pass it as `create_connection=`, or move its overrides to `process_request` / `process_response`"
    }
}

/// The `""` entries of a literal `origins=[...]`, which the new server spells `None`.
pub fn empty_origins(keyword: &Keyword) -> Vec<&Expr> {
    let elts = match &keyword.value {
        Expr::List(list) => &list.elts,
        Expr::Tuple(tuple) => &tuple.elts,
        _ => return Vec::new(),
    };
    elts.iter()
        .filter(|e| matches!(e, Expr::StringLiteral(s) if s.value.to_str().is_empty()))
        .collect()
}

/// What the legacy server-side `extra_headers` value is.
#[derive(Clone, Copy)]
enum HeadersValue {
    /// Headers known statically (a literal or a name bound to one).
    Literal,
    /// A legacy callable `(path, request_headers) -> headers`.
    Callable,
    /// Cannot tell.
    Unknown,
}

/// What replaces a server-side `extra_headers=` on the new server.
pub enum ServerHeaders {
    /// The call already passes `process_response=`: the headers go there, by hand.
    MergeByHand,
    /// The fix that replaces the keyword, and what a finding's message adds
    /// (it starts with `:`).
    Rewrite { fix: Fix, note: &'static str },
}

/// The replacement of `keyword` (`extra_headers=`) in a `serve` call: a
/// `process_response` hook that adds the same headers, or `server_header=`
/// when the value only sets `Server`.
pub fn server_extra_headers(
    call: &ExprCall,
    keyword: &Keyword,
    checker: &Checker<'_>,
) -> ServerHeaders {
    if call.arguments.find_keyword("process_response").is_some() {
        return ServerHeaders::MergeByHand;
    }
    let value = &keyword.value;
    let value_text = checker.text(value.range()).to_string();
    if let Some(server) = only_server_header(value) {
        if call.arguments.find_keyword("server_header").is_none() {
            let fix = Fix {
                title: "Use `server_header=` for the `Server` header".to_string(),
                edits: vec![Edit::replacement(
                    format!("server_header={}", checker.text(server.range())),
                    keyword.range(),
                )],
                applicability: Applicability::Safe,
                requires: None,
            };
            return ServerHeaders::Rewrite {
                fix,
                note: ": use `server_header`",
            };
        }
    }
    let kind = classify_headers(value, checker);
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
        requires: None,
    };
    ServerHeaders::Rewrite { fix, note }
}

/// `{"Server": v}` or `[("Server", v)]`: the value of the only header, `Server`.
fn only_server_header(value: &Expr) -> Option<&Expr> {
    let is_server = |key: &Expr| matches!(key, Expr::StringLiteral(s) if s.value.to_str().eq_ignore_ascii_case("server"));
    match value {
        Expr::Dict(dict) => match dict.items.as_slice() {
            [ast::DictItem {
                key: Some(key),
                value,
            }] if is_server(key) => Some(value),
            _ => None,
        },
        Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => {
            match elts.as_slice() {
                [Expr::Tuple(pair)] => match pair.elts.as_slice() {
                    [key, value] if is_server(key) => Some(value),
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    }
}

fn is_header_literal(value: &Expr, checker: &Checker<'_>) -> bool {
    match value {
        Expr::Dict(_) | Expr::List(_) | Expr::Tuple(_) => true,
        Expr::Call(call) => {
            let callee = checker.semantic.resolve_expr(&call.func);
            let builtin_dict = matches!(call.func.as_ref(), Expr::Name(n) if n.id.as_str() == "dict")
                && callee == Resolution::Unresolved
                && checker.semantic.reaching("dict", call.start()).is_empty();
            builtin_dict
                || callee.candidates().iter().any(|q| {
                    matches!(
                        q.as_str(),
                        "websockets.datastructures.Headers"
                            | "websockets.Headers"
                            | "websockets.http.Headers"
                    )
                })
        }
        _ => false,
    }
}

fn classify_headers(value: &Expr, checker: &Checker<'_>) -> HeadersValue {
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

/// A connection handler still written `(websocket, path)` for the legacy server.
pub struct PathHandler<'a> {
    pub websocket: &'a ParameterWithDefault,
    pub path: &'a ParameterWithDefault,
    /// The edits that drop `path` and, when the body reads it, bind it from
    /// `websocket.request.path` on the body's first line; `None` when the body
    /// starts on the `def` line.
    pub edits: Option<Vec<Edit>>,
}

/// The handler's legacy `(websocket, path)` parameters, if it has them after
/// its first `bound` positional ones (a bound method's `self`, a partial's
/// arguments): exactly two more, no `*args`/`**kwargs`/keyword-only ones, and
/// `path` without a default other than `None`.
pub fn legacy_path_handler<'a>(
    def: &'a StmtFunctionDef,
    bound: usize,
    checker: &Checker<'_>,
) -> Option<PathHandler<'a>> {
    let params = &def.parameters;
    let positional: Vec<&ParameterWithDefault> = params
        .posonlyargs
        .iter()
        .chain(params.args.iter())
        .collect();
    let [websocket, path] = positional.get(bound..)? else {
        return None;
    };
    let (websocket, path) = (*websocket, *path);
    if params.vararg.is_some() || params.kwarg.is_some() || !params.kwonlyargs.is_empty() {
        return None;
    }
    if path
        .default
        .as_ref()
        .is_some_and(|d| !d.is_none_literal_expr())
    {
        return None;
    }
    let mut edits = vec![Edit::deletion(TextRange::new(websocket.end(), path.end()))];
    if parameter_is_used(def, bound + 1, checker) {
        let first = first_statement_after_docstring(&def.body);
        let Some((first, indent)) =
            first.and_then(|f| own_line_indent(checker.source, f.start()).map(|i| (f, i)))
        else {
            return Some(PathHandler {
                websocket,
                path,
                edits: None,
            });
        };
        let binding = format!(
            "{} = {}.request.path{}{indent}",
            path.parameter.name.as_str(),
            websocket.parameter.name.as_str(),
            line_ending(checker.source)
        );
        edits.push(Edit::insertion(binding, first.start()));
    }
    Some(PathHandler {
        websocket,
        path,
        edits: Some(edits),
    })
}

/// The function behind a handler passed indirectly, when it is defined in this
/// file, with how many of its leading positional parameters are already bound:
/// `functools.partial(f, a, k=b)` (its arguments, keywords counted as bound) or
/// a bound method `self.name` (`self`).
pub fn indirect_handler<'a>(
    handler: &Expr,
    module: &'a ModModule,
    checker: &Checker<'a>,
) -> Option<(&'a StmtFunctionDef, usize)> {
    match handler {
        Expr::Call(call) => {
            if !is_partial(&checker.semantic.resolve_expr(&call.func)) {
                return None;
            }
            let def = local_function(call.arguments.args.first()?, checker)?;
            Some((
                def,
                call.arguments.args.len() - 1 + call.arguments.keywords.len(),
            ))
        }
        Expr::Attribute(attr) if matches!(attr.value.as_ref(), Expr::Name(n) if n.id.as_str() == "self") => {
            method_named(module, handler.start(), attr.attr.as_str()).map(|def| (def, 1))
        }
        _ => None,
    }
}

/// The method `name` of the class whose body holds `at`.
pub fn method_named<'a>(
    module: &'a ModModule,
    at: TextSize,
    name: &str,
) -> Option<&'a StmtFunctionDef> {
    fn find<'a>(body: &'a [Stmt], at: TextSize, name: &str) -> Option<&'a StmtFunctionDef> {
        for stmt in body {
            match stmt {
                Stmt::ClassDef(class) if class.range.contains(at) => {
                    let direct = class.body.iter().find_map(|s| match s {
                        Stmt::FunctionDef(def) if def.name.as_str() == name => Some(def),
                        _ => None,
                    });
                    return find(&class.body, at, name).or(direct);
                }
                Stmt::FunctionDef(def) if def.range.contains(at) => {
                    return find(&def.body, at, name)
                }
                _ => {}
            }
        }
        None
    }
    find(&module.body, at, name)
}

pub fn is_module_level(def: &StmtFunctionDef, module: &ModModule) -> bool {
    module.body.iter().any(|stmt| stmt.range() == def.range)
}

/// Ranges of every load of `name` in the module.
pub fn name_uses(name: &str, module: &ModModule) -> Vec<TextRange> {
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

/// The name a `package.….name` callee starts from.
pub fn chain_root(call: &ExprCall) -> Option<&str> {
    expr_chain_root(&call.func)
}

/// What a hook written for the legacy server (`process_request`,
/// `select_subprotocol`) needs on the new one.
pub enum HookRewrite {
    /// Nothing to change: not written for the legacy server, or it never reads
    /// the legacy arguments.
    Unchanged,
    /// Not two positional parameters: Ferry cannot tell what it expects.
    OtherSignature,
    /// Written for the legacy server, with no mechanical rewrite: why.
    Review(&'static str),
    /// Written for the legacy server: the edits of the rewrite (never safe:
    /// other code may call the function with the old arguments).
    Rewrite(Vec<Edit>),
}

/// The two positional parameters of a hook, if it has exactly two.
fn two_positional(def: &StmtFunctionDef) -> Option<[&ParameterWithDefault; 2]> {
    let params = &def.parameters;
    let mut positional = params.posonlyargs.iter().chain(params.args.iter());
    let pair = [positional.next()?, positional.next()?];
    positional.next().is_none().then_some(pair)
}

/// `process_request(path, request_headers)` → `(connection, request)`, with
/// `path`/`request_headers` bound from the request and `(status, [], b"text")`
/// returns turned into `connection.respond(status, "text")`. Unless
/// `assume_legacy` (the function is passed to the legacy server), a function
/// counts as legacy when it returns a tuple or its parameters are named
/// `(path, request_headers)`.
pub fn process_request_rewrite(
    def: &StmtFunctionDef,
    assume_legacy: bool,
    checker: &Checker<'_>,
) -> HookRewrite {
    let Some([first, second]) = two_positional(def) else {
        return HookRewrite::OtherSignature;
    };
    let (first_name, second_name) = (
        first.parameter.name.as_str(),
        second.parameter.name.as_str(),
    );
    let returns = returns(&def.body);
    if !assume_legacy {
        let returns_tuple = returns
            .iter()
            .any(|r| matches!(r.value.as_deref(), Some(Expr::Tuple(_))));
        let legacy_names =
            first_name == "path" && matches!(second_name, "request_headers" | "headers");
        if !(returns_tuple || legacy_names)
            || matches!(first_name, "connection" | "conn" | "websocket" | "ws")
        {
            return HookRewrite::Unchanged;
        }
    }
    let Some(responses) = returns
        .iter()
        .map(|r| respond_call(r, checker))
        .collect::<Option<Vec<Option<(TextRange, String)>>>>()
    else {
        return HookRewrite::Review(
            "it returns something other than `None` or a `(status, [], b\"text\")` tuple",
        );
    };
    if uses_any(&def.body, &["connection", "request"]) {
        return HookRewrite::Review("its body already uses the names `connection` or `request`");
    }
    let mut edits = vec![Edit::replacement(
        "connection, request",
        TextRange::new(first.start(), second.end()),
    )];
    let mut prologue = String::new();
    let eol = line_ending(checker.source);
    let Some(first_stmt) = first_statement_after_docstring(&def.body) else {
        return HookRewrite::Unchanged;
    };
    let Some(indent) = own_line_indent(checker.source, first_stmt.start()) else {
        return HookRewrite::Review("its body starts on the `def` line");
    };
    if parameter_is_used(def, 0, checker) {
        prologue.push_str(&format!("{first_name} = request.path{eol}{indent}"));
    }
    if parameter_is_used(def, 1, checker) {
        prologue.push_str(&format!("{second_name} = request.headers{eol}{indent}"));
    }
    if !prologue.is_empty() {
        edits.push(Edit::insertion(prologue, first_stmt.start()));
    }
    edits.extend(
        responses
            .into_iter()
            .flatten()
            .map(|(range, text)| Edit::replacement(text, range)),
    );
    HookRewrite::Rewrite(edits)
}

/// `select_subprotocol(client_subprotocols, server_subprotocols)` →
/// `(connection, client_subprotocols)`, when the server's list is not read.
/// Unless `assume_legacy`, a function whose first parameter is named like a
/// connection is taken as written for the new server.
pub fn select_subprotocol_rewrite(
    def: &StmtFunctionDef,
    assume_legacy: bool,
    checker: &Checker<'_>,
) -> HookRewrite {
    let Some([first, second]) = two_positional(def) else {
        return HookRewrite::OtherSignature;
    };
    if !assume_legacy
        && matches!(
            first.parameter.name.as_str(),
            "connection" | "conn" | "websocket" | "ws" | "self"
        )
    {
        return HookRewrite::Unchanged;
    }
    if parameter_is_used(def, 1, checker) {
        return HookRewrite::Review(
            "it reads the server's list, which is now the `subprotocols=` given to `serve`",
        );
    }
    HookRewrite::Rewrite(vec![Edit::replacement(
        format!("connection, {}", first.parameter.name.as_str()),
        TextRange::new(first.start(), second.end()),
    )])
}

/// The `return` statements of a function, not of functions nested in it.
fn returns(body: &[Stmt]) -> Vec<&ast::StmtReturn> {
    struct Returns<'a>(Vec<&'a ast::StmtReturn>);
    impl<'a> Visitor<'a> for Returns<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::Return(ret) => self.0.push(ret),
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                _ => visitor::walk_stmt(self, stmt),
            }
        }
        fn visit_expr(&mut self, _: &'a Expr) {}
    }
    let mut found = Returns(Vec::new());
    found.visit_body(body);
    found.0
}

/// Whether the body reads any of `names` (so new parameters would shadow them).
fn uses_any(body: &[Stmt], names: &[&str]) -> bool {
    struct Uses<'n>(&'n [&'n str], bool);
    impl<'a> Visitor<'a> for Uses<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Name(name) = expr {
                self.1 |= self.0.contains(&name.id.as_str());
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut uses = Uses(names, false);
    uses.visit_body(body);
    uses.1
}

/// For one `return`: `Some(None)` if it needs no change (`return` / `return None`),
/// `Some(Some(edit))` for a convertible tuple, `None` if it cannot be converted.
fn respond_call(
    ret: &ast::StmtReturn,
    checker: &Checker<'_>,
) -> Option<Option<(TextRange, String)>> {
    let Some(value) = ret.value.as_deref() else {
        return Some(None);
    };
    if value.is_none_literal_expr() {
        return Some(None);
    }
    let Expr::Tuple(tuple) = value else {
        return None;
    };
    let [status, headers, body] = tuple.elts.as_slice() else {
        return None;
    };
    if !plain_headers(headers) {
        return None;
    }
    let Expr::BytesLiteral(bytes) = body else {
        return None;
    };
    let source = checker.text(body.range());
    let text = source
        .strip_prefix('b')
        .or_else(|| source.strip_prefix('B'))?;
    let ascii = bytes.value.bytes().all(|b| b.is_ascii());
    if !ascii || !(text.starts_with('"') || text.starts_with('\'')) {
        return None;
    }
    let call = format!(
        "connection.respond({}, {text})",
        checker.text(status.range())
    );
    Some(Some((value.range(), call)))
}

/// `[]`, `()`, or only a `Content-Type: text/plain...` pair, which `respond` sets itself.
fn plain_headers(headers: &Expr) -> bool {
    let elts = match headers {
        Expr::List(list) => &list.elts,
        Expr::Tuple(tuple) => &tuple.elts,
        _ => return false,
    };
    elts.iter().all(|pair| match pair {
        Expr::Tuple(pair) => match pair.elts.as_slice() {
            [Expr::StringLiteral(key), Expr::StringLiteral(value)] => {
                key.value.to_str().eq_ignore_ascii_case("content-type")
                    && value
                        .value
                        .to_str()
                        .to_ascii_lowercase()
                        .starts_with("text/plain")
            }
            _ => false,
        },
        _ => false,
    })
}

fn is_partial(resolution: &Resolution) -> bool {
    matches!(resolution, Resolution::One(name) if name.as_str() == "functools.partial")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_connect_depends_on_target() {
        let name = QualifiedName::new("websockets.connect");
        assert_eq!(client_of(&name, None), Some(Client::NewAsyncio));
        assert_eq!(
            client_of(&name, Some(&"14.0".parse().unwrap())),
            Some(Client::NewAsyncio)
        );
        assert_eq!(
            client_of(&name, Some(&"13.1".parse().unwrap())),
            Some(Client::Legacy)
        );
    }

    #[test]
    fn module_aliases_stay_legacy_on_every_version() {
        for name in [
            "websockets.client.connect",
            "websockets.legacy.client.unix_connect",
        ] {
            assert_eq!(
                client_of(&QualifiedName::new(name), None),
                Some(Client::Legacy)
            );
        }
        assert_eq!(
            client_of(&QualifiedName::new("websockets.sync.client.connect"), None),
            Some(Client::Sync)
        );
        assert_eq!(
            client_of(&QualifiedName::new("websockets.serve"), None),
            None
        );
        assert_eq!(client_of(&QualifiedName::new("other.connect"), None), None);
    }
}
