//! `rename-keyword`, `remove-keyword` and `flag` with a `keyword`: a
//! keyword of a call that reaches one of the rule's callables.

use ferry_engine::{remove_argument, Applicability, Checker, Edit, Fix};
use ferry_python::ast::{Expr, ExprCall, FStringPart, Identifier, Keyword, Stmt};
use ferry_python::Ranged;

use super::calls::{call_of, CallOf};
use super::{DataRule, Vars};
use crate::format::{fill, Callable, NewValue, RemovedKeyword, WhenBoth};
use crate::imports::{imports_plainly, line_ending, new_import_position};
use crate::keyword_dicts::{functions, is_builtin_dict, keys_behind};
use ferry_python::{BindingKind, Origin, Resolution};

/// The call and the keyword `name` in it, when the call reaches a callable.
fn keyword_call<'a, 'r>(
    rule: &DataRule,
    expr: &'a Expr,
    name: &str,
    callables: &'r [Callable],
    checker: &Checker<'_>,
) -> Option<(&'a ExprCall, &'a Keyword, &'a Identifier, CallOf<'a, 'r>)> {
    let Expr::Call(call) = expr else { return None };
    // The keyword first: it is a comparison, resolution walks scopes.
    let keyword = call.arguments.find_keyword(name)?;
    let arg = keyword.arg.as_ref()?;
    let reached = call_of(call, callables, &rule.library, checker)?;
    Some((call, keyword, arg, reached))
}

/// The values a message may name.
fn vars<'v>(
    reached: &'v CallOf<'_, '_>,
    candidates: &'v str,
    old: &'v str,
    new: &'v str,
) -> Vars<'v> {
    Vars {
        callee: reached.shown(),
        candidates,
        old,
        new,
        ..Vars::default()
    }
}

/// The message of a call: its callable's, else `own` (a removed keyword's), else the
/// rule's, else `default`.
fn main_message(
    rule: &DataRule,
    reached: &CallOf<'_, '_>,
    own: Option<&str>,
    vars: &Vars<'_>,
    default: String,
) -> String {
    match reached
        .callable_message()
        .or(own)
        .or(rule.message.as_deref())
    {
        Some(template) => rule.render(template, vars),
        None => default,
    }
}

/// The review item for a callee that may or may not be one of the callables.
fn ambiguous(rule: &DataRule, message: &str, vars: &Vars<'_>) -> String {
    match &rule.messages.ambiguous {
        Some(template) => rule.render(template, vars),
        None => format!(
            "{message}, and this callee may be {}: make the import unconditional, then rerun",
            vars.candidates
        ),
    }
}

