/**
 * A stream past SPOOL_AFTER_BYTES is read into a private temporary file (src/cli/spool.ts): the process holds what the
 * rules read, not the input. The file is gone from TMPDIR at once, and where none can be made the run is the same.
 */
import { chmodSync, closeSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { readInputs } from "../src/cli/inputs.js";
import { FileSpool, openFileSpool, SPOOL_AFTER_BYTES, SpoolReadError, spoolingInputs } from "../src/cli/spool.js";
import { splitStream } from "../src/core/stream.js";
import { fixStream } from "../src/fix-stream.js";
import { example, fix, runBin } from "./helpers.js";

/** Reads of a file, counted, and writes, which fail from the `failFrom`th on (both go on to node:fs otherwise). */
const fileReads = vi.hoisted(() => ({ count: 0 }));
const fileWrites = vi.hoisted(() => ({ count: 0, failFrom: Number.POSITIVE_INFINITY }));
vi.mock("node:fs", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs")>();
  return {
    ...actual,
    readSync: (...args: Parameters<typeof actual.readSync>) => {
      fileReads.count++;
      return actual.readSync(...args);
    },
    writeSync: (...args: Parameters<typeof actual.writeSync>) => {
      if (++fileWrites.count >= fileWrites.failFrom) throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
      return (actual.writeSync as (...all: unknown[]) => number)(...args);
    },
  };
});

