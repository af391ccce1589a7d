// esbuild settings shared by the npm bundle (scripts/build.mjs) and the single executable (scripts/build-sea.mjs).
import { readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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

export function writeAtomically(path, contents) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

/**
 * Builds without writing, then renames each output into place: a process running the previous bundle (a test, a
 * Helm plugin installed as a link to this directory) never reads a half-written file. `rewrite` gets each script's
 * text and returns what to write.
 */
export async function buildAtomically(options, { rewrite } = {}) {
  const result = await build({ ...common, ...options, write: false, metafile: true });
  for (const file of result.outputFiles) writeAtomically(file.path, rewrite && file.path.endsWith(".cjs") ? rewrite(file.text) : file.contents);
  return { paths: result.outputFiles.map((file) => file.path), metafile: result.metafile };
}

/**
 * The licence of every package the bundle holds (their MIT, ISC and BSD licences ask for the notice to travel with
 * the code): name, version, licence field and the package's licence file, from esbuild's metafile.
 */
export function thirdPartyNotices(metafile) {
  const packages = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
    if (match) packages.set(match[2], join(ROOT, match[1]));
  }
  const sections = [...packages].sort(([a], [b]) => a.localeCompare(b)).map(([name, dir]) => {
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const file = readdirSync(dir).find((entry) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(entry));
    const text = file ? readFileSync(join(dir, file), "utf8").trim() : `(no licence file; package.json says ${manifest.license})`;
    return `${name}@${manifest.version} (${manifest.license})\n\n${text}\n`;
  });
  return `fix-storage ${pkg.version} bundles these packages:\n\n${sections.join(`\n${"-".repeat(80)}\n\n`)}`;
}