#[allow(clippy::too_many_arguments)]
pub fn rename(
    rule: &DataRule,
    callables: &[Callable],
    old: &str,
    new: &str,
    when_both: WhenBoth,
    value: &NewValue,
    expr: &Expr,
    checker: &mut Checker<'_>,
) {
    let Some((call, keyword, arg, reached)) = keyword_call(rule, expr, old, callables, checker)
    else {
        return;
    };
    let candidates = reached.candidates();
    let vars = vars(&reached, &candidates, old, new);
    let message = main_message(
        rule,
        &reached,
        None,
        &vars,
        format!(
            "`{}` takes `{new}` instead of `{old}` from {}",
            reached.shown(),
            rule.since_text()
        ),
    );
    let vars = Vars {
        message: &message,
        ..vars
    };
    if reached.maybe_other {
        checker.report(arg.range(), ambiguous(rule, &message, &vars), None);
        return;
    }
    if reached.has_keyword(new) {
        let both = match &rule.messages.both {
            Some(template) => rule.render(template, &vars),
            None => format!("{message}; this call passes `{new}` too: merge the two by hand"),
        };
        let fix = match when_both {
            WhenBoth::Review => None,
            WhenBoth::RemoveOld => {
                remove_argument(checker.source, &call.arguments, keyword.range()).map(|edit| Fix {
                    title: match &rule.messages.title_both {
                        Some(template) => rule.render(template, &vars),
                        None => format!("Remove `{old}`"),
                    },
                    edits: vec![edit],
                    applicability: Applicability::Unsafe,
                    requires: Some(reached.requires(rule.requires)),
                })
            }
        };
        checker.report(arg.range(), both, fix);
        return;
    }
    // A mapping the new keyword does not take: the code to write instead.
    if let Some(entry) = &value.mapping_entry {
        if let Some(mapping) = mapping_of(&keyword.value, entry, checker) {
            let vars = Vars {
                mapping: &mapping,
                ..vars
            };
            let text = match &rule.messages.mapping {
                Some(template) => rule.render(template, &vars),
                None => format!(
                    "{message}; this value is a mapping, which `{new}` does not take: write `{mapping}` instead"
                ),
            };
            checker.report(arg.range(), text, None);
            return;
        }
    }
    let written = checker.text(keyword.value.range());
    let mut edits = vec![Edit::replacement(new, arg.range())];
    let mut applicability = Applicability::Safe;
    let mut caveat = None;
    if let Some(template) = &value.template {
        match &keyword.value {
            // The old releases read `None` as not given; wrapped, it is a
            // value that fails.
            Expr::NoneLiteral(_) => {
                checker.report(
                    arg.range(),
                    format!("{message}; this call passes `{old}=None`, which the old releases read as not given: remove it"),
                    None,
                );
                return;
            }
            Expr::Name(_) | Expr::Attribute(_) | Expr::Call(_) | Expr::Lambda(_) => {}
            _ => {
                applicability = Applicability::Unsafe;
                caveat = Some(format!(
                    "; Ferry cannot see that `{written}` is never `None`, which the old releases read as not given: check it"
                ));
            }
        }
        edits.push(Edit::replacement(
            fill(template, &[("value", written)]),
            keyword.value.range(),
        ));
        for module in &value.imports {
            match spelling(module, call, checker) {
                Spelling::Bound => {}
                Spelling::AddImport => {
                    let at = new_import_position(checker.module, checker.source);
                    let eol = line_ending(checker.source);
                    edits.push(Edit::insertion(format!("import {module}{eol}"), at));
                }
                Spelling::Unsure(why) => {
                    checker.report(
                        arg.range(),
                        format!("{message}; {why}: write it by hand"),
                        None,
                    );
                    return;
                }
            }
        }
    } else if value.mapping_entry.is_some() && is_empty_string(&keyword.value) {
        checker.report(
            arg.range(),
            format!("{message}; this call passes `{old}=\"\"`, which the old releases read as not given and `{new}` refuses: remove it"),
            None,
        );
        return;
    } else if value.mapping_entry.is_some() && !is_single_value(&keyword.value) {
        applicability = Applicability::Unsafe;
        caveat = Some(format!(
            "; Ferry cannot see whether `{written}` is a mapping (which `{new}` does not take) or an empty string (read as not given before): check it"
        ));
    }
    let mut fix = Fix {
        title: rule.title(&vars, || format!("Rename `{old}` to `{new}`")),
        edits,
        applicability,
        requires: Some(reached.requires(rule.requires)),
    };
    let mut message = message;
    if let Some(caveat) = caveat {
        message.push_str(&caveat);
    }
    if reached.spreads() {
        fix.applicability = Applicability::Unsafe;
        message.push_str(&format!(
            "; this call also passes `**` keywords, which may already hold `{new}`: check them"
        ));
    }
    checker.report(arg.range(), message, Some(fix));
}

