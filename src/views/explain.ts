/** Human-readable views of change records and findings (stderr for --explain, stdout for check). */
import type { ChangeRecord, Finding, ObjectRef } from "../core/records.js";
import { formatPath } from "../core/yaml-editor.js";

export function describeDocument(ref: ObjectRef): string {
  const where = ref.source ? `document ${ref.document} (${ref.source})` : `document ${ref.document}`;
  return ref.item !== undefined ? `${where} item ${ref.item}` : where;
}

/** `StatefulSet monitoring/pushgateway`, as KubeObject prints itself. */
export function objectName(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name || "(unnamed)"}`;
}

export function describeObject(ref: ObjectRef): string {
  return `${describeDocument(ref)} ${objectName(ref)}`;
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** What a change did, without who or why: `removed spec.x (was "y")`. */
export function describeEdit(change: ChangeRecord): string {
  const path = formatPath(change.path);
  return change.op === "delete"
      ? `removed ${path} (was ${short(change.before)})`
      : change.op === "append"
        ? `appended ${short(change.after)} to ${path}`
        : change.before === undefined
          ? `set ${path} = ${short(change.after)}`
          : `changed ${path} from ${short(change.before)} to ${short(change.after)}`;
}

export function explainChange(change: ChangeRecord): string {
  return `${change.rule}: ${describeObject(change.object)}: ${describeEdit(change)}: ${change.reason}`;
}

/** The finding's message without its object's name in front, when it opens with it (the object is named apart). */
export function findingText(finding: Finding): string {
  const name = finding.object && objectName(finding.object);
  return name && finding.message.startsWith(`${name}: `) ? finding.message.slice(name.length + 2) : finding.message;
}

export function explainFinding(finding: Finding): string {
  const object = finding.object;
  // Findings that open with the object's name need only the document in front.
  const where = !object ? "" : finding.message.startsWith(objectName(object)) ? `${describeDocument(object)}: ` : `${describeObject(object)}: `;
  return `${finding.severity}: ${finding.rule}: ${where}${finding.message}`;
}

export function explainAll(changes: readonly ChangeRecord[], findings: readonly Finding[]): string[] {
  return [...changes.map(explainChange), ...findings.map(explainFinding)];
}

export function summaryLine(changes: readonly ChangeRecord[], findings: readonly Finding[], documents: number): string {
  const objects = new Set(changes.map((change) => `${change.object.document}/${change.object.item ?? ""}`)).size;
  return `${changes.length} change${changes.length === 1 ? "" : "s"} in ${objects} object${objects === 1 ? "" : "s"}, ${findings.length} finding${findings.length === 1 ? "" : "s"}, ${documents} document${documents === 1 ? "" : "s"}`;
}
