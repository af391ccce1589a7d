/** The contracts users and hosts rely on, checked on the bundled CLI as a process. */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, runBin, yaml } from "./helpers.js";

const STS = yaml`
  ---
  # Source: pushgateway/templates/statefulset.yaml
  apiVersion: apps/v1
  kind: StatefulSet
  metadata:
    name: pushgateway
    namespace: monitoring
    labels:
      helm.sh/chart: prometheus-pushgateway-2.17.0
      app.kubernetes.io/instance: pushgateway
      app.kubernetes.io/version: "v1.11.0"
  spec:
    serviceName: pushgateway
    selector:
      matchLabels:
        app.kubernetes.io/instance: pushgateway
    template:
      metadata:
        labels:
          app.kubernetes.io/instance: pushgateway
      spec:
        containers:
          - name: pushgateway
            image: quay.io/prometheus/pushgateway:v1.11.0
    volumeClaimTemplates:
      - metadata:
          name: storage-volume
          labels:
            helm.sh/chart: prometheus-pushgateway-2.17.0
            app.kubernetes.io/instance: pushgateway
            app.kubernetes.io/version: "v1.11.0"
        spec:
          accessModes:
            - ReadWriteOnce
          resources:
            requests:
              storage: "2Gi"
`;

const CONFIGMAP = "---\n# Source: pushgateway/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  mode: 0644\n";

