//! Bundler and runtime resolution settings read from their config files' syntax trees, never by
//! running them: Vite/Vitest `resolve.alias` (object and array form), webpack `resolve.alias`
//! and `resolve.modules`, Next.js `config.resolve.alias[...] =`, SvelteKit `kit.alias`, Jest
//! `moduleNameMapper`, babel-plugin-module-resolver `alias`/`root`, Deno import maps, and the
//! virtual modules that frameworks and plugins serve.

use std::path::{Path, PathBuf};

use tree_sitter::{Node, Parser};

use crate::parse::FieldExt;

use crate::manifest::Manifests;

/// Aliases that apply to the files under one directory (the config file's).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AliasScope {
    /// The directory whose files the aliases apply to.
    pub dir: PathBuf,
    /// `(key, target, where)`: webpack semantics (`key` matches `key` and `key/…`; `key$`
    /// matches exactly). `target` is an absolute path or a bare specifier.
    pub aliases: Vec<Alias>,
    /// Directories bare specifiers are also looked up in (webpack `resolve.modules`, babel
    /// module-resolver `root`).
    pub roots: Vec<PathBuf>,
    /// Extensions the bundler tries for a specifier written without one, in its order, when
    /// they go beyond the usual script extensions: `resolve.extensions` of a Vite or webpack
    /// config (`['.js', '.vue']`), and `.vue` where Nuxt 2 or Vue CLI set it.
    pub extensions: Vec<String>,
}

/// One alias.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    /// The specifier (prefix) it replaces; a trailing `$` means an exact match.
    pub key: String,
    /// What it becomes: an absolute path, or a specifier, or [`OPAQUE_TARGET`].
    pub target: String,
    /// The config file that says so (absolute).
    pub source: PathBuf,
    /// Whether only a test runner applies it (Jest `moduleNameMapper`, Vitest `test.alias`):
    /// it often swaps a real package for a test double, which the build never sees.
    pub tests_only: bool,
}

/// The target of an alias whose replacement only running the config computes
/// (`path.join(dirOfAnInstalledPackage, 'index.js')`, `exists(x) ? x : stub`): the specifier
/// is the alias's, but where it leads cannot be checked.
pub const OPAQUE_TARGET: &str = "\0computed";

impl Alias {
    /// Whether the target is computed by the config at run time (see [`OPAQUE_TARGET`]).
    pub fn is_opaque(&self) -> bool {
        self.target == OPAQUE_TARGET
    }
}

/// A specifier prefix served by a framework or plugin rather than by a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VirtualPrefix {
    /// `virtual:`, `~icons/`, `$app/`.
    pub prefix: &'static str,
    /// Who serves it, for messages.
    pub provider: &'static str,
    /// A whole module id (`uno.css`) rather than a prefix: it must not swallow a real
    /// package whose name merely starts with it (`uno.css-foo`). A `?query` may follow.
    pub exact: bool,
}

impl VirtualPrefix {
    /// Whether this prefix (or exact id) serves `specifier`.
    pub fn serves(&self, specifier: &str) -> bool {
        match specifier.strip_prefix(self.prefix) {
            Some(rest) => !self.exact || rest.is_empty() || rest.starts_with('?'),
            None => false,
        }
    }
}

/// Prefixes every tree may use: scheme-like specifiers of bundlers and runtimes.
const ALWAYS_VIRTUAL: &[VirtualPrefix] = &[
    VirtualPrefix {
        prefix: "virtual:",
        provider: "a bundler plugin (virtual module)",
        exact: false,
    },
    VirtualPrefix {
        prefix: "cloudflare:",
        provider: "the Cloudflare Workers runtime",
        exact: false,
    },
    VirtualPrefix {
        prefix: "bun:",
        provider: "the Bun runtime",
        exact: false,
    },
    VirtualPrefix {
        prefix: "astro:",
        provider: "Astro",
        exact: false,
    },
    VirtualPrefix {
        prefix: "npm:",
        provider: "Deno/Bun (npm: specifier)",
        exact: false,
    },
    VirtualPrefix {
        prefix: "jsr:",
        provider: "Deno (jsr: specifier)",
        exact: false,
    },
    VirtualPrefix {
        prefix: "https:",
        provider: "a URL import",
        exact: false,
    },
    VirtualPrefix {
        prefix: "http:",
        provider: "a URL import",
        exact: false,
    },
    VirtualPrefix {
        prefix: "data:",
        provider: "a data: URL",
        exact: false,
    },
    VirtualPrefix {
        prefix: "~icons/",
        provider: "unplugin-icons",
        exact: false,
    },
];

