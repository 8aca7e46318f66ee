//! `treeaudit env` on the story's fixture: the table, `--against` exit codes, and the promise
//! that no value from any env file ever reaches the output.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// Runs the binary inside `dir` (so paths in the output are short and stable).
fn treeaudit(dir: &Path, args: &[&str]) -> (String, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_treeaudit"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run treeaudit");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.is_empty(), "stderr: {stderr}");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        output.status.code().unwrap_or(-1),
    )
}

#[test]
fn env_table_names_reads_defaults_declarations_and_what_prod_env_lacks() {
    let (text, code) = treeaudit(
        &fixture("env-story"),
        &["env", ".", "--against", "prod.env"],
    );
    insta::assert_snapshot!("env_story_text", text);
    assert_eq!(code, 1);
    assert!(
        text.trim_end()
            .ends_with("missing from prod.env (2 required): DATABASE_URL, S3_BUCKET"),
        "{text}"
    );
}

#[test]
fn env_json_has_one_entry_per_variable_with_status_and_missing_from() {
    let (json, code) = treeaudit(
        &fixture("env-story"),
        &["env", ".", "--against", "prod.env", "--format", "json"],
    );
    assert_eq!(code, 1);
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let variables = value["variables"].as_array().expect("variables");
    let s3 = variables
        .iter()
        .find(|v| v["name"] == "S3_BUCKET")
        .expect("S3_BUCKET row");
    assert_eq!(s3["status"], "undeclared");
    assert_eq!(s3["required"], true);
    assert_eq!(s3["missing_from"][0], "prod.env");
    insta::assert_snapshot!("env_story_json", json);
}

#[test]
fn dotenv_skeleton_lists_required_variables_first_without_values() {
    let (skeleton, code) = treeaudit(&fixture("env-story"), &["env", ".", "--format", "dotenv"]);
    assert_eq!(code, 0);
    let required = skeleton
        .find("DATABASE_URL=\n")
        .expect("DATABASE_URL listed");
    let optional = skeleton.find("PORT=\n").expect("PORT listed");
    assert!(required < optional, "{skeleton}");
    insta::assert_snapshot!("env_story_dotenv", skeleton);
}

#[test]
fn against_a_complete_production_file_exits_zero() {
    let dir = tempfile::tempdir().expect("temp dir");
    let complete = dir.path().join("complete.env");
    // Every required variable set (values here are throwaway; the fixture's own stay secret).
    std::fs::write(
        &complete,
        "DATABASE_URL=x\nS3_BUCKET=x\nJWT_SECRET=x\nSMTP_HOST=x\nSMTP_USER=x\nTWILIO_ACCOUNT_SID=x\n",
    )
    .expect("write");
    let (text, code) = treeaudit(
        &fixture("env-story"),
        &[
            "env",
            ".",
            "--against",
            complete.to_str().expect("utf-8 path"),
        ],
    );
    assert_eq!(code, 0, "{text}");
    assert!(
        text.trim_end()
            .ends_with("provides every required variable"),
        "{text}"
    );

    // An empty value does not provide a required variable.
    std::fs::write(&complete, "DATABASE_URL=\nS3_BUCKET=x\nJWT_SECRET=x\nSMTP_HOST=x\nSMTP_USER=x\nTWILIO_ACCOUNT_SID=x\n")
        .expect("write");
    let (text, code) = treeaudit(
        &fixture("env-story"),
        &[
            "env",
            ".",
            "--against",
            complete.to_str().expect("utf-8 path"),
        ],
    );
    assert_eq!(code, 1, "{text}");
    assert!(
        text.trim_end().ends_with("(1 required): DATABASE_URL"),
        "{text}"
    );
}

/// Every value assigned in the fixture's env files (dotenv lines and compose entries).
fn env_file_values(dir: &Path) -> Vec<String> {
    let mut values = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read fixture") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !(name.ends_with(".env")
            || name.starts_with(".env")
            || name.starts_with("docker-compose"))
        {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read env file");
        for line in text.lines() {
            let line = line
                .trim()
                .trim_start_matches('#')
                .trim()
                .trim_start_matches("- ");
            let value = match (line.split_once('='), line.split_once(": ")) {
                (Some((_, v)), _) => v,
                (None, Some((_, v))) => v,
                _ => continue,
            };
            let value = value.trim().trim_matches('"');
            // Short values (3000, .env) are not distinctive enough to grep for.
            if value.len() >= 8 {
                values.push(value.to_string());
            }
        }
    }
    values
}

