/**
 * splitStreamBytes finds the documents on the undecoded input: it must give exactly what splitStream gives on the
 * decoded stream (texts, lines, offsets), and refuse what decodeInput refuses with the same message and location.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FixStorageError } from "../../src/core/errors.js";
import { mayHoldSeveralDocuments, StreamSplitter, splitStream, splitStreamBytes } from "../../src/core/stream.js";
import { decodeInput } from "../../src/core/text.js";
import { corpusFiles, corpusMissing, EXAMPLES } from "../helpers.js";

const RUNS = { numRuns: Number(process.env.FC_RUNS ?? 300), seed: process.env.FC_SEED === undefined ? 20_251_130 : Number(process.env.FC_SEED) } as const;

/** What the whole-stream route gives: the documents, or the refusal's message and location. */
function viaText(bytes: Uint8Array): unknown {
  try {
    return splitStream(decodeInput(bytes));
  } catch (error) {
    return refusal(error);
  }
}

function viaBytes(bytes: Uint8Array): unknown {
  try {
    return splitStreamBytes(bytes);
  } catch (error) {
    return refusal(error);
  }
}

/** The bytes pushed in pieces cut at `cuts` (positions, any order), as a reader gives them. */
function viaChunks(bytes: Uint8Array, cuts: readonly number[]): unknown {
  const at = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const splitter = new StreamSplitter();
  let from = 0;
  for (const cut of [...at, bytes.length]) {
    splitter.push(bytes.slice(from, Math.max(from, cut)));
    from = Math.max(from, cut);
  }
  try {
    return splitter.end();
  } catch (error) {
    return refusal(error);
  }
}

/** The same, from one buffer the reader fills again for each chunk and spoils after it (push must copy what it keeps). */
function viaReusedBuffer(bytes: Uint8Array, cuts: readonly number[]): unknown {
  const at = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const reused = new Uint8Array(bytes.length);
  const splitter = new StreamSplitter();
  let from = 0;
  for (const cut of [...at, bytes.length]) {
    const chunk = bytes.subarray(from, Math.max(from, cut));
    reused.set(chunk);
    splitter.push(reused.subarray(0, chunk.length));
    reused.fill(0x2d); // "-": spoiled bytes would make markers
    from = Math.max(from, cut);
  }
  try {
    return splitter.end();
  } catch (error) {
    return refusal(error);
  }
}

/**
 * The refusal's message, line and (for NUL) column. The byte route also names the document, its # Source and the
 * column of a bad UTF-8 byte, which decoding the whole stream cannot know; "refusals name the document" checks those.
 */