/// Prefixes served when the named package is declared somewhere in the tree.
const PLUGIN_VIRTUAL: &[(&str, VirtualPrefix)] = &[
    (
        "@sveltejs/kit",
        VirtualPrefix {
            prefix: "$app/",
            provider: "SvelteKit",
            exact: false,
        },
    ),
    (
        "@sveltejs/kit",
        VirtualPrefix {
            prefix: "$env/",
            provider: "SvelteKit",
            exact: false,
        },
    ),
    (
        "@sveltejs/kit",
        VirtualPrefix {
            prefix: "$service-worker",
            provider: "SvelteKit",
            exact: false,
        },
    ),
    (
        "unplugin-vue-router",
        VirtualPrefix {
            prefix: "vue-router/auto",
            provider: "unplugin-vue-router",
            exact: false,
        },
    ),
    (
        "vite-plugin-pages",
        VirtualPrefix {
            prefix: "~pages",
            provider: "vite-plugin-pages",
            exact: false,
        },
    ),
    (
        "vite-plugin-pages",
        VirtualPrefix {
            prefix: "~react-pages",
            provider: "vite-plugin-pages",
            exact: false,
        },
    ),
    (
        "nuxt",
        VirtualPrefix {
            prefix: "#",
            provider: "Nuxt",
            exact: false,
        },
    ),
    (
        "next",
        VirtualPrefix {
            prefix: "server-only",
            provider: "Next.js (bundled with next)",
            exact: false,
        },
    ),
    (
        "next",
        VirtualPrefix {
            prefix: "client-only",
            provider: "Next.js (bundled with next)",
            exact: false,
        },
    ),
    (
        "@docusaurus/core",
        VirtualPrefix {
            prefix: "@theme/",
            provider: "Docusaurus",
            exact: false,
        },
    ),
    (
        "@docusaurus/core",
        VirtualPrefix {
            prefix: "@theme-original/",
            provider: "Docusaurus",
            exact: false,
        },
    ),
    (
        "@docusaurus/core",
        VirtualPrefix {
            prefix: "@generated/",
            provider: "Docusaurus",
            exact: false,
        },
    ),
    (
        "@docusaurus/core",
        VirtualPrefix {
            prefix: "@docusaurus/Link",
            provider: "Docusaurus (a client module of @docusaurus/core)",
            exact: false,
        },
    ),
    (
        "@docusaurus/core",
        VirtualPrefix {
            prefix: "@docusaurus/Head",
            provider: "Docusaurus (a client module of @docusaurus/core)",
            exact: false,
        },
    ),
    (
        "@docusaurus/core",
        VirtualPrefix {
            prefix: "@docusaurus/BrowserOnly",
            provider: "Docusaurus (a client module of @docusaurus/core)",
            exact: false,
        },
    ),
    (
        "@docusaurus/core",
        VirtualPrefix {
            prefix: "@docusaurus/ExecutionEnvironment",
            provider: "Docusaurus (a client module of @docusaurus/core)",
            exact: false,
        },
    ),
    (
        "@docusaurus/core",
        VirtualPrefix {
            prefix: "@docusaurus/Interpolate",
            provider: "Docusaurus (a client module of @docusaurus/core)",
            exact: false,
        },
    ),
    (
        "@docusaurus/core",
        VirtualPrefix {
            prefix: "@docusaurus/Translate",
            provider: "Docusaurus (a client module of @docusaurus/core)",
            exact: false,
        },
    ),
    (
        "@docusaurus/core",
        VirtualPrefix {
            prefix: "@docusaurus/ErrorBoundary",
            provider: "Docusaurus (a client module of @docusaurus/core)",
            exact: false,
        },
    ),
    (
        "@docusaurus/core",
        VirtualPrefix {
            prefix: "@docusaurus/Noop",
            provider: "Docusaurus (a client module of @docusaurus/core)",
            exact: false,
        },
    ),
    (
        "@docusaurus/core",
        VirtualPrefix {
            prefix: "@docusaurus/ComponentCreator",
            provider: "Docusaurus (a client module of @docusaurus/core)",
            exact: false,
        },
    ),
    (
        "@docusaurus/core",
        VirtualPrefix {
            prefix: "@docusaurus/router",
            provider: "Docusaurus (a client module of @docusaurus/core)",
            exact: false,
        },
    ),
    (
        "@docusaurus/core",
        VirtualPrefix {
            prefix: "@docusaurus/constants",
            provider: "Docusaurus (a client module of @docusaurus/core)",
            exact: false,
        },
    ),
    (
        "@docusaurus/core",
        VirtualPrefix {
            prefix: "@docusaurus/isInternalUrl",
            provider: "Docusaurus (a client module of @docusaurus/core)",
            exact: false,
        },
    ),
    (
        "@docusaurus/core",
        VirtualPrefix {
            prefix: "@docusaurus/renderRoutes",
            provider: "Docusaurus (a client module of @docusaurus/core)",
            exact: false,
        },
    ),
    (
        "@docusaurus/core",
        VirtualPrefix {
            prefix: "@docusaurus/useBaseUrl",
            provider: "Docusaurus (a client module of @docusaurus/core)",
            exact: false,
        },
    ),
    (
        "@docusaurus/core",
        VirtualPrefix {
            prefix: "@docusaurus/useBrokenLinks",
            provider: "Docusaurus (a client module of @docusaurus/core)",
            exact: false,
        },
    ),
    (
        "@docusaurus/core",
        VirtualPrefix {
            prefix: "@docusaurus/useDocusaurusContext",
            provider: "Docusaurus (a client module of @docusaurus/core)",
            exact: false,
        },
    ),
    (
        "@docusaurus/core",
        VirtualPrefix {
            prefix: "@docusaurus/useGlobalData",
            provider: "Docusaurus (a client module of @docusaurus/core)",
            exact: false,
        },
    ),
    (
        "@docusaurus/core",
        VirtualPrefix {
            prefix: "@docusaurus/useIsBrowser",
            provider: "Docusaurus (a client module of @docusaurus/core)",
            exact: false,
        },
    ),
    (
        "@docusaurus/core",
        VirtualPrefix {
            prefix: "@docusaurus/useIsomorphicLayoutEffect",
            provider: "Docusaurus (a client module of @docusaurus/core)",
            exact: false,
        },
    ),
    (
        "@docusaurus/core",
        VirtualPrefix {
            prefix: "@docusaurus/useRouteContext",
            provider: "Docusaurus (a client module of @docusaurus/core)",
            exact: false,
        },
    ),
    // jest-runtime answers `@jest/globals` itself, installed or not.
    (
        "jest",
        VirtualPrefix {
            prefix: "@jest/globals",
            provider: "Jest (jest-runtime serves @jest/globals)",
            exact: false,
        },
    ),
    (
        "unplugin-fonts",
        VirtualPrefix {
            prefix: "unfonts.css",
            provider: "unplugin-fonts",
            exact: true,
        },
    ),
    // UnoCSS's Vite/Astro/Nuxt/webpack plugins answer these ids (and `virtual:uno.css`,
    // already covered by `virtual:`); `uno.css` looks like a package name but is not one.
    (
        "unocss",
        VirtualPrefix {
            prefix: "uno.css",
            provider: "UnoCSS (its bundler plugin serves this module)",
            exact: true,
        },
    ),
    (
        "unocss",
        VirtualPrefix {
            prefix: "uno:",
            provider: "UnoCSS (its bundler plugin serves this module)",
            exact: false,
        },
    ),
    (
        "unocss",
        VirtualPrefix {
            prefix: "/__uno.css",
            provider: "UnoCSS (its bundler plugin serves this module)",
            exact: true,
        },
    ),
    (
        "@unocss/vite",
        VirtualPrefix {
            prefix: "uno.css",
            provider: "UnoCSS (its bundler plugin serves this module)",
            exact: true,
        },
    ),
    (
        "@unocss/vite",
        VirtualPrefix {
            prefix: "uno:",
            provider: "UnoCSS (its bundler plugin serves this module)",
            exact: false,
        },
    ),
    (
        "@unocss/vite",
        VirtualPrefix {
            prefix: "/__uno.css",
            provider: "UnoCSS (its bundler plugin serves this module)",
            exact: true,
        },
    ),
    (
        "@unocss/astro",
        VirtualPrefix {
            prefix: "uno.css",
            provider: "UnoCSS (its bundler plugin serves this module)",
            exact: true,
        },
    ),
    (
        "@unocss/astro",
        VirtualPrefix {
            prefix: "uno:",
            provider: "UnoCSS (its bundler plugin serves this module)",
            exact: false,
        },
    ),
    (
        "@unocss/astro",
        VirtualPrefix {
            prefix: "/__uno.css",
            provider: "UnoCSS (its bundler plugin serves this module)",
            exact: true,
        },
    ),
    (
        "@unocss/nuxt",
        VirtualPrefix {
            prefix: "uno.css",
            provider: "UnoCSS (its bundler plugin serves this module)",
            exact: true,
        },
    ),
    (
        "@unocss/nuxt",
        VirtualPrefix {
            prefix: "uno:",
            provider: "UnoCSS (its bundler plugin serves this module)",
            exact: false,
        },
    ),
    (
        "@unocss/nuxt",
        VirtualPrefix {
            prefix: "/__uno.css",
            provider: "UnoCSS (its bundler plugin serves this module)",
            exact: true,
        },
    ),
    (
        "@unocss/webpack",
        VirtualPrefix {
            prefix: "uno.css",
            provider: "UnoCSS (its bundler plugin serves this module)",
            exact: true,
        },
    ),
    (
        "@unocss/webpack",
        VirtualPrefix {
            prefix: "uno:",
            provider: "UnoCSS (its bundler plugin serves this module)",
            exact: false,
        },
    ),
    (
        "@unocss/webpack",
        VirtualPrefix {
            prefix: "/__uno.css",
            provider: "UnoCSS (its bundler plugin serves this module)",
            exact: true,
        },
    ),
    // vite-plugin-windicss and windicss-webpack-plugin serve `windi.css` and its layers.
    (
        "vite-plugin-windicss",
        VirtualPrefix {
            prefix: "windi.css",
            provider: "Windi CSS (its bundler plugin serves this module)",
            exact: true,
        },
    ),
    (
        "vite-plugin-windicss",
        VirtualPrefix {
            prefix: "windi-base.css",
            provider: "Windi CSS (its bundler plugin serves this module)",
            exact: true,
        },
    ),
    (
        "vite-plugin-windicss",
        VirtualPrefix {
            prefix: "windi-components.css",
            provider: "Windi CSS (its bundler plugin serves this module)",
            exact: true,
        },
    ),
    (
        "vite-plugin-windicss",
        VirtualPrefix {
            prefix: "windi-utilities.css",
            provider: "Windi CSS (its bundler plugin serves this module)",
            exact: true,
        },
    ),
    (
        "windicss-webpack-plugin",
        VirtualPrefix {
            prefix: "windi.css",
            provider: "Windi CSS (its bundler plugin serves this module)",
            exact: true,
        },
    ),
    (
        "windicss-webpack-plugin",
        VirtualPrefix {
            prefix: "windi-base.css",
            provider: "Windi CSS (its bundler plugin serves this module)",
            exact: true,
        },
    ),
    (
        "windicss-webpack-plugin",
        VirtualPrefix {
            prefix: "windi-components.css",
            provider: "Windi CSS (its bundler plugin serves this module)",
            exact: true,
        },
    ),
    (
        "windicss-webpack-plugin",
        VirtualPrefix {
            prefix: "windi-utilities.css",
            provider: "Windi CSS (its bundler plugin serves this module)",
            exact: true,
        },
    ),
];

/// Packages a framework makes importable from its app without the app declaring them: Nuxt
/// writes `compilerOptions.paths` for its `typescript.hoist` list into `.nuxt/tsconfig.json`
/// (pointing at its own copies) and resolves bare imports through its own `modulesDir`, so
/// `import { useRoute } from 'vue-router'` works under pnpm's isolated layout. NuxtHub's module
/// (`@nuxthub/core`) generates the `@nuxthub/db` package (its client and the merged schema of
/// `server/db/schema*`) on `nuxt prepare`.
const FRAMEWORK_SERVED: &[(&str, &[&str])] = &[
    ("@nuxthub/core", &["@nuxthub/db"]),
    (
        "nuxt",
        &[
            "nitro/types",
            "nitro/runtime",
            "nitropack",
            "srvx",
            "defu",
            "h3",
            "consola",
            "ofetch",
            "@unhead/vue",
            "@nuxt/devtools",
            "vue",
            "@vue/runtime-core",
            "@vue/compiler-sfc",
            "vue-router",
            "unplugin-vue-router/client",
            "@nuxt/schema",
            "nuxt",
        ],
    ),
];

/// The framework that serves `specifier` to a file in `dir` (a package a manifest from `dir`
/// up declares), when the specifier is one it makes importable without a declaration.
pub fn served_by_framework(
    specifier: &str,
    dir: &Path,
    root: &Path,
    manifests: &Manifests,
) -> Option<&'static str> {
    FRAMEWORK_SERVED.iter().find_map(|(framework, served)| {
        let serves = served.iter().any(|s| {
            specifier
                .strip_prefix(s)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        });
        (serves && manifests.declaration(framework, dir, root).is_some()).then_some(*framework)
    })
}

