//! Code that already chooses by the installed version of a library.
//!
//! `if Version(websockets.__version__) < Version("14"): ... else: ...`
//! works on both sides of the break: each branch is right for the releases
//! that take it. Rules know nothing of this; the engine drops their
//! findings inside such branches, whatever the rule. A check counts when its
//! test reads the library's version (`__version__`, the `version` module,
//! `importlib.metadata.version("lib")`), asks `inspect.signature` of the
//! library's callables, or asks `hasattr` of its modules, directly or
//! through a name assigned such a value (`OLD_API = ...` at module level).
//! For a pack about the interpreter, the version is `sys.version_info` and
//! the like, and an import fallback (`except ImportError:`) chooses too.

use ferry_python::ast::visitor::{self, Visitor};
use ferry_python::ast::{self, Expr, Stmt};
use ferry_python::{BindingKind, Origin, Ranged, SemanticModel, TextRange};

/// How many names (`A = B < 14`, `B = int(...)`) a check is followed through.
const MAX_DEPTH: usize = 4;

/// The ranges of the branches (everything after the first test) of every
/// `if` whose test depends on the version of one of `packages`.
pub(crate) fn version_guarded(
    module: &ast::ModModule,
    semantic: &SemanticModel<'_>,
    packages: &[&str],
) -> Vec<TextRange> {
    guarded(module, semantic, Guard::Library(packages))
}

/// Code that already chooses by the interpreter, for the findings of a pack
/// whose library is Python itself: the branches of an `if` (or `... if ...
/// else ...`) that reads `sys.version_info`, `sys.version`,
/// `sys.hexversion` or `platform.python_version()`, and a `try` that imports
/// and falls back on `ImportError`, `ModuleNotFoundError`, `AttributeError`
/// or `NameError` (`try: from collections.abc import Mapping / except
/// ImportError: from collections import Mapping`; `try: callable / except
/// NameError:` for Python 3.1): each side is right on the interpreters that
/// take it.
pub(crate) fn interpreter_guarded(
    module: &ast::ModModule,
    semantic: &SemanticModel<'_>,
) -> Vec<TextRange> {
    guarded(module, semantic, Guard::Interpreter)
}

/// Whose version a check reads.
#[derive(Clone, Copy)]
enum Guard<'p> {
    /// One of these packages' (the library's).
    Library(&'p [&'p str]),
    /// The interpreter's.
    Interpreter,
}

fn guarded(
    module: &ast::ModModule,
    semantic: &SemanticModel<'_>,
    guard: Guard<'_>,
) -> Vec<TextRange> {
    let mut finder = GuardFinder {
        semantic,
        guard,
        ranges: Vec::new(),
    };
    finder.visit_body(&module.body);
    finder.ranges
}

struct GuardFinder<'s, 'a> {
    semantic: &'s SemanticModel<'a>,
    guard: Guard<'s>,
    ranges: Vec<TextRange>,
}

impl GuardFinder<'_, '_> {
    /// Whether `test` reads the version the finder is about.
    fn reads_version(&self, test: &Expr) -> bool {
        match self.guard {
            Guard::Library(packages) => reads_version(test, self.semantic, packages, 0),
            Guard::Interpreter => reads_interpreter_version(test, self.semantic),
        }
    }

    /// Whether a `try` takes the other side where the new side fails.
    fn falls_back(&self, try_stmt: &ast::StmtTry) -> bool {
        match self.guard {
            Guard::Library(packages) => falls_back_on_type_error(try_stmt, self.semantic, packages),
            Guard::Interpreter => is_import_fallback(try_stmt, self.semantic),
        }
    }
}

impl<'b> Visitor<'b> for GuardFinder<'_, '_> {
    fn visit_body(&mut self, body: &'b [Stmt]) {
        for (i, stmt) in body.iter().enumerate() {
            let guarded_before = self.ranges.len();
            self.visit_stmt(stmt);
            // `if old: return old_call()` then `return new_call()`: what
            // follows an `if` that always leaves is its `else`. Not after a
            // `raise` (see `leaves_for_the_other_side`), and not for the
            // interpreter: after `if sys.version_info < (3, 5): return`
            // runs on every newer Python, the newest included, so what
            // follows is no choice (the version is only checked by library
            // guards against the pack's break).
            if matches!(self.guard, Guard::Interpreter) {
                continue;
            }
            let Stmt::If(if_stmt) = stmt else { continue };
            let newly_guarded = self.ranges.len() > guarded_before
                && self.ranges[guarded_before] == TextRange::new(if_stmt.test.end(), if_stmt.end());
            if newly_guarded
                && if_stmt.elif_else_clauses.is_empty()
                && leaves_for_the_other_side(&if_stmt.body)
            {
                if let Some(last) = body.last().filter(|_| i + 1 < body.len()) {
                    self.ranges.push(TextRange::new(if_stmt.end(), last.end()));
                    return;
                }
            }
        }
    }

