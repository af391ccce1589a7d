// Runs the CLI through the loader (dist/fix-storage.cjs, src/cli/start.ts) as `fix-storage ARGS...` with this process's
// stdin and stdout; at exit, writes (write) or only reads (check) the state of the code cache of every script it
// compiled, as JSON in REPORT: { "<script path>": true when V8 took its cache }. Used by scripts/lib/code-cache.mjs
// and the shipping tests.
//   node code-cache-run.cjs LOADER write|check REPORT [ARGS...]
"use strict";
const { renameSync, writeFileSync } = require("node:fs");

const [loader, mode, report, ...args] = process.argv.slice(2);
if (!loader || !["write", "check"].includes(mode) || !report) {
  process.stderr.write("usage: node code-cache-run.cjs LOADER write|check REPORT [ARGS...]\n");
  process.exit(2);
}
process.argv = [process.argv[0], loader, ...args];
const { codeCacheContents, codeCachePath, compiled } = require(loader);

process.on("exit", () => {
  const used = {};
  for (const [file, { script, source, cacheOffered }] of compiled) {
    used[file] = cacheOffered && !script.cachedDataRejected;
    if (mode !== "write") continue;
    const path = codeCachePath(file);
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, codeCacheContents(script.createCachedData(), source));
    renameSync(temporary, path);
  }
  writeFileSync(report, `${JSON.stringify(used)}\n`);
});