/// The virtual-module prefixes that apply to a tree with these manifests.
pub fn virtual_prefixes(manifests: &Manifests) -> Vec<VirtualPrefix> {
    let mut out: Vec<VirtualPrefix> = ALWAYS_VIRTUAL.to_vec();
    let declared = |name: &str| {
        manifests
            .all()
            .iter()
            .any(|m| m.dependencies.contains_key(name))
    };
    for (package, prefix) in PLUGIN_VIRTUAL {
        if declared(package) && !out.contains(prefix) {
            out.push(prefix.clone());
        }
    }
    out
}

/// Whether a file name is a config file whose aliases treeaudit reads.
fn is_alias_config(name: &str) -> bool {
    let stem = name.rsplit_once('.').map_or(name, |(stem, ext)| match ext {
        "js" | "ts" | "mjs" | "mts" | "cjs" | "cts" => stem,
        _ => "",
    });
    matches!(
        stem,
        "vite.config"
            | "vitest.config"
            | "vitest.workspace"
            | "webpack.config"
            | "next.config"
            | "jest.config"
            | "babel.config"
            | "svelte.config"
            | "astro.config"
            | "nuxt.config"
            | "quasar.config"
            | "craco.config"
            | "rsbuild.config"
            | "rspack.config"
            | "electron.vite.config"
    ) || stem.starts_with("vite.config.")
        || stem.starts_with("vitest.config.")
        || stem.starts_with("webpack.")
}

/// Reads every alias-bearing config among `files` (sources and data files of the tree).
pub fn alias_scopes(files: &[PathBuf], manifests: &Manifests) -> Vec<AliasScope> {
    let mut scopes: Vec<AliasScope> = Vec::new();
    // Directories with a config found by its name (or a framework default), and those whose
    // scope only a config named in a script (`--config x.ts`) makes.
    let mut conventional: Vec<PathBuf> = Vec::new();
    let mut script_only: Vec<PathBuf> = Vec::new();
    let mut add = |dir: &Path, found: Found, by_script: bool| {
        let Found {
            aliases,
            roots,
            extensions,
        } = found;
        if aliases.is_empty() && roots.is_empty() && extensions.is_empty() {
            return;
        }
        if by_script {
            script_only.push(dir.to_path_buf());
        } else {
            conventional.push(dir.to_path_buf());
        }
        match scopes.iter_mut().find(|s| s.dir == dir) {
            Some(scope) => {
                scope.aliases.extend(aliases);
                scope.roots.extend(roots);
                for extension in extensions {
                    if !scope.extensions.contains(&extension) {
                        scope.extensions.push(extension);
                    }
                }
            }
            None => scopes.push(AliasScope {
                dir: dir.to_path_buf(),
                aliases,
                roots,
                extensions,
            }),
        }
    };
    // Configs the packages' scripts hand to a tool (`webpack --config dev/webpack/prod.js`):
    // the tool runs in the package's folder, whatever folder the config sits in.
    let named: Vec<(PathBuf, ScriptConfig)> = manifests
        .all()
        .iter()
        .filter_map(|m| Some((m.path.parent()?.to_path_buf(), &m.json)))
        .flat_map(|(dir, json)| {
            script_configs(&dir, json)
                .into_iter()
                .map(move |config| (dir.clone(), config))
        })
        .filter(|(_, config)| files.contains(&config.path))
        .collect();
    let mut sorted: Vec<&PathBuf> = files.iter().collect();
    sorted.sort();
    // Deno configs (`deno.json`, `deno.jsonc`) by file, for workspace members.
    let mut deno_configs: Vec<(PathBuf, serde_json::Value)> = Vec::new();
    for file in sorted {
        let Some(name) = file.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(dir) = file.parent() else { continue };
        if file.components().any(|c| c.as_os_str() == "node_modules") {
            continue;
        }
        if is_alias_config(name) {
            let Ok(text) = crate::access::read_to_string(file) else {
                continue;
            };
            // Run by a script of the package it sits in (the nearest such), the tool starts in
            // that package's folder.
            let cwd = named
                .iter()
                .filter(|(package, config)| &config.path == file && file.starts_with(package))
                .map(|(package, _)| package.as_path())
                .max_by_key(|package| package.components().count())
                .unwrap_or(dir);
            add(dir, read_script_config(file, cwd, &text), false);
        } else if matches!(name, ".babelrc" | ".babelrc.json" | "jest.config.json") {
            if let Some(value) = read_json(file) {
                add(dir, from_json_config(file, &value), false);
            }
        } else if is_import_map_file(file)
            && let Some(value) = read_json(file)
        {
            add(dir, Found::of(import_map(file, &value)), false);
            for (scope_dir, aliases) in import_map_scopes(file, &value) {
                add(&scope_dir, Found::of(aliases), false);
            }
            if name != "import_map.json" {
                deno_configs.push((file.clone(), value));
            }
        }
    }
    for (root_dir, members) in deno_workspace_members(&deno_configs) {
        add(&root_dir, Found::of(members), false);
    }
    for manifest in manifests.all() {
        let Some(dir) = manifest.path.parent() else {
            continue;
        };
        let mut found = Found::default();
        found
            .aliases
            .extend(script_import_maps(dir, &manifest.json, manifests));
        // A config given to the tool in a script (`vite build --config vite.tanstack.config.ts`,
        // `webpack --config dev/webpack/webpack.prod.js`) applies to everything the tool
        // handles: the package's files. One found by its name in the package's own folder is
        // read above already, with the same scope.
        for (_, config) in named.iter().filter(|(package, _)| package == dir) {
            let conventional = config
                .path
                .file_name()
                .and_then(|n| n.to_str())
                .is_none_or(is_alias_config);
            if conventional && config.path.parent() == Some(dir) {
                continue;
            }
            let Ok(text) = crate::access::read_to_string(&config.path) else {
                continue;
            };
            let mut more = read_script_config(&config.path, dir, &text);
            for alias in &mut more.aliases {
                alias.tests_only |= config.tests_only;
            }
            add(dir, more, true);
        }
        for key in ["jest", "babel"] {
            if let Some(value) = manifest.json.get(key) {
                let more = from_json_config(&manifest.path, value);
                found.aliases.extend(more.aliases);
                found.roots.extend(more.roots);
            }
        }
        // Framework defaults: SvelteKit `$lib`, Nuxt `~`/`@` (srcDir) and `~~`/`@@` (root).
        if manifest.dependencies.contains_key("@sveltejs/kit") {
            found.aliases.push(Alias {
                key: "$lib".into(),
                target: dir.join("src/lib").to_string_lossy().into_owned(),
                source: manifest.path.clone(),
                tests_only: false,
            });
        }
        if manifest.dependencies.contains_key("@docusaurus/core") {
            let site = Alias {
                key: "@site".into(),
                target: dir.to_string_lossy().into_owned(),
                source: manifest.path.clone(),
                tests_only: false,
            };
            // A docs or blog plugin whose `path` lies outside the site (`path: '../docs'`):
            // the site's build compiles those files too, with its aliases.
            for outside in docusaurus_outside_paths(dir) {
                add(&outside, Found::of(vec![site.clone()]), false);
            }
            found.aliases.push(site);
        }
        if manifest.dependencies.contains_key("nuxt") {
            let src = if crate::access::is_dir(dir.join("app")) {
                dir.join("app")
            } else {
                dir.to_path_buf()
            };
            for (key, target) in [
                ("~", &src),
                ("@", &src),
                ("~~", &dir.to_path_buf()),
                ("@@", &dir.to_path_buf()),
            ] {
                found.aliases.push(Alias {
                    key: key.into(),
                    target: target.to_string_lossy().into_owned(),
                    source: manifest.path.clone(),
                    tests_only: false,
                });
            }
        }
        // Nuxt 2 and Vue CLI build with webpack configs that add `.vue` to `resolve.extensions`
        // (Nuxt 3 builds with Vite, whose defaults do not).
        let major = |name: &str| {
            manifest
                .declared_range(name)
                .and_then(crate::manifest::range_major)
        };
        if major("nuxt").is_some_and(|m| m < 3)
            || major("nuxt-edge").is_some_and(|m| m < 3)
            || manifest.dependencies.contains_key("@vue/cli-service")
        {
            found.extensions.push(".vue".into());
        }
        add(dir, found, false);
    }
    for scope in &mut scopes {
        scope
            .aliases
            .dedup_by(|a, b| a.key == b.key && a.tests_only == b.tests_only);
        scope.roots.sort();
        scope.roots.dedup();
    }
    scopes.sort_by(|a, b| a.dir.cmp(&b.dir));
    script_only.retain(|d| !conventional.contains(d));
    inherit_enclosing(&mut scopes, &script_only);
    inherit_import_maps(&mut scopes);
    scopes
}

