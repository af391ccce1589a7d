/**
 * A large stream's later documents are spooled: kept as bytes elsewhere, read back when a rule wants them, copied to
 * the output as bytes (src/core/stream.ts). Each row is a stream whose later documents take a rarer road of the
 * reader or the rules. Spooled every way the CLI can spool it (every piece after the first two; after some held
 * bytes; into a spool that fills up; pushed a few bytes at a time; read back through one reused buffer, as the file
 * spool does), it must give exactly what the same bytes give held in memory: the output bytes, changes and findings,
 * or the same error at the same document, line and column. Then the CLI's commands on a stream past SPOOL_AFTER_BYTES:
 * spooled to a file under TMPDIR, or held where TMPDIR is missing, they give the same exit code, stdout and stderr.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { SPOOL_AFTER_BYTES } from "../../src/cli/spool.js";
import { FixStorageError } from "../../src/core/errors.js";
import { type RawDocument, type Spool, StreamSplitter, splitStreamBytes } from "../../src/core/stream.js";
import { type FixOptions, fixStream } from "../../src/fix-stream.js";
import { ArraySpool, yaml } from "../helpers.js";

/**
 * Reads back through one buffer, as the file spool does, and overwrites it on each read: a reader that keeps the
 * bytes of one read past the next sees the next document's bytes, not its own.
 */
class ReusingSpool implements Spool {
  private readonly kept = new ArraySpool();
  private buffer = new Uint8Array(64);

  append(bytes: Uint8Array): number | undefined {
    return this.kept.append(bytes);
  }

  read(start: number, length: number): Uint8Array {
    if (this.buffer.length < length) this.buffer = new Uint8Array(2 * length);
    this.buffer.fill(0x23); // "#"
    this.buffer.set(this.kept.read(start, length));
    return this.buffer.subarray(0, length);
  }
}

const encode = (text: string) => new TextEncoder().encode(text);

function pushed(bytes: Uint8Array, chunk: number, spool: Spool, holdBytes: number): RawDocument[] {
  const splitter = new StreamSplitter({ spool: () => spool, holdBytes });
  for (let at = 0; at < bytes.length; at += chunk) splitter.push(bytes.slice(at, at + chunk));
  return splitter.end();
}

/** The ways a stream is spooled: each gives its documents (or throws the reader's error). */
const SPOOLINGS: Record<string, (bytes: Uint8Array) => RawDocument[]> = {
  "every piece after the first two": (bytes) => splitStreamBytes(bytes, { spool: () => new ReusingSpool(), holdBytes: 0 }),
  "after 300 held bytes": (bytes) => splitStreamBytes(bytes, { spool: () => new ArraySpool(), holdBytes: 300 }),
  "into a spool full after one document": (bytes) => splitStreamBytes(bytes, { spool: () => new ArraySpool(1), holdBytes: 0 }),
  "pushed 3 bytes at a time": (bytes) => pushed(bytes, 3, new ReusingSpool(), 0),
};

/** Everything a run gives. The output is read as a writer reads it: each part copied before the next is asked for. */
async function outcome(documents: () => readonly RawDocument[], options: FixOptions): Promise<Record<string, unknown>> {
  try {
    const result = await fixStream(documents(), options);
    const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
    let written = "";
    for (const part of result.outputParts) written += typeof part === "string" ? part : decoder.decode(part);
    return { written, output: result.output, changes: result.changes, findings: result.findings, documents: result.documents };
  } catch (error) {
    if (!(error instanceof FixStorageError)) throw error;
    return { error: error.message, location: error.location };
  }
}

/** Two documents every row starts with: the reader never spools the first two pieces of a stream. */
const HEAD = yaml`
  ---
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: held-1
  ---
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: held-2
`;

const RELEASE: FixOptions = { enable: ["claim-retention"], release: { name: "rel", namespace: "ns" } };

/** A StatefulSet with a versioned chart label on its claim template: claim-template-labels and claim-ownership edit it. */
const STATEFUL_SET = yaml`
  ---
  apiVersion: apps/v1
  kind: StatefulSet
  metadata:
    name: db
    labels: {app: db, helm.sh/chart: db-1.2.3}
  spec:
    serviceName: db
    selector:
      matchLabels: {app: db}
    template:
      metadata:
        labels: {app: db}
      spec:
        containers: [{name: db, image: "db:1"}]
    volumeClaimTemplates:
      - metadata:
          name: data
          labels: {app: db, helm.sh/chart: db-1.2.3}
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 1Gi}}
`;

