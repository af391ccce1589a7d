/**
 * examples/chart-ci/check-charts.sh as a chart repository's CI runs it: sh in the repository root, helm and
 * fix-storage on PATH. helm is a fake that records its arguments and prints a render of the seed charts
 * (examples/<chart>/rendered-*.yaml), so the script, fix-storage's check and its annotations run for real.
 * The workflows themselves (GitHub Actions, chart-testing's ct) cannot run here; they are checked for what they call.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { BIN, EXAMPLES, example } from "../helpers.js";
import { tempDir } from "../frontends/hosts.js";

const SCRIPT = join(EXAMPLES, "chart-ci", "check-charts.sh");

/** helm template NAME CHART … --values X prints $FAKE_HELM_RENDERS/NAME[-X].yaml; every call is logged. */
function fakeHelm(): string {
  const dir = tempDir("fix-storage-fake-helm-");
  writeFileSync(
    join(dir, "helm"),
    [
      "#!/bin/sh",
      'printf "%s\\n" "$*" >> "$FAKE_HELM_LOG"',
      '[ "$1" = template ] || exit 0',
      'name=$2 values=""',
      'while [ $# -gt 0 ]; do [ "$1" = --values ] && values=-$(basename "$2" .yaml); shift; done',
      'render="$FAKE_HELM_RENDERS/$name$values.yaml"',
      '[ -f "$render" ] || { echo "Error: template: $name failed" >&2; exit 1; }',
      'cat "$render"',
      "",
    ].join("\n"),
  );
  chmodSync(join(dir, "helm"), 0o755);
  return dir;
}
const FAKE_HELM = fakeHelm();

interface Repo {
  root: string;
  renders: string;
  log: string;
}

/** A chart repository: charts/<name>/Chart.yaml (+ ci/*-values.yaml), and what helm renders for each. */
function chartRepository(charts: Record<string, { values?: string[]; renders: Record<string, string> }>): Repo {
  const root = tempDir("fix-storage-chart-repo-");
  const renders = join(root, ".renders");
  mkdirSync(renders);
  for (const [name, chart] of Object.entries(charts)) {
    mkdirSync(join(root, "charts", name, "ci"), { recursive: true });
    writeFileSync(join(root, "charts", name, "Chart.yaml"), `apiVersion: v2\nname: ${name}\nversion: 1.0.0\n`);
    for (const values of chart.values ?? []) writeFileSync(join(root, "charts", name, "ci", `${values}.yaml`), "{}\n");
    for (const [file, render] of Object.entries(chart.renders)) writeFileSync(join(renders, `${file}.yaml`), render);
  }
  return { root, renders, log: join(root, ".helm-log") };
}

function runScript(repo: Repo, args: string[] = [], env: Record<string, string> = {}) {
  const result = spawnSync("sh", [SCRIPT, ...args], {
    cwd: repo.root,
    encoding: "utf8",
    env: {
      PATH: [FAKE_HELM, dirname(BIN), process.env.PATH ?? ""].join(delimiter),
      FAKE_HELM_LOG: repo.log,
      FAKE_HELM_RENDERS: repo.renders,
      ...env,
    },
  });
  let helm: string[] = [];
  try {
    helm = readFileSync(repo.log, "utf8").trimEnd().split("\n");
  } catch {}
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, helm };
}

const CONFIGMAP = "---\n# Source: clean/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: clean\n  namespace: clean\n";

