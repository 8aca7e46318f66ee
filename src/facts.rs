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
    /// `require('x')` / `import('x')` inside a `try` block with a `catch`: the code copes with
    /// the module being absent (an optional dependency).
    #[serde(default)]
    pub optional: bool,
    /// `require('x')` on a branch of a module-system test, as in a UMD wrapper (`typeof exports
    /// == 'object' ? factory(require('x')) : define.amd ? … : factory(root.X)`): needed only
    /// when Node or a bundler loads the file, not when a browser runs it from a script tag.
    #[serde(default)]
    pub module_system_branch: bool,
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
    /// `export type * from 'x'`: specifiers whose exports are re-exported for the type checker only.
    #[serde(default)]
    pub type_star_from: Vec<String>,
    /// The module uses ESM syntax (`import`/`export` statements), so Node's ESM rules apply
    /// to it: no implicit `default`, no `module.exports`.
    #[serde(default)]
    pub esm: bool,
    /// The module has ESM `export` statements (not only `import`s): a module that imports the
    /// ESM way but exports through `module.exports` has none.
    #[serde(default)]
    pub esm_exports: bool,
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
    /// Number of lines in the file.
    pub line_count: u32,
    /// Environment variable reads in source order.
    #[serde(default)]
    pub env_reads: Vec<EnvRead>,
    /// The file starts with the `'use client'` directive (React Server Components).
    #[serde(default)]
    pub use_client: bool,
    /// Calls that attach a router, sub-app or plugin: `app.use('/x', r)`, `app.route('/x', r)`.
    #[serde(default)]
    pub mounts: Vec<Mount>,
    /// Local names bound to a whole module: `const r = require('./r')`, `import * as r`.
    #[serde(default)]
    pub bindings: Vec<Binding>,
    /// Prefixes given to a router where it is built: `new Router({ prefix })`, `.basePath()`.
    #[serde(default)]
    pub router_prefixes: Vec<RouterPrefix>,
    /// Directory loaders: `readdirSync(dir)`, `import.meta.glob()`, `@fastify/autoload`.
    #[serde(default)]
    pub directory_loads: Vec<DirectoryLoad>,
    /// `import.meta.glob(pattern, { query: '?url' | '?raw' })` (or `as: 'url' | 'raw'`):
    /// patterns, relative to the file's directory with `base` applied, whose files are loaded
    /// as URLs or text, not as modules. Their own imports are not part of the build.
    #[serde(default)]
    pub asset_globs: Vec<String>,
    /// Literal path strings handed to `path.join`/`resolve` or a copy call (`fs.copy`,
    /// `cpSync`), as written (`template/extras`, `../templates`): the folders a package names
    /// by path, such as the scaffold templates a CLI copies at run time.
    #[serde(default)]
    pub path_literals: Vec<String>,
    /// Folders of the repository the code checks out of a fresh clone of it, as the folder
    /// holding what it names (`git sparse-checkout set templates/${name}` gives `templates`):
    /// the project templates a CLI fetches from its own repository.
    #[serde(default)]
    pub checked_out_paths: Vec<String>,
    /// Imports and mounts written inside comments (commented-out code), parsed from the
    /// comment text.
    #[serde(default)]
    pub commented: CommentedCode,
    /// Comment text that may hold code, before it is parsed into `commented` (parse-internal).
    #[serde(skip)]
    pub comment_candidates: Vec<CommentText>,
    /// `declare module 'x' { … }` in a `.d.ts`: modules whose exports this file declares or
    /// augments (wildcards like `*.svg` included).
    #[serde(default)]
    pub ambient_modules: Vec<String>,
    /// `// treeaudit-ignore-next-line RULE -- reason` comments, in source order.
    #[serde(default)]
    pub suppressions: Vec<Suppression>,
    /// The file is compiled or bundled output: it carries a `sourceMappingURL` comment.
    #[serde(default)]
    pub compiled: bool,
    /// The module is nothing but import statements that bind names it never uses (a file
    /// that checks a list of imports resolves, for the type checker or a reader): it does
    /// nothing when run. See [`crate::project::Project::retired_because`].
    #[serde(default)]
    pub import_probe: bool,
    /// Keys of an `env: { … }` object literal with their lines (next.config's `env`: the
    /// framework inlines each key into every bundle).
    #[serde(default)]
    pub config_env_keys: Vec<(String, u32)>,
    /// Functions this module defines that read `process.env[param]`: env helpers such as
    /// `getEnv(name)`, whose callers name the variable.
    #[serde(default)]
    pub env_helpers: Vec<EnvHelper>,
    /// Calls passing a literal variable name as the first argument (`getEnv('SMTP_HOST')`):
    /// reads when the callee is an env helper of this module or of the module it imports.
    #[serde(default)]
    pub env_name_calls: Vec<EnvNameCall>,
    /// Required reads whose value goes straight into a call of an imported function
    /// (`parseTimeoutEnv(process.env.X)`): optional when that function copes with
    /// `undefined`, which only its own module can tell (see `coping_parameters`).
    #[serde(default)]
    pub env_handoffs: Vec<EnvHandoff>,
    /// Required reads whose value is a field of the options object given to a call of an
    /// imported function (`WorkOS({ connection: process.env.X })`): optional when the package
    /// it comes from treats each option as optional (see `env::package_options_optional`).
    #[serde(default)]
    pub env_option_handoffs: Vec<EnvHandoff>,
    /// Exported functions of this module, by exported name, and the parameters (0-based) each
    /// copes with being undefined (`value?: string` tested before use, a default value).
    #[serde(default)]
    pub coping_parameters: Vec<(String, usize)>,
    /// Required reads whose value is exported as it is (`export const SEGMENT_KEY =
    /// import.meta.env.X`) and not used in this module: optional when every module importing
    /// the binding copes with it being unset (see `coping_imports`). `name` is the export.
    #[serde(default)]
    pub env_exports: Vec<EnvBinding>,
    /// Local names of imported bindings whose uses in this module cope with the value being
    /// unset (`!!SEGMENT_KEY`, `if (SEGMENT_KEY)`), and none insists on it.
    #[serde(default)]
    pub coping_imports: Vec<String>,
    /// Required reads provided to dependency injection under a string token (NestJS
    /// `{ provide: 'PYROSCOPE_URL', useValue: process.env.PYROSCOPE_URL }`): optional when
    /// every class injecting the token copes with it being unset. `name` is the token.
    #[serde(default)]
    pub env_providers: Vec<EnvBinding>,
    /// Tokens this module injects (`@Inject('PYROSCOPE_URL') private readonly url`), and
    /// whether the class's uses of the injected value cope with it being unset.
    #[serde(default)]
    pub injected_tokens: Vec<(String, bool)>,
    /// Specifiers of imports whose bindings are used only on branches an env setting selects
    /// (`case 'azure-blob': new AzureBlobProvider()` in a switch on the transport variable).
    #[serde(default)]
    pub gated_imports: Vec<String>,
    /// Exported constants that are truthy (`truthy`) or falsy (`!truthy`) only when an env
    /// setting is set (`export const IS_CLOUD = process.env.IS_CLOUD === "true"`): flags that
    /// switch a feature on. Deployment modes (`NODE_ENV`, `import.meta.env.PROD`) are no flags.
    #[serde(default)]
    pub env_flags: Vec<FlagTest>,
    /// Starts of reads a throw insists on inside a function called by name (`function
    /// stripe() { const k = process.env.K; if (!k) throw … }`): an assertion of that code
    /// path, required only if the project nowhere copes with the variable being unset.
    #[serde(default)]
    pub env_asserted: Vec<u32>,
    /// Env files the module loads by a literal path (`dotenv.config({ path: '../web/.env' })`,
    /// Nest's `envFilePath`): what they declare reaches the module's whole package.
    #[serde(default)]
    pub env_file_loads: Vec<EnvFileLoad>,
    /// Required reads on branches that run only when an imported value holds
    /// (`IS_CLOUD ? { ids: [process.env.USER_ADMIN_ID] } : {}`): optional when one of the
    /// tests names an imported env flag of that polarity (see `env_flags`).
    #[serde(default)]
    pub env_flag_gates: Vec<EnvFlagGate>,
    /// Imports whose every value is used on branches that an env setting selects here or that
    /// run only when an imported value holds (`if (IS_CLOUD) { await deployRemote(job) }`), by
    /// specifier, with the imported tests of each such use: the imported module is gated like
    /// `gated_imports` when each use has a test naming an imported env flag.
    #[serde(default)]
    pub import_flag_gates: Vec<ImportFlagGate>,
    /// String literals that look like file or directory paths (`'core/server/data/migrations'`,
    /// `'./jobs/clean.js'`): code that names a file by path may load it without an import.
    #[serde(default)]
    pub path_strings: Vec<PathString>,
    /// tree-sitter rejected the file but `oxc_parser` accepts it: a gap in the grammar. The
    /// facts stand; the export list is marked unknowable.
    #[serde(default)]
    pub grammar_gap: bool,
    /// A file both parsers rejected opens with a `// @flow` (or `/* @flow */`) pragma: Flow
    /// syntax, which neither parser reads.
    #[serde(default)]
    pub flow_pragma: bool,
    /// Top-level declarations of a TypeScript file (`type`, `interface`, `const`, …): a
    /// `.d.ts` module exports them implicitly.
    #[serde(default)]
    pub declarations: Vec<ExportedName>,
    /// Route handlers declared here: `router.get('/x', h)`, NestJS `@Get()` methods.
    #[serde(default)]
    pub endpoints: Vec<Endpoint>,
    /// NestJS `@Controller()` classes.
    #[serde(default)]
    pub controllers: Vec<Controller>,
    /// Classes listed in a NestJS `@Module({ controllers: [...] })` (path empty).
    #[serde(default)]
    pub registered_controllers: Vec<Controller>,
}

