; TypeScript-only constructs, appended to javascript.scm for the TypeScript and TSX grammars.

; declare module 'x' { … } in a .d.ts: declares the exports of another module
(ambient_declaration
  (module
    name: (string))) @ambient_module
