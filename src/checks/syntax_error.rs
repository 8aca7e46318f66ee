//! `syntax-error`: the file does not parse.

use super::Rule;
use crate::facts::Span;
use crate::finding::{Finding, Severity};
use crate::project::Project;

/// The rule.
pub const RULE: Rule = Rule {
    name: "syntax-error",
    default_severity: Severity::Error,
    summary: "the file does not parse (or is not valid UTF-8); where",
    docs: DOCS,
    check,
};

const DOCS: &str = "\
## What it does
Reports the first place where a JavaScript/TypeScript file stops parsing, and files that are
not valid UTF-8.

## Why is this bad
Node refuses to load the whole file, so every route or service it holds is down. The rest of
the file is still analysed: treeaudit extracts whatever imports it can from a broken file.

Before reporting, a second parser (oxc) reads the file: the TypeScript grammar lags the
language, and a file only one parser rejects is valid. Such files are counted as
`grammar_gaps` in the summary; their facts are kept, and `missing-export` stays silent about
imports of them rather than trust an export list the grammar may have misread. Position and
message are oxc's.

Flow-typed JavaScript (a `// @flow` pragma, or a project with a `.flowconfig`, `flow-bin`, or
Babel's `@babel/preset-flow` / `plugin-transform-flow-strip-types`) is not checked: neither
parser reads Flow annotations, and Babel strips them before Node runs the code. Such a file
gets an info note instead; the facts the error-tolerant parse found are still used.

Declaration files (`.d.ts`, `.d.mts`, `.d.cts`) are not checked: Node never loads them, and
the TypeScript grammar lags behind the newest declaration syntax. A file that stops parsing
inside an EJS/ERB tag (`<%= … %>`, `<%- … %>`, `<% … %>`) is a template the server renders
into JavaScript (`ejs.render(fs.readFileSync(…))`): it is listed as not analysed, with that
reason. Tags inside string literals parse, and an error elsewhere is still reported.
A file that no module imports and that the project's formatter or linter is told to skip
(`.prettierignore`, `.eslintignore`, oxlint `ignorePatterns`) may be broken on purpose (a
fixture a test copies into place to see the error reported): its syntax error is a warning.

## Examples
Wrong:
    export function total(items) {
      return items.reduce((a, b) => a + b, 0;
    }
Right:
    export function total(items) {
      return items.reduce((a, b) => a + b, 0);
    }
";

/// Summary counter: files tree-sitter rejected and oxc accepted.
pub const GRAMMAR_GAPS: &str = "grammar_gaps";

fn check(project: &Project, findings: &mut Vec<Finding>) {
    let gaps = project
        .modules
        .iter()
        .filter(|m| m.facts.grammar_gap)
        .count();
    if gaps > 0 {
        project.set_counter(GRAMMAR_GAPS, gaps);
    }
    for (m, module) in project
        .modules
        .iter()
        .enumerate()
        // Declaration files are never loaded at run time, and tree-sitter-typescript 0.23 does
        // not parse all of their newer syntax (`in`/`out` variance, `export type *`), so a
        // parse failure there says more about the grammar than about the deploy.
        .filter(|(_, m)| !crate::discover::is_type_declaration(&m.file.path))
        // A code generator's template (`{% for … %}` lines) is not JavaScript as written.
        .filter(|(_, m)| project.manifests.template_holding(&m.file.path).is_none())
    {
        if let Some(offset) = module.facts.invalid_utf8_at {
            findings.push(
                Finding::new(
                    RULE.name,
                    RULE.default_severity,
                    &module.file.rel,
                    Span {
                        line: 1,
                        column: 1,
                        start: 0,
                        end: 0,
                    },
                    format!("file is not valid UTF-8 (first bad byte at offset {offset})"),
                )
                .with_help("save the file as UTF-8; Node reads source files as UTF-8"),
            );
        }
        if let Some(first) = module.facts.syntax_errors.first()
            && is_flow(project, module)
        {
            findings.push(
                Finding::new(
                    RULE.name,
                    Severity::Info,
                    &module.file.rel,
                    first.span,
                    format!(
                        "Flow-typed JavaScript ({}): Flow syntax is not checked; the imports, \
                         exports and env reads an error-tolerant reading finds are used \
                         (first unread syntax: {})",
                        if module.facts.flow_pragma {
                            "`@flow` pragma"
                        } else {
                            "the project strips Flow types"
                        },
                        first.message
                    ),
                )
                .with_help("`flow check` (or the Babel build) is the judge of this file's syntax"),
            );
        } else if let Some(first) = module.facts.syntax_errors.first() {
            let more = module.facts.syntax_errors.len() - 1;
            let mut message = if more > 0 {
                format!("syntax error: {} (and {more} more)", first.message)
            } else {
                format!("syntax error: {}", first.message)
            };
            let mut severity = RULE.default_severity;
            // Broken on purpose: the project's formatter and linter are told not to read it,
            // and no module imports it (a test copies it into place to see the error).
            if project.graph.importers_of(m).next().is_none()
                && let Some(why) = project.toolchain.retired.unparsed_reason(&module.file.path)
            {
                severity = Severity::Warning;
                message.push_str(&format!(
                    "; nothing imports the file, and {why}: kept unparsable on purpose?"
                ));
            }
            findings.push(Finding::new(
                RULE.name,
                severity,
                &module.file.rel,
                first.span,
                message,
            ));
        }
    }
}

/// Whether a `.js` file is Flow-typed: its `@flow` pragma, or its project declares Flow
/// (`.flowconfig`, `flow-bin`, Babel's Flow preset or plugin).
fn is_flow(project: &Project, module: &crate::project::Module) -> bool {
    module.file.dialect == crate::discover::Dialect::JavaScript
        && (module.facts.flow_pragma
            || project.toolchain.flow.covers(
                module.file.path.parent().unwrap_or(&project.root),
                &project.root,
                &project.manifests,
            ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::run_rule;

    #[test]
    fn unclosed_call_is_reported_with_its_line() {
        let findings = run_rule(
            &RULE,
            &[(
                "src/total.js",
                "export function total(items) {\n  return items.reduce((a, b) => a + b, 0;\n}\n",
            )],
        );
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].file, "src/total.js");
        assert_eq!(findings[0].line, 2);
    }

    #[test]
    fn valid_typescript_and_jsx_pass() {
        let findings = run_rule(
            &RULE,
            &[
                (
                    "src/a.ts",
                    "import type { X } from './x';\nexport const f = <T,>(x: T): T => x;\n",
                ),
                (
                    "src/b.tsx",
                    "export const B = () => <div className=\"b\">hi</div>;\n",
                ),
                ("src/c.jsx", "export const C = () => <p>{1}</p>;\n"),
            ],
        );
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn declaration_files_are_not_checked() {
        let findings = run_rule(
            &RULE,
            &[(
                "types/index.d.ts",
                "export type * from './x';\ninterface Box<in out T> { v: T }\n",
            )],
        );
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn invalid_utf8_is_reported_and_imports_still_extracted() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("bad.js"),
            b"import a from './a.js';\n// caf\xe9\n",
        )
        .unwrap();
        let project = crate::project::analyse(&crate::project::AnalyseOptions {
            root: dir.path().into(),
            threads: 1,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(project.modules[0].facts.imports.len(), 1);
        let mut findings = Vec::new();
        check(&project, &mut findings);
        assert_eq!(findings.len(), 1);
        assert!(findings[0].message.contains("not valid UTF-8"));
    }

    /// Valid modern code, one construct per file; several of these tree-sitter-typescript 0.23
    /// rejects (the grammar lags the language), and oxc must overrule it.
    const VALID: &[(&str, &str)] = &[
        (
            "styled.tsx",
            "import styled from 'styled-components';\nexport const Badge = styled.span<{ primary?: boolean }>`\n  color: ${(p) => (p.primary ? 'red' : 'blue')};\n`;\n",
        ),
        (
            "jsx-ampersand.tsx",
            "export const Terms = () => <h3>Terms & Conditions</h3>;\n",
        ),
        (
            "export-as-keyword.js",
            "const x = 1;\nexport { x as null, x as default };\n",
        ),
        (
            "variance.ts",
            "export interface Producer<out T> { get(): T }\nexport interface Consumer<in T> { put(v: T): void }\nexport interface Box<in out T> { v: T }\n",
        ),
        (
            "member-in.ts",
            "export type Auth = {\n  kind: 'apikey'\n  in: 'header' | 'query'\n}\n",
        ),
        (
            "field-in-flight.ts",
            "export class Pool {\n  size = 4\n  in_flight = 0\n}\n",
        ),
        (
            "call-signature.ts",
            "export type Invoke = {\n  (action: string): void\n  <A extends string>(action: A, args: number): void\n}\n",
        ),
        (
            "import-type-arg.tsx",
            "export const map = {} as Partial<Record<import('./a').Auth['kind'], string>>;\n",
        ),
        (
            "generic-arrow-type-arg.ts",
            "declare const expect: any;\nexpect(1).toBe<<T>() => T>();\n",
        ),
        (
            "string-raw.ts",
            "export const company = String.raw`Acme\\u00 Corp`;\n",
        ),
        (
            "decorators.ts",
            "function Component(_: object) { return (c: any) => c; }\n@Component({ selector: 'app' })\nexport class App {\n  @Input() name = '';\n}\nfunction Input() { return (_t: any, _k: string) => {}; }\n",
        ),
        (
            "satisfies.ts",
            "type Config = { port: number };\nexport const config = { port: 3000 } satisfies Config;\n",
        ),
        (
            "accessor.ts",
            "export class Store {\n  accessor count = 0;\n  static accessor shared = 1;\n}\n",
        ),
        (
            "using.ts",
            "declare function open(): Disposable;\nexport function read() {\n  using handle = open();\n  return handle;\n}\n",
        ),
        (
            "await-using.ts",
            "declare function connect(): AsyncDisposable;\nexport async function query() {\n  await using db = connect();\n}\n",
        ),
        (
            "enum.ts",
            "export enum Color { Red, Green = 'g' }\nexport const enum Flag { A = 1 << 0, B = 1 << 1 }\n",
        ),
        (
            "namespace.ts",
            "export namespace Geometry {\n  export const origin = 0;\n  export namespace Inner { export type P = number }\n}\n",
        ),
        (
            "jsx-namespace.tsx",
            "export const Icon = () => (\n  <svg xmlns:xlink=\"http://www.w3.org/1999/xlink\"><use xlink:href=\"#i\" /></svg>\n);\n",
        ),
        (
            "jsx-entities.jsx",
            "export const Footer = () => <p>&copy; 2026&nbsp;Acme &amp; Co &#8212; &#x2014;</p>;\n",
        ),
        (
            "regex-v.js",
            "export const letters = /[\\p{L}--\\p{N}]/v;\nexport const named = /(?<year>\\d{4})/u;\n",
        ),
        (
            "import-attributes.js",
            "import data from './data.json' with { type: 'json' };\nexport default data;\n",
        ),
        (
            "optional-chaining.js",
            "export const f = (a) => a?.b?.[0]?.() ?? 'none';\nlet x = null;\nx ??= 1;\nx ||= 2;\nx &&= 3;\n",
        ),
        (
            "private-fields.js",
            "export class Counter {\n  #count = 0;\n  static #instances = 0;\n  #inc() { this.#count++; }\n  static has(o) { return #count in o; }\n}\n",
        ),
        (
            "static-block.js",
            "export class Registry {\n  static items;\n  static { Registry.items = []; }\n}\n",
        ),
        (
            "top-level-await.mjs",
            "const config = await import('./config.js');\nexport default config;\n",
        ),
        (
            "numbers.js",
            "export const big = 1_000_000n;\nexport const hex = 0xff_ff;\nexport const bin = 0b1010;\n",
        ),
        (
            "abstract-overloads.ts",
            "export abstract class Shape {\n  abstract area(): number;\n}\nexport function pick(x: string): string;\nexport function pick(x: number): number;\nexport function pick(x: any) { return x; }\n",
        ),
        (
            "template-literal-types.ts",
            "type Method = 'get' | 'post';\nexport type Route = `/${string}`;\nexport type Handler = `on${Capitalize<Method>}`;\n",
        ),
        (
            "mapped-as.ts",
            "export type Getters<T> = { [K in keyof T as `get${Capitalize<string & K>}`]: () => T[K] };\n",
        ),
        (
            "asserts.ts",
            "export function assert(x: unknown): asserts x is string {\n  if (typeof x !== 'string') throw new Error('no');\n}\n",
        ),
        (
            "tuples.ts",
            "export type Args = [name: string, age?: number, ...rest: boolean[]];\n",
        ),
        (
            "type-exports.ts",
            "export type * from './types';\nexport type * as T from './types';\nimport type { A } from './types';\nexport type { A };\n",
        ),
        (
            "unique-symbol.ts",
            "export declare const tag: unique symbol;\n",
        ),
        (
            "interface-accessors.ts",
            "export interface Temp {\n  get celsius(): number;\n  set celsius(v: number);\n}\n",
        ),
        (
            "generic-arrow.tsx",
            "export const id = <T,>(x: T): T => x;\nexport const C = () => <div>{id(1)}</div>;\n",
        ),
        (
            "async-iteration.js",
            "export async function* lines(stream) {\n  for await (const chunk of stream) yield chunk;\n}\n",
        ),
        (
            "labels.js",
            "outer: for (const a of [1]) {\n  for (const b of [2]) { if (a < b) continue outer; }\n}\nexport {};\n",
        ),
        ("hashbang.js", "#!/usr/bin/env node\nimport './cli.js';\n"),
        (
            "export-star-as.js",
            "export * as utils from './utils.js';\nexport * from './more.js';\n",
        ),
        (
            "meta-properties.js",
            "export function F() { if (!new.target) throw 1; }\nexport const here = import.meta.url;\n",
        ),
        (
            "const-type-params.ts",
            "export function tuple<const T extends readonly unknown[]>(...xs: T): T { return xs; }\n",
        ),
        (
            "infer-extends.ts",
            "export type First<T> = T extends [infer H extends string, ...unknown[]] ? H : never;\n",
        ),
        (
            "override.ts",
            "class Base { greet() {} }\nexport class Child extends Base {\n  override greet() {}\n}\n",
        ),
        (
            "declare-global.ts",
            "declare global {\n  interface Window { analytics: unknown }\n}\nexport {};\n",
        ),
        (
            "abstract-new.ts",
            "export type Ctor<T> = abstract new (...args: any[]) => T;\n",
        ),
        (
            "definite-assignment.ts",
            "let ready!: boolean;\nexport const value = document.getElementById('x')!;\nexport { ready };\n",
        ),
        (
            "fragments-spread.jsx",
            "export const List = (props) => <><Item {...props} key=\"a\" /></>;\nconst Item = () => null;\n",
        ),
        (
            "commonjs-script.cjs",
            "const path = require('path');\nmodule.exports = { root: path.join(__dirname, 'x') };\n",
        ),
        (
            "type-assertion.ts",
            "declare const input: unknown;\nexport const n = <number>input;\n",
        ),
        (
            "optional-methods.ts",
            "export class Api {\n  fetch?(): void;\n  private readonly base = '/';\n  constructor(public token: string, protected retries = 3) {}\n}\n",
        ),
    ];

    #[test]
    fn valid_modern_syntax_gives_no_syntax_error() {
        assert!(VALID.len() >= 40);
        let files: Vec<(String, &str)> = VALID
            .iter()
            .map(|(name, source)| (format!("src/{name}"), *source))
            .collect();
        let files: Vec<(&str, &str)> = files.iter().map(|(n, s)| (n.as_str(), *s)).collect();
        let findings = run_rule(&RULE, &files);
        assert!(findings.is_empty(), "{findings:#?}");
    }

    #[test]
    fn grammar_gaps_are_counted_and_keep_their_imports() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("badge.tsx"),
            "import styled from 'styled-components';\nimport { theme } from './theme';\nexport const Badge = styled.span<{ on?: boolean }>`\n  color: ${theme.fg};\n`;\n",
        )
        .unwrap();
        let project = crate::project::analyse(&crate::project::AnalyseOptions {
            root: dir.path().into(),
            threads: 1,
            ..Default::default()
        })
        .unwrap();
        let facts = &project.modules[0].facts;
        assert!(facts.grammar_gap && facts.syntax_errors.is_empty());
        assert!(facts.exports.opaque, "a misread export list is not trusted");
        assert_eq!(facts.imports.len(), 2);
        let mut findings = Vec::new();
        check(&project, &mut findings);
        assert!(findings.is_empty(), "{findings:?}");
        let counters = project.counters.lock().expect("lock").clone();
        assert_eq!(counters[GRAMMAR_GAPS], 1);
    }

    #[test]
    fn really_broken_files_get_one_error_each_at_the_right_line() {
        // (file, source, line of the error)
        let broken: &[(&str, &str, u32)] = &[
            (
                "src/paren.js",
                "export function total(items) {\n  return items.reduce((a, b) => a + b, 0;\n}\n",
                2,
            ),
            (
                "src/string.js",
                "const a = 1;\nconst b = 2;\nconst c = 'unterminated;\nexport { a, b, c };\n",
                3,
            ),
            ("src/binding.ts", "export const ok = 1;\nconst = 5;\n", 2),
            (
                "src/import.ts",
                "import { a from './a';\nexport const b = a;\n",
                1,
            ),
            (
                "src/jsx.tsx",
                "export const A = () => (\n  <div>\n    {items.map((i) => <p>{i}</p>}\n  </div>\n);\n",
                3,
            ),
            (
                "src/keyword.js",
                "export function f() {\n  return 1;\n}\nfunction while() {}\n",
                4,
            ),
            (
                "src/arrow.ts",
                "const add = (a: number, b: number) => {\n  return a + b;\n}};\nexport { add };\n",
                3,
            ),
        ];
        let files: Vec<(&str, &str)> = broken.iter().map(|(f, s, _)| (*f, *s)).collect();
        let findings = run_rule(&RULE, &files);
        let got: Vec<(&str, u32)> = findings.iter().map(|f| (f.file.as_str(), f.line)).collect();
        let mut expected: Vec<(&str, u32)> = broken.iter().map(|(f, _, l)| (*f, *l)).collect();
        expected.sort();
        assert_eq!(got, expected, "{findings:#?}");
    }
}
