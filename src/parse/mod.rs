//! Parses one file with tree-sitter (component files: their script blocks) and walks the tree
//! into facts. A pure function of (dialect, bytes): no file system, no resolution.

mod comments;
mod commonjs;
mod components;
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

use tree_sitter::{Language, Parser};

use crate::discover::Dialect;
use crate::facts::ModuleFacts;

pub use env_flow::ANY_ENV_FILE;
pub use extract::span_of;

/// `Node::child_by_field_name` without its cost: tree-sitter finds a field's id by comparing
/// the name with every field name of the grammar (`strncmp`, a few percent of a cold run), so
/// the id is looked up once per grammar and name on each thread.
pub(crate) trait FieldExt<'t> {
    /// The child in field `name`.
    fn field(&self, name: &'static str) -> Option<tree_sitter::Node<'t>>;
}

type FieldIds = std::collections::HashMap<
    (usize, usize),
    Option<std::num::NonZeroU16>,
    std::hash::BuildHasherDefault<AddressHasher>,
>;

/// Hashes the (address, length) keys of [`FieldIds`]: a multiply per word instead of SipHash,
/// which showed in profiles (the keys are literals' addresses, not attacker input).
#[derive(Default)]
pub(crate) struct AddressHasher(u64);

impl std::hash::Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

thread_local! {
    static FIELD_IDS: RefCell<Vec<(Language, FieldIds)>> = const { RefCell::new(Vec::new()) };
}

impl<'t> FieldExt<'t> for tree_sitter::Node<'t> {
    fn field(&self, name: &'static str) -> Option<tree_sitter::Node<'t>> {
        let language = self.language();
        let id = FIELD_IDS.with(|tables| {
            let mut tables = tables.borrow_mut();
            let at = match tables.iter().position(|(l, _)| l == &*language) {
                Some(at) => at,
                None => {
                    tables.push(((*language).clone(), FieldIds::default()));
                    tables.len() - 1
                }
            };
            // A literal's address and length name its bytes.
            *tables[at]
                .1
                .entry((name.as_ptr() as usize, name.len()))
                .or_insert_with(|| language.field_id_for_name(name))
        });
        self.child_by_field_id(id?.get())
    }
}

/// The extraction code, for the fact cache's format stamp: a changed dispatch or a changed
/// handler (the env data flow decides `has_default`) changes the facts.
pub(crate) const EXTRACTION_SOURCE: &str = concat!(
    include_str!("extract.rs"),
    include_str!("env.rs"),
    include_str!("env_flow.rs"),
    include_str!("imports.rs"),
    include_str!("exports.rs"),
    include_str!("commonjs.rs"),
    include_str!("components.rs"),
    include_str!("comments.rs"),
    include_str!("endpoints.rs"),
    include_str!("loaders.rs"),
    include_str!("paths.rs"),
    include_str!("routes.rs"),
    include_str!("syntax_errors.rs"),
    include_str!("types.rs"),
    include_str!("../facts.rs"),
);

/// The tree-sitter language of a dialect (components: the language of their scripts, which
/// [`parse_module`] picks per file).
/// The elements of an array literal, or the value itself (`'a'` or `['a', 'b']` where either
/// is allowed).
pub(super) fn elements_or_self(value: tree_sitter::Node) -> Vec<tree_sitter::Node> {
    if value.kind() == "array" {
        let mut cursor = value.walk();
        value.named_children(&mut cursor).collect()
    } else {
        vec![value]
    }
}

pub(crate) fn language(dialect: Dialect) -> Language {
    match dialect {
        Dialect::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        Dialect::TypeScript | Dialect::Vue | Dialect::Svelte | Dialect::Astro | Dialect::Mdx => {
            tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into()
        }
        Dialect::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
    }
}

fn parser_index(dialect: Dialect) -> usize {
    match dialect {
        Dialect::JavaScript => 0,
        Dialect::TypeScript | Dialect::Vue | Dialect::Svelte | Dialect::Astro | Dialect::Mdx => 1,
        Dialect::Tsx => 2,
    }
}

thread_local! {
    // One parser per grammar and thread, reused across files.
    static PARSERS: RefCell<[Option<Parser>; 3]> = const { RefCell::new([None, None, None]) };
}

