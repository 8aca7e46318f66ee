#!/usr/bin/env python3
"""Verdicts on corpus findings. Each verdict rule below was written after reading the audited
code (see REPORT.md for the examples); a finding no rule covers is printed as UNJUDGED so it is
read by hand and a rule (or an explicit line) added.

    judge.py REPORTS_DIR OUT.md [--label before]
"""
import collections, json, os, re, sys

SRC = os.environ.get("REALWORLD_SRC", "/work/corpus/src")
CORPUS = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "CORPUS.json")))["trees"]
SAMPLE = 30
AFTER = False  # set by the caller for a run whose graph is no longer cut by unresolved imports

def spread(items, n):
    if len(items) <= n:
        return items
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]

# ---------- package.json knowledge of a tree ----------
def manifests(root):
    out = {}
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if x not in ("node_modules", ".git")]
        if "package.json" in files:
            try:
                out[os.path.relpath(d, root)] = json.load(open(os.path.join(d, "package.json")))
            except Exception:
                pass
    return out

def pkg_name(spec):
    if spec.startswith("@"):
        return "/".join(spec.split("/")[:2])
    return spec.split("/")[0]

def declared(m):
    s = set()
    for k in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
        s |= set((m.get(k) or {}).keys())
    return s

ALIAS_PREFIX = re.compile(r"^(~icons|\$app|\$lib|\$env|\$fresh|\$std|@site|src|node_modules|bun|astro:|virtual:|~|#)")
VIRTUAL = re.compile(r"^(virtual:|astro:|bun:|cloudflare:|jsr:|~icons/|\$app/|\$env/|astrowind:)")
GENERATED = re.compile(r"(generated|\+types|\$types|\.next/|routeTree\.gen|/graphql$|backend/graphql|generated-types)")

def judge_unlisted(tree, f, mans):
    spec = f.get("specifier") or re.sub(r"^`([^`]*)`.*", r"\1", f["message"])
    name = pkg_name(spec)
    if tree == "saaskit":
        return "F", "Deno app: bare specifier served by the deno.json import map"
    if ALIAS_PREFIX.match(spec):
        return "F", f"`{spec}` is an alias/virtual/baseUrl path, not a package"
    if name in ("server-only", "client-only"):
        return "F", "Next.js aliases `server-only`/`client-only` to its compiled copy"
    if re.match(r"^@(docusaurus|theme)/", spec):
        return "F", "Docusaurus alias served by @docusaurus/core"
    if name in ("bun",):
        return "F", "Bun builtin module"
    # package dir of the importing file
    fdir = os.path.dirname(f["file"])
    owners = sorted((d for d in mans if d == "." or fdir == d or fdir.startswith(d + "/")), key=len)
    own = owners[-1] if owners else "."
    for anc in owners[:-1]:
        if name in declared(mans[anc]):
            return "F", f"declared by the enclosing package `{anc}/package.json` (root node_modules is on the resolution path)"
    types_pkg = "@types/" + name.replace("@", "").replace("/", "__")
    if any(types_pkg in declared(mans[d]) for d in owners):
        try:
            line = open(os.path.join(f["_root"], f["file"])).read().splitlines()[f["line"] - 1]
        except Exception:
            line = ""
        type_only = (f["file"].endswith(".d.ts") or re.search(r"import\s+type\b|\bimport\(", line)
                     or re.fullmatch(r"\s*import\s*\{\s*(type\s+\w+\s*,?\s*)+\}.*", line)
                     or name in ("har-format", "estree"))
        if type_only:
            return "F", "type-only import served by the declared `@types` package (erased at runtime)"
    sib = sorted(d for d, m in mans.items() if name in declared(m) and d not in owners)
    if sib:
        more = f" (+{len(sib)-1} more)" if len(sib) > 1 else ""
        return "T", f"phantom: `{name}` declared by sibling workspace {sib[0]}{more}, not by `{own}` nor the root: resolves only by hoisting"
    return "T", f"`{name}` declared by no package.json (transitive only)"