/// One route handler: an HTTP method and a path on a router (see `routes --endpoints`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    /// `GET`, `POST`, …, `ALL`.
    pub method: String,
    /// The path as written on this router (`/:id`; relative for NestJS).
    pub path: String,
    /// The router it is declared on (`router`, `app`); `@Class` for a NestJS controller.
    pub receiver: String,
    /// Where it is declared.
    pub span: Span,
}

/// A NestJS `@Controller('users')` class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Controller {
    /// The class name.
    pub name: String,
    /// The controller's path prefix (empty when none).
    pub path: String,
    /// Where the class name is.
    pub span: Span,
}

/// The syntax an environment variable is read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EnvReadForm {
    /// `process.env.X`, `process.env['X']`.
    ProcessEnv,
    /// `Bun.env.X`.
    BunEnv,
    /// `Deno.env.get('X')`.
    DenoEnv,
    /// `import.meta.env.X` (Vite, Astro).
    ImportMetaEnv,
    /// `const { X } = process.env`.
    Destructure,
    /// `const env = process.env; env.X`.
    Alias,
    /// A key of a t3-env `createEnv` or envalid `cleanEnv` schema.
    Schema,
}

/// Whether the variable name of a read is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EnvKey {
    /// A literal name.
    Name,
    /// A template or concatenation with a constant part: `name` is a glob such as `*_CLIENT_ID`.
    Pattern,
    /// `process.env[name]`: any variable may be read; `name` is empty.
    Dynamic,
}

