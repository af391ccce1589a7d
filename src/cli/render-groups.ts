/**
 * `helm template --output-dir DIR` writes one render as one file per template (DIR/<chart>/templates/x.yaml, each
 * document as `---\n# Source: <chart>/templates/x.yaml\n…`). The rules need the whole render at once (a CronJob's
 * claim is created in another file; a Deployment's claim is rendered in another), so check and diff run such files
 * as one stream, then show each change and finding in its own file, as if each had been read alone.
 */
import { describeError, FixStorageError } from "../core/errors.js";
import type { ParsedDocument } from "../core/manifest.js";
import type { ChangeRecord, Finding, ObjectRef } from "../core/records.js";
import { countNewlines, splitStreamBytes } from "../core/stream.js";
import type { FixResult } from "../fix-stream.js";
import type { Input } from "./inputs.js";

/**
 * The render a file of a directory belongs to, when Helm's --output-dir wrote it: its path ends with its own
 * # Source (`<chart>/templates/x.yaml`), whichever directory was given (`out`, `out/<chart>`, or one below). The
 * render is the chart's directory: `helm template a --output-dir out` and `helm template b --output-dir out` are two.
 */
export function helmOutputDirRender(filePath: string, firstLines: string): string | undefined {
  const path = filePath.split(/[\\/]/).join("/");
  const match = /^---[ \t]*\r?\n# Source: ([^\r\n]+)\r?\n/.exec(firstLines);
  const source = match?.[1];
  if (source === undefined || !source.includes("/") || source.startsWith("/") || source.split("/").includes("..")) return undefined;
  if (path !== source && !path.endsWith(`/${source}`)) return undefined;
  return path.slice(0, path.length - source.length) + source.slice(0, source.indexOf("/"));
}

/** How messages name a render: its chart's directory. */
export function renderLabel(render: string): string {
  return `${render}/ (one render)`;
}

interface Part {
  input: Input;
  /** The part's first document in the joined stream, minus one; and its first line, minus one. */
  documentsBefore: number;
  linesBefore: number;
  documents: number;
}

/** Whether the joined stream's document `document` (1-based) is one of the part's. */
function holds(part: Part, document: number): boolean {
  return document > part.documentsBefore && document <= part.documentsBefore + part.documents;
}

/** The files of one render as one stream; undefined when their documents do not line up with the files. */
export function joinRender(inputs: readonly Input[], label: string): { input: Input; parts: Part[] } | undefined {
  const parts: Part[] = [];
  let documentsBefore = 0;
  let linesBefore = 0;
  const texts: string[] = [];
  for (const input of inputs) {
    const text = input.text;
    if (!text.endsWith("\n")) return undefined;
    texts.push(text);
    parts.push({ input, documentsBefore, linesBefore, documents: input.documents.length });
    documentsBefore += input.documents.length;
    linesBefore += countNewlines(text);
  }
  const joined = texts.join("");
  const split = splitStreamBytes(Buffer.from(joined, "utf8"));
  if (split.length !== documentsBefore) return undefined;
  // Lines as in each document's own file, so that every message (a parse error, a merge key's place) names its line.
  let part = 0;
  const documents = split.map((doc, at) => {
    while (part + 1 < parts.length && (parts[part + 1] as Part).documentsBefore <= at) part++;
    return { ...doc, line: doc.line - (parts[part] as Part).linesBefore };
  });
  return { input: { label, documents, text: joined }, parts };
}

/** The result of the joined stream as each file's own: its documents, changes, findings and output. */
export function splitRenderResult(result: FixResult, parts: readonly Part[]): Array<{ input: Input; result: FixResult }> {
  const outputs = outputByDocument(result);
  return parts.map((part, index) => {
    const own = (ref: ObjectRef | undefined) => (ref === undefined ? index === 0 : holds(part, ref.document));
    const rebase = (ref: ObjectRef): ObjectRef => ({ ...ref, document: ref.document - part.documentsBefore });
    const changes: ChangeRecord[] = result.changes.filter((change) => own(change.object)).map((change) => ({ ...change, object: rebase(change.object) }));
    const findings: Finding[] = result.findings
      .filter((finding) => own(finding.object))
      .map((finding) => (finding.object ? { ...finding, object: rebase(finding.object) } : finding));
    const mine = outputs.slice(part.documentsBefore, part.documentsBefore + part.documents);
    const edited = result.edited.filter((doc) => holds(part, doc.raw.index)).map((doc) => rebasedDocument(doc, part));
    const output = mine.join("");
    return {
      input: part.input,
      result: { ...result, output, outputParts: mine, changes, findings, documents: part.documents, edited },
    };
  });
}

function outputByDocument(result: FixResult): string[] {
  const decoder = new TextDecoder();
  return Array.from(result.outputParts, (part) => (typeof part === "string" ? part : decoder.decode(part)));
}

/** The document as the diff reads it (its first line, text and edited text), numbered within its own file. */
function rebasedDocument(doc: ParsedDocument, part: Part): ParsedDocument {
  const raw = { ...doc.raw, index: doc.raw.index - part.documentsBefore };
  return Object.create(doc, { raw: { value: raw } }) as ParsedDocument;
}

/** An error of the joined stream, named in the file that holds its document, else as the render's. */
export function errorInPart(error: unknown, parts: readonly Part[], label: string): unknown {
  if (!(error instanceof FixStorageError)) return error;
  const document = error.location.document;
  const part = document === undefined ? undefined : parts.find((candidate) => holds(candidate, document));
  if (!part || document === undefined) return new FixStorageError(`${label}: ${describeError(error)}`);
  // Lines are the file's already (joinRender).
  const own = new FixStorageError(error.message, { ...error.location, document: document - part.documentsBefore });
  return new FixStorageError(`${part.input.label}: ${describeError(own)}`);
}
