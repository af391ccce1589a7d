#!/usr/bin/env node
/**
 * Benchmark (`npm run bench`): the bundled CLI against `cat FILE`, `node -e ''` and `kubectl kustomize DIR` doing the
 * same edit, on streams of 100, 2,000 and 20,000 documents built from the real renders in ../shared/corpus.
 * Prints a table and the targets, and writes the same data to bench/out/bench.json.
 * Then the candidate-heavy set (scripts/bench/candidate-heavy.mjs): streams where the documents the rules read are a
 * large share, against the baselines of each target (node -e '', kubectl kustomize, a split-and-join script),
 * the throughput of the readers on its candidate documents (scripts/bench/readers.mjs) and the cost of the run-time
 * proof (scripts/bench/proof-cost.mjs).
 * It is a record, not a gate: it exits 0 even when a target fails. BENCH_KEEP=1 keeps the generated streams.
 * Options: --quick (fewer rounds, no 100 MB stream), --set=classic|candidate-heavy (one set only).
 */
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isMap, isScalar, isSeq, parseAllDocuments, parseDocument, visit } from "yaml";
import { runCandidateHeavy } from "./bench/candidate-heavy.mjs";
import { runProofCost } from "./bench/proof-cost.mjs";
import { runReaders } from "./bench/readers.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CORPUS = resolve(ROOT, "../shared/corpus");
const BIN = join(ROOT, "bin/fix-storage");
const BUNDLE = join(ROOT, "dist/fix-storage.cjs");
const OUT_DIR = join(ROOT, "bench/out");

const SIZES = [100, 2000, 20000];
const ARGS = process.argv.slice(2);
const QUICK = ARGS.includes("--quick");
const SET = ARGS.find((arg) => arg.startsWith("--set="))?.slice("--set=".length) ?? "all";
const ROUNDS = QUICK ? { 100: 3, 2000: 1, 20000: 1 } : { 100: 5, 2000: 5, 20000: 3 };
/** A tool/size whose first run takes longer (or is predicted to) is skipped. */
const LIMIT_S = 60;
/** Fewer rounds for a tool whose single run is slow, so one cell takes about this long at most. */
const CELL_BUDGET_S = 60;
/** The issue's 20,000-document stream is ~23–24 MB; corpus documents are chosen to match that density. */
const TARGET_BYTES_PER_DOC = 23.5e6 / 20000;
const INSTANCE = "app.kubernetes.io/instance";
const VERSION_LABELS = ["helm.sh/chart", "app.kubernetes.io/version"];
/** Kinds whose documents the rules edit (and the claims they look up): every copy keeps them, whatever their size. */
const ALWAYS_KEEP = new Set(["StatefulSet", "Job", "CronJob", "PersistentVolumeClaim"]);
const MARKER = /^---(?:[ \t][^\n]*)?\n/m;
const SUFFIX = "@@SUFFIX@@";

const TOOLS = [
  { id: "fix-storage", label: "fix-storage" },
  { id: "cat", label: "cat" },
  { id: "node", label: "node -e ''" },
  { id: "kustomize", label: "kubectl kustomize" },
];

const KUSTOMIZATION = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - stream.yaml
patches:
  - target:
      kind: StatefulSet
    patch: |-
      - op: remove
        path: /spec/volumeClaimTemplates/0/metadata/labels/helm.sh~1chart
      - op: remove
        path: /spec/volumeClaimTemplates/0/metadata/labels/app.kubernetes.io~1version
`;

/** In every copy: a StatefulSet whose claim template carries version labels, and a CronJob mounting a claim nothing creates. */
const HAND_WRITTEN = [
  `# Source: bench-db/templates/statefulset.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: bench-db${SUFFIX}
  namespace: bench
  labels:
    app.kubernetes.io/name: bench-db
    app.kubernetes.io/instance: bench${SUFFIX}
    app.kubernetes.io/version: "16.4.0"
    app.kubernetes.io/managed-by: Helm
    helm.sh/chart: bench-db-1.2.3
spec:
  serviceName: bench-db${SUFFIX}
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: bench-db
      app.kubernetes.io/instance: bench${SUFFIX}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: bench-db
        app.kubernetes.io/instance: bench${SUFFIX}
    spec:
      containers:
        - name: postgres
          image: docker.io/library/postgres:16.4
          ports:
            - name: postgres
              containerPort: 5432
          volumeMounts:
            - name: data
              mountPath: /var/lib/postgresql/data
  volumeClaimTemplates:
    - metadata:
        name: data
        labels:
          app.kubernetes.io/name: bench-db
          app.kubernetes.io/instance: bench${SUFFIX}
          app.kubernetes.io/version: "16.4.0"
          helm.sh/chart: bench-db-1.2.3
      spec:
        accessModes: ["ReadWriteOnce"]
        resources:
          requests:
            storage: 8Gi
`,
  `# Source: bench-db/templates/backup-cronjob.yaml
apiVersion: batch/v1
kind: CronJob
metadata:
  name: bench-db-backup${SUFFIX}
  namespace: bench
  labels:
    app.kubernetes.io/name: bench-db
    app.kubernetes.io/instance: bench${SUFFIX}
    app.kubernetes.io/component: backup