/// A config named in one script (`vite build --config vite.tanstack.config.ts`) is used by that
/// command only: the files of its directory are still run by the tools that find the enclosing
/// config on their own (the root `vitest.config.ts` of a test suite). So a scope that only
/// such configs make keeps the aliases of the nearest enclosing scope after its own, for keys
/// it does not map itself.
fn inherit_enclosing(scopes: &mut [AliasScope], script_only: &[PathBuf]) {
    let inherited: Vec<Found> = scopes
        .iter()
        .map(|scope| {
            if !script_only.contains(&scope.dir) {
                return Found::default();
            }
            // Sorted by directory: the last ancestor is the nearest.
            let Some(enclosing) = scopes
                .iter()
                .rfind(|a| a.dir != scope.dir && scope.dir.starts_with(&a.dir))
            else {
                return Found::default();
            };
            let key = |a: &Alias| a.key.trim_end_matches('$').to_string();
            Found {
                aliases: enclosing
                    .aliases
                    .iter()
                    .filter(|a| !scope.aliases.iter().any(|own| key(own) == key(a)))
                    .cloned()
                    .collect(),
                roots: enclosing.roots.clone(),
                // The enclosing tool's extensions, unless the scope's config lists its own.
                extensions: if scope.extensions.is_empty() {
                    enclosing.extensions.clone()
                } else {
                    Vec::new()
                },
            }
        })
        .collect();
    for (scope, found) in scopes.iter_mut().zip(inherited) {
        scope.aliases.extend(found.aliases);
        scope.roots.extend(found.roots);
        scope.roots.sort();
        scope.roots.dedup();
        scope.extensions.extend(found.extensions);
    }
}

/// The packages of each Deno workspace as import-map entries of its root, which is how Deno
/// resolves them: a member's `name` (and `name/sub`) maps to the files its `exports` name
/// (`"exports": "./mod.ts"` or `{ ".": "./mod.ts", "./sub": "./src/sub.ts" }`). Members are the
/// config directories the root's `workspace` globs match, and the root itself when it has a
/// `name` and `exports`. A key the root's own `imports` map is left to it.
fn deno_workspace_members(configs: &[(PathBuf, serde_json::Value)]) -> Vec<(PathBuf, Vec<Alias>)> {
    let mut out = Vec::new();
    for (root_file, root) in configs {
        let globs = crate::toolchain::workspaces::deno_workspace_members(root);
        let Some(root_dir) = root_file.parent().filter(|_| !globs.is_empty()) else {
            continue;
        };
        let (include, exclude) = crate::toolchain::workspaces::compile(&globs);
        let own: Vec<&str> = root
            .get("imports")
            .and_then(|i| i.as_object())
            .map(|i| i.keys().map(|k| k.trim_end_matches('/')).collect())
            .unwrap_or_default();
        let mut aliases: Vec<Alias> = Vec::new();
        for (file, config) in configs {
            let Some(dir) = file.parent() else { continue };
            let Ok(rel) = dir.strip_prefix(root_dir) else {
                continue;
            };
            let rel = crate::discover::relative(Path::new(""), rel);
            let member = rel.is_empty() || (include.is_match(&rel) && !exclude.is_match(&rel));
            if !member {
                continue;
            }
            for alias in member_exports(file, config) {
                let taken = own.contains(&alias.key.trim_end_matches('$'))
                    || aliases.iter().any(|a| a.key == alias.key);
                if !taken {
                    aliases.push(alias);
                }
            }
        }
        if !aliases.is_empty() {
            out.push((root_dir.to_path_buf(), aliases));
        }
    }
    out
}

/// A Deno package's `name` + `exports` as exact aliases to its files.
fn member_exports(file: &Path, config: &serde_json::Value) -> Vec<Alias> {
    let dir = file.parent().unwrap_or(Path::new("/"));
    let Some(name) = config
        .get("name")
        .and_then(|n| n.as_str())
        .filter(|n| !n.is_empty())
    else {
        return Vec::new();
    };
    let exports: Vec<(&str, &str)> = match config.get("exports") {
        Some(serde_json::Value::String(target)) => vec![(".", target.as_str())],
        Some(serde_json::Value::Object(map)) => map
            .iter()
            .filter_map(|(key, target)| Some((key.as_str(), target.as_str()?)))
            .collect(),
        _ => Vec::new(),
    };
    exports
        .into_iter()
        .filter_map(|(key, target)| {
            let key = match key.strip_prefix("./") {
                Some(sub) => format!("{name}/{sub}$"),
                None if key == "." => format!("{name}$"),
                None => return None,
            };
            Some(Alias {
                key,
                target: crate::resolve::normalize(&dir.join(target))
                    .to_string_lossy()
                    .into_owned(),
                source: file.to_path_buf(),
                tests_only: false,
            })
        })
        .collect()
}

/// Whether `file` is an import map Deno reads (`deno.json`, `deno.jsonc`, `import_map.json`).
fn is_import_map_file(file: &Path) -> bool {
    file.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| matches!(n, "deno.json" | "deno.jsonc" | "import_map.json"))
}

/// Deno merges the import map of a workspace root (and of any enclosing config) under a
/// member's own: an entry the member's map lacks comes from the nearest ancestor map that has
/// it. So every scope gets, after its own aliases, the import-map entries of the scopes above
/// it, nearest first, for keys it does not map itself. Bundler aliases are not inherited:
/// Vite, webpack and Jest read only the one config they are given, never an ancestor's.
/// `scopes` are sorted by directory, so an ancestor comes before its descendants.
fn inherit_import_maps(scopes: &mut [AliasScope]) {
    let inherited: Vec<Vec<Alias>> = scopes
        .iter()
        .map(|scope| {
            let mut ancestors: Vec<&AliasScope> = scopes
                .iter()
                .filter(|a| a.dir != scope.dir && scope.dir.starts_with(&a.dir))
                .collect();
            // Nearest first.
            ancestors.reverse();
            let mut out: Vec<Alias> = Vec::new();
            let bare = |key: &str| key.trim_end_matches('$').to_string();
            for alias in ancestors
                .iter()
                .flat_map(|a| &a.aliases)
                .filter(|a| is_import_map_file(&a.source))
            {
                let key = bare(&alias.key);
                let mapped = scope
                    .aliases
                    .iter()
                    .chain(&out)
                    .any(|a| bare(&a.key) == key);
                if !mapped {
                    out.push(alias.clone());
                }
            }
            out
        })
        .collect();
    for (scope, more) in scopes.iter_mut().zip(inherited) {
        scope.aliases.extend(more);
    }
}

fn read_json(path: &Path) -> Option<serde_json::Value> {
    let text = crate::access::read_to_string(path).ok()?;
    crate::toolchain::tsconfig::parse_jsonc(&text).ok()
}

#[derive(Default)]
struct Found {
    aliases: Vec<Alias>,
    roots: Vec<PathBuf>,
    extensions: Vec<String>,
}

impl Found {
    fn of(aliases: Vec<Alias>) -> Found {
        Found {
            aliases,
            ..Found::default()
        }
    }
}

/// The folders outside the site `dir` that its Docusaurus config hands to a content plugin
/// (`path: '../docs'`, relative to the site), when they exist. The config is read as syntax,
/// so a commented-out `path` names nothing.
fn docusaurus_outside_paths(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for name in [
        "docusaurus.config.js",
        "docusaurus.config.ts",
        "docusaurus.config.mjs",
    ] {
        let file = dir.join(name);
        let Ok(text) = crate::access::read_to_string(&file) else {
            continue;
        };
        let Some(tree) = parse_config(&text) else {
            continue;
        };
        let script = Script {
            text: &text,
            file: &file,
            dir,
            cwd: dir,
            root: tree.root_node(),
        };
        let mut stack = vec![tree.root_node()];
        while let Some(node) = stack.pop() {
            if node.kind() == "pair"
                && let (Some(key), Some(value)) = (node.field("key"), node.field("value"))
                && script.key_text(key).as_deref() == Some("path")
                && let Value::Str(path) = script.eval(value, 0)
                && path.starts_with("../")
            {
                let folder = crate::resolve::normalize(&dir.join(&path));
                if crate::access::is_dir(&folder)
                    && !dir.starts_with(&folder)
                    && !out.contains(&folder)
                {
                    out.push(folder);
                }
            }
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
        }
    }
    out
}

/// A value of a config expression, as far as it can be known without running anything.
#[derive(Debug, Clone)]
enum Value {
    Str(String),
    /// An absolute path computed from `__dirname`, `import.meta.url`, `path.resolve`, ….
    Path(PathBuf),
    Regex(String),
    Object(Vec<(String, Value)>),
    Array(Vec<Value>),
    Unknown,
}

struct Script<'a> {
    text: &'a str,
    file: &'a Path,
    dir: &'a Path,
    /// The directory the tool runs in (`process.cwd()`, the base of `path.resolve('x')`): the
    /// package whose script names the config, else the config's own directory.
    cwd: &'a Path,
    root: Node<'a>,
}

/// A module directory inside build output that a checkout does not have
/// (`build/public/src`, which the build copies from `public/src` before bundling) stands for
/// the source folder it mirrors, when that exists: the copy's modules are the source's.
fn source_of_build_copy(dir: PathBuf, base: &Path) -> PathBuf {
    if crate::access::is_dir(&dir) {
        return dir;
    }
    let Ok(rel) = dir.strip_prefix(base) else {
        return dir;
    };
    let mut components = rel.components();
    let first = components.next().map(|c| c.as_os_str());
    let mirrored = base.join(components.as_path());
    if first.is_some_and(|f| ["build", "dist", ".build", "out"].iter().any(|b| f == *b))
        && !components.as_path().as_os_str().is_empty()
        && crate::access::is_dir(&mirrored)
    {
        return mirrored;
    }
    dir
}

