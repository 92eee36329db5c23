//! Which names a module reads without binding them, and which names it
//! imports without reading them: what a fix must not change for the worse.
//!
//! A fix that renames an import but not one of its uses (a `try`/`except
//! ImportError` twin, a re-export) leaves a name unbound: the module fails
//! with `NameError` when that line runs, or at import. Comparing these facts
//! before and after a fix catches it, whatever rule wrote the fix.

use std::collections::{BTreeMap, BTreeSet};

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprContext, ModModule, Stmt};
use ruff_text_size::Ranged;

use crate::semantic::SemanticModel;

/// The names of a module that a fix could leave dangling.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameFacts {
    /// Names read where no binding reaches them (not builtins), with how often.
    pub unbound: BTreeMap<String, usize>,
    /// Names bound by an import.
    pub imported: BTreeSet<String>,
    /// Names bound by an import that nothing in the module reads.
    pub unused_imports: BTreeSet<String>,
}

impl NameFacts {
    pub fn of(module: &ModModule, semantic: &SemanticModel<'_>) -> Self {
        let mut walker = Walker {
            semantic,
            facts: NameFacts::default(),
            loaded: BTreeSet::new(),
            imported: Vec::new(),
        };
        walker.visit_body(&module.body);
        let Walker {
            mut facts,
            loaded,
            imported,
            ..
        } = walker;
        // `__all__ = ["name"]` reads the name too.
        let exported = exported_names(module);
        facts.unused_imports = imported
            .iter()
            .filter(|name| !loaded.contains(*name) && !exported.contains(*name))
            .cloned()
            .collect();
        facts.imported = imported.into_iter().collect();
        facts
    }

    /// What `after` has that `self` (the same module before a fix) had not:
    /// names newly unbound, or new imports that nothing reads (an import a
    /// fix leaves unused is not blamed: removing it is another matter).
    pub fn made_worse_by(&self, after: &NameFacts) -> Vec<String> {
        let mut worse: Vec<String> = after
            .unbound
            .iter()
            .filter(|(name, count)| self.unbound.get(*name).is_none_or(|before| before < count))
            .map(|(name, _)| format!("`{name}` is read but no longer bound"))
            .collect();
        worse.extend(
            after
                .unused_imports
                .difference(&self.imported)
                .map(|name| format!("`{name}` is imported but nothing reads it")),
        );
        worse
    }
}

struct Walker<'s, 'a> {
    semantic: &'s SemanticModel<'a>,
    facts: NameFacts,
    loaded: BTreeSet<String>,
    imported: Vec<String>,
}

impl<'b> Visitor<'b> for Walker<'_, '_> {
    fn visit_stmt(&mut self, stmt: &'b Stmt) {
        match stmt {
            Stmt::Import(import) => {
                for alias in &import.names {
                    // `import a.b.c` loads a submodule so that `x.b.c` resolves
                    // (whatever name `a` is read under): a use of its own.
                    let bound = match &alias.asname {
                        Some(asname) => asname.as_str(),
                        None if alias.name.as_str().contains('.') => continue,
                        None => alias.name.as_str(),
                    };
                    self.imported.push(bound.to_string());
                }
            }
            Stmt::ImportFrom(import) => {
                for alias in &import.names {
                    let bound = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
                    if bound != "*" {
                        self.imported.push(bound.to_string());
                    }
                }
            }
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'b Expr) {
        if let Expr::Name(name) = expr {
            if name.ctx == ExprContext::Load {
                let id = name.id.as_str();
                self.loaded.insert(id.to_string());
                let bound = !self.semantic.reaching(id, name.start()).is_empty()
                    || !self
                        .semantic
                        .resolve_name(id, name.start())
                        .candidates()
                        .is_empty();
                if !bound && !is_builtin(id) {
                    *self.facts.unbound.entry(id.to_string()).or_default() += 1;
                }
            }
        }
        visitor::walk_expr(self, expr);
    }
}

/// The strings of a module-level `__all__ = [...]` / `(...)`.
fn exported_names(module: &ModModule) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for stmt in &module.body {
        let Stmt::Assign(assign) = stmt else { continue };
        let is_all = assign
            .targets
            .iter()
            .any(|t| matches!(t, Expr::Name(n) if n.id.as_str() == "__all__"));
        let elements = match assign.value.as_ref() {
            Expr::List(list) => &list.elts,
            Expr::Tuple(tuple) => &tuple.elts,
            _ => continue,
        };
        if is_all {
            for element in elements {
                if let Expr::StringLiteral(s) = element {
                    names.insert(s.value.to_str().to_string());
                }
            }
        }
    }
    names
}

/// Names every module can read without binding them: the builtins of
/// CPython 3.9–3.13 and the module attributes the interpreter sets.
fn is_builtin(name: &str) -> bool {
    BUILTINS.binary_search(&name).is_ok()
}