EXTS = ("", ".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".d.ts", ".vue", ".svelte", ".json", "/index.ts", "/index.tsx", "/index.js", "/index.jsx", "/index.d.ts")
_files_cache = {}
def tree_files(root):
    if root not in _files_cache:
        out = set()
        for d, dirs, files in os.walk(root):
            dirs[:] = [x for x in dirs if x not in ("node_modules", ".git")]
            for fn in files:
                out.add(os.path.relpath(os.path.join(d, fn), root))
        _files_cache[root] = out
    return _files_cache[root]

_base_cache = {}
def target_exists(root, within, rest):
    """Is there a file `<within>/**/<rest>(ext)` in the tree? (rest without alias prefix)"""
    if root not in _base_cache:
        idx = collections.defaultdict(list)
        for f in tree_files(root):
            idx[os.path.basename(f)].append(f)
        _base_cache[root] = idx
    idx = _base_cache[root]
    rest = re.sub(r"\?.*$", "", rest)
    rest_noext = re.sub(r"\.(js|mjs|cjs|jsx)$", "", rest)
    for cand in (rest, rest_noext):
        for e in EXTS:
            full = cand + e
            suffix = "/" + full
            for f in idx.get(os.path.basename(full), ()):
                if (within == "." or f.startswith(within + "/")) and ("/" + f).endswith(suffix):
                    return True
    return False

def pkg_root(mans, name):
    for d, m in mans.items():
        if m.get("name") == name:
            return d
    return None

def judge_unresolved(tree, f, mans):
    v = judge_unresolved_inner(tree, f, mans)
    if v and v[0] == 'F' and v[1].startswith(('workspace package', 'tsconfig `paths` dropped', 'test excluded', 'tsconfig/vite alias')):
        spec = f.get('specifier', '')
        root = f['_root']
        if v[1].startswith('workspace package'):
            pr = pkg_root(mans, pkg_name(spec))
            rest = spec[len(pkg_name(spec)):].lstrip('/') or 'index'
            ok = pr is not None and (rest == 'index' or target_exists(root, pr, rest))
        else:
            rest = re.sub(r'^(@[a-z]*/|~/|#src/|@/)', '', spec)
            ok = target_exists(root, '.', rest)
        if not ok:
            return None
    return v

def judge_unresolved_inner(tree, f, mans):
    spec = f.get("specifier", "")
    wsnames = {m.get("name") for m in mans.values() if m.get("name")}
    if tree == "excalidraw" and spec.startswith("@site/static/img/undraw_docusaurus"):
        return "T", "image absent from dev-docs/static/img: Homepage/index.tsx is a dead duplicate of index.js with broken imports"
    if tree == "documenso" and spec.endswith("community-cards.png"):
        return "F", "corpus artifact: the file is in the repository but over the snapshot's 4 MiB limit"
    if tree == "excalidraw" and spec.startswith("@excalidraw/excalidraw/"):
        return "F", "unbuilt dist/: the workspace package `exports` (types, css) point at build output; source is in packages/*/src"
    if tree == "logto" and "jwt-customizer-type-definition" in spec:
        return "F", "generated by packages/console/generate.sh (gitignored)"
    if tree == "hoppscotch" and spec == "~/types/test-runner":
        return "T", "src/types/test-runner does not exist (TestResponse lives in src/types/index.ts); test excluded from tsc so nothing else catches it"
    if tree == "saaskit":
        return "F", "Deno import map (deno.json `@/`) not read"
    if VIRTUAL.match(spec):
        return "F", f"virtual/runtime module `{spec.split('/')[0]}`"
    if tree == "svelte.dev" and "/+assets/" in f["file"]:
        return "F", "tutorial content: a stand-alone snippet project (app-a/app-b overlays with its own `$lib`), not site code"
    if "?url" in spec:
        return "F", "Vite `?url` import of a file the build script generates (gitignored)"
    if GENERATED.search(spec):
        return "F", "generated code (Prisma/GraphQL codegen/React Router/Next/TanStack types), absent until generated"
    if pkg_name(spec) in wsnames:
        return "F", "workspace package (source in the tree) not resolved without node_modules"
    if re.match(r"^(vite|vitest|@vitejs/plugin-react|vite-plugin-pwa|@modelcontextprotocol/sdk|@langchain/langgraph)(/|$)", spec):
        return "F", "declared package; tsconfig `paths` exact key into node_modules taken as prefix / no fallback"
    if spec.startswith("../dist/") or "/dist/" in spec:
        return "F", "build output of this package (bin/types → dist), source exists"
    if re.match(r"^(@/|~/|#src/|@app/|@helpers/|@api/|@jobs/|@/\.)", spec):
        if tree == "hoppscotch" and "/__tests__/" in f["file"]:
            return "F", "test excluded from tsconfig but aliased by vite.config `~`"
        return "F", "tsconfig `paths` dropped (extends of an uninstalled/workspace package) or not applied"
    if re.match(r"^(@ac/|@experience/|@/)", spec):
        return "F", "tsconfig `paths` dropped (extends of an uninstalled package)"
    if re.search(r"(^|/)(db-entries|package-json\.js)", spec):
        return "F", "generated code (gitignored, produced by a package script)"
    if re.match(r"^(\.\./)+lib/", spec):
        return "F", "build output `lib/` of this package (tsconfig outDir); source in src/"
    if "connectors/templates/" in f["file"]:
        return "F", "connector template, copied to packages/connectors/<name>/ before use (excluded from the workspace)"
    if spec.startswith("./lib/") and tree == "logto":
        return "F", "build output `lib/` of this package (tsconfig outDir); source in src/"
    if spec.startswith("fumadocs-mdx:"):
        return "F", "virtual module served by the fumadocs-mdx plugin"
    if tree == "documenso" and f["file"] == "apps/remix/server/main.js":
        return "F", "production entry copied into build/server and run there (`node build/server/main.js`); imports the build output"
    if spec in ("@supabase/supabase-js", "@supabase/ssr"):
        return "F", "declared package (by this package or a sibling workspace); resolves through the install"
    if tree == "midday" and spec == "./useClickOutside":
        return "T", "stray copy apps/website/components/ imports a file that exists only under src/; tsc (include **/*.tsx) fails"
    if tree == "hoppscotch" and spec == "../steps":
        return "T", "helpers/import-export/steps does not exist (type import; tsc fails)"
    if tree == "astrowind" and spec == "./config":
        return "T", "vendor/integration/config does not exist: the declared types silently become any"
    if tree == "hoppscotch" and spec.startswith("~/"):
        return "F", "tsconfig/vite alias `~`"
    return None

SYNTAX = [
    (r"missing `!`", "styled-components / drizzle `sql` generic tagged template `x<T>`…``"),
    (r"unexpected `type`", "`export type * from`"),
    (r"unexpected `&", "`&` in JSX text or in a JSX attribute string"),
    (r"unexpected `>\(\)`", "`fn<typeof import(\"x\")>()` type argument"),
    (r"import\(", "`import(\"x\").T` type in .tsx"),
    (r"missing `}`", "`import(\"x\").T` type in .tsx"),
    (r"unexpected `void`", "overload call signature `<A>(…): void` on its own line"),
    (r"unexpected `string`", "type member named `in`"),
    (r"unexpected `:`", "`satisfies` used as an identifier"),
    (r"export \{ default as", "import attributes on `export … from … with {type:'json'}`"),
    (r"\\u00", "`String.raw` with an invalid escape"),
    (r"SlidePanel", "valid TSX (compound component in JSX attribute)"),
]

def judge_syntax(tree, f, mans):
    for pat, why in SYNTAX:
        if re.search(pat, f["message"]):
            return "F", "valid TS/TSX: " + why
    return None

ENV_TRUE = {
    ("openstatus", "NEXT_PUBLIC_SENTRY_DSN_FRONTEND"): "read with no default; .env.example declares only NEXT_PUBLIC_SENTRY_DSN (Sentry silently off)",
    ("openstatus", "NEXT_PUBLIC_PAGERDUTY_APP_ID"): "inlined in a URL with no default; env files declare only PAGERDUTY_APP_ID",
    ("openstatus", "NEXT_PUBLIC_TELEGRAM_BOT_USERNAME"): "inlined in a t.me URL with no default; declared nowhere",
}
ENV_FALSE_TREE = {
    "midday": "declared in apps/*/.env-template or .env-example (file names not read), or read optionally (`if (X)`, `??`)",
    "uptime-kuma": "optional: `||`/array fallback, `if (X)` guard, `=== 'bypass'`, Windows platform var, or maintainer script (extra/) fed by workflow env",
    "umami": "optional (`if (x)`, Boolean flag guarding the client factory, undefined config value) or a next.config `env` key",
    "documenso": "guarded by `if (process.env.X)` / early return before use",
    "logto": "optional: `??` chain, normalizeEnv()/yes() returning undefined, Boolean flag, parse helper with default",
    "excalidraw": "optional: global assigned or ternary-guarded, provided by the build (define)",
    "hoppscotch": "declared in .env.example by a line with an unquoted value containing spaces",
    "postiz": "guarded: `if (!id)` skip / `if (!X) return true` before use",
    "unkey": "optional: `if (!url) return`, last operand of `??`, logging field, helper that skips when undefined, or maintainer script with explicit check",
    "zipline": "log message inside catch; DATABASE_URL is assigned from config before Prisma runs",
}

ENV_TRUE.update({
    ("midday", "PLAIN_API_KEY"): "server action in apps/website needs it (`!`), but only apps/dashboard/.env-example declares it; apps/website/.env-template lacks it",
    ("postiz", "BACKEND_URL"): "fetchBackend's baseUrl (`process.env.BACKEND_URL!`) with no default; env files and compose declare only NEXT_PUBLIC_BACKEND_URL",
})
ENV_FALSE_VAR = {
    ("documenso", "NEXT_PRIVATE_DOCUMENT_CONVERSION_URL"): "returned as `string | undefined` (optional feature); .env.example documents it commented",
    ("documenso", "NEXT_PRIVATE_UPLOAD_AZURE_ACCOUNT_NAME"): "only on the `azure-blob` upload transport (switch in providers/index.ts:22): optional feature path",
    ("documenso", "NEXT_PRIVATE_UPLOAD_AZURE_ACCOUNT_KEY"): "only on the `azure-blob` upload transport: optional feature path",
    ("documenso", "NEXT_PRIVATE_UPLOAD_AZURE_CONTAINER"): "only on the `azure-blob` upload transport: optional feature path",
    ("documenso", "NEXT_PRIVATE_UPLOAD_DISTRIBUTION_DOMAIN"): "guarded by `if (env('NEXT_PRIVATE_UPLOAD_DISTRIBUTION_DOMAIN'))`",
    ("documenso", "NEXT_PRIVATE_UPLOAD_DISTRIBUTION_KEY_ID"): "inside the `if (DISTRIBUTION_DOMAIN)` branch; listed in turbo.json env",
    ("documenso", "NEXT_PRIVATE_UPLOAD_DISTRIBUTION_KEY_CONTENTS"): "inside the `if (DISTRIBUTION_DOMAIN)` branch; listed in turbo.json env",
    ("logto", "DATABASE_STATEMENT_TIMEOUT"): "passed to parseTimeoutEnv, which returns a default for undefined",
    ("unkey", "NEXT_PUBLIC_APP_VERSION"): "optional logging field",
    ("postiz", "NEXT_PUBLIC_UPLOAD_STATIC_DIRECTORY"): "optional prop of the client provider; .env.example documents it commented",
    ("postiz", "NEXT_PUBLIC_SENTRY_DSN"): "optional prop (Sentry off when unset); docker-compose.yaml documents it commented",
}
for _v in ("MCP_URL", "NEXT_PUBLIC_FACEBOOK_PIXEL", "TELEGRAM_BOT_NAME", "NEYNAR_CLIENT_ID", "NEXT_PUBLIC_GTM_ID",
           "NEXT_PUBLIC_TRACKING_TRIAL", "NEXT_PUBLIC_POSTHOG_KEY", "NEXT_PUBLIC_POSTHOG_HOST"):
    ENV_FALSE_VAR[("postiz", _v)] = "optional prop of the client provider in (app)/layout.tsx: the feature is off when unset"

def judge_env(tree, f, mans):
    var = re.sub(r"^`([^`]*)`.*", r"\1", f["message"])
    if (tree, var) in ENV_TRUE:
        return "T", ENV_TRUE[(tree, var)]
    if (tree, var) in ENV_FALSE_VAR:
        return "F", ENV_FALSE_VAR[(tree, var)]
    if tree in ENV_FALSE_TREE:
        return "F", ENV_FALSE_TREE[tree]
    return None

def judge_missing_export(tree, f, mans):
    m = f["message"]
    if "RunQueryOptions" in m:
        return "T", "type declared but not exported in connection.ts (tsc TS2459)"
    if "HoppRESTReqBodyFormData" in m:
        return "T", "declared in hoppscotch-data src/rest/v/1.ts but rest/index.ts re-exports only chosen names: not exported by the package"
    if "`Cookie`" in m:
        return "T", "src/types/index.ts imports Cookie from @hoppscotch/data but does not re-export it"
    if "RouterOutputs" in m:
        return "T", "apps/dashboard/src/trpc/client.tsx exports no RouterOutputs (the .d.ts is skipped by skipLibCheck, so the type is silently any)"
    if "./dist/" in m:
        return "F", "re-export of the package's own build output (dist/ unbuilt)"
    if "?worker" in m:
        return "F", "Vite `?worker&inline` import has a default export"
    if "PMRawLanguage" in m or "StartOrEnd" in m:
        return "F", "top-level declaration of a .d.ts module is exported implicitly"
    return None

JUDGES = {
    "unresolved-import": judge_unresolved,
    "unlisted-dependency": judge_unlisted,
    "syntax-error": judge_syntax,
    "undeclared-env": judge_env,
    "missing-export": judge_missing_export,
}

def main():
    rep, outmd = sys.argv[1], sys.argv[2]
    label = sys.argv[3] if len(sys.argv) > 3 else os.path.basename(rep.rstrip("/"))
    summary = collections.defaultdict(lambda: [0, 0, 0, 0])  # errors, judged, true, false
    lines = [f"## Errors judged ({label})\n"]
    unjudged = []
    per_tree_gate = []
    for t in CORPUS:
        name = t["name"]
        path = os.path.join(rep, name + ".json")
        if not os.path.exists(path):
            continue
        data = json.load(open(path))
        root = os.path.join(SRC, t["checkout"], t.get("path", "."))
        mans = manifests(root)
        errs = [f for f in data["findings"] if f["severity"] == "error"]
        by_rule = collections.defaultdict(list)
        for f in errs:
            by_rule[f["rule"]].append(f)
        lines.append(f"\n### {name} ({len(errs)} errors)\n")
        if not errs:
            lines.append("No error.\n")
        tree_true = 0
        for rule in sorted(by_rule):
            items = sorted(by_rule[rule], key=lambda x: (x["file"], x["line"]))
            verdicts = []
            for f in items:
                f['_root'] = root
                v = JUDGES.get(rule, lambda *a: None)(name, f, mans)
                if v is None:
                    unjudged.append((name, f))
                    v = ("?", "UNJUDGED")
                verdicts.append((f, v))
            s = summary[rule]
            s[0] += len(items)
            s[1] += sum(1 for _, v in verdicts if v[0] != "?")
            s[2] += sum(1 for _, v in verdicts if v[0] == "T")
            s[3] += sum(1 for _, v in verdicts if v[0] == "F")
            tree_true += sum(1 for _, v in verdicts if v[0] == "T")
            shown = spread(verdicts, SAMPLE)
            note = f" (sample of {len(shown)} of {len(items)}; all classified by the same reading)" if len(shown) < len(items) else ""
            nt = sum(1 for _, v in verdicts if v[0] == "T")
            lines.append(f"\n**{rule}**: {len(items)} errors, {nt} true{note}\n\n| file:line | finding | verdict | reason |\n|---|---|---|---|")
            for f, v in shown:
                msg = " ".join(f["message"].split())[:90].replace("|", "\\|")
                lines.append(f"| {f['file']}:{f['line']} | {msg} | {'true' if v[0]=='T' else 'false' if v[0]=='F' else '?'} | {v[1].replace('|', '/')} |")
        per_tree_gate.append((name, len(errs), tree_true))
    head = [f"## Summary ({label})\n", "| rule | errors | true | false | precision |", "|---|---|---|---|---|"]
    te = tt = tf = 0
    for rule in sorted(summary):
        e, j, tr, fa = summary[rule]
        te += e; tt += tr; tf += fa
        prec = f"{100*tr/j:.1f}%" if j else "-"
        head.append(f"| {rule} | {e} | {tr} | {fa} | {prec} |")
    head.append(f"| **all** | {te} | {tt} | {tf} | {100*tt/max(1,tt+tf):.1f}% |")
    head.append("\n| tree | errors | true errors | fails gate | fails gate on false errors only |\n|---|---|---|---|---|")
    for n, e, tr in per_tree_gate:
        head.append(f"| {n} | {e} | {tr} | {'yes' if e else 'no'} | {'yes' if e and not tr else 'no'} |")
    with open(outmd, "w") as o:
        o.write("\n".join(head + [""] + lines) + "\n")
    for n, f in unjudged:
        print("UNJUDGED", n, f["rule"], f"{f['file']}:{f['line']}", f["message"][:150], f.get("specifier", ""))
    print("\n".join(head))

if len(sys.argv) > 3 and "after" in sys.argv[3]:
    AFTER = True
if len(sys.argv) > 1 and sys.argv[1] != '--compare':
    main()

# ---------------- warnings (issues 12, 13 targets) ----------------
UNREACH_TRUE = {
    ("documenso", "apps/docs/src/lib/merge-refs.ts"): "no file imports it",
    ("midday", "apps/website/src/components/sections/weekly-audio-section.tsx"): "no file imports it",
    ("hoppscotch", "packages/hoppscotch-backend/src/types/Email.ts"): "no backend file imports it",
    ("uptime-kuma", "extra/remove-empty-lang-keys.js"): "manual script, nothing runs it",
    ("uptime-kuma", "extra/healthcheck.js"): "legacy: the Docker HEALTHCHECK runs the Go binary extra/healthcheck, nothing runs the .js",
    ("excalidraw", "scripts/buildDocs.js"): "manual script, no package.json script or workflow runs it",
    ("excalidraw", "scripts/buildWasm.js"): "manual script, no package.json script or workflow runs it",
    ("zipline", "src/components/Card.tsx"): "no file imports it",
    ("unkey", "internal/icons/src/template.tsx"): "no file imports it; the package exports only src/index.ts",
    ("unkey", "internal/clickhouse/src/testutil.ts"): "no file imports it and the package exports only src/index.ts",
}
UNREACH_F_PAT = [
    ("logto", r"mdx-components/|assets/docs/guides/|components/Index/|types/guide\.ts", "imported from .mdx guides (MDX files are not analysed)"),
    ("logto", r"workers/tasks/", "worker pool loads it by file path"),
    ("logto", r"packages/schemas/src/gen/", "run by the schema build (tsconfig.build.gen.json, `gen` script)"),
    ("logto", r"packages/console/scripts/", "compiled to scripts-js/ and run by console/generate.sh"),
    ("logto", r"jest\.transform\.cjs$", "jest transform named in jest.config.ts"),
    ("midday", r"(^|/)evals/", "evaluation suite discovered and run by `evalite` (apps/api `eval` script)"),
]
UNREACH_T_PAT = [
    ("documenso", r"^packages/api/v1/examples/", "API usage example: nothing runs or imports it"),
    ("documenso", r"^packages/(ee|prisma|trpc)/", "no file imports it (checked by grep)"),
    ("postiz", r"^apps/frontend/src/components/", "no file imports it (checked by grep; the imported translated-label lives in libraries/)"),
    ("logto", r"^packages/connectors/.*/src/(mock|utils)\.ts$", "no file of the connector imports it"),
    ("logto", r"generate-metadata\.js$", "no script or file runs it"),
    ("logto", r"ProtectedAppForm/types\.ts$", "index.tsx next to it does not import it; nothing else does"),
    ("midday", r"/scripts/", "manual script: no package.json script runs it"),
    ("midday", r"^packages/app-store/src/[^/]+/(config|index)\.ts$|^packages/app-store/src/[^/]+/assets/", "app not registered in app-store/src/index.ts (which imports config-client files)"),
    ("midday", r"^apps/(dashboard|website|worker)/|^packages/(email|documents|jobs)/", "no file imports it (checked by grep; same-named imports point at other files, e.g. next's error-boundary)"),
]

def judge_unreach(tree, f):
    p = f["file"]
    if (tree, p) in UNREACH_TRUE:
        return "T", UNREACH_TRUE[(tree, p)]
    for t, pat, why in UNREACH_F_PAT:
        if t == tree and re.search(pat, p):
            return "F", why
    if AFTER:
        for t, pat, why in UNREACH_T_PAT:
            if t == tree and re.search(pat, p):
                return "T", why
        if tree in ("documenso", "logto", "midday", "postiz"):
            return None  # the before-run causes (graph cut by unresolved imports) no longer apply: read it
    if tree == "unkey" and p.startswith("tools/migrate/"):
        return "T", "one-off migration script: no package.json script runs it"
    if tree == "unkey" and p.startswith("internal/api/src/"):
        return "F", "public entry of @unkey/api through the `exports` `./*` subpath pattern"
    if p.endswith(".test-d.ts"):
        return "F", "vitest type test"
    if tree == "documenso":
        return "F", "reached through workspace-package imports (`@documenso/trpc/...`, `@documenso/lib/...`) that are unresolved: graph cut"
    if tree == "logto":
        if p.startswith("packages/schemas/alterations/"):
            return "F", "loaded by directory by the `logto db alteration` CLI"
        if p.startswith(".scripts/"):
            return "F", "run by .github/workflows/main.yml"
        return "F", "reached through `@/`/`#src/`/`@ac/` tsconfig paths dropped with an uninstalled `extends`: graph cut"
    if tree == "midday":
        return "F", "reached through `@/` paths dropped (tsconfig extends the workspace package @midday/tsconfig): graph cut"
    if tree == "postiz":
        return "F", "Next.js app router not detected (apps/frontend declares no `next`, the root does): pages are no entries"
    if tree == "hoppscotch":
        if p.endswith("prod_run.mjs"):
            return "F", "prod.Dockerfile copies it and runs `CMD node prod_run.mjs`"
        if p.endswith("kernel.js"):
            return "F", "embedded by Rust `include_str!(\"kernel.js\")` in lib.rs"
    if tree == "uptime-kuma":
        if p.startswith("extra/"):
            return "F", "run by a workflow, Dockerfile, package.json script or playwright webServer.command"
        if p.startswith("public/"):
            return "F", "served from public/ and registered by URL (service worker)"
        return "F", "imported by .vue single-file components (their <script> imports are not seen)"
    if tree == "zipline" and p.startswith(".yarn/"):
        return "F", "yarn plugin loaded through .yarnrc.yml"
    if tree == "svelte.dev":
        if "/scripts/" in p:
            return "F", "forked by path from scripts/update.js (`fork(`${dir}/x.js`)`), run by package.json dev/build"
        return "F", "imported from .svelte components / SvelteKit route files (not seen)"
    if tree == "umami":
        if p.startswith("cypress/"):
            return "F", "Cypress support file"
        if p.startswith("docker/"):
            return "F", "Dockerfile copies it into src/ (`COPY docker/proxy.ts ./src`)"
    if tree == "openstatus" and p == "knip.ts":
        return "F", "knip configuration, read by the `knip` script"
    return None

def judge_devdep(tree, f):
    p = f["file"]
    if re.search(r"(^|/)(scripts?|extra|tools|\.scripts|e2e)/|\.config\.|jest\.preset|type-check\.mjs|env\.cjs", p):
        return "F", "build config / maintainer or test script, not production runtime"
    if tree in ("documenso",):
        return "F", "`@prisma/client` is a `dependency` of workspace @documenso/prisma (installed in production); apps/remix is Vite-built"
    if tree == "hoppscotch" and "hoppscotch-cli" in p:
        return "F", "tsup-bundled CLI: devDependencies are inlined into dist"
    if tree == "logto":
        return "F", "Vite-bundled SPA (experience/account/console/demo apps): the bundle inlines it"
    if tree == "midday":
        return "F", "bundled UI (packages/ui consumed by Next apps; workbench src/ui built by `vite build`)"
    if tree == "svelte.dev":
        return "F", "SvelteKit/Vite-built site (deps are devDependencies by convention) or its build-time library"
    if tree == "uptime-kuma" and p.startswith("src/"):
        return "F", "Vue frontend bundled by Vite"
    return None

def judge_client_env(tree, f):
    if tree == "postiz":
        return "T", "client component reads NEYNAR_LOGIN_URL: undefined in the browser, so the setting never applies (default always used)"
    reasons = {
        "hoppscotch": "test file, or guarded by `typeof process !== 'undefined'` (runs under Vitest)",
        "logto": "vite.config `define` injects `import.meta.env.X` from process.env at build",
        "umami": "next.config `env` key: inlined into the client bundle",
        "unkey": "server-only branch (`if (typeof window !== 'undefined') return ''` comes first)",
        "uptime-kuma": "shared util guarded by `typeof process !== 'undefined'` (server path only)",
    }
    return ("F", reasons[tree]) if tree in reasons else None

WJ = {"unreachable-file": judge_unreach, "dev-dependency-at-runtime": judge_devdep, "client-env-exposure": judge_client_env}

def warnings(rep, outmd, label):
    lines = [f"\n## Warnings judged ({label}): unreachable-file, dev-dependency-at-runtime, client-env-exposure\n",
             f"At most {SAMPLE} per rule per tree, spread evenly over the sorted list.\n"]
    summ = collections.defaultdict(lambda: [0, 0, 0, 0])
    unj = []
    for t in CORPUS:
        name = t["name"]
        path = os.path.join(rep, name + ".json")
        if not os.path.exists(path):
            continue
        data = json.load(open(path))
        for rule, fn in WJ.items():
            items = sorted((f for f in data["findings"] if f["rule"] == rule and f["severity"] == "warning"), key=lambda x: (x["file"], x["line"]))
            if not items:
                continue
            shown = spread(items, SAMPLE)
            vs = []
            for f in shown:
                v = fn(name, f)
                if v is None:
                    unj.append((name, f)); v = ("?", "UNJUDGED")
                vs.append((f, v))
            s = summ[rule]
            s[0] += len(items); s[1] += len(shown)
            s[2] += sum(1 for _, v in vs if v[0] == "T"); s[3] += sum(1 for _, v in vs if v[0] == "F")
            lines.append(f"\n### {name}: {rule} ({len(items)} warnings, {len(shown)} judged)\n\n| file:line | finding | verdict | reason |\n|---|---|---|---|")
            for f, v in vs:
                msg = " ".join(f["message"].split())[:80].replace("|", "\\|")
                lines.append(f"| {f['file']}:{f['line']} | {msg} | {'true' if v[0]=='T' else 'false' if v[0]=='F' else '?'} | {v[1]} |")
    head = [f"\n## Warning summary ({label})\n", "| rule | warnings | judged | true | false | precision (judged) |", "|---|---|---|---|---|---|"]
    for rule in sorted(summ):
        w, j, tr, fa = summ[rule]
        head.append(f"| {rule} | {w} | {j} | {tr} | {fa} | {100*tr/max(1,tr+fa):.1f}% |")
    with open(outmd, "a") as o:
        o.write("\n".join(head + lines) + "\n")
    for n, f in unj:
        print("UNJUDGED-W", n, f["rule"], f"{f['file']}:{f['line']}", f["message"][:120])
    print("\n".join(head))


def tally(rep):
    """(per rule: errors, true, false), (per tree: errors, true, exit), warnings judged per rule."""
    rules = collections.defaultdict(lambda: [0, 0, 0])
    trees = {}
    warn = collections.defaultdict(lambda: [0, 0, 0])
    for t in CORPUS:
        path = os.path.join(rep, t["name"] + ".json")
        if not os.path.exists(path):
            continue
        data = json.load(open(path))
        root = os.path.join(SRC, t["checkout"], t.get("path", "."))
        mans = manifests(root)
        e = tr = 0
        for f in data["findings"]:
            f["_root"] = root
            if f["severity"] == "error":
                v = JUDGES.get(f["rule"], lambda *a: None)(t["name"], f, mans) or ("?", "")
                r = rules[f["rule"]]
                r[0] += 1; r[1] += v[0] == "T"; r[2] += v[0] == "F"
                e += 1; tr += v[0] == "T"
        for rule, fn in WJ.items():
            items = sorted((f for f in data["findings"] if f["rule"] == rule and f["severity"] == "warning"), key=lambda x: (x["file"], x["line"]))
            w = warn[rule]
            w[0] += len(items)
            for f in spread(items, SAMPLE):
                v = fn(t["name"], f) or ("?", "")
                w[1] += v[0] == "T"; w[2] += v[0] == "F"
        ex = open(os.path.join(rep, t["name"] + ".exit")).read().split()[0] if os.path.exists(os.path.join(rep, t["name"] + ".exit")) else "?"
        trees[t["name"]] = (e, tr, ex, data["summary"].get("files"))
    return rules, trees, warn

def pct(t, f):
    return f"{100*t/(t+f):.1f}%" if t + f else "-"

def compare(before, after, la, lb):
    global AFTER
    AFTER = False
    rb, tb, wb = tally(before)
    AFTER = True
    ra, ta, wa = tally(after)
    out = [f"## Before / after ({la} → {lb})\n", "| rule | errors before | true before | precision before | errors after | true after | unjudged after | precision after |", "|---|---|---|---|---|---|---|---|"]
    for rule in sorted(set(rb) | set(ra)):
        b = rb.get(rule, [0, 0, 0]); a = ra.get(rule, [0, 0, 0])
        out.append(f"| {rule} | {b[0]} | {b[1]} | {pct(b[1], b[2])} | {a[0]} | {a[1]} | {a[0]-a[1]-a[2]} | {pct(a[1], a[2])} |")
    B = [sum(x[i] for x in rb.values()) for i in range(3)]; A = [sum(x[i] for x in ra.values()) for i in range(3)]
    out.append(f"| **all errors** | {B[0]} | {B[1]} | {pct(B[1], B[2])} | {A[0]} | {A[1]} | {A[0]-A[1]-A[2]} | {pct(A[1], A[2])} |")
    out += ["", "| warning rule (judged samples) | warnings before | precision before | warnings after | precision after |", "|---|---|---|---|---|"]
    for rule in sorted(set(wb) | set(wa)):
        b = wb.get(rule, [0, 0, 0]); a = wa.get(rule, [0, 0, 0])
        out.append(f"| {rule} | {b[0]} | {pct(b[1], b[2])} | {a[0]} | {pct(a[1], a[2])} |")
    out += ["", "| tree | files | errors before | true before | exit before | errors after | true after | exit after | fails gate on false errors only (after) |", "|---|---|---|---|---|---|---|---|---|"]
    for name in [t["name"] for t in CORPUS]:
        b = tb.get(name, ("-", "-", "-", "-")); a = ta.get(name, ("-", "-", "-", "-"))
        only_false = "yes" if a[0] not in ("-", 0) and a[1] == 0 else "no"
        out.append(f"| {name} | {a[3]} | {b[0]} | {b[1]} | {b[2]} | {a[0]} | {a[1]} | {a[2]} | {only_false} |")
    print("\n".join(out))

if len(sys.argv) > 1 and sys.argv[1] == "--compare":
    compare(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else "before", sys.argv[5] if len(sys.argv) > 5 else "after")
else:
    warnings(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "")