/// The syntax tree of a JavaScript/TypeScript config (read with the TypeScript grammar, which
/// takes both).
fn parse_config(text: &str) -> Option<tree_sitter::Tree> {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into())
        .ok()?;
    parser.parse(text, None)
}

/// Reads a JavaScript/TypeScript config run by a tool started in `cwd`.
fn read_script_config(file: &Path, cwd: &Path, text: &str) -> Found {
    let Some(tree) = parse_config(text) else {
        return Found::default();
    };
    let dir = file.parent().unwrap_or(Path::new("/"));
    let script = Script {
        text,
        file,
        dir,
        cwd,
        root: tree.root_node(),
    };
    let mut found = Found::default();
    script.walk(tree.root_node(), &mut found, 0);
    found
}

impl<'a> Script<'a> {
    fn text(&self, node: Node) -> &'a str {
        &self.text[node.byte_range()]
    }

    fn walk(&self, node: Node<'a>, found: &mut Found, depth: usize) {
        if depth > 200 {
            return;
        }
        match node.kind() {
            "pair" => {
                if let (Some(key), Some(value)) = (
                    node.child_by_field_name("key"),
                    node.child_by_field_name("value"),
                ) {
                    let key = self.key_text(key);
                    match key.as_deref() {
                        Some("alias") => {
                            let tests_only = self.under_test_key(node);
                            self.collect_aliases(&self.eval(value, 0), found, tests_only)
                        }
                        Some("moduleNameMapper") => {
                            // `<rootDir>` is the sibling `rootDir` setting when there is one.
                            let root_dir = node.parent().and_then(|object| {
                                let mut cursor = object.walk();
                                object.named_children(&mut cursor).find_map(|pair| {
                                    let key = pair.child_by_field_name("key")?;
                                    (self.key_text(key).as_deref() == Some("rootDir"))
                                        .then(|| pair.child_by_field_name("value"))
                                        .flatten()
                                        .and_then(|v| match self.eval(v, 0) {
                                            Value::Path(p) => Some(p),
                                            Value::Str(s) => {
                                                Some(crate::resolve::normalize(&self.dir.join(s)))
                                            }
                                            _ => None,
                                        })
                                })
                            });
                            self.collect_mappers(&self.eval(value, 0), found, root_dir.as_deref())
                        }
                        // `resolve: { extensions: ['.mjs', '.js', '.vue'] }` (Vite, webpack).
                        Some("extensions") if self.in_resolve_object(node) => {
                            if let Value::Array(items) = self.eval(value, 0) {
                                for item in items {
                                    if let Value::Str(ext) = item
                                        && ext.len() > 1
                                        && ext.starts_with('.')
                                        && !found.extensions.contains(&ext)
                                    {
                                        found.extensions.push(ext);
                                    }
                                }
                            }
                        }
                        Some("modules") | Some("root") => {
                            if let Value::Array(items) = self.eval(value, 0) {
                                for item in items {
                                    match item {
                                        Value::Path(p) => {
                                            found.roots.push(source_of_build_copy(p, self.cwd));
                                        }
                                        Value::Str(s) if key.as_deref() == Some("root") => {
                                            found
                                                .roots
                                                .push(crate::resolve::normalize(&self.dir.join(s)));
                                        }
                                        // webpack looks a relative `modules` entry up from the
                                        // importer's folder and its parents (like
                                        // `node_modules`); a path (`build/public/src`) is the one
                                        // under the folder webpack runs in. A bare name
                                        // (`node_modules`, `web_modules`) is an install folder.
                                        Value::Str(s) if s.contains('/') && !s.starts_with('/') => {
                                            let dir = crate::resolve::normalize(&self.cwd.join(s));
                                            found.roots.push(source_of_build_copy(dir, self.cwd));
                                        }
                                        _ => {}
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            // `config.resolve.alias['@'] = path.resolve(__dirname, 'src')` (Next.js webpack hook)
            "assignment_expression" => {
                if let (Some(left), Some(right)) = (
                    node.child_by_field_name("left"),
                    node.child_by_field_name("right"),
                ) && left.kind() == "subscript_expression"
                    && let Some(object) = left.child_by_field_name("object")
                    && self.text(object).ends_with("alias")
                    && let Some(index) = left.child_by_field_name("index")
                    && let Value::Str(key) = self.eval(index, 0)
                {
                    let value = self.eval(right, 0);
                    self.collect_aliases(&Value::Object(vec![(key, value)]), found, false);
                }
            }
            _ => {}
        }
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            self.walk(child, found, depth + 1);
        }
    }

    fn key_text(&self, key: Node) -> Option<String> {
        match key.kind() {
            "property_identifier" | "identifier" => Some(self.text(key).to_string()),
            "string" | "template_string" => match self.eval(key, 0) {
                Value::Str(s) => Some(s),
                _ => None,
            },
            "number" => Some(self.text(key).to_string()),
            _ => None,
        }
    }

    /// Whether the pair `node` is a field of a `resolve: { … }` object.
    fn in_resolve_object(&self, node: Node<'a>) -> bool {
        node.parent()
            .filter(|object| object.kind() == "object")
            .and_then(|object| object.parent())
            .filter(|pair| pair.kind() == "pair")
            .and_then(|pair| pair.field("key"))
            .and_then(|key| self.key_text(key))
            .is_some_and(|key| key == "resolve")
    }

    /// Whether `node` sits inside a `test: { … }` object (Vitest's `test.alias`), which only
    /// test runs read.
    fn under_test_key(&self, node: Node<'a>) -> bool {
        std::iter::successors(node.parent(), |n| n.parent()).any(|ancestor| {
            ancestor.kind() == "pair"
                && ancestor
                    .field("key")
                    .and_then(|key| self.key_text(key))
                    .is_some_and(|key| key == "test")
        })
    }

    fn collect_aliases(&self, value: &Value, found: &mut Found, tests_only: bool) {
        let mut push = |key: String, target: &Value| {
            let target = match target {
                Value::Path(p) => p.to_string_lossy().into_owned(),
                Value::Str(s) if s.starts_with("./") || s.starts_with("../") => {
                    crate::resolve::normalize(&self.dir.join(s))
                        .to_string_lossy()
                        .into_owned()
                }
                // Vite: `/src` is relative to the project root (the working directory), unless
                // it exists as given.
                Value::Str(s) if s.starts_with('/') && !crate::access::exists(Path::new(s)) => self
                    .cwd
                    .join(s.trim_start_matches('/'))
                    .to_string_lossy()
                    .into_owned(),
                // SvelteKit `kit.alias`: `'src/components'` is relative to the project.
                Value::Str(s) if !s.is_empty() && crate::access::exists(self.cwd.join(s)) => {
                    self.cwd.join(s).to_string_lossy().into_owned()
                }
                Value::Str(s) if !s.is_empty() => s.clone(),
                Value::Str(_) => return,
                // A replacement only running the config computes: the key is still an alias.
                _ => OPAQUE_TARGET.to_string(),
            };
            if key.is_empty() {
                return;
            }
            found.aliases.push(Alias {
                key,
                target: target.trim_end_matches('/').to_string(),
                source: self.file.to_path_buf(),
                tests_only,
            });
        };
        match value {
            Value::Object(pairs) => {
                for (key, target) in pairs {
                    // `'@/': '/src/'` and `'@': '/src'` mean the same prefix.
                    let key = if key.len() > 1 {
                        key.trim_end_matches('/').to_string()
                    } else {
                        key.clone()
                    };
                    push(key, target);
                }
            }
            Value::Array(items) => {
                for item in items {
                    let Value::Object(pairs) = item else { continue };
                    let get = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v);
                    let (Some(find), Some(replacement)) = (get("find"), get("replacement")) else {
                        continue;
                    };
                    let key = match find {
                        Value::Str(s) => s.trim_end_matches('/').to_string(),
                        Value::Regex(pattern) => match regex_prefix(pattern) {
                            Some(prefix) => prefix,
                            None => continue,
                        },
                        _ => continue,
                    };
                    push(key, replacement);
                }
            }
            _ => {}
        }
    }

    fn collect_mappers(&self, value: &Value, found: &mut Found, root_dir: Option<&Path>) {
        let Value::Object(pairs) = value else { return };
        collect_mapper_pairs(
            pairs.iter().filter_map(|(k, v)| match v {
                Value::Str(s) => Some((k.as_str(), s.as_str())),
                Value::Array(items) => items.iter().find_map(|i| match i {
                    Value::Str(s) => Some((k.as_str(), s.as_str())),
                    _ => None,
                }),
                _ => None,
            }),
            root_dir.unwrap_or(self.dir),
            self.file,
            found,
        );
    }

    /// Evaluates the small part of JavaScript that config files compute paths with.
    fn eval(&self, node: Node<'a>, depth: usize) -> Value {
        if depth > 20 {
            return Value::Unknown;
        }
        let child = |name: &str| node.child_by_field_name(name);
        match node.kind() {
            "string" => {
                let raw = self.text(node);
                Value::Str(raw[1..raw.len().saturating_sub(1)].replace("\\\\", "\\"))
            }
            "template_string" => {
                if node.named_child_count() > 0
                    && (0..node.named_child_count()).any(|i| {
                        node.named_child(i as u32)
                            .is_some_and(|c| c.kind() == "template_substitution")
                    })
                {
                    return self.template(node, depth);
                }
                let raw = self.text(node);
                Value::Str(raw[1..raw.len().saturating_sub(1)].to_string())
            }
            "regex" => child("pattern")
                .map(|p| Value::Regex(self.text(p).to_string()))
                .unwrap_or(Value::Unknown),
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression" => node
                .named_child(0)
                .map(|c| self.eval(c, depth + 1))
                .unwrap_or(Value::Unknown),
            "object" => {
                let mut pairs = Vec::new();
                let mut cursor = node.walk();
                for member in node.named_children(&mut cursor) {
                    match member.kind() {
                        "pair" => {
                            if let (Some(key), Some(value)) = (
                                member.child_by_field_name("key"),
                                member.child_by_field_name("value"),
                            ) && let Some(key) = self.key_text(key)
                            {
                                pairs.push((key, self.eval(value, depth + 1)));
                            }
                        }
                        "shorthand_property_identifier" => {
                            let name = self.text(member).to_string();
                            let value = self.identifier(&name, depth);
                            pairs.push((name, value));
                        }
                        // `...config.resolve.alias`, `...otherAliases`
                        "spread_element" => {
                            if let Some(inner) = member.named_child(0)
                                && let Value::Object(more) = self.eval(inner, depth + 1)
                            {
                                pairs.extend(more);
                            }
                        }
                        _ => {}
                    }
                }
                Value::Object(pairs)
            }
            "array" => {
                let mut cursor = node.walk();
                Value::Array(
                    node.named_children(&mut cursor)
                        .map(|c| self.eval(c, depth + 1))
                        .collect(),
                )
            }
            "identifier" => self.identifier(self.text(node), depth),
            "member_expression" => {
                let text = self.text(node);
                match text {
                    "import.meta.dirname" => Value::Path(self.dir.to_path_buf()),
                    "import.meta.url" | "import.meta.filename" => {
                        Value::Path(self.file.to_path_buf())
                    }
                    _ if text.ends_with(".pathname") => child("object")
                        .map(|o| self.eval(o, depth + 1))
                        .unwrap_or(Value::Unknown),
                    _ => Value::Unknown,
                }
            }
            "new_expression" => {
                // new URL('./src', import.meta.url)
                let constructor = child("constructor").map(|c| self.text(c));
                let args = child("arguments").map(|a| self.arguments(a, depth));
                match (constructor, args.as_deref()) {
                    (Some("URL"), Some([Value::Str(rel), Value::Path(base)])) => {
                        let dir = base.parent().unwrap_or(self.dir);
                        Value::Path(crate::resolve::normalize(&dir.join(rel)))
                    }
                    _ => Value::Unknown,
                }
            }
            "call_expression" => {
                let Some(function) = child("function") else {
                    return Value::Unknown;
                };
                let name = self.text(function);
                let name = name.rsplit('.').next().unwrap_or(name);
                // `require.resolve('pkg/package.json')`, `createRequire(…).resolve(…)` and
                // `import.meta.resolve(…)` find an installed module, not a path.
                if name == "resolve"
                    && function.kind() == "member_expression"
                    && function
                        .field("object")
                        .is_some_and(|o| self.is_module_resolver(o))
                {
                    return Value::Unknown;
                }
                let args = child("arguments")
                    .map(|a| self.arguments(a, depth))
                    .unwrap_or_default();
                match name {
                    "resolve" | "join" => {
                        // `path.resolve('src')` starts from the working directory; a `join` of
                        // relative parts is taken from the config's own folder.
                        let mut path = if name == "resolve" {
                            self.cwd
                        } else {
                            self.dir
                        }
                        .to_path_buf();
                        for arg in &args {
                            match arg {
                                Value::Path(p) => path = p.clone(),
                                Value::Str(s) if s.starts_with('/') && name == "resolve" => {
                                    path = PathBuf::from(s)
                                }
                                Value::Str(s) => path = path.join(s),
                                _ => return Value::Unknown,
                            }
                        }
                        Value::Path(crate::resolve::normalize(&path))
                    }
                    "fileURLToPath" => match args.first() {
                        Some(Value::Path(p)) => Value::Path(p.clone()),
                        _ => Value::Unknown,
                    },
                    "dirname" => match args.first() {
                        Some(Value::Path(p)) => Value::Path(p.parent().unwrap_or(p).to_path_buf()),
                        _ => Value::Unknown,
                    },
                    "cwd" => Value::Path(self.cwd.to_path_buf()),
                    _ => Value::Unknown,
                }
            }
            _ => Value::Unknown,
        }
    }

    fn template(&self, node: Node<'a>, depth: usize) -> Value {
        // `${__dirname}/src`
        let mut out = String::new();
        let mut cursor = node.walk();
        let mut last = node.start_byte() + 1;
        for part in node.named_children(&mut cursor) {
            out.push_str(&self.text[last..part.start_byte()]);
            if part.kind() == "template_substitution" {
                match part.named_child(0).map(|e| self.eval(e, depth + 1)) {
                    Some(Value::Path(p)) => out.push_str(&p.to_string_lossy()),
                    Some(Value::Str(s)) => out.push_str(&s),
                    _ => return Value::Unknown,
                }
            } else {
                out.push_str(self.text(part));
            }
            last = part.end_byte();
        }
        out.push_str(&self.text[last..node.end_byte().saturating_sub(1)]);
        if out.starts_with('/') {
            Value::Path(crate::resolve::normalize(Path::new(&out)))
        } else {
            Value::Str(out)
        }
    }

    fn arguments(&self, node: Node<'a>, depth: usize) -> Vec<Value> {
        let mut cursor = node.walk();
        node.named_children(&mut cursor)
            .map(|c| self.eval(c, depth + 1))
            .collect()
    }

    /// Whether `node` is Node's module resolver: `require`, `import.meta`, or a name bound to
    /// `createRequire(…)` (`module.createRequire(…)`).
    fn is_module_resolver(&self, node: Node<'a>) -> bool {
        match node.kind() {
            "identifier" if self.text(node) == "require" => true,
            "member_expression" => self.text(node) == "import.meta",
            "identifier" => self.declared_value(self.text(node)).is_some_and(|value| {
                value.kind() == "call_expression"
                    && value.field("function").is_some_and(|f| {
                        let callee = self.text(f);
                        callee.rsplit('.').next() == Some("createRequire")
                    })
            }),
            _ => false,
        }
    }

    /// The initializer of a top-level `const name = …`.
    fn declared_value(&self, name: &str) -> Option<Node<'a>> {
        let mut cursor = self.root.walk();
        for statement in self.root.named_children(&mut cursor) {
            let declaration = match statement.kind() {
                "lexical_declaration" | "variable_declaration" => statement,
                "export_statement" => match statement.field("declaration") {
                    Some(d) => d,
                    None => continue,
                },
                _ => continue,
            };
            let mut inner = declaration.walk();
            for declarator in declaration.named_children(&mut inner) {
                if declarator.kind() == "variable_declarator"
                    && declarator
                        .field("name")
                        .is_some_and(|n| self.text(n) == name)
                    && let Some(value) = declarator.field("value")
                {
                    return Some(value);
                }
            }
        }
        None
    }

    /// The value of a top-level `const name = …` (or `__dirname`).
    fn identifier(&self, name: &str, depth: usize) -> Value {
        match name {
            "__dirname" => return Value::Path(self.dir.to_path_buf()),
            "__filename" => return Value::Path(self.file.to_path_buf()),
            _ => {}
        }
        self.declared_value(name)
            .map_or(Value::Unknown, |value| self.eval(value, depth + 1))
    }
}

/// The literal prefix of a regex that only anchors a prefix (`^@\/`, `^~(?=\/)`), if any.
fn regex_prefix(pattern: &str) -> Option<String> {
    let rest = pattern.strip_prefix('^')?;
    let mut out = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?),
            '(' | '.' | '*' | '+' | '?' | '[' | '|' | '$' => break,
            c => out.push(c),
        }
    }
    let out = out.trim_end_matches('/').to_string();
    (!out.is_empty()).then_some(out)
}

