// Bundles the CLI into dist/, so it starts fast and needs no node_modules (npm package, Helm plugin).
// The Kubernetes schemas (most of the bytes) go in a second file, loaded only when an edited object is validated.
// THIRD-PARTY-NOTICES.txt holds the licences of the packages inside. Only these files are replaced, each atomically:
// dist/helm-plugin, dist/sea and dist/release survive a rebuild.
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { buildAtomically, ROOT, thirdPartyNotices, writeAtomically } from "./lib/bundle.mjs";

const dist = join(ROOT, "dist");
mkdirSync(dist, { recursive: true });

const schemasApart = {
  name: "schemas-apart",
  setup(b) {
    b.onResolve({ filter: /\/validate\.js$/ }, () => ({ path: "./validate.cjs", external: true }));
  },
};

const builds = await Promise.all([
  buildAtomically({ entryPoints: ["src/cli/entry.ts"], outfile: join(dist, "fix-storage.cjs"), plugins: [schemasApart] }),
  buildAtomically({ entryPoints: ["src/core/validate.ts"], outfile: join(dist, "validate.cjs") }),
]);
const written = builds.flatMap((result) => result.paths);
const inputs = Object.assign({}, ...builds.map((result) => result.metafile.inputs));
writeAtomically(join(dist, "THIRD-PARTY-NOTICES.txt"), thirdPartyNotices({ inputs }));
// A legal-comments file the current sources no longer produce would be stale.
for (const name of ["fix-storage.cjs.LEGAL.txt", "validate.cjs.LEGAL.txt"]) {
  if (!written.includes(join(dist, name))) rmSync(join(dist, name), { force: true });
}
