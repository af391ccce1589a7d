/**
 * Candidate-heavy streams: documents from the real renders of the seed charts (examples/<chart>/rendered*.yaml)
 * and of the corpus (../shared/corpus/*.y*ml, when present), repeated under unique names, in an order that keeps
 * the byte mix of a data-heavy platform at every prefix: StatefulSets 9 %, CronJobs 4 %, Jobs 3 %, Deployments 13 %
 * of the bytes, about 2,000 bytes a document (100 documents ≈ 0.2 MB, 20,000 ≈ 40 MB).
 *
 * Names: occurrence j of a document of source file F gets the suffix `-<F's letter><j>` on its metadata.name and on
 * every other value in it that equals a metadata.name of F (claimName, serviceName, selector labels, …) or is an
 * app.kubernetes.io/instance label, so references inside the document stay consistent. A document that mounts a
 * PersistentVolumeClaim of its file brings that claim's occurrence j with it, so claims still resolve.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isMap, isScalar, parseDocument, visit } from "yaml";

export const TARGET_SHARES = { StatefulSet: 0.09, CronJob: 0.04, Job: 0.03, Deployment: 0.13 };
export const TARGET_BYTES_PER_DOC = 2000;
const OTHER = "other";
const MARKER = /^---(?:[ \t][^\n]*)?\n/m;
const INSTANCE = "app.kubernetes.io/instance";
/** Values under these keys name things outside the stream (kinds, images): never renamed. */
const KEEP_KEYS = new Set(["kind", "apiVersion", "image"]);

export function sourceFiles(root, corpus) {
  const examples = join(root, "examples");
  const files = [];
  for (const chart of readdirSync(examples).sort()) {
    const dir = join(examples, chart);
    if (!existsSync(dir) || !statIsDir(dir)) continue;
    for (const name of readdirSync(dir).sort()) if (/^rendered.*\.ya?ml$/.test(name)) files.push(join(dir, name));
  }
  if (existsSync(corpus)) {
    for (const name of readdirSync(corpus).sort()) if (/\.ya?ml$/.test(name)) files.push(join(corpus, name));
  }
  return files;
}

function statIsDir(path) {
  try {
    readdirSync(path);
    return true;
  } catch {
    return false;
  }
}

const letterOf = (index) => (index < 26 ? String.fromCharCode(97 + index) : `z${index}`);