/// Parses `bytes` as `dialect` and extracts its facts. Invalid UTF-8 is decoded lossily and
/// recorded, so a damaged file still yields what can be read.
pub fn parse_module(dialect: Dialect, bytes: &[u8]) -> ModuleFacts {
    let (text, invalid_utf8_at) = decode(bytes);
    let component = matches!(
        dialect,
        Dialect::Vue | Dialect::Svelte | Dialect::Astro | Dialect::Mdx
    );
    let blocks = component.then(|| components::script_blocks(dialect, &text));
    let script_dialect = blocks.as_ref().map_or(dialect, |b| b.dialect);
    let mut facts = PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        let parser = parsers[parser_index(script_dialect)].get_or_insert_with(|| {
            let mut parser = Parser::new();
            parser
                .set_language(&language(script_dialect))
                .expect("grammar ABI is checked by the grammars_load test");
            parser
        });
        let tree = match &blocks {
            // A component is parsed in place, its script blocks only: lines stay true.
            Some(blocks) if blocks.ranges.is_empty() => None,
            Some(blocks) => {
                let tree = parser
                    .set_included_ranges(&blocks.ranges)
                    .ok()
                    .and_then(|()| parser.parse(text.as_bytes(), None));
                // The parser serves the next file whole.
                let _ = parser.set_included_ranges(&[]);
                tree
            }
            None => parser.parse(text.as_bytes(), None),
        };
        let mut facts = tree.map_or_else(ModuleFacts::default, |tree| {
            let typescript = script_dialect != Dialect::JavaScript;
            let (mut facts, index) = extract::extract_indexed(&tree, &text, typescript);
            endpoints::extract_endpoints(tree.root_node(), &index, &text, &mut facts);
            loaders::extract_loaders(&index, &text, &mut facts);
            imports::drop_virtual_mocks(&index, &text, &mut facts);
            if blocks.is_none() {
                facts.import_probe = imports::is_import_probe(tree.root_node());
            }
            if typescript {
                types::erase_type_only_imports(&tree, &index, &text, &mut facts);
                types::top_level_declarations(&tree, &text, &mut facts);
            }
            facts
        });
        let candidates = std::mem::take(&mut facts.comment_candidates);
        if script_dialect == Dialect::JavaScript {
            comments::jsdoc_type_exports(&candidates, &mut facts);
        }
        // Commented-out code: only the comment text is parsed, with the same parser.
        for block in comments::comment_blocks(candidates) {
            if let Some(tree) = parser.parse(block.text.as_bytes(), None) {
                let mut inner = extract::extract(&tree, &block.text);
                inner.comment_candidates.clear();
                comments::shift_commented(inner, &block, &mut facts.commented);
            }
        }
        facts
    });
    if dialect == Dialect::Mdx && !facts.syntax_errors.is_empty() {
        // The ESM of an MDX document is found by reading Markdown line by line: when that
        // reading and the parser disagree, MDX's compiler is the judge, not treeaudit.
        facts.syntax_errors.clear();
        facts.grammar_gap = true;
    }
    if !facts.syntax_errors.is_empty() {
        // Only files tree-sitter rejects pay for a second parse.
        let verdict = match &blocks {
            Some(blocks) => syntax_errors::second_opinion(
                script_dialect,
                &components::masked(&text, &blocks.ranges),
                // Astro frontmatter may `return Astro.redirect(…)`.
                dialect == Dialect::Astro,
            ),
            None => syntax_errors::second_opinion(dialect, &text, false),
        };
        match verdict {
            Some(error) => {
                facts.syntax_errors = vec![error];
                facts.flow_pragma =
                    script_dialect == Dialect::JavaScript && syntax_errors::has_flow_pragma(&text);
            }
            None => {
                // Valid code the grammar misread: its facts stand, but an export may hide
                // in the misread region, so the export list is not trusted.
                facts.syntax_errors.clear();
                facts.grammar_gap = true;
                facts.exports.opaque = true;
            }
        }
    }
    if component {
        // The component compiler makes the default export; named exports depend on it too.
        facts.exports.opaque = true;
    }
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
    fn grammars_load_for_every_dialect() {
        // A grammar ABI mismatch between tree-sitter and a grammar crate fails only at run time.
        for dialect in [Dialect::JavaScript, Dialect::TypeScript, Dialect::Tsx] {
            let facts = parse_module(dialect, b"import a from './a.js';\n");
            assert_eq!(facts.imports.len(), 1, "{dialect:?}");
            assert!(facts.syntax_errors.is_empty(), "{dialect:?}");
        }
    }
}
