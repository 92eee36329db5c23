//! `rename-method`: a method of a class that got a new name
//! (`unittest.TestCase.assertEquals` → `assertEqual`), renamed where the
//! receiver is proven to be an instance of the class (or of a subclass):
//!
//! - `self` (the first parameter) in a method of a class that derives from
//!   it, in this file (through other classes of the file, too), also when
//!   read from a function nested in the method;
//! - a constructor call, `acme.Client().old()`;
//! - a name bound once, in its scope, to a constructor call
//!   (`client = acme.Client()`).
//!
//! Any other receiver may be anything, and is left alone. A class of the
//! file that defines the old name itself is overriding it: its instances'
//! calls are not renamed. A rename's `keywords` are renamed in the calls
//! with it; a call that spreads `**` into such a method is a review item.

use ferry_engine::{Applicability, Checker, Edit, Fix};
use ferry_python::ast::visitor::{self, Visitor};
use ferry_python::ast::{Expr, ExprCall, ExprContext, ModModule, Stmt, StmtClassDef};
use ferry_python::{BindingKind, Origin, Ranged, TextRange};

use super::{DataRule, Vars};
use crate::format::MethodRename;

/// Renames `old` to `new` on proven instances; with no `new` (a `flag` of
/// `methods`), reports each use with the pack's message and no fix.
pub fn check(
    rule: &DataRule,
    classes: &[String],
    old: &str,
    rename: Option<&MethodRename>,
    module: &ModModule,
    checker: &mut Checker<'_>,
) {
    let mut walker = Walker {
        checker,
        classes,
        old,
        subclasses: Vec::new(),
        methods: Vec::new(),
        found: Vec::new(),
        calls: Vec::new(),
    };
    walker.visit_body(&module.body);
    let found = std::mem::take(&mut walker.found);
    let calls = std::mem::take(&mut walker.calls);
    let new = rename.map(|r| r.new.as_str());
    for (range, receiver) in found {
        let vars = Vars {
            callee: &receiver,
            old,
            new: new.unwrap_or_default(),
            ..Vars::default()
        };
        let Some(new) = new else {
            let message = rule.message(&vars, || {
                format!("`{receiver}.{old}` is gone from {}", rule.since_text())
            });
            checker.report(range, message, None);
            continue;
        };
        let message = rule.message(&vars, || {
            format!("`{receiver}.{old}` is `{new}` from {}", rule.since_text())
        });
        let mut edits = vec![Edit::replacement(new, range)];
        let renamed_keywords = rename.map_or(&[][..], |r| r.keywords.as_slice());
        if let Some(call) = calls
            .iter()
            .find(|(attr, _)| *attr == range)
            .map(|(_, call)| *call)
            .filter(|_| !renamed_keywords.is_empty())
        {
            if call.arguments.keywords.iter().any(|k| k.arg.is_none()) {
                let names: Vec<String> = renamed_keywords
                    .iter()
                    .map(|(old, new)| format!("`{old}=` is `{new}=`"))
                    .collect();
                checker.report(
                    range,
                    format!(
                        "{message}, and {}; the call spreads `**` keywords Ferry cannot see: rename it by hand",
                        names.join(", ")
                    ),
                    None,
                );
                continue;
            }
            for keyword in &call.arguments.keywords {
                let Some(arg) = &keyword.arg else { continue };
                if let Some((_, new_keyword)) = renamed_keywords
                    .iter()
                    .find(|(old_keyword, _)| old_keyword == arg.as_str())
                {
                    edits.push(Edit::replacement(new_keyword, arg.range()));
                }
            }
        }
        let fix = Fix {
            title: rule.title(&vars, || format!("Rename `{old}` to `{new}`")),
            edits,
            applicability: Applicability::Safe,
            requires: Some(rule.requires),
        };
        checker.report(range, message, Some(fix));
    }
}

