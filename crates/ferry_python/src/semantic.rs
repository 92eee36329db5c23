//! Name resolution: what a name or attribute chain is bound to at a given place.
//!
//! A name is what the code binds it to, never a text match: `ws.connect` is
//! `websockets.connect` only if `ws` is bound by `import websockets as ws` in a
//! scope visible from the call, and not shadowed there by a parameter, an
//! assignment or another import.
//!
//! The model is built in one pass over the tree and records, per scope, every
//! binding with the offset where it takes effect and the innermost block (suite)
//! that holds it. A lookup follows Python's LEGB rule, skipping class scopes
//! from nested code, and collects the bindings that can reach the use:
//!
//! * inside the same scope (code runs in order): the bindings before the use,
//!   walking back until one whose block encloses the use (it always executed);
//! * from an enclosing scope across a function or lambda (the body runs later):
//!   the scope's bindings walking back from its end until an unconditional one.
//!
//! So `try: from a import f` / `except ImportError: from b import f` resolves
//! `f` to both candidates, and a rule can decide what an ambiguous name means.

use rustc_hash::FxHashMap;
use std::cell::Cell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, ExprContext, Pattern, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

/// A dotted path such as `websockets.asyncio.client.connect`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QualifiedName(String);

impl QualifiedName {
    pub fn new(dotted: impl Into<String>) -> Self {
        Self(dotted.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.split('.')
    }

    fn join(&self, attr: &str) -> Self {
        let mut dotted = String::with_capacity(self.0.len() + 1 + attr.len());
        dotted.push_str(&self.0);
        dotted.push('.');
        dotted.push_str(attr);
        Self(dotted)
    }
}

impl std::fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The result of resolving an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Not an import (a local, a parameter, a builtin, or something dynamic).
    Unresolved,
    /// Exactly one imported object.
    One(QualifiedName),
    /// Several imported objects, depending on which branch ran (sorted, distinct).
    Ambiguous(Vec<QualifiedName>),
}

impl Resolution {
    pub fn candidates(&self) -> &[QualifiedName] {
        match self {
            Resolution::Unresolved => &[],
            Resolution::One(name) => std::slice::from_ref(name),
            Resolution::Ambiguous(names) => names,
        }
    }

    fn from_candidates(mut names: Vec<QualifiedName>) -> Self {
        names.sort();
        names.dedup();
        match names.len() {
            0 => Resolution::Unresolved,
            1 => Resolution::One(names.pop().expect("one element")),
            _ => Resolution::Ambiguous(names),
        }
    }

