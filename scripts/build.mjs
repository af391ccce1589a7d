// Bundles the CLI into dist/, so it starts fast and the Helm plugin needs no node_modules.
// The Kubernetes schemas (most of the bytes) go in a second file, loaded only when an edited object is validated.
import { readFileSync, rmSync } from "node:fs";
import { build } from "esbuild";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });

const common = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  minifySyntax: true,
  legalComments: "linked",
  logLevel: "warning",
  // import() of the schema bundle becomes require(): Node would otherwise scan the whole file for ESM exports.
  supported: { "dynamic-import": false },
};

const schemasApart = {
  name: "schemas-apart",
  setup(b) {
    b.onResolve({ filter: /\/validate\.js$/ }, () => ({ path: "./validate.cjs", external: true }));
  },
};

await Promise.all([
  build({
    ...common,
    entryPoints: ["src/cli/entry.ts"],
    outfile: "dist/fix-storage.cjs",
    define: { __FIX_STORAGE_VERSION__: JSON.stringify(pkg.version) },
    plugins: [schemasApart],
  }),
  build({ ...common, entryPoints: ["src/core/validate.ts"], outfile: "dist/validate.cjs" }),
]);
