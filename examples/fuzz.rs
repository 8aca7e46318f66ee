//! A mutation fuzzer without compiler instrumentation (cargo-fuzz needs a nightly toolchain and
//! a sanitizer-instrumented rebuild of every dependency). It mutates the fixtures' own files and
//! checks two things on every input: nothing panics or hangs, and no human-readable output can
//! be hijacked (no raw control character, no line starting with `::`).
//!
//! Targets:
//! - `extract`: `parse_module` over JavaScript, TypeScript and TSX sources (all three grammars,
//!   the oxc fallback, the queries, the env/route/comment extraction).
//! - `tree`: a small app in a temporary directory whose `package.json`, `tsconfig.json`,
//!   `.env`, `.env.example`, `Dockerfile`, `docker-compose.yml`, `treeaudit.json` and sources
//!   are mutated, then analysed end to end and rendered as text (with and without colour),
//!   GitHub commands, dot, mermaid and plan text; `.env` text also goes through `dotenv_keys`.
//!
//! `cargo run --release --example fuzz -- TARGET SECONDS OUT_DIR [SEED]` (see benches/fuzz.sh).
//! Before each input is run it is written to `OUT_DIR/TARGET-current`, so an input that
//! aborts the process (a stack overflow) is still on disk; a panic or a violated property is
//! saved as `OUT_DIR/TARGET-crash-N` and the run goes on. An input taking over 10 s is a hang.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use treeaudit::discover::Dialect;

/// Tokens that matter to the grammars, the config parsers and the renderers.
const TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"(",
    b")",
    b"[",
    b"]",
    b"\"",
    b"'",
    b"`",
    b"${",
    b"/*",
    b"*/",
    b"//",
    b"\n",
    b"\r\n",
    b"\0",
    b"\xEF\xBB\xBF",
    b"\xFF",
    b"\xE2\x80\xAE",
    b"\x1b[31m",
    b"\x1b]0;t\x07",
    b"::error file=a.js,line=1::X",
    b"import ",
    b" from ",
    b"import(",
    b"require(",
    b"export ",
    b"export * from ",
    b"export default ",
    b"module.exports",
    b"exports.",
    b"process.env.",
    b"process.env[",
    b"import.meta.env.",
    b"Deno.env.get(",
    b"app.use(",
    b"router.get(",
    b"<",
    b">",
    b"</",
    b"=>",
    b"as ",
    b"type ",
    b"satisfies ",
    b"=",
    b"\\",
    b"../",
    b"./",
    b"../../",
    b"node:fs",
    b"@/",
    b"#",
    b":",
    b",",
    b"-",
    b"- ",
    b"  ",
    b"\t",
    b"ENV ",
    b"ARG ",
    b"FROM ",
    b"environment:",
    b"env_file:",
    b"extends",
    b"\"paths\"",
    b"\"dependencies\"",
    b"\"exports\"",
    b"\"type\": \"module\"",
    b"// treeaudit-ignore-next-line ",
    b"${A:-b}",
    b"export A=",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: fast, deterministic from the seed, good enough to pick mutations.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn mutate(rng: &mut Rng, seed: &[u8], other: &[u8]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..1 + rng.below(8) {
        let len = data.len();
        let at = rng.below(len + 1);
        match rng.below(9) {
            0 if len > 0 => data[at.min(len - 1)] ^= 1 << rng.below(8),
            1 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                data.splice(at..at, token.iter().copied());
            }
            2 if len > 0 => {
                let end = (at + 1 + rng.below(64)).min(len);
                data.drain(at.min(end)..end);
            }
            3 if len > 0 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(256)).min(len);
                let piece = data[start..end].to_vec();
                data.splice(at..at, piece);
            }
            4 if !other.is_empty() => {
                let start = rng.below(other.len());
                let end = (start + 1 + rng.below(512)).min(other.len());
                data.splice(at..at, other[start..end].iter().copied());
            }
            5 => data.truncate(at),
            6 => {
                // Deep nesting: the recursion a hostile file would try.
                let open = [b"(", b"[", b"{", b"<"][rng.below(4)];
                let depth = 1 + rng.below(3000);
                let nested: Vec<u8> = open.iter().copied().cycle().take(depth).collect();
                data.splice(at..at, nested);
            }
            7 => {
                let byte = rng.next() as u8;
                data.insert(at, byte);
            }
            _ => {
                let token = TOKENS[rng.below(TOKENS.len())];
                let times = 1 + rng.below(200);
                let repeated: Vec<u8> = token.repeat(times);
                data.splice(at..at, repeated);
            }
        }
    }
    data.truncate(256 * 1024);
    data
}

/// Every file under `dir` whose name satisfies `keep`.
fn files_under(dir: &Path, keep: &dyn Fn(&str) -> bool, out: &mut Vec<Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() && name != "node_modules" {
            files_under(&path, keep, out);
        } else if path.is_file()
            && keep(&name)
            && let Ok(bytes) = std::fs::read(&path)
            && bytes.len() <= 64 * 1024
        {
            out.push(bytes);
        }
    }
}