    fn map(self, f: impl Fn(&QualifiedName) -> QualifiedName) -> Self {
        match self {
            Resolution::Unresolved => Resolution::Unresolved,
            Resolution::One(name) => Resolution::One(f(&name)),
            Resolution::Ambiguous(names) => Resolution::Ambiguous(names.iter().map(f).collect()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScopeKind {
    Module,
    Class,
    Function,
    Lambda,
    Comprehension,
}

type ScopeId = usize;

/// A name bound or declared somewhere in the module, numbered in the order
/// first seen: a lookup hashes the name once, then follows scopes by number.
type NameId = u32;

/// Hashes a [`NameId`]: ids are dense and chosen here, not by the input, so a
/// multiplication spreads them without the cost of a keyed string hash.
#[derive(Default)]
struct NameIdHasher(u64);

impl Hasher for NameIdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(byte)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u32(&mut self, id: u32) {
        // Fold the high half down: the table indexes by the low bits.
        let product = u64::from(id).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = product ^ (product >> 32);
    }
}

type ByNameId<V> = HashMap<NameId, V, BuildHasherDefault<NameIdHasher>>;

#[derive(Debug)]
struct Scope<'a> {
    kind: ScopeKind,
    parent: Option<ScopeId>,
    /// The scope's top-level block: a binding in it is unconditional.
    body: TextRange,
    bindings: ByNameId<Vec<Binding<'a>>>,
    /// Names declared `global` or `nonlocal` here: they are not local bindings.
    declared_elsewhere: ByNameId<Declared>,
    /// `from M import *` (module scope only): offsets and modules.
    star_imports: Vec<(TextSize, QualifiedName)>,
}

#[derive(Debug, Clone, Copy)]
enum Declared {
    Global,
    Nonlocal,
}

#[derive(Debug, Clone)]
struct Binding<'a> {
    /// Where the binding takes effect (uses before it see an earlier binding).
    offset: TextSize,
    /// The innermost block (suite) holding the binding.
    block: TextRange,
    kind: BindingKind<'a>,
}

/// What a binding binds a name to.
#[derive(Debug, Clone)]
pub enum BindingKind<'a> {
    /// `import a.b as c`, `from a import b`: the bound object's qualified name.
    Import(QualifiedName),
    /// `x = a.b.c`: an alias of whatever the chain resolves to at `at`.
    Alias { chain: Vec<String>, at: TextSize },
    /// `x = None`: a fallback that has no attributes, so it never changes what
    /// a call through the name can mean.
    NoneValue,
    /// Anything else, with the syntax that bound it (rules infer from it, e.g.
    /// that `ws` in `async with connect(u) as ws` is a connection).
    Opaque(Origin<'a>),
}

/// The syntax that bound a name that is not an import.
#[derive(Debug, Clone, Copy)]
pub enum Origin<'a> {
    /// A parameter of a `def` (position among all parameters, in order).
    Parameter {
        function: &'a ast::StmtFunctionDef,
        index: usize,
        annotation: Option<&'a Expr>,
    },
    /// `def name(...)`.
    FunctionDef(&'a ast::StmtFunctionDef),
    /// `with context as name` / `async with context as name`.
    WithItem { context: &'a Expr },
    /// `name = value` (or `name: T = value`, `name := value`).
    Assign { value: &'a Expr },
    /// `for name in iter` / `async for name in iter`.
    ForTarget { iter: &'a Expr, is_async: bool },
    /// `except type_ as name`.
    ExceptHandler { type_: Option<&'a Expr> },
    /// Anything else: a lambda parameter, a class, an unpacking, a pattern, ...
    Other,
}

/// A region of source whose names are looked up starting in `scope`.
#[derive(Debug)]
struct Region {
    range: TextRange,
    scope: ScopeId,
    parent: Option<usize>,
}

/// What every name in one module is bound to, scope by scope.
#[derive(Debug)]
pub struct SemanticModel<'a> {
    scopes: Vec<Scope<'a>>,
    /// Sorted by start; nested regions come after their parent.
    regions: Vec<Region>,
    /// Every name bound or declared `global`/`nonlocal` in the module. A name
    /// missing here is bound nowhere (a builtin, or undefined).
    names: FxHashMap<&'a str, NameId>,
    /// By [`NameId`]: whether the name is bound by an import or an alias
    /// anywhere. Only those (and star imports) can resolve to anything.
    imported: Vec<bool>,
    /// The top-level package of every absolute import (`a` for `import a.b`
    /// and `from a.b import c`), in any scope, sorted and distinct.
    imported_packages: Vec<&'a str>,
    /// The last [`Self::scope_at`] search: offsets in `[low, high)` have the
    /// first `after` regions starting at or before them.
    last_cut: Cell<Option<(TextSize, TextSize, usize)>>,
}

/// How deep alias chains (`a = b`, `b = websockets`) are followed.
const MAX_ALIAS_DEPTH: usize = 8;

impl<'a> SemanticModel<'a> {
    pub fn from_module(module: &'a ast::ModModule) -> Self {
        let mut builder = Builder::new(module.range);
        builder.visit_body(&module.body);
        let mut model = builder.model;
        model.imported_packages.sort_unstable();
        model.imported_packages.dedup();
        for scope in &mut model.scopes {
            for bindings in scope.bindings.values_mut() {
                bindings.sort_by_key(|b| b.offset);
            }
        }
        model
            .regions
            .sort_by_key(|r| (r.range.start(), std::cmp::Reverse(r.range.end())));
        // Re-link parents after sorting: the parent is the nearest earlier region containing it.
        let mut stack: Vec<usize> = Vec::new();
        for i in 0..model.regions.len() {
            let range = model.regions[i].range;
            while let Some(&top) = stack.last() {
                if model.regions[top].range.contains_range(range) {
                    break;
                }
                stack.pop();
            }
            model.regions[i].parent = stack.last().copied();
            stack.push(i);
        }
        model
    }

    /// Whether the module imports `package` or a module inside it, anywhere
    /// (relative imports name the project's own modules, never a package).
    /// If not, no name here resolves into it.
    pub fn imports_package(&self, package: &str) -> bool {
        self.imported_packages.binary_search(&package).is_ok()
    }

    /// Resolves a name or an attribute chain (`a.b.c`) to what it was imported as.
    pub fn resolve_expr(&self, expr: &Expr) -> Resolution {
        self.resolve_expr_depth(expr, 0)
    }

    fn resolve_expr_depth(&self, expr: &Expr, depth: usize) -> Resolution {
        // `a.b.c`: resolve the name at the root, then append the attributes
        // to each candidate in one string.
        let mut root = expr;
        let mut extra = 0;
        while let Expr::Attribute(attr) = root {
            extra += 1 + attr.attr.len();
            root = &attr.value;
        }
        let Expr::Name(name) = root else {
            return Resolution::Unresolved;
        };
        let base = self.resolve_name_depth(name.id.as_str(), name.start(), depth);
        if extra == 0 {
            return base;
        }
        base.map(|q| {
            let mut dotted = String::with_capacity(q.0.len() + extra);
            dotted.push_str(&q.0);
            push_attributes(expr, &mut dotted);
            QualifiedName(dotted)
        })
    }

    /// Resolves the name `name` as used at `offset`.
    pub fn resolve_name(&self, name: &str, offset: TextSize) -> Resolution {
        self.resolve_name_depth(name, offset, 0)
    }

    fn resolve_name_depth(&self, name: &str, offset: TextSize, depth: usize) -> Resolution {
        if depth > MAX_ALIAS_DEPTH {
            return Resolution::Unresolved;
        }
        // Most names (locals, parameters, `self`) are bound by no import
        // anywhere in the module: settled without looking at scopes.
        let importable = |id: &NameId| self.imported[*id as usize];
        if self.scopes[0].star_imports.is_empty() && !self.names.get(name).is_some_and(importable) {
            return Resolution::Unresolved;
        }
        let bindings = match self.reaching_bindings(name, offset) {
            None => return Resolution::Unresolved,
            Some(Reaching::Stars(stars)) => {
                return Resolution::from_candidates(
                    stars.iter().map(|(_, module)| module.join(name)).collect(),
                )
            }
            Some(Reaching::Bindings(bindings)) => bindings,
        };
        // The common cases first: a local, a parameter or a single import.
        if bindings
            .iter()
            .any(|b| matches!(b.kind, BindingKind::Opaque(_)))
        {
            // One opaque candidate means the name may be anything.
            return Resolution::Unresolved;
        }
        if let [Binding {
            kind: BindingKind::Import(qualified),
            ..
        }] = bindings
        {
            return Resolution::One(qualified.clone());
        }
        let mut names = Vec::new();
        for binding in bindings.iter().rev() {
            match &binding.kind {
                BindingKind::Import(qualified) => names.push(qualified.clone()),
                BindingKind::Alias { chain, at } => {
                    let base = self.resolve_name_depth(&chain[0], *at, depth + 1);
                    if base == Resolution::Unresolved {
                        return Resolution::Unresolved;
                    }
                    names.extend(
                        base.candidates()
                            .iter()
                            .map(|q| chain[1..].iter().fold(q.clone(), |q, attr| q.join(attr))),
                    );
                }
                BindingKind::NoneValue => {}
                BindingKind::Opaque(_) => return Resolution::Unresolved,
            }
        }
        Resolution::from_candidates(names)
    }

    fn scope_at(&self, offset: TextSize) -> ScopeId {
        // Rules ask in source order, so most lookups fall between the same two
        // region starts as the one before: then the binary search is skipped.
        let after = match self.last_cut.get() {
            Some((low, high, after)) if low <= offset && offset < high => after,
            _ => {
                let after = self.regions.partition_point(|r| r.range.start() <= offset);
                let low = after
                    .checked_sub(1)
                    .map_or(TextSize::new(0), |i| self.regions[i].range.start());
                let high = self
                    .regions
                    .get(after)
                    .map_or(TextSize::new(u32::MAX), |r| r.range.start());
                self.last_cut.set(Some((low, high, after)));
                after
            }
        };
        let mut candidate = after.checked_sub(1);
        while let Some(i) = candidate {
            let region = &self.regions[i];
            if region.range.contains(offset) {
                return region.scope;
            }
            candidate = region.parent;
        }
        0
    }

    /// The bindings of `name` that may reach a use at `offset`, or `None` if the
    /// name is not bound in any visible scope (a builtin or an undefined name).
    /// What `name`, used at `offset`, may be bound to: every binding that can
    /// reach the use (empty if the name is unbound there, or a builtin).
    pub fn reaching(&self, name: &str, offset: TextSize) -> Vec<&BindingKind<'a>> {
        match self.reaching_bindings(name, offset) {
            // The latest binding first.
            Some(Reaching::Bindings(bindings)) => bindings.iter().rev().map(|b| &b.kind).collect(),
            Some(Reaching::Stars(_)) | None => Vec::new(),
        }
    }

    /// The one binding `name`, used at `offset`, can be bound to, if there
    /// is exactly one: [`Self::reaching`] without building a list, for
    /// rules that ask it of every name in a module.
    pub fn single_binding(&self, name: &str, offset: TextSize) -> Option<&BindingKind<'a>> {
        match self.reaching_bindings(name, offset) {
            Some(Reaching::Bindings([binding])) => Some(&binding.kind),
            _ => None,
        }
    }

    fn reaching_bindings(&self, name: &str, offset: TextSize) -> Option<Reaching<'_, 'a>> {
        let id = self.names.get(name).copied();
        if id.is_none() && self.scopes[0].star_imports.is_empty() {
            // Bound nowhere and no star import: a builtin or an undefined name.
            return None;
        }
        let mut scope_id = self.scope_at(offset);
        let mut deferred = false;
        let mut skip_local = false;
        loop {
            let scope = &self.scopes[scope_id];
            match id.and_then(|id| scope.declared_elsewhere.get(&id)) {
                Some(Declared::Global) => {
                    scope_id = 0;
                    deferred = true;
                    continue;
                }
                Some(Declared::Nonlocal) => skip_local = true,
                None => {}
            }
            if !skip_local {
                if let Some(bindings) = id.and_then(|id| scope.bindings.get(&id)) {
                    let found = if deferred {
                        run_back(bindings, |b| b.block == scope.body)
                    } else {
                        // Bindings are sorted by offset: cut at the use instead of
                        // filtering, so a name rebound n times costs O(log n) here.
                        let before = bindings.partition_point(|b| b.offset <= offset);
                        run_back(&bindings[..before], |b| b.block.contains_inclusive(offset))
                    };
                    if !found.is_empty() {
                        return Some(Reaching::Bindings(found));
                    }
                    if matches!(
                        scope.kind,
                        ScopeKind::Function | ScopeKind::Lambda | ScopeKind::Comprehension
                    ) {
                        // Bound in this scope, but only later: an unbound local at this point.
                        return None;
                    }
                }
            }
            if scope.kind == ScopeKind::Module {
                // Star imports are recorded in source order.
                let stars = if deferred {
                    &scope.star_imports[..]
                } else {
                    let before = scope.star_imports.partition_point(|(at, _)| *at <= offset);
                    &scope.star_imports[..before]
                };
                return (!stars.is_empty()).then_some(Reaching::Stars(stars));
            }
            skip_local = false;
            if matches!(scope.kind, ScopeKind::Function | ScopeKind::Lambda) {
                deferred = true;
            }
            // Code nested in a class body does not see the class's names.
            let mut parent = scope.parent.unwrap_or(0);
            while self.scopes[parent].kind == ScopeKind::Class {
                parent = self.scopes[parent].parent.unwrap_or(0);
            }
            scope_id = parent;
        }
    }
}

/// Appends `.b.c` of the chain `a.b.c`, outermost last.
fn push_attributes(expr: &Expr, dotted: &mut String) {
    if let Expr::Attribute(attr) = expr {
        push_attributes(&attr.value, dotted);
        dotted.push('.');
        dotted.push_str(attr.attr.as_str());
    }
}

/// What can reach a use: a run of one scope's bindings, in source order (the
/// last one is the latest), or the module's star imports before it.
enum Reaching<'m, 'a> {
    Bindings(&'m [Binding<'a>]),
    Stars(&'m [(TextSize, QualifiedName)]),
}

/// The bindings from the last one back to the first for which `dominates`
/// holds (all of them if none does): a run that ends at the end of `bindings`.
fn run_back<'m, 'a>(
    bindings: &'m [Binding<'a>],
    dominates: impl Fn(&Binding<'a>) -> bool,
) -> &'m [Binding<'a>] {
    let start = bindings.iter().rposition(dominates).unwrap_or(0);
    &bindings[start..]
}

struct Builder<'a> {
    model: SemanticModel<'a>,
    scope: ScopeId,
    /// Innermost block per open scope; the last one is the current block.
    blocks: Vec<TextRange>,
}

