; Import/export extraction shared by the JavaScript, TypeScript and TSX grammars.
; Each capture names a construct; src/parse/extract.rs reads the captured node's children.

(import_statement) @import

(export_statement) @export

; require('x'), and require.resolve('x')
(call_expression
  function: (identifier) @_require
  arguments: (arguments)
  (#eq? @_require "require")) @require

(call_expression
  function: (member_expression
    object: (identifier) @_require
    property: (property_identifier) @_resolve)
  (#eq? @_require "require")
  (#eq? @_resolve "resolve")) @require.resolve

; import('x')
(call_expression
  function: (import)) @dynamic_import

; module.exports = …, module.exports.a = …, exports.a = …
(assignment_expression
  left: (member_expression)) @commonjs.assign

; Object.defineProperty(exports, 'a', …)
(call_expression
  function: (member_expression
    object: (identifier) @_object
    property: (property_identifier) @_define)
  (#eq? @_object "Object")
  (#eq? @_define "defineProperty")) @commonjs.define

; --- env reads ---
; process.env / Bun.env / Deno.env: the handler looks at how the object is used (`.X`,
; `['X']`, destructuring, aliasing, `.get('X')`).
(member_expression
  object: (identifier) @_env_owner
  property: (property_identifier) @_env_property
  (#any-of? @_env_owner "process" "Bun" "Deno")
  (#eq? @_env_property "env")) @env.object

; import.meta.env
(member_expression
  object: (meta_property) @_meta
  property: (property_identifier) @_env_property
  (#eq? @_meta "import.meta")
  (#eq? @_env_property "env")) @env.object

; t3-env createEnv({ server, client, shared }) and envalid cleanEnv(process.env, { … })
(call_expression
  function: [
    (identifier) @_env_schema
    (member_expression property: (property_identifier) @_env_schema)
  ]
  (#any-of? @_env_schema "createEnv" "cleanEnv")) @env.schema

; 'use client' directive
(program
  (expression_statement (string) @env.directive))
; --- routes: mounts, bindings, router prefixes, directory loaders, comments ---
; app.use(…), app.route('/x', sub), fastify.register(plugin, { prefix })
(call_expression
  function: (member_expression
    property: (property_identifier) @_mount_method)
  arguments: (arguments)
  (#any-of? @_mount_method "use" "lazyUse" "route" "register")) @route.mount

; require('./routes')(app), registerRoutes(app)
(call_expression
  function: [(identifier) (call_expression)]
  arguments: (arguments . (identifier) @_mount_arg)
  (#any-of? @_mount_arg "app" "server" "router" "fastify" "api" "application" "instance")) @route.registration

; const r = require('./r'), const r = require('./r').default, const r = await import('./r')
(variable_declarator
  name: (identifier)
  value: [(call_expression) (member_expression) (await_expression)]) @route.binding

; import * as r from './r'
(namespace_import (identifier)) @route.namespace

; new Router({ prefix: '/x' })
(new_expression
  arguments: (arguments (object))) @route.new_router

; new Hono().basePath('/x'), app.basePath('/x')
(call_expression
  function: (member_expression
    property: (property_identifier) @_base_path)
  (#eq? @_base_path "basePath")) @route.base_path

; fs.readdirSync(dir), readdir(dir)
(call_expression
  function: [(identifier) (member_expression)] @_readdir
  (#match? @_readdir "readdir(Sync)?$")) @route.readdir

; import.meta.glob('./routes/*.ts')
(call_expression
  function: (member_expression
    property: (property_identifier) @_glob)
  (#eq? @_glob "glob")) @route.glob

; path.join(__dirname, 'helpers'), path.resolve(__dirname, 'routes')
(call_expression
  function: (member_expression
    object: (identifier) @_path
    property: (property_identifier) @_join)
  (#eq? @_path "path")
  (#any-of? @_join "join" "resolve")) @route.path_reference

; every comment: commented-out code (routes), source-map markers, and
; `// treeaudit-ignore-next-line RULE -- reason` suppressions (one capture serves all three)
(comment) @comment
; --- missing-export: CommonJS shapes ---
; exports[key] = …, module.exports['a-b'] = …
(assignment_expression
  left: (subscript_expression)) @commonjs.assign_computed

; Object.assign(module.exports, …), Object.defineProperties(exports, …)
(call_expression
  function: (member_expression
    object: (identifier) @_object
    property: (property_identifier) @_method)
  (#eq? @_object "Object")
  (#any-of? @_method "assign" "defineProperties")) @commonjs.object_call

; --- reachability: path strings, require('path').join ---
(string) @route.path_string

; require('path').resolve(__dirname, 'clean-tokens.js')
(call_expression
  function: (member_expression
    object: (call_expression
      function: (identifier) @_require_path)
    property: (property_identifier) @_join_path)
  (#eq? @_require_path "require")
  (#any-of? @_join_path "join" "resolve")) @route.path_reference