spec:
  schedule: "15 3 * * *"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      template:
        metadata:
          labels:
            app.kubernetes.io/name: bench-db
            app.kubernetes.io/instance: bench${SUFFIX}
        spec:
          restartPolicy: OnFailure
          containers:
            - name: backup
              image: docker.io/library/postgres:16.4
              command: ["/bin/sh", "-c", "pg_dumpall -h bench-db${SUFFIX} > /var/lib/postgresql/data/backup.sql"]
              volumeMounts:
                - name: data
                  mountPath: /var/lib/postgresql/data
          volumes:
            - name: data
              persistentVolumeClaim:
                claimName: bench-db${SUFFIX}
`,
];

// ---------------------------------------------------------------- helpers

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const sum = (values) => values.reduce((total, value) => total + value, 0);
const mb = (bytes) => bytes / 1e6;
const fmtInt = (n) => n.toLocaleString("en-US");
const fmtS = (s) => (s === undefined || s === null ? "-" : s.toFixed(3));
const fmtX = (x) => (x === undefined || x === null || !Number.isFinite(x) ? "-" : `${x.toFixed(1)}×`);

/** Documents in a stream: `---` marker lines, plus one when content comes before the first marker (kustomize output). */
function countDocuments(text) {
  let count = 0;
  let contentBeforeMarker = false;
  let seenMarker = false;
  for (let at = 0; at < text.length; ) {
    const newline = text.indexOf("\n", at);
    const end = newline === -1 ? text.length : newline;
    if (text.startsWith("---", at) && (end === at + 3 || text[at + 3] === " " || text[at + 3] === "\t" || text[at + 3] === "\r")) {
      count++;
      seenMarker = true;
    } else if (!seenMarker && !contentBeforeMarker) {
      const line = text.slice(at, end).trim();
      if (line !== "" && !line.startsWith("#")) contentBeforeMarker = true;
    }
    at = end + 1;
  }
  return count + (contentBeforeMarker ? 1 : 0);
}

function hasContent(text) {
  return text.split("\n").some((line) => {
    const trimmed = line.trim();
    return trimmed !== "" && !trimmed.startsWith("#");
  });
}

function commandExists(command, args) {
  const result = spawnSync(command, args, { encoding: "utf8", timeout: 30000 });
  return result.error ? undefined : `${result.stdout}${result.stderr}`.trim();
}

// ---------------------------------------------------------------- stream generation

/**
 * Gives volumeClaimTemplates[0] of a corpus StatefulSet both version labels, by inserting lines, so the kustomize
 * patch (a JSON6902 remove, which fails on a missing path) applies to it. Returns the new text, or why it cannot.
 */
function withClaimTemplateVersionLabels(body, doc, object) {
  const templates = doc.getIn(["spec", "volumeClaimTemplates"], true);
  if (!isSeq(templates) || templates.items.length === 0) return { reason: "it has no volumeClaimTemplates" };
  const first = templates.items[0];
  const metadata = isMap(first) ? first.get("metadata", true) : undefined;
  if (!isMap(metadata) || metadata.flow || metadata.items.length === 0) {
    return { reason: "its volumeClaimTemplates[0].metadata is not a block mapping" };
  }
  const own = object.metadata?.labels ?? {};
  const wanted = {
    "helm.sh/chart": String(own["helm.sh/chart"] ?? `${object.metadata.name}-0.0.0`),
    "app.kubernetes.io/version": String(own["app.kubernetes.io/version"] ?? "0.0.0"),
  };
  const lineOf = (map) => {
    const keyStart = map.items[0].key.range[0];
    const lineStart = body.lastIndexOf("\n", keyStart - 1) + 1;
    const indent = body.slice(lineStart, keyStart);
    return /^ *$/.test(indent) ? { lineStart, indent } : undefined;
  };
  const labels = metadata.get("labels", true);
  let at;
  let insert;
  if (labels === undefined) {
    at = lineOf(metadata);
    if (!at) return { reason: "cannot find the indentation of its volumeClaimTemplates[0].metadata" };
    const entries = { ...(own["app.kubernetes.io/name"] !== undefined && { "app.kubernetes.io/name": String(own["app.kubernetes.io/name"]) }), ...wanted };
    insert = `${at.indent}labels:\n${Object.entries(entries)
      .map(([key, value]) => `${at.indent}  ${key}: ${JSON.stringify(value)}\n`)
      .join("")}`;
  } else {
    if (!isMap(labels) || labels.flow || labels.items.length === 0) return { reason: "its claim template labels are not a block mapping" };
    at = lineOf(labels);
    if (!at) return { reason: "cannot find the indentation of its claim template labels" };
    const present = labels.toJSON();
    insert = Object.entries(wanted)
      .filter(([key]) => !(key in present))
      .map(([key, value]) => `${at.indent}${key}: ${JSON.stringify(value)}\n`)
      .join("");
  }
  const text = body.slice(0, at.lineStart) + insert + body.slice(at.lineStart);
  const check = parseDocument(text);
  const got = check.getIn(["spec", "volumeClaimTemplates", 0, "metadata", "labels"]);
  const ok = check.errors.length === 0 && got && VERSION_LABELS.every((key) => got.has?.(key));
  return ok ? { text } : { reason: "inserting the labels did not give valid YAML" };
}

/** Offsets where the copy suffix goes: the end of metadata.name and of every app.kubernetes.io/instance label value. */
function suffixPoints(doc) {
  const points = [];
  const add = (node) => {
    if (!isScalar(node) || typeof node.value !== "string" || !node.range) return false;
    if (node.type === "PLAIN") points.push(node.range[1]);
    else if (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE") points.push(node.range[1] - 1);
    else return false;
    return true;
  };
  if (!add(doc.getIn(["metadata", "name"], true))) return undefined;
  visit(doc, {
    Pair(_key, pair) {
      if (isScalar(pair.key) && pair.key.value === INSTANCE) add(pair.value);
    },
  });
  return [...new Set(points)].sort((a, b) => a - b);
}

function template(body, points) {
  const parts = [];
  let from = 0;
  for (const point of points) {
    parts.push(body.slice(from, point));
    from = point;
  }
  parts.push(body.slice(from));
  return parts;
}

function loadCorpus() {
  const files = readdirSync(CORPUS)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
  const docs = [];
  const dropped = [];
  const modified = [];
  const ids = new Set();
  for (const file of files) {
    const bodies = readFileSync(join(CORPUS, file), "utf8").split(MARKER);
    bodies.forEach((raw, index) => {
      let body = raw.endsWith("\n") ? raw : `${raw}\n`;
      if (!hasContent(body)) return;
      const where = `${file} #${index}`;
      let doc = parseDocument(body);
      let object = doc.errors.length === 0 ? doc.toJS() : undefined;
      if (!object || typeof object !== "object" || typeof object.kind !== "string" || typeof object.metadata?.name !== "string") {
        dropped.push({ where, why: "not a Kubernetes object with kind and metadata.name" });
        return;
      }
      const label = `${object.kind} ${object.metadata.name} (${where})`;
      if (object.kind === "StatefulSet") {
        const labels = object.spec?.volumeClaimTemplates?.[0]?.metadata?.labels;
        if (!(labels && VERSION_LABELS.every((key) => key in labels))) {
          const result = withClaimTemplateVersionLabels(body, doc, object);
          if (!result.text) {
            dropped.push({ where: label, why: `${result.reason}, so the kustomize JSON6902 remove would fail on it` });
            return;
          }
          body = result.text;
          doc = parseDocument(body);
          object = doc.toJS();
          modified.push({ where: label, what: "added helm.sh/chart and app.kubernetes.io/version labels to volumeClaimTemplates[0]" });
        }
      }
      const id = `${object.kind}/${object.metadata.namespace ?? ""}/${object.metadata.name}`;
      if (ids.has(id)) {
        dropped.push({ where: label, why: "duplicate kind/namespace/name (kustomize would reject the stream)" });
        return;
      }
      const points = suffixPoints(doc);
      if (!points) {
        dropped.push({ where: label, why: "its metadata.name is not a plain or quoted scalar" });
        return;
      }
      ids.add(id);
      docs.push({ source: where, kind: object.kind, name: object.metadata.name, bytes: body.length + 4, points: points.length, parts: template(body, points), mandatory: ALWAYS_KEEP.has(object.kind) });
    });
  }
  return { files, docs, dropped, modified };
}

