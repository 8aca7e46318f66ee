//! `undeclared-env`: production code reads a variable that no env source declares.

use super::Rule;
use crate::env::{VariableStatus, env_table, production_modules, shipped_modules};
use crate::facts::Span;
use crate::finding::{Finding, Related, Severity};
use crate::project::Project;

/// The rule.
pub const RULE: Rule = Rule {
    name: "undeclared-env",
    default_severity: Severity::Error,
    summary: "environment variable read by production code and declared in no env source",
    docs: DOCS,
    check,
};

const DOCS: &str = "\
## What it does
Joins every environment variable production code reads (`process.env.X`, `process.env['X']`,
destructuring, `Bun.env`, `Deno.env.get`, `import.meta.env`, t3-env, envalid, zod and Joi
schemas inline or in a variable, env helpers such as `getEnv('X')`, literal arrays of names,
`env-var`) with every place the project declares variables: the dotenv family (`.env`,
`.env.example`, `.env-template`, …, even when git-ignored; parsed as Node's dotenv does; a
commented `# X=` line of a template documents an optional setting),
docker-compose, Dockerfiles (`Dockerfile*`, `*.dockerfile`), wrangler.toml, app.yaml,
vercel.json, fly.toml `[env]`, snapcraft.yaml, render.yaml, Heroku app.json, netlify.toml,
Kubernetes container `env:`, package.json script assignments, next.config `env`, bundler
`define`s, schema keys, the code blocks of a package README (`VAR=…`, `-e VAR=…`, an
`\"env\": { … }` object's keys), and GitHub workflow `env:` (only for what the workflow runs).
In a workspace, a package's reads are checked against its own sources, those of the
packages that depend on it, and the root's.
A read is required only when its value is used with no default and no guard, following the
value through locals, fallback chains, ternaries, `if` guards, early returns and defaults
assigned to `process.env.X`, within the module; `if (!X) throw` keeps it required. Also
optional: env helper calls tested the same way (`if (env('X'))`), values handed as they are to
a component prop or to an imported function that copes with undefined (even across workspace
packages), values that only reach log calls, best-effort calls in a `try` whose `catch` only
logs (in a function, not a script's top level), entries of a local config object that nothing
reads by name, private getters whose uses test the value, exported constants every importing
module tests (`export const KEY = import.meta.env.X` and `if (KEY)` where it is imported),
NestJS `useValue` providers whose every `@Inject('TOKEN')` tests the value, and reads in a
module that runs only when an env
setting selects it (`case 'azure': new AzureStorage()` in a switch on the transport). A value
built into a string (`${X}/a`) stays required: whoever gets it cannot tell it was missing.
A variable declared nowhere is an error when code a deploy runs (main, start and build
scripts, Dockerfile, framework entries) reads it without a default, and a warning when the
code has a default or only other code (a maintenance script, an unmounted route) reads it.
Variables the runtime or host sets (`NODE_ENV`, `CI`, `HOME`, `PATH`, `PWD`, `TZ`,
`NEXT_RUNTIME`, `VERCEL_*`, `npm_*`, Windows' `PROGRAMFILES`, Expo's `EXPO_OS`, …; the list is
in src/env/platform.rs) are never reported. Reads in tests and tool configuration are not
counted.

## Why is this bad
Nobody deploying the app learns the variable exists until it crashes:
`Missing required environment variable: DATABASE_URL`.

## Examples
Wrong (no env file mentions it):
    const bucket = process.env.S3_BUCKET;
Right: add `S3_BUCKET=` to `.env.example` (and set it in production).
";

fn check(project: &Project, findings: &mut Vec<Finding>) {
    // An env file that exists but cannot be read may declare any variable: say so once
    // (unreadable-env-file) rather than call its variables undeclared.
    if project
        .env_declarations
        .problems
        .iter()
        .any(|p| super::unreadable_env_file::is_read_failure(&p.reason))
    {
        return;
    }
    let production = shipped_modules(project);
    let reachable = production_modules(project);
    let table = env_table(project, &production, &reachable, &[]);
    for variable in table
        .variables
        .iter()
        .filter(|v| v.status == VariableStatus::Undeclared)
    {
        // In a workspace, reads covered by their own package's (or the root's) sources are fine.
        let production_reads: Vec<_> = variable
            .reads
            .iter()
            .filter(|r| r.production && !r.declared)
            .collect();
        // Prefer the read that crashes a deploy, then one that makes it required.
        let Some(first) = production_reads
            .iter()
            .find(|r| r.reachable && !r.has_default)
            .or_else(|| production_reads.iter().find(|r| !r.has_default))
            .or_else(|| production_reads.first())
        else {
            continue;
        };
        // An error only when code a production entry reaches needs it: the deploy crashes.
        // A file nothing runs yet (a script, a route not mounted) still gets a warning: it
        // needs the variable the day it goes live.
        let required_in_production = production_reads
            .iter()
            .any(|r| r.reachable && !r.has_default && !r.via_pattern);
        let required = production_reads
            .iter()
            .any(|r| !r.has_default && !r.via_pattern);
        let declared_elsewhere = variable.declared_in();
        let (severity, message) = if required_in_production && !declared_elsewhere.is_empty() {
            // A workspace package's own sources (or a workflow's env) do not reach this file.
            (
                Severity::Error,
                format!(
                    "`{}` is read without a default, and only {} declare{} it, for other files",
                    variable.name,
                    declared_elsewhere.join(", "),
                    if declared_elsewhere.len() == 1 {
                        "s"
                    } else {
                        ""
                    }
                ),
            )
        } else if required_in_production {
            (
                Severity::Error,
                format!(
                    "`{}` is read without a default but declared in no env file",
                    variable.name
                ),
            )
        } else if required {
            (
                Severity::Warning,
                format!(
                    "`{}` is read without a default by code a deploy does not run (a script, an unmounted route, a library nothing deployed imports), and declared in no env file",
                    variable.name
                ),
            )
        } else {
            (
                Severity::Warning,
                format!(
                    "`{}` is read (with a default) but declared in no env file",
                    variable.name
                ),
            )
        };
        let span = Span {
            line: first.line,
            column: first.column,
            start: 0,
            end: variable.name.len() as u32,
        };
        let mut finding =
            Finding::new(RULE.name, severity, &first.file, span, message).with_help(format!(
                "declare it in .env.example (`{}=`) so deploys know to set it",
                variable.name
            ));
        finding.name = Some(variable.name.clone());
        finding.related = production_reads
            .iter()
            .filter(|r| !(r.file == first.file && r.line == first.line))
            .take(5)
            .map(|r| Related {
                file: r.file.clone(),
                line: r.line,
                message: "also read here".to_string(),
            })
            .collect();
        findings.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::run_rule;

    #[test]
    fn required_is_an_error_defaulted_a_warning_and_declared_or_platform_names_are_fine() {
        let findings = run_rule(
            &RULE,
            &[
                ("package.json", r#"{"name":"api"}"#),
                (".env.example", "DATABASE_URL=\n"),
                (
                    "src/services/s3.js",
                    "const bucket = process.env.S3_BUCKET;\nconst region = process.env.S3_REGION ?? 'eu-west-1';\nconst db = process.env.DATABASE_URL;\nconst env = process.env.NODE_ENV;\n",
                ),
                ("src/services/s3.test.js", "process.env.TEST_ONLY_TOKEN;\n"),
            ],
        );
        let got: Vec<(&str, Severity, u32)> = findings
            .iter()
            .map(|f| (f.name.as_deref().unwrap_or(""), f.severity, f.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("S3_BUCKET", Severity::Error, 1),
                ("S3_REGION", Severity::Warning, 2)
            ]
        );
    }

    #[test]
    fn error_only_when_a_production_entry_reaches_the_read() {
        let findings = run_rule(
            &RULE,
            &[
                (
                    "package.json",
                    r#"{"name":"api","scripts":{"start":"node src/index.js"}}"#,
                ),
                (
                    "src/index.js",
                    "const url = process.env.DATABASE_URL;\nexport default url;\n",
                ),
                (
                    "src/routes/recordings.js",
                    "export const bucket = process.env.S3_BUCKET;\n",
                ),
            ],
        );
        let severities: Vec<(&str, Severity)> = findings
            .iter()
            .map(|f| (f.name.as_deref().unwrap_or(""), f.severity))
            .collect();
        assert_eq!(
            severities,
            vec![
                ("DATABASE_URL", Severity::Error),
                ("S3_BUCKET", Severity::Warning)
            ]
        );
    }
}
