//! Applies `// treeaudit-ignore-next-line RULE -- reason` comments to findings.
//! A suppression without a reason silences nothing: `invalid-suppression` reports it instead.

use crate::finding::Finding;
use crate::project::Project;

/// A finding silenced by a suppression comment, kept so SARIF can list it as suppressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    /// The silenced finding.
    pub finding: Finding,
    /// The reason the comment gives.
    pub justification: String,
}

/// Removes findings silenced by a valid suppression comment on the line above them, and
/// returns them with the comment's reason.
pub fn apply(project: &Project, findings: &mut Vec<Finding>) -> Vec<Suppressed> {
    let mut suppressed = Vec::new();
    if project
        .modules
        .iter()
        .all(|m| m.facts.suppressions.is_empty())
    {
        return suppressed;
    }
    let mut kept = Vec::with_capacity(findings.len());
    for finding in findings.drain(..) {
        let reason = project.module_by_rel(&finding.file).and_then(|index| {
            project.modules[index]
                .facts
                .suppressions
                .iter()
                .find_map(|s| {
                    let applies = s.target_line == finding.line
                    && s.rules.iter().any(|r| r == &finding.rule)
                    // The rule that polices suppressions cannot itself be suppressed.
                    && finding.rule != crate::checks::INVALID_SUPPRESSION;
                    if applies { s.reason.clone() } else { None }
                })
        });
        match reason {
            Some(justification) => suppressed.push(Suppressed {
                finding,
                justification,
            }),
            None => kept.push(finding),
        }
    }
    *findings = kept;
    suppressed
}

#[cfg(test)]
mod tests {
    use crate::discover::Dialect;
    use crate::parse::parse_module;

    #[test]
    fn directive_with_rules_and_reason_targets_the_next_line() {
        let facts = parse_module(
            Dialect::JavaScript,
            b"const a = 1;\n// treeaudit-ignore-next-line unresolved-import, case-mismatch -- generated at build time\nimport x from './gen/x.js';\n",
        );
        assert_eq!(facts.suppressions.len(), 1);
        let s = &facts.suppressions[0];
        assert_eq!(s.span.line, 2);
        assert_eq!(s.target_line, 3);
        assert_eq!(s.rules, ["unresolved-import", "case-mismatch"]);
        assert_eq!(s.reason.as_deref(), Some("generated at build time"));
    }

    #[test]
    fn directive_without_reason_has_none() {
        for source in [
            "// treeaudit-ignore-next-line unresolved-import\nimport x from './x';\n",
            "// treeaudit-ignore-next-line unresolved-import --   \nimport x from './x';\n",
            "/* treeaudit-ignore-next-line unresolved-import */\nimport x from './x';\n",
        ] {
            let facts = parse_module(Dialect::TypeScript, source.as_bytes());
            assert_eq!(facts.suppressions.len(), 1, "{source}");
            assert_eq!(facts.suppressions[0].reason, None, "{source}");
            assert_eq!(facts.suppressions[0].rules, ["unresolved-import"]);
        }
    }

    #[test]
    fn ordinary_comments_are_not_directives() {
        let facts = parse_module(
            Dialect::JavaScript,
            b"// see treeaudit-ignore-next-lines docs\n// plain comment\nimport x from './x';\n",
        );
        assert!(facts.suppressions.is_empty(), "{:?}", facts.suppressions);
    }
}
