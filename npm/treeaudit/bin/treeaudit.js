#!/usr/bin/env node
// Runs the prebuilt treeaudit binary for this machine. npm installs exactly one of the
// platform packages listed in optionalDependencies (their `os`, `cpu` and `libc` fields say
// which); this file finds it and hands over the arguments, stdio and exit code unchanged.
"use strict";

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

// Keep in step with optionalDependencies in package.json (a test in tests/dist.rs checks).
const PACKAGES = {
  "linux-x64-gnu": "treeaudit-linux-x64-gnu",
  "linux-arm64-gnu": "treeaudit-linux-arm64-gnu",
  "linux-x64-musl": "treeaudit-linux-x64-musl",
  "linux-arm64-musl": "treeaudit-linux-arm64-musl",
  "darwin-x64": "treeaudit-darwin-x64",
  "darwin-arm64": "treeaudit-darwin-arm64",
  "win32-x64": "treeaudit-win32-x64",
};

function fail(message) {
  process.stderr.write(`treeaudit: error: ${message}\n`);
  process.exit(2);
}

// musl (Alpine) has no glibc version in Node's diagnostic report.
function isMusl() {
  try {
    const report = process.report && process.report.getReport();
    if (report && report.header) return !report.header.glibcVersionRuntime;
  } catch {
    // fall through
  }
  try {
    return fs.readFileSync("/usr/bin/ldd", "utf8").includes("musl");
  } catch {
    return false;
  }
}

// The platform packages that can run here, preferred first (on Linux the other libc's
// static-enough build is a fallback when only that one got installed).
function candidates() {
  const { platform, arch } = process;
  if (platform !== "linux") return [`${platform}-${arch}`];
  const [first, second] = isMusl() ? ["musl", "gnu"] : ["gnu", "musl"];
  return [`linux-${arch}-${first}`, `linux-${arch}-${second}`];
}

function binaryPath() {
  if (process.env.TREEAUDIT_BINARY) return process.env.TREEAUDIT_BINARY;
  const names = candidates()
    .map((key) => PACKAGES[key])
    .filter(Boolean);
  if (names.length === 0) {
    fail(
      `no prebuilt binary for ${process.platform}-${process.arch}; ` +
        "build it with `cargo install --locked treeaudit` (needs Rust), or set TREEAUDIT_BINARY",
    );
  }
  const exe = process.platform === "win32" ? "treeaudit.exe" : "treeaudit";
  for (const name of names) {
    let dir;
    try {
      dir = path.dirname(require.resolve(`${name}/package.json`));
    } catch {
      continue;
    }
    return path.join(dir, "bin", exe);
  }
  fail(
    `the platform package ${names[0]} is not installed. npm skips optional dependencies ` +
      "with --omit=optional or --no-optional, and an install copied from another OS lacks " +
      "it: reinstall here without those flags (`npm install treeaudit`)",
  );
}

const binary = binaryPath();
const result = spawnSync(binary, process.argv.slice(2), {
  stdio: "inherit",
  windowsHide: true,
});
if (result.error) {
  fail(`cannot run ${binary}: ${result.error.message}`);
}
if (result.signal) {
  process.kill(process.pid, result.signal);
}
process.exit(result.status === null ? 2 : result.status);