/// Jest `moduleNameMapper` entries of the form `^prefix(.*)$ → target$1` as prefix aliases,
/// and `^name$ → target` as exact ones; other regexes (style stubs) are left alone.
fn collect_mapper_pairs<'s>(
    pairs: impl Iterator<Item = (&'s str, &'s str)>,
    dir: &Path,
    source: &Path,
    found: &mut Found,
) {
    for (pattern, target) in pairs {
        let target = target.replace("<rootDir>", &dir.to_string_lossy());
        let Some(body) = pattern.strip_prefix('^') else {
            continue;
        };
        let (literal, exact) = if let Some(prefix) = body.strip_suffix("(.*)$") {
            (prefix, false)
        } else if let Some(name) = body.strip_suffix('$') {
            (name, true)
        } else {
            continue;
        };
        let literal = literal.replace('\\', "");
        if literal.is_empty()
            || literal
                .chars()
                .any(|c| matches!(c, '(' | ')' | '[' | ']' | '*' | '+' | '?' | '|' | '{'))
        {
            continue;
        }
        let target_path = |t: &str| {
            if t.starts_with('.') {
                crate::resolve::normalize(&dir.join(t))
                    .to_string_lossy()
                    .into_owned()
            } else {
                t.to_string()
            }
        };
        if exact {
            found.aliases.push(Alias {
                key: format!("{literal}$"),
                target: target_path(&target),
                source: source.to_path_buf(),
                tests_only: true,
            });
        } else if let Some(base) = target.strip_suffix("$1") {
            // `^@/(.*)$ → <rootDir>/src/$1`: key `@` → `<rootDir>/src`.
            let (key, base) = if literal.ends_with('/') && base.ends_with('/') {
                (literal.trim_end_matches('/'), base.trim_end_matches('/'))
            } else {
                (literal.as_str(), base)
            };
            found.aliases.push(Alias {
                key: key.to_string(),
                target: target_path(base),
                source: source.to_path_buf(),
                tests_only: true,
            });
        }
    }
}

