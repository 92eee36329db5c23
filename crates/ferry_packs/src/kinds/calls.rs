//! Which of a rule's callables a call reaches, through imports, aliases and
//! `functools.partial`.

use ferry_engine::Checker;
use ferry_python::ast::{ExprCall, Keyword};
use ferry_python::{QualifiedName, Resolution};

/// A call that may reach one of a rule's callables.
pub struct CallOf<'a> {
    /// The callables it may reach (more than one with conditional imports).
    pub matched: Vec<QualifiedName>,
    /// Whether some candidate is not one of the callables: the call may be
    /// to something else, so no fix is certain.
    pub maybe_other: bool,
    /// The keywords the callable receives (a partial's, for `partial(f, k=v)`).
    pub keywords: &'a [Keyword],
}

impl CallOf<'_> {
    /// The name to show in messages.
    pub fn shown(&self) -> &str {
        self.matched.first().map_or("", QualifiedName::as_str)
    }

    /// Every candidate the callee may be, for a review message.
    pub fn candidates(&self) -> String {
        let names: Vec<String> = self.matched.iter().map(|n| format!("`{n}`")).collect();
        let mut listed = names.join(" or ");
        if self.maybe_other {
            listed.push_str(" or something else");
        }
        listed
    }

    pub fn has_keyword(&self, name: &str) -> bool {
        self.keywords
            .iter()
            .any(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == name))
    }

    /// Whether the call also spreads `**mapping`, which may hold any keyword.
    pub fn spreads(&self) -> bool {
        self.keywords.iter().any(|k| k.arg.is_none())
    }
}

/// Resolves `call` against `callables`, or `None` if it reaches none of them.
pub fn call_of<'a>(
    call: &'a ExprCall,
    callables: &[String],
    checker: &Checker<'_>,
) -> Option<CallOf<'a>> {
    let mut resolution = checker.semantic.resolve_expr(&call.func);
    if matches!(&resolution, Resolution::One(name) if name.as_str() == "functools.partial") {
        // `partial(f, k=v)`: the keywords go to its first argument.
        resolution = checker.semantic.resolve_expr(call.arguments.args.first()?);
    }
    let mut matched = Vec::new();
    let mut maybe_other = false;
    for name in resolution.candidates() {
        if callables.iter().any(|c| c == name.as_str()) {
            matched.push(name.clone());
        } else {
            maybe_other = true;
        }
    }
    (!matched.is_empty()).then_some(CallOf {
        matched,
        maybe_other,
        keywords: &call.arguments.keywords,
    })
}
