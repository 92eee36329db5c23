//! Explicit uses of the legacy client (`websockets.legacy.client.connect`, `websockets.client.connect`), moved to the new asyncio client with their keywords (opt-in rule).
//!
//! ## What it does
//! Finds calls to the legacy client's `connect` / `unix_connect` reached
//! through an explicit legacy path: `websockets.legacy.client`, or the
//! deprecated `websockets.client` aliases. Opt-in: it runs only with
//! `--select WS070`, because explicit legacy calls still work (up to the
//! removal of the legacy package, announced for 2030) and some are kept on
//! purpose.
//!
//! ## Why is this bad
//! The legacy package is deprecated since websockets 14 (a
//! `DeprecationWarning` on import) and will be removed. Moving a call means
//! moving its keywords too: `extra_headers=` → `additional_headers=`,
//! `timeout=` → `close_timeout=`, and dropping `loop=`, `read_limit=` and
//! `legacy_recv=False`. Renaming the import alone, or a keyword alone, gives
//! `TypeError: ... unexpected keyword argument` when the connection opens.
//!
//! ## Example
//! ```python
//! from websockets.legacy.client import connect
//! ws = await connect(uri, extra_headers=h, timeout=5)
//! ```
//! Use instead:
//! ```python
//! from websockets.asyncio.client import connect
//! ws = await connect(uri, additional_headers=h, close_timeout=5)
//! ```
//!
//! ## Fix safety
//! Unsafe: the connection objects change class, so code using legacy-only
//! attributes must follow (WS020 rewrites the ones it can prove on the next
//! fix round). A `from ... import connect` that imports other names too, or a
//! call passing `create_protocol=`, `klass=` or a non-literal `legacy_recv=`,
//! gets no fix: a review item.
//!
//! Keywords passed as `**opts` move with the call: the `"extra_headers"` and
//! `"timeout"` keys of a dict built in the same function (a literal,
//! `dict(...)`, `opts["key"] = ...`) are renamed in the same fix. A dict
//! Ferry cannot see whole (a forwarded `**kwargs`, one updated with
//! `.update(...)` or passed elsewhere, a computed key) makes the call a
//! review item saying so.
//!
//! Calls spelled from the package (`websockets.legacy.client.connect(...)`,
//! `websockets.client.connect(...)`) move together, in one fix that also
//! imports the new module: `import websockets` alone does not make
//! `websockets.asyncio` an attribute (`AttributeError: module 'websockets'
//! has no attribute 'asyncio'`). A lone top-level `import
//! websockets.legacy.client` (or `import websockets.client`) that nothing
//! else in the file needs becomes `import websockets.asyncio.client`;
//! otherwise that import is added below the one that binds the package. A
//! file whose top level already imports the new module (`from
//! websockets.asyncio.client import ClientConnection`) gets no second import.

use ferry_engine::{remove_argument, Applicability, Checker, Edit, Fix, Rule};
use ferry_python::ast::{Expr, ExprCall, ModModule, Stmt};
use ferry_python::{BindingKind, Ranged, Resolution, TextRange};

use super::api::{all_calls, chain_import, ChainImport, LegacyModule};
use ferry_packs::keyword_dicts::{functions, keys_behind};

pub struct ExplicitLegacyClient;

const LEGACY_MODULES: &[&str] = &["websockets.legacy.client", "websockets.client"];

/// Their lone imports, which `chain_import` may turn into the new module's:
/// importing `websockets.legacy.client` makes all of `websockets.legacy` reachable.
const LEGACY_IMPORTS: &[LegacyModule] = &[
    LegacyModule {
        name: "websockets.legacy.client",
        reaches: "websockets.legacy",
    },
    LegacyModule {
        name: "websockets.client",
        reaches: "websockets.client",
    },
];

/// The new client's module.
const NEW_MODULE: &str = "websockets.asyncio.client";