/// Sorted. The `builtins_cover_the_interpreter` test checks it against the
/// real interpreter's `dir(builtins)`.
pub const BUILTINS: &[&str] = &[
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BaseException",
    "BaseExceptionGroup",
    "BlockingIOError",
    "BrokenPipeError",
    "BufferError",
    "BytesWarning",
    "ChildProcessError",
    "ConnectionAbortedError",
    "ConnectionError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "DeprecationWarning",
    "EOFError",
    "Ellipsis",
    "EncodingWarning",
    "EnvironmentError",
    "Exception",
    "ExceptionGroup",
    "False",
    "FileExistsError",
    "FileNotFoundError",
    "FloatingPointError",
    "FutureWarning",
    "GeneratorExit",
    "IOError",
    "ImportError",
    "ImportWarning",
    "IndentationError",
    "IndexError",
    "InterruptedError",
    "IsADirectoryError",
    "KeyError",
    "KeyboardInterrupt",
    "LookupError",
    "MemoryError",
    "ModuleNotFoundError",
    "NameError",
    "None",
    "NotADirectoryError",
    "NotImplemented",
    "NotImplementedError",
    "OSError",
    "OverflowError",
    "PendingDeprecationWarning",
    "PermissionError",
    "ProcessLookupError",
    "PythonFinalizationError",
    "RecursionError",
    "ReferenceError",
    "ResourceWarning",
    "RuntimeError",
    "RuntimeWarning",
    "StopAsyncIteration",
    "StopIteration",
    "SyntaxError",
    "SyntaxWarning",
    "SystemError",
    "SystemExit",
    "TabError",
    "TimeoutError",
    "True",
    "TypeError",
    "UnboundLocalError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "UnicodeError",
    "UnicodeTranslateError",
    "UnicodeWarning",
    "UserWarning",
    "ValueError",
    "Warning",
    "ZeroDivisionError",
    "__annotations__",
    "__build_class__",
    "__builtins__",
    "__cached__",
    "__debug__",
    "__doc__",
    "__file__",
    "__import__",
    "__loader__",
    "__name__",
    "__package__",
    "__path__",
    "__spec__",
    "abs",
    "aiter",
    "all",
    "anext",
    "any",
    "ascii",
    "bin",
    "bool",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "compile",
    "complex",
    "copyright",
    "credits",
    "delattr",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "eval",
    "exec",
    "exit",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "license",
    "list",
    "locals",
    "map",
    "max",
    "memoryview",
    "min",
    "next",
    "object",
    "oct",
    "open",
    "ord",
    "pow",
    "print",
    "property",
    "quit",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    fn facts(source: &str) -> NameFacts {
        let parsed = parse(source).unwrap();
        let semantic = SemanticModel::from_module(parsed.module());
        NameFacts::of(parsed.module(), &semantic)
    }

    #[test]
    fn builtins_are_sorted() {
        assert!(BUILTINS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn unbound_names_and_unused_imports() {
        let before = facts("from a import X\n\ndef f(y: X):\n    return isinstance(y, X)\n");
        assert!(before.unbound.is_empty());
        assert!(before.unused_imports.is_empty());
        // The import renamed, one use left behind.
        let after = facts("from b import Y\n\ndef f(y: Y):\n    return isinstance(y, X)\n");
        assert_eq!(after.unbound.get("X"), Some(&1));
        assert_eq!(
            before.made_worse_by(&after),
            ["`X` is read but no longer bound"]
        );
        // A new import nothing reads.
        let unused =
            facts("from a import X\nimport c\n\ndef f(y: X):\n    return isinstance(y, X)\n");
        assert_eq!(
            before.made_worse_by(&unused),
            ["`c` is imported but nothing reads it"]
        );
        // A dotted import loads a submodule for an aliased package: not unused.
        let aliased = facts(
            "import websockets as ws\nimport websockets.asyncio.client\nx: ws.asyncio.client.C\n",
        );
        assert!(aliased.unused_imports.is_empty());
        // An old import left unused is not the fix's doing.
        let left = facts("from a import X\n\ndef f(y):\n    return y\n");
        assert!(before.made_worse_by(&left).is_empty());
    }

    #[test]
    fn what_was_already_unbound_is_not_blamed() {
        let before = facts("print(undefined)\n");
        let after = facts("print(undefined)  # changed\n");
        assert!(before.made_worse_by(&after).is_empty());
    }

    #[test]
    fn exports_and_star_imports_count_as_uses_and_bindings() {
        let f = facts("from a import X\nfrom b import *\n__all__ = ['X']\nprint(Y)\n");
        assert!(f.unused_imports.is_empty());
        assert!(f.unbound.is_empty());
    }
}
