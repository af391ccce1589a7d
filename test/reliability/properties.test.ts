/** Properties of fixStream over generated manifest streams (see arbitraries.ts). Bounded: each runs in seconds. */
import fc from "fast-check";
import { isDeepStrictEqual } from "node:util";
import { parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { splitStream } from "../../src/core/stream.js";
import type { ChangeRecord } from "../../src/core/records.js";
import type { FixOptions } from "../../src/fix-stream.js";
import { ALL_RULES_OFF, fix } from "../helpers.js";
import { manifestStream } from "./arbitraries.js";

/** Every rule that needs no configuration, with the release given so claim-ownership acts. */
const ALL_ON: FixOptions = { enable: ["claim-retention"], release: { name: "rel", namespace: "ns" } };

/** Fixed by default so a run is reproducible; FC_SEED=<n> explores other streams. */
const RUNS = { numRuns: Number(process.env.FC_RUNS ?? 100), seed: process.env.FC_SEED === undefined ? 20_251_123 : Number(process.env.FC_SEED) } as const;
const TIMEOUT = { timeout: 30_000 };

type Data = Record<string | number, unknown>;

/** Reads one raw document as Kubernetes tooling does (merge keys on, strict keys). */
function data(text: string): unknown {
  const doc = parseDocument(text, { merge: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw new Error(`generated or produced invalid YAML: ${doc.errors[0]?.message}\n${text}`);
  return doc.toJS({ maxAliasCount: -1 });
}

function identity(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  const object = value as { kind?: unknown; metadata?: { name?: unknown } | null };
  return `${String(object.kind)}/${String(object.metadata?.name)}`;
}

/** A deep copy that does not keep shared nodes shared (the parser returns one object for an anchor and its aliases). */
function copy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copy) as T;
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, copy(item)])) as T;
}

function at(root: unknown, path: readonly (string | number)[]): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Data)[segment];
  }
  return node;
}

/** Applies one change record to plain data, as the record says: set (creating maps), delete, or append. */
function replay(root: Data, change: ChangeRecord): void {
  const path = change.path;
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1] as string | number;
  if (change.op === "delete") {
    const parent = at(root, parentPath);
    if (Array.isArray(parent) && typeof last === "number") parent.splice(last, 1);
    else if (parent !== null && typeof parent === "object") delete (parent as Data)[last];
    return;
  }
  if (change.op === "append") {
    const list = at(root, path);
    if (Array.isArray(list)) {
      list.push(copy(change.after));
      return;
    }
  }
  const value = change.op === "append" ? [copy(change.after)] : copy(change.after);
  let node: Data = root;
  for (const segment of parentPath) {
    const next = node[segment];
    if (next === null || typeof next !== "object") node[segment] = {};
    node = node[segment] as Data;
  }
  node[last] = value;
}

describe("properties over generated manifest streams", () => {
  it("with every rule off, the output is the input byte for byte", TIMEOUT, async () => {
    await fc.assert(
      fc.asyncProperty(manifestStream, async (stream) => {
        const result = await fix(stream.text, ALL_RULES_OFF);
        expect(result.output).toBe(stream.text);
        expect(result.changes).toEqual([]);
      }),
      RUNS,
    );
  });

  it("with every rule on, a second run changes nothing: f(f(x)) = f(x)", TIMEOUT, async () => {
    await fc.assert(
      fc.asyncProperty(manifestStream, async (stream) => {
        const first = await fix(stream.text, ALL_ON);
        const second = await fix(first.output, ALL_ON);
        expect(second.changes).toEqual([]);
        expect(second.output).toBe(first.output);
      }),
      RUNS,
    );
  });

  it("documents come out in the same order and number; untouched ones byte for byte; line ends kept", TIMEOUT, async () => {
    await fc.assert(
      fc.asyncProperty(manifestStream, async (stream) => {
        const result = await fix(stream.text, ALL_ON);
        const before = splitStream(stream.text);
        const after = splitStream(result.output);
        expect(after).toHaveLength(before.length);
        expect(result.documents).toBe(before.length);
        const touched = new Set(result.changes.map((change) => change.object.document));
        for (const [index, doc] of before.entries()) {
          const out = after[index]?.text as string;
          if (!touched.has(doc.index)) expect(out).toBe(doc.text);
          else expect(identity(data(out))).toBe(identity(data(doc.text)));
        }
        if (stream.eol === "\r\n") expect(result.output.replace(/\r\n/g, "")).not.toContain("\n");
        else expect(result.output).not.toContain("\r");
      }),
      RUNS,
    );
  });

  it("every edited object differs from the input exactly by its change records", TIMEOUT, async () => {
    await fc.assert(
      fc.asyncProperty(manifestStream, async (stream) => {
        const result = await fix(stream.text, ALL_ON);
        const before = splitStream(stream.text);
        const after = splitStream(result.output);
        const byDocument = new Map<number, ChangeRecord[]>();
        for (const change of result.changes) {
          byDocument.set(change.object.document, [...(byDocument.get(change.object.document) ?? []), change]);
        }
        for (const [document, changes] of byDocument) {
          const input = data(before[document - 1]?.text as string) as Data;
          const output = data(after[document - 1]?.text as string);
          const replayed = copy(input);
          for (const change of changes) {
            // The path is relative to the object: the document itself, or an item of a `kind: List`.
            const object = (change.object.item === undefined ? replayed : at(replayed, ["items", change.object.item])) as Data;
            // `before` is what the path held when the edit was made (appends record none).
            if (change.op !== "append") expect(change.before ?? null).toEqual(at(object, change.path) ?? null);
            replay(object, change);
          }
          expect(replayed).toEqual(output);
          expect(isDeepStrictEqual(replayed, input)).toBe(false);
        }
      }),
      RUNS,
    );
  });

  it("the generator covers what the properties are about", async () => {
    // A guard against a generator that silently stopped producing edits: sample and count.
    const samples = fc.sample(manifestStream, { numRuns: 200, seed: 7 });
    const rules = new Set<string>();
    let crlf = 0;
    for (const stream of samples) {
      if (stream.eol === "\r\n") crlf++;
      // A stream the tool fails on is the other properties' business; here only the coverage counts.
      const result = await fix(stream.text, ALL_ON).catch(() => undefined);
      for (const change of result?.changes ?? []) rules.add(change.rule);
    }
    expect([...rules].sort()).toEqual(["claim-ownership", "claim-retention", "claim-template-labels", "cronjob-claims", "idempotent-cleanup"]);
    expect(crlf).toBeGreaterThan(20);
  });
});

