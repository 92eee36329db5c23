//! Parsing with ruff's parser. A syntax error is a value, never a panic.

use ruff_python_ast::token::Tokens;
use ruff_python_ast::ModModule;
use ruff_python_parser::Parsed;
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

/// Parses a module; the first syntax error is returned as data.
pub fn parse(text: &str) -> Result<ParsedModule, SyntaxError> {
    match ruff_python_parser::parse_module(text) {
        Ok(parsed) => Ok(ParsedModule { parsed }),
        Err(err) => Err(SyntaxError {
            message: err.error.to_string(),
            range: err.location,
        }),
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
    fn syntax_errors_are_data() {
        let err = parse("def f(:\n").unwrap_err();
        assert!(!err.message.is_empty());
        assert!(parse("print 'python 2'\n").is_err());
        assert!(parse("x = 1\n").is_ok());
    }
}