const CLAIM = yaml`
  ---
  apiVersion: v1
  kind: PersistentVolumeClaim
  metadata:
    name: shared
  spec:
    accessModes: [ReadWriteOnce]
    resources: {requests: {storage: 1Gi}}
`;

/** One replica, the default RollingUpdate, a ReadWriteOnce claim: rwo-rollout's finding, or its fix in mode fix. */
const DEPLOYMENT = yaml`
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
  spec:
    replicas: 1
    selector:
      matchLabels: {app: web}
    template:
      metadata:
        labels: {app: web}
      spec:
        containers: [{name: web, image: "web:1"}]
        volumes:
          - name: data
            persistentVolumeClaim: {claimName: shared}
`;

const CRON_JOB = yaml`
  ---
  apiVersion: batch/v1
  kind: CronJob
  metadata:
    name: backup
  spec:
    schedule: "0 1 * * *"
    jobTemplate:
      spec:
        template:
          spec:
            restartPolicy: OnFailure
            containers: [{name: b, image: "b:1"}]
            volumes:
              - name: data
                persistentVolumeClaim: {claimName: data-db-0}
`;

const CLEANUP_JOB = yaml`
  ---
  apiVersion: batch/v1
  kind: Job
  metadata:
    name: cleanup
    annotations:
      helm.sh/hook: pre-delete
  spec:
    template:
      spec:
        restartPolicy: Never
        containers:
          - name: k
            image: bitnami/kubectl:1.30
            command: [kubectl, delete, cm, x, -n, ns]
`;

interface Row {
  /** The stream after HEAD (or the whole stream with `whole`). */
  input: string;
  whole?: boolean;
  options?: FixOptions;
  /** What the held run gives, so the row is known to take the road its name says: a fragment of its error, or counts. */
  held: { error: string } | { changes: number; findings: number };
}

