//! Environment reads: `process.env`, `Bun.env`, `Deno.env`, `import.meta.env`, env schemas
//! (t3-env, envalid, zod), and whether each read has a default.

use super::FieldExt;
use tree_sitter::Node;

use super::extract::{literal_string, node_text, span_of, specifier_name, top_level_initializer};
use crate::facts::{EnvKey, EnvRead, EnvReadForm, ModuleFacts};

/// Methods every object has from `Object.prototype`: called on `process.env`, not env names.
const OBJECT_PROTOTYPE_METHODS: &[&str] = &[
    "hasOwnProperty",
    "propertyIsEnumerable",
    "isPrototypeOf",
    "toString",
    "toLocaleString",
    "valueOf",
];

/// Built-in `import.meta.env` keys of Vite and Astro: set by the tool, never by the user.
const IMPORT_META_ENV_BUILTINS: &[&str] = &[
    "MODE",
    "BASE_URL",
    "PROD",
    "DEV",
    "SSR",
    "SITE",
    "ASSETS_PREFIX",
];

/// Next.js data functions: their bodies run only on the server.
const SERVER_ONLY_FUNCTIONS: &[&str] = &[
    "getServerSideProps",
    "getStaticProps",
    "getStaticPaths",
    "getInitialProps",
    "generateMetadata",
    "generateStaticParams",
];

fn env_form(object: Node, text: &str) -> EnvReadForm {
    match object.field("object").map(|o| node_text(o, text)) {
        Some("Bun") => EnvReadForm::BunEnv,
        Some("Deno") => EnvReadForm::DenoEnv,
        Some("import.meta") => EnvReadForm::ImportMetaEnv,
        _ => EnvReadForm::ProcessEnv,
    }
}

/// `process.env` (or `Bun.env`, `Deno.env`, `import.meta.env`) used somewhere: what it reads.
pub(super) fn env_object(
    object: Node,
    text: &str,
    facts: &mut ModuleFacts,
    aliases: &mut Vec<(String, EnvReadForm)>,
) {
    let form = env_form(object, text);
    env_object_use(object, text, form, facts, Some(aliases));
}

/// How an env object (or an alias of one) is used: `.X`, `['X']`, `{ X } =`, `= alias`.
fn env_object_use(
    object: Node,
    text: &str,
    form: EnvReadForm,
    facts: &mut ModuleFacts,
    aliases: Option<&mut Vec<(String, EnvReadForm)>>,
) {
    let Some(parent) = object.parent() else {
        return;
    };
    match parent.kind() {
        "member_expression" if parent.field("object") == Some(object) => {
            let Some(property) = parent.field("property") else {
                return;
            };
            let property_name = node_text(property, text);
            if form == EnvReadForm::DenoEnv {
                // Deno.env.get('X'); Deno.env.set/toObject are not reads of a name.
                let call = parent.parent().filter(|c| {
                    c.kind() == "call_expression" && c.field("function") == Some(parent)
                });
                if let (Some(call), "get") = (call, property_name) {
                    let argument = call.field("arguments").and_then(|a| a.named_child(0));
                    if let Some(argument) = argument {
                        push_env_read(call, argument, text, form, facts);
                    }
                }
                return;
            }
            if is_env_write(parent) {
                return;
            }
            // `process.env.hasOwnProperty('CI')` calls a method every object inherits: it reads
            // no variable of that name (and copes with `CI` unset: that is what it tests).
            if OBJECT_PROTOTYPE_METHODS.contains(&property_name)
                && parent.parent().is_some_and(|c| {
                    c.kind() == "call_expression" && c.field("function") == Some(parent)
                })
            {
                return;
            }
            if form == EnvReadForm::ImportMetaEnv
                && IMPORT_META_ENV_BUILTINS.contains(&property_name)
            {
                return;
            }
            push_named_read(
                parent,
                property,
                property_name.to_string(),
                text,
                form,
                facts,
            );
        }
        "subscript_expression" if parent.field("object") == Some(object) => {
            if is_env_write(parent) || form == EnvReadForm::DenoEnv {
                return;
            }
            if let Some(index) = parent.field("index") {
                push_env_read(parent, index, text, form, facts);
            }
        }
        "variable_declarator" if parent.field("value") == Some(object) => {
            let Some(name) = parent.field("name") else {
                return;
            };
            match name.kind() {
                "object_pattern" => destructured_env_reads(name, text, facts),
                "identifier" => {
                    if let Some(aliases) = aliases {
                        aliases.push((node_text(name, text).to_string(), form));
                    }
                }
                _ => {}
            }
        }
        // schema.parse(process.env), z.object({…}).safeParse(process.env), validate(process.env)
        "arguments" => env_passed_to_call(parent, text, form, facts),
        // 'X' in process.env: a presence check.
        "binary_expression"
            if parent.field("right") == Some(object)
                && parent.field("operator").is_some_and(|o| o.kind() == "in") =>
        {
            if let Some(name) = parent.field("left").and_then(|l| literal_string(l, text)) {
                let mut read = env_read(parent, name, EnvKey::Name, text, form);
                read.has_default = true;
                facts.env_reads.push(read);
            }
        }
        _ => {}
    }
}

