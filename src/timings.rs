//! `--timings`: where a run spends its time. Stages record their wall time; the per-file
//! work done in parallel (reading, parsing, the fact cache) records the time summed over the
//! worker threads, so a breakdown shows both what the user waits for and what the cores did.
//! Off unless asked for: a disabled timer costs one relaxed atomic load.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

static ENABLED: AtomicBool = AtomicBool::new(false);
static STAGES: Mutex<Vec<(String, Duration)>> = Mutex::new(Vec::new());

/// Per-file work summed over the worker threads.
#[derive(Clone, Copy)]
pub enum Work {
    /// Reading file contents.
    Read,
    /// tree-sitter parsing and fact extraction (the oxc second opinion included).
    Parse,
    /// Fact cache lookups and encoding.
    Cache,
    /// Resolving the imports of one file.
    Resolve,
}

static WORK_NANOS: [AtomicU64; 4] = [
    AtomicU64::new(0),
    AtomicU64::new(0),
    AtomicU64::new(0),
    AtomicU64::new(0),
];
const WORK_NAMES: [&str; 4] = ["read", "parse+extract", "fact cache", "resolve"];

/// Turns timing on for this process.
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Runs `f` as the stage `name`, recording its wall time when timing is on.
pub fn stage<T>(name: &str, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let start = Instant::now();
    let value = f();
    let elapsed = start.elapsed();
    if let Ok(mut stages) = STAGES.lock() {
        stages.push((name.to_string(), elapsed));
    }
    value
}

/// Records `elapsed` as the wall time of the stage `name` (for stages that are not a closure).
pub fn record(name: &str, elapsed: Duration) {
    if enabled()
        && let Ok(mut stages) = STAGES.lock()
    {
        stages.push((name.to_string(), elapsed));
    }
}

/// Runs `f` as per-file work of kind `work`, adding its time to that kind's sum.
pub fn work<T>(work: Work, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let start = Instant::now();
    let value = f();
    let nanos = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
    WORK_NANOS[work as usize].fetch_add(nanos, Ordering::Relaxed);
    value
}

/// Stages measured inside another stage.
fn nested(name: &str) -> bool {
    name.starts_with("check:") || matches!(name, "entries" | "load edges" | "reachability")
}

/// The breakdown so far: stages in the order they ran (wall time), then the per-file sums.
pub fn render() -> String {
    let stages = STAGES.lock().map(|s| s.clone()).unwrap_or_default();
    // Stages inside another (a rule, entry detection inside the first rule that asks) are
    // indented and not added twice to the total.
    let total: Duration = stages
        .iter()
        .filter(|(name, _)| !nested(name))
        .map(|(_, d)| *d)
        .sum();
    let mut out = String::from("timings (wall, per stage):\n");
    for (name, d) in &stages {
        let indent = if nested(name) { "  " } else { "" };
        let share = if total.is_zero() {
            0.0
        } else {
            100.0 * d.as_secs_f64() / total.as_secs_f64()
        };
        out.push_str(&format!(
            "  {indent}{name:<width$} {:>9.1} ms  {share:>5.1}%\n",
            d.as_secs_f64() * 1e3,
            width = 30 - indent.len(),
        ));
    }
    out.push_str(&format!(
        "  {:<30} {:>9.1} ms\n",
        "total",
        total.as_secs_f64() * 1e3
    ));
    out.push_str("per-file work (summed over threads):\n");
    for (name, nanos) in WORK_NAMES.iter().zip(&WORK_NANOS) {
        let ms = nanos.load(Ordering::Relaxed) as f64 / 1e6;
        out.push_str(&format!("  {name:<30} {ms:>9.1} ms\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_are_recorded_only_when_enabled_and_rendered_in_order() {
        // The timer is process-wide: this test owns the names it checks.
        enable();
        stage("test-first", || {
            std::thread::sleep(Duration::from_millis(1))
        });
        stage("test-second", || ());
        work(Work::Read, || ());
        let out = render();
        let first = out.find("test-first").expect("first stage listed");
        let second = out.find("test-second").expect("second stage listed");
        assert!(first < second, "{out}");
        assert!(out.contains("per-file work"), "{out}");
    }
}
