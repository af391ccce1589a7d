/**
 * Adversarial inputs through the CLI, run in this process (runCli: the exit code, stdout and stderr a process writes;
 * test/reliability/process.test.ts holds the process itself to them). Each case states the exact outcome: either a
 * located error with exit 2 and nothing on stdout, or a byte-exact output.
 */
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { CHART_LABEL_LINE, CONFIGMAP, CRONJOB, JOB, replaceOnce, STATEFULSET } from "./support.js";


const NO_OWNERSHIP = ["--disable", "claim-ownership"];
const FIXED_STATEFULSET = replaceOnce(STATEFULSET, CHART_LABEL_LINE, "");

/** The CLI run in this process (runCli) on `input` as stdin: its exit code, stdout and stderr as a process writes them. */
async function runInProcess(args: string[], input: string | Buffer): Promise<{ code: number; stdout: string; stderr: string }> {
  const outcome = await runCli({ argv: args, env: {}, readStdin: async () => Buffer.from(input), stdinIsTTY: false });
  return { code: outcome.code, stdout: outcome.stdout, stderr: outcome.stderr.length > 0 ? `${outcome.stderr.join("\n")}\n` : "" };
}

/** Fails with exit 2, nothing on stdout, and exactly this one line on stderr. */
async function expectRefused(input: string | Buffer, stderr: string, args: string[] = []): Promise<void> {
  const run = await runInProcess(args, input);
  expect({ code: run.code, stdout: run.stdout, stderr: run.stderr }).toEqual({ code: 2, stdout: "", stderr: `${stderr}\n` });
}

/** Succeeds silently with exactly `output` on stdout. */
async function expectOutput(input: string | Buffer, output: string, args: string[] = NO_OWNERSHIP): Promise<void> {
  const run = await runInProcess(args, input);
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
  expect(run.stdout).toBe(output);
}

// Each malformation: [name, find, replace] applied to one fixture.
type Breakage = readonly [string, string, string];

const STATEFULSET_BREAKAGES: Breakage[] = [
  ["bad indentation", "  replicas: 1\n", "   replicas: 1\n"],
  ["a mapping item out of line", "      spec:\n        accessModes", "      spec:\n       accessModes"],
  ["an unclosed double quote", "image: db:1.0", 'image: "db:1.0'],
  ["an unclosed single quote", "image: db:1.0", "image: 'db:1.0"],
  ["an unclosed flow sequence", "[ReadWriteOnce]", "[ReadWriteOnce"],
  ["an unclosed flow map", "      app: db\n  template", "      {app: db\n  template"],
  ["a tab as indentation", "  serviceName: db\n", "\tserviceName: db\n"],
];

// CONFIGMAP is 8 lines, so the StatefulSet is document 2 and starts on stream line 9.
const STATEFULSET_ERRORS: Record<string, string> = {
  "bad indentation": "line 19, column 16: Nested mappings are not allowed in compact mappings",
  "a mapping item out of line": "line 40, column 1: All mapping items must start at the same column",
  "an unclosed double quote": 'line 43, column 1: Missing closing "quote',
  "an unclosed single quote": "line 43, column 1: Missing closing 'quote",
  "an unclosed flow sequence": "line 40, column 9: Flow sequence in block collection must be sufficiently indented and end with a ]",
  "an unclosed flow map": "line 24, column 3: Flow map in block collection must be sufficiently indented and end with a }",
  "a tab as indentation": "line 19, column 1: Tabs are not allowed as indentation",
};

const CRONJOB_BREAKAGES: Breakage[] = [
  ["bad indentation", "          restartPolicy: OnFailure\n", "           restartPolicy: OnFailure\n"],
  ["an unclosed quote", "'echo backup']", "'echo backup]"],
  ["an unclosed flow sequence", "'echo backup']", "'echo backup'"],
  ["a tab as indentation", "  schedule:", "\tschedule:"],
];

