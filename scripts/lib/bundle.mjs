// esbuild settings shared by the npm bundle (scripts/build.mjs) and the single executable (scripts/build-sea.mjs).
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

export const ROOT = new URL("../..", import.meta.url).pathname;
export const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));

export const common = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  minifySyntax: true,
  legalComments: "linked",
  logLevel: "warning",
  // import() of the schema bundle becomes require(): Node would otherwise scan the whole file for ESM exports.
  supported: { "dynamic-import": false },
  define: { __FIX_STORAGE_VERSION__: JSON.stringify(pkg.version) },
};

/**
 * Builds without writing, then renames each output into place: a process running the previous bundle (a test, a
 * Helm plugin installed as a link to this directory) never reads a half-written file.
 */
export async function buildAtomically(options) {
  const result = await build({ ...common, ...options, write: false });
  for (const file of result.outputFiles) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
  return result.outputFiles.map((file) => file.path);
}