/// `f(**opts)` where `opts` holds `old`: the key renamed when Ferry sees
/// every key the dict holds (a literal, `dict(...)`, or a name built so in
/// the same function and used only as `**` and `opts["key"] = ...`); a
/// review item when it sees `old` among them but cannot see them all.
pub fn rename_in_spread(
    rule: &DataRule,
    callables: &[Callable],
    old: &str,
    new: &str,
    value: &NewValue,
    expr: &Expr,
    checker: &mut Checker<'_>,
) {
    let Expr::Call(call) = expr else { return };
    if !call.arguments.keywords.iter().any(|k| k.arg.is_none()) {
        return;
    }
    let Some(reached) = call_of(call, callables, &rule.library, checker) else {
        return;
    };
    if reached.maybe_other || reached.has_keyword(new) {
        return;
    }
    let functions = functions(checker.module);
    for spread in call.arguments.keywords.iter().filter(|k| k.arg.is_none()) {
        let shown = checker.text(spread.value.range()).to_string();
        let message = format!(
            "`**{shown}` passes `{old}`, which `{}` takes as `{new}` from {}",
            reached.shown(),
            rule.since_text()
        );
        let behind = keys_behind(&spread.value, call, &[(old, new)], &[], &functions, checker);
        // A key whose value changes too (or may be a mapping) is moved by
        // hand: renaming it alone would leave the value half moved.
        if !value.is_plain() {
            if matches!(&behind, Ok(edits) if !edits.is_empty())
                || holds_key(&spread.value, old, checker)
            {
                checker.report(
                    spread.range(),
                    format!("{message}; its value changes too: move it out of the dict by hand"),
                    None,
                );
            }
            continue;
        }
        match behind {
            Ok(edits) if !edits.is_empty() => {
                let fix = Fix {
                    title: format!("Rename the key `{old}` to `{new}`"),
                    edits,
                    applicability: Applicability::Safe,
                    requires: Some(reached.requires(rule.requires)),
                };
                checker.report(spread.range(), message, Some(fix));
            }
            Ok(_) => {}
            Err(why) if holds_key(&spread.value, old, checker) => {
                checker.report(
                    spread.range(),
                    format!("{message}; {why}: rename it by hand"),
                    None,
                );
            }
            Err(_) => {}
        }
    }
}

/// How a fix can write `module.Name` at a call.
enum Spelling {
    /// The name already means the module there.
    Bound,
    /// Unbound there, and the file imports the package unconditionally at
    /// its top: an `import module` there changes nothing about when the
    /// file can be imported.
    AddImport,
    /// Neither, with the reason: bound to something else, or the package
    /// is imported only in a `try`, a branch or a function (an optional
    /// dependency, which a new top-level import would make required).
    Unsure(String),
}

fn spelling(module: &str, call: &ExprCall, checker: &Checker<'_>) -> Spelling {
    let top = module.split('.').next().unwrap_or(module);
    let resolved = checker.semantic.resolve_name(top, call.start());
    if module == top && matches!(&resolved, Resolution::One(name) if name.as_str() == module) {
        return Spelling::Bound;
    }
    if module != top && imports_plainly(checker.module, module) {
        return Spelling::Bound;
    }
    if !checker.semantic.reaching(top, call.start()).is_empty() {
        return Spelling::Unsure(format!(
            "the fix writes `{module}.`, but `{top}` is bound to something else here"
        ));
    }
    let imports_package = |stmt: &Stmt| match stmt {
        Stmt::Import(import) => import
            .names
            .iter()
            .any(|alias| alias.name.as_str().split('.').next() == Some(top)),
        Stmt::ImportFrom(from) => {
            from.level == 0
                && from
                    .module
                    .as_ref()
                    .is_some_and(|m| m.as_str().split('.').next() == Some(top))
        }
        _ => false,
    };
    if checker.module.body.iter().any(imports_package) {
        Spelling::AddImport
    } else {
        Spelling::Unsure(format!(
            "the fix needs `import {module}`, and this file imports `{top}` only in a `try`, a branch or a function, where it may be optional"
        ))
    }
}

