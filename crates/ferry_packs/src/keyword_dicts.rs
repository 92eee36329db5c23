//! Keyword arguments passed as a dict: `connect(uri, **opts)`.
//!
//! A renamed keyword can hide in a dict spread with `**`. Ferry can rename
//! its key only when it sees every key the dict can hold: a literal or a
//! `dict(...)` call, or a name bound to one in the same function and used
//! there only as `**` of this call and in `name["key"] = ...` stores.

use ferry_engine::{Checker, Edit};
use ferry_python::ast::visitor::{self, Visitor};
use ferry_python::ast::{Expr, ExprCall, ExprContext, ModModule, Stmt, StmtFunctionDef};
use ferry_python::{BindingKind, Origin, Ranged, TextRange, TextSize};

/// The edits that rename, in the dict spread as `**value` in `call`, every
/// key `renames` names; `Err` with the reason when Ferry cannot see every
/// key it may hold, or it holds one of `blocked` (a keyword with no
/// mechanical equivalent).
pub fn keys_behind(
    value: &Expr,
    call: &ExprCall,
    renames: &[(&str, &str)],
    blocked: &[&str],
    functions: &[&StmtFunctionDef],
    checker: &Checker<'_>,
) -> Result<Vec<Edit>, String> {
    let unseen = |what: &str| {
        Err(format!(
            "`**{}` {what}, so Ferry cannot see which keys it passes",
            checker.text(value.range())
        ))
    };
    let literal_keys = |dict: &Expr| -> Result<Vec<Edit>, String> {
        let keys: Vec<&Expr> = match dict {
            Expr::Dict(dict) => {
                if dict.items.iter().any(|i| i.key.is_none()) {
                    return unseen("unpacks another mapping");
                }
                dict.items.iter().filter_map(|i| i.key.as_ref()).collect()
            }
            Expr::Call(call) if is_builtin_dict(call, checker) => {
                if !call.arguments.args.is_empty()
                    || call.arguments.keywords.iter().any(|k| k.arg.is_none())
                {
                    return unseen("is built from another mapping");
                }
                let blocked_keyword = call
                    .arguments
                    .keywords
                    .iter()
                    .filter_map(|k| k.arg.as_ref())
                    .find(|a| blocked.contains(&a.as_str()));
                if let Some(arg) = blocked_keyword {
                    return Err(format!(
                        "its `{}` key has no mechanical equivalent",
                        arg.as_str()
                    ));
                }
                return Ok(literal_renames(dict, renames, "", checker)
                    .into_iter()
                    .map(|(_, _, e)| e)
                    .collect());
            }
            _ => return unseen("is not a dict Ferry can read"),
        };
        for key in &keys {
            let Expr::StringLiteral(literal) = key else {
                return unseen("has a computed key");
            };
            if blocked.contains(&literal.value.to_str()) {
                return Err(format!(
                    "its `{}` key has no mechanical equivalent",
                    literal.value.to_str()
                ));
            }
        }
        Ok(literal_renames(dict, renames, "", checker)
            .into_iter()
            .map(|(_, _, e)| e)
            .collect())
    };
    match value {
        Expr::Dict(_) | Expr::Call(_) => literal_keys(value),
        Expr::Name(name) => {
            let bindings = checker.semantic.reaching(name.id.as_str(), name.start());
            let dict = match bindings.as_slice() {
                [BindingKind::Opaque(Origin::Assign { value })]
                    if is_dict_builder(value, checker) =>
                {
                    *value
                }
                [BindingKind::Opaque(Origin::Parameter { .. })] => {
                    return unseen("forwards what its callers pass")
                }
                _ => return unseen("is not a dict built here"),
            };
            let Some(function) = functions.iter().find(|f| f.range.contains(call.start())) else {
                return unseen("is not built in this function");
            };
            if !function.range.contains(dict.start()) {
                return unseen("is not built in this function");
            }
            let mut edits = literal_keys(dict)?;
            for name_use in name_uses(function, name.id.as_str()) {
                match name_use {
                    NameUse::DoubleStar(range) if range == name.range => {}
                    NameUse::DoubleStar(_) => return unseen("is passed to other calls too"),
                    NameUse::SubscriptStore(key) => {
                        let Expr::StringLiteral(literal) = &key else {
                            return unseen("gets a computed key");
                        };
                        if blocked.contains(&literal.value.to_str()) {
                            return Err(format!(
                                "its `{}` key has no mechanical equivalent",
                                literal.value.to_str()
                            ));
                        }
                        if let Some((_, edit)) = key_rename(&key, renames, checker) {
                            edits.push(edit);
                        }
                    }
                    NameUse::Other => {
                        return unseen("is used for more than `**` (updated, passed on)")
                    }
                }
            }
            Ok(edits)
        }
        _ => unseen("is not a dict Ferry can read"),
    }
}

pub fn is_dict_builder(value: &Expr, checker: &Checker<'_>) -> bool {
    match value {
        Expr::Dict(_) => true,
        Expr::Call(call) => is_builtin_dict(call, checker),
        _ => false,
    }
}

