//! Renamed client keywords hidden in a `**kwargs` dict: `connect(uri, **{"extra_headers": h})`.
//!
//! ## What it does
//! Looks at `**` arguments of calls that reach the new asyncio client (or the
//! threading client) for the keys WS001 and WS002 rename: `"extra_headers"`
//! (→ `"additional_headers"`) and, on the asyncio client, `"timeout"`
//! (→ `"close_timeout"`). It follows a name to its dict when the dict is built
//! in the same function (a literal, `dict(...)`, or `opts["key"] = ...`) and
//! is used only as `**` of such calls.
//!
//! ## Why is this bad
//! The keyword reaches the new client just as if it were written out, and fails
//! the same way when the connection opens:
//! `TypeError: BaseEventLoop.create_connection() got an unexpected keyword argument 'extra_headers'`.
//!
//! ## Example
//! ```python
//! opts = {"extra_headers": headers, "ping_interval": 20}
//! return await websockets.connect(uri, **opts)
//! ```
//! Use instead:
//! ```python
//! opts = {"additional_headers": headers, "ping_interval": 20}
//! return await websockets.connect(uri, **opts)
//! ```
//!
//! ## Fix safety
//! Safe when the dict is local and flows only into such calls: only the key's
//! characters change, quotes kept. A dict with a computed key
//! (`{header_kwarg: h}`), a dict that is passed elsewhere or updated through
//! methods, and a `**kwargs` parameter forwarded from callers are review items:
//! Ferry cannot see which keys they carry. A dict written with the new names
//! (`{"additional_headers": h}`), or picked by a condition from two dicts one
//! of which has them, is migrated code and gets no finding.

use ferry_engine::{Applicability, Checker, Fix, Rule};
use ferry_python::ast::{Expr, ExprCall, ModModule, StmtFunctionDef};
use ferry_python::{BindingKind, Origin, Ranged, TextRange};

use super::api::{all_calls, client_call, Client};
use ferry_packs::keyword_dicts::{
    functions, is_dict_builder, key_rename, literal_renames, name_uses, NameUse,
};

pub struct KeywordDict;

impl Rule for KeywordDict {
    fn code(&self) -> &'static str {
        "WS040"
    }

    fn name(&self) -> &'static str {
        "KeywordDict"
    }

    fn check_module(&self, module: &ModModule, checker: &mut Checker<'_>) {
        let functions = functions(module);
        for call in all_calls(module) {
            let Some(client) = client_call(call, checker) else {
                continue;
            };
            let renames: &[(&str, &str)] = match client.only() {
                Some(Client::NewAsyncio) => &[
                    ("extra_headers", "additional_headers"),
                    ("timeout", "close_timeout"),
                ],
                Some(Client::Sync) => &[("extra_headers", "additional_headers")],
                _ => continue,
            };
            let shown = client.shown_name().to_string();
            for keyword in call.arguments.keywords.iter().filter(|k| k.arg.is_none()) {
                check_double_star(
                    &keyword.value,
                    keyword.range(),
                    call,
                    &shown,
                    renames,
                    &functions,
                    checker,
                );
            }
        }
    }
}

