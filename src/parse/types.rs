//! What the TypeScript compiler erases: imports whose bindings are used only in type
//! positions, and the top-level declarations a `.d.ts` module exports implicitly.
//!
//! Both run on TypeScript trees only, after the query-driven extraction.

use super::FieldExt;
use std::collections::HashMap;

use tree_sitter::{Node, Tree};

use crate::facts::{ExportedName, ImportKind, ModuleFacts};

use super::extract::{Index, Kind, span_of};

/// How a local import binding is used outside its import statement.
#[derive(Default, Clone, Copy)]
struct Uses {
    types: u32,
    values: u32,
}

/// Marks as [`ImportKind::TypeOnly`] every static import whose bindings are all used, and
/// only ever in type positions (`import { Lens } from './b'; const l: Lens[] = []`): tsc,
/// esbuild and swc drop such an import, side effects included, so it is no run-time edge.
/// Names used only as types are marked `type_only` even when the import also brings values.
///
/// In a file with decorators, a type in a position `emitDecoratorMetadata` writes out
/// (`design:paramtypes`, `design:type`, `design:returntype`: NestJS injection) counts as a
/// value; see [`in_metadata_position`].
pub(super) fn erase_type_only_imports(
    tree: &Tree,
    index: &Index,
    text: &str,
    facts: &mut ModuleFacts,
) {
    let root = tree.root_node();
    // import specifier start → local names of that import statement
    let mut statements: Vec<(u32, Vec<String>)> = Vec::new();
    let mut cursor = root.walk();
    for statement in root.named_children(&mut cursor) {
        if statement.kind() != "import_statement" {
            continue;
        }
        let Some(source) = statement.field("source") else {
            continue;
        };
        let locals = import_locals(statement, text);
        if !locals.is_empty() {
            statements.push((span_of(source, text).start, locals));
        }
    }
    if statements.is_empty() {
        return;
    }
    let mut uses: HashMap<&str, Uses> = statements
        .iter()
        .flat_map(|(_, locals)| locals.iter())
        .map(|l| (l.as_str(), Uses::default()))
        .collect();
    let decorated = index.of(&[Kind::Decorator]).next().is_some();
    for identifier in &index.identifiers {
        if let Some(u) = uses.get_mut(node_text(identifier.node, text)) {
            if identifier.in_type && !(decorated && in_metadata_position(identifier.node, text)) {
                u.types += 1;
            } else {
                u.values += 1;
            }
        }
    }
    for (start, locals) in &statements {
        let Some(import) = facts
            .imports
            .iter_mut()
            .find(|i| i.span.start == *start && i.kind == ImportKind::Static)
        else {
            continue;
        };
        let type_only = |local: &str| {
            uses.get(local)
                .is_some_and(|u| u.types > 0 && u.values == 0)
        };
        for name in &mut import.names {
            let local = name.local.as_deref().unwrap_or(&name.imported);
            if type_only(local) {
                name.type_only = true;
            }
        }
        if locals.iter().all(|l| type_only(l)) {
            import.kind = ImportKind::TypeOnly;
        }
    }
}

/// Whether a type-position identifier is one `emitDecoratorMetadata` turns into a run-time
/// reference: in the annotation of a constructor parameter (a decorated class's
/// `design:paramtypes`), of a parameter or the return type of a decorated method, or of a
/// decorated property. Other type positions of a decorated file (a type argument in a method
/// body, an undecorated method's signature, a local's annotation) are erased as anywhere.
/// Which classes are decorated is not checked: a constructor parameter always counts.
fn in_metadata_position(identifier: Node, text: &str) -> bool {
    let decorated = |member: Node| {
        let mut cursor = member.walk();
        let own = member
            .children(&mut cursor)
            .any(|c| c.kind() == "decorator");
        // Decorators may also sit before the member in the class body.
        own || member
            .prev_named_sibling()
            .is_some_and(|p| p.kind() == "decorator")
    };
    let mut annotated = false;
    let mut current = identifier;
    while let Some(parent) = current.parent() {
        match parent.kind() {
            "type_annotation" => annotated = true,
            "required_parameter" | "optional_parameter" if annotated => {
                let Some(method) = parent.parent().and_then(|list| list.parent()) else {
                    return false;
                };
                return method.kind() == "method_definition"
                    && (method
                        .field("name")
                        .is_some_and(|n| node_text(n, text) == "constructor")
                        || decorated(method)
                        || decorated(parent));
            }
            "method_definition" | "public_field_definition" if annotated => {
                return decorated(parent);
            }
            "statement_block"
            | "class_body"
            | "program"
            | "arrow_function"
            | "function_expression" => {
                return false;
            }
            _ => {}
        }
        current = parent;
    }
    false
}