/// A value that is one thing, not a mapping nor an empty string (which
/// such keywords read as not given, like `None`): a string literal or an
/// f-string with some text of its own, or `None`.
fn is_single_value(value: &Expr) -> bool {
    match value {
        Expr::StringLiteral(string) => !string.value.to_str().is_empty(),
        Expr::FString(fstring) => fstring.value.as_slice().iter().any(|part| match part {
            FStringPart::Literal(literal) => !literal.value.is_empty(),
            FStringPart::FString(f) => f.elements.literals().any(|l| !l.value.is_empty()),
        }),
        Expr::NoneLiteral(_) => true,
        _ => false,
    }
}

/// `""` (or `''`): an empty string literal.
fn is_empty_string(value: &Expr) -> bool {
    matches!(value, Expr::StringLiteral(string) if string.value.to_str().is_empty())
}

/// A dict display or `dict(...)` call (or a name bound once to one), its
/// entries each written with `entry` (`{key}`, `{value}`) and joined in
/// braces (an entry whose value is `None`, no route, stays `None`);
/// `None` for any other value.
fn mapping_of(value: &Expr, entry: &str, checker: &Checker<'_>) -> Option<String> {
    let dict = match value {
        Expr::Name(name) => match checker
            .semantic
            .single_binding(name.id.as_str(), name.start())
        {
            Some(BindingKind::Opaque(Origin::Assign { value })) => *value,
            _ => return None,
        },
        other => other,
    };
    let text = |e: &Expr| checker.text(e.range()).to_string();
    let entries: Vec<String> = match dict {
        Expr::Dict(dict) => dict
            .items
            .iter()
            .map(|item| match &item.key {
                // `None`: no route for that pattern, in either form.
                Some(key) if item.value.is_none_literal_expr() => format!("{}: None", text(key)),
                Some(key) => fill(entry, &[("key", &text(key)), ("value", &text(&item.value))]),
                None => format!("**{}", text(&item.value)),
            })
            .collect(),
        Expr::Call(call) if is_builtin_dict(call, checker) && call.arguments.args.is_empty() => {
            call.arguments
                .keywords
                .iter()
                .map(|k| match &k.arg {
                    Some(arg) => fill(
                        entry,
                        &[
                            ("key", &format!("\"{}\"", arg.as_str())),
                            ("value", &text(&k.value)),
                        ],
                    ),
                    None => format!("**{}", text(&k.value)),
                })
                .collect()
        }
        _ => return None,
    };
    Some(format!("{{{}}}", entries.join(", ")))
}

/// Whether a dict literal or `dict(...)` (or a name bound once to one)
/// spells the key `key`.
fn holds_key(value: &Expr, key: &str, checker: &Checker<'_>) -> bool {
    let dict = match value {
        Expr::Name(name) => match checker
            .semantic
            .single_binding(name.id.as_str(), name.start())
        {
            Some(BindingKind::Opaque(Origin::Assign { value })) => *value,
            _ => return false,
        },
        other => other,
    };
    match dict {
        Expr::Dict(dict) => dict.items.iter().any(
            |item| matches!(&item.key, Some(Expr::StringLiteral(s)) if s.value.to_str() == key),
        ),
        Expr::Call(call) if is_builtin_dict(call, checker) => call
            .arguments
            .keywords
            .iter()
            .any(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == key)),
        _ => false,
    }
}