pub fn is_builtin_dict(call: &ExprCall, checker: &Checker<'_>) -> bool {
    matches!(call.func.as_ref(), Expr::Name(n) if n.id.as_str() == "dict" && checker.semantic.reaching("dict", n.start()).is_empty())
}

/// The renames inside a dict literal or `dict(...)` call: (range, message, edit).
/// `receiver` names what the keywords go to in the messages (`the new client`).
pub fn literal_renames(
    value: &Expr,
    renames: &[(&str, &str)],
    receiver: &str,
    checker: &Checker<'_>,
) -> Vec<(TextRange, String, Edit)> {
    let mut found = Vec::new();
    match value {
        Expr::Dict(dict) => {
            for key in dict.items.iter().filter_map(|i| i.key.as_ref()) {
                if let Some((old, edit)) = key_rename(key, renames, checker) {
                    let new = renames
                        .iter()
                        .find(|(o, _)| *o == old)
                        .map(|(_, n)| *n)
                        .unwrap_or_default();
                    found.push((key.range(), format!("the key `\"{old}\"` is passed as a keyword to {receiver}, which takes `{new}`"), edit));
                }
            }
        }
        Expr::Call(call) if is_builtin_dict(call, checker) => {
            for keyword in &call.arguments.keywords {
                let Some(arg) = &keyword.arg else { continue };
                if let Some((old, new)) = renames.iter().find(|(o, _)| *o == arg.as_str()) {
                    found.push((
                        arg.range(),
                        format!("the key `{old}` is passed as a keyword to {receiver}, which takes `{new}`"),
                        Edit::replacement(*new, arg.range()),
                    ));
                }
            }
        }
        _ => {}
    }
    found
}

/// For a plain string literal key naming a renamed keyword: the old name and the edit.
pub fn key_rename<'r>(
    key: &Expr,
    renames: &[(&'r str, &'r str)],
    checker: &Checker<'_>,
) -> Option<(&'r str, Edit)> {
    let Expr::StringLiteral(literal) = key else {
        return None;
    };
    let (old, new) = renames
        .iter()
        .find(|(old, _)| literal.value.to_str() == *old)?;
    let text = checker.text(key.range());
    // Only a single plain literal: `"extra_headers"` or `'extra_headers'`.
    let quote = text.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    if text != format!("{quote}{old}{quote}") {
        return None;
    }
    let start = key.start() + TextSize::new(1);
    Some((
        old,
        Edit::replacement(*new, TextRange::at(start, TextSize::of(*old))),
    ))
}

pub enum NameUse {
    /// `**name` in a call.
    DoubleStar(TextRange),
    /// `name["key"] = ...`: the key expression.
    SubscriptStore(Expr),
    /// Anything else (passed on, a method call, returned...).
    Other,
}

/// Every load of `name` in a function, classified.
pub fn name_uses(function: &StmtFunctionDef, name: &str) -> Vec<NameUse> {
    struct Uses<'n> {
        name: &'n str,
        found: Vec<NameUse>,
        skip: Vec<TextRange>,
    }
    impl<'a> Visitor<'a> for Uses<'_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if let Stmt::Assign(assign) = stmt {
                for target in &assign.targets {
                    if let Expr::Subscript(sub) = target {
                        if matches!(sub.value.as_ref(), Expr::Name(n) if n.id.as_str() == self.name)
                        {
                            self.found
                                .push(NameUse::SubscriptStore(sub.slice.as_ref().clone()));
                            self.skip.push(sub.value.range());
                        }
                    }
                }
            }
            visitor::walk_stmt(self, stmt);
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                for keyword in call.arguments.keywords.iter().filter(|k| k.arg.is_none()) {
                    if matches!(&keyword.value, Expr::Name(n) if n.id.as_str() == self.name) {
                        self.found.push(NameUse::DoubleStar(keyword.value.range()));
                        self.skip.push(keyword.value.range());
                    }
                }
            }
            if let Expr::Name(n) = expr {
                if n.id.as_str() == self.name
                    && n.ctx == ExprContext::Load
                    && !self.skip.contains(&n.range)
                {
                    self.found.push(NameUse::Other);
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut uses = Uses {
        name,
        found: Vec::new(),
        skip: Vec::new(),
    };
    uses.visit_body(&function.body);
    uses.found
}

/// Every function in the module, nested ones included.
pub fn functions(module: &ModModule) -> Vec<&StmtFunctionDef> {
    struct Defs<'a>(Vec<&'a StmtFunctionDef>);
    impl<'a> Visitor<'a> for Defs<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if let Stmt::FunctionDef(def) = stmt {
                self.0.push(def);
            }
            visitor::walk_stmt(self, stmt);
        }
    }
    let mut defs = Defs(Vec::new());
    defs.visit_body(&module.body);
    // Innermost first, so `find` picks the function that holds a call most closely.
    defs.0.sort_by_key(|d| d.range.len());
    defs.0
}
