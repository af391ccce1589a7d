/**
 * `check`'s text output: per input a summary line (whole), then per object its name once and under it each change (what) and
 * why, wrapped to at most WIDTH characters, so a terminal or a CI log shows whole lines.
 */
import type { ChangeRecord, Finding, ObjectRef } from "../core/records.js";
import type { FixResult } from "../fix-stream.js";
import { describeEdit, findingText, objectName, summaryLine } from "./explain.js";

export const WIDTH = 160;

/** Words wrapped to `width`: the first line starts with `first`, the others with `rest`; an overlong word is cut. */
export function wrap(text: string, first: string, rest = first, width = WIDTH): string[] {
  const lines: string[] = [];
  let indent = first;
  let line = "";
  const flush = () => {
    lines.push(indent + line);
    indent = rest;
    line = "";
  };
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let piece = word;
    if (line !== "" && indent.length + line.length + 1 + piece.length > width) flush();
    while (indent.length + piece.length > width) {
      const room = Math.max(1, width - indent.length);
      line = piece.slice(0, room);
      piece = piece.slice(room);
      flush();
    }
    if (piece !== "") line = line === "" ? piece : `${line} ${piece}`;
  }
  if (line !== "") flush();
  return lines;
}

function objectKey(ref: ObjectRef | undefined): string {
  return ref ? `${ref.document}/${ref.item ?? ""}` : "";
}

function header(ref: ObjectRef | undefined): string {
  if (!ref) return "(the stream)";
  const where = [`document ${ref.document}`, ...(ref.item !== undefined ? [`item ${ref.item}`] : []), ...(ref.source ? [ref.source] : [])];
  return `${objectName(ref)} (${where.join(", ")})`;
}

interface Group {
  ref: ObjectRef | undefined;
  changes: ChangeRecord[];
  findings: Finding[];
}

function groups(changes: readonly ChangeRecord[], findings: readonly Finding[]): Group[] {
  const byObject = new Map<string, Group>();
  const groupOf = (ref: ObjectRef | undefined) => {
    const key = objectKey(ref);
    let group = byObject.get(key);
    if (!group) {
      group = { ref, changes: [], findings: [] };
      byObject.set(key, group);
    }
    return group;
  };
  for (const change of changes) groupOf(change.object).changes.push(change);
  for (const finding of findings) groupOf(finding.object).findings.push(finding);
  return [...byObject.values()].sort((a, b) => (a.ref?.document ?? 0) - (b.ref?.document ?? 0) || (a.ref?.item ?? 0) - (b.ref?.item ?? 0));
}

export function checkText(results: ReadonlyArray<{ input: { label: string }; result: FixResult }>): string {
  const lines: string[] = [];
  for (const { input, result } of results) {
    // Never wrapped: `FILE: N changes …` is the line CI logs are searched for, whatever the path's length.
    lines.push(`${input.label}: ${summaryLine(result.changes, result.findings, result.documents)}`);
    for (const group of groups(result.changes, result.findings)) {
      lines.push(...wrap(header(group.ref), "  ", "      "));
      let lastReason: string | undefined;
      for (const change of group.changes) {
        lines.push(...wrap(`${change.rule}: ${describeEdit(change)}`, "    ", "        "));
        // One reason for a run of changes that share it (labels removed for the same cause), not one per line.
        if (change.reason !== lastReason) lines.push(...wrap(change.reason, "      "));
        lastReason = change.reason;
      }
      for (const finding of group.findings) {
        lines.push(...wrap(`${finding.severity}: ${finding.rule}: ${findingText(finding)}`, "    ", "        "));
      }
    }
  }
  return `${lines.join("\n")}\n`;
}
