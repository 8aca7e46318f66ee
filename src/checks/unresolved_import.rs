//! `unresolved-import`: a relative, absolute or alias specifier that resolves to nothing.

use super::Rule;
use crate::finding::{Finding, Severity};
use crate::project::Project;
use crate::resolve::Resolution;

/// The rule.
pub const RULE: Rule = Rule {
    name: "unresolved-import",
    default_severity: Severity::Error,
    summary: "specifier resolves to nothing; what was tried; nearest existing candidate",
    docs: DOCS,
    check,
};

const DOCS: &str = "\
## What it does
Resolves every relative, absolute and alias (tsconfig `paths`, package `imports`) specifier the
way Node and TypeScript do, and reports those that point at nothing, in every file, reachable
or not — except files the build loads only as assets (`import.meta.glob(…, { query: '?url' })`,
`?raw` imports): snippets a page shows or a REPL compiles, whose imports no build resolves;
codemod test data that no code imports (`__testfixtures__/`, a `<stem>.input.ts` and
`<stem>.output.ts` pair its tests read as text) is such a file too, and so is a file in a
`fixtures/` folder of a test folder that no code imports (`test/fixtures/next-app/`, a sample
project the CLI under test works on; `__tests__/evals/fixtures/`, snippets a test reads as
text) —
and a `require()`/`import()` inside a `try` with a `catch`, which copes with the module being
absent, or on a branch of a UMD wrapper's module-system test (`typeof exports`, `typeof
module`, `typeof define`, `define.amd`) in a file that no module imports and that is no entry
Node runs (a vendored bundle the browser runs through its globals branch). A root-absolute
import in an MDX page of a Mintlify site (`/snippets/x.mdx`) is resolved from the directory
holding `docs.json`/`mint.json`. The message lists what was tried;
the help names the nearest real file. A file that no entry runs (through imports or loaders)
and that sits in an `archive`/`archives`/`archived` folder, or in a path the project's
dependency checker leaves out (depcheck `ignorePatterns`/`ignoreDirs`, knip `ignore`), is
retired code, such as applied migrations an archive script moved without fixing their
imports: its findings are warnings that say so. So is a file that only lists imports, binding
names it never uses, that nothing runs (a list of every import an old version allowed, red by
design for what was removed); in a test folder it holds no test, so it is no test entry.

## Why is this bad
`node --check` passes, and the deploy fails with `Cannot find module '../config/database.js'`
- one missing module per attempt. A file that nothing loads today still counts: it becomes
live the day someone mounts it.

## Examples
Wrong (no src/config/ directory exists):
    import { pool } from '../config/database.js';
Right:
    import { pool } from '../db/connection.js';
";

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for (m, module) in project.modules.iter().enumerate() {
        if project.is_asset_only(m) {
            // A snippet loaded as text or a URL (`import.meta.glob(…, { query: '?url' })`):
            // no build resolves its imports.
            continue;
        }
        for (import, resolution) in module.facts.imports.iter().zip(&module.resolutions) {
            let Resolution::Unresolved {
                tried,
                suggestion,
                reason,
            } = resolution
            else {
                continue;
            };
            // `try { require('x') } catch {}`: the code copes with the module being absent; a
            // UMD wrapper's CommonJS branch in a bundle the browser loads never runs.
            if project.copes_without(m, import) {
                continue;
            }
            if reason.as_deref() == Some(crate::resolve::OUTSIDE_TREE) {
                // The tree boundary: the target may exist, but auditing it was not asked for.
                findings.push(
                    Finding::new(
                        RULE.name,
                        Severity::Info,
                        &module.file.rel,
                        import.span,
                        format!(
                            "`{}` resolves to a file outside the audited tree; it is not read",
                            import.specifier
                        ),
                    )
                    .with_help("audit a directory that contains both files to check this import")
                    .with_specifier(&import.specifier),
                );
                continue;
            }
            let mut message = format!("cannot find module `{}`", import.specifier);
            match reason {
                Some(reason) => message.push_str(&format!(": {reason}")),
                None if !tried.is_empty() => {
                    message.push_str(&format!(" (tried {})", tried.join(", ")))
                }
                None => {}
            }
            let reason_text = reason.as_deref().unwrap_or("");
            let help = match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None if reason_text.contains(" maps it to ") => {
                    "the alias points at a path that does not exist: fix the alias or create the file".to_string()
                }
                None if reason_text.contains("workspace package") => {
                    "import a path the workspace package's `exports` (or files) provide".to_string()
                }
                // Only an installed package's missing or unexported subpath is unresolved.
                None if crate::resolve::is_bare(&import.specifier)
                    && !import.specifier.starts_with('#')
                    && tried.iter().any(|t| t.contains("node_modules/")) =>
                {
                    "the installed package has no such entry point: import a path its `exports` lists, or check the installed version".to_string()
                }
                None if crate::resolve::is_bare(&import.specifier) => {
                    "no tsconfig `paths`, bundler alias or package defines this specifier here".to_string()
                }
                None => "no file with a similar name exists in the tree: it must be created or brought over".to_string(),
            };
            findings.push(super::unless_inert(
                project,
                m,
                Finding::new(
                    RULE.name,
                    RULE.default_severity,
                    &module.file.rel,
                    import.span,
                    message,
                )
                .with_help(help)
                .with_specifier(&import.specifier),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::run_rule;

    #[test]
    fn missing_config_module_is_reported_with_what_was_tried() {
        let findings = run_rule(
            &RULE,
            &[
                (
                    "src/routes/analytics.js",
                    "import { pool } from '../config/database.js';\nexport default pool;\n",
                ),
                ("src/db/connection.js", "export const pool = {};\n"),
            ],
        );
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!(
            (f.file.as_str(), f.line, f.column),
            ("src/routes/analytics.js", 1, 22)
        );
        assert!(
            f.message.contains("src/config/database.js"),
            "{}",
            f.message
        );
        assert_eq!(f.specifier.as_deref(), Some("../config/database.js"));
    }

    #[test]
    fn same_file_name_elsewhere_is_suggested() {
        let findings = run_rule(
            &RULE,
            &[
                (
                    "src/routes/system-status.js",
                    "import redis from '../config/redis.js';\n",
                ),
                ("src/db/redis.js", "export default {};\n"),
            ],
        );
        assert_eq!(
            findings[0].help.as_deref(),
            Some("did you mean `../db/redis.js`?")
        );
    }

    #[test]
    fn extension_index_and_ts_aliases_resolve() {
        let findings = run_rule(
            &RULE,
            &[
                (
                    "src/index.ts",
                    "import './db';\nimport { a } from './lib/a.js';\nimport data from './data.json';\nconst x = require('./cjs');\n",
                ),
                ("src/db/index.ts", "export {};\n"),
                ("src/lib/a.ts", "export const a = 1;\n"),
                ("src/data.json", "{}"),
                ("src/cjs.cjs", "module.exports = {};\n"),
            ],
        );
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn dynamic_import_of_variable_is_not_reported() {
        assert!(run_rule(&RULE, &[("src/load.js", "const m = await import(name);\n")]).is_empty());
    }
}
