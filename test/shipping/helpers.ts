/** Shared by the shipping tests: what Helm does with a plugin.yaml, a PATH without Node.js, the bundle's output. */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "yaml";
import { ROOT } from "../helpers.js";
import { tempDir } from "../frontends/hosts.js";

export const PKG = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string; [key: string]: unknown };
export const BUNDLE = join(ROOT, "dist", "fix-storage.cjs");

interface PlatformCommand {
  os?: string;
  arch?: string;
  command: string;
  args?: string[];
}

/** Helm's getPlatformCommand: an os/arch match first, then os alone, then an entry naming neither. */
function platformCommand(commands: PlatformCommand[], os: string): PlatformCommand | undefined {
  return commands.find((c) => c.os === os && !c.arch) ?? commands.find((c) => !c.os && !c.arch);
}

const expand = (text: string, env: Record<string, string>) => text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => env[a ?? b] ?? "");

/**
 * Helm 4's PrepareCommands for a subprocess plugin on Linux: the command split on spaces, ${VAR} expanded in it and,
 * for the post-renderer, in its args; hook args stay as written (apiVersion v1).
 */
export function helmCommand(pluginDir: string, which: "postrender" | "install" | "update", env: Record<string, string>) {
  const plugin = parse(readFileSync(join(pluginDir, "plugin.yaml"), "utf8"));
  const commands: PlatformCommand[] = which === "postrender" ? plugin.runtimeConfig.platformCommand : plugin.runtimeConfig.platformHooks[which];
  const chosen = platformCommand(commands, "linux");
  if (!chosen) throw new Error(`plugin.yaml has no ${which} command for linux`);
  const withPlugin = { ...env, HELM_PLUGIN_DIR: pluginDir, HELM_PLUGIN_NAME: plugin.name };
  const [main, ...rest] = chosen.command.split(" ").map((part) => expand(part, withPlugin));
  const args = [...rest, ...(chosen.args ?? []).map((arg) => (which === "postrender" ? expand(arg, withPlugin) : arg))];
  return { command: main as string, args, env: withPlugin };
}

/** Runs what Helm would run for the plugin installed in pluginDir. */
export function runHelmPlugin(pluginDir: string, which: "postrender" | "install" | "update", options: { env: Record<string, string>; input?: string; args?: string[] }) {
  const { command, args, env } = helmCommand(pluginDir, which, options.env);
  return spawnSync(command, [...args, ...(options.args ?? [])], { input: options.input ?? "", encoding: "utf8", env, maxBuffer: 256 * 1024 * 1024 });
}

const TOOLS = ["sh", "sed", "tr", "head", "uname", "mkdir", "rm", "mv", "chmod", "awk", "cut", "curl", "sha256sum", "dirname", "cat"];

/** A PATH holding the shell tools the plugin's scripts use, and no node. */
export function pathWithoutNode(): string {
  const dir = join(tempDir("no-node-"), "bin");
  mkdirSync(dir);
  for (const tool of TOOLS) {
    const found = spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
    if (found) symlinkSync(found, join(dir, tool));
  }
  return dir;
}

/** What the npm bundle writes for these args and input: the reference every other way is compared with. */
export function bundleRun(args: string[], input: string, cwd = ROOT) {
  return spawnSync(process.execPath, [BUNDLE, ...args], { input, cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
}

/**
 * `fix-storage ARGS` through the loader `dir`/fix-storage.cjs with scripts/lib/code-cache-run.cjs, which also writes
 * the code cache of what it compiled (mode write) as the build does; `used`: for each script the loader compiled (by
 * path relative to `dir`), whether V8 took its code cache.
 */
export function runThroughLoader(dir: string, args: string[], input: string, mode: "check" | "write" = "check") {
  const report = join(tempDir("code-cache-report-"), "report.json");
  // As the build makes the cache: V8 flags in NODE_OPTIONS would make V8 reject it.
  const { NODE_OPTIONS: _, ...env } = process.env;
  const runner = join(ROOT, "scripts", "lib", "code-cache-run.cjs");
  const run = spawnSync(process.execPath, [runner, join(dir, "fix-storage.cjs"), mode, report, ...args], { input, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const byPath = JSON.parse(readFileSync(report, "utf8")) as Record<string, boolean>;
  const used = Object.fromEntries(Object.entries(byPath).map(([path, taken]) => [relative(dir, path), taken]));
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, used };
}

/** The README's install table: the command of the row whose first cell starts with `label`. */
export function readmeInstallLine(label: string): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("\n## Install\n"), readme.indexOf("\n## ", readme.indexOf("\n## Install\n") + 1));
  const row = section.split("\n").find((line) => line.startsWith(`| ${label}`));
  const command = row?.split(" | ")[1]?.match(/^`([^`]+)`/)?.[1];
  if (!command) throw new Error(`README's Install section has no row for ${label}`);
  return command;
}
