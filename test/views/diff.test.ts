/**
 * `fix-storage diff` output is applied with the real `patch -p1` and `git apply`, and must reproduce the transform's
 * output byte for byte: CRLF files, a last line without newline, context across document boundaries, and a
 * 10,000-line List with 400 edited items (whose diff a quadratic table could not afford).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type FixOptions, fixStream } from "../../src/fix-stream.js";
import { diffLines, headerName, unifiedDiff } from "../../src/views/diff.js";
import { example } from "../helpers.js";

const hasPatch = spawnSync("patch", ["--version"]).status === 0;
const hasGit = spawnSync("git", ["--version"]).status === 0;
if (!hasPatch || !hasGit) console.warn("skipping diff application tests: patch or git is not on PATH");

/** Writes `files` into a fresh directory, applies `diff` there with `tool`, and returns the files afterwards. */
function apply(tool: "patch" | "git", files: Record<string, string>, diff: string): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), `fix-storage-diff-${tool}-`));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  const result =
    tool === "patch"
      ? spawnSync("patch", ["-p1", "--batch", "--forward", "--no-backup-if-mismatch"], { cwd: dir, input: diff, encoding: "utf8" })
      : spawnSync("git", ["apply", "--unsafe-paths", "-"], { cwd: dir, input: diff, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${tool} failed (${result.status}): ${result.stdout}${result.stderr}`);
  return Object.fromEntries(Object.keys(files).map((name) => [name, readFileSync(join(dir, name), "utf8")]));
}

async function diffFor(files: Record<string, string>, options: FixOptions = {}) {
  let diff = "";
  const expected: Record<string, string> = {};
  for (const [name, input] of Object.entries(files)) {
    const result = await fixStream(input, options);
    diff += unifiedDiff(result, name, input);
    expected[name] = result.output;
  }
  return { diff, expected };
}

function listOfStatefulSets(count: number): string {
  const items = Array.from({ length: count }, (_, i) =>
    [
      `- apiVersion: apps/v1`,
      `  kind: StatefulSet`,
      `  metadata:`,
      `    name: db-${i}`,
      `    namespace: data`,
      `    labels:`,
      `      app.kubernetes.io/instance: db`,
      `  spec:`,
      `    serviceName: db-${i}`,
      `    selector:`,
      `      matchLabels:`,
      `        app: db-${i}`,
      `    template:`,
      `      metadata:`,
      `        labels:`,
      `          app: db-${i}`,
      `      spec:`,
      `        containers:`,
      `        - name: db`,
      `          image: postgres:16`,
      `    volumeClaimTemplates:`,
      `    - metadata:`,
      `        name: data`,
      `        labels:`,
      `          app: db-${i}`,
      `          helm.sh/chart: db-1.2.3`,
      `      spec:`,
      `        accessModes: [ReadWriteOnce]`,
      `        resources:`,
      `          requests:`,
      `            storage: 1Gi`,
    ].join("\n"),
  );
  return `apiVersion: v1\nkind: List\nitems:\n${items.join("\n")}\n`;
}

const CASES: Array<[string, Record<string, string>, FixOptions]> = [
  ["three seed charts in one diff", { "matomo.yaml": example("matomo", "rendered-existing-claim.yaml"), "kyverno.yaml": example("kyverno", "rendered.yaml"), "charts/grafana.yaml": example("grafana", "rendered.yaml") }, {}],
  ["CRLF line ends", { "pushgateway.yaml": example("prometheus-pushgateway", "rendered-2.17.0.yaml").replace(/\n/g, "\r\n") }, {}],
  [
    "an edited last document without a final newline",
    { "last.yaml": `${example("prometheus-pushgateway", "rendered-2.17.0.yaml").trimEnd()}` },
    {},
  ],
  [
    "an edit after the last line of a file without a final newline (the old last line gains one)",
    {
      "nofinal.yaml":
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  serviceName: db\n  volumeClaimTemplates:\n    - metadata: {name: data}\n      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}",
    },
    { enable: ["claim-retention"], disable: ["claim-ownership"] },
  ],
  ["a 10,000-line List with 400 edited items", { "list.yaml": listOfStatefulSets(400) }, { disable: ["claim-ownership"] }],
  [
    "file names with a space, a tab, a quote and a backslash (written as git writes them)",
    Object.fromEntries(
      ["sub/sp ace.yaml", "t\tab.yaml", 'q"uote.yaml', "back\\slash.yaml"].map((name) => [name, example("prometheus-pushgateway", "rendered-2.17.0.yaml")]),
    ),
    {},
  ],
];

describe.skipIf(!hasPatch || !hasGit)("diff output applies and reproduces the transform", () => {
  for (const [what, files, options] of CASES) {
    it(`${what}: patch -p1 and git apply`, async () => {
      const { diff, expected } = await diffFor(files, options);
      const changed = Object.entries(files).filter(([name, input]) => expected[name] !== input);
      if (changed.length === 0) {
        expect(diff).toBe("");
        return;
      }
      expect(diff).toMatch(/^--- a\//);
      expect(apply("patch", files, diff)).toEqual(expected);
      expect(apply("git", files, diff)).toEqual(expected);
    });
  }

  it("names files as git does: a tab after a name with a space, C quotes around one with a tab, quote or backslash", () => {
    expect(["sp ace.yaml", "t\tab.yaml", 'q"uote.yaml', "back\\slash.yaml", "plain.yaml"].map((name) => headerName("a", name))).toEqual([
      "a/sp ace.yaml\t",
      '"a/t\\tab.yaml"',
      '"a/q\\"uote.yaml"',
      '"a/back\\\\slash.yaml"',
      "a/plain.yaml",
    ]);
  });

  it("keeps the CR of CRLF lines in every hunk line", async () => {
    const { diff } = await diffFor({ "p.yaml": example("prometheus-pushgateway", "rendered-2.17.0.yaml").replace(/\n/g, "\r\n") });
    const body = diff.split("\n").filter((line) => /^[ +-]/.test(line) && !line.startsWith("---") && !line.startsWith("+++"));
    expect(body.length).toBeGreaterThan(0);
    for (const line of body) expect(line.endsWith("\r")).toBe(true);
  });

  it("marks a last line without newline as patch expects", async () => {
    const { diff } = await diffFor({ "p.yaml": "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: s\nspec:\n  volumeClaimTemplates:\n  - metadata:\n      name: d\n      labels:\n        a: b\n        helm.sh/chart: c-1" });
    expect(diff).toContain("\n-        helm.sh/chart: c-1\n\\ No newline at end of file\n");
  });
});

describe("diffLines", () => {
  /** Length of a longest common subsequence, by the textbook table: the reference for small cases. */
  function lcs(a: readonly string[], b: readonly string[]): number {
    let previous = new Array<number>(b.length + 1).fill(0);
    for (let i = 1; i <= a.length; i++) {
      const row = [0];
      for (let j = 1; j <= b.length; j++) row.push(a[i - 1] === b[j - 1] ? (previous[j - 1] as number) + 1 : Math.max(previous[j] as number, row[j - 1] as number));
      previous = row;
    }
    return previous[b.length] as number;
  }

  it("turns a into b with the fewest lines removed and added (fast-check against an LCS table)", () => {
    const lines = fc.array(fc.constantFrom("a", "b", "c", "d", ""), { maxLength: 40 });
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const changes = diffLines(a, b);
        const rebuilt: string[] = [];
        let at = 0;
        for (const change of changes) {
          rebuilt.push(...a.slice(at, change.oldStart), ...change.added);
          expect(a.slice(change.oldStart, change.oldStart + change.removed.length)).toEqual(change.removed);
          at = change.oldStart + change.removed.length;
        }
        rebuilt.push(...a.slice(at));
        expect(rebuilt).toEqual(b);
        const edits = changes.reduce((sum, change) => sum + change.removed.length + change.added.length, 0);
        expect(edits).toBe(a.length + b.length - 2 * lcs(a, b));
      }),
      { numRuns: 500 },
    );
  });

  it("reports nothing for equal lists, and one change for a replaced line", () => {
    expect(diffLines(["a", "b"], ["a", "b"])).toEqual([]);
    expect(diffLines(["a", "b", "c"], ["a", "x", "c"])).toEqual([{ oldStart: 1, removed: ["b"], added: ["x"] }]);
  });
});