fn seeds(fixtures: &Path, keep: &dyn Fn(&str) -> bool, fallback: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    files_under(fixtures, keep, &mut out);
    out.push(fallback.to_vec());
    out
}

/// A property of the human-readable outputs: no raw control character other than newline
/// and tab, and no line starting with `::`.
fn check_output(format: &str, text: &str) -> Result<(), String> {
    if let Some(c) = text
        .chars()
        .find(|&c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(format!(
            "{format}: raw control character U+{:04X}",
            c as u32
        ));
    }
    if let Some(line) = text.lines().find(|l| l.starts_with("::")) {
        return Err(format!("{format}: line starts with `::`: {line}"));
    }
    Ok(())
}

struct TreeSeeds {
    files: Vec<(&'static str, Vec<Vec<u8>>)>,
}

fn tree_seeds(fixtures: &Path) -> TreeSeeds {
    let source = |n: &str| {
        [".js", ".ts", ".tsx", ".mjs", ".cjs", ".jsx"]
            .iter()
            .any(|e| n.ends_with(e))
    };
    TreeSeeds {
        files: vec![
            (
                "package.json",
                seeds(
                    fixtures,
                    &|n| n == "package.json",
                    br#"{"name":"api","type":"module","main":"src/index.js","dependencies":{"hono":"^4"}}"#,
                ),
            ),
            (
                "tsconfig.json",
                seeds(
                    fixtures,
                    &|n| n.starts_with("tsconfig"),
                    br#"{"extends":"./base.json","compilerOptions":{"baseUrl":".","paths":{"@/*":["src/*"]}}}"#,
                ),
            ),
            (".env", seeds(fixtures, &|n| n == ".env", b"DATABASE_URL=postgres://x\nexport A='b c'\n")),
            (".env.example", seeds(fixtures, &|n| n.starts_with(".env."), b"PORT=\nSECRET=\"a\nb\"\n")),
            ("Dockerfile", seeds(fixtures, &|n| n.contains("ockerfile"), b"FROM node:22\nENV PORT=3000 HOST=0.0.0.0\nARG TOKEN\nCMD [\"node\",\"src/index.js\"]\n")),
            ("docker-compose.yml", seeds(fixtures, &|n| n.contains("compose"), b"services:\n  api:\n    environment:\n      - REDIS_URL\n      API_KEY: x\n    env_file: .env\n")),
            ("treeaudit.json", seeds(fixtures, &|n| n == "treeaudit.json", br#"{"entries":["src/index.js"],"rules":{"unused-env":"off"}}"#)),
            ("src/index.js", seeds(fixtures, &source, b"import { Hono } from 'hono';\nimport users from './routes/users.ts';\nconst app = new Hono();\napp.route('/users', users);\nexport default app;\n")),
            ("src/routes/users.ts", seeds(fixtures, &source, b"import { db } from '@/db/client';\nexport default { get: () => db(process.env.DATABASE_URL) };\n")),
        ],
    }
}

fn run_extract(
    rng: &mut Rng,
    corpus: &[Vec<u8>],
    current: &Mutex<Vec<u8>>,
    out: &Path,
) -> Result<(), String> {
    let seed = &corpus[rng.below(corpus.len())];
    let other = &corpus[rng.below(corpus.len())];
    let mut input = mutate(rng, seed, other);
    let dialect = [Dialect::JavaScript, Dialect::TypeScript, Dialect::Tsx][rng.below(3)];
    input.insert(0, dialect as u8);
    remember(current, out, "extract", &input);
    let facts = treeaudit::parse::parse_module(dialect, &input[1..]);
    // Facts are data: they must serialise (the cache and JSON output do).
    serde_json::to_string(&facts).map_err(|e| format!("facts do not serialise: {e}"))?;
    Ok(())
}

fn run_tree(
    rng: &mut Rng,
    seeds: &TreeSeeds,
    root: &Path,
    current: &Mutex<Vec<u8>>,
    out: &Path,
) -> Result<(), String> {
    // Each input: every file from a random seed, 1 to 3 of them mutated.
    let mut record = Vec::new();
    let mutated: Vec<usize> = (0..1 + rng.below(3))
        .map(|_| rng.below(seeds.files.len()))
        .collect();
    let _ = std::fs::remove_dir_all(root);
    for (i, (name, list)) in seeds.files.iter().enumerate() {
        let seed = &list[rng.below(list.len())];
        let bytes = if mutated.contains(&i) {
            let other = rng.below(list.len());
            mutate(rng, seed, &list[other])
        } else {
            seed.clone()
        };
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).map_err(|e| e.to_string())?;
        std::fs::write(&path, &bytes).map_err(|e| e.to_string())?;
        record.extend_from_slice(format!("=== {name} {}\n", bytes.len()).as_bytes());
        record.extend_from_slice(&bytes);
        record.push(b'\n');
        if *name == ".env" {
            let _ = treeaudit::env::declarations::dotenv_keys(&String::from_utf8_lossy(&bytes));
        }
    }
    remember(current, out, "tree", &record);
    let _ = treeaudit::config::Config::discover(root, None);
    let project = match treeaudit::analyse(&treeaudit::AnalyseOptions {
        root: root.to_path_buf(),
        threads: 1,
        ..Default::default()
    }) {
        Ok(project) => project,
        Err(e) => return Err(format!("analyse failed on a readable tree: {e}")),
    };
    let report = treeaudit::report_for(&project, "app");
    check_output("text", &treeaudit::report::text::render(&report, false))?;
    // Coloured text has the renderer's own ESC sequences; it must only not panic.
    let _ = treeaudit::report::text::render(&report, true);
    let github = treeaudit::report::github::render(&report);
    if github.lines().any(|l| !l.starts_with("::")) {
        return Err(format!("github: a command spans lines:\n{github}"));
    }
    let view = treeaudit::graph::GraphView::of(&project, None, 1);
    use treeaudit::report::graph::GraphFormat;
    check_output(
        "dot",
        &treeaudit::report::graph::render(&view, GraphFormat::Dot),
    )?;
    check_output(
        "mermaid",
        &treeaudit::report::graph::render(&view, GraphFormat::Mermaid),
    )?;
    let knowledge = treeaudit::knowledge::knowledge_of(&project);
    if let Ok(plan) = treeaudit::plan::plan_tree(&project, &knowledge, &Default::default()) {
        check_output("plan", &treeaudit::report::plan::render_text(&plan))?;
        check_output(
            "plan mermaid",
            &treeaudit::report::plan::render_mermaid(&plan),
        )?;
    }
    Ok(())
}

fn remember(current: &Mutex<Vec<u8>>, out: &Path, target: &str, input: &[u8]) {
    let _ = std::fs::write(out.join(format!("{target}-current")), input);
    *current.lock().unwrap_or_else(|e| e.into_inner()) = input.to_vec();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: fuzz extract|tree SECONDS OUT_DIR [SEED]");
        std::process::exit(2);
    }
    let target = args[1].clone();
    let seconds: u64 = args[2].parse().expect("SECONDS");
    let out = PathBuf::from(&args[3]);
    let seed: u64 = args
        .get(4)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15);
    std::fs::create_dir_all(&out).expect("out dir");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let current = Arc::new(Mutex::new(Vec::new()));
    let started_input = Arc::new(AtomicU64::new(0));
    let clock = Instant::now();