/// `process.env.X = …` and `delete process.env.X` change the environment; they do not read it.
fn is_env_write(access: Node) -> bool {
    let Some(parent) = access.parent() else {
        return false;
    };
    match parent.kind() {
        "assignment_expression" => parent.field("left") == Some(access),
        "unary_expression" => parent
            .field("operator")
            .is_some_and(|o| o.kind() == "delete"),
        _ => false,
    }
}

fn env_read(access: Node, name: String, key: EnvKey, text: &str, form: EnvReadForm) -> EnvRead {
    EnvRead {
        name,
        key,
        span: span_of(access, text),
        has_default: read_has_default(access, text)
            || schema_field_has_default(access, text)
            || preprocessed_into_optional_schema(access, text),
        form,
        server_only: in_server_only_function(access, text),
    }
}

fn push_named_read(
    access: Node,
    _name_node: Node,
    name: String,
    text: &str,
    form: EnvReadForm,
    facts: &mut ModuleFacts,
) {
    if in_schema_runtime_env(access, text) {
        return;
    }
    facts
        .env_reads
        .push(env_read(access, name, EnvKey::Name, text, form));
}

/// A read whose key is an expression: a literal, a pattern, or fully dynamic.
fn push_env_read(access: Node, key: Node, text: &str, form: EnvReadForm, facts: &mut ModuleFacts) {
    if let Some(name) = literal_string(key, text) {
        push_named_read(access, key, name, text, form, facts);
        return;
    }
    let (prefix, suffix) = constant_affixes(key, text);
    let read = if prefix.is_empty() && suffix.is_empty() {
        env_read(access, String::new(), EnvKey::Dynamic, text, form)
    } else {
        env_read(
            access,
            format!("{prefix}*{suffix}"),
            EnvKey::Pattern,
            text,
            form,
        )
    };
    facts.env_reads.push(read);
}

/// The constant text before and after the substitutions of `` `${p}_ID` `` or `'A_' + x`.
fn constant_affixes(key: Node, text: &str) -> (String, String) {
    match key.kind() {
        "template_string" => {
            let mut cursor = key.walk();
            let parts: Vec<Node> = key.named_children(&mut cursor).collect();
            let fragment = |n: Option<&Node>| {
                n.filter(|n| n.kind() == "string_fragment")
                    .map(|n| node_text(*n, text).to_string())
                    .unwrap_or_default()
            };
            (fragment(parts.first()), fragment(parts.last()))
        }
        "binary_expression" => {
            let left = key.field("left");
            let right = key.field("right");
            let prefix = left
                .map(|l| literal_string(l, text).unwrap_or_else(|| constant_affixes(l, text).0))
                .unwrap_or_default();
            let suffix = right
                .map(|r| literal_string(r, text).unwrap_or_else(|| constant_affixes(r, text).1))
                .unwrap_or_default();
            (prefix, suffix)
        }
        "parenthesized_expression" => key
            .named_child(0)
            .map(|k| constant_affixes(k, text))
            .unwrap_or_default(),
        _ => (String::new(), String::new()),
    }
}