const table: Record<string, Row> = {
  "documents several rules read and edit, spooled among documents no rule reads": {
    input: STATEFUL_SET + CLAIM + DEPLOYMENT + CRON_JOB + CLEANUP_JOB,
    options: { ...RELEASE, config: { rules: { "rwo-rollout": { mode: "fix" } } } },
    held: { changes: 9, findings: 1 },
  },
  "the same documents in the other order: a rule reads a spooled document that another stage edited": {
    input: CLEANUP_JOB + CRON_JOB + DEPLOYMENT + CLAIM + STATEFUL_SET,
    options: { ...RELEASE, config: { rules: { "rwo-rollout": { mode: "fix" } } } },
    held: { changes: 9, findings: 1 },
  },
  "the default rules, no release given: findings instead of edits": {
    input: STATEFUL_SET + CLAIM + DEPLOYMENT + CRON_JOB + CLEANUP_JOB,
    held: { changes: 3, findings: 3 },
  },
  "a volume-name binding for a spooled StatefulSet and a spooled claim": {
    input: STATEFUL_SET + CLAIM,
    options: {
      release: { name: "rel", namespace: "ns" },
      config: { rules: { "volume-name": { bindings: [{ statefulSet: "db", template: "data", volumeName: "pv-1" }, { claim: "shared", volumeName: "pv-2" }] } } },
    },
    // The claim's note: its spec set without --live (unpinned-templates.ts).
    held: { changes: 6, findings: 4 },
  },
  "a volume-name binding naming a StatefulSet that two spooled documents hold: the error names both": {
    input: STATEFUL_SET.replace("  name: db\n", "  name: db\n  namespace: a\n") + CLAIM + STATEFUL_SET.replace("  name: db\n", "  name: db\n  namespace: b\n"),
    options: { config: { rules: { "volume-name": { bindings: [{ statefulSet: "db", template: "data", volumeName: "pv-1" }] } } } },
    held: { error: "StatefulSet db is in the stream 2 times (document 3: namespace a; document 5: namespace b)" },
  },
  "a List whose items a rule edits": {
    input: yaml`
      ---
      apiVersion: v1
      kind: List
      items:
        - apiVersion: apps/v1
          kind: StatefulSet
          metadata: {name: listed}
          spec:
            serviceName: listed
            selector: {matchLabels: {app: listed}}
            template:
              metadata: {labels: {app: listed}}
              spec: {containers: [{name: a, image: "a:1"}]}
            volumeClaimTemplates:
              - metadata: {name: data, labels: {helm.sh/chart: listed-0.1.0}}
                spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
        - apiVersion: v1
          kind: ConfigMap
          metadata: {name: other}
    `,
    options: RELEASE,
    held: { changes: 6, findings: 1 },
  },
  "a List item with a repeated key: that item is left, the other edited": {
    input: yaml`
      ---
      apiVersion: v1
      kind: List
      items:
        - apiVersion: apps/v1
          kind: StatefulSet
          metadata: {name: twice, name: twice}
          spec:
            volumeClaimTemplates:
              - metadata: {name: data, labels: {helm.sh/chart: x-1.0.0}}
        - apiVersion: apps/v1
          kind: StatefulSet
          metadata: {name: once}
          spec:
            volumeClaimTemplates:
              - metadata: {name: data, labels: {helm.sh/chart: x-1.0.0}}
    `,
    held: { changes: 1, findings: 6 },
  },
  "JSON without a kind line: found by the words it names": {
    input: `---\n{"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "shared"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}\n${DEPLOYMENT}`,
    options: { config: { rules: { "rwo-rollout": { mode: "fix" } } } },
    held: { changes: 1, findings: 0 },
  },
  "a flow document on its marker line": {
    input: "--- {apiVersion: apps/v1, kind: StatefulSet, metadata: {name: f}, spec: {volumeClaimTemplates: [{metadata: {name: d, labels: {helm.sh/chart: a-1.0.0}}}]}}\n",
    held: { changes: 1, findings: 3 },
  },
  "a kind spelled with an escape, so no kind line states it": {
    input: `---\napiVersion: v1\n"kind": "Persistent\\u0056olumeClaim"\nmetadata:\n  name: shared\nspec:\n  accessModes: [ReadWriteOnce]\n${DEPLOYMENT}`,
    options: { config: { rules: { "rwo-rollout": { mode: "fix" } } } },
    held: { changes: 1, findings: 0 },
  },
  "a kind line a NEL in a comment makes mislead: read once a later rule wants the kind it hides, then in doubt": {
    input: `---\nkind: ConfigMap\napiVersion: v1\nmetadata:\n  name: m\n# x\u0085kind: PersistentVolumeClaim\n${CLAIM}${DEPLOYMENT}${STATEFUL_SET}`,
    options: RELEASE,
    // The doubt undoes the edits the StatefulSet's rules made before (pipeline.ts).
    held: { changes: 0, findings: 3 },
  },
  "a kind line a LS in a comment makes mislead": {
    input: `---\nkind: ConfigMap\napiVersion: v1\nmetadata:\n  name: m\n# x\u2028kind: StatefulSet\n${STATEFUL_SET}`,
    held: { changes: 0, findings: 3 },
  },
  "a line of a quoted scalar that reads as a kind line": {
    input: `---\n{apiVersion: v1, kind: ConfigMap, note: "x\nkind: StatefulSet", metadata: {name: m}}\n${STATEFUL_SET}`,
    options: RELEASE,
    held: { changes: 6, findings: 1 },
  },
  "two kind lines": {
    input: `---\nkind: ConfigMap\napiVersion: v1\nmetadata:\n  name: shared\nkind: PersistentVolumeClaim\nspec:\n  accessModes: [ReadWriteOnce]\n${DEPLOYMENT}`,
    held: { changes: 0, findings: 1 },
  },
  "an indented root: no kind line at column 0": {
    input: "---\n  apiVersion: v1\n  kind: PersistentVolumeClaim\n  metadata:\n    name: shared\n  spec:\n    accessModes: [ReadWriteOnce]\n" + DEPLOYMENT,
    held: { changes: 0, findings: 1 },
  },
  "a raw NEL in a scalar of a document no rule wants: every edit stops": {
    input: `${STATEFUL_SET}---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: nel\n  labels: {x: "a\u0085b"}\nspec: {}\n`,
    options: RELEASE,
    held: { changes: 0, findings: 4 },
  },
  "CR-only line ends: refused where they break the document": {
    input: "---\rkind: ConfigMap\rapiVersion: v1\rmetadata:\r  name: m\r" + STATEFUL_SET,
    held: { error: "Block collection cannot start on same line with directives-end marker (it holds a raw carriage return" },
  },
  "a repeated key: that StatefulSet is left as rendered": {
    input: STATEFUL_SET.replace("  serviceName: db\n", "  serviceName: db\n  serviceName: db\n"),
    options: RELEASE,
    held: { changes: 0, findings: 3 },
  },
  "an overriding merge key: read as Kubernetes reads it, left as rendered": {
    input: yaml`
      ---
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: m
        labels: &l {app: m, helm.sh/chart: m-1.0.0}
      spec:
        volumeClaimTemplates:
          - metadata:
              name: data
              labels:
                app: x
                <<: *l
    `,
    options: RELEASE,
    held: { changes: 0, findings: 3 },
  },
  "a merge key written with a tag: in doubt": {
    input: `${STATEFUL_SET}---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: tm\n  labels:\n    !!merge <<: {a: b}\n`,
    held: { changes: 0, findings: 3 },
  },
  "anchors and aliases shared by the pod template and the claim template": {
    input: yaml`
      ---
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: an
        labels: &l {app: an, helm.sh/chart: an-1.0.0}
      spec:
        serviceName: an
        selector:
          matchLabels: {app: an}
        template:
          metadata:
            labels: *l
          spec:
            containers: [{name: db, image: "db:1"}]
        volumeClaimTemplates:
          - metadata:
              name: data
              labels: *l
            spec:
              accessModes: [ReadWriteOnce]
    `,
    options: RELEASE,
    held: { changes: 6, findings: 1 },
  },
  "CRLF line ends and non-ASCII names": {
    input: (STATEFUL_SET + CLAIM + DEPLOYMENT).replace(/\n/g, "\r\n").replace("name: web", "name: wéb-日本"),
    options: RELEASE,
    held: { changes: 6, findings: 2 },
  },
  // Bare documents after `...` are never read by Kubernetes (Helm and kubectl cut only at `---`): a warning each.
  "`...` end markers, a bare document after one, and a document after `...` that starts with a BOM": {
    input: `${CLAIM}...\n${STATEFUL_SET.slice(4)}...\n\uFEFFapiVersion: v1\nkind: ConfigMap\nmetadata: {name: bom}\n...\n# trailing comment\n`,
    options: RELEASE,
    held: { changes: 0, findings: 2 },
  },
  "a document whose content starts with a BOM after its `---`: refused": {
    input: `${CLAIM}---\n\uFEFFapiVersion: v1\nkind: ConfigMap\nmetadata: {name: bom}\n`,
    options: RELEASE,
    held: { error: "a byte order mark (U+FEFF) starts this document after its `---` line" },
  },
  "a BOM, then comments before the first marker": {
    whole: true,
    input: `\uFEFF# Source: chart/templates/a.yaml\n# more\n${HEAD}${STATEFUL_SET}`,
    options: RELEASE,
    held: { changes: 6, findings: 1 },
  },
  "a directive, then comments before the first marker": {
    whole: true,
    input: `%YAML 1.1\n# a comment\n${HEAD}${STATEFUL_SET}`,
    options: RELEASE,
    held: { changes: 6, findings: 1 },
  },
  "a first document with no marker, a bare second one": {
    whole: true,
    input: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n...\n${STATEFUL_SET.slice(4)}...\n${CLAIM.slice(4)}`,
    options: RELEASE,
    held: { changes: 0, findings: 2 },
  },
  "empty documents between and after": {
    input: `---\n---\n${STATEFUL_SET}---\n---\n---\n`,
    options: RELEASE,
    held: { changes: 6, findings: 1 },
  },
  "only empty documents": {
    whole: true,
    input: "---\n---\n---\n---\n",
    held: { changes: 0, findings: 0 },
  },
  "no newline at the end": {
    input: `${STATEFUL_SET}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: last`,
    options: RELEASE,
    held: { changes: 6, findings: 1 },
  },
  "a document that does not parse, after documents that were edited": {
    input: `${STATEFUL_SET}---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: [unclosed\n${CLAIM}`,
    held: { error: "Flow sequence in block collection must be sufficiently indented" },
  },
  "unrendered template actions": {
    input: "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {{ .Release.Name }}\n",
    held: { error: "it holds {{ }}: if this is a chart template, render it first" },
  },
  "an alias that is never anchored": {
    input: "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: *nope\n",
    held: { error: "Unresolved alias" },
  },
  "an alias inside its own anchor": {
    input: "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: &a\n  name: *a\n",
    held: { error: "an alias inside the node its anchor names" },
  },
  "a metadata.namespace that is no string": {
    input: STATEFUL_SET.replace("  name: db\n", "  name: db\n  namespace: 123\n"),
    held: { error: "metadata.namespace is 123, which is no string" },
  },
  "a NUL byte in a spooled document": {
    input: `${STATEFUL_SET}---\napiVersion: v1\nkind: ConfigMap\ndata:\n  a: "\0"\n${CLAIM}`,
    held: { error: "input contains a NUL byte" },
  },
};

/** Bytes that are not UTF-8, which a string cannot hold: the same error at the same place, spooled or not. */
const NOT_UTF8 = new Uint8Array([...encode(`${HEAD}${STATEFUL_SET}---\ndata:\n  a: "`), 0xff, 0xfe, ...encode(`"\n${CLAIM}`)]);

/** The held outcome as a row states it: the row's error fragment when the error holds it, else the counts. */
function counts(held: Record<string, unknown>, stated: Row["held"]): unknown {
  const run = held as { error?: string; changes?: unknown[]; findings?: unknown[] };
  if (run.error !== undefined) return "error" in stated && run.error.includes(stated.error) ? stated : { error: run.error };
  return { changes: run.changes?.length, findings: run.findings?.length };
}

describe("a spooled stream gives what the same stream gives held in memory", () => {
  for (const [name, row] of Object.entries(table)) {
    it(name, async () => {
      const bytes = encode(row.whole ? row.input : HEAD + row.input);
      const options = row.options ?? {};
      const held = await outcome(() => splitStreamBytes(bytes), options);
      expect(counts(held, row.held)).toEqual(row.held);
      for (const [spooling, split] of Object.entries(SPOOLINGS)) {
        expect({ spooling, ...(await outcome(() => split(bytes), options)) }).toEqual({ spooling, ...held });
      }
    });
  }

  it("bytes that are not UTF-8 in a spooled document: the same error, document, line and column", async () => {
    const held = await outcome(() => splitStreamBytes(NOT_UTF8), {});
    expect(held).toMatchObject({ error: expect.stringContaining("not valid UTF-8"), location: { document: 4, line: 35, column: 7 } });
    for (const [spooling, split] of Object.entries(SPOOLINGS)) {
      expect({ spooling, ...(await outcome(() => split(NOT_UTF8), {})) }).toEqual({ spooling, ...held });
    }
  });
});

describe("the CLI's commands on a stream past SPOOL_AFTER_BYTES, spooled to TMPDIR or held where TMPDIR is missing", () => {
  const filler = (i: number) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: filler-${i}\ndata:\n  note: "${"ü".repeat(2000)}"\n`;
  const count = Math.ceil(SPOOL_AFTER_BYTES / encode(filler(0)).length) + 2;
  const large = `${HEAD}${Array.from({ length: count }, (_, i) => filler(i)).join("")}${STATEFUL_SET}${CLAIM}${DEPLOYMENT}${CRON_JOB}${CLEANUP_JOB}`;
  const scratch = mkdtempSync(join(tmpdir(), "fix-storage-spooled-adversarial-"));
  const files = join(scratch, "in");
  mkdirSync(join(files, "dir"), { recursive: true });
  writeFileSync(join(files, "large.yaml"), large);
  writeFileSync(join(files, "dir", "large.yaml"), `${large}---\n{"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "json"}}\n`);
  writeFileSync(join(files, "dir", "small.yaml"), HEAD + STATEFUL_SET);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** stdout as the writer writes it: each part copied before the next is asked for. */
  async function run(argv: string[], tmp: string) {
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      const bytes = encode(large);
      const outcome = await runCli({ argv, env: {}, readStdin: () => Promise.resolve(bytes) });
      const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
      let stdout = "";
      if (outcome.stdoutParts) for (const part of outcome.stdoutParts) stdout += typeof part === "string" ? part : decoder.decode(part);
      else stdout = outcome.stdout;
      return { code: outcome.code, stdout, stderr: outcome.stderr };
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  }

  const COMMANDS: Record<string, string[]> = {
    "fix --explain from stdin": ["--explain", "--release-name", "rel", "-n", "ns"],
    "check --report - on a file and a directory": ["check", "--report", "-", join(files, "large.yaml"), join(files, "dir")],
    "diff on a file and a directory": ["diff", "-n", "ns", join(files, "large.yaml"), join(files, "dir")],
  };
  for (const [name, argv] of Object.entries(COMMANDS)) {
    it(name, async () => {
      const spoolDir = mkdtempSync(join(scratch, "tmp-"));
      const spooled = await run(argv, spoolDir);
      const held = await run(argv, join(scratch, "missing"));
      expect(held.code).not.toBe(2);
      expect(spooled.code).toBe(held.code);
      expect(spooled.stderr).toEqual(held.stderr);
      expect(spooled.stdout === held.stdout).toBe(true);
      expect(readdirSync(spoolDir)).toEqual([]);
    });
  }
});
