//! Which of a rule's callables a call reaches, through imports, aliases and
//! `functools.partial`, for the file's target.

use ferry_engine::{Checker, Release};
use ferry_python::ast::{ExprCall, Keyword};
use ferry_python::{QualifiedName, Resolution};

use crate::format::Callable;

/// A call that may reach one of a rule's callables.
pub struct CallOf<'a, 'r> {
    /// The callables it may reach (more than one with conditional imports).
    pub matched: Vec<&'r Callable>,
    /// Every name the callee may be, in order.
    pub candidates: Vec<QualifiedName>,
    /// Whether some candidate is not one of the callables (for the file's
    /// target): the call may be to something else, so no fix is certain.
    pub maybe_other: bool,
    /// The keywords the callable receives (a partial's, for `partial(f, k=v)`).
    pub keywords: &'a [Keyword],
}

impl CallOf<'_, '_> {
    /// The name to show in messages.
    pub fn shown(&self) -> &str {
        self.matched.first().map_or("", |c| c.name.as_str())
    }

    /// Every candidate the callee may be, for a review message.
    pub fn candidates(&self) -> String {
        let names: Vec<String> = self.candidates.iter().map(|n| format!("`{n}`")).collect();
        names.join(" or ")
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

    /// The release a fix for this call needs: for each callable reached,
    /// its own `requires`, else the later of the rule's and its `since`.
    pub fn requires(&self, rule_requires: Release) -> Release {
        self.matched
            .iter()
            .map(|c| {
                c.requires
                    .unwrap_or_else(|| c.since.map_or(rule_requires, |s| s.max(rule_requires)))
            })
            .max()
            .unwrap_or(rule_requires)
    }

    /// The message the pack gives for the first callable reached, if any.
    pub fn callable_message(&self) -> Option<&str> {
        self.matched.iter().find_map(|c| c.message.as_deref())
    }
}

/// Resolves `call` against `callables` for the file's target of `library`,
/// or `None` if it reaches none of them.
pub fn call_of<'a, 'r>(
    call: &'a ExprCall,
    callables: &'r [Callable],
    library: &str,
    checker: &Checker<'_>,
) -> Option<CallOf<'a, 'r>> {
    let mut resolution = checker.semantic.resolve_expr(&call.func);
    if matches!(&resolution, Resolution::One(name) if name.as_str() == "functools.partial") {
        // `partial(f, k=v)`: the keywords go to its first argument.
        resolution = checker.semantic.resolve_expr(call.arguments.args.first()?);
    }
    // No target: the newest release, where every callable has its meaning.
    let target = checker.settings.target(library);
    let mut matched = Vec::new();
    let mut maybe_other = false;
    for name in resolution.candidates() {
        let callable = callables.iter().find(|c| {
            c.name == name.as_str()
                && match (c.since, target) {
                    (Some(since), Some(target)) => *target >= since.version(),
                    _ => true,
                }
        });
        match callable {
            Some(callable) => matched.push(callable),
            None => maybe_other = true,
        }
    }
    (!matched.is_empty()).then(|| CallOf {
        matched,
        candidates: resolution.candidates().to_vec(),
        maybe_other,
        keywords: &call.arguments.keywords,
    })
}