/// `const { A, B = 'd', C: alias } = process.env`.
fn destructured_env_reads(pattern: Node, text: &str, facts: &mut ModuleFacts) {
    let mut cursor = pattern.walk();
    for property in pattern.named_children(&mut cursor) {
        let (key, has_default) = match property.kind() {
            "shorthand_property_identifier_pattern" => (Some(property), false),
            "object_assignment_pattern" => (property.field("left"), true),
            "pair_pattern" => (
                property.field("key"),
                property
                    .field("value")
                    .is_some_and(|v| v.kind() == "assignment_pattern"),
            ),
            _ => (None, false),
        };
        let Some(key) = key else { continue };
        let name = specifier_name(key, text);
        facts.env_reads.push(EnvRead {
            name,
            key: EnvKey::Name,
            span: span_of(key, text),
            has_default,
            form: EnvReadForm::Destructure,
            server_only: in_server_only_function(property, text),
        });
    }
}

/// Uses of `const env = process.env` (one level): `env.X`, `env['X']`, `const { X } = env`.
pub(super) fn env_alias_reads(
    root: Node,
    text: &str,
    aliases: &[(String, EnvReadForm)],
    facts: &mut ModuleFacts,
) {
    let mut cursor = root.walk();
    let mut visited_children = false;
    loop {
        if !visited_children {
            let node = cursor.node();
            if node.kind() == "identifier"
                && aliases
                    .iter()
                    .any(|(name, _)| name == node_text(node, text))
            {
                let form = aliases
                    .iter()
                    .find(|(name, _)| name == node_text(node, text))
                    .map_or(EnvReadForm::Alias, |(_, f)| *f);
                let before = facts.env_reads.len();
                env_object_use(node, text, form, facts, None);
                for read in &mut facts.env_reads[before..] {
                    if read.form != EnvReadForm::Destructure {
                        read.form = EnvReadForm::Alias;
                    }
                }
            }
            if cursor.goto_first_child() {
                continue;
            }
        }
        if cursor.goto_next_sibling() {
            visited_children = false;
        } else if cursor.goto_parent() {
            visited_children = true;
        } else {
            break;
        }
    }
}

/// Whether the code around a read copes with the variable being unset (the read's own
/// context; `env_flow` then follows locals and the module's presence tests).
fn read_has_default(access: Node, text: &str) -> bool {
    super::env_flow::value_use(access, text).0 == super::env_flow::ValueUse::Optional
}

/// Whether a read is a field of an object a zod schema validates, and that field of the
/// schema is optional or defaulted: `const rawEnv = { X: process.env.X }` (or the object
/// inline) with `schema.safeParse(rawEnv)`, `schema = z.object({ X: z.string().optional() })`.
fn schema_field_has_default(access: Node, text: &str) -> bool {
    let Some(pair) = access
        .parent()
        .filter(|p| p.kind() == "pair" && p.field("value") == Some(access))
    else {
        return false;
    };
    let (Some(key), Some(object)) = (pair.field("key"), pair.parent()) else {
        return false;
    };
    if object.kind() != "object" {
        return false;
    }
    let key = specifier_name(key, text);
    let validated_by = |call: Node| -> Option<bool> {
        let callee = call.field("function")?;
        let method = callee.field("property").map(|p| node_text(p, text));
        if callee.kind() != "member_expression"
            || !matches!(
                method,
                Some("parse" | "safeParse" | "parseAsync" | "safeParseAsync")
            )
        {
            return None;
        }
        let schema = zod_object_literal(callee.field("object")?, text)?;
        let mut cursor = schema.walk();
        let field = schema
            .named_children(&mut cursor)
            .filter(|p| p.kind() == "pair")
            .find(|p| {
                p.field("key")
                    .is_some_and(|k| specifier_name(k, text) == key)
            })?;
        Some(schema_value_has_default(field.field("value")?, text))
    };
    let Some(holder) = object.parent() else {
        return false;
    };
    match holder.kind() {
        // schema.safeParse({ X: process.env.X })
        "arguments" => holder.parent().and_then(validated_by).unwrap_or(false),
        // const rawEnv = { … }; … schema.safeParse(rawEnv)
        "variable_declarator" if holder.field("value") == Some(object) => {
            let Some(name) = holder
                .field("name")
                .filter(|n| n.kind() == "identifier")
                .map(|n| node_text(n, text))
            else {
                return false;
            };
            // Every validating method name holds `parse` or `Parse`: a file without one has
            // no such call, and the walk below (once per read of the object) is skipped.
            if !text.contains("parse") && !text.contains("Parse") {
                return false;
            }
            let mut root = holder;
            while let Some(parent) = root.parent() {
                root = parent;
            }
            let mut stack = vec![root];
            while let Some(node) = stack.pop() {
                if node.kind() == "arguments" {
                    let mut cursor = node.walk();
                    let passes = node
                        .named_children(&mut cursor)
                        .any(|a| a.kind() == "identifier" && node_text(a, text) == name);
                    if passes && let Some(found) = node.parent().and_then(validated_by) {
                        return found;
                    }
                }
                let mut cursor = node.walk();
                stack.extend(node.named_children(&mut cursor));
            }
            false
        }
        _ => false,
    }
}