    fn visit_stmt(&mut self, stmt: &'b Stmt) {
        if let Stmt::Try(try_stmt) = stmt {
            if self.falls_back(try_stmt) {
                self.ranges.push(try_stmt.range());
                return;
            }
        }
        if let Stmt::If(if_stmt) = stmt {
            let tests = std::iter::once(if_stmt.test.as_ref()).chain(
                if_stmt
                    .elif_else_clauses
                    .iter()
                    .filter_map(|c| c.test.as_ref()),
            );
            let guarded = tests.into_iter().any(|test| self.reads_version(test));
            if guarded {
                self.ranges
                    .push(TextRange::new(if_stmt.test.end(), if_stmt.end()));
                return;
            }
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'b Expr) {
        // `extra_headers if OLD else additional_headers` picks by version too.
        if let Expr::If(if_expr) = expr {
            if self.reads_version(&if_expr.test) {
                self.ranges.push(if_expr.body.range());
                self.ranges.push(if_expr.orelse.range());
            }
        }
        visitor::walk_expr(self, expr);
    }
}

/// `try: await connect(..., additional_headers=h) / except TypeError: ...`:
/// where the library call is awaited (or entered) inside the `try`, a keyword
/// the installed release rejects raises there, and the handler takes the
/// other side. (Not awaited there, the fallback never runs: WS061's case.)
fn falls_back_on_type_error(
    try_stmt: &ast::StmtTry,
    semantic: &SemanticModel<'_>,
    packages: &[&str],
) -> bool {
    let catches_type_error = try_stmt.handlers.iter().any(|handler| {
        let ast::ExceptHandler::ExceptHandler(handler) = handler;
        let is_type_error = |e: &Expr| {
            matches!(e, Expr::Name(n) if n.id.as_str() == "TypeError"
                && semantic.reaching("TypeError", n.start()).is_empty())
        };
        match handler.type_.as_deref() {
            Some(Expr::Tuple(tuple)) => tuple.elts.iter().any(is_type_error),
            Some(other) => is_type_error(other),
            None => false,
        }
    });
    if !catches_type_error {
        return false;
    }
    struct AwaitedLibraryCall<'s, 'a> {
        semantic: &'s SemanticModel<'a>,
        packages: &'s [&'s str],
        awaited: usize,
        found: bool,
    }
    impl<'b> Visitor<'b> for AwaitedLibraryCall<'_, '_> {
        fn visit_stmt(&mut self, stmt: &'b Stmt) {
            let entered = matches!(stmt, Stmt::With(with) if with.is_async);
            self.awaited += usize::from(entered);
            visitor::walk_stmt(self, stmt);
            self.awaited -= usize::from(entered);
        }
        fn visit_expr(&mut self, expr: &'b Expr) {
            let awaited = matches!(expr, Expr::Await(_));
            if let Expr::Call(call) = expr {
                let of_library = self
                    .semantic
                    .resolve_expr(&call.func)
                    .candidates()
                    .iter()
                    .any(|q| {
                        self.packages.iter().any(|p| {
                            q.as_str()
                                .strip_prefix(p)
                                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
                        })
                    });
                self.found |= of_library && self.awaited > 0 && !call.arguments.keywords.is_empty();
            }
            self.awaited += usize::from(awaited);
            visitor::walk_expr(self, expr);
            self.awaited -= usize::from(awaited);
        }
    }
    let mut finder = AwaitedLibraryCall {
        semantic,
        packages,
        awaited: 0,
        found: false,
    };
    finder.visit_body(&try_stmt.body);
    finder.found
}

/// Whether what follows an `if` with this body is its `else`: the body
/// always leaves by `return`, `continue` or `break`. A body that ends by
/// raising states a requirement (`if websockets_version < 14: raise
/// ImportError(...)`), and what follows runs on every release allowed, the
/// target included: a choice of neither side.
fn leaves_for_the_other_side(body: &[Stmt]) -> bool {
    matches!(
        body.last(),
        Some(Stmt::Return(_) | Stmt::Continue(_) | Stmt::Break(_))
    )
}