pub fn remove(
    rule: &DataRule,
    callables: &[Callable],
    removed: &[RemovedKeyword],
    safe: bool,
    expr: &Expr,
    checker: &mut Checker<'_>,
) {
    let Expr::Call(call) = expr else { return };
    // The keywords first: comparisons; resolution walks scopes.
    let present: Vec<(&RemovedKeyword, &Keyword)> = removed
        .iter()
        .filter_map(|r| Some((r, call.arguments.find_keyword(&r.name)?)))
        .collect();
    if present.is_empty() {
        return;
    }
    let Some(reached) = call_of(call, callables, &rule.library, checker) else {
        return;
    };
    let candidates = reached.candidates();
    for (removed, keyword) in present {
        let Some(arg) = keyword.arg.as_ref() else {
            continue;
        };
        let name = removed.name.as_str();
        let vars = vars(&reached, &candidates, name, "");
        let message = main_message(
            rule,
            &reached,
            removed.message.as_deref(),
            &vars,
            format!(
                "`{}` takes no `{name}` from {}",
                reached.shown(),
                rule.since_text()
            ),
        );
        let vars = Vars {
            message: &message,
            ..vars
        };
        if reached.maybe_other {
            checker.report(arg.range(), ambiguous(rule, &message, &vars), None);
            continue;
        }
        // A value other than the old default changed behaviour: a review item.
        let value = checker.text(keyword.value.range());
        if removed
            .default
            .as_deref()
            .is_some_and(|default| value != default)
        {
            let kept = match &removed.message_kept {
                Some(template) => rule.render(template, &vars),
                None => format!(
                    "{message}; it passes `{value}`, not the old default `{}`: the code may rely on what that did",
                    removed.default.as_deref().unwrap_or_default()
                ),
            };
            checker.report(arg.range(), kept, None);
            continue;
        }
        let pure = is_pure(&keyword.value);
        let fix =
            remove_argument(checker.source, &call.arguments, keyword.range()).map(|edit| Fix {
                title: rule.title(&vars, || format!("Remove `{name}`")),
                edits: vec![edit],
                applicability: if pure && safe {
                    Applicability::Safe
                } else {
                    Applicability::Unsafe
                },
                // Where the old releases still read the keyword, removing it
                // changes what they do.
                requires: Some(reached.requires(rule.requires)),
            });
        let message = if pure || fix.is_none() {
            message
        } else {
            format!("{message}; its value is computed here, and removing it drops that computation")
        };
        checker.report(arg.range(), message, fix);
    }
}

pub fn flag(
    rule: &DataRule,
    callables: &[Callable],
    keyword_name: &str,
    expr: &Expr,
    checker: &mut Checker<'_>,
) {
    let Some((_, _, arg, reached)) = keyword_call(rule, expr, keyword_name, callables, checker)
    else {
        return;
    };
    let candidates = reached.candidates();
    let vars = vars(&reached, &candidates, keyword_name, "");
    // A flag always has a message (the format requires one).
    let message = main_message(rule, &reached, None, &vars, String::new());
    let vars = Vars {
        message: &message,
        ..vars
    };
    let message = if reached.maybe_other {
        ambiguous(rule, &message, &vars)
    } else {
        message
    };
    checker.report(arg.range(), message, None);
}

/// A number or string literal, or arithmetic on them.
fn is_literal(value: &Expr) -> bool {
    match value {
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::BytesLiteral(_) => true,
        Expr::UnaryOp(op) => is_literal(&op.operand),
        Expr::BinOp(op) => is_literal(&op.left) && is_literal(&op.right),
        _ => false,
    }
}

/// Whether evaluating `value` can do nothing but produce it: literals,
/// names, and containers of them. (An attribute may be a property.)
fn is_pure(value: &Expr) -> bool {
    match value {
        Expr::NumberLiteral(_)
        | Expr::StringLiteral(_)
        | Expr::BytesLiteral(_)
        | Expr::BooleanLiteral(_)
        | Expr::NoneLiteral(_)
        | Expr::EllipsisLiteral(_)
        | Expr::Name(_) => true,
        Expr::Tuple(tuple) => tuple.elts.iter().all(is_pure),
        Expr::List(list) => list.elts.iter().all(is_pure),
        Expr::Set(set) => set.elts.iter().all(is_pure),
        Expr::Dict(dict) => dict
            .items
            .iter()
            .all(|item| item.key.as_ref().is_none_or(is_pure) && is_pure(&item.value)),
        Expr::UnaryOp(op) => is_pure(&op.operand),
        // Arithmetic on literals (`2**16`): no operator of a user's class.
        Expr::BinOp(op) => is_literal(&op.left) && is_literal(&op.right),
        _ => false,
    }
}
