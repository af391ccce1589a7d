/** Unified diff of what would change. Only edited documents are compared, so even huge streams diff quickly. */
import type { FixResult } from "../fix-stream.js";

const CONTEXT = 3;

export function unifiedDiff(result: FixResult, label: string): string {
  if (result.edited.length === 0) return "";
  const hunks: string[] = [];
  let shift = 0;
  for (const doc of result.edited) {
    const before = splitLines(doc.raw.text);
    const after = splitLines(doc.editor.text);
    for (const hunk of diffHunks(before, after, doc.raw.line, doc.raw.line + shift)) hunks.push(hunk);
    shift += after.length - before.length;
  }
  return `--- ${label}\n+++ ${label} (fixed)\n${hunks.join("")}`;
}

function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

type Op = { kind: " " | "-" | "+"; line: string };

/** Line diff by longest common subsequence; documents are small, so O(n·m) is fine. */
function diffOps(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = lcs[i] as Uint32Array;
      row[j] = a[i] === b[j] ? ((lcs[i + 1] as Uint32Array)[j + 1] as number) + 1 : Math.max((lcs[i + 1] as Uint32Array)[j] as number, row[j + 1] as number);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ kind: " ", line: a[i++] as string });
      j++;
    } else if (i < n && (j === m || ((lcs[i + 1] as Uint32Array)[j] as number) >= ((lcs[i] as Uint32Array)[j + 1] as number))) {
      ops.push({ kind: "-", line: a[i++] as string });
    } else {
      ops.push({ kind: "+", line: b[j++] as string });
    }
  }
  return ops;
}

function diffHunks(a: string[], b: string[], firstOld: number, firstNew: number): string[] {
  const ops = diffOps(a, b);
  const hunks: string[] = [];
  let k = 0;
  while (k < ops.length) {
    while (k < ops.length && (ops[k] as Op).kind === " ") k++;
    if (k >= ops.length) break;
    let start = Math.max(0, k - CONTEXT);
    let end = k;
    // Extend while changes are within 2*CONTEXT lines of each other.
    while (end < ops.length) {
      let next = end;
      while (next < ops.length && (ops[next] as Op).kind !== " ") next++;
      let gap = next;
      while (gap < ops.length && (ops[gap] as Op).kind === " ") gap++;
      if (gap < ops.length && gap - next <= 2 * CONTEXT) end = gap;
      else {
        end = Math.min(ops.length, next + CONTEXT);
        break;
      }
    }
    let oldLine = firstOld;
    let newLine = firstNew;
    for (let x = 0; x < start; x++) {
      if ((ops[x] as Op).kind !== "+") oldLine++;
      if ((ops[x] as Op).kind !== "-") newLine++;
    }
    const body = ops.slice(start, end);
    const oldCount = body.filter((op) => op.kind !== "+").length;
    const newCount = body.filter((op) => op.kind !== "-").length;
    hunks.push(`@@ -${oldLine},${oldCount} +${newLine},${newCount} @@\n${body.map((op) => `${op.kind}${op.line.replace(/\r$/, "")}\n`).join("")}`);
    k = end;
    start = end;
  }
  return hunks;
}
