//! Plain data handed from `parse` to the later stages: what one module imports, exports and reads.

use serde::{Deserialize, Serialize};

/// A 1-based line and column (columns count characters, as editors do) plus the byte range.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
pub struct Span {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// Byte offset of the start.
    pub start: u32,
    /// Byte offset of the end (exclusive).
    pub end: u32,
}

/// How a module refers to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImportKind {
    /// `import … from 'x'` or `import 'x'`.
    Static,
    /// `import('x')`.
    Dynamic,
    /// `require('x')`, `require.resolve('x')`, TS `import x = require('x')`.
    Require,
    /// `export … from 'x'`, `export * from 'x'`.
    ReExport,
    /// `import type …`, `export type … from`, TS type-position `import('x')`.
    TypeOnly,
}

impl ImportKind {
    /// Whether the edge exists at run time (type-only imports are erased by TypeScript).
    pub fn is_runtime(self) -> bool {
        self != ImportKind::TypeOnly
    }

    /// Whether Node would use the `require` condition (vs `import`) for this kind.
    pub fn uses_require_condition(self) -> bool {
        self == ImportKind::Require
    }
}

/// One name brought in by an import: `{ a as b }` has `imported: "a"`, `local: "b"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedName {
    /// The name as the target module exports it (`default` for default imports).
    pub imported: String,
    /// The local binding, when there is one.
    pub local: Option<String>,
    /// `import { type A }`: erased at run time.
    pub type_only: bool,
    /// Where the name is written.
    pub span: Span,
}

/// One import-like reference in a module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Import {
    /// The specifier text, unquoted. Empty when `analysable` is false.
    pub specifier: String,
    /// What form the reference takes.
    pub kind: ImportKind,
    /// Named imports (`import { a }`, `const { a } = require()`, `export { a } from`).
    pub names: Vec<ImportedName>,
    /// `import * as ns`, `export * from`, or a whole-module `require`: every export may be used.
    pub namespace: bool,
    /// False for `import(variable)` / `require(variable)`: no literal specifier.
    pub analysable: bool,
    /// Where the specifier is written.
    pub span: Span,
}

/// One name a module exports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedName {
    /// The exported name (`default` for default exports).
    pub name: String,
    /// `export type`, `export interface`: exists only for the type checker.
    pub type_only: bool,
    /// Where it is declared.
    pub span: Span,
}

/// What a module exports, as far as can be known without running it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exports {
    /// Names declared by this module itself (ESM and recognised CommonJS forms).
    pub names: Vec<ExportedName>,
    /// `export * from 'x'`: specifiers whose exports (minus `default`) are re-exported.
    pub star_from: Vec<String>,
    /// The module uses CommonJS (`module.exports` / `exports.x`).
    pub commonjs: bool,
    /// The export shape cannot be known statically (`module.exports = factory()`).
    pub opaque: bool,
    /// `module.exports = require('./x')`: the shape is the target's.
    pub passthrough: Option<String>,
}

/// A syntax error range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyntaxError {
    /// Where the parser gave up.
    pub span: Span,
    /// `missing ;` or `unexpected …`.
    pub message: String,
}

/// Everything `parse` learns about one source file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleFacts {
    /// Imports in source order.
    pub imports: Vec<Import>,
    /// Exports.
    pub exports: Exports,
    /// Syntax errors (first few).
    pub syntax_errors: Vec<SyntaxError>,
    /// The file was not valid UTF-8; the byte offset of the first bad byte.
    pub invalid_utf8_at: Option<u32>,
    /// Per-line suppression directives `treeaudit-ignore-next-line RULE -- reason`.
    pub line_count: u32,
    /// `// treeaudit-ignore-next-line RULE -- reason` comments, in source order.
    #[serde(default)]
    pub suppressions: Vec<Suppression>,
}

/// A `// treeaudit-ignore-next-line RULE[, RULE] -- reason` comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// Where the comment is.
    pub span: Span,
    /// The 1-based line whose findings it silences (the line after the comment ends).
    pub target_line: u32,
    /// The rules named.
    pub rules: Vec<String>,
    /// The text after `--`; a suppression without one is itself a finding.
    pub reason: Option<String>,
}
