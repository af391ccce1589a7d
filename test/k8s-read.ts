/**
 * What Kubernetes reads: `k8s-read` (../shared/tools/k8s-read) reads a stream as Helm and kubectl do (split on `---`,
 * then sigs.k8s.io/yaml, which is go-yaml v2 and YAML 1.1) and prints each document as one line of JSON. Tests use it
 * as the final judge. Found on PATH, in /usr/local/bin, or built once into node_modules/.cache from Debian's Go
 * packages; tests that need it skip with a message when it cannot be had.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { applyRecords } from "../src/core/apply-record.js";
import { firstDifference } from "../src/core/proof.js";
import type { ChangeRecord } from "../src/core/records.js";
import { splitStream } from "../src/core/stream.js";
import { formatPath, valueAtPath } from "../src/core/yaml-path.js";
import { ROOT } from "./helpers.js";

const TOOL_DIR = join(ROOT, "..", "shared", "tools", "k8s-read");
const CACHED = join(ROOT, "node_modules", ".cache", "k8s-read", "k8s-read");

function locate(): { path?: string; why?: string } {
  for (const candidate of [process.env.K8S_READ, "/usr/local/bin/k8s-read", CACHED]) {
    if (candidate && existsSync(candidate)) return { path: candidate };
  }
  if (!existsSync(join(TOOL_DIR, "build.sh"))) return { why: `${TOOL_DIR} is absent` };
  const hasGo = spawnSync("go", ["version"], { encoding: "utf8" }).status === 0;
  if (!hasGo || !existsSync("/usr/share/gocode/src/sigs.k8s.io/yaml")) {
    return { why: "Go or Debian's golang-k8s-sigs-yaml-dev is not installed (.ci/run installs both)" };
  }
  mkdirSync(join(CACHED, ".."), { recursive: true });
  const build = spawnSync("bash", [join(TOOL_DIR, "build.sh"), CACHED], { encoding: "utf8" });
  return build.status === 0 && existsSync(CACHED) ? { path: CACHED } : { why: `building it failed: ${build.stderr.trim()}` };
}

const found = locate();
/** The reader's path, or undefined (tests then skip). */
export const K8S_READ = found.path;
if (!K8S_READ) console.warn(`skipping k8s-read checks: ${found.why}`);

export interface K8sReading {
  /** One entry per document: its data, or an Error for a document the reader refused. */
  documents: Array<unknown | Error>;
}

/** Reads a stream as Kubernetes does. */
export function k8sRead(stream: string): K8sReading {
  if (!K8S_READ) throw new Error("k8s-read is not available");
  const run = spawnSync(K8S_READ, [], { input: stream, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  if (run.status !== 0 && run.status !== 3) throw new Error(`k8s-read failed: ${run.stderr}`);
  const documents = run.stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => (line.startsWith("ERROR ") ? new Error(line) : JSON.parse(line)));
  return { documents };
}

/**
 * What Kubernetes reads in `output` equals what it read in `input` with the change records applied, document by
 * document. Returns the differences, described (empty when none).
 */
export function k8sDifferences(
  input: string,
  output: string,
  changes: readonly ChangeRecord[],
  /** `split`: read the streams as they are, each document cut where Helm's split cuts it (see isolated). */
  how: "isolated" | "split" = "isolated",
): string[] {
  const prepare = how === "split" ? (stream: string) => stream : isolated;
  const before = k8sRead(prepare(input)).documents;
  const after = k8sRead(prepare(output)).documents;
  if (before.length !== after.length) return [`k8s-read sees ${before.length} documents in the input, ${after.length} in the output`];
  const problems: string[] = [];
  for (let i = 0; i < before.length; i++) {
    const was = before[i];
    const now = after[i];
    if (now instanceof Error) {
      problems.push(`document ${i + 1}: ${now.message}`);
      continue;
    }
    if (was instanceof Error) continue;
    const records = changes.filter((change) => change.object.document === i + 1);
    const expected = applyRecords(
      was,
      records.map((change) => ({
        op: change.op,
        path: change.object.item !== undefined ? ["items", change.object.item, ...change.path] : change.path,
        after: change.after,
      })),
    );
    const at = firstDifference(sortKeys(expected), sortKeys(now), []);
    if (at) {
      const show = (value: unknown) => JSON.stringify(valueAtPath(value, at)) ?? "nothing";
      problems.push(`document ${i + 1}: at ${formatPath(at)} Kubernetes reads ${show(now)}, expected ${show(expected)}`);
    }
  }
  return problems;
}

/**
 * Each document as Helm's split will see it, one for one with ours. Helm's split (`\s*\n---`) eats the line break that
 * ends a document, and with it the final newline of a block scalar that ends the document, in the input as in the
 * output: a comment line after each document keeps that artefact of splitting out of the comparison.
 */
function isolated(stream: string): string {
  return splitStream(stream)
    .map((doc) => {
      // Comments before a document's `---` make a document of their own for Helm's split: they say nothing, so they go.
      // A byte order mark before them goes too.
      const text = doc.text.replace(/^\uFEFF?(?:[ \t]*(?:#[^\n]*)?\r?\n)*(?=---)/, "");
      const marked = text.startsWith("---") ? text : `---\n${text}`;
      return `${marked}${marked.endsWith("\n") ? "" : "\n"}#\n`;
    })
    .join("");
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
