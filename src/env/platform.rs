//! Variables the runtime or the hosting platform sets: never "undeclared", never required from
//! an env file. The one place this list lives; `treeaudit explain undeclared-env` prints it.

/// Exact names set by the operating system, Node, CI services or hosting platforms.
pub const PLATFORM_NAMES: &[&str] = &[
    // operating system and shell
    "HOME",
    "PATH",
    "PWD",
    "OLDPWD",
    "USER",
    "USERNAME",
    "LOGNAME",
    "SHELL",
    "TERM",
    "LANG",
    "LC_ALL",
    "TZ",
    "TMPDIR",
    "TEMP",
    "TMP",
    "HOSTNAME",
    "APPDATA",
    "LOCALAPPDATA",
    "USERPROFILE",
    "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME",
    "XDG_DATA_HOME",
    // network proxies (curl's convention, honoured by HTTP clients): set per machine
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "all_proxy",
    // Expo's Babel preset inlines these for the platform being bundled
    "EXPO_OS",
    "EXPO_ROUTER_APP_ROOT",
    "EXPO_ROUTER_IMPORT_MODE",
    "EXPO_PROJECT_ROOT",
    "EXPO_BASE_URL",
    // Node and package managers
    "NODE_ENV",
    "NODE_OPTIONS",
    "NODE_DEBUG",
    "NODE_EXTRA_CA_CERTS",
    "NODE_APP_INSTANCE",
    "INIT_CWD",
    // switches a library reads itself, off when unset: the `debug` package's namespaces
    // (`DEBUG=express:*`), which Express, Knex, Socket.IO and many apps log through
    "DEBUG",
    // CI
    "CI",
    "GITHUB_ACTIONS",
    "GITLAB_CI",
    "BUILDKITE",
    "CIRCLECI",
    "JENKINS_URL",
    // test runners
    "JEST_WORKER_ID",
    "VITEST",
    "VITEST_POOL_ID",
    "VITEST_WORKER_ID",
    // frameworks
    "NEXT_RUNTIME",
    "NEXT_PHASE",
    "__NEXT_PRIVATE_ORIGIN",
    // hosting platforms
    "VERCEL",
    "NETLIFY",
    "DEPLOY_URL",
    "DEPLOY_PRIME_URL",
    "RENDER",
    "DYNO",
    "FLY_APP_NAME",
    "K_SERVICE",
    "K_REVISION",
    "GAE_SERVICE",
    "GAE_VERSION",
    "GOOGLE_CLOUD_PROJECT",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_EXECUTION_ENV",
    "LAMBDA_TASK_ROOT",
    "KUBERNETES_SERVICE_HOST",
];

/// Names Windows sets. Windows looks names up case-insensitively (`process.env.ProgramFiles`
/// and `process.env.PROGRAMFILES` are the same variable), so these compare so too.
pub const WINDOWS_NAMES: &[&str] = &[
    "APPDATA",
    "LOCALAPPDATA",
    "PROGRAMDATA",
    "PROGRAMFILES",
    "PROGRAMFILES(X86)",
    "PROGRAMW6432",
    "COMMONPROGRAMFILES",
    "SYSTEMROOT",
    "SYSTEMDRIVE",
    "WINDIR",
    "COMSPEC",
    "PATHEXT",
    "USERPROFILE",
    "USERDOMAIN",
    "COMPUTERNAME",
    "HOMEDRIVE",
    "HOMEPATH",
    "PUBLIC",
    "ALLUSERSPROFILE",
    "NUMBER_OF_PROCESSORS",
    "PROCESSOR_ARCHITECTURE",
    "OS",
];

/// Prefixes of whole families of platform variables (`VERCEL_URL`, `npm_package_version`, …).
pub const PLATFORM_PREFIXES: &[&str] = &[
    "VERCEL_",
    "NETLIFY_",
    "RENDER_",
    "RAILWAY_",
    "FLY_",
    "HEROKU_",
    "AWS_LAMBDA_",
    "CF_PAGES",
    "GITHUB_",
    "RUNNER_",
    "GITLAB_",
    "CIRCLE_",
    "BUILDKITE_",
    "npm_",
    "LC_",
];

/// Whether the platform, not the project, provides this variable.
pub fn is_platform_name(name: &str) -> bool {
    PLATFORM_NAMES.contains(&name)
        || PLATFORM_PREFIXES.iter().any(|p| name.starts_with(p))
        || WINDOWS_NAMES.iter().any(|w| w.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_hosting_and_tool_switch_names_are_platform_but_app_settings_are_not() {
        for name in [
            "NODE_ENV",
            "CI",
            "HOME",
            "PATH",
            "PWD",
            "TZ",
            "NEXT_RUNTIME",
            "VERCEL_URL",
            "PROGRAMFILES",
            "ProgramFiles",
            "APPDATA",
            "EXPO_OS",
            "https_proxy",
            "NO_PROXY",
            "DEBUG",
            "NODE_DEBUG",
        ] {
            assert!(is_platform_name(name), "{name}");
        }
        for name in [
            "DATABASE_URL",
            "PORT",
            "NEXT_PUBLIC_API_URL",
            "VERCELL",
            "EXPO_PUBLIC_API_URL",
            "DEBUG_MODE",
        ] {
            assert!(!is_platform_name(name), "{name}");
        }
    }
}