impl<'a> Builder<'a> {
    fn new(module_range: TextRange) -> Self {
        let module = Scope {
            kind: ScopeKind::Module,
            parent: None,
            body: module_range,
            bindings: ByNameId::default(),
            declared_elsewhere: ByNameId::default(),
            star_imports: Vec::new(),
        };
        Self {
            model: SemanticModel {
                scopes: vec![module],
                regions: Vec::new(),
                names: FxHashMap::default(),
                imported: Vec::new(),
                imported_packages: Vec::new(),
                last_cut: Cell::new(None),
            },
            scope: 0,
            blocks: vec![module_range],
        }
    }

    fn push_scope(&mut self, kind: ScopeKind, body: TextRange, regions: &[TextRange]) {
        let id = self.model.scopes.len();
        self.model.scopes.push(Scope {
            kind,
            parent: Some(self.scope),
            body,
            bindings: ByNameId::default(),
            declared_elsewhere: ByNameId::default(),
            star_imports: Vec::new(),
        });
        for range in regions {
            self.model.regions.push(Region {
                range: *range,
                scope: id,
                parent: None,
            });
        }
        self.scope = id;
        self.blocks.push(body);
    }

    fn pop_scope(&mut self) {
        self.blocks.pop();
        self.scope = self.model.scopes[self.scope].parent.unwrap_or(0);
    }

