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

Declaration files (`.d.ts`, `.d.mts`, `.d.cts`) are not checked: Node never loads them, and
the TypeScript grammar lags behind the newest declaration syntax.

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

/// Declaration files (`.d.ts`) are never loaded at run time, and tree-sitter-typescript 0.23
/// does not parse all of their newer syntax (`in`/`out` variance, `export type *`), so a parse
/// failure there says more about the grammar than about the deploy.
fn is_declaration_file(rel: &str) -> bool {
    rel.ends_with(".d.ts") || rel.ends_with(".d.mts") || rel.ends_with(".d.cts")
}

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for module in project
        .modules
        .iter()
        .filter(|m| !is_declaration_file(&m.file.rel))
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
        if let Some(first) = module.facts.syntax_errors.first() {
            let more = module.facts.syntax_errors.len() - 1;
            let message = if more > 0 {
                format!("syntax error: {} (and {more} more)", first.message)
            } else {
                format!("syntax error: {}", first.message)
            };
            findings.push(Finding::new(
                RULE.name,
                RULE.default_severity,
                &module.file.rel,
                first.span,
                message,
            ));
        }
    }
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
}
