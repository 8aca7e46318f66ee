//! `treeaudit plan` output: stage lines as text, or a mermaid flowchart for pull requests.

use std::fmt::Write;

use super::escape;
use crate::plan::Plan;

/// Renders stage lines: `stage 2  src/routes/agents.js  → /agents`, `BLOCKED …`.
pub fn render_text(plan: &Plan) -> String {
    let mut out = String::new();
    for package in &plan.setup.packages {
        let _ = writeln!(out, "setup    package {}", escape(package));
    }
    for name in &plan.setup.env {
        let sources = plan
            .setup
            .env_sources
            .get(name)
            .map(|s| format!("  ({})", escape(&s.join(", "))))
            .unwrap_or_default();
        let _ = writeln!(out, "setup    env {}{sources}", escape(name));
    }
    for stage in &plan.stages {
        let label = format!("stage {}", stage.stage);
        let with_mount = |file: &String| {
            let mount = stage
                .mounts
                .get(file)
                .map(|p| format!("  → {}", escape(p)))
                .unwrap_or_default();
            format!("{}{mount}", escape(file))
        };
        if stage.cycle {
            let files: Vec<String> = stage.files.iter().map(with_mount).collect();
            let _ = writeln!(
                out,
                "{label:<8} {}  (import cycle: ship together)",
                files.join(" + ")
            );
        } else {
            for file in &stage.files {
                let _ = writeln!(out, "{label:<8} {}", with_mount(file));
            }
        }
    }
    for blocked in &plan.blocked {
        let mut reasons = Vec::new();
        if !blocked.missing.is_empty() {
            reasons.push(format!("missing {}", escape(&blocked.missing.join(", "))));
        }
        if !blocked.blocked_by.is_empty() {
            reasons.push(format!(
                "blocked by {}",
                escape(&blocked.blocked_by.join(", "))
            ));
        }
        let _ = writeln!(
            out,
            "BLOCKED  {}  {}",
            escape(&blocked.file),
            reasons.join("; ")
        );
    }
    let stages = plan.stages.last().map_or(0, |s| s.stage);
    let _ = writeln!(
        out,
        "\n{} file{} in {} stage{}, {} blocked, {} package{} and {} env variable{} to set up",
        plan.staged_files(),
        plural(plan.staged_files()),
        stages,
        plural(stages),
        plan.blocked.len(),
        plan.setup.packages.len(),
        plural(plan.setup.packages.len()),
        plan.setup.env.len(),
        plural(plan.setup.env.len()),
    );
    out
}

/// A mermaid flowchart: setup, one box per stage (cycles as their own box), blocked files
/// with their missing specifiers and what blocks them.
pub fn render_mermaid(plan: &Plan) -> String {
    let mut out = String::from("flowchart TD\n");
    let mut ids: std::collections::BTreeMap<String, String> = Default::default();
    let mut id_of = |name: &str| -> String {
        let next = format!("n{}", ids.len());
        ids.entry(name.to_string()).or_insert(next).clone()
    };
    // Groups of the previous stage number: arrows only cross stage numbers.
    let mut previous: Vec<String> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut current_stage = 0;
    if !plan.setup.packages.is_empty() || !plan.setup.env.is_empty() {
        out.push_str("  subgraph s0[\"stage 0: setup\"]\n");
        for p in &plan.setup.packages {
            let _ = writeln!(
                out,
                "    {}[\"package {}\"]",
                id_of(&format!("pkg:{p}")),
                quote(p)
            );
        }
        for e in &plan.setup.env {
            let _ = writeln!(
                out,
                "    {}[\"env {}\"]",
                id_of(&format!("env:{e}")),
                quote(e)
            );
        }
        out.push_str("  end\n");
        current.push("s0".to_string());
    }
    for (i, stage) in plan.stages.iter().enumerate() {
        let group = format!("g{i}");
        let title = if stage.cycle {
            format!("stage {} (cycle)", stage.stage)
        } else {
            format!("stage {}", stage.stage)
        };
        let _ = writeln!(out, "  subgraph {group}[\"{title}\"]");
        for file in &stage.files {
            let mount = stage
                .mounts
                .get(file)
                .map(|p| format!(" → {p}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "    {}[\"{}{}\"]",
                id_of(file),
                quote(file),
                quote(&mount)
            );
        }
        out.push_str("  end\n");
        if stage.stage != current_stage {
            previous = std::mem::take(&mut current);
            current_stage = stage.stage;
        }
        for prev in &previous {
            let _ = writeln!(out, "  {prev} --> {group}");
        }
        current.push(group);
    }
    if !plan.blocked.is_empty() {
        out.push_str("  subgraph blocked[\"blocked\"]\n");
        for b in &plan.blocked {
            let _ = writeln!(out, "    {}[\"{}\"]", id_of(&b.file), quote(&b.file));
        }
        out.push_str("  end\n");
        for b in &plan.blocked {
            let from = id_of(&b.file);
            for m in &b.missing {
                let missing = id_of(&format!("missing:{}:{m}", b.file));
                let _ = writeln!(
                    out,
                    "  {from} -. missing .-> {missing}[\"{} (exists nowhere)\"]",
                    quote(m)
                );
            }
            for cause in &b.blocked_by {
                let _ = writeln!(out, "  {from} -. blocked by .-> {}", id_of(cause));
            }
        }
        out.push_str("  classDef blockedFile fill:#fdd,stroke:#c33\n");
        let blocked_ids: Vec<String> = plan.blocked.iter().map(|b| id_of(&b.file)).collect();
        let _ = writeln!(out, "  class {} blockedFile", blocked_ids.join(","));
    }
    out
}

/// Mermaid labels are double-quoted: keep quotes out of them.
fn quote(text: &str) -> String {
    escape(text).replace('"', "#quot;")
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