    fn block(&self) -> TextRange {
        *self.blocks.last().expect("a block is always open")
    }

    /// Notes the top-level package of an absolutely imported module.
    fn note_package(&mut self, module: &'a str) {
        let package = module.split('.').next().unwrap_or(module);
        if self.model.imported_packages.last() != Some(&package) {
            self.model.imported_packages.push(package);
        }
    }

    fn name_id(&mut self, name: &'a str) -> NameId {
        let next = NameId::try_from(self.model.names.len()).expect("fewer than 2^32 names");
        let id = *self.model.names.entry(name).or_insert(next);
        if id == next {
            self.model.imported.push(false);
        }
        id
    }

    fn bind_in(
        &mut self,
        scope: ScopeId,
        name: &'a str,
        offset: TextSize,
        block: TextRange,
        kind: BindingKind<'a>,
    ) {
        let id = self.name_id(name);
        if matches!(kind, BindingKind::Import(_) | BindingKind::Alias { .. }) {
            self.model.imported[id as usize] = true;
        }
        self.model.scopes[scope]
            .bindings
            .entry(id)
            .or_default()
            .push(Binding {
                offset,
                block,
                kind,
            });
    }

    fn bind(&mut self, name: &'a str, offset: TextSize, kind: BindingKind<'a>) {
        let (scope, block) = (self.scope, self.block());
        self.bind_in(scope, name, offset, block, kind);
    }

    /// Binds every name in an assignment target; loads inside it are visited.
    fn bind_target(&mut self, target: &'a Expr, offset: TextSize, kind: &BindingKind<'a>) {
        match target {
            Expr::Name(name) => self.bind(name.id.as_str(), offset, kind.clone()),
            Expr::Tuple(tuple) => {
                for elt in &tuple.elts {
                    self.bind_target(elt, offset, &OTHER);
                }
            }
            Expr::List(list) => {
                for elt in &list.elts {
                    self.bind_target(elt, offset, &OTHER);
                }
            }
            Expr::Starred(starred) => self.bind_target(&starred.value, offset, &OTHER),
            other => self.visit_expr(other),
        }
    }

    fn visit_block(&mut self, body: &'a [Stmt]) {
        let (Some(first), Some(last)) = (body.first(), body.last()) else {
            return;
        };
        self.blocks.push(TextRange::new(first.start(), last.end()));
        self.visit_body(body);
        self.blocks.pop();
    }

    fn bind_parameters(
        &mut self,
        parameters: &'a ast::Parameters,
        function: Option<&'a ast::StmtFunctionDef>,
        offset: TextSize,
    ) {
        for (index, param) in parameters.iter().enumerate() {
            let origin = match function {
                Some(function) => Origin::Parameter {
                    function,
                    index,
                    annotation: param.annotation(),
                },
                None => Origin::Other,
            };
            self.bind(param.name().as_str(), offset, BindingKind::Opaque(origin));
        }
    }

    fn visit_parameter_defaults(&mut self, parameters: &'a ast::Parameters) {
        for param in parameters.iter() {
            if let Some(default) = param.default() {
                self.visit_expr(default);
            }
            if let Some(annotation) = param.annotation() {
                self.visit_expr(annotation);
            }
        }
    }