impl Rule for ExplicitLegacyClient {
    fn code(&self) -> &'static str {
        "WS070"
    }

    fn name(&self) -> &'static str {
        "ExplicitLegacyClient"
    }

    /// The move is possible wherever `websockets.asyncio` exists.
    fn applies_from(&self) -> Option<ferry_engine::Release> {
        Some(super::facts::ASYNCIO_MODULES.since)
    }

    fn default_enabled(&self) -> bool {
        false
    }

    fn check_module(&self, module: &ModModule, checker: &mut Checker<'_>) {
        // Calls through a from-imported name share one fix with their import.
        let mut by_import: Vec<(TextRange, Vec<&ExprCall>)> = Vec::new();
        // Calls spelled from the package share one fix with the import of the new module.
        let mut chains: Vec<(&ExprCall, Vec<Edit>)> = Vec::new();
        for call in all_calls(module) {
            let Resolution::One(name) = checker.semantic.resolve_expr(&call.func) else {
                continue;
            };
            let Some((module_path, function)) = name.as_str().rsplit_once('.') else {
                continue;
            };
            if !LEGACY_MODULES.contains(&module_path)
                || !matches!(function, "connect" | "unix_connect")
            {
                continue;
            }
            match call.func.as_ref() {
                Expr::Name(callee) => {
                    let import = import_of(module, callee.start(), callee.id.as_str(), checker);
                    match import {
                        Some(range) => match by_import.iter_mut().find(|(r, _)| *r == range) {
                            Some((_, calls)) => calls.push(call),
                            None => by_import.push((range, vec![call])),
                        },
                        None => report(
                            checker,
                            call.func.range(),
                            None,
                            "it is imported in a way Ferry cannot rewrite",
                        ),
                    }
                }
                Expr::Attribute(_) => {
                    let fix = chain_fix(call, function, checker)
                        .ok_or_else(|| "the call's path does not start at the package".to_string())
                        .and_then(|edit| {
                            keyword_edits(call, checker).map(|mut edits| {
                                edits.push(edit);
                                edits
                            })
                        });
                    match fix {
                        Ok(edits) => chains.push((call, edits)),
                        Err(why) => report(checker, call.func.range(), None, &why),
                    }
                }
                _ => {}
            }
        }
        if !chains.is_empty() {
            report_chains(module, &chains, checker);
        }
        for (import_range, calls) in by_import {
            let Some(Stmt::ImportFrom(import)) = module
                .body
                .iter()
                .chain(nested_imports(module))
                .find(|s| s.range() == import_range)
            else {
                continue;
            };
            let alias = &import.names[0];
            let bound = alias
                .asname
                .as_ref()
                .map(|a| format!(" as {}", a.as_str()))
                .unwrap_or_default();
            let mut edits = vec![Edit::replacement(
                format!(
                    "from websockets.asyncio.client import {}{bound}",
                    alias.name.as_str()
                ),
                import_range,
            )];
            let mut why_not = None;
            for call in &calls {
                match keyword_edits(call, checker) {
                    Ok(more) => edits.extend(more),
                    Err(why) => why_not = why_not.or(Some(why)),
                }
            }
            edits.sort();
            edits.dedup();
            let first = calls[0].func.range();
            match why_not {
                None => report(checker, first, Some(edits), ""),
                Some(why) => report(
                    checker,
                    first,
                    None,
                    &format!("a call through this import cannot move: {why}"),
                ),
            }
        }
    }
}

fn report(checker: &mut Checker<'_>, at: TextRange, edits: Option<Vec<Edit>>, why_not: &str) {
    let mut message = "explicit legacy client (deprecated since websockets 14, to be removed): `websockets.asyncio.client.connect` is its replacement, with `additional_headers`/`close_timeout` and no `loop`/`read_limit`/`legacy_recv`".to_string();
    if !why_not.is_empty() {
        message.push_str(&format!("; no fix here: {why_not}"));
    }
    let fix = edits.map(|edits| Fix {
        title: "Move to `websockets.asyncio.client` with its keywords".to_string(),
        edits,
        applicability: Applicability::Unsafe,
        requires: Some(super::facts::ASYNCIO_MODULES.since),
    });
    checker.report(at, message, fix);
}

/// One fix for every convertible call spelled from the package, reported at
/// the first: their callees, their keywords, and the import that makes
/// `websockets.asyncio.client` reachable from the package (see `chain_import`).
fn report_chains(module: &ModModule, chains: &[(&ExprCall, Vec<Edit>)], checker: &mut Checker<'_>) {
    let calls: Vec<&ExprCall> = chains.iter().map(|(call, _)| *call).collect();
    let first = calls[0].func.range();
    let mut edits: Vec<Edit> = chains
        .iter()
        .flat_map(|(_, edits)| edits.iter().cloned())
        .collect();
    let callees: Vec<&Expr> = calls.iter().map(|call| call.func.as_ref()).collect();
    match chain_import(&callees, LEGACY_IMPORTS, NEW_MODULE, module, checker) {
        ChainImport::Present => {}
        ChainImport::Edit(edit) => edits.push(edit),
        ChainImport::Blocked(at, why) => return report(checker, at, None, &why),
    }
    edits.sort();
    edits.dedup();
    if edits.windows(2).any(|w| w[0].conflicts_with(&w[1])) {
        return report(checker, first, None, "the edits of these calls overlap (a call inside another's arguments): move them by hand");
    }
    report(checker, first, Some(edits), "");
}