const CRONJOB_ERRORS: Record<string, string> = {
  "bad indentation": "line 23, column 1: All mapping items must start at the same column",
  "an unclosed quote": "line 34, column 1: Missing closing 'quote",
  "an unclosed flow sequence": "line 27, column 15: Flow sequence in block collection must be sufficiently indented and end with a ]",
  "a tab as indentation": "line 17, column 1: Tabs are not allowed as indentation",
};

const JOB_BREAKAGES: Breakage[] = [
  ["bad indentation", "    helm.sh/hook: post-delete\n", "    helm.sh/hook: post-delete\n   extra: x\n"],
  ["an unclosed quote", "image: bitnami/kubectl:1.30", 'image: "bitnami/kubectl:1.30'],
  ["an unclosed flow sequence", "--ignore-not-found]", "--ignore-not-found"],
  ["a tab as indentation", "      restartPolicy: Never", "\t  restartPolicy: Never"],
];

const JOB_ERRORS: Record<string, string> = {
  "bad indentation": "line 18, column 1: All mapping items must start at the same column",
  "an unclosed quote": 'line 26, column 1: Missing closing "quote',
  "an unclosed flow sequence": "line 26, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]",
  "a tab as indentation": "line 21, column 1: Tabs are not allowed as indentation",
};

describe("malformed YAML in a document a rule reads: a located error, exit 2, nothing on stdout", () => {
  const groups = [
    ["StatefulSet", STATEFULSET, "app/templates/sts.yaml", STATEFULSET_BREAKAGES, STATEFULSET_ERRORS],
    ["CronJob", CRONJOB, "app/templates/cronjob.yaml", CRONJOB_BREAKAGES, CRONJOB_ERRORS],
    ["Job", JOB, "app/templates/cleanup.yaml", JOB_BREAKAGES, JOB_ERRORS],
  ] as const;
  for (const [kind, fixture, source, breakages, errors] of groups) {
    for (const [name, from, to] of breakages) {
      it(`${kind} with ${name}`, async () => {
        const input = CONFIGMAP + replaceOnce(fixture, from, to);
        await expectRefused(input, `fix-storage: document 2 (${source}) ${errors[name]}`);
      });
    }
  }

  it("the line is the stream's, also after CRLF line ends and in a later document", async () => {
    const broken = replaceOnce(STATEFULSET, "  serviceName: db\n", "\tserviceName: db\n");
    const input = (CONFIGMAP + CONFIGMAP + broken).replace(/\n/g, "\r\n");
    await expectRefused(input, "fix-storage: document 3 (app/templates/sts.yaml) line 27, column 1: Tabs are not allowed as indentation");
  });

  it("a document without a # Source comment is named by its index alone", async () => {
    const broken = replaceOnce(STATEFULSET, "# Source: app/templates/sts.yaml\n", "");
    await expectRefused(
      CONFIGMAP + replaceOnce(broken, "  serviceName: db\n", "\tserviceName: db\n"),
      "fix-storage: document 2 line 18, column 1: Tabs are not allowed as indentation",
    );
  });
});

// Helm installs such renders (Kubernetes' reader takes the last value; W&B's operator-wandb mysql subchart repeats
// selector labels, wandb/helm-charts 82d5626, test-configs/operator-wandb/__snapshots__/default.snap), so they are
// no error; but an edit could land on the value Kubernetes does not read.
describe("a key twice in one map, in a document a rule would edit: left as rendered, with a warning naming where", () => {
  const cases: Array<[string, string, string, string]> = [
    ["StatefulSet", STATEFULSET, "  replicas: 1\n", "warning: claim-template-labels: document 2 (app/templates/sts.yaml): StatefulSet apps/db: left as rendered: a key is repeated in one map at line 21, column 3"],
    ["Job", JOB, "  name: cleanup\n", "warning: idempotent-cleanup: document 2 (app/templates/cleanup.yaml): Job apps/cleanup: left as rendered: a key is repeated in one map at line 15, column 3"],
  ];
  it.each(cases)("%s", async (_kind, fixture, line, warning) => {
    const input = CONFIGMAP + replaceOnce(fixture, line, `${line}${line}`);
    await expectOutput(input, input);
    const explained = await runInProcess(["--explain", ...NO_OWNERSHIP], input);
    expect({ code: explained.code, stdout: explained.stdout }).toEqual({ code: 0, stdout: input });
    expect(explained.stderr).toContain(`fix-storage: ${warning}; Kubernetes reads the last value`);
  });
});

