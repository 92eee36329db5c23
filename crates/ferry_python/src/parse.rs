//! Parsing with ruff's parser. A syntax error is a value, never a panic.

use ruff_python_ast::token::Tokens;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::ModModule;
use ruff_python_ast::{Expr, Stmt};
use ruff_python_parser::Parsed;
use ruff_text_size::Ranged;
use ruff_text_size::TextRange;

/// A successfully parsed module: its syntax tree and its tokens (comments included).
#[derive(Debug)]
pub struct ParsedModule {
    parsed: Parsed<ModModule>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    pub message: String,
    pub range: TextRange,
}

impl ParsedModule {
    pub fn module(&self) -> &ModModule {
        self.parsed.syntax()
    }

    pub fn tokens(&self) -> &Tokens {
        self.parsed.tokens()
    }
}

/// How deep expressions and statements may nest. CPython itself refuses a
/// few hundred nested brackets; past this, Ferry's recursive tree walks could
/// exhaust even a large stack and abort the whole run, so such a file is a
/// per-file error instead.
pub const MAX_NESTING: usize = 1_000;

/// Parses a module; the first syntax error is returned as data, and so is
/// nesting deeper than [`MAX_NESTING`].
pub fn parse(text: &str) -> Result<ParsedModule, SyntaxError> {
    let parsed = match ruff_python_parser::parse_module(text) {
        Ok(parsed) => parsed,
        Err(err) => {
            return Err(SyntaxError {
                message: err.error.to_string(),
                range: err.location,
            })
        }
    };
    let mut depth = DepthCheck::default();
    depth.visit_body(&parsed.syntax().body);
    if let Some(at) = depth.too_deep {
        return Err(SyntaxError {
            message: format!(
                "code nested more than {MAX_NESTING} levels deep; Ferry does not check such files"
            ),
            range: at,
        });
    }
    Ok(ParsedModule { parsed })
}

/// Measures nesting without ever recursing past [`MAX_NESTING`].
#[derive(Default)]
struct DepthCheck {
    depth: usize,
    too_deep: Option<TextRange>,
}

impl<'a> Visitor<'a> for DepthCheck {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        self.enter(stmt.range(), |this| visitor::walk_stmt(this, stmt));
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        self.enter(expr.range(), |this| visitor::walk_expr(this, expr));
    }
}

impl DepthCheck {
    fn enter(&mut self, range: TextRange, walk: impl FnOnce(&mut Self)) {
        if self.too_deep.is_some() {
            return;
        }
        if self.depth >= MAX_NESTING {
            self.too_deep = Some(range);
            return;
        }
        self.depth += 1;
        walk(self);
        self.depth -= 1;
    }
}

/// Whether `text` parses as a module without errors.
pub fn is_valid_python(text: &str) -> bool {
    ruff_python_parser::parse_module(text).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_past_the_limit_is_an_error_not_a_crash() {
        // The CLI gives every worker a 64 MiB stack; so does this test.
        std::thread::Builder::new()
            .stack_size(64 * 1024 * 1024)
            .spawn(|| {
                let shallow = format!("x = {}1{}\n", "(".repeat(100), ")".repeat(100));
                assert!(parse(&shallow).is_ok());
                let deep = format!("x = {}1\n", "-".repeat(MAX_NESTING + 10));
                let err = parse(&deep).unwrap_err();
                assert!(err.message.contains("nested more than"), "{}", err.message);
            })
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn syntax_errors_are_data() {
        let err = parse("def f(:\n").unwrap_err();
        assert!(!err.message.is_empty());
        assert!(parse("print 'python 2'\n").is_err());
        assert!(parse("x = 1\n").is_ok());
    }
}
