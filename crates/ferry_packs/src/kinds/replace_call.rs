//! `replace-call`: a call of one of the rule's callables rewritten from a
//! template (`unittest.makeSuite(C)` → `unittest.TestLoader().loadTestsFromTestCase(C)`).
//!
//! The template names the call's arguments by the callable's parameters:
//! `{0}` is the first parameter, `{name}` the parameter `name`, whether the
//! call passes it by position or by keyword; their source text is copied
//! as written. A call the template cannot say exactly is a review item:
//! one that spreads `*args`/`**kwargs`, passes an argument the template has
//! no place for, or leaves out one it needs. The modules the template
//! spells (`imports`) are imported at the top of the file when no plain
//! `import` binds them. The fix is unsafe unless the pack says `safe`.

use ferry_engine::{Applicability, Checker, Edit, Fix};
use ferry_python::ast::visitor::{self, Visitor};
use ferry_python::ast::{Expr, ExprCall, ModModule, Stmt};
use ferry_python::Ranged;

use super::calls::call_of;
use super::{DataRule, Vars};
use crate::format::{Callable, ReplaceCall, TemplatePart};
use crate::imports::{
    imports_plainly, line_ending, new_import_position, remove_names, remove_statement,
};

pub fn check(
    rule: &DataRule,
    callables: &[Callable],
    replace: &ReplaceCall,
    expr: &Expr,
    checker: &mut Checker<'_>,
) {
    let Expr::Call(call) = expr else { return };
    let Some(reached) = call_of(call, callables, &rule.library, checker) else {
        return;
    };
    // `partial(f, ...)` (whose callee resolved is its first argument) is
    // not a call of `f` the template can rewrite.
    if checker.semantic.resolve_expr(&call.func).candidates() != reached.candidates.as_slice() {
        return;
    }
    let candidates = reached.candidates();
    let vars = Vars {
        callee: reached.shown(),
        candidates: &candidates,
        ..Vars::default()
    };
    let message = rule.message(&vars, || {
        format!("`{}` is gone from {}", reached.shown(), rule.since_text())
    });
    if reached.maybe_other {
        let vars = Vars {
            message: &message,
            ..vars
        };
        let text = match &rule.messages.ambiguous {
            Some(template) => rule.render(template, &vars),
            None => format!(
                "{message}, and this callee may be {candidates}: make the import unconditional, then rerun"
            ),
        };
        checker.report(call.range(), text, None);
        return;
    }
    // The template's modules are read by their first name: where that name
    // is bound to something else (`from datetime import datetime`), the
    // replacement would call an attribute of the wrong object.
    let conflict = replace.imports.iter().find(|module| {
        let head = module.split('.').next().unwrap_or(module);
        let bound = checker.semantic.reaching(head, call.start());
        !bound.is_empty()
            && checker
                .semantic
                .resolve_name(head, call.start())
                .candidates()
                != [ferry_python::QualifiedName::new(head)]
    });
    match rewrite(replace, call, checker) {
        Ok(text) if conflict.is_some() => {
            let module = conflict.expect("a conflicting module");
            let head = module.split('.').next().unwrap_or(module);
            checker.report(
                call.range(),
                format!(
                    "{message}; the replacement `{text}` reads the module `{module}`, but `{head}` is another name here: write it by hand"
                ),
                None,
            );
        }
        Ok(text) => {
            let mut edits = vec![Edit::replacement(text, call.range())];
            // `from unittest import makeSuite`: the name is gone with the
            // callable, so its import must go with the call.
            if let Expr::Name(name) = &*call.func {
                match from_import_removal(name.id.as_str(), checker) {
                    Ok(removal) => edits.extend(removal),
                    Err(why) => {
                        checker.report(call.range(), format!("{message}; {why}"), None);
                        return;
                    }
                }
            }
            for module in &replace.imports {
                if !imports_plainly(checker.module, module) {
                    let at = new_import_position(checker.module, checker.source);
                    let eol = line_ending(checker.source);
                    edits.push(Edit::insertion(format!("import {module}{eol}"), at));
                }
            }
            let fix = Fix {
                title: rule.title(&vars, || {
                    format!("Replace the call of `{}`", reached.shown())
                }),
                edits,
                applicability: if replace.safe {
                    Applicability::Safe
                } else {
                    Applicability::Unsafe
                },
                requires: Some(reached.requires(rule.requires)),
            };
            checker.report(call.range(), message, Some(fix));
        }
        Err(why) => checker.report(call.range(), format!("{message}; {why}"), None),
    }
}