// The yaml package reads lines after such a scalar into it (or a key out of it); Kubernetes' reader and fast-scan do
// not. The data is Kubernetes', but the editor's tree would not be.
describe("a comment without a space after # before a scalar on a later line, in a document a rule would edit: left as rendered, with a warning naming where", () => {
  it("StatefulSet", async () => {
    const input = CONFIGMAP + replaceOnce(STATEFULSET, "          image: db:1.0\n", "          image:\n#pinned\n            db:1.0\n");
    await expectOutput(input, input);
    const explained = await runInProcess(["--explain", ...NO_OWNERSHIP], input);
    expect({ code: explained.code, stdout: explained.stdout }).toEqual({ code: 0, stdout: input });
    expect(explained.stderr).toContain(
      "fix-storage: warning: claim-template-labels: document 2 (app/templates/sts.yaml): StatefulSet apps/db: left as rendered: the comment at line 32, column 1 has no space after its #",
    );
  });
});

describe("design note: every document whose kind a rule reads is parsed, so malformed YAML in it is an error", () => {
  it("a malformed CronJob that mounts no claim", async () => {
    const cronJob = CRONJOB.slice(0, CRONJOB.indexOf("              volumeMounts:\n"));
    const input = CONFIGMAP + replaceOnce(cronJob, "  schedule:", "\tschedule:");
    await expectRefused(input, "fix-storage: document 2 (app/templates/cronjob.yaml) line 17, column 1: Tabs are not allowed as indentation");
  });

  it("a malformed Job that runs no kubectl delete", async () => {
    const job = replaceOnce(replaceOnce(JOB, "[kubectl, delete,", "[kubectl, get,"), "post-delete", "pre-install");
    const input = CONFIGMAP + replaceOnce(job, "      restartPolicy: Never", "\t  restartPolicy: Never");
    await expectRefused(input, "fix-storage: document 2 (app/templates/cleanup.yaml) line 21, column 1: Tabs are not allowed as indentation");
  });

  it("a malformed StatefulSet without volumeClaimTemplates", async () => {
    const statefulSet = STATEFULSET.slice(0, STATEFULSET.indexOf("  volumeClaimTemplates:\n"));
    const input = CONFIGMAP + replaceOnce(statefulSet, "  serviceName: db\n", "\tserviceName: db\n");
    await expectRefused(input, "fix-storage: document 2 (app/templates/sts.yaml) line 19, column 1: Tabs are not allowed as indentation");
  });
});

describe("malformed YAML in a document no rule reads passes through byte for byte", () => {
  const CONFIGMAP_BREAKAGES: Breakage[] = [
    ["bad indentation", "  name: app-config\n", "  name: app-config\n   extra: x\n"],
    ["an unclosed double quote", "  mode: 0644\n", '  mode: "0644\n'],
    ["an unclosed single quote", "  mode: 0644\n", "  mode: '0644\n"],
    ["an unclosed flow sequence", "  mode: 0644\n", "  mode: [0644\n"],
    ["an unclosed flow map", "  mode: 0644\n", "  mode: {a: 0644\n"],
    ["a tab as indentation", "  mode: 0644\n", "\tmode: 0644\n"],
    ["a duplicate key", "  mode: 0644\n", "  mode: 0644\n  mode: 0755\n"],
    ["binary-looking garbage", "  mode: 0644\n", "  \u0001\u0002 }{][ :: -- \u007f\n"],
  ];
  for (const [name, from, to] of CONFIGMAP_BREAKAGES) {
    it(`a ConfigMap with ${name}, while the StatefulSet next to it is fixed`, async () => {
      const broken = replaceOnce(CONFIGMAP, from, to);
      await expectOutput(broken + STATEFULSET, broken + FIXED_STATEFULSET);
    });
  }

  it("a ConfigMap whose data only mentions a kind is parsed, and left byte for byte", async () => {
    const mentions = replaceOnce(CONFIGMAP, "  mode: 0644\n", "  note: a StatefulSet, a CronJob and a Job live here\n  mode: 0644\n");
    await expectOutput(mentions + STATEFULSET, mentions + FIXED_STATEFULSET);
  });
});