function tempFile(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), "fix-storage-"));
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe("fix-storage transform", () => {
  it("fixes claim-template-labels end to end and explains each change on stderr", () => {
    const run = runBin(["--explain", "--disable", "claim-ownership"], CONFIGMAP + STS);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      CONFIGMAP +
        STS.replace(
          '        labels:\n          helm.sh/chart: prometheus-pushgateway-2.17.0\n          app.kubernetes.io/instance: pushgateway\n          app.kubernetes.io/version: "v1.11.0"\n',
          "        labels:\n          app.kubernetes.io/instance: pushgateway\n",
        ),
    );
    expect(run.stderr).toContain(
      'fix-storage: claim-template-labels: document 2 (pushgateway/templates/statefulset.yaml) StatefulSet monitoring/pushgateway: removed spec.volumeClaimTemplates[0].metadata.labels["helm.sh/chart"] (was "prometheus-pushgateway-2.17.0")',
    );
    // Two removals, then the note that the claim templates changed without --live.
    expect(run.stderr.trim().split("\n")).toHaveLength(3);
    expect(run.stderr).toContain("info: live-state: document 2 (pushgateway/templates/statefulset.yaml): StatefulSet monitoring/pushgateway: volumeClaimTemplates changed");
  });

  it("is silent on stderr without --explain, and a second run gives the same bytes", () => {
    const first = runBin([], STS);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe("");
    const second = runBin([], first.stdout);
    expect(second.stdout).toBe(first.stdout);
  });

  it("infers the release from the stream for claim-ownership", () => {
    const run = runBin([], STS);
    expect(run.stdout).toContain("meta.helm.sh/release-name: pushgateway");
    expect(run.stdout).toContain("meta.helm.sh/release-namespace: monitoring");
  });

  it("names the document, source, line and column of a syntax error, and writes nothing", () => {
    const broken = STS.replace("  serviceName: pushgateway\n", "  serviceName: [pushgateway\n");
    expect(broken).not.toBe(STS);
    const run = runBin([], CONFIGMAP + broken);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^fix-storage: document 2 \(pushgateway\/templates\/statefulset\.yaml\) line \d+, column \d+: /);
  });

  it("rejects empty input without writing anything", () => {
    const run = runBin([], "  \n");
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("stdin is empty");
  });

  it("rejects NUL bytes and invalid UTF-8", () => {
    expect(runBin([], Buffer.from("a: \0\n"))).toMatchObject({ code: 2, stdout: "" });
    expect(runBin([], Buffer.from([0x61, 0x3a, 0x20, 0xc3, 0x28, 0x0a]))).toMatchObject({ code: 2, stdout: "" });
  });

  it("rejects unknown flags and rules with a hint", () => {
    expect(runBin(["--frobnicate"], STS)).toMatchObject({ code: 2, stdout: "" });
    const run = runBin(["--enable", "claim-labels"], STS);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown rule \"claim-labels\" (rules are: claim-template-labels, claim-ownership");
  });

  it("prints --help and --version", () => {
    const help = runBin(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("fix-storage check [FILE|DIR...]");
    for (const rule of ["claim-template-labels", "claim-ownership", "claim-retention", "cronjob-claims", "volume-name", "idempotent-cleanup"]) {
      expect(help.stdout).toContain(rule);
    }
    const pkg = JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8")) as { version: string };
    expect(runBin(["--version"]).stdout).toBe(`fix-storage ${pkg.version}\n`);
  });

  it("writes a JSON report of every change and finding", () => {
    const report = join(mkdtempSync(join(tmpdir(), "fix-storage-")), "report.json");
    const run = runBin(["--report", report], STS);
    expect(run.code).toBe(0);
    const data = JSON.parse(readFileSync(report, "utf8"));
    expect(data.changes).toHaveLength(5);
    expect(data.changes[0]).toMatchObject({
      rule: "claim-template-labels",
      document: 1,
      source: "pushgateway/templates/statefulset.yaml",
      kind: "StatefulSet",
      namespace: "monitoring",
      name: "pushgateway",
      op: "delete",
      path: 'spec.volumeClaimTemplates[0].metadata.labels["helm.sh/chart"]',
      before: "prometheus-pushgateway-2.17.0",
    });
    expect(data.release).toMatchObject({ name: "pushgateway", namespace: "monitoring" });
  });

  it("exits quietly when the reader closes the pipe", async () => {
    const big = `${STS}${CONFIGMAP.repeat(20000)}`;
    const child = spawn(process.execPath, [BIN], { stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.stdout.once("data", () => child.stdout.destroy());
    child.stdin.end(big);
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });
});

describe("fix-storage --config", () => {
  it("reads rule options from a YAML config", () => {
    const config = tempFile("c.yaml", "rules:\n  claim-template-labels:\n    keep: [app.kubernetes.io/version]\n  claim-ownership:\n    enabled: false\n");
    const run = runBin(["--config", config, "--explain"], STS);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('app.kubernetes.io/version: "v1.11.0"\n      spec:');
    expect(run.stdout).not.toContain("meta.helm.sh");
  });

  it("names the key path of an unknown key or a wrong type", () => {
    const unknown = tempFile("c.yaml", "rules:\n  claim-template-labels:\n    kep: [x]\n");
    expect(runBin(["--config", unknown], STS).stderr).toContain('rules.claim-template-labels: unknown key "kep"');
    const wrongType = tempFile("c.yaml", "rules:\n  cronjob-claims:\n    mode: shared\n");
    expect(runBin(["--config", wrongType], STS).stderr).toMatch(/rules\.cronjob-claims\.mode: /);
    const badRule = tempFile("c.yaml", "rules:\n  claim-labels: {}\n");
    expect(runBin(["--config", badRule], STS).stderr).toContain('unknown key "claim-labels" (rules are: claim-template-labels');
  });

  it("fails clearly on a missing, unreadable or invalid config, also from FIX_STORAGE_CONFIG", () => {
    const missing = runBin([], STS, { FIX_STORAGE_CONFIG: "/nonexistent/c.yaml" });
    expect(missing).toMatchObject({ code: 2, stdout: "" });
    expect(missing.stderr).toContain("config file /nonexistent/c.yaml does not exist");
    const dir = mkdtempSync(join(tmpdir(), "fix-storage-"));
    expect(runBin(["--config", dir], STS)).toMatchObject({ code: 2, stdout: "" });
    const invalid = tempFile("c.yaml", "rules: [\n");
    const run = runBin(["--config", invalid], STS);
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toMatch(/invalid config .*c\.yaml/);
  });
});

describe("fix-storage check and diff", () => {
  it("check exits 1 when something would change, 0 when nothing would, 2 on error", () => {
    const file = tempFile("r.yaml", STS);
    const some = runBin(["check", file]);
    expect(some.code).toBe(1);
    expect(some.stdout).toContain(`${file}: 5 changes in 1 object`);
    const fixed = tempFile("f.yaml", runBin([], STS).stdout);
    expect(runBin(["check", fixed]).code).toBe(0);
    expect(runBin(["check", "/nonexistent.yaml"])).toMatchObject({ code: 2 });
  });

  it("check reads stdin when no file is given", () => {
    expect(runBin(["check"], STS).code).toBe(1);
  });

  it("diff prints a unified diff with stream line numbers, named for patch -p1", () => {
    const file = tempFile("r.yaml", CONFIGMAP + STS);
    const run = runBin(["diff", "--disable", "claim-ownership", file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        `--- a/${file}`,
        `+++ b/${file}`,
        "@@ -34,9 +34,7 @@",
        "     - metadata:",
        "         name: storage-volume",
        "         labels:",
        "-          helm.sh/chart: prometheus-pushgateway-2.17.0",
        "           app.kubernetes.io/instance: pushgateway",
        '-          app.kubernetes.io/version: "v1.11.0"',
        "       spec:",
        "         accessModes:",
        "           - ReadWriteOnce",
        "",
      ].join("\n"),
    );
  });
});

describe("FIX_STORAGE_LOG", () => {
  it("appends explanations and errors, since Helm 4 discards stderr", () => {
    const log = join(mkdtempSync(join(tmpdir(), "fix-storage-")), "log.txt");
    runBin([], STS, { FIX_STORAGE_LOG: log });
    runBin(["--enable", "nope"], STS, { FIX_STORAGE_LOG: log });
    const text = readFileSync(log, "utf8");
    expect(text).toContain("claim-template-labels: document 1 (pushgateway/templates/statefulset.yaml)");
    expect(text).toContain("5 changes in 1 object");
    expect(text).toContain('fix-storage: unknown rule "nope"');
  });
});

describe("process contracts users rely on", () => {
  const hasScript = spawnSync("script", ["--version"]).status === 0;

  it.skipIf(!hasScript)("a bare fix-storage on a terminal prints a usage hint and exits 2 instead of waiting", () => {
    // script(1) gives the command a pseudo-terminal as stdin, as an interactive shell would.
    const run = spawnSync("script", ["-qec", `${process.execPath} ${BIN}`, "/dev/null"], { encoding: "utf8", input: "", timeout: 20_000 });
    expect(run.status).toBe(2);
    expect(run.stdout).toContain("stdin is a terminal");
    expect(run.stdout).toContain("fix-storage check rendered.yaml");
  });

  it.skipIf(!existsSync("/dev/full"))("a full disk (> /dev/full) gives exit 2 and one line on stderr", () => {
    const file = tempFile("r.yaml", STS);
    const run = spawnSync("sh", ["-c", `"${process.execPath}" "${BIN}" < "${file}" > /dev/full`], { encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("fix-storage: cannot write the output: no space left on device (ENOSPC)\n");
  });

  it("help, version and -v are commands and flags, exit 0", () => {
    expect(runBin(["help", "flux-patches"])).toMatchObject({ code: 0, stderr: "" });
    expect(runBin(["-v"]).stdout).toMatch(/^fix-storage \d+\.\d+\.\d+/);
  });
});
