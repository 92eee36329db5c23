//! Which websockets object a call reaches, and whether it is the legacy or the
//! new implementation, for the version the project targets.

use ferry_engine::{Checker, Version};
use ferry_python::ast::visitor::{self, Visitor};
use ferry_python::ast::{Expr, ExprCall, ExprContext, Keyword, ModModule, Stmt, StmtFunctionDef};
use ferry_python::{BindingKind, Origin, QualifiedName, Ranged, Resolution, TextSize};

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

    /// The candidates, listed for a review message.
    pub fn candidates(&self) -> String {
        let names: Vec<String> = self.clients.iter().map(|(_, n)| format!("`{n}`")).collect();
        names.join(" or ")
    }

    pub fn keyword(&self, name: &str) -> Option<&Keyword> {
        self.keywords
            .iter()
            .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == name))
    }
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
    }
}

/// The rename fix for a keyword of `call`: safe, unless the call also spreads a
/// `**mapping` that may already hold the new name (the call would then get the
/// keyword twice: `TypeError: ... got multiple values for keyword argument`).
pub fn rename_unless_spread(
    call: &ExprCall,
    arg: &ferry_python::ast::Identifier,
    new: &str,
    message: String,
) -> (ferry_engine::Fix, String) {
    let mut fix = rename_keyword(arg, new);
    if call.arguments.keywords.iter().any(|k| k.arg.is_none()) {
        fix.applicability = ferry_engine::Applicability::Unsafe;
        return (fix, format!("{message}; this call also passes `**` keywords, which may already hold `{new}`: check them"));
    }
    (fix, message)
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
        .reaching(name.id.as_str(), name.start())
        .as_slice()
    {
        [BindingKind::Opaque(Origin::FunctionDef(def))] => Some(def),
        _ => None,
    }
}

/// The text that ends lines in this file (`\r\n` if the file uses it).
pub fn line_ending(source: &str) -> &'static str {
    if source.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
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

/// The first statement of a body that is not its docstring.
pub fn first_statement_after_docstring(body: &[Stmt]) -> Option<&Stmt> {
    let is_docstring =
        |stmt: &Stmt| matches!(stmt, Stmt::Expr(e) if e.value.is_string_literal_expr());
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