/** Every usable document of every file: its class, its text cut at the points where the suffix goes. */
export function loadSources(files) {
  const docs = [];
  const dropped = [];
  files.forEach((file, fileIndex) => {
    const letter = letterOf(fileIndex);
    const parsed = [];
    for (const [index, raw] of readFileSync(file, "utf8").split(MARKER).entries()) {
      const body = raw.endsWith("\n") ? raw : `${raw}\n`;
      const doc = parseDocument(body, { uniqueKeys: false });
      const name = doc.getIn(["metadata", "name"], true);
      const kind = doc.get("kind");
      if (doc.errors.length > 0 || !isMap(doc.contents) || typeof kind !== "string" || !isScalar(name) || typeof name.value !== "string") {
        if (/^[ \t]*[^\s#]/m.test(body)) dropped.push(`${file} #${index}: not a Kubernetes object with kind and metadata.name`);
        continue;
      }
      parsed.push({ body, doc, kind, name: name.value, where: `${file} #${index}` });
    }
    const names = new Set(parsed.map((entry) => entry.name));
    const claims = new Set(parsed.filter((entry) => entry.kind === "PersistentVolumeClaim").map((entry) => entry.name));
    for (const entry of parsed) {
      const points = suffixPoints(entry.doc, names);
      if (!points) {
        dropped.push(`${entry.where}: its metadata.name is not a plain or quoted scalar`);
        continue;
      }
      const referenced = [...new Set(points.values)].filter((value) => claims.has(value) && value !== entry.name);
      docs.push({
        id: `${file}#${entry.name}#${entry.kind}`,
        where: entry.where,
        file: fileIndex,
        letter,
        kind: entry.kind,
        name: entry.name,
        cls: entry.kind in TARGET_SHARES ? entry.kind : OTHER,
        bytes: Buffer.byteLength(entry.body) + 4,
        parts: cut(entry.body, points.offsets),
        claims: referenced,
        count: 0,
      });
    }
  });
  // A claim a document mounts, found by name in the same file.
  for (const doc of docs) {
    doc.claimDocs = doc.claims.map((name) => docs.find((other) => other.file === doc.file && other.kind === "PersistentVolumeClaim" && other.name === name));
  }
  return { docs, dropped };
}

/** Offsets just past each value that gets the suffix (inside the closing quote of a quoted one). */
function suffixPoints(doc, names) {
  const offsets = [];
  const values = [];
  const nameNode = doc.getIn(["metadata", "name"], true);
  let nameOk = false;
  visit(doc, {
    Scalar(key, node, path) {
      if (key === "key" || typeof node.value !== "string" || !node.range) return;
      const parent = path[path.length - 1];
      const ownKey = parent && isScalar(parent.key) ? String(parent.key.value) : undefined;
      if (ownKey !== undefined && KEEP_KEYS.has(ownKey)) return;
      if (!(names.has(node.value) || ownKey === INSTANCE || node === nameNode)) return;
      let at;
      if (node.type === "PLAIN") at = node.range[1];
      else if (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE") at = node.range[1] - 1;
      else return;
      offsets.push(at);
      values.push(node.value);
      if (node === nameNode) nameOk = true;
    },
  });
  if (!nameOk) return undefined;
  return { offsets: [...new Set(offsets)].sort((a, b) => a - b), values };
}

function cut(body, offsets) {
  const parts = [];
  let from = 0;
  for (const offset of offsets) {
    parts.push(body.slice(from, offset));
    from = offset;
  }
  parts.push(body.slice(from));
  return parts;
}

/**
 * An endless, deterministic sequence of documents. Each step takes the class furthest below its byte share; an
 * "other" document is taken from the small ones while the running average is above the target size, else from the
 * large ones. Within a class (and size band) documents are taken in turn.
 */
export function* documentSequence(docs) {
  const shares = { ...TARGET_SHARES, [OTHER]: 1 - Object.values(TARGET_SHARES).reduce((a, b) => a + b, 0) };
  const pools = {};
  for (const cls of Object.keys(shares)) pools[cls] = docs.filter((doc) => doc.cls === cls);
  for (const [cls, pool] of Object.entries(pools)) if (pool.length === 0 && cls !== OTHER) delete shares[cls];
  const otherSmall = pools[OTHER].filter((doc) => doc.bytes <= TARGET_BYTES_PER_DOC);
  const otherLarge = pools[OTHER].filter((doc) => doc.bytes > TARGET_BYTES_PER_DOC);
  const turn = new Map();
  const next = (key, pool) => {
    const at = turn.get(key) ?? 0;
    turn.set(key, at + 1);
    return pool[at % pool.length];
  };
  const bytesBy = Object.fromEntries(Object.keys(shares).map((cls) => [cls, 0]));
  let total = 0;
  let count = 0;
  const emit = (doc) => {
    doc.count++;
    bytesBy[doc.cls] += doc.bytes;
    total += doc.bytes;
    count++;
    return { doc, text: `---\n${doc.parts.join(`-${doc.letter}${doc.count}`)}` };
  };
  for (;;) {
    let cls = OTHER;
    let worst = -Infinity;
    for (const [candidate, share] of Object.entries(shares)) {
      const deficit = share * (total + TARGET_BYTES_PER_DOC) - bytesBy[candidate];
      if (deficit > worst) {
        worst = deficit;
        cls = candidate;
      }
    }
    let doc;
    if (cls === OTHER) {
      const wantLarge = count > 0 && total / count < TARGET_BYTES_PER_DOC;
      doc = wantLarge && otherLarge.length > 0 ? next("large", otherLarge) : next("small", otherSmall.length > 0 ? otherSmall : otherLarge);
    } else doc = next(cls, pools[cls]);
    const out = emit(doc);
    // The claims it mounts come first, under the same occurrence number, so they resolve.
    for (const claim of doc.claimDocs) {
      while (claim && claim.count < doc.count) yield emit(claim);
    }
    yield out;
  }
}

/**
 * Streams of the given document counts (prefixes of one sequence) and, with `bytes`, one more of at least that size.
 * Returns { streams: [{ n, text, byClass }], sources, dropped }.
 */
export function buildCandidateHeavyStreams({ root, corpus, counts, bytes }) {
  const files = sourceFiles(root, corpus);
  const { docs, dropped } = loadSources(files);
  const sequence = documentSequence(docs);
  const largest = Math.max(...counts);
  const pieces = [];
  const byClassAt = new Map();
  const byClass = {};
  let size = 0;
  const wanted = new Set(counts);
  while (pieces.length < largest || (bytes && size < bytes)) {
    const { doc, text } = sequence.next().value;
    pieces.push(text);
    const length = Buffer.byteLength(text);
    size += length;
    byClass[doc.cls] = (byClass[doc.cls] ?? 0) + length;
    if (wanted.has(pieces.length)) byClassAt.set(pieces.length, { ...byClass });
  }
  const streams = counts.map((n) => ({ n, text: pieces.slice(0, n).join(""), byClass: byClassAt.get(n) }));
  if (bytes) streams.push({ n: pieces.length, text: pieces.join(""), byClass: { ...byClass }, big: true });
  return { streams, files, documents: docs.length, dropped };
}