/** The documents of one copy: every workload, the other corpus documents up to a size cap chosen to match the issue's density, and the hand-written pair. */
function chooseUnit(corpus) {
  const handWritten = HAND_WRITTEN.map((text, index) => {
    const parts = text.split(SUFFIX);
    return { source: `hand-written #${index + 1}`, kind: /^kind: (\S+)/m.exec(text)[1], bytes: text.length - (parts.length - 1) * SUFFIX.length + 4, points: parts.length - 1, parts, mandatory: true };
  });
  const mandatory = [...handWritten, ...corpus.docs.filter((doc) => doc.mandatory)];
  const optional = corpus.docs.filter((doc) => !doc.mandatory).sort((a, b) => a.bytes - b.bytes);
  const size = (doc) => doc.bytes + doc.points * 4; // a suffix is `-c` and ~2–3 digits
  // Taking the smaller documents first, the average falls, then climbs again: use the widest cap still near the target.
  const averages = [];
  let bytes = sum(mandatory.map(size));
  for (let k = 0; k <= optional.length; k++) {
    if (k > 0) bytes += size(optional[k - 1]);
    averages.push(bytes / (mandatory.length + k));
  }
  let k = averages.findLastIndex((average) => average <= TARGET_BYTES_PER_DOC);
  if (k === -1) k = 0;
  else if (k < optional.length && Math.abs(averages[k + 1] - TARGET_BYTES_PER_DOC) < Math.abs(averages[k] - TARGET_BYTES_PER_DOC)) k++;
  const best = { k };
  const chosen = new Set(optional.slice(0, best.k));
  const cap = best.k > 0 ? optional[best.k - 1].bytes : 0;
  const unit = [...handWritten, ...corpus.docs.filter((doc) => doc.mandatory || chosen.has(doc))];
  const left = optional.slice(best.k);
  return { unit, cap, left };
}

/**
 * Copies of the unit until there are `n` documents. A last, partial copy keeps every mandatory document (the
 * StatefulSets, Jobs, CronJobs and claims) and as many of the others as fit; if even those do not fit, the copy
 * before it gives up some of its other documents.
 */
function buildStream(unit, n) {
  const mandatoryCount = unit.filter((doc) => doc.mandatory).length;
  const copies = Math.ceil(n / unit.length);
  const counts = Array.from({ length: copies }, () => unit.length);
  counts[copies - 1] = n - (copies - 1) * unit.length;
  const short = mandatoryCount - counts[copies - 1];
  if (short > 0 && copies > 1) {
    counts[copies - 1] += short;
    counts[copies - 2] -= short;
  }
  const pieces = [];
  counts.forEach((count, index) => {
    const suffix = `-c${index + 1}`;
    let slots = count - mandatoryCount;
    const docs = count === unit.length ? unit : unit.filter((doc) => doc.mandatory || slots-- > 0).slice(0, count);
    for (const doc of docs) pieces.push("---\n", doc.parts.join(suffix));
  });
  return { text: pieces.join(""), copies, partial: n % unit.length !== 0 };
}

