import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

/** Test files, relative to the project. */
function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

/**
 * Files that mock or spy on modules, or count calls through them, need modules of their own. The rest share one
 * module graph per worker: importing the sources again for each of some eighty files took about a third of the run.
 */
const NEEDS_OWN_MODULES = /\bvi\.(?:mock|doMock|spyOn|hoisted|stubEnv|stubGlobal)\b|process\.chdir/;
const isolated = testFiles("test").filter((file) => NEEDS_OWN_MODULES.test(readFileSync(file, "utf8")));

export default defineConfig({
  test: {
    // Many tests wait on child processes (the CLI, kubectl, kpt, shells): three workers keep two cores busy.
    maxWorkers: 3,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ["test/global-setup.ts"],
    projects: [
      { extends: true, test: { name: "shared", include: ["test/**/*.test.ts"], exclude: isolated, isolate: false } },
      { extends: true, test: { name: "isolated", include: isolated, isolate: true } },
    ],
  },
});
