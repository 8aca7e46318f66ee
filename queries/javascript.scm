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

; --- suppression comments ---
; // treeaudit-ignore-next-line RULE -- reason
((comment) @suppression
  (#match? @suppression "treeaudit-ignore"))
