/**
 * `diff`: a unified diff of the stream as given against the stream as fixed, in the format `patch -p1` and
 * `git apply` read (a/ and b/ names, CRLF and a missing final newline kept, context across document boundaries).
 * Only edited documents are compared, each by Myers' diff in linear space after trimming their common start and end,
 * so memory stays linear in the document's lines however many edits it has.
 */
import type { FixResult } from "../fix-stream.js";

const CONTEXT = 3;

/** One changed region, in old-stream line numbers (0-based): old lines [oldStart, oldStart+removed.length) become added. */
interface Change {
  oldStart: number;
  removed: string[];
  added: string[];
}

/** Lines without their "\n" (a "\r" before it stays); `final` is false when the text does not end with "\n". */
interface Lines {
  lines: string[];
  final: boolean;
}

function splitLines(text: string): Lines {
  const lines = text.split("\n");
  const final = lines[lines.length - 1] === "";
  if (final) lines.pop();
  return { lines, final };
}

/** Marks a last line without a line break: it differs from the same text with one (NUL is never in the input). */
const NO_NEWLINE = "\u0000";

/** The lines diffed: a last line without a line break is another line than the same line with one. */
function diffedLines(text: string): string[] {
  const { lines, final } = splitLines(text);
  if (!final && lines.length > 0) lines[lines.length - 1] += NO_NEWLINE;
  return lines;
}

/** Start offsets of the lines of `text`: enough to read any old line as context without splitting the stream. */
function lineStarts(text: string): Uint32Array {
  let count = 1;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) count++;
  const starts = new Uint32Array(count);
  let n = 1;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts[n++] = i + 1;
  return starts;
}