#[test]
fn no_value_from_any_env_file_appears_in_any_output() {
    let dir = fixture("env-story");
    let values = env_file_values(&dir);
    assert!(
        values.len() >= 8,
        "fixture has distinctive values: {values:?}"
    );
    let runs: &[&[&str]] = &[
        &["env", "."],
        &["env", ".", "--against", "prod.env"],
        &["env", ".", "--against", "prod.env", "--format", "json"],
        &["env", ".", "--format", "dotenv"],
        &["check", "."],
        &["check", ".", "--format", "json"],
    ];
    for args in runs {
        let (out, _) = treeaudit(&dir, args);
        for value in &values {
            assert!(
                !out.contains(value.as_str()),
                "`{value}` leaked by {args:?}:\n{out}"
            );
        }
    }
}

#[test]
fn check_reports_undeclared_and_unused_env_with_the_right_severities() {
    let (json, _) = treeaudit(&fixture("env-story"), &["check", ".", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let mut got: Vec<(String, String, String)> = value["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"].as_str().is_some_and(|r| r.ends_with("-env")))
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["name"].as_str().unwrap_or("").to_string(),
                f["severity"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    got.sort();
    let expected: Vec<(String, String, String)> = [
        ("undeclared-env", "CDN_URL", "warning"),
        ("undeclared-env", "PG_POOL_MAX", "warning"),
        ("undeclared-env", "S3_BUCKET", "error"),
        ("undeclared-env", "S3_REGION", "warning"),
        ("undeclared-env", "SMTP_PORT", "warning"),
        ("undeclared-env", "TWILIO_AUTH_TOKEN", "warning"),
        ("unused-env", "LEGACY_DIALER_TOKEN", "info"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(got, expected);
}

#[test]
fn next_client_component_secret_is_flagged_and_public_name_is_not() {
    let (json, _) = treeaudit(&fixture("next-client"), &["check", ".", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let exposures: Vec<(String, String)> = value["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "client-env-exposure")
        .map(|f| {
            (
                f["file"].as_str().unwrap_or("").to_string(),
                f["name"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        exposures,
        vec![(
            "app/settings/SettingsForm.tsx".to_string(),
            "SECRET_KEY".to_string()
        )]
    );
}

#[test]
fn t3_env_schema_keys_are_declared_and_optional_ones_defaulted() {
    let (json, _) = treeaudit(&fixture("t3-env"), &["env", ".", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    insta::assert_snapshot!("t3_env_json", json);
    let row = |name: &str| {
        value["variables"]
            .as_array()
            .expect("variables")
            .iter()
            .find(|v| v["name"] == name)
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(row("SENTRY_DSN")["required"], false);
    assert_eq!(row("DATABASE_URL")["required"], true);
    assert_eq!(row("DATABASE_URL")["status"], "declared");
    assert_eq!(row("DATABASE_REPLICA_URL")["status"], "undeclared");
}

#[test]
fn envalid_defaults_are_optional_and_dev_defaults_still_required_in_production() {
    let dir = fixture("envalid");
    let (text, code) = treeaudit(&dir, &["env", ".", "--against", "prod.env"]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.trim_end().ends_with("(1 required): ALERT_EMAIL"),
        "{text}"
    );
    insta::assert_snapshot!("envalid_text", text);
}

#[test]
fn against_gate_counts_only_variables_that_production_entries_reach() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write(
        "package.json",
        r#"{"name":"api","scripts":{"start":"node src/index.js"}}"#,
    );
    write(
        "src/index.js",
        "const url = process.env.DATABASE_URL;\nexport default url;\n",
    );
    // A worker nothing runs: its variable is listed, but does not fail the deploy gate.
    write(
        "src/workers/cdr.js",
        "const bucket = process.env.CDR_BUCKET;\nexport default bucket;\n",
    );
    write("prod.env", "DATABASE_URL=postgres://prod\n");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_treeaudit"))
        .args(["env", ".", "--against", "prod.env"])
        .current_dir(dir.path())
        .output()
        .expect("run treeaudit");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("CDR_BUCKET"), "{text}");
    assert_eq!(output.status.code(), Some(0), "{text}");

    write(
        "src/index.js",
        "import './workers/cdr.js';\nconst url = process.env.DATABASE_URL;\nexport default url;\n",
    );
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_treeaudit"))
        .args(["env", ".", "--against", "prod.env"])
        .current_dir(dir.path())
        .output()
        .expect("run treeaudit");
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("CDR_BUCKET"), "{text}");
}

/// `treeaudit env --format json` on a fixture, parsed.
fn env_json(name: &str) -> (String, serde_json::Value) {
    let (json, _) = treeaudit(&fixture(name), &["env", ".", "--format", "json"]);
    let value = serde_json::from_str(&json).expect("valid JSON");
    (json, value)
}

/// `(required, status, declared_in)` of one variable of an env JSON document.
fn row(value: &serde_json::Value, name: &str) -> (bool, String, Vec<String>) {
    let row = value["variables"]
        .as_array()
        .expect("variables")
        .iter()
        .find(|v| v["name"] == name)
        .unwrap_or_else(|| panic!("{name} is in the table"));
    (
        row["required"].as_bool().expect("required"),
        row["status"].as_str().expect("status").to_string(),
        row["declared_in"]
            .as_array()
            .expect("declared_in")
            .iter()
            .map(|f| f.as_str().unwrap_or("").to_string())
            .collect(),
    )
}

/// `(rule, severity, name, file)` of every env finding of `check`.
fn env_findings(name: &str) -> Vec<(String, String, String, String)> {
    let (json, _) = treeaudit(&fixture(name), &["check", ".", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let mut got: Vec<(String, String, String, String)> = value["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"].as_str().is_some_and(|r| r.contains("env")))
        .map(|f| {
            let field = |k: &str| f[k].as_str().unwrap_or("").to_string();
            (
                field("rule"),
                field("severity"),
                field("name"),
                field("file"),
            )
        })
        .collect();
    got.sort();
    got
}

/// `NAME file` of every `undeclared-env` error of `check`.
fn undeclared_errors(name: &str) -> Vec<String> {
    env_findings(name)
        .into_iter()
        .filter(|(rule, severity, _, _)| rule == "undeclared-env" && severity == "error")
        .map(|(_, _, name, file)| format!("{name} {file}"))
        .collect()
}

#[test]
fn reduced_real_apps_have_no_undeclared_env_error_and_no_client_exposure() {
    for name in [
        "repro-07a-env-optional-by-dataflow",
        "repro-07b-env-guarded-read",
        "repro-08-next-env-config",
        "repro-09-dotenv-unquoted-spaces",
    ] {
        let findings = env_findings(name);
        let false_alarms: Vec<_> = findings
            .iter()
            .filter(|(rule, severity, _, _)| {
                (rule == "undeclared-env" && severity == "error") || rule == "client-env-exposure"
            })
            .collect();
        assert!(false_alarms.is_empty(), "{name}: {false_alarms:?}");
        let (json, _) = env_json(name);
        insta::assert_snapshot!(format!("{name}_env_json"), json);
    }
}

#[test]
fn optional_reads_are_judged_by_where_the_value_goes() {
    let (json, value) = env_json("env-dataflow");
    insta::assert_snapshot!("env_dataflow_json", json);
    let required = |name: &str| row(&value, name).0;
    // Defaults and guards, directly or through a local, a flag or a module-wide test; a
    // fallback after `Number.parseInt`/`parseFloat`; arrays filtered by presence.
    for name in [
        "CDN_HOST",
        "METRICS_HOST",
        "TRACE_URL",
        "ORIGIN_CHECK",
        "SIGNING_SECRET",
        "APP_HOST",
        "HOST",
        "PORT",
        "LOG_LEVEL",
        "FEATURE_INVOICES_V2",
        "WEBHOOK_RETRIES",
        "TELEMETRY_DISABLED",
        "SLACK_HOOK_ALERTS",
        "SLACK_HOOK_ERRORS",
        "PROXY_PORT",
        "PROXY_TIMEOUT_SECONDS",
        "PRICE_MONTHLY_ID",
        "PRICE_ANNUAL_ID",
        "PRICE_TRIAL_ID",
        // A throw in a factory the app calls only after testing the key.
        "PUSH_SERVICE_KEY",
        // Best-effort calls whose catch logs (a plain `log()` helper too) and returns a
        // literal; a local used only inside such a call.
        "NEWSLETTER_LIST_ID",
        "RADAR_WEBHOOK_URL",
    ] {
        assert!(!required(name), "{name} has a default or a guard");
    }
    // A throw on `!X`, schema keys without defaults (devDefault is not a production default),
    // helpers that throw, literal arrays checked with a throw, env-var `.required()`; a
    // parsed port with no fallback, an array joined as it is.
    for name in [
        "STRIPE_SECRET_KEY",
        // A throw in a factory, and nothing tests the URL first.
        "JOB_QUEUE_URL",
        // A throw in a factory a route calls untested; another route's test does not help.
        "AI_API_KEY",
        // A catch that turns the failure into the function's result.
        "AUDIT_EXPORT_URL",
        "DATABASE_URL",
        "SESSION_SECRET",
        "REDIS_URL",
        "MAILGUN_API_KEY",
        "SMTP_HOST",
        "SMTP_USER",
        "WEBHOOK_URL",
        "BILLING_API_URL",
        "ADMIN_PORT",
        "INVOICE_CC_EMAIL",
        "INVOICE_BCC_EMAIL",
    ] {
        assert!(required(name), "{name} is required");
    }
    assert_eq!(
        row(&value, "PORT").2,
        vec!["src/config/env.js".to_string()],
        "a schema held in a variable declares its keys"
    );
}

#[test]
fn values_that_leave_their_module_are_judged_where_they_arrive() {
    let (json, value) = env_json("env-handoffs");
    insta::assert_snapshot!("env_handoffs_json", json);
    let required = |name: &str| row(&value, name).0;
    // An exported constant every importer tests; a token every injecting class tests; a
    // best-effort call in a `try` that logs; a table entry nothing reads; a private getter
    // whose value is tested with `isDefined`; the dotenv `path` (unset loads `.env`); a read
    // and a module used only on branches an imported cloud flag (`=== 'true'`) selects.
    for name in [
        "NOTIFY_ENV_FILE",
        "SEGMENT_KEY",
        "PYROSCOPE_URL",
        "PROFILING_ENABLED",
        "TRACE_URL",
        "REDIS_CLUSTER_TLS",
        "REDIS_CLUSTER_PORTS",
        "WORKER_MODE",
        "ADMIN_USER_ID",
        "DEPLOY_SERVER_URL",
    ] {
        assert!(
            !required(name),
            "{name} copes with being unset where it arrives"
        );
    }
    // The same shapes whose value is used as it is: an import in `new URL`, an injected URL
    // in `new URL`, a `catch` that rethrows, a table entry read by name, a getter used bare,
    // a script's whole work in a `try` in an immediately invoked function; a URL read beside
    // the dotenv call; a branch of a flag that is on by default (`!== 'false'`), of
    // `NODE_ENV` (a deployment, not a feature), and a module called when the cloud flag is off.
    for name in [
        "SMTP_URL",
        "API_URL",
        "QUEUE_URL",
        "BILLING_URL",
        "REDIS_CLUSTER_HOST",
        "WORKER_QUEUE",
        "REPLAY_SOURCE",
        "REGISTRY_URL",
        "EDITION_DATABASE_URL",
        "USAGE_REPORT_URL",
    ] {
        assert!(required(name), "{name} is required");
    }
    let errors: Vec<String> = env_findings("env-handoffs")
        .into_iter()
        .filter(|(rule, severity, _, _)| rule == "undeclared-env" && severity == "error")
        .map(|(_, _, name, _)| name)
        .collect();
    assert_eq!(
        errors,
        [
            "API_URL",
            "BILLING_URL",
            "EDITION_DATABASE_URL",
            "QUEUE_URL",
            "REDIS_CLUSTER_HOST",
            "REGISTRY_URL",
            "SMTP_URL",
            "USAGE_REPORT_URL",
            "WORKER_QUEUE"
        ]
    );
}

#[test]
fn every_declaration_source_is_named_in_declared_in() {
    let (json, value) = env_json("env-sources");
    insta::assert_snapshot!("env_sources_json", json);
    for (name, file) in [
        ("QUEUE_CONCURRENCY", "fly.toml"),
        ("STATUS_PAGE_URL", "netlify.toml"),
        ("SESSION_SECRET", "render.yaml"),
        ("SENTRY_DSN", "render.yaml"),
        ("PAGERDUTY_KEY", "app.json"),
        ("EDGE_CONFIG_ID", "vercel.json"),
        ("DISPATCH_MODE", "snap/snapcraft.yaml"),
        ("REDIS_URL", "k8s/deployment.yaml"),
        ("STRIPE_KEY", "k8s/deployment.yaml"),
        ("IS_CONTAINER", "docker/app.dockerfile"),
        ("SMTP_PORT", "docker-compose.yml"),
        ("REPORT_TOKEN", ".github/workflows/nightly.yml"),
        ("SUPPORT_EMAIL", ".env.example"),
        ("LEGACY_SIGNING_KEY", ".env.example"),
    ] {
        let (_, status, declared_in) = row(&value, name);
        assert_eq!(declared_in, vec![file.to_string()], "{name}");
        assert_eq!(status, "declared", "{name}");
    }
    // The workflow's env reaches only the script the workflow runs (`npm run nightly`).
    assert_eq!(row(&value, "REPORT_BUCKET").1, "undeclared");
    let errors: Vec<String> = env_findings("env-sources")
        .into_iter()
        .filter(|(rule, severity, _, _)| rule == "undeclared-env" && severity == "error")
        .map(|(_, _, name, file)| format!("{name} {file}"))
        .collect();
    assert_eq!(
        errors,
        vec![
            "REPORT_BUCKET src/routes/calls.js".to_string(),
            "S3_BUCKET src/routes/calls.js".to_string()
        ]
    );
}

#[test]
fn no_value_from_any_declaration_source_appears_in_any_output() {
    let dir = fixture("env-sources");
    // Every value the fixture's declaration files set (dotenv, fly, netlify, render, app.json,
    // vercel, snapcraft, Kubernetes, Dockerfile, compose, workflow).
    let values = [
        "local-db-password-9f2",
        "help desk at example dot com",
        "json-structured-logs",
        "netlify-build-flag-value",
        "status.example.invalid/netlify-secret-path",
        "render-region-frankfurt-secret",
        "sentry-secret-value",
        "pagerduty-secret-value-123",
        "edge-config-secret-value",
        "dispatch-secret-path",
        "snap-confined-secret-mode",
        "k8s-redis-secret-host",
        "container-flag-secret-value",
        "smtp-compose-secret-host",
        "workflow-report-bucket-secret",
        "commented-signer-secret-77",
    ];
    for value in values {
        let mentioned = walk_text(&dir).contains(value);
        assert!(mentioned, "the fixture sets `{value}`");
    }
    let runs: &[&[&str]] = &[
        &["env", "."],
        &["env", ".", "--format", "json"],
        &["env", ".", "--format", "dotenv"],
        &["check", "."],
        &["check", ".", "--format", "json"],
        &["check", ".", "--format", "sarif"],
        &["check", ".", "--format", "github"],
    ];
    for args in runs {
        let (out, _) = treeaudit(&dir, args);
        for value in values {
            assert!(!out.contains(value), "`{value}` leaked by {args:?}:\n{out}");
        }
    }
}

/// The text of every file under `dir` (for checking that the fixture holds a value).
fn walk_text(dir: &Path) -> String {
    let mut text = String::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).expect("read dir") {
                stack.push(entry.expect("entry").path());
            }
        } else {
            text.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
        }
    }
    text
}

#[test]
fn each_workspace_package_is_checked_against_its_own_and_the_root_sources() {
    let (json, value) = env_json("env-workspaces");
    insta::assert_snapshot!("env_workspaces_json", json);
    // Declared by the root, by the package itself, and by the app that uses the library.
    assert_eq!(row(&value, "LOG_LEVEL").1, "declared");
    assert_eq!(row(&value, "JWT_SECRET").1, "declared");
    assert_eq!(row(&value, "DATABASE_URL").1, "declared");
    // Declared only by apps/web, read by apps/api too.
    assert_eq!(row(&value, "COOKIE_SECRET").1, "undeclared");
    // Declared only by apps/web, read by apps/worker, which loads web's env file by path.
    assert_eq!(row(&value, "SESSION_TTL").1, "declared");
    // apps/admin loads env files from a folder computed at run time: any package's may apply.
    assert_eq!(row(&value, "UPLOAD_BUCKET").1, "declared");
    let errors: Vec<(String, String)> = env_findings("env-workspaces")
        .into_iter()
        .filter(|(rule, _, _, _)| rule == "undeclared-env")
        .map(|(_, _, name, file)| (name, file))
        .collect();
    // A library the API imports reads what the API's deploy is given; a published plugin no
    // app here imports reads what its users set (a warning, ANALYTICS_WRITE_KEY).
    assert_eq!(
        errors,
        vec![
            (
                "BILLING_API_KEY".to_string(),
                "packages/billing/src/index.ts".to_string()
            ),
            (
                "COOKIE_SECRET".to_string(),
                "apps/api/src/index.js".to_string()
            ),
            (
                "ANALYTICS_WRITE_KEY".to_string(),
                "packages/analytics/src/index.ts".to_string()
            ),
        ]
    );
    let severity = |name: &str| {
        env_findings("env-workspaces")
            .into_iter()
            .find(|(rule, _, n, _)| rule == "undeclared-env" && n == name)
            .map(|(_, severity, _, _)| severity)
    };
    assert_eq!(severity("ANALYTICS_WRITE_KEY").as_deref(), Some("warning"));
    assert_eq!(severity("BILLING_API_KEY").as_deref(), Some("error"));
}

#[test]
fn client_exposure_skips_server_branches_isomorphic_guards_and_tests() {
    let exposures: Vec<(String, String)> = env_findings("env-client-branches")
        .into_iter()
        .filter(|(rule, _, _, _)| rule == "client-env-exposure")
        .map(|(_, _, name, file)| (name, file))
        .collect();
    assert_eq!(
        exposures,
        vec![(
            "ANALYTICS_SECRET".to_string(),
            "pages/index.tsx".to_string()
        )]
    );
}

#[test]
fn feature_paths_helpers_log_records_props_and_commented_template_lines() {
    let (json, value) = env_json("env-feature-paths");
    insta::assert_snapshot!("env_feature_paths_json", json);
    for (name, required, declared_in) in [
        // A commented `# SENTRY_DSN=` line of .env.example documents it.
        ("SENTRY_DSN", true, vec![".env.example"]),
        ("UPLOAD_TRANSPORT", true, vec![".env.example"]),
        // Required and declared nowhere: still required.
        ("S3_BUCKET", true, vec![]),
        // Interpolated into a URL: the component cannot tell it was missing.
        ("NEXT_PUBLIC_BOT_NAME", true, vec![]),
        // Handed to a workspace package's function that copes with undefined.
        ("STATEMENT_TIMEOUT", false, vec![]),
        // Only in log records.
        ("APP_VERSION", false, vec![]),
        // Only run when UPLOAD_TRANSPORT=azure selects the module.
        ("AZURE_ACCOUNT", false, vec![]),
        ("AZURE_KEY", false, vec![]),
        // Under `if (env('CDN_DOMAIN'))` through the env helper.
        ("CDN_DOMAIN", false, vec![]),
        ("CDN_KEY_ID", false, vec![]),
        // Props handed as they are to a component that switches the feature off.
        ("MCP_URL", false, vec![]),
        ("NEXT_PUBLIC_PIXEL_ID", false, vec![]),
    ] {
        let (got_required, _, got_declared) = row(&value, name);
        assert_eq!(got_required, required, "{name} required");
        assert_eq!(got_declared, declared_in, "{name} declared_in");
    }
    // A prose comment naming `PRERENDER=false` declares nothing.
    assert!(
        value["variables"]
            .as_array()
            .expect("variables")
            .iter()
            .all(|v| v["name"] != "PRERENDER"),
        "{json}"
    );
    assert_eq!(
        undeclared_errors("env-feature-paths"),
        vec![
            "NEXT_PUBLIC_BOT_NAME apps/web/app/layout.jsx".to_string(),
            "S3_BUCKET apps/api/src/server.js".to_string()
        ]
    );
}

#[test]
fn settings_a_readme_documents_in_a_code_block_are_declared() {
    // An MCP server is configured by its client: the README's `"env": { … }` block and its
    // `docker run -e` line are where a deployer learns what to set. A name the README only
    // mentions in prose is no declaration, and its read (NaN handed to a timeout) stays an error.
    let (json, value) = env_json("env-readme-documented");
    insta::assert_snapshot!("env_readme_documented_json", json);
    for name in ["NOTES_API_ADDR", "NOTES_API_KEY"] {
        assert_eq!(
            row(&value, name),
            (true, "declared".to_string(), vec!["README.md".to_string()]),
            "{name}"
        );
    }
    assert_eq!(
        undeclared_errors("env-readme-documented"),
        vec!["NOTES_TIMEOUT_MS src/index.js".to_string()]
    );
}

#[test]
fn an_env_helper_behind_a_workspace_stub_is_followed_to_its_source() {
    // `import { parseEnvInt } from "shared/util"` runs packages/shared/util.js, a stub
    // `module.exports = require("./dist/util")` whose build output maps back to src/util/:
    // the helper there returns its default when the value is unset, so the reads handed to it
    // (directly, or through a destructured local) are optional. The secret nothing copes with
    // is still the one error.
    let (json, value) = env_json("workspace-env-helper-stub");
    insta::assert_snapshot!("env_workspace_env_helper_stub_json", json);
    for name in [
        "PORT",
        "JOB_TIMEOUT_MS",
        "CRON_DISABLED",
        "IS_CLOUD",
        "DEFAULT_CONVERSION_WINDOW_HOURS",
    ] {
        assert_eq!(
            row(&value, name),
            (false, "undeclared".to_string(), vec![]),
            "{name}"
        );
    }
    assert!(row(&value, "SESSION_SECRET").0);
    assert_eq!(
        undeclared_errors("workspace-env-helper-stub"),
        vec!["SESSION_SECRET packages/back-end/src/util/secrets.ts".to_string()]
    );
}

#[test]
fn commented_keys_of_a_committed_env_file_document_optional_settings() {
    let (json, value) = env_json("env-commented-keys-committed");
    insta::assert_snapshot!("env_commented_keys_committed_json", json);
    // The tree's only env files are a committed `.env` and `.env.production`: their
    // commented-out assignments document the optional settings, as a template's would.
    for (name, declared_in) in [
        ("AUTH0_DOMAIN", vec![".env"]),
        ("AUTH0_AUDIENCE", vec![".env"]),
        ("SENTRY_DSN", vec![".env.production"]),
        ("PORT", vec![".env", ".env.production"]),
        // Named only in a prose comment: declared nowhere.
        ("SESSION_SECRET", vec![]),
    ] {
        assert_eq!(row(&value, name).2, declared_in, "{name} declared_in");
    }
    assert_eq!(
        undeclared_errors("env-commented-keys-committed"),
        vec!["SESSION_SECRET src/server.js".to_string()]
    );
}

#[test]
fn the_debug_packages_switch_is_a_tool_variable_not_a_required_setting() {
    let (json, value) = env_json("env-debug-switch");
    insta::assert_snapshot!("env_debug_switch_json", json);
    // `debug.enable(process.env.DEBUG)`: unset turns debug output off.
    assert_eq!(row(&value, "DEBUG").1, "platform");
    // The same shape, a bare value handed to a call, for a secret nothing declares.
    assert_eq!(row(&value, "STRIPE_SECRET_KEY").1, "undeclared");
    assert_eq!(
        undeclared_errors("env-debug-switch"),
        vec!["STRIPE_SECRET_KEY server/index.js".to_string()]
    );
}

#[test]
fn options_handed_on_whole_are_optional_and_options_given_to_a_client_are_required() {
    let (json, value) = env_json("env-option-objects");
    insta::assert_snapshot!("env_option_objects_json", json);
    let required = |name: &str| row(&value, name).0;
    // Defaults merged under the caller's options, fields of a returned config (also as
    // shorthand locals), a field JSON.stringify drops, an exported constant nothing imports,
    // one an importer validates with a predicate beside a fallback, a helper whose parameter
    // is `s?: string`, a number parser that falls back on NaN.
    for name in [
        "EMAIL_HOST",
        "EMAIL_USER",
        "EMAIL_PASSWORD",
        "EMAIL_PORT",
        "FEEDBACK_URI_PATH",
        "BUILD_DATE",
        "AUTH_TYPE",
        "CLOUD_SECRET",
        "REMOTE_EVAL_EDGE_HOST",
        "REMOTE_EVAL_EDGE_API_TOKEN",
        "LOG_LEVEL",
        "UPLOAD_MAX_SIZE_IN_BYTES",
    ] {
        assert!(!required(name), "{name} is handed to code that copes");
    }
    // The same shapes where the code insists: `X!` and `X.toLowerCase()` in the returned
    // config, a helper using its `string` parameter, options given straight to a client
    // (`new Pool({ … })`, `Sentry.init({ … })`, `fetch(url, { headers })`, a table handed
    // whole to `createClient`), an imported constant used in `new URL`, a predicate whose
    // `false` throws, a number parser that throws on NaN.
    for name in [
        "SESSION_SIGNING_KEY",
        "STORAGE_REGION",
        "DEPLOY_STAGE",
        "REPORTING_DATABASE_URL",
        "SENTRY_DSN",
        "LICENSE_API_KEY",
        "CACHE_REDIS_URL",
        "JOBS_API_URL",
        "UPLOAD_REGION",
        "WORKER_CONCURRENCY",
        // An env helper that throws when unset, its value in a returned object.
        "CURRENCY_API_KEY",
    ] {
        assert!(required(name), "{name} is required");
    }
    let errors: Vec<String> = undeclared_errors("env-option-objects")
        .into_iter()
        .map(|e| e.split(' ').next().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        errors,
        [
            "CACHE_REDIS_URL",
            "CURRENCY_API_KEY",
            "DEPLOY_STAGE",
            "JOBS_API_URL",
            "LICENSE_API_KEY",
            "REPORTING_DATABASE_URL",
            "SENTRY_DSN",
            "SESSION_SIGNING_KEY",
            "STORAGE_REGION",
            "UPLOAD_REGION",
            "WORKER_CONCURRENCY"
        ]
    );
}

#[test]
fn auth_js_v5_provider_options_are_optional_and_next_auth_4_credentials_are_required() {
    let (json, _) = env_json("env-authjs-providers");
    insta::assert_snapshot!("env_authjs_providers_json", json);
    // Auth.js v5 (`next-auth: beta`) providers fill their settings from `AUTH_<PROVIDER>_*`;
    // the storage driver's URL is the app's own; the admin app's next-auth 4 providers need
    // their client credentials.
    assert_eq!(
        undeclared_errors("env-authjs-providers"),
        vec![
            "AUTH_REDIS_URL auth.ts".to_string(),
            "LINKEDIN_CLIENT_ID admin/pages/api/auth/[...nextauth].ts".to_string(),
            "LINKEDIN_CLIENT_SECRET admin/pages/api/auth/[...nextauth].ts".to_string(),
        ]
    );
}