describe("documents that are not Kubernetes objects pass through byte for byte", () => {
  const CASES: Record<string, string> = {
    "a scalar document": "--- StatefulSet\n",
    "a plain scalar naming a kind": "---\nStatefulSet volumeClaimTemplates helm.sh/chart\n",
    "a list of StatefulSets": `---\n${STATEFULSET.replace(/^---\n# Source: [^\n]*\n/, "")
      .split("\n")
      .map((line, i) => (line === "" ? "" : i === 0 ? `- ${line}` : `  ${line}`))
      .join("\n")}`,
    "an object without kind": replaceOnce(STATEFULSET, "kind: StatefulSet\n", ""),
    "an object without apiVersion": replaceOnce(STATEFULSET, "apiVersion: apps/v1\n", ""),
    "an object of another apiVersion": replaceOnce(STATEFULSET, "apiVersion: apps/v1\n", "apiVersion: apps/v1beta1\n"),
    "an object whose kind is not a string": replaceOnce(STATEFULSET, "kind: StatefulSet\n", "kind: [StatefulSet]\n"),
    "an empty document between separators": "---\n---\n",
  };
  for (const [name, document] of Object.entries(CASES)) {
    it(name, async () => {
      await expectOutput(CONFIGMAP + document, CONFIGMAP + document, []);
    });
  }

  it("an object without metadata is still fixed, and named by its index", async () => {
    const input = replaceOnce(STATEFULSET, "metadata:\n  name: db\n  namespace: apps\n  labels:\n    app.kubernetes.io/instance: app\n", "");
    const run = await runInProcess(["--explain", ...NO_OWNERSHIP], input);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(replaceOnce(input, CHART_LABEL_LINE, ""));
    expect(run.stderr).toMatch(
      /^fix-storage: claim-template-labels: document 1 \(app\/templates\/sts\.yaml\) StatefulSet\b[^\n]*: removed spec\.volumeClaimTemplates\[0\]\.metadata\.labels\["helm\.sh\/chart"\] \(was "db-1\.0\.0"\)/,
    );
  });
});

describe("volumeClaimTemplates of the wrong shape", () => {
  const VCT_START = "  volumeClaimTemplates:\n";
  const head = STATEFULSET.slice(0, STATEFULSET.indexOf(VCT_START));

  it("a map instead of a list: left alone, with a warning under --explain", async () => {
    const input = `${head}${VCT_START}    metadata:\n      name: data\n      labels:\n        helm.sh/chart: db-1.0.0\n`;
    await expectOutput(input, input, []);
    const run = await runInProcess(["--explain"], input);
    expect(run.stdout).toBe(input);
    expect(run.stderr).toMatch(
      /^fix-storage: warning: claim-template-labels: document 1 \(app\/templates\/sts\.yaml\): StatefulSet apps\/db: spec\.volumeClaimTemplates is not a list; left alone\n$/,
    );
  });

  for (const [name, value] of [
    ["a string", ' "data"'],
    ["a number", " 3"],
    ["an empty list", " []"],
    ["null", ""],
  ] as const) {
    it(`${name}: left alone`, async () => {
      const input = `${head}  volumeClaimTemplates:${value}\n`;
      const run = await runInProcess([], input);
      expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: input });
    });
  }

  it("items that are not maps are skipped, the map item is fixed", async () => {
    const items = "    - data\n    -\n    - 3\n    - metadata:\n        name: data\n        labels:\n          app: db\n          helm.sh/chart: db-1.0.0\n";
    const input = `${head}${VCT_START}${items}`;
    await expectOutput(input, replaceOnce(input, CHART_LABEL_LINE, ""));
  });

  it("an item without metadata gets ownership metadata written in", async () => {
    const input = `${head}${VCT_START}    - spec:\n        accessModes: [ReadWriteOnce]\n`;
    await expectOutput(
      input,
      `${input}      metadata:\n        annotations:\n          meta.helm.sh/release-name: app\n          meta.helm.sh/release-namespace: apps\n        labels:\n          app.kubernetes.io/managed-by: Helm\n`,
      [],
    );
  });

  it("an item whose metadata is null gets a metadata map in its place", async () => {
    const input = `${head}${VCT_START}    - metadata:\n      spec:\n        accessModes: [ReadWriteOnce]\n`;
    await expectOutput(
      input,
      `${head}${VCT_START}    - metadata:\n        annotations:\n          meta.helm.sh/release-name: app\n          meta.helm.sh/release-namespace: apps\n        labels:\n          app.kubernetes.io/managed-by: Helm\n      spec:\n        accessModes: [ReadWriteOnce]\n`,
      [],
    );
  });
});

