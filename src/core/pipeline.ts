/**
 * reader → rules → writer. Rules run in order; each sees the stream as the rules before it left it.
 * The core does no I/O: bytes in, bytes and records out.
 */
import { FixStorageError } from "./errors.js";
import { ManifestStream, type ParsedDocument } from "./manifest.js";
import type { ChangeRecord, Finding } from "./records.js";
import { type ReleaseIdentity, type ReleaseInputs, resolveRelease } from "./release.js";
import type { PlannedEdit, RuleContext, RulePlan } from "../rules/rule.js";
import { YamlEditError } from "./yaml-editor.js";

/** One step of the pipeline: a rule bound to its options, or a later check such as the live-state guard. */
export interface Stage {
  name: string;
  plan(context: RuleContext): RulePlan;
}

export interface PipelineResult {
  output: string;
  changes: ChangeRecord[];
  findings: Finding[];
  /** Documents in the stream, and the ones whose bytes changed. */
  documents: number;
  edited: ParsedDocument[];
  release: ReleaseIdentity | undefined;
}

export function runPipeline(input: string, stages: readonly Stage[], release: ReleaseInputs): PipelineResult {
  const stream = new ManifestStream(input);
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
    findings.push(...plan.findings);
    for (const edit of plan.edits) changes.push(applyEdit(stage.name, edit));
  }
  const edited = stream.parsedDocuments().filter((doc) => doc.edited);
  return { output: stream.output(), changes, findings, documents: stream.raw.length, edited, release: identity };
}

function applyEdit(rule: string, edit: PlannedEdit): ChangeRecord {
  const { object, op, path, value, reason } = edit;
  const ref = object.ref();
  const before = object.get(path);
  const target = [...object.base, ...path];
  try {
    if (op === "delete") object.doc.editor.delete(target);
    else if (op === "append") object.doc.editor.append(target, value ?? null);
    else object.doc.editor.set(target, value ?? null);
  } catch (cause) {
    if (cause instanceof YamlEditError) {
      throw new FixStorageError(`${rule}: ${cause.message}`, {
        document: ref.document,
        ...(ref.source !== undefined && { source: ref.source }),
        line: object.doc.raw.line,
      });
    }
    throw cause;
  }
  return { rule, object: ref, op, path, before, after: op === "delete" ? undefined : value, reason };
}
