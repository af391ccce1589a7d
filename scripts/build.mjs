// Bundles the CLI into dist/, so it starts fast and needs no node_modules (npm package, Helm plugin):
//   fix-storage.cjs   the loader (src/cli/start.ts): runs cli.cjs with V8's code cache
//   cli.cjs           the CLI and every dependency but the schemas
//   validate.cjs      the Kubernetes schemas (most of the bytes), loaded only when an edited object is validated
//   *.v8cache         V8's code cache of cli.cjs and validate.cjs, made by running the CLI on a representative stream
// THIRD-PARTY-NOTICES.txt holds the licences of the packages inside. Only these files are replaced, each atomically:
// dist/helm-plugin, dist/sea and dist/release survive a rebuild.
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { buildAtomically, ROOT, thirdPartyNotices, writeAtomically } from "./lib/bundle.mjs";
import { writeCodeCaches } from "./lib/code-cache.mjs";
import { SCHEMA_PLUGINS } from "./lib/schema-plugins.mjs";

const dist = join(ROOT, "dist");
mkdirSync(dist, { recursive: true });

const schemasApart = {
  name: "schemas-apart",
  setup(b) {
    b.onResolve({ filter: /\/validate\.js$/ }, () => ({ path: "./validate.cjs", external: true }));
  },
};

/**
 * V8 holds a script's source as one byte a character only if all of it is ASCII, else two: esbuild escapes non-ASCII
 * characters in code (charset ascii) but copies comments as they are, so one `…` in a doc comment would double the
 * memory of the source at every start (and each page of memory costs start-up time). Non-ASCII characters on a
 * comment line become \u escapes there; one anywhere else is left as it is.
 */
function asciiComments(text) {
  return text.replace(/[^\t\n\r\x20-\x7e]/gu, (char, offset) => {
    const line = text.slice(text.lastIndexOf("\n", offset) + 1, offset);
    const inComment = /^\s*(\*|\/\*|\/\/)/.test(line) || line.includes("//") || line.includes("/*");
    return inComment ? `\\u{${(char.codePointAt(0) ?? 0).toString(16)}}` : char;
  });
}

const builds = await Promise.all([
  buildAtomically({ entryPoints: ["src/cli/entry.ts"], outfile: join(dist, "cli.cjs"), plugins: [schemasApart] }, { rewrite: asciiComments }),
  // Minified (914 -> 470 KB with the above): generated schema code nobody reads, whose bytes each edited run pays.
  buildAtomically({ entryPoints: ["src/core/validate.ts"], outfile: join(dist, "validate.cjs"), plugins: SCHEMA_PLUGINS, minify: true }, { rewrite: asciiComments }),
]);
// The loader last: until it is replaced, a process starting from dist/ runs the previous loader on the new bundle.
builds.push(await buildAtomically({ entryPoints: ["src/cli/start.ts"], outfile: join(dist, "fix-storage.cjs") }));
const written = builds.flatMap((result) => result.paths);
const inputs = Object.assign({}, ...builds.map((result) => result.metafile.inputs));
writeAtomically(join(dist, "THIRD-PARTY-NOTICES.txt"), thirdPartyNotices({ inputs }));
// A legal-comments file the current sources no longer produce would be stale.
for (const name of ["fix-storage.cjs.LEGAL.txt", "cli.cjs.LEGAL.txt", "validate.cjs.LEGAL.txt"]) {
  if (!written.includes(join(dist, name))) rmSync(join(dist, name), { force: true });
}

// Without a cache the CLI runs as well, only slower to start: a failure here is a warning, not a failed build.
const problem = writeCodeCaches(ROOT, dist);
if (problem) console.warn(`build: dist/ has no code cache: ${problem}`);