describe("null where a map is expected", () => {
  const VCT_LABELS = "        labels:\n          app: db\n          helm.sh/chart: db-1.0.0\n";

  it("`labels:` (null) and `annotations: {}`: the map is written in place, flow stays flow", async () => {
    const input = replaceOnce(STATEFULSET, VCT_LABELS, "        labels:\n        annotations: {}\n");
    await expectOutput(
      input,
      replaceOnce(
        STATEFULSET,
        VCT_LABELS,
        "        labels:\n          app.kubernetes.io/managed-by: Helm\n        annotations: {meta.helm.sh/release-name: app, meta.helm.sh/release-namespace: apps}\n",
      ),
      [],
    );
  });

  it("`labels: ~` and `annotations: null`", async () => {
    const input = replaceOnce(STATEFULSET, VCT_LABELS, "        labels: ~\n        annotations: null\n");
    await expectOutput(
      input,
      replaceOnce(
        STATEFULSET,
        VCT_LABELS,
        "        labels:\n          app.kubernetes.io/managed-by: Helm\n        annotations:\n          meta.helm.sh/release-name: app\n          meta.helm.sh/release-namespace: apps\n",
      ),
      [],
    );
  });

  it("a StatefulSet whose own labels are null keeps them null", async () => {
    const input = replaceOnce(STATEFULSET, "  labels:\n    app.kubernetes.io/instance: app\n", "  labels:\n");
    await expectOutput(input, replaceOnce(input, CHART_LABEL_LINE, ""));
  });

  it("a claim template whose labels are all version labels loses the whole map", async () => {
    const input = replaceOnce(STATEFULSET, VCT_LABELS, '        labels:\n          helm.sh/chart: db-1.0.0\n          app.kubernetes.io/version: "1.0"\n');
    await expectOutput(input, replaceOnce(input, '        labels:\n          helm.sh/chart: db-1.0.0\n          app.kubernetes.io/version: "1.0"\n', ""));
  });
});