/// One read of an environment variable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvRead {
    /// The variable name, a `*` glob for patterns, empty for fully dynamic reads.
    pub name: String,
    /// Literal, pattern or dynamic.
    pub key: EnvKey,
    /// Where the read is written.
    pub span: Span,
    /// The code copes with the variable being unset (`?? 'd'`, `|| 'd'`, a ternary, a schema
    /// `.default()`), so it is optional.
    pub has_default: bool,
    /// The syntax used.
    pub form: EnvReadForm,
    /// Inside a Next.js data function (`getServerSideProps`, …) that only runs on the server.
    #[serde(default)]
    pub server_only: bool,
}

/// A function that reads the variable its caller names: `function getEnv(name) { return
/// process.env[name] }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvHelper {
    /// The function's name in this module (a declaration, a `const` arrow, a method).
    pub function: String,
    /// Which parameter holds the name (0-based).
    pub parameter: usize,
    /// The helper copes with the variable being unset (a fallback or a presence test).
    pub has_default: bool,
    /// 1-based line of its `process.env[param]`.
    pub line: u32,
}

/// A call that names an environment variable: `parseBooleanEnv('FEATURE_X', false)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvNameCall {
    /// The callee as written: a local name (`getEnv`).
    pub callee: String,
    /// Which argument is the name (0-based).
    pub argument: usize,
    /// The literal name.
    pub name: String,
    /// Where the call is.
    pub span: Span,
    /// The caller copes with it being unset (a fallback argument, `?? d`, a presence test).
    pub has_default: bool,
    /// Inside a server-only function or branch.
    pub server_only: bool,
}

/// An env read handed to a call: `parseTimeoutEnv(process.env.X)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvHandoff {
    /// Byte offset where the read starts (its `EnvRead::span.start`).
    pub start: u32,
    /// The callee as written: a local name.
    pub callee: String,
    /// Which argument the value is (0-based).
    pub argument: usize,
}

/// A value tested as a flag: `IS_CLOUD` (truthy) or `!IS_CLOUD` (falsy).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FlagTest {
    /// The local name (in a gate) or the exported name (in `env_flags`).
    pub name: String,
    /// Whether the branch runs when the value is truthy (or falsy).
    pub truthy: bool,
}

/// An env file a module loads, by a path written as literals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvFileLoad {
    /// Relative to the module's directory (`path.join(__dirname, …)`); else to the working
    /// directory, which is the package's when its scripts start it.
    pub from_module: bool,
    /// The path as written (`../web/.env`).
    pub path: String,
}