/// Aliases of a JSON config: `.babelrc` (module-resolver), a `jest` object.
fn from_json_config(file: &Path, value: &serde_json::Value) -> Found {
    let config_dir = file.parent().unwrap_or(Path::new("/"));
    // Jest: `<rootDir>` is the configured `rootDir` (relative to the config), else its dir.
    let root_dir = value
        .get("rootDir")
        .and_then(|r| r.as_str())
        .map(|r| crate::resolve::normalize(&config_dir.join(r)));
    let mut found = Found::default();
    if let Some(mapper) = value.get("moduleNameMapper").and_then(|m| m.as_object()) {
        let dir = root_dir.as_deref().unwrap_or(config_dir);
        collect_mapper_pairs(
            mapper
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.as_str(), v))),
            dir,
            file,
            &mut found,
        );
    }
    let dir = config_dir;
    if let Some(plugins) = value.get("plugins").and_then(|p| p.as_array()) {
        for plugin in plugins {
            let Some([name, options]) = plugin.as_array().map(|a| a.as_slice()) else {
                continue;
            };
            if !name
                .as_str()
                .is_some_and(|n| n.ends_with("module-resolver"))
            {
                continue;
            }
            if let Some(alias) = options.get("alias").and_then(|a| a.as_object()) {
                for (key, target) in alias {
                    if let Some(target) = target.as_str() {
                        let target = if target.starts_with('.') {
                            crate::resolve::normalize(&dir.join(target))
                                .to_string_lossy()
                                .into_owned()
                        } else {
                            target.to_string()
                        };
                        found.aliases.push(Alias {
                            key: key.trim_end_matches('/').to_string(),
                            target,
                            source: file.to_path_buf(),
                            tests_only: false,
                        });
                    }
                }
            }
            if let Some(roots) = options.get("root").and_then(|r| r.as_array()) {
                for root in roots.iter().filter_map(|r| r.as_str()) {
                    found.roots.push(crate::resolve::normalize(&dir.join(root)));
                }
            }
        }
    }
    found
}