const scratch = mkdtempSync(join(tmpdir(), "fix-storage-spool-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function emptyDirectory(name: string): string {
  const dir = join(scratch, name);
  rmSync(dir, { recursive: true, force: true });
  return mkdtempSync(`${dir}-`);
}

const enc = (text: string) => new TextEncoder().encode(text);

/** A file spool on a descriptor open only for reading: every write fails, as on a full disk. */
function withUnwritableSpool(name: string, use: (spool: FileSpool) => void): void {
  const file = join(emptyDirectory(name), "input");
  writeFileSync(file, "");
  const fd = openSync(file, "r");
  try {
    use(new FileSpool(fd, "TMPDIR"));
  } finally {
    closeSync(fd);
  }
}

describe("the file spool", () => {
  it("gives back the bytes appended, wherever they are, and leaves nothing in its directory", () => {
    const dir = emptyDirectory("roundtrip");
    const spool = openFileSpool(dir);
    if (spool === undefined) throw new Error(`no spool could be made in ${dir}`);
    expect(readdirSync(dir)).toEqual([]);
    const first = enc("---\nkind: ConfigMap\n");
    const second = enc(`---\ndata: ${"é".repeat(40_000)}\n`);
    expect(spool.append(first)).toBe(0);
    expect(spool.append(second)).toBe(first.length);
    expect(Buffer.from(spool.read(first.length, second.length))).toEqual(Buffer.from(second));
    expect(Buffer.from(spool.read(0, first.length))).toEqual(Buffer.from(first));
  });

  it("writes a chunk at a time: documents still pending, and one larger than a chunk, are given back alike", () => {
    const dir = emptyDirectory("chunks");
    const spool = openFileSpool(dir);
    if (spool === undefined) throw new Error(`no spool could be made in ${dir}`);
    const documents = [enc("---\nkind: A\n"), enc(`---\ndata: ${"b".repeat(1536 * 1024)}\n`), enc("---\nkind: C\n"), enc(`---\ndata: ${"d".repeat(700 * 1024)}\n`), enc(`---\ndata: ${"e".repeat(700 * 1024)}\n`)];
    const starts = documents.map((bytes) => spool.append(bytes));
    const ends = documents.map((_, i) => documents.slice(0, i + 1).reduce((sum, bytes) => sum + bytes.length, 0));
    expect(starts).toEqual([0, ...ends.slice(0, -1)]);
    documents.forEach((bytes, i) => {
      expect(Buffer.from(spool.read(starts[i] as number, bytes.length)).equals(Buffer.from(bytes))).toBe(true);
    });
  });

  it("reads ahead for reads in order (the output): one read of the file for many documents, the same bytes", () => {
    const dir = emptyDirectory("ahead");
    const spool = openFileSpool(dir);
    if (spool === undefined) throw new Error(`no spool could be made in ${dir}`);
    const documents = Array.from({ length: 3000 }, (_, i) => enc(`---\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  k: ${"v".repeat(i % 700)}\n`));
    const starts = documents.map((bytes) => spool.append(bytes) as number);
    const read = (i: number) => Buffer.from(spool.read(starts[i] as number, (documents[i] as Uint8Array).length)).equals(Buffer.from(documents[i] as Uint8Array));
    // Out of order first (one read each), then in order from document 7 on.
    fileReads.count = 0;
    expect([read(2000), read(5), read(7)]).toEqual([true, true, true]);
    expect(fileReads.count).toBe(3);
    fileReads.count = 0;
    for (let i = 8; i < documents.length; i++) expect(read(i)).toBe(true);
    const bytes = documents.slice(8).reduce((sum, each) => sum + each.length, 0);
    expect(fileReads.count).toBeLessThanOrEqual(Math.ceil(bytes / (1024 * 1024)) + 1);
    expect([read(1), read(2), read(2999)]).toEqual([true, true, true]);
  });

  it("reads ahead no further than the file holds: in order across a chunk a full disk left in memory, the same bytes", () => {
    const dir = emptyDirectory("ahead-full");
    const spool = openFileSpool(dir);
    if (spool === undefined) throw new Error(`no spool could be made in ${dir}`);
    const documents = Array.from({ length: 400 }, (_, i) => enc(`---\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  k: ${"v".repeat(5000 + i)}\n`));
    // The first chunk is written, the second is not (it stays in memory), and the documents after it are refused.
    fileWrites.count = 0;
    fileWrites.failFrom = 2;
    let starts: Array<number | undefined>;
    try {
      starts = documents.map((bytes) => spool.append(bytes));
    } finally {
      fileWrites.failFrom = Number.POSITIVE_INFINITY;
    }
    const kept = starts.filter((start) => start !== undefined).length;
    expect(kept).toBeGreaterThan(200);
    expect(kept).toBeLessThan(400);
    // Only the first read flushes the pending (second) chunk, whose write fails and keeps it in memory.
    for (let i = 0; i < kept; i++) {
      expect(Buffer.from(spool.read(starts[i] as number, (documents[i] as Uint8Array).length)).equals(Buffer.from(documents[i] as Uint8Array)), `document ${i}`).toBe(true);
    }
  });

  it("keeps in memory a chunk it cannot write (a full disk), gives its documents back, and refuses later ones", () => {
    withUnwritableSpool("unwritable", (spool) => {
      const first = enc("---\nkind: A\n");
      const second = enc("---\nkind: B\n");
      expect(spool.append(first)).toBe(0);
      expect(spool.append(second)).toBe(first.length);
      // Too large for what is left of the chunk: the pending chunk is written first, and that fails.
      expect(spool.append(enc(`---\ndata: ${"c".repeat(1024 * 1024)}\n`))).toBeUndefined();
      expect(spool.append(enc("---\nkind: D\n"))).toBeUndefined();
      expect(Buffer.from(spool.read(first.length, second.length)).toString()).toBe("---\nkind: B\n");
      expect(Buffer.from(spool.read(0, first.length)).toString()).toBe("---\nkind: A\n");
    });
  });

  it("gives back documents it never got to write: the first read writes the chunk, and when that fails keeps it", () => {
    withUnwritableSpool("unwritable-at-read", (spool) => {
      expect(spool.append(enc("---\nkind: A\n"))).toBe(0);
      expect(Buffer.from(spool.read(0, 12)).toString()).toBe("---\nkind: A\n");
      expect(spool.append(enc("---\nkind: B\n"))).toBeUndefined();
    });
  });

  it("refuses, naming its directory, to give back bytes it does not hold (an I/O error under TMPDIR)", () => {
    const dir = emptyDirectory("short");
    const spool = openFileSpool(dir);
    if (spool === undefined) throw new Error(`no spool could be made in ${dir}`);
    spool.append(enc("---\nkind: ConfigMap\n"));
    expect(() => spool.read(0, 100)).toThrow(SpoolReadError);
    expect(() => spool.read(0, 100)).toThrow(`cannot read back the input kept in a temporary file under ${dir}: the file is shorter than what was written to it`);
  });

  it("is not made where TMPDIR does not exist: the caller keeps the documents in memory", () => {
    expect(openFileSpool(join(scratch, "no-such-directory"))).toBeUndefined();
  });

  it.skipIf(process.getuid?.() === 0)("is not made where TMPDIR is read-only (root writes there anyway: skipped)", () => {
    const dir = emptyDirectory("read-only");
    chmodSync(dir, 0o500);
    expect(openFileSpool(dir)).toBeUndefined();
  });

  it("readInputs' own options spool a stream past SPOOL_AFTER_BYTES", async () => {
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = emptyDirectory("default");
    try {
      const document = (i: number) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  a: "${"x".repeat(2000)}"\n`;
      const text = Array.from({ length: Math.ceil(SPOOL_AFTER_BYTES / 2000) + 10 }, (_, i) => document(i)).join("");
      const [input] = await readInputs([], { readStdin: () => Promise.resolve(enc(text)) }, { many: false });
      expect(input?.documents.filter((each) => each.facts !== undefined).length).toBeGreaterThan(5);
      expect(input?.documents.at(-1)?.text).toBe(document(Math.ceil(SPOOL_AFTER_BYTES / 2000) + 9));
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });

  it("one run's inputs share one spool (one descriptor however many large files), opened on first need", () => {
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = emptyDirectory("shared");
    try {
      const options = spoolingInputs();
      const first = options.spool?.();
      expect(first).toBeDefined();
      expect(options.spool?.()).toBe(first);
      expect(spoolingInputs().spool?.()).not.toBe(first);
      expect(readdirSync(process.env.TMPDIR)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });

  it("readInputs spools stdin past holdBytes: the documents and the run are those of the stream held in memory", async () => {
    const text = example("devlake", "rendered.yaml");
    const bytes = enc(text);
    // As readChunksSync gives them: one buffer, filled again for each chunk (here spoiled after each, too).
    const reused = new Uint8Array(4096);
    const chunks = (onChunk: (chunk: Uint8Array) => void) => {
      for (let at = 0; at < bytes.length; at += reused.length) {
        const chunk = bytes.subarray(at, at + reused.length);
        reused.set(chunk);
        onChunk(reused.subarray(0, chunk.length));
        reused.fill(0x23);
      }
      return Promise.resolve();
    };
    const dir = emptyDirectory("stdin");
    const split = { spool: () => openFileSpool(dir), holdBytes: 1000 };
    const [input] = await readInputs([], { readStdin: () => Promise.resolve(bytes), readStdinChunks: chunks }, { many: false, split });
    if (!input) throw new Error("no input");
    expect(input.documents.some((document) => document.facts !== undefined)).toBe(true);
    expect(input.documents.map(({ index, offset, line, text }) => ({ index, offset, line, text }))).toEqual(splitStream(text));
    expect(input.text).toBe(text);
    const held = await fix(text);
    const spooled = await fixStream(input.documents);
    expect([spooled.output, spooled.changes, spooled.findings]).toEqual([held.output, held.changes, held.findings]);
  });
});

describe("a stream larger than SPOOL_AFTER_BYTES through the CLI", () => {
  // Filler ConfigMaps past the threshold, then the pushgateway StatefulSet whose claim template the rules fix: its
  // document is spooled, edited, and written back among documents copied from the spool byte for byte.
  const filler = (i: number) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: filler-${i}\ndata:\n  note: "${"ü".repeat(900)}"\n`;
  const count = Math.ceil(SPOOL_AFTER_BYTES / enc(filler(0)).length) + 200;
  const stream = `${Array.from({ length: count }, (_, i) => filler(i)).join("")}${example("prometheus-pushgateway", "rendered-2.17.0.yaml")}`;

  it("writes what the same stream held in memory gives, and leaves TMPDIR as it was", async () => {
    const expected = await fix(stream);
    expect(expected.changes.length).toBeGreaterThan(0);
    const dir = emptyDirectory("cli");
    const run = runBin([], stream, { TMPDIR: dir });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout === expected.output).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("runs the same where TMPDIR does not exist: the documents stay in memory", async () => {
    const run = runBin([], stream, { TMPDIR: join(scratch, "missing") });
    expect(run.code).toBe(0);
    expect(run.stdout === (await fix(stream)).output).toBe(true);
  });
});
