//! Parses one file with tree-sitter and runs the extraction queries in `queries/`.
//! A pure function of (dialect, bytes): no file system, no resolution.

mod comments;
mod commonjs;
mod endpoints;
mod env;
mod env_flow;
mod exports;
mod extract;
mod imports;
mod loaders;
mod paths;
mod routes;
mod syntax_errors;
mod types;

use std::cell::RefCell;
use std::sync::OnceLock;

use tree_sitter::{Language, Parser, Query, QueryCursor};

use crate::discover::Dialect;
use crate::facts::ModuleFacts;

pub use extract::span_of;

const JAVASCRIPT_QUERY: &str = include_str!("../../queries/javascript.scm");
const TYPESCRIPT_QUERY: &str = include_str!("../../queries/typescript.scm");
/// Both query files, for the fact cache's format stamp (a changed query changes the facts).
pub(crate) const QUERY_SOURCES: &str = concat!(
    include_str!("../../queries/javascript.scm"),
    include_str!("../../queries/typescript.scm")
);

/// A grammar with its compiled extraction query.
pub(crate) struct Grammar {
    pub(crate) language: Language,
    pub(crate) query: Query,
}

/// The tree-sitter language of a dialect.
pub(crate) fn language(dialect: Dialect) -> Language {
    match dialect {
        Dialect::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        Dialect::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        Dialect::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
    }
}

/// The grammar and compiled query for a dialect, compiled once per process
/// (compiling per file was measured 16× slower).
pub(crate) fn grammar(dialect: Dialect) -> &'static Grammar {
    static GRAMMARS: [OnceLock<Grammar>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let index = match dialect {
        Dialect::JavaScript => 0,
        Dialect::TypeScript => 1,
        Dialect::Tsx => 2,
    };
    GRAMMARS[index].get_or_init(|| {
        let language = language(dialect);
        let source = match dialect {
            Dialect::JavaScript => JAVASCRIPT_QUERY.to_string(),
            Dialect::TypeScript | Dialect::Tsx => format!("{JAVASCRIPT_QUERY}\n{TYPESCRIPT_QUERY}"),
        };
        // The queries ship inside the binary and are tested, so a failure here is a build bug.
        let query = Query::new(&language, &source)
            .unwrap_or_else(|e| panic!("queries/*.scm do not compile for {dialect:?}: {e}"));
        Grammar { language, query }
    })
}

struct ThreadParsers {
    parsers: [Option<Parser>; 3],
    cursor: QueryCursor,
}

thread_local! {
    // One parser per grammar and one query cursor per thread, reused across files.
    static PARSERS: RefCell<ThreadParsers> = RefCell::new(ThreadParsers {
        parsers: [None, None, None],
        cursor: QueryCursor::new(),
    });
}

/// Parses `bytes` as `dialect` and extracts its facts. Invalid UTF-8 is decoded lossily and
/// recorded, so a damaged file still yields what can be read.
pub fn parse_module(dialect: Dialect, bytes: &[u8]) -> ModuleFacts {
    let (text, invalid_utf8_at) = decode(bytes);
    let grammar = grammar(dialect);
    let index = match dialect {
        Dialect::JavaScript => 0,
        Dialect::TypeScript => 1,
        Dialect::Tsx => 2,
    };
    let mut facts = PARSERS.with(|cell| {
        let mut state = cell.borrow_mut();
        let ThreadParsers { parsers, cursor } = &mut *state;
        let parser = parsers[index].get_or_insert_with(|| {
            let mut parser = Parser::new();
            parser
                .set_language(&grammar.language)
                .expect("grammar ABI is checked by the grammars_load test");
            parser
        });
        let mut facts = match parser.parse(text.as_bytes(), None) {
            Some(tree) => {
                let mut facts = extract::extract(&tree, &text, &grammar.query, cursor);
                endpoints::extract_endpoints(&tree, &text, &mut facts);
                loaders::extract_loaders(&tree, &text, &mut facts);
                if dialect != Dialect::JavaScript {
                    types::erase_type_only_imports(&tree, &text, &mut facts);
                    types::top_level_declarations(&tree, &text, &mut facts);
                }
                facts
            }
            None => ModuleFacts::default(),
        };
        // Commented-out code: only the comment text is parsed, with the same parser.
        let candidates = std::mem::take(&mut facts.comment_candidates);
        for block in comments::comment_blocks(candidates) {
            if let Some(tree) = parser.parse(block.text.as_bytes(), None) {
                let mut inner = extract::extract(&tree, &block.text, &grammar.query, cursor);
                inner.comment_candidates.clear();
                comments::shift_commented(inner, &block, &mut facts.commented);
            }
        }
        facts
    });
    facts.invalid_utf8_at = invalid_utf8_at;
    facts.line_count = text.lines().count() as u32;
    facts
}

fn decode(bytes: &[u8]) -> (std::borrow::Cow<'_, str>, Option<u32>) {
    // A UTF-8 BOM is not part of the program.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (std::borrow::Cow::Borrowed(text), None),
        Err(e) => (String::from_utf8_lossy(bytes), Some(e.valid_up_to() as u32)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammars_load_and_queries_compile_for_every_dialect() {
        // A grammar ABI mismatch between tree-sitter and a grammar crate fails only at run time.
        for dialect in [Dialect::JavaScript, Dialect::TypeScript, Dialect::Tsx] {
            let facts = parse_module(dialect, b"import a from './a.js';\n");
            assert_eq!(facts.imports.len(), 1, "{dialect:?}");
            assert!(facts.syntax_errors.is_empty(), "{dialect:?}");
        }
    }
}