    fn visit_comprehension_scope(
        &mut self,
        range: TextRange,
        generators: &'a [ast::Comprehension],
        elts: &[&'a Expr],
    ) {
        let Some(first) = generators.first() else {
            return;
        };
        // The first iterable is evaluated in the enclosing scope.
        self.visit_expr(&first.iter);
        let regions = [
            TextRange::new(range.start(), first.iter.start()),
            TextRange::new(first.iter.end(), range.end()),
        ];
        self.push_scope(ScopeKind::Comprehension, range, &regions);
        for (i, generator) in generators.iter().enumerate() {
            if i > 0 {
                self.visit_expr(&generator.iter);
            }
            self.bind_target(&generator.target, range.start(), &OTHER);
            for condition in &generator.ifs {
                self.visit_expr(condition);
            }
        }
        for elt in elts {
            self.visit_expr(elt);
        }
        self.pop_scope();
    }

    fn bind_pattern(&mut self, pattern: &'a Pattern, offset: TextSize) {
        match pattern {
            Pattern::MatchAs(p) => {
                if let Some(name) = &p.name {
                    self.bind(name.as_str(), offset, BindingKind::Opaque(Origin::Other));
                }
                if let Some(inner) = &p.pattern {
                    self.bind_pattern(inner, offset);
                }
            }
            Pattern::MatchStar(p) => {
                if let Some(name) = &p.name {
                    self.bind(name.as_str(), offset, BindingKind::Opaque(Origin::Other));
                }
            }
            Pattern::MatchMapping(p) => {
                for inner in &p.patterns {
                    self.bind_pattern(inner, offset);
                }
                if let Some(rest) = &p.rest {
                    self.bind(rest.as_str(), offset, BindingKind::Opaque(Origin::Other));
                }
            }
            Pattern::MatchSequence(p) => {
                for inner in &p.patterns {
                    self.bind_pattern(inner, offset);
                }
            }
            Pattern::MatchClass(p) => {
                for inner in &p.arguments.patterns {
                    self.bind_pattern(inner, offset);
                }
                for keyword in &p.arguments.keywords {
                    self.bind_pattern(&keyword.pattern, offset);
                }
            }
            Pattern::MatchOr(p) => {
                for inner in &p.patterns {
                    self.bind_pattern(inner, offset);
                }
            }
            Pattern::MatchValue(_) | Pattern::MatchSingleton(_) => {}
        }
    }
}

/// What binding an assignment `name = value` creates.
fn classify_value(value: &Expr) -> BindingKind<'_> {
    fn chain(expr: &Expr, out: &mut Vec<String>) -> bool {
        match expr {
            Expr::Name(name) => {
                out.push(name.id.to_string());
                true
            }
            Expr::Attribute(attr) => {
                let ok = chain(&attr.value, out);
                out.push(attr.attr.to_string());
                ok
            }
            _ => false,
        }
    }
    match value {
        Expr::NoneLiteral(_) => BindingKind::NoneValue,
        Expr::Name(_) | Expr::Attribute(_) => {
            let mut names = Vec::new();
            if chain(value, &mut names) {
                BindingKind::Alias {
                    chain: names,
                    at: value.start(),
                }
            } else {
                BindingKind::Opaque(Origin::Assign { value })
            }
        }
        _ => BindingKind::Opaque(Origin::Assign { value }),
    }
}

/// The origin of bindings Ferry has nothing to say about.
const OTHER: BindingKind<'static> = BindingKind::Opaque(Origin::Other);

