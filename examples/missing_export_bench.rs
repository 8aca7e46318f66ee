//! Times `check` with and without `missing-export` on one tree, in one run:
//! `cargo run --release --example missing_export_bench -- PATH [ROUNDS]`.
//! Prints the analysis time (discover + parse + resolve, shared by both), the other rules, and
//! missing-export alone, so the rule's cost is a ratio against the rest of `check`.

use std::time::{Duration, Instant};

use treeaudit::checks::RULES;
use treeaudit::{AnalyseOptions, analyse};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let root = args
        .next()
        .ok_or("usage: missing_export_bench PATH [ROUNDS]")?;
    let rounds: u32 = args.next().map_or(Ok(5), |r| r.parse())?;
    let (mut analysis, mut others, mut rule) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let mut files = 0;
    let mut findings = 0;
    for _ in 0..rounds {
        let start = Instant::now();
        let project = analyse(&AnalyseOptions {
            root: root.clone().into(),
            ..Default::default()
        })?;
        analysis += start.elapsed();
        files = project.modules.len();
        let mut out = Vec::new();
        let start = Instant::now();
        for r in RULES.iter().filter(|r| r.name != "missing-export") {
            (r.check)(&project, &mut out);
        }
        others += start.elapsed();
        let before = out.len();
        let start = Instant::now();
        for r in RULES.iter().filter(|r| r.name == "missing-export") {
            (r.check)(&project, &mut out);
        }
        rule += start.elapsed();
        findings = out.len() - before;
    }
    let per = |d: Duration| d.as_secs_f64() * 1000.0 / f64::from(rounds);
    let without = per(analysis) + per(others);
    println!("{files} files, {rounds} rounds, {findings} missing-export findings");
    println!(
        "check without missing-export: {without:.1} ms (analysis {:.1} ms, other rules {:.1} ms)",
        per(analysis),
        per(others)
    );
    println!("missing-export alone:          {:.1} ms", per(rule));
    println!(
        "check with missing-export:    {:.1} ms (+{:.1}%)",
        without + per(rule),
        100.0 * per(rule) / without
    );
    Ok(())
}