function refusal(error: unknown): unknown {
  if (!(error instanceof FixStorageError)) throw error;
  const { document: _document, source: _source, ...location } = error.location;
  if (error.message.startsWith("input is not valid UTF-8")) delete location.column;
  return { message: error.message, location };
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFilesUnder(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

const enc = (text: string) => new TextEncoder().encode(text);

describe("splitStreamBytes: the documents of splitStream, found on the bytes", () => {
  const cases: Array<[string, string]> = [
    ["empty input", ""],
    ["one document, no marker", "a: 1\n"],
    ["helm 3 documents", "---\n# Source: c/templates/a.yaml\na: 1\n---\n# Source: c/templates/b.yaml\nb: 2\n"],
    ["comments before the first marker join the first document", "# generated\n# do not edit\n---\na: 1\n---\nb: 2\n"],
    ["a directive before the first marker", "%YAML 1.2\n---\na: 1\n"],
    ["an end marker before the first marker keeps the head apart", "# c\n...\n---\na: 1\n"],
    ["a bare document after an end marker", "a: 1\n...\nb: 2\n...\n# only a comment\n"],
    ["comments after an end marker stay with the document before", "a: 1\n...\n# trailing\n---\nb: 2\n"],
    ["CRLF", "---\r\na: 1\r\n...\r\nb: 2\r\n---\r\nc: 3"],
    ["a leading BOM before the marker", "\uFEFF---\na: 1\n---\nb: 2\n"],
    ["a BOM without a marker", "\uFEFFa: 1\n---\nb: 2\n"],
    ["markers followed by comments, tabs and nothing", "--- # one\na: 1\n---\tb: 2\n---"],
    ["dashes that are not markers", "a: |\n  ---x\n  ----\n-- \nb: ---\n"],
    ["non-ASCII in one document only", "---\na: 1\n---\nb: héllo ✓ 𝄞\n---\nc: 3\n"],
    ["non-ASCII on a line after an end marker", "a: 1\n...\n\u00a0\u3000\n---\nb: 2\n"],
    ["empty documents", "---\n---\n---\n"],
    ["no trailing newline", "---\na: 1"],
  ];
  for (const [name, text] of cases) {
    it(name, () => {
      const bytes = enc(text);
      expect(splitStreamBytes(bytes)).toEqual(splitStream(text));
      expect(viaBytes(bytes)).toEqual(viaText(bytes));
    });
  }

  it("refuses bytes that are not UTF-8 text as decodeInput does, wherever the documents are cut", () => {
    const refused: Array<[string, Uint8Array]> = [
      ["a bad byte in a later document", Buffer.concat([enc("---\na: 1\n---\nb: "), Buffer.from([0xc0, 0xaf]), enc("\n")])],
      ["a sequence cut by a newline", Buffer.concat([enc("a: "), Buffer.from([0xe2, 0x0a, 0x82]), enc("---\n")])],
      ["a truncated sequence at the end", Buffer.concat([enc("a\n---\n"), Buffer.from([0xe2, 0x82])])],
      ["a surrogate encoded as UTF-8", Buffer.concat([enc("---\n"), Buffer.from([0xed, 0xa0, 0x80])])],
      ["a bad byte on a line after an end marker", Buffer.concat([enc("a: 1\n...\n"), Buffer.from([0xff]), enc("\n")])],
      ["a NUL in the second document", enc("---\na: 1\n---\nb: 'x\0y'\n")],
      ["a NUL after a bad byte elsewhere", Buffer.concat([enc("a: \0\n---\n"), Buffer.from([0xff])])],
    ];
    for (const [name, bytes] of refused) {
      const expected = viaText(bytes);
      expect(expected, name).toHaveProperty("message");
      expect(viaBytes(bytes), name).toEqual(expected);
    }
  });

  it.skipIf(corpusMissing)("on every stream of the corpus", () => {
    for (const file of corpusFiles()) {
      const bytes = readFileSync(file);
      expect(splitStreamBytes(bytes), file).toEqual(splitStream(decodeInput(bytes)));
    }
  });

  it("on every example", () => {
    const files = yamlFilesUnder(EXAMPLES);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const bytes = readFileSync(file);
      expect(viaBytes(bytes), file).toEqual(viaText(bytes));
    }
  });

  const LINES = [
    "---",
    "--- # c",
    "---\t",
    "--- a: 1",
    "---x",
    "----",
    "-- ",
    "...",
    "... # end",
    "...x",
    "# comment",
    "%YAML 1.2",
    "a: 1",
    "b: ---",
    "  - x",
    "héllo: wörld ✓",
    "emoji: 𝄞",
    "\u00a0",
    "\u3000 ",
    "\u2028",
    "",
    " ",
    "\t",
  ];
  const stream = fc
    .record({
      bom: fc.boolean(),
      crlf: fc.boolean(),
      lines: fc.array(fc.constantFrom(...LINES), { maxLength: 14 }),
      trailingNewline: fc.boolean(),
    })
    .map(({ bom, crlf, lines, trailingNewline }) => {
      const text = lines.join(crlf ? "\r\n" : "\n") + (trailingNewline && lines.length > 0 ? (crlf ? "\r\n" : "\n") : "");
      return (bom ? "\uFEFF" : "") + text;
    });

  it("on random streams of markers, comments, CRLF, BOM and non-ASCII text", () => {
    fc.assert(
      fc.property(stream, (text) => {
        expect(viaBytes(enc(text))).toEqual(viaText(enc(text)));
      }),
      RUNS,
    );
  });

  it("mayHoldSeveralDocuments says no only of a text splitStream gives as one document (the proof's shortcut)", () => {
    fc.assert(
      fc.property(stream, (text) => {
        if (!mayHoldSeveralDocuments(text)) expect(splitStream(text)).toHaveLength(1);
      }),
      RUNS,
    );
    for (const text of ["...\na: 1\n", "a: 1\n---\nb: 2\n", "a: 1\n...\nb: 2\n"]) {
      expect(mayHoldSeveralDocuments(text)).toBe(true);
      expect(splitStream(text)).toHaveLength(2);
    }
  });

  it("on random bytes around markers: the same documents or the same refusal", () => {
    const piece = fc.oneof(
      stream.map(enc),
      fc.constantFrom(...[[0x0a], [0x00], [0xff], [0xc0, 0xaf], [0xe2, 0x82], [0xe2, 0x82, 0xac], [0xed, 0xa0, 0x80], [0xef, 0xbb, 0xbf]].map((b) => Uint8Array.from(b))),
      fc.uint8Array({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const bytes = Buffer.concat(pieces);
        expect(viaBytes(bytes)).toEqual(viaText(bytes));
      }),
      RUNS,
    );
  });

  it("pushed in chunks cut anywhere (inside lines, markers, characters, the BOM): the same documents or refusal", () => {
    const piece = fc.oneof(stream.map(enc), fc.constantFrom(...[[0x00], [0xff], [0xe2, 0x82]].map((b) => Uint8Array.from(b))));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), (pieces, cuts) => {
        const bytes = Buffer.concat(pieces);
        expect(viaChunks(bytes, cuts)).toEqual(viaText(bytes));
      }),
      RUNS,
    );
  });

  it("pushed from one buffer filled again for each chunk: the same documents or refusal", () => {
    const piece = fc.oneof(stream.map(enc), fc.constantFrom(...[[0x00], [0xff], [0xe2, 0x82]].map((b) => Uint8Array.from(b))));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), (pieces, cuts) => {
        const bytes = Buffer.concat(pieces);
        expect(viaReusedBuffer(bytes, cuts)).toEqual(viaText(bytes));
      }),
      RUNS,
    );
  });

  it("marker lines wherever a search may miss them: first in a chunk, last without a newline, after `...`", () => {
    const texts = [
      "a: 1\n---\nb: 2\n...\n\n# c\n---\nc: 3\n...\nd: 4\n--- # e\ne: 5\n---",
      "---\n---\n...\n...\n---\n...\nx\n...",
      "a: |\n  ---\n---x\n----\n...x\n.. .\n--\n---\tb: 1\n...\r\n---\r\nc: 1\r\n",
      "\uFEFF...\n\uFEFF---\na: 1\n",
    ];
    for (const text of texts) {
      const bytes = enc(text);
      const every = [...bytes.keys()];
      expect(viaBytes(bytes), text).toEqual(viaText(bytes));
      expect(viaChunks(bytes, every), text).toEqual(viaText(bytes));
      expect(viaReusedBuffer(bytes, every.filter((at) => at % 3 === 0)), text).toEqual(viaText(bytes));
    }
  });

  it.skipIf(corpusMissing)("the corpus from one reused buffer of 4 KiB", () => {
    for (const file of corpusFiles()) {
      const bytes = readFileSync(file);
      const cuts = Array.from({ length: Math.ceil(bytes.length / 4096) }, (_, i) => i * 4096);
      expect(viaReusedBuffer(bytes, cuts), file).toEqual(splitStream(decodeInput(bytes)));
    }
  });

  it("a byte at a time", () => {
    const text = "\uFEFF# head\n---\r\na: héllo\n...\nb: 2\n--- # c\nc: 𝄞";
    const bytes = enc(text);
    expect(viaChunks(bytes, [...bytes.keys()])).toEqual(splitStream(text));
  });

  it.skipIf(corpusMissing)("the corpus pushed in chunks of 4 KiB", () => {
    for (const file of corpusFiles()) {
      const bytes = readFileSync(file);
      const cuts = Array.from({ length: Math.ceil(bytes.length / 4096) }, (_, i) => i * 4096);
      expect(viaChunks(bytes, cuts), file).toEqual(splitStream(decodeInput(bytes)));
    }
  });
});

describe("refusals name the document, its # Source, the line and the column", () => {
  const head = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n# Source: c/templates/cm.yaml\n";
  const cases: Array<[string, Uint8Array, object]> = [
    [
      "a byte that is not UTF-8 after two-byte characters",
      Buffer.concat([Buffer.from(`${head}data:\n  x: é é `), Buffer.from([0xe9]), Buffer.from("\n")]),
      { document: 2, source: "c/templates/cm.yaml", line: 8, column: 10 },
    ],
    ["a NUL character", Buffer.from(`${head}data:\n  x: a\u0000\n`), { document: 2, source: "c/templates/cm.yaml", line: 8, column: 7 }],
    ["in the first document, comments before its ---", Buffer.from("# top\n---\nkind: A\nx: \u0000\n---\nkind: B\n"), { document: 1, line: 4, column: 4 }],
  ];
  it.each(cases)("%s", (_name, bytes, location) => {
    expect(() => splitStreamBytes(bytes)).toThrow(FixStorageError);
    try {
      splitStreamBytes(bytes);
    } catch (error) {
      expect((error as FixStorageError).location).toStrictEqual(location);
    }
  });
});