/// Import maps a package.json script hands to Deno (`deno test --import-map=test.importmap.json`).
/// They apply only under that command, which usually swaps real packages for test doubles: only
/// entries for names nothing else provides (`@acme/db-real`, no manifest declares it, no
/// workspace package has it) are kept, so the production graph is unchanged.
fn script_import_maps(
    dir: &Path,
    manifest: &serde_json::Value,
    manifests: &Manifests,
) -> Vec<Alias> {
    let Some(scripts) = manifest.get("scripts").and_then(|s| s.as_object()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for script in scripts.values().filter_map(|s| s.as_str()) {
        let mut words = script.split_whitespace();
        while let Some(word) = words.next() {
            let file = match word.strip_prefix("--import-map") {
                Some(rest) if rest.starts_with('=') => rest[1..].to_string(),
                Some("") => words.next().unwrap_or("").to_string(),
                _ => continue,
            };
            let path =
                crate::resolve::normalize(&dir.join(file.trim_matches(|c| c == '"' || c == '\'')));
            // Only a map inside the package is read (never a path outside the audited tree).
            if !path.starts_with(dir) {
                continue;
            }
            let Some(value) = read_json(&path) else {
                continue;
            };
            out.extend(import_map(&path, &value).into_iter().filter(|alias| {
                let key = alias.key.trim_end_matches('$');
                let bare = !key.starts_with('.') && !key.starts_with('/');
                bare && !manifests
                    .all()
                    .iter()
                    .any(|m| m.name.as_deref() == Some(key) || m.dependencies.contains_key(key))
            }));
        }
    }
    out
}

/// Tools whose `--config <file>` names a config whose aliases treeaudit reads.
const CONFIG_TOOLS: &[&str] = &[
    "vite",
    "vitest",
    "electron-vite",
    "webpack",
    "webpack-cli",
    "webpack-dev-server",
    "rspack",
    "rsbuild",
];

/// A config file a package's script hands to a tool.
#[derive(Debug, PartialEq, Eq)]
struct ScriptConfig {
    /// Absolute path.
    path: PathBuf,
    /// Only a test runner (`vitest --config …`) is given it: its aliases apply to tests.
    tests_only: bool,
}

/// Config files the package's scripts hand to a bundler or test runner with `--config <file>`,
/// `--config=<file>` or (Vite, Vitest) `-c <file>`, sorted by path.
fn script_configs(dir: &Path, manifest: &serde_json::Value) -> Vec<ScriptConfig> {
    let Some(scripts) = manifest.get("scripts").and_then(|s| s.as_object()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for script in scripts.values().filter_map(|s| s.as_str()) {
        let mut tool: Option<&str> = None;
        let mut words = script.split_whitespace();
        while let Some(word) = words.next() {
            if matches!(word, "&&" | "||" | ";" | "|") || word.ends_with(';') {
                tool = None;
                continue;
            }
            let program = word.rsplit('/').next().unwrap_or(word);
            if let Some(known) = CONFIG_TOOLS.iter().find(|t| **t == program) {
                tool = Some(known);
                continue;
            }
            let Some(tool) = tool else { continue };
            let file = match word.strip_prefix("--config") {
                Some(rest) if rest.starts_with('=') => rest[1..].to_string(),
                Some("") => words.next().unwrap_or("").to_string(),
                _ if word == "-c" && matches!(tool, "vite" | "vitest") => {
                    words.next().unwrap_or("").to_string()
                }
                _ => continue,
            };
            let file = file.trim_matches(|c| c == '"' || c == '\'' || c == ';');
            if !file.is_empty() {
                out.push(ScriptConfig {
                    path: crate::resolve::normalize(&dir.join(file)),
                    tests_only: tool == "vitest",
                });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path).then(a.tests_only.cmp(&b.tests_only)));
    // A config also given to a bundler applies beyond tests.
    out.dedup_by(|later, kept| later.path == kept.path);
    out
}

/// Deno import map entries: `"$lib/": "./lib/"` (prefix), `"std/assert": "jsr:@std/assert"`.
fn import_map(file: &Path, value: &serde_json::Value) -> Vec<Alias> {
    match value.get("imports").and_then(|i| i.as_object()) {
        Some(imports) => import_map_entries(file, imports),
        None => Vec::new(),
    }
}

/// The `scopes` of an import map whose key is a directory of the tree (`"./vendor/"`): the
/// entries that apply to the files under it, by directory. URL scopes name no tree file.
fn import_map_scopes(file: &Path, value: &serde_json::Value) -> Vec<(PathBuf, Vec<Alias>)> {
    let dir = file.parent().unwrap_or(Path::new("/"));
    let Some(scopes) = value.get("scopes").and_then(|s| s.as_object()) else {
        return Vec::new();
    };
    let mut out: Vec<(PathBuf, Vec<Alias>)> = scopes
        .iter()
        .filter(|(key, _)| key.starts_with("./") || key.starts_with("../"))
        .filter_map(|(key, map)| {
            let scope_dir = crate::resolve::normalize(&dir.join(key.trim_end_matches('/')));
            Some((scope_dir, import_map_entries(file, map.as_object()?)))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn import_map_entries(
    file: &Path,
    imports: &serde_json::Map<String, serde_json::Value>,
) -> Vec<Alias> {
    let dir = file.parent().unwrap_or(Path::new("/"));
    let mut out = Vec::new();
    for (key, target) in imports {
        let Some(target) = target.as_str() else {
            continue;
        };
        let target = if target.starts_with('.') || target.starts_with('/') {
            crate::resolve::normalize(&dir.join(target))
                .to_string_lossy()
                .into_owned()
        } else {
            target.to_string()
        };
        // Deno maps subpaths of `jsr:`/`npm:` entries too (`@std/http/status`).
        let key = match key.strip_suffix('/') {
            Some(prefix) => prefix.to_string(),
            None if target.starts_with("jsr:") || target.starts_with("npm:") => key.clone(),
            None => format!("{key}$"),
        };
        out.push(Alias {
            key,
            target: target.trim_end_matches('/').to_string(),
            source: file.to_path_buf(),
            tests_only: false,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aliases(name: &str, text: &str) -> Vec<(String, String)> {
        let dir = Path::new("/app");
        let found = read_script_config(&dir.join(name), dir, text);
        found
            .aliases
            .into_iter()
            .map(|a| (a.key, a.target))
            .collect()
    }

    fn pair(key: &str, target: &str) -> (String, String) {
        (key.to_string(), target.to_string())
    }

    #[test]
    fn an_exact_virtual_id_does_not_swallow_a_package_that_starts_with_it() {
        let uno = PLUGIN_VIRTUAL
            .iter()
            .find(|(package, v)| *package == "unocss" && v.prefix == "uno.css")
            .map(|(_, v)| v)
            .expect("an uno.css entry");
        assert!(uno.serves("uno.css"));
        assert!(uno.serves("uno.css?inline"));
        assert!(!uno.serves("uno.css-foo"));
        assert!(!uno.serves("uno.css/x"));
        let layer = PLUGIN_VIRTUAL
            .iter()
            .find(|(package, v)| *package == "unocss" && v.prefix == "uno:")
            .map(|(_, v)| v)
            .expect("an uno: entry");
        assert!(layer.serves("uno:utilities.css"));
    }

    #[test]
    fn vite_object_and_array_aliases_with_path_helpers() {
        let found = aliases(
            "vite.config.ts",
            r#"
import { defineConfig } from 'vite';
import path from 'node:path';
import { fileURLToPath, URL } from 'node:url';
const src = path.resolve(__dirname, 'src');
export default defineConfig({
  resolve: {
    alias: {
      '@helpers': path.resolve(__dirname, 'src/utils'),
      '~': src,
      '@': fileURLToPath(new URL('./src', import.meta.url)),
      vue: 'vue/dist/vue.esm-bundler.js',
    },
  },
  test: { alias: [{ find: /^@lib\//, replacement: `${__dirname}/lib/` }, { find: 'x', replacement: '/src/x' }] },
});
"#,
        );
        assert_eq!(
            found,
            [
                pair("@helpers", "/app/src/utils"),
                pair("~", "/app/src"),
                pair("@", "/app/src"),
                pair("vue", "vue/dist/vue.esm-bundler.js"),
                pair("@lib", "/app/lib"),
                pair("x", "/app/src/x"),
            ]
        );
    }

    #[test]
    fn next_webpack_hook_and_jest_mapper() {
        let found = aliases(
            "next.config.js",
            "module.exports = { webpack: (config) => { config.resolve.alias['@components'] = path.join(__dirname, 'components'); return config; } };",
        );
        assert_eq!(found, [pair("@components", "/app/components")]);
        let found = aliases(
            "jest.config.js",
            r#"module.exports = { moduleNameMapper: { '^@/(.*)$': '<rootDir>/src/$1', '\\.(css)$': 'identity-obj-proxy', '^lodash-es$': 'lodash' } };"#,
        );
        assert_eq!(found, [pair("@", "/app/src"), pair("lodash-es$", "lodash")]);
    }

    #[test]
    fn a_config_run_from_its_package_folder_reads_the_working_directory_there() {
        let found = read_script_config(
            Path::new("/app/dev/webpack/webpack.prod.js"),
            Path::new("/app"),
            "module.exports = { resolve: { alias: { gql: path.join(process.cwd(), 'client/graph'), '@': path.resolve('client'), conf: path.join(__dirname, 'conf') } } }",
        );
        let found: Vec<_> = found
            .aliases
            .into_iter()
            .map(|a| (a.key, a.target))
            .collect();
        assert_eq!(
            found,
            [
                pair("gql", "/app/client/graph"),
                pair("@", "/app/client"),
                pair("conf", "/app/dev/webpack/conf"),
            ]
        );
    }

    #[test]
    fn only_jest_mappers_and_vitest_test_aliases_are_for_tests_only() {
        let tests_only = |name: &str, text: &str| {
            read_script_config(&Path::new("/app").join(name), Path::new("/app"), text)
                .aliases
                .into_iter()
                .map(|a| (a.key, a.tests_only))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            tests_only(
                "vite.config.ts",
                "export default defineConfig({ resolve: { alias: { '@': '/src' } }, test: { alias: { 'virtual:pwa': './test/pwa-stub.ts' } } })",
            ),
            [("@".to_string(), false), ("virtual:pwa".to_string(), true)]
        );
        assert_eq!(
            tests_only(
                "jest.config.js",
                "module.exports = { moduleNameMapper: { '^@/(.*)$': '<rootDir>/src/$1' } }",
            ),
            [("@".to_string(), true)]
        );
    }

    #[test]
    fn import_maps_inherit_ancestor_entries_nearest_first_but_bundler_aliases_do_not() {
        let alias = |key: &str, target: &str, source: &str| Alias {
            key: key.into(),
            target: target.into(),
            source: PathBuf::from(source),
            tests_only: false,
        };
        let mut scopes = vec![
            AliasScope {
                dir: "/w".into(),
                aliases: vec![
                    alias("@std/path", "jsr:@std/path@1", "/w/deno.json"),
                    alias("preact", "npm:preact@10", "/w/deno.json"),
                    alias("@", "/w/src", "/w/vite.config.ts"),
                ],
                roots: Vec::new(),
                extensions: Vec::new(),
            },
            AliasScope {
                dir: "/w/packages/a".into(),
                aliases: vec![alias("preact$", "npm:preact@11", "/w/packages/a/deno.json")],
                roots: Vec::new(),
                extensions: Vec::new(),
            },
            AliasScope {
                dir: "/w/packages/a/tests".into(),
                aliases: vec![alias(
                    "~",
                    "/w/packages/a/tests",
                    "/w/packages/a/tests/vite.config.ts",
                )],
                roots: Vec::new(),
                extensions: Vec::new(),
            },
        ];
        inherit_import_maps(&mut scopes);
        let keys = |scope: &AliasScope| {
            scope
                .aliases
                .iter()
                .map(|a| format!("{}={}", a.key, a.target))
                .collect::<Vec<_>>()
        };
        assert_eq!(keys(&scopes[0]).len(), 3);
        assert_eq!(
            keys(&scopes[1]),
            ["preact$=npm:preact@11", "@std/path=jsr:@std/path@1"]
        );
        assert_eq!(
            keys(&scopes[2]),
            [
                "~=/w/packages/a/tests",
                "preact$=npm:preact@11",
                "@std/path=jsr:@std/path@1"
            ]
        );
    }

    #[test]
    fn import_map_scopes_name_tree_directories() {
        let value: serde_json::Value = serde_json::from_str(
            r#"{"imports":{"a":"jsr:@x/a@1"},"scopes":{"./vendor/":{"b":"npm:b@2"},"https://deno.land/":{"c":"./c.ts"}}}"#,
        )
        .unwrap();
        let scopes = import_map_scopes(Path::new("/w/deno.json"), &value);
        assert_eq!(scopes.len(), 1);
        assert_eq!(scopes[0].0, PathBuf::from("/w/vendor"));
        assert_eq!(scopes[0].1[0].key, "b");
    }

    #[test]
    fn configs_named_by_script_flags() {
        let manifest = serde_json::json!({ "scripts": {
            "dev": "vite --config vite.tanstack.config.ts",
            "test": "cross-env X=1 vitest run -c ./vitest.unit.config.mts && eslint -c eslint.config.js .",
            "pack": "webpack --config=build/webpack.prod.js",
            "lint": "eslint --config .eslintrc.custom.js"
        }});
        let config = |path: &str, tests_only: bool| ScriptConfig {
            path: PathBuf::from(path),
            tests_only,
        };
        assert_eq!(
            script_configs(Path::new("/p"), &manifest),
            [
                config("/p/build/webpack.prod.js", false),
                config("/p/vite.tanstack.config.ts", false),
                config("/p/vitest.unit.config.mts", true),
            ]
        );
    }

    #[test]
    fn a_replacement_from_module_resolution_is_opaque_not_a_path() {
        let found = aliases(
            "vitest.config.ts",
            r#"import { createRequire } from 'module'
const req = createRequire(import.meta.url)
const gqlDir = path.dirname(req.resolve('graphql/package.json'))
export default defineConfig({ resolve: { alias: [
  { find: /^graphql$/, replacement: path.join(gqlDir, 'index.js') },
  { find: 'react', replacement: require.resolve('react') },
  { find: '@', replacement: path.resolve(__dirname, 'src') },
] } })"#,
        );
        assert_eq!(
            found,
            [
                pair("graphql", OPAQUE_TARGET),
                pair("react", OPAQUE_TARGET),
                pair("@", "/app/src"),
            ]
        );
    }
}
