//! Single-file components: the script blocks of `.vue` and `.svelte` files and the frontmatter
//! and `<script>` blocks of `.astro` files. Only the byte ranges are found here; the blocks are
//! parsed in place (tree-sitter included ranges), so every line and column stays true.

use tree_sitter::{Point, Range};

use crate::discover::Dialect;

/// The script parts of a component file.
#[derive(Debug)]
pub(super) struct ScriptBlocks {
    /// Byte ranges of script code, in file order.
    pub(super) ranges: Vec<Range>,
    /// The grammar the code needs: TypeScript when any block says `lang="ts"` (a superset of
    /// JavaScript, so one parse serves a mix).
    pub(super) dialect: Dialect,
}

/// Finds the script blocks of a component of `kind` (`Vue`, `Svelte` or `Astro`).
pub(super) fn script_blocks(kind: Dialect, text: &str) -> ScriptBlocks {
    let mut ranges = Vec::new();
    let mut typescript = false;
    let mut tsx = false;
    let mut search_from = 0;
    if kind == Dialect::Astro {
        // Astro frontmatter is TypeScript between two `---` lines at the top of the file.
        let trimmed = text.trim_start();
        let offset = text.len() - trimmed.len();
        if let Some(rest) = trimmed.strip_prefix("---") {
            let body_start = offset + 3;
            if let Some(end) = find_fence(rest) {
                ranges.push(range(text, body_start, body_start + end));
                search_from = body_start + end + 3;
                typescript = true;
            }
        }
    }
    while let Some(found) = find_script(text, search_from) {
        search_from = found.end;
        let attributes = &text[found.attributes.clone()];
        // Astro's `is:inline` scripts go to the browser untouched; `src=` names another file.
        if attributes.contains("is:inline") || has_attribute(attributes, "src") {
            continue;
        }
        // `type="application/ld+json"` and templates are data, not code.
        if let Some(kind) = attribute_value(attributes, "type")
            && !matches!(
                kind,
                "module" | "text/javascript" | "application/javascript" | "text/typescript" | "ts"
            )
        {
            continue;
        }
        if let Some(lang) = attribute_value(attributes, "lang") {
            typescript |= lang == "ts" || lang == "typescript" || lang == "tsx";
            tsx |= lang == "tsx" || lang == "jsx";
        }
        if kind == Dialect::Astro {
            typescript = true;
        }
        ranges.push(range(text, found.body.start, found.body.end));
    }
    let dialect = if tsx {
        Dialect::Tsx
    } else if typescript {
        Dialect::TypeScript
    } else {
        Dialect::JavaScript
    };
    ScriptBlocks { ranges, dialect }
}

/// The text with everything outside `ranges` blanked (newlines kept), for a parser that
/// takes whole text: offsets, lines and columns stay those of the file.
pub(super) fn masked(text: &str, ranges: &[Range]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for r in ranges {
        blank(&text[last..r.start_byte], &mut out);
        out.push_str(&text[r.start_byte..r.end_byte]);
        last = r.end_byte;
    }
    blank(&text[last..], &mut out);
    out
}

fn blank(part: &str, out: &mut String) {
    // One space per byte keeps every later byte offset true.
    for c in part.chars() {
        if c == '\n' {
            out.push('\n');
        } else {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        }
    }
}