/// The single-name `from <legacy module> import connect` binding `name`, if that is what binds it.
fn import_of(
    module: &ModModule,
    at: ferry_python::TextSize,
    name: &str,
    checker: &Checker<'_>,
) -> Option<TextRange> {
    let [BindingKind::Import(_)] = checker.semantic.reaching(name, at).as_slice() else {
        return None;
    };
    module
        .body
        .iter()
        .chain(nested_imports(module))
        .find_map(|stmt| match stmt {
            Stmt::ImportFrom(import)
                if import.level == 0
                    && import.names.len() == 1
                    && import
                        .module
                        .as_ref()
                        .is_some_and(|m| LEGACY_MODULES.contains(&m.as_str()))
                    && import.names[0]
                        .asname
                        .as_ref()
                        .map_or(import.names[0].name.as_str(), |a| a.as_str())
                        == name =>
            {
                Some(stmt.range())
            }
            _ => None,
        })
}

/// Imports inside function bodies (one level deep is where they live in practice).
fn nested_imports(module: &ModModule) -> impl Iterator<Item = &Stmt> {
    module.body.iter().flat_map(|stmt| match stmt {
        Stmt::FunctionDef(def) => def.body.iter().collect::<Vec<_>>(),
        _ => Vec::new(),
    })
}

/// `websockets.legacy.client.connect` → `websockets.asyncio.client.connect`, when the chain starts at the package.
fn chain_fix(call: &ExprCall, function: &str, checker: &Checker<'_>) -> Option<Edit> {
    let mut root = call.func.as_ref();
    while let Expr::Attribute(attr) = root {
        root = attr.value.as_ref();
    }
    let Expr::Name(root_name) = root else {
        return None;
    };
    let package = matches!(checker.semantic.resolve_expr(root), Resolution::One(q) if q.as_str() == "websockets");
    package.then(|| {
        Edit::replacement(
            format!("{}.asyncio.client.{function}", root_name.id),
            call.func.range(),
        )
    })
}

/// What the new client calls `extra_headers` and `timeout`.
const RENAMES: &[(&str, &str)] = &[
    ("extra_headers", "additional_headers"),
    ("timeout", "close_timeout"),
];

/// Keywords a `**` dict may not carry for Ferry to move the call: their
/// keys cannot simply be renamed.
const NO_EQUIVALENT: &[&str] = &[
    "loop",
    "read_limit",
    "legacy_recv",
    "create_protocol",
    "klass",
];

/// The keyword edits that make a legacy call valid on the new client, or
/// why there are none. Keys of a `**` dict move with the call: leaving
/// `"extra_headers"` in the dict would fail on the new client as surely as
/// the keyword.
fn keyword_edits(call: &ExprCall, checker: &Checker<'_>) -> Result<Vec<Edit>, String> {
    let no_equivalent = |arg: &str| format!("`{arg}=` has no mechanical equivalent");
    let mut edits = Vec::new();
    let has = |name: &str| call.arguments.find_keyword(name).is_some();
    let functions = functions(checker.module);
    for keyword in &call.arguments.keywords {
        let Some(arg) = &keyword.arg else {
            let keys = keys_behind(
                &keyword.value,
                call,
                RENAMES,
                NO_EQUIVALENT,
                &functions,
                checker,
            )?;
            edits.extend(keys);
            continue;
        };
        match arg.as_str() {
            "extra_headers" if !has("additional_headers") => {
                edits.push(Edit::replacement("additional_headers", arg.range()))
            }
            "timeout" if !has("close_timeout") => {
                edits.push(Edit::replacement("close_timeout", arg.range()))
            }
            "loop" | "read_limit" => edits.push(
                remove_argument(checker.source, &call.arguments, keyword.range())
                    .ok_or_else(|| no_equivalent(arg))?,
            ),
            "legacy_recv" if checker.text(keyword.value.range()) == "False" => {
                edits.push(
                    remove_argument(checker.source, &call.arguments, keyword.range())
                        .ok_or_else(|| no_equivalent(arg))?,
                );
            }
            "extra_headers" | "timeout" | "create_protocol" | "klass" | "legacy_recv" => {
                return Err(no_equivalent(arg))
            }
            _ => {}
        }
    }
    // Two removals side by side overlap; give up rather than produce a bad edit set.
    edits.sort();
    edits.dedup();
    if edits.windows(2).any(|w| w[0].conflicts_with(&w[1])) {
        return Err("two of its keywords sit side by side: remove them by hand".to_string());
    }
    Ok(edits)
}