describe("anchors, aliases and merge keys across edited nodes", () => {
  const VCT_LABELS = "        labels:\n          app: db\n          helm.sh/chart: db-1.0.0\n";

  it("an alias on the edited path is written out; the anchored original keeps its labels", async () => {
    const input = replaceOnce(
      replaceOnce(STATEFULSET, "      labels:\n        app: db\n", "      labels: &pod\n        app: db\n        helm.sh/chart: db-1.0.0\n"),
      VCT_LABELS,
      "        labels: *pod\n",
    );
    await expectOutput(input, replaceOnce(input, "        labels: *pod\n", "        labels:\n          app: db\n"));
  });

  it("an anchor on the edited node: its aliases are expanded first, so the edit does not leak", async () => {
    // The claim templates come before the pod template here, so the anchor precedes its alias.
    const template = STATEFULSET.slice(STATEFULSET.indexOf("  template:\n"), STATEFULSET.indexOf("  volumeClaimTemplates:\n"));
    const claims = STATEFULSET.slice(STATEFULSET.indexOf("  volumeClaimTemplates:\n"));
    const reordered = STATEFULSET.replace(template + claims, claims + template);
    const input = replaceOnce(
      replaceOnce(reordered, VCT_LABELS, "        labels: &claim\n          app: db\n          helm.sh/chart: db-1.0.0\n"),
      "      labels:\n        app: db\n",
      "      labels: *claim\n",
    );
    const run = await runInProcess(NO_OWNERSHIP, input);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    expect(run.stdout).toBe(
      replaceOnce(
        replaceOnce(input, "        labels: &claim\n          app: db\n          helm.sh/chart: db-1.0.0\n", "        labels: &claim\n          app: db\n"),
        "      labels: *claim\n",
        "      labels: {app: db, helm.sh/chart: db-1.0.0}\n",
      ),
    );
    const data = parse(run.stdout.replace(/^---\n/, ""));
    expect(data.spec.template.metadata.labels).toEqual({ app: "db", "helm.sh/chart": "db-1.0.0" });
    expect(data.spec.volumeClaimTemplates[0].metadata.labels).toEqual({ app: "db" });
  });

  it("an alias used before its anchor is an error located at the alias", async () => {
    const input = replaceOnce(
      replaceOnce(STATEFULSET, VCT_LABELS, "        labels: &claim\n          app: db\n"),
      "      labels:\n        app: db\n",
      "      labels: *claim\n",
    );
    await expectRefused(
      CONFIGMAP + input,
      "fix-storage: document 2 (app/templates/sts.yaml) line 26, column 15: cannot read document: Unresolved alias (the anchor must be set before the alias): claim",
    );
  });

  it("a merge key: the merged map is written out without the version label, the base is untouched", async () => {
    const input = replaceOnce(
      replaceOnce(STATEFULSET, "  labels:\n    app.kubernetes.io/instance: app\n", "  labels: &base\n    app.kubernetes.io/instance: app\n    helm.sh/chart: db-1.0.0\n"),
      VCT_LABELS,
      "        labels:\n          <<: *base\n          app: db\n",
    );
    await expectOutput(
      input,
      replaceOnce(input, "        labels:\n          <<: *base\n          app: db\n", "        labels:\n          app.kubernetes.io/instance: app\n          app: db\n"),
    );
  });
});

