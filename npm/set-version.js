#!/usr/bin/env node
// Sets one version on the launcher and every platform package (and the launcher's
// optionalDependencies), so a release publishes a matching set: `node npm/set-version.js 1.2.3`.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

const version = process.argv[2];
if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version || "")) {
  process.stderr.write("usage: node npm/set-version.js X.Y.Z\n");
  process.exit(2);
}
for (const dir of fs.readdirSync(__dirname)) {
  const file = path.join(__dirname, dir, "package.json");
  if (!dir.startsWith("treeaudit") || !fs.existsSync(file)) continue;
  const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
  pkg.version = version;
  for (const name of Object.keys(pkg.optionalDependencies || {})) {
    pkg.optionalDependencies[name] = version;
  }
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
}
