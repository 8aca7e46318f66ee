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