describe("encodings, markers and odd streams", () => {
  it("CRLF: kept on every line, also on inserted ones", async () => {
    const input = (CONFIGMAP + STATEFULSET).replace(/\n/g, "\r\n");
    await expectOutput(input, (CONFIGMAP + FIXED_STATEFULSET).replace(/\n/g, "\r\n"));
    const owned = await runInProcess([], input);
    expect(owned.code).toBe(0);
    expect(owned.stdout).toContain("meta.helm.sh/release-name: app\r\n");
    expect(owned.stdout.replace(/\r\n/g, "")).not.toContain("\n");
  });

  it("a BOM is kept", async () => {
    await expectOutput(`\uFEFF${STATEFULSET}`, `\uFEFF${FIXED_STATEFULSET}`);
    await expectOutput(`\uFEFF${CONFIGMAP}`, `\uFEFF${CONFIGMAP}`, []);
  });

  it("... end markers and bare documents after them", async () => {
    const input = `${CONFIGMAP}...\n${STATEFULSET}...\n# trailing comment\n`;
    await expectOutput(input, `${CONFIGMAP}...\n${FIXED_STATEFULSET}...\n# trailing comment\n`);
    // A bare document after `...` is never read by Kubernetes (Helm and kubectl cut only at `---`): left as it is.
    const bare = `${CONFIGMAP}...\n${STATEFULSET.replace(/^---\n/, "")}`;
    const run = await runInProcess([...NO_OWNERSHIP, "--explain"], bare);
    expect(run).toMatchObject({ code: 0, stdout: bare });
    expect(run.stderr).toContain("document 2 (line 10) follows a `...` end marker with no `---` line before it");
  });

  it("a NUL byte is refused with its document, line and column", async () => {
    await expectRefused(Buffer.from(`${CONFIGMAP}  x: "a\0b"\n`), "fix-storage: document 1 (app/templates/cm.yaml) line 9, column 8: input contains a NUL byte; manifests are text");
  });

  it("invalid UTF-8 is refused with its document, line and column and the offset of the first bad byte", async () => {
    const bytes = Buffer.concat([Buffer.from(CONFIGMAP), Buffer.from([0x20, 0x20, 0x78, 0x3a, 0x20, 0xc3, 0x28, 0x0a])]);
    await expectRefused(bytes, `fix-storage: document 1 (app/templates/cm.yaml) line 9, column 6: input is not valid UTF-8 (first bad byte at offset ${Buffer.byteLength(CONFIGMAP) + 5})`);
    // An overlong encoding and a UTF-16 surrogate are invalid too.
    await expectRefused(Buffer.from([0x61, 0x3a, 0x20, 0xc0, 0xaf, 0x0a]), "fix-storage: document 1 line 1, column 4: input is not valid UTF-8 (first bad byte at offset 3)");
    await expectRefused(Buffer.from([0x61, 0x3a, 0x20, 0xed, 0xa0, 0x80, 0x0a]), "fix-storage: document 1 line 1, column 4: input is not valid UTF-8 (first bad byte at offset 3)");
    await expectRefused(Buffer.from([0x61, 0x0a, 0xe2, 0x82]), "fix-storage: document 1 line 2, column 1: input is not valid UTF-8 (first bad byte at offset 2)");
  });

  it("empty input and whitespace-only input are refused", async () => {
    for (const input of ["", "\n", "  \n\t\n", "\r\n\r\n"]) {
      await expectRefused(input, "fix-storage: stdin is empty: there are no manifests to post-render");
    }
  });

  it("input that is only comments (or comments and separators) is not empty: it passes through", async () => {
    for (const input of ["# only a comment\n", "# one\n# two", "---\n# a\n---\n# b\n", "---\n...\n"]) {
      await expectOutput(input, input, []);
    }
  });

  it("binary garbage is refused as not UTF-8", async () => {
    // A PNG header, then pseudo-random bytes.
    let seed = 42;
    const noise = Buffer.alloc(4096, 0).map(() => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed >> 16;
    });
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), noise]);
    await expectRefused(png, "fix-storage: document 1 line 1, column 1: input is not valid UTF-8 (first bad byte at offset 0)");
  });

  it("a render saved as UTF-16 (PowerShell's >): refused, saying how to convert it", async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("apiVersion: v1\nkind: ConfigMap\n", "utf16le")]);
    await expectRefused(
      utf16,
      "fix-storage: document 1 line 1, column 1: input is not valid UTF-8 (first bad byte at offset 0): it starts with a UTF-16 byte order mark (little-endian); convert it to UTF-8 (iconv -f UTF-16 -t UTF-8)",
    );
  });

  it("a JSON stream: JSON documents are fixed in place, untouched ones keep their bytes", async () => {
    const statefulSet = JSON.stringify(parse(STATEFULSET.replace(/^---\n/, "")));
    const configMap = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"mode":"0644"}}';
    const input = `${statefulSet}\n---\n${configMap}\n`;
    await expectOutput(input, `${statefulSet.replace(',"helm.sh/chart":"db-1.0.0"', "")}\n---\n${configMap}\n`);
    const owned = await runInProcess([], input);
    expect(owned.code).toBe(0);
    const data = parse(owned.stdout.split("\n---\n")[0] as string);
    expect(data.spec.volumeClaimTemplates[0].metadata).toEqual({
      name: "data",
      labels: { app: "db", "app.kubernetes.io/managed-by": "Helm" },
      annotations: { "meta.helm.sh/release-name": "app", "meta.helm.sh/release-namespace": "apps" },
    });
  });

  it("a byte order mark starting a later document is refused where it stands: Kubernetes drops it, this reader would not", async () => {
    // The yaml package read the key as "\uFEFFapiVersion": the StatefulSet had no apiVersion, so cronjob-claims took
    // its claim for one nothing creates and pointed a CronJob at another workload's claim.
    await expectRefused(
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n\uFEFF${STATEFULSET.replace(/^---\n/, "")}`,
      "fix-storage: document 2 (app/templates/sts.yaml) line 5, column 1: a byte order mark (U+FEFF) starts this document after its `---` line: Kubernetes drops it, this tool would read it as part of the first key; remove it",
    );
  });

  it("a byte order mark inside a value is text to every reader: passed through", async () => {
    const input = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  csv: |\n    \uFEFFa,b\n  q: "\uFEFFx"\n---\n${STATEFULSET.replace(/^---\n/, "")}`;
    await expectOutput(input, input.replace(CHART_LABEL_LINE, ""));
  });

  it("a line `---text` is refused where it stands: Helm starts a document there, YAML does not", async () => {
    // Read as YAML, the StatefulSet after it was part of the ConfigMap: no rule saw it, though Helm applies it.
    await expectRefused(
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---${STATEFULSET.replace(/^---\n(# Source: [^\n]*\n)?/, "")}`,
      "fix-storage: document 1 line 4, column 1: a line starts with `---` and goes on with text: Helm's split (releaseutil.SplitManifests) starts a document there, YAML and kubectl do not; put the separator on a line of its own",
    );
    await expectRefused("----\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n", "fix-storage: document 1 line 1, column 1: a line starts with `---` and goes on with text: Helm's split (releaseutil.SplitManifests) starts a document there, YAML and kubectl do not; put the separator on a line of its own");
  });

  it("JSON objects one per line without separators are one malformed document", async () => {
    const statefulSet = JSON.stringify(parse(STATEFULSET.replace(/^---\n/, "")));
    await expectRefused(`${statefulSet}\n${statefulSet}\n`, "fix-storage: document 1 line 2, column 1: Unexpected flow-map-start at node end");
  });

  it("a kind spelled with an escape is still read and fixed", async () => {
    const input = replaceOnce(STATEFULSET, "kind: StatefulSet\n", 'kind: "Stateful\\x53et"\n');
    await expectOutput(input, replaceOnce(input, CHART_LABEL_LINE, ""));
  });
});

describe("deeply nested flow collections", () => {
  const nested = (depth: number, open: string, close: string) => `${open.repeat(depth)}${close.repeat(depth)}`;

  it("in a document no rule reads: passed through unparsed, however deep", async () => {
    const input = `${CONFIGMAP}  deep: "${"x".repeat(10)}"\n  deeper: ${nested(100_000, "[", "]")}\n`;
    await expectOutput(input, input, []);
  });

  it("in a StatefulSet, moderately deep: parsed, fixed, the nesting kept byte for byte", async () => {
    const input = `${STATEFULSET}  x-nested: ${nested(200, "[", "]")}\n  x-maps: ${"{a: ".repeat(200)}1${"}".repeat(200)}\n`;
    await expectOutput(input, replaceOnce(input, CHART_LABEL_LINE, ""));
  });

  it("in a StatefulSet, absurdly deep: refused with a located error, not a crash", async () => {
    for (const [open, close] of [
      ["[", "]"],
      ["{a: ", "}"],
    ]) {
      const input = `${CONFIGMAP}${STATEFULSET}  x-nested: ${nested(20_000, open as string, close as string)}\n`;
      const run = await runInProcess([], input);
      expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: "" });
      expect(run.stderr).toMatch(/^fix-storage: document 2 \(app\/templates\/sts\.yaml\) line 43, column \d+: [^\n]+\n$/);
    }
  });

});
