//! Flow-typed JavaScript: `.js` files with type annotations that Babel strips
//! (`@babel/preset-flow`, `@babel/plugin-transform-flow-strip-types`) and `flow` checks
//! (`.flowconfig`, `flow-bin`). Neither tree-sitter nor oxc reads Flow, so a parse failure in
//! such a file says nothing about whether the compiled code loads.

use std::path::{Path, PathBuf};

use crate::manifest::Manifests;

/// Packages whose presence in a manifest says the package's `.js` is Flow.
const FLOW_PACKAGES: &[&str] = &[
    "flow-bin",
    "@babel/preset-flow",
    "@babel/plugin-transform-flow-strip-types",
];

/// What a Babel config names when it strips Flow (`@babel/preset-flow`, `@babel/flow`,
/// `@babel/plugin-transform-flow-strip-types`, `transform-flow-strip-types`).
const BABEL_FLOW_MARKERS: &[&str] = &["flow-strip-types", "preset-flow", "@babel/flow"];

/// Where the tree declares Flow.
#[derive(Debug, Clone, Default)]
pub struct FlowProjects {
    /// Directories holding a `.flowconfig` or a Babel config that strips Flow: they and every
    /// directory below them are Flow, sorted.
    dirs: Vec<PathBuf>,
}

impl FlowProjects {
    /// Finds the `.flowconfig` files and Flow-stripping Babel configs among `files`.
    pub fn load(files: &[PathBuf]) -> FlowProjects {
        let mut dirs: Vec<PathBuf> = files
            .iter()
            .filter(|file| {
                let Some(name) = file.file_name().and_then(|n| n.to_str()) else {
                    return false;
                };
                name == ".flowconfig"
                    || (is_babel_config(name)
                        && crate::access::read_to_string(file)
                            .is_ok_and(|text| BABEL_FLOW_MARKERS.iter().any(|m| text.contains(m))))
            })
            .filter_map(|file| file.parent().map(Path::to_path_buf))
            .collect();
        dirs.sort();
        dirs.dedup();
        FlowProjects { dirs }
    }

    /// Whether a file in `dir` is Flow-typed by its project: a `.flowconfig` or Flow-stripping
    /// Babel config at or above it (within `root`), or its nearest package.json depends on
    /// Flow or configures Babel to strip it.
    pub fn covers(&self, dir: &Path, root: &Path, manifests: &Manifests) -> bool {
        crate::resolve::ancestors_under(dir, root)
            .any(|d| self.dirs.binary_search_by(|f| f.as_path().cmp(d)).is_ok())
            || manifests.nearest(dir, root).is_some_and(|m| {
                FLOW_PACKAGES
                    .iter()
                    .any(|p| m.dependencies.contains_key(*p))
                    || m.json.get("babel").is_some_and(|babel| {
                        let text = babel.to_string();
                        BABEL_FLOW_MARKERS
                            .iter()
                            .any(|marker| text.contains(marker))
                    })
            })
    }
}

/// `.babelrc`, `.babelrc.json`, `.babelrc.js`, `babel.config.js` / `.cjs` / `.mjs` / `.json` / …
fn is_babel_config(name: &str) -> bool {
    name == ".babelrc" || name.starts_with(".babelrc.") || name.starts_with("babel.config.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn babel_configs_are_known_by_name() {
        assert!(is_babel_config(".babelrc"));
        assert!(is_babel_config("babel.config.cjs"));
        assert!(!is_babel_config("babel.js"));
    }
}
