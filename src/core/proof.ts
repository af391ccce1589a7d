/**
 * The run-time proof: before anything is written, each edited document is read back and compared with its original
 * object with the change records applied, under YAML 1.2 and under YAML 1.1 (Kubernetes reads 1.1). Any difference
 * is an editor bug: it becomes an error, so it can never reach a cluster. Only edited documents pay for it.
 */
import { isDeepStrictEqual } from "node:util";
import { applyRecordShared } from "./apply-record.js";
import { endReadingKept } from "./document-end.js";
import { FixStorageError } from "./errors.js";
import type { ParsedDocument } from "./manifest.js";
import { isRecord, sameData } from "./plain-data.js";
import type { ChangeRecord } from "./records.js";
import { mayHoldSeveralDocuments, splitStream } from "./stream.js";
import { fastScan, fastScanBothVersions } from "./fast-scan.js";
import { readDocument } from "./yaml-aliases.js";
import { formatPath, isPrefix, type Path } from "./yaml-path.js";

const VERSIONS = ["1.2", "1.1"] as const;
const YAML11_LINE_BREAKS = ["\u0085", "\u2028", "\u2029"];

function count(text: string, char: string): number {
  let found = 0;
  for (let at = text.indexOf(char); at !== -1; at = text.indexOf(char, at + 1)) found++;
  return found;
}

/** Throws a FixStorageError naming the document, the rule and the path when an edited document reads wrong. */
export function proveEdits(edited: readonly ParsedDocument[], changes: readonly ChangeRecord[]): void {
  const byDocument = new Map<number, ChangeRecord[]>();
  for (const change of changes) {
    const list = byDocument.get(change.object.document);
    if (list) list.push(change);
    else byDocument.set(change.object.document, [change]);
  }
  for (const doc of edited) proveDocument(doc, byDocument.get(doc.raw.index) ?? []);
}

function proveDocument(doc: ParsedDocument, records: readonly ChangeRecord[]): void {
  const fail = (detail: string, path?: Path) => {
    const rules = rulesFor(records, path);
    const source = doc.rawText === "" ? undefined : sourceOf(records);
    return new FixStorageError(
      `internal error: the edited document does not read as the input plus the recorded edits (${detail}${
        rules.length > 0 ? `; rule ${rules.join(", ")}` : ""
      }); nothing was written`,
      { document: doc.raw.index, ...(source !== undefined && { source }), line: doc.raw.line },
    );
  };
  const text = doc.editor.text;
  if (mayHoldSeveralDocuments(text) && splitStream(text).length !== 1) throw fail("the edit split the document in two");
  // The yaml package reads U+0085, U+2028 and U+2029 as text in either version; go-yaml (YAML 1.1) breaks lines there.
  for (const lineBreak of YAML11_LINE_BREAKS) {
    if (text.includes(lineBreak) && count(text, lineBreak) > count(doc.rawText, lineBreak)) {
      throw fail(`the edit wrote U+${lineBreak.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")} raw, a line break to YAML 1.1 readers`);
    }
  }
  // Helm's split drops the line breaks that end a document, and with them a last block scalar's: the pipeline leaves
  // a document as found where edits would change that, so this only catches what got past it.
  const edits = records.map((record) => ({ op: record.op, path: absolutePath(record), after: record.after }));
  if (!endReadingKept(doc.rawText, text, edits, doc.terminalBlocks)) {
    throw fail("the block scalar the document ends with reads otherwise where Helm's split cuts the document");
  }
  // Read from the text alone: the editor's own data is what the records say, so it cannot be the witness.
  const both = fastScanBothVersions(text);
  for (const version of VERSIONS) {
    // Original and edited text each read alike in both versions: the YAML 1.1 comparison is the 1.2 one again.
    if (version === "1.1" && doc.originalReadsAlikeIn11 && "value" in both && both.sameIn11) continue;
    const before = version === "1.2" ? { value: doc.original } : read(doc.rawText, version);
    if (before.error !== undefined) continue; // unreadable before the edit in this version: nothing to compare
    const after = !("value" in both)
      ? readDocument(text, version)
      : version === "1.2" || both.sameIn11
        ? { value: both.value }
        : read(text, version);
    if (after.error !== undefined) throw fail(`YAML ${version} reader: ${after.error}`);
    // Path-copying: the expected value shares what no record touches with the original, and never changes it.
    let expected: unknown = before.value;
    try {
      for (const record of records) expected = applyAt(expected, record);
    } catch (cause) {
      throw fail(`YAML ${version}: ${(cause as Error).message}`, records[0] ? absolutePath(records[0]) : undefined);
    }
    if (sameData(expected, after.value)) continue;
    const path = firstDifference(expected, after.value, []) ?? [];
    throw fail(`YAML ${version} reading differs at ${formatPath(path)}`, path);
  }
}

/** A document read as data under one YAML version: by fast-scan when it can, else by the full parser. */
function read(text: string, version: "1.1" | "1.2"): { value: unknown; error?: string } {
  const fast = fastScan(text, version);
  return "value" in fast ? fast : readDocument(text, version);
}

/** Records address paths inside their object; an item of a `kind: List` sits at items[n] of the document. */
function absolutePath(record: ChangeRecord): Path {
  return record.object.item !== undefined ? ["items", record.object.item, ...record.path] : record.path;
}

function applyAt(document: unknown, record: ChangeRecord): unknown {
  return applyRecordShared(document, { op: record.op, path: absolutePath(record), after: record.after });
}

/** The rules whose records touch `path` (all of the document's rules when none does, or no path is known). */
function rulesFor(records: readonly ChangeRecord[], path: Path | undefined): string[] {
  const all = [...new Set(records.map((record) => record.rule))];
  if (!path) return all;
  const touching = records.filter((record) => {
    const at = absolutePath(record);
    return isPrefix(at, path) || isPrefix(path, at);
  });
  return touching.length > 0 ? [...new Set(touching.map((record) => record.rule))] : all;
}

function sourceOf(records: readonly ChangeRecord[]): string | undefined {
  return records.find((record) => record.object.source !== undefined)?.object.source;
}

/** The first path at which two plain values differ, or undefined when they are equal. */
export function firstDifference(expected: unknown, actual: unknown, path: Path): Path | undefined {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
      const found = firstDifference(expected[i], actual[i], [...path, i]);
      if (found) return found;
    }
    return undefined;
  }
  if (isRecord(expected) && isRecord(actual) && Object.getPrototypeOf(expected) === Object.getPrototypeOf(actual)) {
    for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      if (!Object.hasOwn(actual, key) || !Object.hasOwn(expected, key)) return [...path, key];
      const found = firstDifference(expected[key], actual[key], [...path, key]);
      if (found) return found;
    }
    return undefined;
  }
  return isDeepStrictEqual(expected, actual) ? undefined : path;
}
