//! Single-file components: the script blocks of `.vue` and `.svelte` files and the frontmatter
//! and `<script>` blocks of `.astro` files, and the ESM blocks of `.mdx` documents. Only the byte ranges are found here; the blocks are
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

/// Finds the script blocks of a component of `kind` (`Vue`, `Svelte`, `Astro` or `Mdx`).
pub(super) fn script_blocks(kind: Dialect, text: &str) -> ScriptBlocks {
    if kind == Dialect::Mdx {
        return ScriptBlocks {
            ranges: mdx_esm_blocks(text)
                .into_iter()
                .map(|(start, end)| range(text, start, end))
                .collect(),
            // MDX's ESM is JavaScript with JSX.
            dialect: Dialect::JavaScript,
        };
    }
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

/// The ESM of an MDX document, as `(start, end)` byte offsets: as MDX reads it, a paragraph
/// (up to the next blank line) whose first line starts with `import` or `export` at the
/// margin, outside fenced code blocks and the YAML frontmatter.
fn mdx_esm_blocks(text: &str) -> Vec<(usize, usize)> {
    let mut blocks = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    let mut open: Option<usize> = None;
    let mut offset = 0;
    let mut first = true;
    let mut frontmatter = false;
    let mut depth = 0usize;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        if first {
            first = false;
            if content.trim_end() == "---" {
                frontmatter = true;
                continue;
            }
        }
        if frontmatter {
            frontmatter = content.trim_end() != "---";
            continue;
        }
        if let Some(begin) = open {
            if content.trim().is_empty() {
                blocks.push((begin, start));
                open = None;
            }
            continue;
        }
        let indented = content.trim_start();
        let indent = content.len() - indented.len();
        let marker = indented.chars().next().filter(|c| *c == '`' || *c == '~');
        if indent <= 3
            && let Some(c) = marker
        {
            let run = indented.chars().take_while(|x| *x == c).count();
            if run >= 3 {
                match fence {
                    None => fence = Some((c, run)),
                    Some((f, n)) if f == c && run >= n && indented[run..].trim().is_empty() => {
                        fence = None
                    }
                    Some(_) => {}
                }
                continue;
            }
        }
        if fence.is_some() {
            continue;
        }
        let starts_esm = ["import", "export"].iter().any(|k| {
            content
                .strip_prefix(k)
                .is_some_and(|rest| rest.starts_with([' ', '{', '*', '\t']))
        });
        if depth == 0 && starts_esm {
            open = Some(start);
            continue;
        }
        // Inside a JSX expression (`{`import x from 'y'`}` in a code sample) nothing is ESM:
        // every `{` of MDX text opens an expression, except in inline code spans.
        let counted = if depth == 0 {
            without_code_spans(content)
        } else {
            content.to_string()
        };
        for c in counted.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    if let Some(begin) = open {
        blocks.push((begin, text.len()));
    }
    blocks
}

/// A line of Markdown without its inline code spans (`` `{` ``).
fn without_code_spans(line: &str) -> String {
    line.split('`').step_by(2).collect()
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
    fn mdx_esm_blocks_outside_code_fences_and_frontmatter() {
        let text = "---\ntitle: import x from 'no'\n---\nimport Step from '@/mdx-components/Step';\nimport {\n  A,\n} from './a';\n\n# Guide\n\nimports are a word here\n\n```ts\nimport { LogtoClient } from '@logto/node';\n```\n\n<Code>\n{`import { a } from 'sample';\nconst b = '${a}';`}\n</Code>\n\n`{` opens\n\n<Step />\nexport const meta = { a: 1 };\n";
        let blocks = script_blocks(Dialect::Mdx, text);
        let bodies: Vec<&str> = blocks
            .ranges
            .iter()
            .map(|r| &text[r.start_byte..r.end_byte])
            .collect();
        assert_eq!(bodies.len(), 2, "{bodies:?}");
        assert!(bodies[0].starts_with("import Step") && bodies[0].contains("from './a'"));
        assert!(bodies[1].starts_with("export const meta"));
        assert_eq!(blocks.ranges[0].start_point.row, 3);
    }

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
