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
