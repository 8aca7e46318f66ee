//! `unmounted-route`: a route file that is imported but never mounted, mounted only in a
//! comment, or referred to by nothing.

use super::Rule;
use crate::facts::Span;
use crate::finding::Severity;
use crate::finding::{Finding, Related};
use crate::project::Project;
use crate::routes::{Location, RouteStatus};

/// The rule.
pub const RULE: Rule = Rule {
    name: "unmounted-route",
    default_severity: Severity::Warning,
    summary: "route file imported but never mounted, mounted only in a comment, or unreferenced",
    docs: DOCS,
    check,
};

const DOCS: &str = "\
## What it does
Finds route files whose endpoints are not served. A route file is any file passed to a mount
(`app.use('/x', router)`, `app.route('/x', sub)`, `fastify.register(plugin, { prefix })`,
`app.use(router.routes())`, `require('./routes')(app)`) or any file under `routes/`,
`routers/`, `controllers/` or `api/` of a package that depends on a server framework. It is
reported when it is:
- `commented-out`: its mount and/or import exists only inside a comment (the comment text is
  parsed, and only specifiers that resolve to the file count);
- `imported-not-mounted`: a file that mounts routes imports it but never mounts it;
- `unreferenced`: nothing imports or mounts it.
Files covered by a directory loader (`readdirSync` + `require` in a loop, `import.meta.glob`,
`@fastify/autoload`) are `directory-loaded` and never reported. A NestJS controller counts as
mounted when the `controllers` of an `@Module({ … })` lists it, or of a class decorator of the
project's own that wraps `@Module` (`@VendurePlugin({ controllers: [ … ] })`).

## Why is this bad
A route that exists in the tree but is not mounted answers 404 in production. Some are dead
code; some are unfinished features someone must decide about. `treeaudit routes` prints the
whole table.

## Examples
Reported (`recordings.js` is mounted only in a comment):
    // import recordings from './routes/recordings.js';
    // app.route('/recordings', recordings);
Not reported:
    import calls from './routes/calls.js';
    app.route('/calls', calls);
";