describe("streams the properties found, as fixed cases", () => {
  it("a comment-only first document ended by `...`, then a document to fix: read as two documents", async () => {
    const job =
      "---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: pre-delete\n    helm.sh/hook-delete-policy: before-hook-creation\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: k\n          image: bitnami/kubectl:1.30\n          command: [kubectl, delete, cm, x]\n";
    for (const head of ["# only a comment\n...\n", "...\n", "# Source: c/templates/notes.yaml\n#\n...\n"]) {
      const result = await fix(head + job, ALL_ON);
      expect(result.output).toBe(head + job.replace("cm, x]", "cm, x, --ignore-not-found]"));
      expect(result.documents).toBe(2);
    }
  });

  it("deleting a label that a merge key (<<) also supplies removes it from the data, once", async () => {
    const input = [
      "apiVersion: apps/v1",
      "kind: StatefulSet",
      "metadata:",
      "  name: a",
      "  labels: &own",
      "    helm.sh/chart: a-1.0.0",
      "spec:",
      "  serviceName: a",
      "  selector:",
      "    matchLabels:",
      "      app: a",
      "  template:",
      "    metadata:",
      "      labels:",
      "        app: a",
      "    spec:",
      "      containers:",
      "        - name: main",
      "          image: busybox:1.36",
      "  volumeClaimTemplates:",
      "    - metadata:",
      "        name: data",
      "        labels:",
      "          <<: *own",
      "          helm.sh/chart: a-1.0.1",
      "          app: a",
      "      spec:",
      "        accessModes: [ReadWriteOnce]",
      "",
    ].join("\n");
    const first = await fix(input, { disable: ["claim-ownership"] });
    const fixed = data(first.output) as { metadata: { labels: unknown }; spec: { volumeClaimTemplates: Array<{ metadata: { labels: unknown } }> } };
    expect(fixed.spec.volumeClaimTemplates[0]?.metadata.labels).toEqual({ app: "a" });
    expect(fixed.metadata.labels).toEqual({ "helm.sh/chart": "a-1.0.0" });
    const second = await fix(first.output, { disable: ["claim-ownership"] });
    expect(second.changes).toEqual([]);
  });

  it("a CronJob mounting a claim that a main workload mounts too is left alone, not swung between workloads", async () => {
    const deployment = (name: string, claim: string) =>
      `---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    matchLabels: {app: ${name}}\n  template:\n    metadata:\n      labels: {app: ${name}}\n    spec:\n      containers:\n        - name: ${name}\n          image: ${name}\n          volumeMounts: [{name: data, mountPath: /data}]\n      volumes:\n        - name: data\n          persistentVolumeClaim: {claimName: ${claim}}\n`;
    const cronJob =
      '---\napiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: sweep\nspec:\n  schedule: "0 * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n            - name: sweep\n              image: sweep\n              volumeMounts: [{name: data, mountPath: /data}]\n          volumes:\n            - name: data\n              persistentVolumeClaim: {claimName: cache}\n';
    const input = deployment("web", "uploads") + deployment("worker", "cache") + cronJob;
    const first = await fix(input, { disable: ["claim-ownership"] });
    expect(first.changes.filter((change) => change.path.includes("claimName"))).toEqual([]);
    const second = await fix(first.output, { disable: ["claim-ownership"] });
    expect(second.changes).toEqual([]);
    expect(second.output).toBe(first.output);
  });
});
