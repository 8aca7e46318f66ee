//! `client-env-exposure`: browser code reads a variable without the framework's public prefix.

use std::collections::BTreeSet;
use std::path::Path;

use super::Rule;
use crate::facts::{EnvKey, EnvReadForm};
use crate::file_role::FileRole;
use crate::finding::{Finding, Severity};
use crate::manifest::Manifest;
use crate::project::{Module, Project};

/// The rule.
pub const RULE: Rule = Rule {
    name: "client-env-exposure",
    default_severity: Severity::Warning,
    summary: "client-side code reads an env variable without the public prefix (undefined in the browser)",
    docs: DOCS,
    check,
};

const DOCS: &str = "\
## What it does
Finds environment reads in code that runs in the browser and whose name lacks the prefix the
framework inlines at build time:
- Next.js (`next` in package.json): files starting with `'use client'`, and `pages/`
  components (not `pages/api/`, not `_document`, not inside `getServerSideProps`/
  `getStaticProps`): only `NEXT_PUBLIC_*` is inlined. `app/` files without `'use client'`
  are Server Components and may read any variable.
- Vite apps (`vite` in package.json, no server framework such as Next, SvelteKit, Remix or
  Astro): everything under the package's `src/`: only `VITE_*` is exposed.
- Wasp apps (a Vite app with `.wasproot`, `main.wasp` or `main.wasp.ts`): Wasp sets Vite's
  `envPrefix`, so only `REACT_APP_*` is exposed.
- Electron apps whose renderer Vite builds (`electron` in package.json too): `src/` also holds
  the main process and preloads, where `process.env` is Node's, so only `import.meta.env`
  reads count there.
- Other `'use client'` files: `NEXT_PUBLIC_*`, `VITE_*` or `PUBLIC_*`.
`NODE_ENV` is inlined by every bundler and is fine, and so are the keys of next.config's
`env: {}` (Next.js inlines them into every bundle). Not counted: tests and tool configs,
Next.js data functions, and server-only branches (`if (typeof window === 'undefined')`,
`if (ctx.res)`, code guarded by `typeof process !== 'undefined'`).

## Why is this bad
The variable is `undefined` in the browser (or the read throws `process is not defined`), so
the feature silently breaks in production; renaming a secret to the public prefix would
publish it, so the fix is usually to move the read to the server.

## Examples
Wrong (`app/settings/page-client.tsx` starts with 'use client'):
    const key = process.env.SECRET_KEY;
Right: read it in a Server Component or route handler, or, if it is not secret,
`process.env.NEXT_PUBLIC_API_URL`.
";

/// Server-side frameworks built on Vite whose `src/` is not all browser code.
const VITE_SERVER_FRAMEWORKS: &[&str] = &[
    "next",
    "@sveltejs/kit",
    "@remix-run/dev",
    "@react-router/dev",
    "astro",
    "nuxt",
    "@tanstack/react-start",
    "vike",
    "@builder.io/qwik-city",
    "@analogjs/platform",
    "@solidjs/start",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum ClientKind {
    Next,
    Vite,
    Wasp,
    /// A Vite renderer beside Electron's main process and preloads in the same `src/`.
    Electron,
    Other,
}

impl ClientKind {
    fn public_prefixes(self) -> &'static [&'static str] {
        match self {
            ClientKind::Next => &["NEXT_PUBLIC_"],
            ClientKind::Vite | ClientKind::Electron => &["VITE_"],
            ClientKind::Wasp => &["REACT_APP_"],
            ClientKind::Other => &["NEXT_PUBLIC_", "VITE_", "PUBLIC_"],
        }
    }
}

fn declares(manifest: &Manifest, package: &str) -> bool {
    manifest.dependencies.contains_key(package)
}

/// Whether a module runs in the browser, and under which framework's prefix rule.
fn client_kind(project: &Project, module: &Module) -> Option<ClientKind> {
    let dir = module.file.path.parent().unwrap_or(&project.root);
    let manifest = project.manifests.nearest(dir, &project.root);
    let is_next = manifest.is_some_and(|m| declares(m, "next"));
    if module.facts.use_client {
        return Some(if is_next {
            ClientKind::Next
        } else {
            ClientKind::Other
        });
    }
    let package_dir = manifest
        .and_then(|m| m.path.parent())
        .unwrap_or(&project.root);
    let inside = module
        .file
        .path
        .strip_prefix(package_dir)
        .unwrap_or(Path::new(&module.file.rel));
    let parts: Vec<String> = inside
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if is_next {
        let pages_at = match parts.first().map(String::as_str) {
            Some("pages") => Some(1),
            Some("src") if parts.get(1).map(String::as_str) == Some("pages") => Some(2),
            _ => None,
        };
        let at = pages_at?;
        let rest = &parts[at..];
        let name = rest.last().map(String::as_str).unwrap_or("");
        if rest.first().map(String::as_str) == Some("api")
            || name.starts_with("_document")
            || name.starts_with("_middleware")
        {
            return None;
        }
        return Some(ClientKind::Next);
    }
    let is_vite = manifest.is_some_and(|m| {
        declares(m, "vite") && !VITE_SERVER_FRAMEWORKS.iter().any(|f| declares(m, f))
    });
    if is_vite && parts.first().map(String::as_str) == Some("src") {
        return Some(if is_wasp_app(package_dir) {
            ClientKind::Wasp
        } else if manifest.is_some_and(|m| declares(m, "electron")) {
            ClientKind::Electron
        } else {
            ClientKind::Vite
        });
    }
    None
}