fn related(locations: &[Location], message: &str) -> Vec<Related> {
    locations
        .iter()
        .map(|l| Related {
            file: l.file.clone(),
            line: l.line,
            message: message.to_string(),
        })
        .collect()
}

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for route in &project.route_table().routes {
        let (message, mut related_locations) = match route.status {
            RouteStatus::CommentedOut => (
                "route file is mounted only in a comment: its endpoints are not served".to_string(),
                related(&route.comments, "commented out here"),
            ),
            RouteStatus::ImportedNotMounted => (
                "route file is imported but never mounted: its endpoints are not served"
                    .to_string(),
                related(&route.imports, "imported here, never mounted"),
            ),
            RouteStatus::Unreferenced if !project.modules[route.module].facts.controllers.is_empty() => (
                "NestJS controller that no @Module lists in `controllers`: its endpoints are not served"
                    .to_string(),
                Vec::new(),
            ),
            RouteStatus::Unreferenced => (
                "route file is not mounted or imported anywhere: its endpoints are not served"
                    .to_string(),
                Vec::new(),
            ),
            RouteStatus::Mounted | RouteStatus::DirectoryLoaded => continue,
        };
        if route.status == RouteStatus::CommentedOut {
            related_locations.extend(related(&route.imports, "imported here"));
        }
        related_locations.sort();
        let mut finding = Finding::new(
            RULE.name,
            RULE.default_severity,
            &route.file,
            Span {
                line: 1,
                column: 1,
                start: 0,
                end: 0,
            },
            message,
        )
        .with_help(match route.status {
            RouteStatus::CommentedOut => {
                "restore the mount if the feature is live, or delete the file and the comment"
            }
            _ => "mount it where the other routes are mounted, or delete it if the feature is dead",
        });
        finding.related = related_locations;
        findings.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::run_rule;

    const MANIFEST: (&str, &str) = (
        "package.json",
        r#"{"type":"module","main":"src/index.js","dependencies":{"hono":"^4"}}"#,
    );

    fn route(name: &str) -> String {
        format!(
            "import {{ Hono }} from 'hono';\nconst {name} = new Hono();\nexport default {name};\n"
        )
    }

    #[test]
    fn mounted_routes_pass() {
        let findings = run_rule(
            &RULE,
            &[
                MANIFEST,
                (
                    "src/index.js",
                    "import { Hono } from 'hono';\nimport calls from './routes/calls.js';\nconst app = new Hono();\napp.route('/calls', calls);\n",
                ),
                ("src/routes/calls.js", &route("calls")),
            ],
        );
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn commented_out_mount_is_reported_with_its_line() {
        let findings = run_rule(
            &RULE,
            &[
                MANIFEST,
                (
                    "src/index.js",
                    "import { Hono } from 'hono';\n// import recordings from './routes/recordings.js';\nconst app = new Hono();\n// app.route('/recordings', recordings);\n// app.route('/docs', require('./README.js'));\n",
                ),
                ("src/routes/recordings.js", &route("recordings")),
            ],
        );
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].file, "src/routes/recordings.js");
        assert!(findings[0].message.contains("only in a comment"));
        let lines: Vec<u32> = findings[0].related.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 4]);
    }

    #[test]
    fn imported_but_unmounted_and_unreferenced_routes_are_reported() {
        let findings = run_rule(
            &RULE,
            &[
                MANIFEST,
                (
                    "src/index.js",
                    "import { Hono } from 'hono';\nimport calls from './routes/calls.js';\nimport analytics from './routes/analytics.js';\nconst app = new Hono();\napp.route('/calls', calls);\n",
                ),
                ("src/routes/calls.js", &route("calls")),
                ("src/routes/analytics.js", &route("analytics")),
                ("src/routes/status.js", &route("status")),
            ],
        );
        let summary: Vec<(&str, bool)> = findings
            .iter()
            .map(|f| {
                (
                    f.file.as_str(),
                    f.message.contains("imported but never mounted"),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("src/routes/analytics.js", true),
                ("src/routes/status.js", false)
            ]
        );
        assert_eq!(findings[0].related[0].line, 3);
    }

    #[test]
    fn directory_loaded_routes_pass() {
        let findings = run_rule(
            &RULE,
            &[
                (
                    "package.json",
                    r#"{"main":"server.js","dependencies":{"express":"^4"}}"#,
                ),
                (
                    "server.js",
                    "const fs = require('fs');\nconst path = require('path');\nconst app = require('express')();\nfor (const f of fs.readdirSync(path.join(__dirname, 'routes'))) {\n  app.use(require('./routes/' + f));\n}\n",
                ),
                (
                    "routes/users.js",
                    "module.exports = require('express').Router();\n",
                ),
            ],
        );
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn factory_mounts_under_a_path_constant_pass_and_middleware_members_are_not_routes() {
        let findings = run_rule(
            &RULE,
            &[
                (
                    "package.json",
                    r#"{"main":"app.js","dependencies":{"express":"^4"}}"#,
                ),
                (
                    "app.js",
                    "const express = require('express');\nconst { BASE_API_PATH } = require('./paths');\nconst auth = require('./api/auth');\nconst app = express();\napp.use(auth.requireUser);\napp.use(BASE_API_PATH, require('./api/app')());\n",
                ),
                ("paths.js", "exports.BASE_API_PATH = '/api';\n"),
                (
                    "api/auth.js",
                    "exports.requireUser = (req, res, next) => next();\n",
                ),
                (
                    "api/app.js",
                    "const express = require('express');\nmodule.exports = () => express.Router();\n",
                ),
            ],
        );
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn a_module_property_mounted_at_a_path_is_mounted() {
        let findings = run_rule(
            &RULE,
            &[
                (
                    "package.json",
                    r#"{"type":"module","main":"src/app.js","dependencies":{"express":"^5"}}"#,
                ),
                (
                    "src/app.js",
                    "import express from 'express';\nimport * as syncApp from './routes/sync.js';\nimport * as auth from './routes/auth.js';\nconst app = express();\napp.use(auth.check);\napp.use('/sync', syncApp.handlers);\n",
                ),
                (
                    "src/routes/sync.js",
                    "import express from 'express';\nexport const handlers = express.Router();\n",
                ),
                (
                    "src/routes/auth.js",
                    "import express from 'express';\nexport const check = (req, res, next) => next();\nexport const router = express.Router();\n",
                ),
            ],
        );
        // `auth.check` without a path is middleware: auth.js is imported, never mounted.
        let files: Vec<&str> = findings.iter().map(|f| f.file.as_str()).collect();
        assert_eq!(files, vec!["src/routes/auth.js"]);
    }

    #[test]
    fn job_files_named_by_path_under_api_are_not_unmounted_routes_and_helpers_are_not_routes() {
        let findings = run_rule(
            &RULE,
            &[
                (
                    "package.json",
                    r#"{"main":"app.js","dependencies":{"express":"^4"}}"#,
                ),
                (
                    "app.js",
                    "const express = require('express');\nconst app = express();\napp.use('/test', require('./api/testmode/routes'));\n",
                ),
                (
                    "api/testmode/routes.js",
                    "const path = require('path');\nconst router = require('express').Router();\nrouter.post('/jobs', (req) => run(path.resolve(__dirname, 'jobs', `${req.body.name}.js`)));\nmodule.exports = router;\n",
                ),
                ("api/testmode/jobs/say-hello.js", "console.log('hello');\n"),
                ("api/utils/mapper.js", "module.exports = (x) => x;\n"),
            ],
        );
        assert!(findings.is_empty(), "{findings:?}");
    }
}