fn check_double_star(
    value: &Expr,
    star_range: TextRange,
    call: &ExprCall,
    shown: &str,
    renames: &[(&str, &str)],
    functions: &[&StmtFunctionDef],
    checker: &mut Checker<'_>,
) {
    match value {
        Expr::Dict(_) | Expr::Call(_) => {
            report_literal(value, shown, renames, checker);
        }
        Expr::Name(name) => {
            let bindings = checker.semantic.reaching(name.id.as_str(), name.start());
            let dict = match bindings.as_slice() {
                [BindingKind::Opaque(Origin::Assign { value })]
                    if is_dict_builder(value, checker) =>
                {
                    *value
                }
                [BindingKind::Opaque(Origin::Parameter { function, .. })]
                    if function
                        .parameters
                        .kwarg
                        .as_ref()
                        .is_some_and(|k| k.name.as_str() == name.id.as_str()) =>
                {
                    let message = format!(
                        "`**{}` forwards the callers' keywords to `{shown}`, the new client: a caller passing `extra_headers` or `timeout` gets `TypeError` when the connection opens; check the callers of `{}`",
                        name.id, function.name
                    );
                    checker.report(star_range, message, None);
                    return;
                }
                // `a if check else b`: the code already picks the keys by
                // some condition (a signature or version check); a branch
                // with the new names says it was written for both sides.
                [BindingKind::Opaque(Origin::Assign {
                    value: Expr::If(picked),
                })] if holds_new_names(&picked.body, renames, checker)
                    || holds_new_names(&picked.orelse, renames, checker) =>
                {
                    return;
                }
                _ => {
                    let message = format!(
                        "`**{}` may carry `extra_headers` or `timeout`, which `{shown}` (the new client) rejects with `TypeError` when the connection opens; Ferry cannot see its keys: check them",
                        name.id
                    );
                    checker.report(star_range, message, None);
                    return;
                }
            };
            let Some(function) = functions.iter().find(|f| f.range.contains(call.start())) else {
                return;
            };
            if !function.range.contains(dict.start()) {
                return;
            }
            let uses = name_uses(function, name.id.as_str());
            let mut key_edits = Vec::new();
            for name_use in &uses {
                match name_use {
                    NameUse::DoubleStar(range) if *range == name.range => {}
                    NameUse::DoubleStar(_) => {}
                    NameUse::SubscriptStore(key) => {
                        if let Some((_, edit)) = key_rename(key, renames, checker) {
                            key_edits.push(edit);
                        }
                    }
                    // A dict written with the new names is migrated code.
                    NameUse::Other if holds_new_names(dict, renames, checker) => return,
                    NameUse::Other => {
                        let message = format!(
                            "`{}` is used for more than `**` here, so Ferry cannot tell which keys reach `{shown}`; rename any `extra_headers` / `timeout` key it may hold",
                            name.id
                        );
                        checker.report(star_range, message, None);
                        return;
                    }
                }
            }
            let mut literal_findings = literal_renames(dict, renames, "the new client", checker);
            if literal_findings.is_empty() && key_edits.is_empty() {
                return;
            }
            for (_, _, edit) in &literal_findings {
                key_edits.push(edit.clone());
            }
            // One finding per renamed key; the first carries every edit so the dict stays consistent.
            if literal_findings.is_empty() {
                let message = format!("`{}` gets a key that `{shown}`, the new client, rejects with `TypeError` when the connection opens", name.id);
                let fix = Fix {
                    title: "Rename the key".to_string(),
                    edits: key_edits,
                    applicability: Applicability::Safe,
                    requires: None,
                };
                checker.report(star_range, message, Some(fix));
                return;
            }
            let (first_range, first_message, _) = literal_findings.remove(0);
            let fix = Fix {
                title: "Rename the keys the new client expects".to_string(),
                edits: key_edits,
                applicability: Applicability::Safe,
                requires: None,
            };
            checker.report(
                first_range,
                format!("{first_message} (through `**{}`)", name.id),
                Some(fix),
            );
        }
        _ => {}
    }
}

/// Whether a dict literal or `dict(...)` call has a key with one of the
/// new names (`"additional_headers"`): it was written for the new client.
fn holds_new_names(value: &Expr, renames: &[(&str, &str)], checker: &Checker<'_>) -> bool {
    let is_new = |key: &str| renames.iter().any(|(_, new)| *new == key);
    match value {
        Expr::Dict(dict) => dict.items.iter().any(
            |item| matches!(&item.key, Some(Expr::StringLiteral(s)) if is_new(s.value.to_str())),
        ),
        Expr::Call(call) if is_dict_builder(value, checker) => call
            .arguments
            .keywords
            .iter()
            .any(|k| k.arg.as_ref().is_some_and(|a| is_new(a.as_str()))),
        _ => false,
    }
}

/// `**{...}` or `**dict(...)` written at the call.
fn report_literal(value: &Expr, shown: &str, renames: &[(&str, &str)], checker: &mut Checker<'_>) {
    if let Expr::Dict(dict) = value {
        for item in &dict.items {
            if let Some(key) = &item.key {
                if !key.is_string_literal_expr() {
                    let message = format!(
                        "a computed key in `**{{...}}` may be `extra_headers` or `timeout`, which `{shown}` (the new client) rejects with `TypeError` when the connection opens; check it"
                    );
                    checker.report(key.range(), message, None);
                }
            }
        }
    }
    for (range, message, edit) in literal_renames(value, renames, "the new client", checker) {
        let fix = Fix {
            title: "Rename the key".to_string(),
            edits: vec![edit],
            applicability: Applicability::Safe,
            requires: None,
        };
        checker.report(range, format!("{message} (`{shown}`)"), Some(fix));
    }
}