/// Whether the read is what a zod `preprocess` callback returns and the schema it feeds is
/// optional or defaulted: `z.preprocess((v) => { … return process.env.X }, z.string().optional()
/// .default('https://…'))` parses an unset value into the default.
fn preprocessed_into_optional_schema(access: Node, text: &str) -> bool {
    let mut node = access;
    let function = loop {
        let Some(parent) = node.parent() else {
            return false;
        };
        match parent.kind() {
            "return_statement"
            | "statement_block"
            | "parenthesized_expression"
            | "if_statement"
            | "else_clause"
            | "binary_expression"
            | "ternary_expression" => node = parent,
            "arrow_function" | "function_expression" => break parent,
            _ => return false,
        }
    };
    let Some(arguments) = function.parent().filter(|a| a.kind() == "arguments") else {
        return false;
    };
    let mut cursor = arguments.walk();
    let args: Vec<Node> = arguments
        .named_children(&mut cursor)
        .filter(|a| a.kind() != "comment")
        .collect();
    let is_preprocess = arguments
        .parent()
        .and_then(|call| call.field("function"))
        .and_then(|callee| callee.field("property"))
        .is_some_and(|p| node_text(p, text) == "preprocess");
    is_preprocess
        && args.first() == Some(&function)
        && args
            .get(1)
            .is_some_and(|schema| schema_value_has_default(*schema, text))
}

fn in_server_only_function(node: Node, text: &str) -> bool {
    let mut current = node.parent();
    while let Some(n) = current {
        let name = match n.kind() {
            "function_declaration" | "method_definition" => n.field("name"),
            "variable_declarator" => n.field("name"),
            _ => None,
        };
        if name.is_some_and(|name| SERVER_ONLY_FUNCTIONS.contains(&node_text(name, text))) {
            return true;
        }
        current = n.parent();
    }
    false
}

/// Inside `runtimeEnv: { X: process.env.X }` of `createEnv`: the schema key is the read.
fn in_schema_runtime_env(node: Node, text: &str) -> bool {
    let mut current = node.parent();
    while let Some(n) = current {
        if n.kind() == "pair"
            && n.field("key").is_some_and(|k| {
                matches!(
                    node_text(k, text),
                    "runtimeEnv" | "experimental__runtimeEnv"
                )
            })
        {
            return true;
        }
        if matches!(n.kind(), "statement_block" | "program") {
            return false;
        }
        current = n.parent();
    }
    false
}

/// t3-env `createEnv({ server: {…}, client: {…}, shared: {…} })` and envalid
/// `cleanEnv(process.env, { X: str(), Y: port({ default: 3000 }) })`: each key is a read.
pub(super) fn env_schema(call: Node, text: &str, facts: &mut ModuleFacts) {
    let Some(arguments) = call.field("arguments") else {
        return;
    };
    let function = call.field("function").map_or("", |f| node_text(f, text));
    let mut cursor = arguments.walk();
    let objects: Vec<Node> = arguments
        .named_children(&mut cursor)
        .filter(|a| a.kind() == "object")
        .collect();
    if function.ends_with("cleanEnv") {
        // The schema is the second argument; the first is the environment itself.
        if let Some(schema) = arguments.named_child(1).filter(|a| a.kind() == "object") {
            schema_keys(schema, text, facts);
        }
        return;
    }
    for options in objects {
        let mut cursor = options.walk();
        for pair in options
            .named_children(&mut cursor)
            .filter(|p| p.kind() == "pair")
        {
            let section = pair.field("key").map_or("", |k| node_text(k, text));
            if !matches!(section, "server" | "client" | "shared") {
                continue;
            }
            if let Some(schema) = pair.field("value").filter(|v| v.kind() == "object") {
                schema_keys(schema, text, facts);
            }
        }
    }
}