/** The kustomize precondition, checked on one full copy: valid YAML, unique ids, every StatefulSet has both labels to remove. */
function checkUnit(unit) {
  const { text } = buildStream(unit, unit.length);
  const problems = [];
  const ids = new Set();
  let statefulSets = 0;
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) problems.push(`YAML error: ${doc.errors[0].message}`);
    const object = doc.toJS();
    const id = `${object.kind}/${object.metadata?.namespace ?? ""}/${object.metadata?.name}`;
    if (ids.has(id)) problems.push(`duplicate ${id}`);
    ids.add(id);
    if (object.kind === "StatefulSet") {
      statefulSets++;
      const labels = object.spec?.volumeClaimTemplates?.[0]?.metadata?.labels ?? {};
      for (const key of VERSION_LABELS) if (!(key in labels)) problems.push(`${id}: volumeClaimTemplates[0] lacks label ${key}`);
    }
  }
  return { problems, statefulSets, documents: ids.size };
}

// ---------------------------------------------------------------- running

function makeRunner(dir) {
  return (tool, size, timeoutS) => {
    const stream = join(size.dir, "stream.yaml");
    const outFile = join(dir, `out-${tool.id}-${size.n}.yaml`);
    const spec = {
      "fix-storage": { command: BIN, args: [], stdin: stream },
      cat: { command: "cat", args: [stream] },
      node: { command: process.execPath, args: ["-e", ""] },
      kustomize: { command: "kubectl", args: ["kustomize", size.dir] },
    }[tool.id];
    const stdin = spec.stdin ? openSync(spec.stdin, "r") : "ignore";
    const stdout = openSync(outFile, "w");
    const start = process.hrtime.bigint();
    const result = spawnSync(spec.command, spec.args, {
      cwd: ROOT,
      stdio: [stdin, stdout, "pipe"],
      timeout: timeoutS * 1000,
      killSignal: "SIGKILL",
      maxBuffer: 64 * 1024 * 1024,
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (typeof stdin === "number") closeSync(stdin);
    closeSync(stdout);
    const timedOut = result.error?.code === "ETIMEDOUT" || (result.signal === "SIGKILL" && seconds >= timeoutS);
    const stderr = String(result.stderr ?? "").trim();
    return { seconds, status: result.status, signal: result.signal, timedOut, error: result.error?.message, stderr, outFile };
  };
}

/** What must hold after a run; returns a problem, or undefined. */
function checkRun(tool, size, run) {
  if (run.timedOut) return undefined;
  if (run.status !== 0) return `exit ${run.status ?? run.signal}${run.stderr ? `: ${run.stderr.split("\n").slice(0, 3).join(" | ")}` : ""}`;
  if (tool.id === "node") return undefined;
  const bytes = statSync(run.outFile).size;
  if (bytes === 0) return "empty output";
  if (tool.id === "fix-storage" || tool.id === "kustomize") {
    const documents = countDocuments(readFileSync(run.outFile, "utf8"));
    if (documents !== size.n) return `output has ${documents} documents, input ${size.n}`;
  }
  return undefined;
}

/** Peak RSS of one untimed fix-storage run, in KiB. */
function peakMemory(dir, size) {
  const stream = join(size.dir, "stream.yaml");
  const outFile = join(dir, `out-mem-${size.n}.yaml`);
  const memFile = join(dir, `mem-${size.n}.txt`);
  const stdin = openSync(stream, "r");
  const stdout = openSync(outFile, "w");
  let result;
  let method;
  if (existsSync("/usr/bin/time")) {
    method = "/usr/bin/time -f %M";
    result = spawnSync("/usr/bin/time", ["-f", "%M", "-o", memFile, BIN], { cwd: ROOT, stdio: [stdin, stdout, "pipe"] });
  } else {
    // The CLI ends with process.exit, which still fires 'exit': a preload records maxRSS there.
    method = "process.resourceUsage().maxRSS via --require preload";
    const preload = join(dir, "max-rss.cjs");
    writeFileSync(preload, `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(memFile)}, String(process.resourceUsage().maxRSS)));\n`);
    result = spawnSync(BIN, [], { cwd: ROOT, stdio: [stdin, stdout, "pipe"], env: { ...process.env, NODE_OPTIONS: `--require=${preload}` } });
  }
  closeSync(stdin);
  closeSync(stdout);
  const kib = existsSync(memFile) ? Number.parseInt(readFileSync(memFile, "utf8").trim().split("\n").pop(), 10) : Number.NaN;
  return { method, status: result.status, kib };
}

/** One untimed run with --report: the tool's own count of documents, changes and findings. */
function report(dir, size) {
  const reportFile = join(dir, `report-${size.n}.json`);
  const stdin = openSync(join(size.dir, "stream.yaml"), "r");
  const result = spawnSync(BIN, ["--report", reportFile], { cwd: ROOT, stdio: [stdin, "ignore", "pipe"] });
  closeSync(stdin);
  if (result.status !== 0 || !existsSync(reportFile)) return { error: `exit ${result.status}: ${String(result.stderr).trim()}` };
  const data = JSON.parse(readFileSync(reportFile, "utf8"));
  const byRule = {};
  for (const change of data.changes) byRule[change.rule] = (byRule[change.rule] ?? 0) + 1;
  return { documents: data.documents, changes: data.changes.length, findings: data.findings.length, byRule };
}

/** On the small stream, read the outputs back: the version labels are gone from every claim template, the CronJobs were repointed. */
function checkEdits(outFile, handWrittenCopies) {
  const problems = [];
  let statefulSets = 0;
  let cronJobs = 0;
  for (const doc of parseAllDocuments(readFileSync(outFile, "utf8"))) {
    const object = doc.toJS();
    if (object?.kind === "StatefulSet") {
      statefulSets++;
      for (const vct of object.spec?.volumeClaimTemplates ?? []) {
        for (const key of VERSION_LABELS) if (key in (vct.metadata?.labels ?? {})) problems.push(`${object.metadata.name}: ${key} still on claim template`);
      }
    }
    if (object?.kind === "CronJob" && object.metadata.name.startsWith("bench-db-backup")) {
      cronJobs++;
      const suffix = object.metadata.name.slice("bench-db-backup".length);
      const claim = object.spec.jobTemplate.spec.template.spec.volumes[0].persistentVolumeClaim.claimName;
      if (claim !== `data-bench-db${suffix}-0`) problems.push(`${object.metadata.name}: claimName ${claim}`);
    }
  }
  if (cronJobs !== handWrittenCopies) problems.push(`found ${cronJobs} hand-written CronJobs, expected ${handWrittenCopies}`);
  return { problems, statefulSets };
}

// ---------------------------------------------------------------- main

function runClassic() {
  if (!existsSync(CORPUS) || readdirSync(CORPUS).filter((name) => /\.ya?ml$/.test(name)).length === 0) {
    console.log(`bench: skipped — no corpus at ${CORPUS} (../shared/corpus/*.y*ml relative to the project root)`);
    return;
  }
  if (!existsSync(BUNDLE)) {
    console.error(`bench: ${BUNDLE} is missing; run npm run build (npm run bench does)`);
    process.exitCode = 1;
    return;
  }
  const began = Date.now();
  const loadBefore = loadavg().map((value) => Number(value.toFixed(2)));
  const kubectl = commandExists("kubectl", ["version", "--client"]);
  const hasCat = commandExists("cat", ["/dev/null"]) !== undefined;
  const tools = TOOLS.filter((tool) => tool.id !== "cat" || hasCat);
  if (!kubectl) console.log("bench: kubectl not on PATH — the kubectl kustomize column is skipped");

  // Streams
  const corpus = loadCorpus();
  const { unit, cap, left } = chooseUnit(corpus);
  const unitCheck = checkUnit(unit);
  if (unitCheck.problems.length > 0) {
    console.error(`bench: the generated stream would not work with the kustomize patch:\n  ${unitCheck.problems.slice(0, 10).join("\n  ")}`);
    process.exitCode = 1;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "fix-storage-bench-"));
  const sizes = SIZES.map((n) => {
    const sizeDir = join(dir, `n${n}`);
    mkdirSync(sizeDir);
    const stream = buildStream(unit, n);
    const documents = countDocuments(stream.text);
    if (documents !== n) throw new Error(`generated ${documents} documents instead of ${n}`);
    writeFileSync(join(sizeDir, "stream.yaml"), stream.text);
    writeFileSync(join(sizeDir, "kustomization.yaml"), KUSTOMIZATION);
    return { n, dir: sizeDir, bytes: Buffer.byteLength(stream.text), copies: stream.copies, partial: stream.partial };
  });

  const mandatoryKinds = {};
  for (const doc of unit) if (doc.mandatory) mandatoryKinds[doc.kind] = (mandatoryKinds[doc.kind] ?? 0) + 1;
  console.log(`corpus: ${corpus.files.length} files in ${CORPUS}, ${corpus.docs.length} usable documents`);
  for (const { where, what } of corpus.modified) console.log(`  modified: ${where}: ${what}`);
  for (const { where, why } of corpus.dropped) console.log(`  dropped:  ${where}: ${why}`);
  console.log(
    `one copy: ${unit.length} documents, ${fmtInt(sum(unit.map((doc) => doc.bytes)))} bytes — ` +
      `${Object.entries(mandatoryKinds)
        .map(([kind, count]) => `${count} ${kind}`)
        .join(", ")} (2 of them hand-written), and the ${unit.length - sum(Object.values(mandatoryKinds))} other corpus documents of ≤ ${fmtInt(cap)} bytes; ` +
      `the ${left.length} bulkier ones (${[...new Set(left.map((doc) => doc.kind))].join(", ")}) are left out to match the issue's ~23.5 MB per 20,000 documents`,
  );
  console.log(`renaming: copy N appends -cN to metadata.name and to app.kubernetes.io/instance values; ${unitCheck.statefulSets} StatefulSets per copy, all with both version labels on volumeClaimTemplates[0]`);
  for (const size of sizes) console.log(`stream: ${fmtInt(size.n).padStart(6)} documents, ${mb(size.bytes).toFixed(2).padStart(6)} MB, ${size.copies} ${size.copies === 1 ? "copy" : "copies"}${size.partial ? (size.copies === 1 ? " (partial)" : " (last one partial)") : ""}`);
  console.log(`streams in ${dir}; load average ${loadBefore.join(" ")} on ${cpus().length} CPUs (other work on the machine skews wall-clock times)\n`);

  // Timing: per size, interleaved rounds over the tools; the median counts.
  const run = makeRunner(dir);
  // Untimed warm-up, so the first timed run does not pay for cold binaries and page cache.
  for (const [command, args] of [[process.execPath, ["-e", ""]], [BIN, ["--version"]], ["cat", [join(sizes[0].dir, "stream.yaml")]]]) {
    spawnSync(command, args, { cwd: ROOT, stdio: "ignore" });
  }
  if (kubectl) spawnSync("kubectl", ["kustomize", sizes[0].dir], { cwd: ROOT, stdio: "ignore", timeout: LIMIT_S * 1000 });
  const results = {};
  const problems = [];
  for (const size of sizes) {
    const rounds = ROUNDS[size.n] ?? 3;
    const cells = {};
    for (const tool of tools) {
      const cell = { samples: [], rounds };
      cells[tool.id] = cell;
      if (tool.id === "kustomize" && !kubectl) {
        cell.skipped = "kubectl not on PATH";
        continue;
      }
      const earlier = sizes.filter((other) => other.n < size.n && results[other.n]?.[tool.id]?.median !== undefined).pop();
      if (earlier) {
        const predicted = (results[earlier.n][tool.id].median * size.n) / earlier.n;
        if (predicted > LIMIT_S) cell.skipped = `>${LIMIT_S} s (predicted ≥ ${predicted.toFixed(0)} s from ${fmtInt(earlier.n)} documents, assuming linear growth)`;
      }
      const over = sizes.find((other) => other.n < size.n && results[other.n]?.[tool.id]?.skipped?.startsWith(">"));
      if (over) cell.skipped = `>${LIMIT_S} s (already over at ${fmtInt(over.n)} documents)`;
    }
    process.stdout.write(`timing ${fmtInt(size.n)} documents, up to ${rounds} rounds: `);
    for (let round = 0; round < rounds; round++) {
      const order = tools.map((_tool, index) => tools[(index + round) % tools.length]);
      for (const tool of order) {
        const cell = cells[tool.id];
        if (cell.skipped || cell.error || cell.samples.length >= cell.rounds) continue;
        const first = cell.samples.length === 0;
        const result = run(tool, size, LIMIT_S);
        if (result.timedOut) {
          if (first) cell.skipped = `>${LIMIT_S} s (first run stopped at ${LIMIT_S} s)`;
          else cell.error = `a later run exceeded ${LIMIT_S} s`;
          continue;
        }
        const problem = checkRun(tool, size, result);
        if (problem) {
          cell.error = problem;
          problems.push(`${tool.label} on ${fmtInt(size.n)} documents: ${problem}`);
          continue;
        }
        cell.samples.push(result.seconds);
        if (first) cell.rounds = Math.min(rounds, Math.max(1, Math.floor(CELL_BUDGET_S / result.seconds)));
      }
      process.stdout.write(".");
    }
    process.stdout.write("\n");
    for (const cell of Object.values(cells)) if (cell.samples.length > 0) cell.median = median(cell.samples);
    results[size.n] = cells;

    const fix = cells["fix-storage"];
    size.memory = peakMemory(dir, size);
    if (size.memory.status !== 0) problems.push(`fix-storage (memory run) on ${fmtInt(size.n)} documents: exit ${size.memory.status}`);
    size.report = report(dir, size);
    if (size.report.error) problems.push(`fix-storage --report on ${fmtInt(size.n)} documents: ${size.report.error}`);
    else if (size.report.documents !== size.n) problems.push(`fix-storage counted ${size.report.documents} documents in ${fmtInt(size.n)}`);
    if (size.n === sizes[0].n) {
      if (fix.median !== undefined) {
        size.fixEdits = checkEdits(join(dir, `out-fix-storage-${size.n}.yaml`), size.copies);
        for (const problem of size.fixEdits.problems.slice(0, 5)) problems.push(`fix-storage output on ${size.n}: ${problem}`);
      }
      if (cells.kustomize?.median !== undefined) {
        size.kustomizeEdits = checkEdits(join(dir, `out-kustomize-${size.n}.yaml`), 0);
        // kustomize does not repoint CronJobs; only its label removal is compared.
        size.kustomizeEdits.problems = size.kustomizeEdits.problems.filter((problem) => problem.includes("still on claim template"));
        for (const problem of size.kustomizeEdits.problems.slice(0, 5)) problems.push(`kustomize output on ${size.n}: ${problem}`);
      }
    }
  }

  // Edits happen in every copy.
  const perCopy = sizes[0].report?.changes !== undefined ? sizes[0].report.changes / sizes[0].copies : undefined;
  for (const size of sizes) {
    if (size.report?.changes === undefined || perCopy === undefined) continue;
    if (size.report.changes !== perCopy * size.copies) problems.push(`fix-storage made ${size.report.changes} changes on ${fmtInt(size.n)} documents; expected ${perCopy} in each of ${size.copies} copies`);
  }

  // Derived numbers
  const t = (n, id) => results[n]?.[id]?.median;
  const rows = sizes.map((size) => {
    const fix = t(size.n, "fix-storage");
    return {
      documents: size.n,
      bytes: size.bytes,
      megabytes: Number(mb(size.bytes).toFixed(2)),
      copies: size.copies,
      seconds: Object.fromEntries(
        tools.map((tool) => {
          const cell = results[size.n][tool.id];
          return [tool.id, { median: cell.median ?? null, samples: cell.samples, ...(cell.skipped && { skipped: cell.skipped }), ...(cell.error && { error: cell.error }) }];
        }),
      ),
      fixOverNode: fix !== undefined && t(size.n, "node") ? fix / t(size.n, "node") : null,
      kustomizeOverFix: fix !== undefined && t(size.n, "kustomize") !== undefined ? t(size.n, "kustomize") / fix : null,
      peakMiB: Number.isFinite(size.memory.kib) ? Number((size.memory.kib / 1024).toFixed(1)) : null,
      secondsPer1000: fix !== undefined ? (fix / size.n) * 1000 : null,
      report: size.report,
    };
  });
  const base = sizes[0].n;
  const marginal = (n) => (t(n, "fix-storage") !== undefined && t(base, "fix-storage") !== undefined && n > base ? ((t(n, "fix-storage") - t(base, "fix-storage")) / (n - base)) * 1000 : null);
  for (const row of rows) row.marginalSecondsPer1000 = marginal(row.documents);

  // Table
  const cellText = (row, id) => {
    const cell = row.seconds[id];
    if (!cell) return "-";
    if (cell.median !== null) return fmtS(cell.median);
    if (cell.skipped) return cell.skipped.startsWith(">") ? `skipped: >${LIMIT_S} s` : "skipped";
    return "error";
  };
  const header = ["docs", "MB", "fix-storage s", "cat s", "node -e '' s", "kustomize s", "fix/node", "kustomize/fix", "fix peak MiB"];
  const body = rows.map((row) => [
    fmtInt(row.documents),
    row.megabytes.toFixed(2),
    cellText(row, "fix-storage"),
    cellText(row, "cat"),
    cellText(row, "node"),
    cellText(row, "kustomize"),
    fmtX(row.fixOverNode),
    fmtX(row.kustomizeOverFix),
    row.peakMiB === null ? "-" : row.peakMiB.toFixed(1),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((line) => line[column].length)));
  const line = (cells) => `| ${cells.map((cell, column) => cell.padStart(widths[column])).join(" | ")} |`;
  console.log(`\nmedian wall-clock seconds (interleaved rounds: ${sizes.map((size) => `${fmtInt(size.n)}: ${Math.max(...Object.values(results[size.n]).map((cell) => cell.samples.length))}`).join(", ")})`);
  console.log(line(header));
  console.log(`|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`);
  for (const cells of body) console.log(line(cells));
  for (const size of sizes) {
    for (const tool of tools) {
      const cell = results[size.n][tool.id];
      if (cell.skipped) console.log(`  ${tool.label} at ${fmtInt(size.n)}: skipped, ${cell.skipped}`);
      if (cell.error) console.log(`  ${tool.label} at ${fmtInt(size.n)}: ERROR ${cell.error}`);
    }
  }

  console.log("\nlinearity (fix-storage)");
  console.log("|   docs | s per 1,000 docs | s per 1,000 docs above the 100-doc run | kustomize s per 1,000 docs |");
  console.log("|--------|------------------|----------------------------------------|----------------------------|");
  for (const row of rows) {
    const kustomize = row.seconds.kustomize?.median;
    console.log(
      `| ${fmtInt(row.documents).padStart(6)} | ${fmtS(row.secondsPer1000).padStart(16)} | ${(row.marginalSecondsPer1000 === null ? "-" : fmtS(row.marginalSecondsPer1000)).padStart(38)} | ${(kustomize ? fmtS((kustomize / row.documents) * 1000) : "-").padStart(26)} |`,
    );
  }

  console.log("\nwork done by fix-storage (untimed --report run)");
  for (const size of sizes) {
    const r = size.report;
    if (r.error) console.log(`  ${fmtInt(size.n)}: ERROR ${r.error}`);
    else console.log(`  ${fmtInt(size.n).padStart(6)}: ${r.documents} documents, ${r.changes} changes (${Object.entries(r.byRule).map(([rule, count]) => `${rule} ${count}`).join(", ")}), ${r.findings} findings`);
  }
  if (sizes[0].fixEdits) console.log(`  output of ${sizes[0].n}: ${sizes[0].fixEdits.statefulSets} StatefulSets with no version label left on any claim template, every hand-written CronJob repointed`);
  if (sizes[0].kustomizeEdits) console.log(`  kustomize output of ${sizes[0].n}: ${sizes[0].kustomizeEdits.statefulSets} StatefulSets, version labels removed: ${sizes[0].kustomizeEdits.problems.length === 0 ? "yes" : "NO"}`);

  // Targets
  const at = (n) => rows.find((row) => row.documents === n);
  const targets = [];
  {
    const row = at(100);
    const ratio = row?.fixOverNode;
    targets.push({ id: 1, target: "100 docs: fix-storage ≤ 2.0 × node -e ''", value: ratio === null || ratio === undefined ? null : `${ratio.toFixed(2)}× (${fmtS(t(100, "fix-storage"))} s vs ${fmtS(t(100, "node"))} s)`, pass: ratio === null || ratio === undefined ? null : ratio <= 2.0 });
  }
  {
    const fix = t(2000, "fix-storage");
    const cell = results[2000]?.kustomize;
    let value = null;
    let pass = null;
    if (fix !== undefined && cell?.median !== undefined) {
      const ratio = cell.median / fix;
      value = `kustomize ${ratio.toFixed(1)}× slower (${fmtS(cell.median)} s vs ${fmtS(fix)} s)`;
      pass = ratio >= 20;
    } else if (fix !== undefined && cell?.skipped?.startsWith(">")) {
      const ratio = LIMIT_S / fix;
      value = `kustomize ≥ ${ratio.toFixed(1)}× slower (skipped, >${LIMIT_S} s vs ${fmtS(fix)} s)`;
      pass = ratio >= 20;
    } else value = cell?.skipped ? `not measured: ${cell.skipped}` : `not measured${cell?.error ? `: ${cell.error}` : ""}`;
    targets.push({ id: 2, target: "2,000 docs: fix-storage ≥ 20× faster than kubectl kustomize", value, pass });
  }
  {
    const fix = t(20000, "fix-storage");
    const peak = at(20000)?.peakMiB;
    targets.push({
      id: 3,
      target: "20,000 docs: fix-storage ≤ 1.5 s and ≤ 300 MiB peak",
      value: `${fmtS(fix)} s, ${peak ?? "-"} MiB`,
      pass: fix === undefined || peak === null || peak === undefined ? null : fix <= 1.5 && peak <= 300,
      time: fix === undefined ? null : { seconds: fix, pass: fix <= 1.5 },
      memory: peak === null || peak === undefined ? null : { MiB: peak, pass: peak <= 300 },
    });
  }
  {
    const small = marginal(2000);
    const large = marginal(20000);
    const ratio = small && large ? large / small : null;
    targets.push({
      id: 4,
      target: "linear: per-doc cost at 20,000 ≤ 2 × per-doc cost at 2,000 (time above the 100-doc run, per document)",
      value: ratio === null ? null : `${ratio.toFixed(2)}× (${fmtS(large)} vs ${fmtS(small)} s per 1,000 docs; raw ${fmtS(at(20000)?.secondsPer1000)} vs ${fmtS(at(2000)?.secondsPer1000)})`,
      pass: ratio === null ? null : ratio <= 2,
    });
  }
  console.log("\ntargets");
  for (const target of targets) {
    const verdict = target.pass === null ? "NOT MEASURED" : target.pass ? "PASS" : "FAIL";
    let detail = target.value ?? "";
    if (target.id === 3 && target.pass === false) {
      detail += ` (time ${target.time?.pass ? "ok" : "over"}, memory ${target.memory?.pass ? "ok" : "over"})`;
    }
    console.log(`  ${verdict.padEnd(12)} (${target.id}) ${target.target}: ${detail}`);
  }
  if (problems.length > 0) {
    console.log("\ncorrectness problems");
    for (const problem of problems) console.log(`  FAIL ${problem}`);
  } else console.log("\ncorrectness: every fix-storage run exited 0 with as many documents out as in; edits in every copy");

  // JSON
  const data = {
    generatedAt: new Date().toISOString(),
    machine: { loadAverageBefore: loadBefore, loadAverageAfter: loadavg().map((value) => Number(value.toFixed(2))), node: process.version, platform: `${process.platform} ${process.arch}`, cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)) },
    commands: {
      "fix-storage": "./bin/fix-storage < stream.yaml > out",
      cat: "cat stream.yaml > out",
      node: `${process.execPath} -e ''`,
      kustomize: kubectl ? "kubectl kustomize DIR > out (kustomization.yaml: resources [stream.yaml], JSON6902 removes of the two version labels, target kind StatefulSet)" : null,
    },
    kubectl: kubectl ?? null,
    kustomization: KUSTOMIZATION,
    memoryMethod: sizes[0].memory.method,
    limitSeconds: LIMIT_S,
    corpus: {
      dir: CORPUS,
      files: corpus.files,
      usableDocuments: corpus.docs.length,
      modified: corpus.modified,
      dropped: corpus.dropped,
      sizeCapBytes: cap,
      leftOut: left.map((doc) => `${doc.kind} ${doc.name} (${doc.source}, ${doc.bytes} bytes)`),
    },
    copy: { documents: unit.length, statefulSets: unitCheck.statefulSets, kinds: mandatoryKinds },
    sizes: rows,
    targets,
    problems,
    elapsedSeconds: (Date.now() - began) / 1000,
  };
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, "bench.json"), `${JSON.stringify(data, null, 2)}\n`);
  console.log(`\nwrote bench/out/bench.json (${data.elapsedSeconds.toFixed(0)} s in all)`);

  if (process.env.BENCH_KEEP === "1") console.log(`kept the streams in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

async function main() {
  if (!["all", "classic", "candidate-heavy"].includes(SET) || ARGS.some((arg) => arg !== "--quick" && !arg.startsWith("--set="))) {
    console.error(`bench: unknown option in ${ARGS.join(" ")} (options: --quick, --set=classic|candidate-heavy)`);
    process.exitCode = 2;
    return;
  }
  if (SET !== "candidate-heavy") runClassic();
  if (SET !== "classic") {
    if (!existsSync(BUNDLE)) {
      console.error(`bench: ${BUNDLE} is missing; run npm run build (npm run bench does)`);
      process.exitCode = 1;
      return;
    }
    runCandidateHeavy({ root: ROOT, corpus: CORPUS, bin: BIN, outDir: OUT_DIR, quick: QUICK });
    await runReaders({ root: ROOT, corpus: CORPUS, quick: QUICK });
    await runProofCost({ root: ROOT, corpus: CORPUS, quick: QUICK });
  }
}

await main();
