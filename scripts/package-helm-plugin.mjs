// Packages the Helm 4 postrenderer/v1 plugin: dist/helm-plugin/fix-storage/ and fix-storage-<version>.tgz, holding
// the root plugin.yaml, helm-plugin/ (launcher and install hooks), the bundle, README.md and LICENSE; no node_modules.
// The archive is unsigned: the release workflow makes the signed archive and its .prov with `helm plugin package`.
// dist/helm-plugin/ is a copy that `npm run build` leaves alone, so a plugin installed from it survives a rebuild.
// Needs `npm run build` first.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pkg, ROOT } from "./lib/bundle.mjs";

const version = /^version: (.+)$/m.exec(readFileSync(join(ROOT, "plugin.yaml"), "utf8"))?.[1];
if (version !== pkg.version) {
  console.error(`plugin.yaml has version ${version}, package.json ${pkg.version}: make them equal`);
  process.exit(1);
}
if (!existsSync(join(ROOT, "dist", "fix-storage.cjs"))) {
  console.error("dist/fix-storage.cjs is missing: run `npm run build` first");
  process.exit(1);
}

const out = join(ROOT, "dist", "helm-plugin");
const dir = join(out, "fix-storage");
rmSync(out, { recursive: true, force: true });
mkdirSync(join(dir, "dist"), { recursive: true });
for (const file of ["plugin.yaml", "README.md", "LICENSE", "helm-plugin/run", "helm-plugin/install-binary.sh", "helm-plugin/install-binary.ps1"]) {
  cpSync(join(ROOT, file), join(dir, file));
}
for (const file of ["helm-plugin/run", "helm-plugin/install-binary.sh"]) chmodSync(join(dir, file), 0o755);
for (const file of ["fix-storage.cjs", "cli.cjs", "validate.cjs", "cli.cjs.v8cache", "validate.cjs.v8cache", "cli.cjs.LEGAL.txt", "validate.cjs.LEGAL.txt", "THIRD-PARTY-NOTICES.txt"]) {
  if (existsSync(join(ROOT, "dist", file))) cpSync(join(ROOT, "dist", file), join(dir, "dist", file));
}

// Helm names the plugin directory after the archive (fix-storage-0.1.0.tgz → fix-storage/), so it must hold fix-storage/.
const tgz = join(out, `fix-storage-${pkg.version}.tgz`);
const tar = spawnSync("tar", ["-czf", tgz, "-C", out, "fix-storage"], { stdio: "inherit" });
if (tar.status !== 0) process.exit(tar.status ?? 1);
console.log(`${dir}\n${tgz}`);