export function unifiedDiff(result: FixResult, label: string, input: string): string {
  if (result.edited.length === 0) return "";
  const changes: Change[] = [];
  for (const doc of result.edited) {
    const firstLine = doc.raw.line - 1;
    for (const change of diffLines(diffedLines(doc.rawText), diffedLines(doc.editor.text))) {
      changes.push({ ...change, oldStart: change.oldStart + firstLine });
    }
  }
  if (changes.length === 0) return "";
  const starts = lineStarts(input);
  const oldFinal = input.endsWith("\n") || input === "";
  const oldCount = oldFinal && input !== "" ? starts.length - 1 : starts.length;
  const newFinal = result.output.endsWith("\n") || result.output === "";
  const oldLine = (index: number): string => {
    const start = starts[index] as number;
    const end = index + 1 < starts.length ? (starts[index + 1] as number) - 1 : input.length;
    return input.slice(start, end);
  };
  const name = label === "stdin" ? "stdin" : label.replace(/^\.\//, "");
  return `--- ${headerName("a", name)}\n+++ ${headerName("b", name)}\n${hunks(changes, oldLine, oldCount, oldFinal, newFinal).join("")}`;
}

const C_ESCAPES: Record<string, string> = { "\x07": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\" };

/**
 * A file name as git writes it in a diff header, which GNU patch and git apply both read: C-quoted when it holds a
 * quote, a backslash or a control character, and followed by a tab when it holds a space (else patch ends it there).
 */
export function headerName(prefix: string, name: string): string {
  const path = `${prefix}/${name}`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must be quoted
  if (/["\\\x00-\x1f\x7f]/.test(path)) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: as above
    return `"${path.replace(/["\\\x00-\x1f\x7f]/g, (char) => C_ESCAPES[char] ?? `\\${char.charCodeAt(0).toString(8).padStart(3, "0")}`)}"`;
  }
  return path.includes(" ") ? `${path}\t` : path;
}

/**
 * Groups changes whose context would touch into hunks. Context lines are unchanged lines of the old stream, so they
 * are the same in the new one; line numbers of the new stream follow from the lines added and removed before.
 */
function hunks(changes: Change[], oldLine: (index: number) => string, oldCount: number, oldFinal: boolean, newFinal: boolean): string[] {
  const out: string[] = [];
  let shift = 0;
  let i = 0;
  while (i < changes.length) {
    let j = i;
    while (j + 1 < changes.length) {
      const current = changes[j] as Change;
      const next = changes[j + 1] as Change;
      if (next.oldStart - (current.oldStart + current.removed.length) > 2 * CONTEXT) break;
      j++;
    }
    const first = changes[i] as Change;
    const last = changes[j] as Change;
    const from = Math.max(0, first.oldStart - CONTEXT);
    const to = Math.min(oldCount, last.oldStart + last.removed.length + CONTEXT);
    const body: string[] = [];
    let oldLines = 0;
    let newLines = 0;
    // Which lines are the last of each file, to mark a missing final newline where patch expects it.
    const lastOld = oldCount - 1;
    const emit = (prefix: string, line: string, noNewline: boolean) => {
      const text = line.endsWith(NO_NEWLINE) ? line.slice(0, -NO_NEWLINE.length) : line;
      body.push(`${prefix}${text}\n${noNewline ? "\\ No newline at end of file\n" : ""}`);
    };
    let at = from;
    let hunkShift = shift;
    for (let k = i; k <= j; k++) {
      const change = changes[k] as Change;
      for (; at < change.oldStart; at++, oldLines++, newLines++) emit(" ", oldLine(at), at === lastOld && !oldFinal);
      change.removed.forEach((line, n) => {
        emit("-", line, change.oldStart + n === lastOld && !oldFinal);
        oldLines++;
      });
      at = change.oldStart + change.removed.length;
      const endsNew = at >= oldCount && !newFinal;
      change.added.forEach((line, n) => {
        emit("+", line, endsNew && n === change.added.length - 1);
        newLines++;
      });
      hunkShift += change.added.length - change.removed.length;
    }
    for (; at < to; at++, oldLines++, newLines++) emit(" ", oldLine(at), at === lastOld && !oldFinal);
    const oldStart = oldLines === 0 ? from : from + 1;
    const newStart = newLines === 0 ? from + shift : from + shift + 1;
    out.push(`@@ -${range(oldStart, oldLines)} +${range(newStart, newLines)} @@\n${body.join("")}`);
    shift = hunkShift;
    i = j + 1;
  }
  return out;
}

function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${start},${count}`;
}

/** The changed regions between two line lists (0-based old positions), from Myers' diff in linear space. */
export function diffLines(a: readonly string[], b: readonly string[]): Array<{ oldStart: number; removed: string[]; added: string[] }> {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const ids = new Map<string, number>();
  const intern = (line: string) => {
    let id = ids.get(line);
    if (id === undefined) {
      id = ids.size;
      ids.set(line, id);
    }
    return id;
  };
  const x = Int32Array.from(a.slice(prefix, a.length - suffix), intern);
  const y = Int32Array.from(b.slice(prefix, b.length - suffix), intern);
  const deleted = new Uint8Array(x.length);
  const inserted = new Uint8Array(y.length);
  new MyersDiff(x, y, deleted, inserted).compare(0, x.length, 0, y.length);
  const changes: Array<{ oldStart: number; removed: string[]; added: string[] }> = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && !deleted[i] && !inserted[j]) {
      i++;
      j++;
      continue;
    }
    const change = { oldStart: prefix + i, removed: [] as string[], added: [] as string[] };
    while (i < x.length && deleted[i]) change.removed.push(a[prefix + i++] as string);
    while (j < y.length && inserted[j]) change.added.push(b[prefix + j++] as string);
    changes.push(change);
  }
  return changes;
}

/**
 * Myers, "An O(ND) Difference Algorithm and Its Variations" (1986), section 4b: find the middle snake of a shortest
 * edit script, then solve both halves. Two diagonal vectors of N+M+3 entries, reused, are all the memory it needs.
 */
class MyersDiff {
  private readonly forward: Int32Array;
  private readonly backward: Int32Array;
  private readonly offset: number;

  constructor(
    private readonly a: Int32Array,
    private readonly b: Int32Array,
    private readonly deleted: Uint8Array,
    private readonly inserted: Uint8Array,
  ) {
    this.offset = a.length + b.length + 1;
    this.forward = new Int32Array(2 * this.offset + 1);
    this.backward = new Int32Array(2 * this.offset + 1);
  }

  compare(xStart: number, xEnd: number, yStart: number, yEnd: number): void {
    // An explicit stack: the halves of a long script would otherwise nest deeply.
    const stack: number[] = [xStart, xEnd, yStart, yEnd];
    while (stack.length > 0) {
      let ye = stack.pop() as number;
      let ys = stack.pop() as number;
      let xe = stack.pop() as number;
      let xs = stack.pop() as number;
      const { a, b } = this;
      while (xs < xe && ys < ye && a[xs] === b[ys]) {
        xs++;
        ys++;
      }
      while (xs < xe && ys < ye && a[xe - 1] === b[ye - 1]) {
        xe--;
        ye--;
      }
      if (xs === xe) {
        for (let k = ys; k < ye; k++) this.inserted[k] = 1;
        continue;
      }
      if (ys === ye) {
        for (let k = xs; k < xe; k++) this.deleted[k] = 1;
        continue;
      }
      const [x, y, u, v] = this.middleSnake(xs, xe, ys, ye);
      stack.push(xs + u, xe, ys + v, ye, xs, xs + x, ys, ys + y);
    }
  }

  /** The middle snake from (x, y) to (u, v), relative to (xs, ys). */
  private middleSnake(xs: number, xe: number, ys: number, ye: number): [number, number, number, number] {
    const { a, b, forward: vf, backward: vb, offset } = this;
    const n = xe - xs;
    const m = ye - ys;
    const delta = n - m;
    const odd = (delta & 1) === 1;
    const max = Math.ceil((n + m) / 2);
    vf[offset + 1] = 0;
    vb[offset + 1] = 0;
    for (let d = 0; d <= max; d++) {
      for (let k = -d; k <= d; k += 2) {
        let x = k === -d || (k !== d && (vf[offset + k - 1] as number) < (vf[offset + k + 1] as number)) ? (vf[offset + k + 1] as number) : (vf[offset + k - 1] as number) + 1;
        let y = x - k;
        const x0 = x;
        const y0 = y;
        while (x < n && y < m && a[xs + x] === b[ys + y]) {
          x++;
          y++;
        }
        vf[offset + k] = x;
        const kb = delta - k;
        if (odd && kb >= -(d - 1) && kb <= d - 1 && x + (vb[offset + kb] as number) >= n) return [x0, y0, x, y];
      }
      for (let k = -d; k <= d; k += 2) {
        let x = k === -d || (k !== d && (vb[offset + k - 1] as number) < (vb[offset + k + 1] as number)) ? (vb[offset + k + 1] as number) : (vb[offset + k - 1] as number) + 1;
        let y = x - k;
        const x0 = x;
        const y0 = y;
        while (x < n && y < m && a[xe - 1 - x] === b[ye - 1 - y]) {
          x++;
          y++;
        }
        vb[offset + k] = x;
        const kf = delta - k;
        if (!odd && kf >= -d && kf <= d && x + (vf[offset + kf] as number) >= n) return [n - x, m - y, n - x0, m - y0];
      }
    }
    throw new Error("internal error: no middle snake");
  }
}
