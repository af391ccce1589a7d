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

const SHORT = 80;

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > SHORT ? `${text.slice(0, SHORT - 3)}...` : text;
}

/** Both sides of a change, each cut around where they first differ, so a long value never shows as equal to its edit. */
function shortPair(before: unknown, after: unknown): [string, string] {
  const a = JSON.stringify(before) ?? "undefined";
  const b = JSON.stringify(after) ?? "undefined";
  if (a.length <= SHORT && b.length <= SHORT) return [a, b];
  let same = 0;
  while (same < a.length && same < b.length && a[same] === b[same]) same++;
  const start = Math.max(0, same - 20);
  const cut = (text: string) => {
    const head = start > 0 ? "..." : "";
    const room = SHORT - head.length;
    return text.length - start > room ? `${head}${text.slice(start, start + room - 3)}...` : `${head}${text.slice(start)}`;
  };
  return [cut(a), cut(b)];
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
          : `changed ${path} from ${shortPair(change.before, change.after).join(" to ")}`;
}

export function explainChange(change: ChangeRecord): string {
  return `${change.rule}: ${describeObject(change.object)}: ${describeEdit(change)}: ${change.reason}`;
}

/** The finding's message without its object's name in front, when it opens with it (the object is named apart). */
export function findingText(finding: Finding): string {
  const name = finding.object && objectName(finding.object);
  return name && finding.message.startsWith(`${name}: `) ? finding.message.slice(name.length + 2) : finding.message;
}

/** The finding's message naming its object once, for views without a per-object header (annotations, SARIF). */
export function findingWithObject(finding: Finding): string {
  const name = finding.object && objectName(finding.object);
  return !name || finding.message.startsWith(name) ? finding.message : `${name}: ${finding.message}`;
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
