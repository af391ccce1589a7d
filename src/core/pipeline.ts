/**
 * reader → rules → writer. Rules run in order; each sees the stream as the rules before it left it.
 * The core does no I/O: bytes in, bytes and records out.
 */
import { FixStorageError } from "./errors.js";
import { isRecord, joinParts, ManifestStream, type ParsedDocument } from "./manifest.js";
import type { ChangeRecord, Finding } from "./records.js";
import { type RawDocument, sourceComment } from "./stream.js";
import { type ReleaseIdentity, type ReleaseInputs, resolveRelease } from "./release.js";
import type { PlannedEdit, RuleContext, Stage } from "./stage.js";
import { type EditStep, YamlEditError } from "./yaml-editor.js";

export type { Stage };

export interface PipelineResult {
  /** The output stream (joined on first read). */
  readonly output: string;
  /**
   * The output document by document: joined, it is `output`. A spooled document comes as bytes valid only until the
   * next part is asked for (see RawDocument.bytes): copy a part to keep it.
   */
  outputParts: Iterable<string | Uint8Array>;
  changes: ChangeRecord[];
  findings: Finding[];
  /** Documents in the stream, and the ones whose bytes changed. */
  documents: number;
  edited: ParsedDocument[];
  release: ReleaseIdentity | undefined;
}

export function runPipeline(
  input: string | readonly RawDocument[],
  stages: readonly Stage[],
  release: ReleaseInputs,
  keepSpooledReading?: number,
): PipelineResult {
  const stream = new ManifestStream(input, keepSpooledReading);
  let identity: ReleaseIdentity | undefined;
  const context: RuleContext = {
    stream,
    release: () => {
      identity ??= resolveRelease(release, stream);
      return identity;
    },
  };
  const changes: ChangeRecord[] = [];
  const findings: Finding[] = [];
  for (const stage of stages) {
    const plan = stage.plan(context);
    // Appended one by one: a spread of a very large plan would overflow the stack.
    for (const finding of plan.findings) findings.push(finding);
    for (const change of applyEdits(stage.name, plan.edits, findings, stream.doubt())) changes.push(change);
    stream.releaseSpooled();
  }
  // A document the rules may read otherwise than Kubernetes is said so even where no edit was left out: a rule's
  // findings about it, or its silence, may be wrong too.
  for (const doc of stream.parsedDocuments()) {
    if (doc.doubtful === undefined) continue;
    const [object] = doc.objects();
    findings.push({
      rule: "reader",
      severity: "warning",
      message: `${doc.doubtful}; nothing rules read from it is certain, and no edit follows it`,
      ...(object && { object: object.ref() }),
    });
  }
  for (const doc of stream.parsedDocuments()) findings.push(...nestedLists(doc));
  const edited = stream.parsedDocuments().filter((doc) => doc.edited);
  const outputParts = stream.outputParts();
  let output: string | undefined;
  return {
    get output() {
      output ??= joinParts(outputParts);
      return output;
    },
    outputParts,
    changes,
    findings,
    documents: stream.raw.length,
    edited,
    release: identity,
  };
}

/**
 * Items of a List that are Lists themselves: the rules read one level of items, so the objects inside are never
 * looked at. Said, so that silence is not taken for "nothing to fix".
 */
function nestedLists(doc: ParsedDocument): Finding[] {
  const root = doc.value();
  if (!isRecord(root) || typeof root.kind !== "string" || !root.kind.endsWith("List") || !Array.isArray(root.items)) return [];
  const found: Finding[] = [];
  root.items.forEach((item, index) => {
    if (!isRecord(item) || typeof item.kind !== "string" || !item.kind.endsWith("List") || !Array.isArray(item.items)) return;
    const source = sourceComment(doc.rawText);
    found.push({
      rule: "reader",
      severity: "warning",
      message: `document ${doc.raw.index}${source ? ` (${source})` : ""}: items[${index}] is a ${item.kind} inside a ${root.kind}; fix-storage reads one level of items, so the ${item.items.length === 1 ? "object" : `${item.items.length} objects`} in it ${item.items.length === 1 ? "is" : "are"} left as rendered (list them as items of their own)`,
    });
  });
  return found;
}

/**
 * Applies a stage's edits in order. The editor keeps each document's data current at once and puts splices into the
 * text only when it must (see yaml-editor.ts), so a document that several rules edit is usually parsed once.
 */
function applyEdits(stage: string, edits: readonly PlannedEdit[], findings: Finding[], doubt: string | undefined): ChangeRecord[] {
  const records: ChangeRecord[] = [];
  const refused = new Set<string>();
  for (const edit of edits) {
    const { object, op, path, value, reason } = edit;
    // An object no edit may touch: none of the stage's edits to it is made, and one finding says why. A document the
    // rules may read otherwise than Kubernetes stops every edit: the plan may rest on a fact read from it.
    const refusal = object.doc.editRefusal(object.item) ?? (doubt === undefined ? undefined : `left as rendered: ${doubt}`);
    if (refusal !== undefined) {
      const key = `${object.doc.raw.index}/${object.item ?? ""}`;
      if (!refused.has(key)) findings.push({ rule: stage, severity: "warning", message: `${object}: ${refusal}`, object: object.ref() });
      refused.add(key);
      continue;
    }
    const step: EditStep = { op, path: [...object.base, ...path], ...(value !== undefined && { value }) };
    const editor = object.doc.editor;
    const before = op === "append" ? undefined : editor.valueAt(step.path);
    guarded(stage, edit, () => editor.apply(step));
    records.push({ rule: stage, object: object.ref(), op, path, before, after: op === "delete" ? undefined : value, reason });
  }
  return records;
}

function guarded(stage: string, edit: PlannedEdit, apply: () => void): void {
  try {
    apply();
  } catch (cause) {
    if (!(cause instanceof YamlEditError)) throw cause;
    const ref = edit.object.ref();
    throw new FixStorageError(`${stage}: ${cause.message}`, {
      document: ref.document,
      ...(ref.source !== undefined && { source: ref.source }),
      line: edit.object.doc.raw.line,
    });
  }
}
