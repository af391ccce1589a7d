/**
 * The differential oracle for one generated case: the output, read back under YAML 1.2 and 1.1, equals the generated
 * object with the change records applied; the records applied one at a time by a fresh editor give the same bytes
 * (the pipeline lets independent splices wait and joins them); a second run changes nothing. (The run-time proof
 * checks the same thing against the parser's reading of the input; this checks against the object the generator
 * meant, independently.) With `spooled`, the same case after two small documents, spooled (see src/core/stream.ts),
 * must give what that stream gives held in memory.
 */
import { isDeepStrictEqual } from "node:util";
import { parseAllDocuments } from "yaml";
import { applyRecords } from "../../src/core/apply-record.js";
import { describeError } from "../../src/core/errors.js";
import type { ChangeRecord } from "../../src/core/records.js";
import { splitStreamBytes } from "../../src/core/stream.js";
import { YamlDocumentEditor } from "../../src/core/yaml-editor.js";
import { type FixOptions, fixStream } from "../../src/fix-stream.js";
import { ArraySpool } from "../helpers.js";
import type { GeneratedCase } from "./generator.js";

export interface CaseOutcome {
  problems: string[];
  output?: string;
  changes: ChangeRecord[];
}

function readAll(text: string, version: "1.1" | "1.2"): unknown[] {
  const docs = parseAllDocuments(text, { version, merge: true, uniqueKeys: false });
  if (!Array.isArray(docs)) return [];
  for (const doc of docs) if (doc.errors.length > 0) throw new Error(`YAML ${version}: ${doc.errors[0]?.message}`);
  return docs.map((doc) => doc.toJS());
}

export async function checkCase(generated: GeneratedCase, options: FixOptions, { spooled = true } = {}): Promise<CaseOutcome> {
  const problems: string[] = [];
  for (const version of ["1.2", "1.1"] as const) {
    const [input] = readAll(generated.text, version);
    if (!isDeepStrictEqual(input, generated.object)) return { problems: [`generator: the input does not read as its object in YAML ${version}`], changes: [] };
  }
  let first: Awaited<ReturnType<typeof fixStream>>;
  try {
    first = await fixStream(generated.text, options);
  } catch (error) {
    return { problems: [`refused: ${describeError(error)}`], changes: [] };
  }
  const records = first.changes.map((change) => ({
    op: change.op,
    path: change.object.item !== undefined ? ["items", change.object.item, ...change.path] : change.path,
    after: change.after,
  }));
  const expected = applyRecords(generated.object, records);
  if (records.length > 0) {
    try {
      const oneByOne = new YamlDocumentEditor(generated.text);
      for (const { op, path, after } of records) {
        oneByOne.apply({ op, path, ...(op !== "delete" && { value: after as never }) });
        void oneByOne.text;
      }
      if (oneByOne.text !== first.output) problems.push(`one record at a time writes ${JSON.stringify(oneByOne.text)}`);
    } catch (error) {
      problems.push(`one record at a time: ${(error as Error).message}`);
    }
  }
  for (const version of ["1.2", "1.1"] as const) {
    try {
      const read = readAll(first.output, version);
      if (read.length !== 1) problems.push(`YAML ${version}: ${read.length} documents in the output`);
      else if (!isDeepStrictEqual(read[0], expected)) problems.push(`YAML ${version}: reads ${JSON.stringify(read[0])}, expected ${JSON.stringify(expected)}`);
    } catch (error) {
      problems.push(`output unreadable: ${(error as Error).message}`);
    }
  }
  const differs = spooled ? await spooledDiffers(generated.text, options) : undefined;
  if (differs !== undefined) problems.push(differs);
  try {
    const second = await fixStream(first.output, options);
    if (second.changes.length > 0 || second.output !== first.output) {
      problems.push(`a second run changes ${second.changes.map((change) => `${change.rule} ${change.path.join(".")}`).join(", ")}`);
    }
  } catch (error) {
    problems.push(`a second run refused: ${describeError(error)}`);
  }
  return { problems, output: first.output, changes: first.changes };
}

/** Two documents no rule reads, held; the case after them is spooled. */
const HELD = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held-a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held-b\n";

/** How the case, spooled after HELD, differs from the same stream held in memory; undefined when it does not. */
async function spooledDiffers(text: string, options: FixOptions): Promise<string | undefined> {
  const stream = HELD + (text.startsWith("---") ? text : `---\n${text}`);
  const outcome = async (input: Parameters<typeof fixStream>[0], keepSpooledReading?: number) => {
    try {
      const { output, changes, findings } = await fixStream(input, keepSpooledReading === undefined ? options : { ...options, keepSpooledReading });
      return { output, changes, findings };
    } catch (error) {
      return { refused: describeError(error) };
    }
  };
  const held = await outcome(stream);
  const documents = splitStreamBytes(new TextEncoder().encode(stream), { spool: () => new ArraySpool(), holdBytes: 0 });
  // With each rule's reading kept for the next (the default), and with each rule reading the spool again.
  for (const keepSpooledReading of [undefined, 0]) {
    const spooled = await outcome(documents, keepSpooledReading);
    if (!isDeepStrictEqual(held, spooled)) return `spooled (keepSpooledReading ${keepSpooledReading ?? "default"}), the run differs: ${JSON.stringify(spooled).slice(0, 400)}`;
  }
  return undefined;
}