/// A read on branches that run only when one of `tests` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvFlagGate {
    /// Byte offset where the read starts (its `EnvRead::span.start`).
    pub start: u32,
    /// The tests of imported values enclosing the read.
    pub tests: Vec<FlagTest>,
}

/// An import whose uses all sit on branches gated by an env setting, some by imported values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportFlagGate {
    /// The import's specifier.
    pub specifier: String,
    /// For each use not gated within the module: the imported tests enclosing it.
    pub uses: Vec<Vec<FlagTest>>,
}

/// A read whose value leaves the module under a name: an export or an injection token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvBinding {
    /// Byte offset where the read starts (its `EnvRead::span.start`).
    pub start: u32,
    /// The exported name or the token.
    pub name: String,
    /// The binding holds the read as it is (`export const X = process.env.X`), nothing
    /// computed from it at load (`Number.parseInt(…)`, `env.get('X').required()`).
    #[serde(default)]
    pub as_is: bool,
}

/// What a mount call attaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MountTarget {
    /// A local name (`router`, `users.routes()` → `users`), bound by an import or locally.
    Binding(String),
    /// An inline `require('./x')` / `import('./x')`: the `Import` whose specifier starts at
    /// this byte offset.
    Import(u32),
}

/// A call attaching a router, sub-application or plugin to another (see `routes`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mount {
    /// `use`, `route`, `register`, or `call` for a registration function `routes(app)`.
    pub method: String,
    /// The object mounted onto (`app`, `router`); empty for registration functions.
    pub receiver: String,
    /// The mount path when it is a literal (`'/calls'`, or Fastify's `{ prefix }`).
    pub path: Option<String>,
    /// The mounted things (Express accepts several: `use('/x', auth, router)`).
    pub targets: Vec<MountTarget>,
    /// Where the call is.
    pub span: Span,
}

/// `const name = require('x')` (or `.default`, `await import('x')`, `import * as name`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    /// The local name.
    pub local: String,
    /// The module specifier.
    pub specifier: String,
}

/// A router built with a prefix: `const r = new Router({ prefix: '/users' })`,
/// `const app = new Hono().basePath('/api')`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouterPrefix {
    /// The local name of the router.
    pub local: String,
    /// The literal prefix.
    pub prefix: String,
}

/// How a directory loader selects files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DirectoryLoadKind {
    /// `fs.readdirSync(dir)` (counted only when the file also has a computed require/import).
    Readdir,
    /// `import.meta.glob(pattern)`.
    Glob,
    /// `register(autoload, { dir })`.
    Autoload,
    /// `path.join(__dirname, 'helpers')` handed to some loader.
    PathReference,
    /// `path.join(__dirname, 'build')` given as where a build tool writes (`outdir: …`,
    /// webpack's `output: { path: … }`, `const outDir = …`): its files are named, not loaded.
    OutputPath,
    /// A `require()`/`import()` of a computed specifier with a literal directory
    /// (`require('./' + name)`, `` import(`./jobs/${job}.js`) ``): `pattern` is a glob whose
    /// `*` may cross directories, as a bundler's context module would.
    ComputedImport,
    /// A route module a React Router route config names (`route("about", "./about.tsx")`):
    /// `pattern` is relative to the app directory, the folder that holds `root.tsx`.
    RouteModule,
}

/// A directory (or glob) whose files are loaded without a literal import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryLoad {
    /// Readdir, glob or autoload.
    pub kind: DirectoryLoadKind,
    /// Directory or glob relative to the loading file's directory (`routes`, `./routes/*.ts`);
    /// starts with `{cwd}/` when built from `process.cwd()`.
    pub pattern: String,
    /// Where the loader is.
    pub span: Span,
}

/// Code found inside comments: what a commented-out line would import or mount.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentedCode {
    /// Imports in comments (lines are the file's lines).
    pub imports: Vec<Import>,
    /// Mounts in comments.
    pub mounts: Vec<Mount>,
    /// Bindings in comments.
    pub bindings: Vec<Binding>,
}

/// The text of a comment (markers stripped) and the file line it starts on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommentText {
    /// Code-like text with `//`, `/*`, `*/` and leading `*` removed, line structure kept.
    pub text: String,
    /// 1-based line of the first line.
    pub line: u32,
    /// Last line (for joining consecutive `//` comments).
    pub end_line: u32,
    /// Byte offset of the comment in the file.
    pub start: u32,
    /// A `//` comment (may join its neighbours).
    pub line_comment: bool,
    /// A `/** … */` documentation comment: its tag lines (`@this import('…')`) name types.
    pub doc_comment: bool,
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

/// A string literal that looks like a path, with where it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathString {
    /// The string's value.
    pub value: String,
    /// 1-based line.
    pub line: u32,
}
