/**
 * The CLI reads a file (or stdin) in chunks (readChunksSync) and splits each as it arrives: a file several chunks long
 * must give the documents of its text, with documents, lines and characters cut anywhere by the chunks, held or
 * spooled.
 */
import { mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readInputs } from "../src/cli/inputs.js";
import { readChunksSync } from "../src/cli/io.js";
import { openFileSpool } from "../src/cli/spool.js";
import { type RawDocument, splitStream } from "../src/core/stream.js";

const scratch = mkdtempSync(join(tmpdir(), "fix-storage-read-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** About 1.5 MiB: documents of many sizes, non-ASCII characters, CRLF, a document after `...`, a long line. */
function stream(): string {
  const parts: string[] = ["# head comment\n"];
  for (let i = 0; i < 700; i++) {
    const filler = "é✓𝄞x".repeat((i * 37) % 400);
    const eol = i % 50 === 7 ? "\r\n" : "\n";
    parts.push(`---${eol}# Source: c/templates/t${i}.yaml${eol}apiVersion: v1${eol}kind: ConfigMap${eol}metadata:${eol}  name: c${i}${eol}data:${eol}  a: "${filler}"${eol}`);
    if (i % 100 === 42) parts.push("...\n# between\nbare: document\n");
  }
  parts.push(`---\nkind: Secret\nstringData:\n  long: "${"y".repeat(600_000)}"\n`);
  return parts.join("");
}

function plain(documents: readonly RawDocument[]) {
  return documents.map(({ index, offset, line, text }) => ({ index, offset, line, text }));
}

describe("reading a file in chunks", () => {
  const text = stream();
  const file = join(scratch, "stream.yaml");
  writeFileSync(file, text);

  it("the chunks are the file", () => {
    const fd = openSync(file, "r");
    const chunks: Uint8Array[] = [];
    try {
      expect(readChunksSync(fd, (chunk) => chunks.push(chunk))).toBe(true);
    } finally {
      closeSync(fd);
    }
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).toString("utf8")).toBe(text);
  });

  it("held: the documents of the text", async () => {
    const [input] = await readInputs([file], { readStdin: () => Promise.reject(new Error("not stdin")) }, { many: false, split: {} });
    expect(plain(input?.documents ?? [])).toEqual(plain(splitStream(text)));
  });

  it("spooled: the documents of the text", async () => {
    const dir = mkdtempSync(join(scratch, "spool-"));
    const split = { spool: () => openFileSpool(dir), holdBytes: 10_000 };
    const [input] = await readInputs([file], { readStdin: () => Promise.reject(new Error("not stdin")) }, { many: false, split });
    const documents = input?.documents ?? [];
    expect(documents.filter((document) => document.facts !== undefined).length).toBeGreaterThan(500);
    expect(plain(documents)).toEqual(plain(splitStream(text)));
  });
});