struct Walker<'c, 'a> {
    checker: &'c Checker<'a>,
    classes: &'c [String],
    old: &'c str,
    /// The file's classes that derive from one of `classes`, by name, and
    /// whether one of them (or it) defines `old` itself.
    subclasses: Vec<(String, bool)>,
    /// The ranges of the methods of those classes (not static methods), with
    /// the class's qualified name to show.
    methods: Vec<(TextRange, String)>,
    /// Where `old` is read on a proven instance, with the class to show.
    found: Vec<(TextRange, String)>,
    /// The calls of `old` (whatever the receiver), by the range of the
    /// method's name: where a rename's keywords are.
    calls: Vec<(TextRange, &'a ExprCall)>,
}

impl Walker<'_, '_> {
    /// Whether `base` is one of the classes or a subclass of the file: the
    /// class's name to show, and whether the chain overrides `old`.
    fn derives(&self, base: &Expr) -> Option<(String, bool)> {
        if let Some(class) = self.resolved_class(base) {
            return Some((class, false));
        }
        let Expr::Name(name) = base else { return None };
        self.subclasses
            .iter()
            .rev()
            .find(|(local, _)| local == name.id.as_str())
            .cloned()
    }

    /// The class a constructor or base expression names, if one of `classes`.
    fn resolved_class(&self, expr: &Expr) -> Option<String> {
        self.checker
            .semantic
            .resolve_expr(expr)
            .candidates()
            .iter()
            .find(|q| self.classes.iter().any(|c| c == q.as_str()))
            .map(|q| q.to_string())
    }

    fn enter_class(&mut self, class: &StmtClassDef) {
        let Some(arguments) = &class.arguments else {
            return;
        };
        let Some((shown, overridden)) = arguments.args.iter().find_map(|b| self.derives(b)) else {
            return;
        };
        let defines_old = class.body.iter().any(|stmt| match stmt {
            Stmt::FunctionDef(def) => def.name.as_str() == self.old,
            Stmt::Assign(assign) => assign
                .targets
                .iter()
                .any(|t| matches!(t, Expr::Name(n) if n.id.as_str() == self.old)),
            _ => false,
        });
        let overridden = overridden || defines_old;
        self.subclasses
            .push((class.name.as_str().to_string(), overridden));
        if overridden {
            return;
        }
        for stmt in &class.body {
            if let Stmt::FunctionDef(def) = stmt {
                let is_static = def.decorator_list.iter().any(
                    |d| matches!(&d.expression, Expr::Name(n) if n.id.as_str() == "staticmethod"),
                );
                if !is_static {
                    self.methods.push((def.range, shown.clone()));
                }
            }
        }
    }

    /// The class `receiver` is proven to be an instance of, if any.
    fn receiver_class(&self, receiver: &Expr) -> Option<String> {
        match receiver {
            Expr::Call(call) => self.resolved_class(&call.func),
            Expr::Name(name) => {
                match self
                    .checker
                    .semantic
                    .single_binding(name.id.as_str(), name.start())?
                {
                    BindingKind::Opaque(Origin::Parameter {
                        function, index: 0, ..
                    }) => self
                        .methods
                        .iter()
                        .find(|(range, _)| *range == function.range)
                        .map(|(_, shown)| shown.clone()),
                    BindingKind::Opaque(Origin::Assign {
                        value: Expr::Call(call),
                    }) => self.resolved_class(&call.func),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

impl<'a> Visitor<'a> for Walker<'_, 'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if let Stmt::ClassDef(class) = stmt {
            self.enter_class(class);
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr {
            if let Expr::Attribute(attr) = &*call.func {
                if attr.attr.as_str() == self.old {
                    self.calls.push((attr.attr.range(), call));
                }
            }
        }
        if let Expr::Attribute(attr) = expr {
            if attr.ctx == ExprContext::Load && attr.attr.as_str() == self.old {
                if let Some(class) = self.receiver_class(&attr.value) {
                    self.found.push((attr.attr.range(), class));
                }
            }
        }
        visitor::walk_expr(self, expr);
    }
}
