//! Code written for the new API in a project whose requirements hold websockets below 14.
//!
//! ## What it does
//! In files whose requirements keep websockets below 14 (`websockets<14`,
//! `==13.1`, a lock on 13.x), finds what only the newer releases have:
//! top-level `websockets.connect(..., additional_headers=...)` (also
//! `process_exception=`, `proxy=`), `websockets.serve(handler=...)` or
//! `process_response=`, the top-level `websockets.basic_auth` and
//! `websockets.ClientConnection`, `ServerConnection`, `Server`, `State`,
//! `Request`, `Response`, and, below 13.0, the `websockets.asyncio` modules.
//!
//! ## Why is this bad
//! Below 14 the top-level names are the legacy implementation: the code
//! fails on the very release the project pins, with
//! `TypeError: BaseEventLoop.create_connection() got an unexpected keyword argument 'additional_headers'`
//! when the connection opens, `AttributeError: module 'websockets' has no
//! attribute 'ClientConnection'`, or `ModuleNotFoundError: No module named
//! 'websockets.asyncio'`. The code was migrated; the requirement was not.
//!
//! ## Example
//! ```python
//! # requirements.txt: websockets>=12,<14
//! ws = await websockets.connect(uri, additional_headers=h)
//! ```
//! Raise the requirement instead (`websockets>=14.2`); never rename the
//! keyword back.
//!
//! ## Fix safety
//! No fix in the Python file: the code is right for the release it was
//! written for. `ferry fix --unsafe-fixes` raises the requirement that
//! holds websockets back (the `WS900` rewrite, to `>=14.2`), where the
//! requirement can be rewritten; a lock or a `setup.py` is reported with the
//! command to run.

use ferry_engine::{Checker, Release, Rule};
use ferry_python::ast::{Expr, ExprContext, Stmt};
use ferry_python::{Ranged, Resolution};

use super::facts::{
    ReleaseFact, ASYNCIO_MODULES, TOP_LEVEL_BASIC_AUTH, TOP_LEVEL_CLASSES, TOP_LEVEL_IS_NEW,
};

pub struct NewApiUnderOldPin;

/// Keywords only the new client takes, by top-level function.
const NEW_ONLY_KEYWORDS: &[(&str, &[&str])] = &[
    (
        "websockets.connect",
        &["additional_headers", "process_exception", "proxy"],
    ),
    (
        "websockets.unix_connect",
        &["additional_headers", "process_exception", "proxy"],
    ),
    ("websockets.serve", &["handler", "process_response"]),
    ("websockets.unix_serve", &["handler", "process_response"]),
];

/// Top-level names added after 13.x, with the fact that says when.
const NEW_TOP_LEVEL_NAMES: &[(&str, ReleaseFact)] = &[
    ("websockets.basic_auth", TOP_LEVEL_BASIC_AUTH),
    ("websockets.ClientConnection", TOP_LEVEL_CLASSES),
    ("websockets.ServerConnection", TOP_LEVEL_CLASSES),
    ("websockets.Server", TOP_LEVEL_CLASSES),
    ("websockets.State", TOP_LEVEL_CLASSES),
    ("websockets.Request", TOP_LEVEL_CLASSES),
    ("websockets.Response", TOP_LEVEL_CLASSES),
];

impl Rule for NewApiUnderOldPin {
    fn code(&self) -> &'static str {
        "WS080"
    }

    fn name(&self) -> &'static str {
        "NewApiUnderOldPin"
    }

    fn applies_from(&self) -> Option<Release> {
        Some(Release::ANY)
    }

    fn applies_below(&self) -> Option<Release> {
        Some(TOP_LEVEL_IS_NEW.since)
    }

    fn check_stmt(&self, stmt: &Stmt, checker: &mut Checker<'_>) {
        let below_asyncio = checker
            .settings
            .target(super::PACK.library)
            .is_some_and(|t| *t < ASYNCIO_MODULES.since.version());
        if !below_asyncio {
            return;
        }
        let modules: Vec<(&str, ferry_python::TextRange)> = match stmt {
            Stmt::Import(import) => import
                .names
                .iter()
                .map(|a| (a.name.as_str(), a.name.range()))
                .collect(),
            Stmt::ImportFrom(import) if import.level == 0 => import
                .module
                .iter()
                .map(|m| (m.as_str(), m.range()))
                .collect(),
            _ => return,
        };
        for (module, range) in modules {
            if module == "websockets.asyncio" || module.starts_with("websockets.asyncio.") {
                let what = format!(
                    "`websockets.asyncio` exists from websockets {} on: importing `{module}` fails with `ModuleNotFoundError` on the releases this project allows",
                    ASYNCIO_MODULES.since
                );
                report(checker, range, &what);
            }
        }
    }

    fn check_expr(&self, expr: &Expr, checker: &mut Checker<'_>) {
        match expr {
            Expr::Call(call) => {
                let Resolution::One(name) = checker.semantic.resolve_expr(&call.func) else {
                    return;
                };
                let Some((_, keywords)) =
                    NEW_ONLY_KEYWORDS.iter().find(|(f, _)| *f == name.as_str())
                else {
                    return;
                };
                for keyword in &call.arguments.keywords {
                    let Some(arg) = keyword
                        .arg
                        .as_ref()
                        .filter(|a| keywords.contains(&a.as_str()))
                    else {
                        continue;
                    };
                    let what = format!(
                        "`{name}` is the legacy implementation on the releases this project allows, and `{arg}` is new-API only: it fails with `TypeError: ... unexpected keyword argument '{arg}'`",
                        arg = arg.as_str()
                    );
                    report(checker, arg.range(), &what);
                }
            }
            Expr::Attribute(attr) if attr.ctx == ExprContext::Load => {
                let Resolution::One(name) = checker.semantic.resolve_expr(expr) else {
                    return;
                };
                if let Some((_, fact)) = NEW_TOP_LEVEL_NAMES
                    .iter()
                    .find(|(n, _)| *n == name.as_str())
                {
                    let what = format!(
                        "`{name}` exists from websockets {} on: `AttributeError` on the releases this project allows",
                        fact.since
                    );
                    report(checker, expr.range(), &what);
                }
            }
            _ => {}
        }
    }
}

fn report(checker: &mut Checker<'_>, range: ferry_python::TextRange, what: &str) {
    let held = checker
        .settings
        .held_back_by(super::PACK.library)
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    checker.report(
        range,
        format!("{what}; the code is written for websockets >= 14 but the requirements hold it below{held}: raise the requirement (`ferry fix --unsafe-fixes` raises it to `>=14.2`), never the code back"),
        None,
    );
}