/// The end of frontmatter: the offset (in `rest`) of the line that is exactly `---`.
fn find_fence(rest: &str) -> Option<usize> {
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if offset > 0 && line.trim_end() == "---" {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

struct ScriptTag {
    attributes: std::ops::Range<usize>,
    body: std::ops::Range<usize>,
    end: usize,
}

/// The next `<script …>…</script>` at or after `from`, skipping HTML comments.
fn find_script(text: &str, mut from: usize) -> Option<ScriptTag> {
    let lower = text.as_bytes();
    loop {
        let rest = text.get(from..)?;
        let open = rest.find('<')? + from;
        if text[open..].starts_with("<!--") {
            from = text[open..].find("-->").map(|e| open + e + 3)?;
            continue;
        }
        let after = open + 1;
        let is_script = lower.len() >= after + 6
            && lower[after..after + 6].eq_ignore_ascii_case(b"script")
            && lower
                .get(after + 6)
                .is_some_and(|&b| b == b'>' || b.is_ascii_whitespace());
        if !is_script {
            from = after;
            continue;
        }
        let close_of_open = end_of_tag(text, after)?;
        let attributes = after + 6..close_of_open;
        let body_start = close_of_open + 1;
        let body_end = find_close(text, body_start)?;
        let end = text[body_end..]
            .find('>')
            .map_or(text.len(), |e| body_end + e + 1);
        return Some(ScriptTag {
            attributes,
            body: body_start..body_end,
            end,
        });
    }
}

/// The `>` that ends the tag opened before `from`; quoted attribute values may hold `>`
/// (`<script setup lang="ts" generic="T extends Array<number>">`).
fn end_of_tag(text: &str, from: usize) -> Option<usize> {
    let mut quote = None;
    for (i, b) in text.as_bytes()[from..].iter().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(*b),
            (Some(q), _) if q == *b => quote = None,
            (None, b'>') => return Some(from + i),
            _ => {}
        }
    }
    None
}

fn find_close(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = from;
    while let Some(i) = text.get(at..)?.find("</") {
        let start = at + i;
        if bytes.len() >= start + 8 && bytes[start + 2..start + 8].eq_ignore_ascii_case(b"script") {
            return Some(start);
        }
        at = start + 2;
    }
    None
}

fn has_attribute(attributes: &str, name: &str) -> bool {
    attributes
        .split(|c: char| c.is_ascii_whitespace())
        .any(|a| a == name || a.starts_with(&format!("{name}=")))
}

fn attribute_value<'a>(attributes: &'a str, name: &str) -> Option<&'a str> {
    let at = attributes.find(&format!("{name}="))?;
    let value = &attributes[at + name.len() + 1..];
    let quote = value.chars().next()?;
    if quote == '"' || quote == '\'' {
        value[1..].split(quote).next()
    } else {
        value
            .split(|c: char| c.is_ascii_whitespace() || c == '>')
            .next()
    }
}

fn range(text: &str, start: usize, end: usize) -> Range {
    Range {
        start_byte: start,
        end_byte: end,
        start_point: point(text, start),
        end_point: point(text, end),
    }
}

fn point(text: &str, offset: usize) -> Point {
    let before = &text.as_bytes()[..offset];
    let row = before.iter().filter(|&&b| b == b'\n').count();
    let column = offset
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
    Point { row, column }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vue_setup_and_plain_scripts_are_found_with_their_language() {
        let text = "<template><p>{{ a }}</p></template>\n<script>\nexport default {}\n</script>\n<script setup lang=\"ts\" generic=\"T extends Array<number>\">\nimport a from './a'\n</script>\n<!-- <script>import x from './x'</script> -->\n";
        let blocks = script_blocks(Dialect::Vue, text);
        assert_eq!(blocks.ranges.len(), 2);
        assert_eq!(blocks.dialect, Dialect::TypeScript);
        let second = &blocks.ranges[1];
        assert!(text[second.start_byte..second.end_byte].contains("import a"));
        assert_eq!(second.start_point.row, 4);
    }

    #[test]
    fn astro_frontmatter_and_bundled_scripts_but_not_inline_ones() {
        let text = "---\nimport Layout from '../layouts/Layout.astro';\n---\n<Layout />\n<script>import './client';</script>\n<script is:inline>import './cdn';</script>\n<script type=\"application/ld+json\">{\"a\": 1}</script>\n";
        let blocks = script_blocks(Dialect::Astro, text);
        let bodies: Vec<&str> = blocks
            .ranges
            .iter()
            .map(|r| &text[r.start_byte..r.end_byte])
            .collect();
        assert_eq!(bodies.len(), 2, "{bodies:?}");
        assert!(bodies[0].contains("Layout.astro"));
        assert_eq!(bodies[1], "import './client';");
    }

    #[test]
    fn masking_keeps_offsets() {
        let text = "<p>é</p>\n<script>x</script>";
        let blocks = script_blocks(Dialect::Svelte, text);
        let masked = masked(text, &blocks.ranges);
        assert_eq!(masked.len(), text.len());
        assert_eq!(masked.find('x'), text.find('x'));
    }
}