/// Whether evaluating `expr` reads the installed version of one of `packages`.
fn reads_version(
    expr: &Expr,
    semantic: &SemanticModel<'_>,
    packages: &[&str],
    depth: usize,
) -> bool {
    struct Reader<'s, 'a> {
        semantic: &'s SemanticModel<'a>,
        packages: &'s [&'s str],
        depth: usize,
        found: bool,
    }
    impl Reader<'_, '_> {
        fn in_package(&self, qualified: &str) -> Option<String> {
            self.packages.iter().find_map(|package| {
                let rest = qualified.strip_prefix(package)?;
                (rest.is_empty() || rest.starts_with('.')).then(|| rest.to_string())
            })
        }

        fn is_package_string(&self, expr: Option<&Expr>) -> bool {
            matches!(expr, Some(Expr::StringLiteral(s)) if self.packages.contains(&s.value.to_str()))
        }
    }
    impl<'b> Visitor<'b> for Reader<'_, '_> {
        fn visit_expr(&mut self, expr: &'b Expr) {
            if self.found {
                return;
            }
            match expr {
                Expr::Name(_) | Expr::Attribute(_) => {
                    let resolution = self.semantic.resolve_expr(expr);
                    for qualified in resolution.candidates() {
                        if let Some(rest) = self.in_package(qualified.as_str()) {
                            if rest.starts_with(".__version")
                                || rest == ".version"
                                || rest.starts_with(".version.")
                            {
                                self.found = true;
                                return;
                            }
                        }
                    }
                    if let Expr::Name(name) = expr {
                        if self.depth < MAX_DEPTH && resolution.candidates().is_empty() {
                            for binding in self.semantic.reaching(name.id.as_str(), name.start()) {
                                if let BindingKind::Opaque(Origin::Assign { value }) = binding {
                                    if reads_version(
                                        value,
                                        self.semantic,
                                        self.packages,
                                        self.depth + 1,
                                    ) {
                                        self.found = true;
                                        return;
                                    }
                                }
                            }
                        }
                    }
                }
                Expr::Call(call) => {
                    let callee = self.semantic.resolve_expr(&call.func);
                    let first = call.arguments.args.first();
                    for qualified in callee.candidates() {
                        let found = match qualified.as_str() {
                            "importlib.metadata.version"
                            | "importlib_metadata.version"
                            | "pkg_resources.get_distribution"
                            | "pkg_resources.require" => self.is_package_string(first),
                            "inspect.signature" | "inspect.getfullargspec" => {
                                first.is_some_and(|f| {
                                    self.semantic
                                        .resolve_expr(f)
                                        .candidates()
                                        .iter()
                                        .any(|q| self.in_package(q.as_str()).is_some())
                                })
                            }
                            _ => false,
                        };
                        if found {
                            self.found = true;
                            return;
                        }
                    }
                    // `hasattr(websockets, "ClientConnection")`: a feature check.
                    if matches!(call.func.as_ref(), Expr::Name(n) if n.id.as_str() == "hasattr")
                        && first.is_some_and(|f| {
                            self.semantic
                                .resolve_expr(f)
                                .candidates()
                                .iter()
                                .any(|q| self.in_package(q.as_str()).is_some())
                        })
                    {
                        self.found = true;
                        return;
                    }
                }
                _ => {}
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut reader = Reader {
        semantic,
        packages,
        depth,
        found: false,
    };
    reader.visit_expr(expr);
    reader.found
}

/// Whether `test` reads the interpreter's version.
fn reads_interpreter_version(test: &Expr, semantic: &SemanticModel<'_>) -> bool {
    struct Reader<'s, 'a> {
        semantic: &'s SemanticModel<'a>,
        found: bool,
    }
    impl<'b> Visitor<'b> for Reader<'_, '_> {
        fn visit_expr(&mut self, expr: &'b Expr) {
            if matches!(expr, Expr::Name(_) | Expr::Attribute(_)) {
                self.found |= self
                    .semantic
                    .resolve_expr(expr)
                    .candidates()
                    .iter()
                    .any(|q| {
                        matches!(
                            q.as_str(),
                            "sys.version_info"
                                | "sys.version"
                                | "sys.hexversion"
                                | "platform.python_version"
                                | "platform.python_version_tuple"
                        )
                    });
            }
            if !self.found {
                visitor::walk_expr(self, expr);
            }
        }
    }
    let mut reader = Reader {
        semantic,
        found: false,
    };
    reader.visit_expr(test);
    reader.found
}

/// Whether a `try` imports (in its body or a handler) and catches what a
/// missing module or name raises.
fn is_import_fallback(try_stmt: &ast::StmtTry, semantic: &SemanticModel<'_>) -> bool {
    let fallback_error = |e: &Expr| {
        matches!(e, Expr::Name(n)
            if matches!(n.id.as_str(), "ImportError" | "ModuleNotFoundError" | "AttributeError" | "NameError")
            && semantic.reaching(n.id.as_str(), n.start()).is_empty())
    };
    let imports = |body: &[Stmt]| {
        body.iter()
            .any(|s| matches!(s, Stmt::Import(_) | Stmt::ImportFrom(_)))
    };
    let mut catches = false;
    let mut handler_imports = false;
    for handler in &try_stmt.handlers {
        let ast::ExceptHandler::ExceptHandler(handler) = handler;
        catches |= match handler.type_.as_deref() {
            Some(Expr::Tuple(tuple)) => tuple.elts.iter().any(fallback_error),
            Some(other) => fallback_error(other),
            None => false,
        };
        handler_imports |= imports(&handler.body);
    }
    catches && (imports(&try_stmt.body) || handler_imports)
}