/// Local names bound by an `import … from` statement, except `type`-marked ones.
fn import_locals(statement: Node, text: &str) -> Vec<String> {
    let mut locals = Vec::new();
    let mut cursor = statement.walk();
    for clause in statement
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "import_clause")
    {
        let mut inner = clause.walk();
        for part in clause.named_children(&mut inner) {
            match part.kind() {
                "identifier" => locals.push(node_text(part, text).to_string()),
                "namespace_import" => {
                    let mut names = part.walk();
                    locals.extend(
                        part.named_children(&mut names)
                            .filter(|n| n.kind() == "identifier")
                            .map(|n| node_text(n, text).to_string()),
                    );
                }
                "named_imports" => {
                    let mut specs = part.walk();
                    for spec in part
                        .named_children(&mut specs)
                        .filter(|s| s.kind() == "import_specifier")
                    {
                        let mut tokens = spec.walk();
                        if spec.children(&mut tokens).any(|c| c.kind() == "type") {
                            continue;
                        }
                        if let Some(local) = spec.field("alias").or_else(|| spec.field("name")) {
                            locals.push(node_text(local, text).to_string());
                        }
                    }
                }
                _ => {}
            }
        }
    }
    locals
}

/// Names of the top-level declarations (`type`, `interface`, `class`, `function`, `const`,
/// `enum`, `namespace`) of a TypeScript file. `.d.ts` modules export these implicitly;
/// `export {}` turns that off, which is recorded as an empty list.
pub(super) fn top_level_declarations(tree: &Tree, text: &str, facts: &mut ModuleFacts) {
    let root = tree.root_node();
    let mut names = Vec::new();
    let mut cursor = root.walk();
    for node in root.named_children(&mut cursor) {
        let declaration = if node.kind() == "ambient_declaration" {
            let mut inner = node.walk();
            node.named_children(&mut inner).next()
        } else {
            Some(node)
        };
        let Some(declaration) = declaration else {
            continue;
        };
        if node.kind() == "export_statement" {
            let mut inner = node.walk();
            if node
                .named_children(&mut inner)
                .any(|c| c.kind() == "export_clause")
                && node.field("source").is_none()
                && node_text(node, text)
                    .replace(char::is_whitespace, "")
                    .starts_with("export{}")
            {
                facts.declarations.clear();
                return;
            }
            continue;
        }
        let type_only = matches!(
            declaration.kind(),
            "type_alias_declaration" | "interface_declaration"
        );
        match declaration.kind() {
            "type_alias_declaration"
            | "interface_declaration"
            | "class_declaration"
            | "abstract_class_declaration"
            | "function_declaration"
            | "function_signature"
            | "enum_declaration"
            | "internal_module"
            | "module" => {
                if let Some(name) = declaration.field("name")
                    && matches!(name.kind(), "identifier" | "type_identifier")
                {
                    names.push(ExportedName {
                        name: node_text(name, text).to_string(),
                        type_only,
                        span: span_of(name, text),
                    });
                }
            }
            "lexical_declaration" | "variable_declaration" => {
                let mut inner = declaration.walk();
                for declarator in declaration
                    .named_children(&mut inner)
                    .filter(|d| d.kind() == "variable_declarator")
                {
                    if let Some(name) = declarator.field("name")
                        && name.kind() == "identifier"
                    {
                        names.push(ExportedName {
                            name: node_text(name, text).to_string(),
                            type_only: false,
                            span: span_of(name, text),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    facts.declarations = names;
}

fn node_text<'a>(node: Node, text: &'a str) -> &'a str {
    text.get(node.byte_range()).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use crate::discover::Dialect;
    use crate::facts::ImportKind;
    use crate::parse::parse_module;

    fn kinds(source: &str) -> Vec<(String, ImportKind)> {
        parse_module(Dialect::TypeScript, source.as_bytes())
            .imports
            .into_iter()
            .map(|i| (i.specifier, i.kind))
            .collect()
    }

    #[test]
    fn an_import_used_only_as_a_type_is_erased() {
        let found = kinds(
            "import { Lens } from './b';\nimport * as Har from 'har-format';\nimport { count } from './c';\n\
             export const lenses: Lens[] = [];\nexport const f = (h: Har.Request) => count(h);\n",
        );
        assert_eq!(
            found,
            vec![
                ("./b".to_string(), ImportKind::TypeOnly),
                ("har-format".to_string(), ImportKind::TypeOnly),
                ("./c".to_string(), ImportKind::Static),
            ]
        );
    }

    #[test]
    fn value_uses_unused_imports_and_decorated_files_keep_the_edge() {
        let found = kinds(
            "import { Lens, make } from './b';\nimport './side';\nimport { unused } from './u';\n\
             export const l: Lens = make();\n",
        );
        assert!(
            found.iter().all(|(_, k)| *k == ImportKind::Static),
            "{found:?}"
        );
        let decorated = kinds(
            "import { UsersService } from './users.service';\n@Controller('users')\n\
             export class UsersController { constructor(private s: UsersService) {} }\n",
        );
        assert_eq!(decorated[0].1, ImportKind::Static);
    }

    #[test]
    fn top_level_declarations_are_listed_unless_export_braces_turn_them_off() {
        let facts = parse_module(
            Dialect::TypeScript,
            b"import 'x';\ntype Lang = 'a';\ninterface Body {}\ndeclare const VERSION: string;\n",
        );
        let names: Vec<&str> = facts.declarations.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, vec!["Lang", "Body", "VERSION"]);
        let off = parse_module(Dialect::TypeScript, b"type Lang = 'a';\nexport {};\n");
        assert!(off.declarations.is_empty());
    }
}
