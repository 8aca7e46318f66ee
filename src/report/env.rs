//! Renders `treeaudit env`: a text table, versioned JSON, or a `.env.example` skeleton.
//! Only names, files and lines are printed: the env table holds no values.

use serde::Serialize;

use crate::env::{AgainstFile, EnvTable, ReadSite, Variable, VariableStatus, missing_required};

/// How many read sites a table row lists before "+N more".
const READS_SHOWN: usize = 2;

#[derive(Serialize)]
struct JsonVariable<'a> {
    name: &'a str,
    required: bool,
    status: VariableStatus,
    reads: &'a [ReadSite],
    declared_in: Vec<&'a str>,
    missing_from: Vec<&'a str>,
}

#[derive(Serialize)]
struct JsonEnv<'a> {
    version: u32,
    variables: Vec<JsonVariable<'a>>,
    dynamic_reads: &'a [ReadSite],
}

fn missing_from<'a>(variable: &Variable, against: &'a [AgainstFile]) -> Vec<&'a str> {
    against
        .iter()
        .filter(|a| !a.provides(&variable.name) && variable.status != VariableStatus::Platform)
        .map(|a| a.label.as_str())
        .collect()
}

/// `--format json`.
pub fn render_json(table: &EnvTable, against: &[AgainstFile]) -> String {
    let variables = table
        .variables
        .iter()
        .map(|v| JsonVariable {
            name: &v.name,
            required: v.required,
            status: v.status,
            reads: &v.reads,
            declared_in: v.declared_in(),
            missing_from: missing_from(v, against),
        })
        .collect();
    super::json::render(&JsonEnv {
        version: crate::JSON_VERSION,
        variables,
        dynamic_reads: &table.dynamic_reads,
    })
}

fn status_word(status: VariableStatus) -> &'static str {
    match status {
        VariableStatus::Declared => "declared",
        VariableStatus::Undeclared => "undeclared",
        VariableStatus::Unused => "unused",
        VariableStatus::Platform => "platform",
    }
}

fn reads_cell(reads: &[ReadSite]) -> String {
    if reads.is_empty() {
        return "-".to_string();
    }
    let mut cell: Vec<String> = reads
        .iter()
        .take(READS_SHOWN)
        .map(|r| format!("{}:{}", r.file, r.line))
        .collect();
    if reads.len() > READS_SHOWN {
        cell.push(format!("+{} more", reads.len() - READS_SHOWN));
    }
    cell.join(", ")
}

/// `--format text`: the table, a summary, and (with `--against`) the missing names last.
pub fn render_text(table: &EnvTable, against: &[AgainstFile]) -> String {
    let mut header = vec![
        "NAME".to_string(),
        "NEED".to_string(),
        "STATUS".to_string(),
        "READ AT".to_string(),
        "DECLARED IN".to_string(),
    ];
    header.extend(against.iter().map(|a| a.label.clone()));
    let mut rows = vec![header];
    for v in &table.variables {
        let need = if v.reads.is_empty() {
            "-"
        } else if !v.reads.iter().any(|r| r.production) {
            "tests"
        } else if v.required {
            "required"
        } else {
            "default"
        };
        let declared = v.declared_in();
        let mut row = vec![
            v.name.clone(),
            need.to_string(),
            status_word(v.status).to_string(),
            reads_cell(&v.reads),
            if declared.is_empty() {
                "-".to_string()
            } else {
                declared.join(", ")
            },
        ];
        for a in against {
            row.push(
                if v.status == VariableStatus::Platform {
                    "platform"
                } else if a.provides(&v.name) {
                    "set"
                } else if a.keys.contains_key(&v.name) {
                    "empty"
                } else {
                    "missing"
                }
                .to_string(),
            );
        }
        rows.push(row);
    }
    // Names and paths come from the tree (and the --against file): escaped cell by cell.
    for cell in rows.iter_mut().flatten() {
        if let std::borrow::Cow::Owned(escaped) = super::escape(cell) {
            *cell = escaped;
        }
    }
    let columns = rows[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c + 1 == columns {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<width$}  ", width = widths[c]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&summary(table));
    for (pattern, site) in &table.pattern_reads {
        out.push_str(&format!(
            "pattern read {} at {}:{}: matching declared names count as read\n",
            super::escape(pattern),
            super::escape(&site.file),
            site.line
        ));
    }
    for site in &table.dynamic_reads {
        out.push_str(&format!(
            "dynamic read at {}:{}: any declared variable may be read there, so none is reported unused\n",
            super::escape(&site.file),
            site.line
        ));
    }
    for a in against {
        let missing = missing_required(table, a);
        if missing.is_empty() {
            out.push_str(&format!(
                "{} provides every required variable\n",
                super::escape(&a.label)
            ));
        }
    }
    for a in against {
        let missing = missing_required(table, a);
        if !missing.is_empty() {
            out.push_str(&format!(
                "missing from {} ({} required): {}\n",
                super::escape(&a.label),
                missing.len(),
                super::escape(&missing.join(", "))
            ));
        }
    }
    out
}

fn summary(table: &EnvTable) -> String {
    let count = |f: &dyn Fn(&Variable) -> bool| table.variables.iter().filter(|v| f(v)).count();
    let read = count(&|v| !v.reads.is_empty());
    format!(
        "{} variables read ({} required, {} with a default); {} undeclared, {} unused, {} platform\n",
        read,
        count(&|v| v.required),
        count(&|v| !v.reads.is_empty() && !v.required),
        count(&|v| v.status == VariableStatus::Undeclared),
        count(&|v| v.status == VariableStatus::Unused),
        count(&|v| v.status == VariableStatus::Platform),
    )
}

/// `--format dotenv`: a `.env.example` skeleton of every read variable, required first, each
/// with a comment saying where it is read. Never a value.
pub fn render_dotenv(table: &EnvTable) -> String {
    let mut out = String::from(
        "# Generated by `treeaudit env --format dotenv`: every variable the code reads.\n",
    );
    let readable: Vec<&Variable> = table
        .variables
        .iter()
        .filter(|v| !v.reads.is_empty() && v.status != VariableStatus::Platform)
        .collect();
    for (title, required) in [
        ("Required: read without a default", true),
        ("Optional: the code has a default", false),
    ] {
        let group: Vec<&&Variable> = readable.iter().filter(|v| v.required == required).collect();
        if group.is_empty() {
            continue;
        }
        out.push_str(&format!("\n# --- {title} ---\n"));
        for v in group {
            out.push_str(&format!(
                "# read in {}\n{}=\n",
                super::escape(&reads_cell(&v.reads)),
                super::escape(&v.name)
            ));
        }
    }
    out
}