impl<'a> Visitor<'a> for Builder<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(def) => {
                for decorator in &def.decorator_list {
                    self.visit_decorator(decorator);
                }
                self.visit_parameter_defaults(&def.parameters);
                if let Some(returns) = &def.returns {
                    self.visit_expr(returns);
                }
                if let (Some(first), Some(last)) = (def.body.first(), def.body.last()) {
                    let body = TextRange::new(first.start(), last.end());
                    self.push_scope(ScopeKind::Function, body, &[body]);
                    self.bind_parameters(&def.parameters, Some(def), body.start());
                    self.visit_body(&def.body);
                    self.pop_scope();
                }
                self.bind(
                    def.name.as_str(),
                    stmt.end(),
                    BindingKind::Opaque(Origin::FunctionDef(def)),
                );
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit_decorator(decorator);
                }
                if let Some(arguments) = &class.arguments {
                    self.visit_arguments(arguments);
                }
                if let (Some(first), Some(last)) = (class.body.first(), class.body.last()) {
                    let body = TextRange::new(first.start(), last.end());
                    self.push_scope(ScopeKind::Class, body, &[body]);
                    self.visit_body(&class.body);
                    self.pop_scope();
                }
                self.bind(
                    class.name.as_str(),
                    stmt.end(),
                    BindingKind::Opaque(Origin::Other),
                );
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let full = alias.name.as_str();
                    self.note_package(full);
                    match &alias.asname {
                        Some(asname) => {
                            self.bind(
                                asname.as_str(),
                                stmt.end(),
                                BindingKind::Import(QualifiedName::new(full)),
                            );
                        }
                        None => {
                            let top = full.split('.').next().unwrap_or(full);
                            self.bind(
                                top,
                                stmt.end(),
                                BindingKind::Import(QualifiedName::new(top)),
                            );
                        }
                    }
                }
            }
            Stmt::ImportFrom(import) => {
                let module = import.module.as_ref().map(|m| m.as_str()).unwrap_or("");
                if import.level == 0 {
                    self.note_package(module);
                }
                for alias in &import.names {
                    let name = alias.name.as_str();
                    if name == "*" {
                        if import.level == 0 && self.scope == 0 {
                            self.model.scopes[0]
                                .star_imports
                                .push((stmt.end(), QualifiedName::new(module)));
                        }
                        continue;
                    }
                    let bound = alias.asname.as_ref().map_or(name, |a| a.as_str());
                    // Relative imports name the project's own modules, never a library.
                    let kind = if import.level == 0 {
                        BindingKind::Import(QualifiedName::new(format!("{module}.{name}")))
                    } else {
                        OTHER
                    };
                    self.bind(bound, stmt.end(), kind);
                }
            }
            Stmt::Assign(assign) => {
                self.visit_expr(&assign.value);
                let kind = if assign.targets.len() == 1 {
                    classify_value(&assign.value)
                } else {
                    OTHER
                };
                for target in &assign.targets {
                    self.bind_target(target, stmt.end(), &kind);
                }
            }
            Stmt::AnnAssign(assign) => {
                self.visit_annotation(&assign.annotation);
                if let Some(value) = &assign.value {
                    self.visit_expr(value);
                    self.bind_target(&assign.target, stmt.end(), &classify_value(value));
                } else if !assign.target.is_name_expr() {
                    self.visit_expr(&assign.target);
                }
            }
            Stmt::AugAssign(assign) => {
                self.visit_expr(&assign.value);
                match assign.target.as_ref() {
                    Expr::Name(name) => self.bind(
                        name.id.as_str(),
                        stmt.end(),
                        BindingKind::Opaque(Origin::Other),
                    ),
                    other => self.visit_expr(other),
                }
            }
            Stmt::For(stmt_for) => {
                self.visit_expr(&stmt_for.iter);
                if let (Some(first), Some(last)) = (stmt_for.body.first(), stmt_for.body.last()) {
                    // The target is bound only if the loop runs: it lives in the body block.
                    self.blocks.push(TextRange::new(first.start(), last.end()));
                    let origin = Origin::ForTarget {
                        iter: &stmt_for.iter,
                        is_async: stmt_for.is_async,
                    };
                    self.bind_target(
                        &stmt_for.target,
                        stmt_for.target.end(),
                        &BindingKind::Opaque(origin),
                    );
                    self.visit_body(&stmt_for.body);
                    self.blocks.pop();
                }
                self.visit_block(&stmt_for.orelse);
            }
            Stmt::While(stmt_while) => {
                self.visit_expr(&stmt_while.test);
                self.visit_block(&stmt_while.body);
                self.visit_block(&stmt_while.orelse);
            }
            Stmt::If(stmt_if) => {
                self.visit_expr(&stmt_if.test);
                self.visit_block(&stmt_if.body);
                for clause in &stmt_if.elif_else_clauses {
                    if let Some(test) = &clause.test {
                        self.visit_expr(test);
                    }
                    self.visit_block(&clause.body);
                }
            }
            Stmt::With(with) => {
                // A with body always runs (barring exceptions): no new block.
                for item in &with.items {
                    self.visit_expr(&item.context_expr);
                    if let Some(vars) = &item.optional_vars {
                        let origin = Origin::WithItem {
                            context: &item.context_expr,
                        };
                        self.bind_target(vars, vars.end(), &BindingKind::Opaque(origin));
                    }
                }
                self.visit_body(&with.body);
            }
            Stmt::Try(stmt_try) => {
                self.visit_block(&stmt_try.body);
                for handler in &stmt_try.handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    if let Some(type_) = &handler.type_ {
                        self.visit_expr(type_);
                    }
                    if let (Some(first), Some(last)) = (handler.body.first(), handler.body.last()) {
                        self.blocks.push(TextRange::new(first.start(), last.end()));
                        if let Some(name) = &handler.name {
                            let origin = Origin::ExceptHandler {
                                type_: handler.type_.as_deref(),
                            };
                            self.bind(name.as_str(), handler.start(), BindingKind::Opaque(origin));
                        }
                        self.visit_body(&handler.body);
                        self.blocks.pop();
                    }
                }
                self.visit_block(&stmt_try.orelse);
                self.visit_body(&stmt_try.finalbody);
            }
            Stmt::Match(stmt_match) => {
                self.visit_expr(&stmt_match.subject);
                for case in &stmt_match.cases {
                    if let (Some(first), Some(last)) = (case.body.first(), case.body.last()) {
                        self.blocks.push(TextRange::new(first.start(), last.end()));
                        self.bind_pattern(&case.pattern, case.pattern.end());
                        if let Some(guard) = &case.guard {
                            self.visit_expr(guard);
                        }
                        self.visit_body(&case.body);
                        self.blocks.pop();
                    }
                }
            }
            Stmt::Global(global) => {
                for name in &global.names {
                    let id = self.name_id(name.as_str());
                    self.model.scopes[self.scope]
                        .declared_elsewhere
                        .insert(id, Declared::Global);
                }
            }
            Stmt::Nonlocal(nonlocal) => {
                for name in &nonlocal.names {
                    let id = self.name_id(name.as_str());
                    self.model.scopes[self.scope]
                        .declared_elsewhere
                        .insert(id, Declared::Nonlocal);
                }
            }
            Stmt::TypeAlias(alias) => {
                if let Expr::Name(name) = alias.name.as_ref() {
                    self.bind(
                        name.id.as_str(),
                        stmt.end(),
                        BindingKind::Opaque(Origin::Other),
                    );
                }
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(name) if name.ctx == ExprContext::Store => {
                self.bind(
                    name.id.as_str(),
                    expr.end(),
                    BindingKind::Opaque(Origin::Other),
                );
            }
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    self.visit_parameter_defaults(parameters);
                }
                let body = lambda.body.range();
                self.push_scope(ScopeKind::Lambda, body, &[body]);
                if let Some(parameters) = &lambda.parameters {
                    self.bind_parameters(parameters, None, body.start());
                }
                self.visit_expr(&lambda.body);
                self.pop_scope();
            }
            Expr::ListComp(comp) => {
                self.visit_comprehension_scope(comp.range, &comp.generators, &[&comp.elt])
            }
            Expr::SetComp(comp) => {
                self.visit_comprehension_scope(comp.range, &comp.generators, &[&comp.elt])
            }
            Expr::Generator(comp) => {
                self.visit_comprehension_scope(comp.range, &comp.generators, &[&comp.elt])
            }
            Expr::DictComp(comp) => {
                let mut elts: Vec<&Expr> = comp.key.iter().map(AsRef::as_ref).collect();
                elts.push(&comp.value);
                self.visit_comprehension_scope(comp.range, &comp.generators, &elts);
            }
            Expr::Named(named) => {
                self.visit_expr(&named.value);
                // A walrus binds in the nearest enclosing non-comprehension scope,
                // and only where this expression runs: treat it as conditional.
                let mut scope = self.scope;
                while self.model.scopes[scope].kind == ScopeKind::Comprehension {
                    scope = self.model.scopes[scope].parent.unwrap_or(0);
                }
                if let Expr::Name(name) = named.target.as_ref() {
                    let kind = classify_value(&named.value);
                    self.bind_in(scope, name.id.as_str(), expr.end(), expr.range(), kind);
                }
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Resolves the callee of the call on the line containing `marker`.
    fn resolve_at(src: &str, marker: &str) -> Resolution {
        let parsed = crate::parse::parse(src).unwrap();
        let model = SemanticModel::from_module(parsed.module());
        let at = src
            .find(marker)
            .unwrap_or_else(|| panic!("marker {marker}"));
        let mut finder = CallFinder { at, callee: None };
        finder.visit_body(&parsed.module().body);
        model.resolve_expr(finder.callee.expect("a call at the marker"))
    }

    struct CallFinder<'a> {
        at: usize,
        callee: Option<&'a Expr>,
    }

    impl<'a> Visitor<'a> for CallFinder<'a> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                if usize::from(call.func.start()) == self.at {
                    self.callee = Some(&call.func);
                }
            }
            visitor::walk_expr(self, expr);
        }
    }

    fn one(name: &str) -> Resolution {
        Resolution::One(QualifiedName::new(name))
    }

    #[test]
    fn import_forms() {
        let cases = [
            ("import websockets\nHERE.connect(u)\n", "websockets.connect"),
            (
                "import websockets as ws\nws.connect(u)\n",
                "websockets.connect",
            ),
            (
                "import websockets.asyncio.client\nwebsockets.asyncio.client.connect(u)\n",
                "websockets.asyncio.client.connect",
            ),
            (
                "import websockets.asyncio.client as wac\nwac.connect(u)\n",
                "websockets.asyncio.client.connect",
            ),
            (
                "from websockets import connect\nconnect(u)\n",
                "websockets.connect",
            ),
            (
                "from websockets import connect as c\nc(u)\n",
                "websockets.connect",
            ),
            (
                "from websockets import client\nclient.connect(u)\n",
                "websockets.client.connect",
            ),
            (
                "from websockets.legacy import client as lc\nlc.connect(u)\n",
                "websockets.legacy.client.connect",
            ),
        ];
        for (src, expected) in cases {
            let src = src.replace("HERE", "websockets");
            let call = src.lines().nth(1).unwrap();
            assert_eq!(resolve_at(&src, call), one(expected), "{src}");
        }
    }

    #[test]
    fn function_scope_imports_and_deferred_module_lookup() {
        let src = "def f():\n    import websockets as w\n    w.connect(u)\n";
        assert_eq!(resolve_at(src, "w.connect"), one("websockets.connect"));
        // The import comes after the def, but the body runs later.
        let src = "def f():\n    ws.connect(u)\nimport websockets as ws\n";
        assert_eq!(resolve_at(src, "ws.connect"), one("websockets.connect"));
        // Not visible outside the function that imported it.
        let src = "def f():\n    import websockets as w\nw.connect(u)\n";
        assert_eq!(resolve_at(src, "w.connect"), Resolution::Unresolved);
    }

    #[test]
    fn shadowing() {
        let param = "import websockets as ws\ndef f(ws):\n    ws.connect(u)\n";
        assert_eq!(resolve_at(param, "ws.connect"), Resolution::Unresolved);
        let assigned = "from websockets import connect\nconnect = make()\nconnect(u)\n";
        assert_eq!(resolve_at(assigned, "connect(u)"), Resolution::Unresolved);
        let local = "import websockets\ndef f():\n    websockets.connect(u)\n    websockets = 1\n";
        assert_eq!(
            resolve_at(local, "websockets.connect"),
            Resolution::Unresolved
        );
        let reimported = "from websockets.legacy.client import connect\nfrom websockets import connect\nconnect(u)\n";
        assert_eq!(
            resolve_at(reimported, "connect(u)"),
            one("websockets.connect")
        );
        let for_target = "import websockets as ws\nfor ws in conns:\n    ws.connect(u)\n";
        assert_eq!(resolve_at(for_target, "ws.connect"), Resolution::Unresolved);
        let with_target = "import websockets as ws\nwith open_ws() as ws:\n    ws.connect(u)\n";
        assert_eq!(
            resolve_at(with_target, "ws.connect"),
            Resolution::Unresolved
        );
    }

    #[test]
    fn class_scope_is_not_visible_from_methods() {
        let src =
            "class C:\n    import websockets as ws\n    def m(self):\n        ws.connect(u)\n";
        assert_eq!(resolve_at(src, "ws.connect"), Resolution::Unresolved);
        let src = "class C:\n    import websockets as ws\n    x = ws.connect(u)\n";
        assert_eq!(resolve_at(src, "ws.connect"), one("websockets.connect"));
    }

    #[test]
    fn conditional_imports_are_ambiguous() {
        let src = "try:\n    from websockets.asyncio.client import connect\nexcept ImportError:\n    from websockets.legacy.client import connect\nconnect(u)\n";
        assert_eq!(
            resolve_at(src, "connect(u)"),
            Resolution::Ambiguous(vec![
                QualifiedName::new("websockets.asyncio.client.connect"),
                QualifiedName::new("websockets.legacy.client.connect"),
            ])
        );
        let none_fallback = "try:\n    import websockets\nexcept ImportError:\n    websockets = None\nwebsockets.connect(u)\n";
        assert_eq!(
            resolve_at(none_fallback, "websockets.connect"),
            one("websockets.connect")
        );
    }

    #[test]
    fn aliases_and_globals() {
        let src = "import websockets\nc = websockets.connect\nc(u)\n";
        assert_eq!(resolve_at(src, "c(u)"), one("websockets.connect"));
        let src = "def f():\n    global ws\n    ws.connect(u)\nimport websockets as ws\n";
        assert_eq!(resolve_at(src, "ws.connect"), one("websockets.connect"));
        let src = "a = b\nb = a\na(u)\n";
        assert_eq!(resolve_at(src, "a(u)"), Resolution::Unresolved);
    }

    #[test]
    fn comprehensions_and_lambdas() {
        let src = "import websockets as ws\nxs = [ws.connect(u) for u in urls]\n";
        assert_eq!(resolve_at(src, "ws.connect"), one("websockets.connect"));
        let src = "import websockets as ws\nxs = [ws.connect(u) for ws in conns]\n";
        assert_eq!(resolve_at(src, "ws.connect"), Resolution::Unresolved);
        let src = "import websockets as ws\nf = lambda ws: ws.connect(u)\n";
        assert_eq!(resolve_at(src, "ws.connect"), Resolution::Unresolved);
        let src = "import websockets as ws\nf = lambda u: ws.connect(u)\n";
        assert_eq!(resolve_at(src, "ws.connect"), one("websockets.connect"));
    }

    #[test]
    fn origins_tell_how_a_name_was_bound() {
        let src = "async def f(a, b: int):\n    async with g() as ws:\n        x = await h()\n        for y in z:\n            use(a, b, ws, x, y)\n";
        let parsed = crate::parse::parse(src).unwrap();
        let model = SemanticModel::from_module(parsed.module());
        let at = TextSize::try_from(src.find("use(").unwrap()).unwrap();
        let origin = |name: &str| match model.reaching(name, at).as_slice() {
            [BindingKind::Opaque(origin)] => *origin,
            other => panic!("{name}: {other:?}"),
        };
        assert!(matches!(
            origin("a"),
            Origin::Parameter {
                index: 0,
                annotation: None,
                ..
            }
        ));
        assert!(matches!(
            origin("b"),
            Origin::Parameter {
                index: 1,
                annotation: Some(_),
                ..
            }
        ));
        assert!(matches!(
            origin("ws"),
            Origin::WithItem {
                context: Expr::Call(_)
            }
        ));
        assert!(matches!(
            origin("x"),
            Origin::Assign {
                value: Expr::Await(_)
            }
        ));
        assert!(matches!(
            origin("y"),
            Origin::ForTarget {
                is_async: false,
                ..
            }
        ));
        assert!(model.reaching("nothing", at).is_empty());
    }

    #[test]
    fn a_single_binding_is_the_only_one_that_reaches() {
        let src = "def f(): pass\nif c:\n    g = 1\nelse:\n    g = 2\nuse(f, g, print)\n";
        let parsed = crate::parse::parse(src).unwrap();
        let model = SemanticModel::from_module(parsed.module());
        let at = TextSize::try_from(src.find("use(").unwrap()).unwrap();
        assert!(matches!(
            model.single_binding("f", at),
            Some(BindingKind::Opaque(Origin::FunctionDef(_)))
        ));
        assert_eq!(model.reaching("g", at).len(), 2);
        assert!(model.single_binding("g", at).is_none());
        assert!(model.single_binding("print", at).is_none());
    }

    #[test]
    fn only_names_an_import_or_alias_binds_somewhere_resolve() {
        // `w` is imported in one scope and assigned in the other; `c` is an
        // alias; `x` is never imported.
        let src = "def f(u):\n    import websockets as w\n    w.connect(u)\nw = 1\nw.connect(u)\nc = f\nx = f\nx(u)\n";
        assert_eq!(
            resolve_at(src, "w.connect(u)\nw ="),
            one("websockets.connect")
        );
        assert_eq!(resolve_at(src, "w.connect(u)\nc"), Resolution::Unresolved);
        assert_eq!(resolve_at(src, "x(u)"), Resolution::Unresolved);
        let src = "import websockets\nc = websockets.connect\nc(u)\n";
        assert_eq!(resolve_at(src, "c(u)"), one("websockets.connect"));
    }

    #[test]
    fn star_imports_and_relative_imports() {
        let src = "from websockets import *\nconnect(u)\n";
        assert_eq!(resolve_at(src, "connect(u)"), one("websockets.connect"));
        let src = "from .websockets import connect\nconnect(u)\n";
        assert_eq!(resolve_at(src, "connect(u)"), Resolution::Unresolved);
    }

    #[test]
    fn imported_packages_are_the_roots_of_absolute_imports_in_any_scope() {
        let imports = |src: &str, package: &str| {
            let parsed = crate::parse(src).unwrap();
            SemanticModel::from_module(parsed.module()).imports_package(package)
        };
        for src in [
            "import websockets\n",
            "import websockets.legacy.client as c\n",
            "from websockets.legacy import client\n",
            "from websockets import *\n",
            "def f():\n    import os, websockets\n",
            "try:\n    from websockets import connect\nexcept ImportError:\n    pass\n",
        ] {
            assert!(imports(src, "websockets"), "{src}");
        }
        for src in [
            "from . import websockets\n",
            "from .websockets import connect\n",
            "import websockets_extra\n",
            "import mylib.websockets\n",
            "# import websockets\nx = 'websockets'\n",
        ] {
            assert!(!imports(src, "websockets"), "{src}");
        }
    }
}
