// Builds the Helm 4 postrenderer/v1 plugin: a directory and a .tgz holding plugin.yaml, the launcher and the
// esbuild bundle. No node_modules: the bundle carries every dependency. Needs `npm run build` first.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const pluginYaml = readFileSync(join(root, "helm-plugin", "plugin.yaml"), "utf8");
const version = /^version: (.+)$/m.exec(pluginYaml)?.[1];
if (version !== pkg.version) {
  console.error(`helm-plugin/plugin.yaml has version ${version}, package.json ${pkg.version}: make them equal`);
  process.exit(1);
}

const out = join(root, "dist", "helm-plugin");
const dir = join(out, "fix-storage");
rmSync(out, { recursive: true, force: true });
mkdirSync(join(dir, "bin"), { recursive: true });
mkdirSync(join(dir, "dist"), { recursive: true });
writeFileSync(join(dir, "plugin.yaml"), pluginYaml);
for (const file of ["fix-storage.cjs", "validate.cjs", "fix-storage.cjs.LEGAL.txt", "validate.cjs.LEGAL.txt"]) {
  if (existsSync(join(root, "dist", file))) cpSync(join(root, "dist", file), join(dir, "dist", file));
}
cpSync(join(root, "bin", "fix-storage"), join(dir, "bin", "fix-storage"));
chmodSync(join(dir, "bin", "fix-storage"), 0o755);
cpSync(join(root, "README.md"), join(dir, "README.md"));
// The launcher is ESM (import.meta); a package.json makes that explicit wherever the plugin is unpacked.
writeFileSync(join(dir, "package.json"), `${JSON.stringify({ type: "module", private: true }, null, 2)}\n`);

const tgz = join(out, `fix-storage-${pkg.version}.tgz`);
const tar = spawnSync("tar", ["-czf", tgz, "-C", out, "fix-storage"], { stdio: "inherit" });
if (tar.status !== 0) process.exit(tar.status ?? 1);
console.log(`${dir}\n${tgz}`);