    // A watchdog: an input running over 10 s is saved as a hang (the run then keeps waiting).
    {
        let current = Arc::clone(&current);
        let started_input = Arc::clone(&started_input);
        let out = out.clone();
        let target = target.clone();
        std::thread::spawn(move || {
            let mut reported = 0;
            loop {
                std::thread::sleep(Duration::from_secs(1));
                let started = started_input.load(Ordering::Relaxed);
                let now = clock.elapsed().as_millis() as u64;
                if started != 0 && started != reported && now.saturating_sub(started) > 10_000 {
                    reported = started;
                    let input = current.lock().unwrap_or_else(|e| e.into_inner()).clone();
                    let _ = std::fs::write(out.join(format!("{target}-hang-{started}")), input);
                    eprintln!("fuzz {target}: an input has run over 10 s (saved)");
                }
            }
        });
    }
    std::panic::set_hook(Box::new(|_| {}));
    let mut rng = Rng(seed | 1);
    let source = |n: &str| {
        [".js", ".ts", ".tsx", ".mjs", ".cjs", ".jsx"]
            .iter()
            .any(|e| n.ends_with(e))
    };
    let corpus = seeds(&fixtures, &source, b"export const a = 1;\n");
    let tree = tree_seeds(&fixtures);
    let scratch = tempfile::tempdir().expect("temp dir");
    let root = scratch.path().join("app");
    let (mut runs, mut crashes, mut slowest) = (0u64, 0u64, Duration::ZERO);
    while clock.elapsed() < Duration::from_secs(seconds) {
        started_input.store(clock.elapsed().as_millis() as u64 + 1, Ordering::Relaxed);
        let t = Instant::now();
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match target.as_str() {
                "extract" => run_extract(&mut rng, &corpus, &current, &out),
                "tree" => run_tree(&mut rng, &tree, &root, &current, &out),
                other => panic!("unknown target {other}"),
            }));
        started_input.store(0, Ordering::Relaxed);
        slowest = slowest.max(t.elapsed());
        runs += 1;
        let failure = match result {
            Ok(Ok(())) => None,
            Ok(Err(property)) => Some(property),
            Err(panic) => Some(
                panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "panic".to_string()),
            ),
        };
        if let Some(failure) = failure {
            crashes += 1;
            let input = current.lock().unwrap_or_else(|e| e.into_inner()).clone();
            let _ = std::fs::write(out.join(format!("{target}-crash-{crashes}")), &input);
            eprintln!(
                "fuzz {target}: failure {crashes}: {}",
                failure.lines().next().unwrap_or("")
            );
        }
    }
    let _ = std::fs::remove_file(out.join(format!("{target}-current")));
    println!(
        "fuzz {target}: {runs} inputs in {:.0} s, {crashes} failures, slowest input {:.2} s",
        clock.elapsed().as_secs_f64(),
        slowest.as_secs_f64()
    );
}