/// The edits that take `name` out of the top-level `from … import` that
/// binds it, once the call being replaced is its only use; or why not.
fn from_import_removal(name: &str, checker: &Checker<'_>) -> Result<Vec<Edit>, String> {
    let uses = count_loads(name, checker.module);
    if uses != 1 {
        return Err(format!(
            "`{name}` is imported by name and used {uses} times: import the module and call it through the module, then rerun"
        ));
    }
    let not_here = || {
        format!("`{name}` is not imported by a top-level `from` import Ferry can edit: rewrite it by hand")
    };
    let body = &checker.module.body;
    let (position, stmt, import, index) = body
        .iter()
        .enumerate()
        .find_map(|(position, stmt)| match stmt {
            Stmt::ImportFrom(import) => import
                .names
                .iter()
                .position(|a| a.asname.as_ref().unwrap_or(&a.name).as_str() == name)
                .map(|i| (position, stmt, import, i)),
            _ => None,
        })
        .ok_or_else(not_here)?;
    if checker.text(stmt.range()).contains('#') {
        return Err(not_here());
    }
    if import.names.len() == 1 {
        return remove_statement(position, body, checker.source)
            .map(|edit| vec![edit])
            .ok_or_else(not_here);
    }
    let remove: Vec<bool> = (0..import.names.len()).map(|i| i == index).collect();
    Ok(remove_names(stmt, &import.names, &remove, checker.source))
}

/// How many times `name` is read in the module, in any scope.
fn count_loads(name: &str, module: &ModModule) -> usize {
    struct Loads<'n> {
        name: &'n str,
        count: usize,
    }
    impl<'a> Visitor<'a> for Loads<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Name(n) = expr {
                if n.id.as_str() == self.name {
                    self.count += 1;
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut loads = Loads { name, count: 0 };
    loads.visit_body(&module.body);
    loads.count
}

/// The template filled with the call's arguments, or why it cannot be.
fn rewrite(
    replace: &ReplaceCall,
    call: &ExprCall,
    checker: &Checker<'_>,
) -> Result<String, String> {
    let arguments = &call.arguments;
    let mut passed: Vec<(usize, &Expr)> = Vec::new();
    for (index, arg) in arguments.args.iter().enumerate() {
        if arg.is_starred_expr() {
            return Err(
                "the call spreads `*` arguments, which Ferry cannot place: rewrite it by hand"
                    .into(),
            );
        }
        if index >= replace.parameters.len() {
            return Err(format!(
                "the call passes {} positional arguments; the replacement knows {}: rewrite it by hand",
                arguments.args.len(),
                replace.parameters.len()
            ));
        }
        passed.push((index, arg));
    }
    for keyword in &arguments.keywords {
        let Some(name) = &keyword.arg else {
            return Err(
                "the call spreads `**` keywords, which Ferry cannot place: rewrite it by hand"
                    .into(),
            );
        };
        let Some(index) = replace.parameters.iter().position(|p| p == name.as_str()) else {
            return Err(format!(
                "the replacement has no place for `{}=`: rewrite it by hand",
                name.as_str()
            ));
        };
        passed.push((index, &keyword.value));
    }
    let used = replace.used_parameters();
    if let Some((index, _)) = passed.iter().find(|(index, _)| !used.contains(index)) {
        return Err(format!(
            "the replacement has no place for `{}`: rewrite it by hand",
            replace.parameters[*index]
        ));
    }
    let mut out = String::new();
    for (at, part) in replace.template.iter().enumerate() {
        match part {
            TemplatePart::Text(text) => out.push_str(text),
            TemplatePart::Argument(index) => {
                let Some((_, value)) = passed.iter().find(|(i, _)| i == index) else {
                    return Err(format!(
                        "the call does not pass `{}`, which the replacement needs: rewrite it by hand",
                        replace.parameters[*index]
                    ));
                };
                // `{0}.x` with `a + b`: parentheses keep the meaning.
                let followed_by_access = matches!(
                    replace.template.get(at + 1),
                    Some(TemplatePart::Text(next)) if next.starts_with(['.', '[', '('])
                );
                let text = checker.text(value.range());
                if followed_by_access && !is_atom(value) {
                    out.push('(');
                    out.push_str(text);
                    out.push(')');
                } else {
                    out.push_str(text);
                }
            }
        }
    }
    Ok(out)
}

/// An expression that binds tighter than an attribute access. (Not a
/// number: `5.bit_length()` is a syntax error, `(5).bit_length()` is not.)
fn is_atom(value: &Expr) -> bool {
    matches!(
        value,
        Expr::Name(_)
            | Expr::Attribute(_)
            | Expr::Call(_)
            | Expr::Subscript(_)
            | Expr::StringLiteral(_)
            | Expr::BytesLiteral(_)
            | Expr::BooleanLiteral(_)
            | Expr::NoneLiteral(_)
            | Expr::List(_)
            | Expr::Dict(_)
            | Expr::Set(_)
            | Expr::ListComp(_)
            | Expr::DictComp(_)
            | Expr::SetComp(_)
    )
}
