//! `import-cycle`: modules that import each other through value imports.

use super::Rule;
use crate::facts::ImportKind;
use crate::finding::{Finding, Related, Severity};
use crate::project::Project;

/// The rule.
pub const RULE: Rule = Rule {
    name: "import-cycle",
    default_severity: Severity::Warning,
    summary: "modules import each other (type-only and dynamic import() edges excluded)",
    docs: DOCS,
    check,
};

const DOCS: &str = "\
## What it does
Finds each strongly connected component of value imports (`import`, `require`, `export …
from`) and reports one cycle through it, in import order, at the import that closes it.
Type-only imports and dynamic `import()` are excluded: they do not run at load time. So are
the imports of declaration files (`.d.ts`), which never run.

## Why is this bad
In a cycle, one module runs before the module it imports has finished: it sees `undefined`
for CommonJS exports or a TDZ error for ESM bindings, depending on which file is loaded
first. A deploy that changes load order (a new entry, a bundler) can break it.

## Examples
Reported:
    // src/services/billing.js
    import { notify } from './notify.js';
    // src/services/notify.js
    import { charge } from './billing.js';
Fix: move the shared part into a third module both import.
";

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for cycle in project.graph.cycles() {
        let (Some(&first), Some(&last)) = (cycle.first(), cycle.last()) else {
            continue;
        };
        let module = &project.modules[last];
        let closing = project
            .graph
            .imports_of(last)
            .filter(|(to, e)| {
                *to == first && !matches!(e.kind, ImportKind::TypeOnly | ImportKind::Dynamic)
            })
            .filter_map(|(_, e)| module.facts.imports.get(e.import))
            .min_by_key(|i| i.span);
        let Some(import) = closing else { continue };
        let mut files: Vec<String> = cycle
            .iter()
            .map(|&m| project.modules[m].file.rel.clone())
            .collect();
        files.push(project.modules[first].file.rel.clone());
        let mut finding = Finding::new(
            RULE.name,
            RULE.default_severity,
            &module.file.rel,
            import.span,
            format!(
                "import cycle of {} module{}: this import closes it",
                cycle.len(),
                if cycle.len() == 1 { "" } else { "s" }
            ),
        )
        .with_help("move what both sides need into a module that imports neither")
        .with_specifier(&import.specifier);
        // Each other edge of the cycle, so the whole loop can be followed.
        for pair in cycle.windows(2) {
            let from = &project.modules[pair[0]];
            if let Some(line) = project
                .graph
                .imports_of(pair[0])
                .filter(|(to, _)| *to == pair[1])
                .filter_map(|(_, e)| from.facts.imports.get(e.import))
                .map(|i| i.span.line)
                .min()
            {
                finding.related.push(Related {
                    file: from.file.rel.clone(),
                    line,
                    message: format!("imports {}", project.modules[pair[1]].file.rel),
                });
            }
        }
        finding.cycle = Some(files);
        findings.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::run_rule;

    #[test]
    fn a_two_module_cycle_is_reported_once_at_the_closing_import() {
        let findings = run_rule(
            &RULE,
            &[
                (
                    "src/services/billing.js",
                    "import { notify } from './notify.js';\nexport const charge = () => notify();\n",
                ),
                (
                    "src/services/notify.js",
                    "import { charge } from './billing.js';\nexport const notify = () => 1;\n",
                ),
            ],
        );
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].file, "src/services/notify.js");
        assert_eq!(
            findings[0].cycle.as_deref(),
            Some(
                &[
                    "src/services/billing.js".to_string(),
                    "src/services/notify.js".to_string(),
                    "src/services/billing.js".to_string()
                ][..]
            )
        );
    }

    #[test]
    fn type_only_and_dynamic_back_edges_pass() {
        let findings = run_rule(
            &RULE,
            &[
                (
                    "src/a.ts",
                    "import { b } from './b';\nexport type A = { n: number };\nexport const a = b;\n",
                ),
                (
                    "src/b.ts",
                    "import type { A } from './a';\nexport const b = 1;\nexport const lazy = () => import('./a');\n",
                ),
            ],
        );
        assert!(findings.is_empty(), "{findings:?}");
    }
}
