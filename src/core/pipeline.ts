/**
 * reader → rules → writer. Rules run in order; each sees the stream as the rules before it left it.
 * The core does no I/O: bytes in, bytes and records out.
 */
import { FixStorageError } from "./errors.js";
import { isRecord, joinParts, type KubeObject, ManifestStream, type ParsedDocument } from "./manifest.js";
import type { ChangeRecord, Finding } from "./records.js";
import { type RawDocument, sourceComment } from "./stream.js";
import { type ReleaseIdentity, type ReleaseInputs, resolveRelease } from "./release.js";
import type { PlannedEdit, RuleContext, Stage } from "./stage.js";
import { endReadingKept, mayEndInBlockScalar } from "./document-end.js";
import { type EditorCheckpoint, type EditStep, YamlEditError, YamlEditRefused } from "./yaml-editor.js";

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
  const blockScalars = new Set<ParsedDocument>();
  /** Each edited document as the stages found it, so that a doubt found later can undo every edit. */
  const asRendered = new Map<ParsedDocument, EditorCheckpoint>();
  for (const stage of stages) {
    const plan = stage.plan(context);
    // Appended one by one: a spread of a very large plan would overflow the stack.
    for (const finding of plan.findings) findings.push(finding);
    for (const change of applyEdits(stage.name, plan.edits, findings, stream.doubt(), blockScalars, asRendered)) changes.push(change);
    stream.releaseSpooled();
  }
  // A document the rules may read otherwise than Kubernetes, read first by a later stage, stops the edits of earlier
  // stages too: the outcome must not depend on which rule read it first (the live guard, last, could not pin
  // templates that earlier rules changed).
  const doubt = stream.doubt();
  if (doubt !== undefined && changes.length > 0) {
    for (const [doc, checkpoint] of asRendered) doc.editor.restore(checkpoint);
    findings.push({
      rule: "reader",
      severity: "warning",
      message: `the ${changes.length === 1 ? "change" : `${changes.length} changes`} that rules made before a later rule read the document below ${changes.length === 1 ? "is" : "are"} undone, so nothing is edited: ${doubt}`,
    });
    changes.length = 0;
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
  for (const raw of stream.unreadDocuments()) {
    findings.push({
      rule: "reader",
      severity: "warning",
      message: `document ${raw.index} (line ${raw.line}) follows a \`...\` end marker with no \`---\` line before it: Helm and kubectl read only the first document between \`---\` lines, so Kubernetes never reads it, and fix-storage leaves it as it is (start it with \`---\`)`,
    });
  }
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
function applyEdits(
  stage: string,
  edits: readonly PlannedEdit[],
  findings: Finding[],
  doubt: string | undefined,
  /** Documents that hold a block scalar, or were given one by an earlier stage. */
  blockScalars: Set<ParsedDocument>,
  asRendered: Map<ParsedDocument, EditorCheckpoint>,
): ChangeRecord[] {
  const records: Array<{ record: ChangeRecord; doc: ParsedDocument; step: EditStep }> = [];
  const refused = new Set<string>();
  /** Each document this stage edits, as the stages before left it: a refused step puts the whole document back. */
  const before = new Map<ParsedDocument, { text: string | undefined; checkpoint: EditorCheckpoint }>();
  const putBack = new Set<ParsedDocument>();
  const leaveAsFound = (doc: ParsedDocument, object: KubeObject, why: string) => {
    doc.editor.restore((before.get(doc) as { checkpoint: EditorCheckpoint }).checkpoint);
    putBack.add(doc);
    // A document is edited whole or not at all: the stage's edits to its other objects (items of a List) go too.
    const others = [...new Set(edits.filter((edit) => edit.object.doc === doc && edit.object.item !== object.item).map((edit) => String(edit.object)))];
    const also =
      others.length === 0
        ? ""
        : `; so are the other ${others.length === 1 ? "object" : `${others.length} objects`} of its document that ${stage} would edit (${others.slice(0, 5).join(", ")}${others.length > 5 ? `, and ${others.length - 5} more` : ""})`;
    findings.push({ rule: stage, severity: "warning", message: `${object}: left as ${stage} found it: ${why}${also}`, object: object.ref() });
  };
  for (const edit of edits) {
    const { object, op, path, value, reason } = edit;
    if (putBack.has(object.doc)) continue;
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
    if (!before.has(object.doc)) {
      if (mayEndInBlockScalar(object.doc.rawText)) blockScalars.add(object.doc);
      // The text only where the end check below may need it: getting it puts waiting splices in.
      before.set(object.doc, { text: blockScalars.has(object.doc) ? editor.text : undefined, checkpoint: editor.checkpoint() });
      if (!asRendered.has(object.doc)) asRendered.set(object.doc, (before.get(object.doc) as { checkpoint: EditorCheckpoint }).checkpoint);
    }
    const was = op === "append" ? undefined : editor.valueAt(step.path);
    try {
      guarded(stage, edit, () => editor.apply(step));
    } catch (cause) {
      if (!(cause instanceof YamlEditRefused)) throw cause;
      leaveAsFound(object.doc, object, cause.message);
      continue;
    }
    const record: ChangeRecord = { rule: stage, object: object.ref(), op, path, before: was, after: op === "delete" ? undefined : value, reason };
    records.push({ record, doc: object.doc, step });
  }
  // Each document's steps, gathered once: a filter of every record per document costs a large stream its square.
  const stepsOf = new Map<ParsedDocument, Array<{ op: EditStep["op"]; path: EditStep["path"]; after: EditStep["value"] }>>();
  for (const { doc, step } of records) {
    const steps = stepsOf.get(doc) ?? [];
    steps.push({ op: step.op, path: step.path, after: step.value });
    stepsOf.set(doc, steps);
  }
  for (const [doc, { text }] of before) {
    if (putBack.has(doc)) continue;
    const steps = stepsOf.get(doc) ?? [];
    // A multi-line string may be written as a block scalar.
    if (steps.some((step) => JSON.stringify(step.after ?? null).includes("\\n"))) blockScalars.add(doc);
    if (!blockScalars.has(doc)) continue;
    // Without a block scalar before the stage, the text read as SplitManifests cuts it is the data the stage began with.
    const data = (before.get(doc) as { checkpoint: EditorCheckpoint }).checkpoint.data;
    const start = text ?? (data === undefined ? undefined : { value: data.value });
    if (start !== undefined && endReadingKept(start, doc.editor.text, steps, doc.terminalBlocks)) continue;
    const [object] = doc.objects();
    if (object) {
      leaveAsFound(
        doc,
        object,
        "the edits would change the last block scalar of the document as Helm reads it when it cuts the stream at each `---` (releaseutil.SplitManifests, used for hooks), which drops the line breaks at the document's end; in the chart, a key after that block scalar (or the block scalar moved up) lets the edit through",
      );
    }
  }
  return records.filter(({ doc }) => !putBack.has(doc)).map(({ record }) => record);
}

function guarded(stage: string, edit: PlannedEdit, apply: () => void): void {
  try {
    apply();
  } catch (cause) {
    // A refusal is the caller's to handle (the document is left as the stage found it); anything else is a bug.
    if (!(cause instanceof YamlEditError) || cause instanceof YamlEditRefused) throw cause;
    const ref = edit.object.ref();
    throw new FixStorageError(`${stage}: ${cause.message}`, {
      document: ref.document,
      ...(ref.source !== undefined && { source: ref.source }),
      line: edit.object.doc.raw.line,
    });
  }
}