fn schema_keys(schema: Node, text: &str, facts: &mut ModuleFacts) {
    let mut cursor = schema.walk();
    for pair in schema
        .named_children(&mut cursor)
        .filter(|p| p.kind() == "pair")
    {
        let (Some(key), Some(value)) = (pair.field("key"), pair.field("value")) else {
            continue;
        };
        facts.env_reads.push(EnvRead {
            name: specifier_name(key, text),
            key: EnvKey::Name,
            span: span_of(key, text),
            has_default: schema_value_has_default(value, text),
            form: EnvReadForm::Schema,
            server_only: false,
        });
    }
}

/// zod `.optional()`/`.default(…)`/`.catch(…)`, envalid `{ default: … }`.
/// envalid's `devDefault` applies only outside production, so it does not make a variable
/// optional for a deploy.
fn schema_value_has_default(value: Node, text: &str) -> bool {
    let mut stack = vec![value];
    while let Some(node) = stack.pop() {
        let is_default = match node.kind() {
            "member_expression" => node.field("property").is_some_and(|p| {
                matches!(
                    node_text(p, text),
                    "optional" | "default" | "catch" | "nullish"
                )
            }),
            "pair" => node
                .field("key")
                .is_some_and(|k| node_text(k, text) == "default"),
            _ => false,
        };
        if is_default {
            return true;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

/// A `'use client'` directive in the file's prologue.
pub(super) fn use_client_directive(string: Node, text: &str, facts: &mut ModuleFacts) {
    if literal_string(string, text).as_deref() != Some("use client") {
        return;
    }
    let Some(statement) = string.parent() else {
        return;
    };
    // Only directives before the first real statement count.
    let mut previous = statement.prev_named_sibling();
    while let Some(p) = previous {
        let is_directive = p.kind() == "expression_statement"
            && p.named_child(0).is_some_and(|c| c.kind() == "string");
        if !is_directive && p.kind() != "comment" && p.kind() != "hash_bang_line" {
            return;
        }
        previous = p.prev_named_sibling();
    }
    facts.use_client = true;
}

/// `process.env` handed whole to a call. A zod schema (`const schema = z.object({ … })`, then
/// `schema.parse(process.env)`) declares its keys as reads; any other call may read anything,
/// so it counts as a fully dynamic read (which keeps `unused-env` quiet rather than wrong).
fn env_passed_to_call(arguments: Node, text: &str, form: EnvReadForm, facts: &mut ModuleFacts) {
    let Some(call) = arguments.parent().filter(|c| c.kind() == "call_expression") else {
        return;
    };
    let callee = call.field("function");
    let callee_name = callee.map(|f| match f.kind() {
        "member_expression" => f.field("property").map_or("", |p| node_text(p, text)),
        _ => node_text(f, text),
    });
    // envalid's cleanEnv(process.env, schema) is read by the schema handler.
    if matches!(callee_name, Some("cleanEnv" | "createEnv")) {
        return;
    }
    let method = callee
        .filter(|f| f.kind() == "member_expression")
        .and_then(|f| f.field("property"))
        .map(|p| node_text(p, text));
    if matches!(
        method,
        Some("parse" | "safeParse" | "parseAsync" | "safeParseAsync")
    ) && let Some(schema) = callee
        .and_then(|f| f.field("object"))
        .and_then(|object| zod_object_literal(object, text))
    {
        schema_keys(schema, text, facts);
        return;
    }
    facts
        .env_reads
        .push(env_read(call, String::new(), EnvKey::Dynamic, text, form));
}

/// The `{ … }` of `z.object({ … })`, either inline or through a `const` in the same file.
fn zod_object_literal<'t>(expression: Node<'t>, text: &str) -> Option<Node<'t>> {
    let value = match expression.kind() {
        "identifier" => {
            let name = node_text(expression, text);
            let mut root = expression;
            while let Some(parent) = root.parent() {
                root = parent;
            }
            top_level_initializer(root, name, text)?
        }
        _ => expression,
    };
    // z.object({…}) possibly followed by .strict(), .passthrough(), …
    let mut call = value;
    loop {
        if call.kind() != "call_expression" {
            return None;
        }
        let function = call.field("function")?;
        let is_object = function.kind() == "member_expression"
            && function
                .field("property")
                .is_some_and(|p| node_text(p, text) == "object");
        if is_object {
            return call
                .field("arguments")?
                .named_child(0)
                .filter(|a| a.kind() == "object");
        }
        call = function.field("object")?;
    }
}

#[cfg(test)]
mod env_read_tests {
    use crate::discover::Dialect;
    use crate::facts::{EnvKey, EnvReadForm};
    use crate::parse::parse_module;

    /// `(name, has_default, form)` of every literal read, in source order.
    fn reads(dialect: Dialect, source: &str) -> Vec<(String, bool, EnvReadForm)> {
        parse_module(dialect, source.as_bytes())
            .env_reads
            .into_iter()
            .filter(|r| r.key == EnvKey::Name)
            .map(|r| (r.name, r.has_default, r.form))
            .collect()
    }

    fn names(list: &[(String, bool, EnvReadForm)]) -> Vec<(&str, bool)> {
        list.iter().map(|(n, d, _)| (n.as_str(), *d)).collect()
    }

    #[test]
    fn every_access_form_is_a_read_with_its_default() {
        let source = r#"
const a = process.env.DATABASE_URL;
const b = process.env['REDIS_URL'] || 'redis://localhost';
const c = process.env[`S3_BUCKET`] ?? 'bucket';
const d = Bun.env.BUN_TOKEN;
const e = Deno.env.get('DENO_TOKEN');
const f = import.meta.env.VITE_API_URL;
const g = import.meta.env.MODE;
const h = process.env.DEBUG ? 'on' : 'off';
const port = Number(process.env.PORT) || 3000;
if (!process.env.JWT_SECRET) throw new Error('JWT_SECRET is required');
if (!process.env.SENTRY_DSN) console.warn('no sentry');
if (rows > 5000 && !process.env.DISABLE_FAST_IMPORT) { try { run(); } catch (e) { throw e; } }
if (!process.env.API_KEY || !process.env.API_HOST) { process.exit(1); }
process.env.WRITTEN = '1';
const prod = process.env.NODE_ENV === 'production';
const list = process.env.ALLOWED_HOSTS?.split(',');
"#;
        let got = reads(Dialect::JavaScript, source);
        assert_eq!(
            names(&got),
            vec![
                ("DATABASE_URL", false),
                ("REDIS_URL", true),
                ("S3_BUCKET", true),
                ("BUN_TOKEN", false),
                ("DENO_TOKEN", false),
                ("VITE_API_URL", false),
                ("DEBUG", true),
                ("PORT", true),
                ("JWT_SECRET", false),
                ("SENTRY_DSN", true),
                ("DISABLE_FAST_IMPORT", true),
                ("API_KEY", false),
                ("API_HOST", false),
                ("NODE_ENV", true),
                ("ALLOWED_HOSTS", true),
            ]
        );
        assert_eq!(got[3].2, EnvReadForm::BunEnv);
        assert_eq!(got[4].2, EnvReadForm::DenoEnv);
        assert_eq!(got[5].2, EnvReadForm::ImportMetaEnv);
    }

    #[test]
    fn destructuring_and_one_level_of_aliasing() {
        let source = r#"
const { SMTP_HOST, SMTP_PORT = '587', SMTP_USER: user, SMTP_PASS: pass = '' } = process.env;
const env = process.env;
const key = env.STRIPE_KEY;
const hook = env['STRIPE_WEBHOOK_SECRET'] ?? null;
const { TWILIO_SID } = env;
"#;
        let got = reads(Dialect::JavaScript, source);
        assert_eq!(
            names(&got),
            vec![
                ("SMTP_HOST", false),
                ("SMTP_PORT", true),
                ("SMTP_USER", false),
                ("SMTP_PASS", true),
                ("STRIPE_KEY", false),
                ("STRIPE_WEBHOOK_SECRET", true),
                ("TWILIO_SID", false),
            ]
        );
        assert_eq!(got[0].2, EnvReadForm::Destructure);
        assert_eq!(got[4].2, EnvReadForm::Alias);
    }

    #[test]
    fn object_prototype_methods_called_on_process_env_are_no_reads() {
        let source = r#"
const ci = process.env.hasOwnProperty('CI') && process.env.CI !== 'false';
const dump = process.env.toString();
const token = process.env.GITHUB_TOKEN;
"#;
        let got = reads(Dialect::JavaScript, source);
        let names: Vec<&str> = got.iter().map(|r| r.0.as_str()).collect();
        assert!(
            !names.contains(&"hasOwnProperty") && !names.contains(&"toString"),
            "{names:?}"
        );
        assert!(
            names.contains(&"CI") && names.contains(&"GITHUB_TOKEN"),
            "{names:?}"
        );
    }

    #[test]
    fn dynamic_keys_become_patterns_or_fully_dynamic_reads() {
        let facts = parse_module(
            Dialect::TypeScript,
            b"const id = process.env[`${provider}_CLIENT_ID`];\nconst v = process.env[name];\nconst s = process.env['OAUTH_' + p + '_SECRET'];\n",
        );
        let got: Vec<(&str, EnvKey)> = facts
            .env_reads
            .iter()
            .map(|r| (r.name.as_str(), r.key))
            .collect();
        assert_eq!(
            got,
            vec![
                ("*_CLIENT_ID", EnvKey::Pattern),
                ("", EnvKey::Dynamic),
                ("OAUTH_*_SECRET", EnvKey::Pattern),
            ]
        );
    }

    #[test]
    fn t3_env_and_envalid_schema_keys_are_reads() {
        let t3 = r#"
import { createEnv } from '@t3-oss/env-nextjs';
export const env = createEnv({
  server: { DATABASE_URL: z.string().url(), LOG_LEVEL: z.string().default('info'), SENTRY_DSN: z.string().optional() },
  client: { NEXT_PUBLIC_APP_URL: z.string() },
  runtimeEnv: { DATABASE_URL: process.env.DATABASE_URL, LOG_LEVEL: process.env.LOG_LEVEL },
});
"#;
        assert_eq!(
            names(&reads(Dialect::TypeScript, t3)),
            vec![
                ("DATABASE_URL", false),
                ("LOG_LEVEL", true),
                ("SENTRY_DSN", true),
                ("NEXT_PUBLIC_APP_URL", false),
            ]
        );
        let envalid = r#"
const env = envalid.cleanEnv(process.env, {
  API_KEY: str(),
  PORT: port({ default: 3000 }),
  ADMIN_EMAIL: email({ devDefault: 'admin@example.com' }),
});
"#;
        assert_eq!(
            names(&reads(Dialect::JavaScript, envalid)),
            vec![("API_KEY", false), ("PORT", true), ("ADMIN_EMAIL", false)]
        );
    }

    #[test]
    fn use_client_directive_only_in_the_prologue() {
        assert!(
            parse_module(
                Dialect::Tsx,
                b"'use client';\nexport default function A() {}\n"
            )
            .use_client
        );
        assert!(
            parse_module(Dialect::Tsx, b"// c\n\"use client\"\nimport x from 'y';\n").use_client
        );
        assert!(!parse_module(Dialect::Tsx, b"import x from 'y';\n'use client';\n").use_client);
    }
}

#[cfg(test)]
mod zod_env_tests {
    use crate::discover::Dialect;
    use crate::facts::EnvKey;
    use crate::parse::parse_module;

    #[test]
    fn zod_schema_parsed_from_process_env_reads_its_keys() {
        let source = b"import { z } from 'zod';\nconst schema = z.object({\n  PORT: z.coerce.number().default(8080),\n  DATABASE_URL: z.string().url(),\n}).strict();\nexport const env = schema.parse(process.env);\n";
        let facts = parse_module(Dialect::TypeScript, source);
        let reads: Vec<(&str, bool)> = facts
            .env_reads
            .iter()
            .map(|r| (r.name.as_str(), r.has_default))
            .collect();
        assert_eq!(reads, vec![("PORT", true), ("DATABASE_URL", false)]);
    }

    #[test]
    fn process_env_handed_to_an_unknown_call_is_a_dynamic_read() {
        let facts = parse_module(Dialect::JavaScript, b"validate(process.env);\n");
        assert_eq!(facts.env_reads.len(), 1);
        assert_eq!(facts.env_reads[0].key, EnvKey::Dynamic);
    }
}
