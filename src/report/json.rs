//! `--format json`.

use serde::Serialize;

/// Pretty-printed JSON with a trailing newline.
pub fn render<T: Serialize>(value: &T) -> String {
    let mut out =
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    out.push('\n');
    out
}
