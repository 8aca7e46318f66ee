//! The one integration-test binary: every suite is a module here, so `cargo test` links the
//! crate once instead of once per file. Each module drives the built `treeaudit` binary (or the
//! library) on the bundled fixtures or on trees it builds in a temporary directory.

mod bad_input;
mod check;
mod ci;
mod dist;
mod drift_plan;
mod env;
mod gate;
mod hostile_tree;
mod missing_export;
mod node_differential;
mod parse;
mod plan_layering;
mod production;
mod read_only;
mod resolution;
mod routes;
mod tsc_differential;