/// Whether `dir` is a Wasp app: the `wasp` compiler generates its Vite client with
/// `envPrefix: 'REACT_APP_'`.
fn is_wasp_app(dir: &Path) -> bool {
    [".wasproot", "main.wasp", "main.wasp.ts"]
        .iter()
        .any(|marker| crate::access::is_file(dir.join(marker)))
}

/// Names next.config `env: {}` of the module's package sets: inlined into the client bundle.
fn inlined_by_config(
    project: &Project,
    module: &Module,
    config: &[crate::env::Declaration],
) -> BTreeSet<String> {
    let dir = module.file.path.parent().unwrap_or(&project.root);
    let package_dir = project
        .manifests
        .nearest(dir, &project.root)
        .and_then(|m| m.path.parent())
        .unwrap_or(&project.root);
    config
        .iter()
        .filter(|d| project.root.join(&d.file).parent() == Some(package_dir))
        .map(|d| d.name.clone())
        .collect()
}

fn check(project: &Project, findings: &mut Vec<Finding>) {
    // Read once, when the first client module needs them (a whole-project scan).
    let mut config = None;
    for module in &project.modules {
        // Tests and tool configs never reach a browser bundle.
        if module.role != FileRole::Production {
            continue;
        }
        let Some(kind) = client_kind(project, module) else {
            continue;
        };
        let config = config.get_or_insert_with(|| crate::env::config_declarations(project));
        let inlined = inlined_by_config(project, module, config);
        for read in &module.facts.env_reads {
            if read.key != EnvKey::Name
                || inlined.contains(&read.name)
                || read.server_only
                || read.form == EnvReadForm::Schema
                || read.name == "NODE_ENV"
                // Node's own `process.env` in Electron's main process, preloads and
                // renderers with Node integration: Vite inlines only `import.meta.env`.
                || (kind == ClientKind::Electron && read.form != EnvReadForm::ImportMetaEnv)
                || kind
                    .public_prefixes()
                    .iter()
                    .any(|p| read.name.starts_with(p))
            {
                continue;
            }
            let prefix = kind.public_prefixes()[0];
            let mut finding = Finding::new(
                RULE.name,
                RULE.default_severity,
                &module.file.rel,
                read.span,
                format!(
                    "`{}` is read in client-side code but has no `{prefix}` prefix: it is undefined in the browser",
                    read.name
                ),
            )
            .with_help(format!(
                "read it on the server and pass the result down; if it is not a secret, rename it `{prefix}{}`",
                read.name
            ));
            finding.name = Some(read.name.clone());
            findings.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::run_rule;

    /// `file variable` of every finding on the tree `files` makes.
    fn exposed(files: &[(&str, &str)]) -> Vec<String> {
        run_rule(&RULE, files)
            .into_iter()
            .map(|f| format!("{} {}", f.file, f.name.unwrap_or_default()))
            .collect()
    }

    #[test]
    fn next_client_component_reading_a_server_secret_is_reported() {
        let got = exposed(&[
            (
                "package.json",
                r#"{"dependencies":{"next":"15","react":"19"}}"#,
            ),
            (
                "app/settings/SettingsForm.tsx",
                "'use client';\nconst key = process.env.SECRET_KEY;\nconst api = process.env.NEXT_PUBLIC_API_URL;\nconst dev = process.env.NODE_ENV;\n",
            ),
            (
                "app/settings/page.tsx",
                "const key = process.env.SECRET_KEY;\n",
            ),
            ("pages/api/hook.ts", "const key = process.env.SECRET_KEY;\n"),
            (
                "pages/index.tsx",
                "export async function getServerSideProps() { return { props: { k: process.env.SECRET_KEY } }; }\nexport default function Home() { return process.env.ANALYTICS_ID; }\n",
            ),
        ]);
        assert_eq!(
            got,
            vec![
                "app/settings/SettingsForm.tsx SECRET_KEY",
                "pages/index.tsx ANALYTICS_ID"
            ]
        );
    }

    #[test]
    fn vite_src_needs_the_vite_prefix_but_sveltekit_does_not_count() {
        let got = exposed(&[
            ("web/package.json", r#"{"devDependencies":{"vite":"6"}}"#),
            (
                "web/src/api.ts",
                "const a = import.meta.env.VITE_API_URL;\nconst b = import.meta.env.API_TOKEN;\nconst m = import.meta.env.MODE;\n",
            ),
            ("web/vite.config.ts", "const t = process.env.API_TOKEN;\n"),
            (
                "kit/package.json",
                r#"{"devDependencies":{"vite":"6","@sveltejs/kit":"2"}}"#,
            ),
            (
                "kit/src/hooks.server.ts",
                "const t = process.env.API_TOKEN;\n",
            ),
        ]);
        assert_eq!(got, vec!["web/src/api.ts API_TOKEN"]);
    }

    #[test]
    fn an_electron_apps_process_env_is_nodes_but_its_renderers_import_meta_env_is_vites() {
        let got = exposed(&[
            (
                "package.json",
                r#"{"devDependencies":{"vite":"5","electron":"33"}}"#,
            ),
            (
                "src/main/window.ts",
                "const url = process.env.APP_RENDER_URL;\nconst { HOME } = process.env;\n",
            ),
            (
                "src/ui/api.ts",
                "const a = import.meta.env.VITE_API_URL;\nconst b = import.meta.env.API_TOKEN;\n",
            ),
        ]);
        assert_eq!(got, vec!["src/ui/api.ts API_TOKEN"]);
    }
}
