/**
 * Differential fuzzing of the editor alone: random set, delete and append steps at random places of the generated
 * documents (not only where rules edit), with values that stress the renderer (YAML 1.1 words, line-break characters,
 * multi-line text, nested maps and lists). Oracle: the text reads, in YAML 1.2, 1.1 and k8s-read, as the generated
 * object with the steps applied by the shared applyRecord; and the steps, which the editor splices together where
 * they are independent, give the same bytes as when the text is read (and so spliced) after each one.
 */
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { applyRecords } from "../../src/core/apply-record.js";
import type { ChangeRecord } from "../../src/core/records.js";
import { type EditStep, YamlDocumentEditor } from "../../src/core/yaml-editor.js";
import { K8S_READ, k8sDifferences } from "../k8s-read.js";
import { type Data, generateCase, Random } from "./generator.js";

const RUNS = Math.max(1, Math.floor(Number(process.env.FUZZ_RUNS ?? 1000) / 2));
const SEED = Number(process.env.FUZZ_SEED ?? 20261130) + 7_000_000;

const VALUES: Data[] = [
  "plain",
  "yes",
  "0644",
  "1.0",
  "~",
  "",
  "a: b",
  "- x",
  "#x",
  "keep\u0085me",
  "x\u2028y",
  "line\nbreaks\n",
  "kept\n\n",
  "  lead",
  "tab\tand trailing ",
  "if x\n  then y\n",
  "tab\tinside\n",
  7,
  true,
  null,
  {},
  [],
  { a: "b", "c/d": ["e", { f: "g" }] },
  ["x", "y\nz\n"],
  { m: { n: "o\np\n" } },
];

type Location = { path: Array<string | number>; value: Data };

function locations(value: Data, path: Array<string | number> = []): Location[] {
  const found: Location[] = [{ path, value }];
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) found.push(...locations(item, [...path, i]));
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) found.push(...locations(item, [...path, key]));
  }
  return found;
}

/**
 * Two steps rules make together: two siblings removed, two keys of one missing map set, a map's last key removed and
 * then a step after it.
 */
function randomPair(random: Random, object: Data): EditStep[] {
  const collections = locations(object).filter((place) => place.value !== null && typeof place.value === "object");
  const { path, value } = random.pick(collections);
  const keys: Array<string | number> = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value as object);
  const roll = random.int(3);
  if (roll === 0 && keys.length >= 3) {
    const at = random.int(keys.length - 1);
    const next = keys[typeof keys[at] === "number" ? at : at + 1] as string | number;
    return [{ op: "delete", path: [...path, keys[at] as string | number] }, { op: "delete", path: [...path, next] }];
  }
  if (roll === 1 && !Array.isArray(value)) {
    const map = random.pick(["labels", "annotations", "new"]);
    return [
      { op: "set", path: [...path, map, "a"], value: random.pick(VALUES) as never },
      { op: "set", path: [...path, map, random.pick(["b", "a/b"])], value: random.pick(VALUES) as never },
    ];
  }
  if (keys.length >= 2 && path.length > 0) return [{ op: "delete", path: [...path, keys[keys.length - 1] as string | number] }, randomStep(random, object)];
  return [randomStep(random, object)];
}

function randomStep(random: Random, object: Data): EditStep {
  const places = locations(object).filter((place) => place.path.length > 0);
  const place = random.pick(places);
  const roll = random.int(10);
  if (roll < 3) return { op: "delete", path: place.path };
  if (roll < 5 && Array.isArray(place.value)) return { op: "append", path: place.path, value: random.pick(VALUES) as never };
  if (roll < 8 && place.value !== null && typeof place.value === "object" && !Array.isArray(place.value)) {
    return { op: "set", path: [...place.path, random.pick(["new", "helm.sh/x", "yes", "a b"])], value: random.pick(VALUES) as never };
  }
  return { op: "set", path: place.path, value: random.pick(VALUES) as never };
}

/** The object with the step applied; undefined when the step cannot apply (a set under a scalar, past a list's end). */
function applicable(object: Data, step: EditStep): Data | undefined {
  try {
    return applyRecords(object, [{ op: step.op, path: step.path, after: step.value ?? null }]) as Data;
  } catch {
    return undefined;
  }
}

function read(text: string, version: "1.1" | "1.2"): unknown {
  const doc = parseDocument(text, { version, merge: true, uniqueKeys: false });
  if (doc.errors.length > 0) throw new Error(`YAML ${version}: ${doc.errors[0]?.message}`);
  return doc.toJS();
}

describe(`editor fuzz: ${RUNS} documents from seed ${SEED}, random steps anywhere`, () => {
  const inputs: string[] = [];
  const outputs: string[] = [];
  const changes: ChangeRecord[] = [];

  it("each output reads as the object with the steps applied", { timeout: 0 }, () => {
    const failures: Array<{ seed: number; steps: EditStep[]; problem: string }> = [];
    for (let i = 0; i < RUNS; i++) {
      const seed = SEED + i;
      const random = new Random(seed ^ 0x5bd1e995);
      const generated = generateCase(seed);
      const steps: EditStep[] = [];
      let object: Data = generated.object;
      const editor = new YamlDocumentEditor(generated.text);
      // Reading the text after each step splices it at once: the joined splices must give the same bytes.
      const oneByOne = new YamlDocumentEditor(generated.text);
      try {
        const pending: EditStep[] = [];
        for (let k = 1 + random.int(6); k > 0; k--) {
          if (pending.length === 0 && random.chance(0.3)) pending.push(...randomPair(random, object));
          const step = pending.shift() ?? randomStep(random, object);
          // The document's root stays a map with a kind: a document cannot be emptied.
          if (step.path.length === 1 && step.op === "delete") continue;
          // A pair's second step was chosen before the first was applied: it may no longer have a place to go.
          const next = applicable(object, step);
          if (next === undefined) continue;
          steps.push(step);
          editor.apply(step);
          oneByOne.apply(step);
          void oneByOne.text;
          object = next;
        }
        if (editor.text !== oneByOne.text) throw new Error(`steps applied together wrote ${JSON.stringify(editor.text)}, one by one ${JSON.stringify(oneByOne.text)}`);
        for (const version of ["1.2", "1.1"] as const) {
          const got = read(editor.text, version);
          if (!isDeepStrictEqual(got, object)) throw new Error(`YAML ${version} reads ${JSON.stringify(got)}`);
        }
      } catch (error) {
        failures.push({ seed, steps, problem: (error as Error).message.slice(0, 600) });
        continue;
      }
      const document = inputs.length + 1;
      inputs.push(asDocument(generated.text));
      outputs.push(asDocument(editor.text));
      for (const step of steps) {
        changes.push({ rule: "fuzz", object: { document, kind: "", name: "" }, op: step.op, path: step.path, before: undefined, after: step.value ?? null, reason: "" });
      }
    }
    expect(failures.slice(0, 3), `${failures.length} of ${RUNS} cases failed`).toEqual([]);
  });

  it.skipIf(!K8S_READ)("k8s-read reads every output as its input with the steps applied", { timeout: 0 }, () => {
    expect(inputs.length).toBeGreaterThan(0);
    expect(k8sDifferences(inputs.join(""), outputs.join(""), changes).slice(0, 3)).toEqual([]);
  });
});

function asDocument(text: string): string {
  return text.startsWith("---") ? text : `---${text.includes("\r\n") ? "\r\n" : "\n"}${text}`;
}