describe("examples/chart-ci/check-charts.sh", () => {
  const matomo = {
    values: ["default-values", "existing-claim-values"],
    renders: {
      "matomo-default-values": example("matomo", "rendered-default.yaml"),
      "matomo-existing-claim-values": example("matomo", "rendered-existing-claim.yaml"),
    },
  };

  it("renders each chart once per ci/*-values.yaml and annotates each finding on its template (GitHub Actions)", () => {
    const repo = chartRepository({ matomo, clean: { renders: { clean: CONFIGMAP } } });
    const run = runScript(repo, [], { GITHUB_ACTIONS: "true" });
    expect(run.code, run.stderr).toBe(1);
    expect(run.helm).toEqual([
      "template clean charts/clean --namespace clean",
      "template matomo charts/matomo --namespace matomo --values charts/matomo/ci/default-values.yaml",
      "template matomo charts/matomo --namespace matomo --values charts/matomo/ci/existing-claim-values.yaml",
    ]);
    const annotations = run.stdout.trimEnd().split("\n");
    expect(annotations.length).toBeGreaterThan(0);
    for (const line of annotations) expect(line).toMatch(/^::(warning|error|notice) file=charts\/matomo\/(templates|charts\/mariadb\/templates)\/[^,]+,title=fix-storage /);
    expect(annotations.some((line) => line.startsWith("::warning file=charts/matomo/templates/cronjob.yaml,title=fix-storage cronjob-claims::"))).toBe(true);
    expect(run.stderr).toContain("check-charts: fix-storage found storage mistakes in the rendered charts");
  });

  it("exits 0 when every chart renders clean", () => {
    const repo = chartRepository({ clean: { renders: { clean: CONFIGMAP } } });
    const run = runScript(repo);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/clean\.yaml: 0 changes in 0 objects, 0 findings, 1 document\n$/);
  });

  it("fails on a warning alone, when nothing would change", () => {
    // devlake renders its StatefulSet without a namespace: claim-ownership changes nothing and warns.
    const devlake = example("devlake", "rendered.yaml").replace(/^# Source: devlake\//gm, "# Source: lake/");
    const repo = chartRepository({ lake: { renders: { lake: devlake } } });
    const run = runScript(repo, ["charts/lake"], { FIX_STORAGE_OUTPUT: "github", HELM_TEMPLATE_ARGS: "" });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/^::warning file=charts\/lake\/templates\/statefulsets\.yaml,title=fix-storage claim-ownership::/m);
  });

  it("writes SARIF for code scanning with the repository's template paths", () => {
    const repo = chartRepository({ matomo });
    const sarif = join(repo.root, "fix-storage.sarif");
    const run = runScript(repo, [], { FIX_STORAGE_SARIF: sarif });
    expect(run.code).toBe(1);
    const log = JSON.parse(readFileSync(sarif, "utf8"));
    expect(log.version).toBe("2.1.0");
    const uris = new Set(log.runs[0].results.map((r: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => r.locations[0]?.physicalLocation.artifactLocation.uri));
    expect(uris).toContain("charts/matomo/templates/cronjob.yaml");
    expect(uris).toContain("charts/matomo/charts/mariadb/templates/primary/statefulset.yaml");
  });

  it("passes fix-storage options through FIX_STORAGE_ARGS", () => {
    const repo = chartRepository({ matomo: { renders: { matomo: example("prometheus-pushgateway", "rendered-2.17.0.yaml") } } });
    const run = runScript(repo, ["charts/matomo"], { FIX_STORAGE_ARGS: "--disable claim-template-labels,claim-ownership" });
    expect(run.code, run.stdout + run.stderr).toBe(0);
  });

  it("skips library charts and renders with no manifests (CRDs only, everything disabled): nothing to check is exit 0", () => {
    const repo = chartRepository({ crds: { renders: { crds: "---\n# Source: crds/templates/nothing.yaml\n\n---\n" } }, lib: { renders: {} } });
    writeFileSync(join(repo.root, "charts", "lib", "Chart.yaml"), "apiVersion: v2\nname: lib\ntype: library\nversion: 1.0.0\n");
    const sarif = join(repo.root, "fix-storage.sarif");
    const run = runScript(repo, [], { FIX_STORAGE_SARIF: sarif });
    expect(run.code, run.stderr).toBe(0);
    expect(run.helm).toEqual(["template crds charts/crds --namespace crds"]);
    expect(run.stderr).toContain("check-charts: charts/lib is a library chart: nothing to render, skipped");
    expect(run.stderr).toContain("renders no manifests: nothing to check");
    expect(JSON.parse(readFileSync(sarif, "utf8")).runs[0].results).toEqual([]);
    const asSarif = runScript(repo, [], { FIX_STORAGE_OUTPUT: "sarif" });
    expect(asSarif.code, asSarif.stderr).toBe(0);
    expect(JSON.parse(asSarif.stdout).runs[0].results).toEqual([]);
    // Beside a chart that renders something, the empty render is left out and the rest is checked.
    const both = chartRepository({ crds: { renders: { crds: "# nothing\n" } }, clean: { renders: { clean: CONFIGMAP } } });
    const checked = runScript(both);
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stdout).toMatch(/clean\.yaml: 0 changes in 0 objects, 0 findings, 1 document\n$/);
  });

  it("exits 2 when helm fails, or when there is no chart", () => {
    const repo = chartRepository({ broken: { renders: {} } });
    const run = runScript(repo);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Error: template: broken failed");
    expect(run.stderr).toContain("check-charts: helm template charts/broken failed");
    expect(runScript(chartRepository({}), []).code).toBe(2);
    expect(runScript(repo, ["charts/none"]).stderr).toContain("charts/none has no Chart.yaml");
  });
});

describe("examples/chart-ci workflows", () => {
  const read = (name: string) => parse(readFileSync(join(EXAMPLES, "chart-ci", name), "utf8"));

  it("the plain workflow runs the script and uploads its SARIF", () => {
    const steps = read("workflow.yaml").jobs.storage.steps as Array<Record<string, unknown>>;
    const run = steps.find((step) => String(step.run ?? "").includes("check-charts.sh"));
    expect(run?.env).toEqual({ FIX_STORAGE_SARIF: "fix-storage.sarif" });
    expect(steps.some((step) => step.uses === "github/codeql-action/upload-sarif@v3")).toBe(true);
  });

  it("the chart-testing workflow checks the charts ct list-changed prints, through the environment", () => {
    const steps = read("workflow-ct.yaml").jobs["lint-test"].steps as Array<Record<string, unknown>>;
    expect(String(steps.find((step) => step.id === "changed")?.run)).toContain("ct list-changed --config ci/ct.yaml");
    const check = steps.find((step) => String(step.run ?? "").includes("check-charts.sh"));
    expect(check?.run).toBe("sh ci/check-charts.sh $CHARTS");
    expect(read("ct.yaml")["chart-dirs"]).toEqual(["charts"]);
  });
});
