/**
 * The run-time proof compares under YAML 1.2 and YAML 1.1. When the original and the edited text each read alike in
 * both versions the 1.1 comparison is the 1.2 one again and is skipped; these cases show every other case is still
 * compared as YAML 1.1 (what Kubernetes reads), with edited texts standing in for an editor bug.
 */
import { describe, expect, it } from "vitest";
import { FixStorageError } from "../../src/core/errors.js";
import { ManifestStream, type ParsedDocument } from "../../src/core/manifest.js";
import { proveEdits } from "../../src/core/proof.js";
import type { ChangeRecord } from "../../src/core/records.js";

/** The document of `original` as the rules read it, with its editor's text replaced by `edited`. */
function editedDocument(original: string, edited: string): ParsedDocument {
  const stream = new ManifestStream(original);
  const doc = stream.parse(stream.raw[0] as (typeof stream.raw)[0]);
  return Object.create(doc, { editor: { value: { text: edited } } }) as ParsedDocument;
}

const setRecord = (path: string[], after: unknown): ChangeRecord => ({
  rule: "test-rule",
  object: { document: 1, apiVersion: "v1", kind: "ConfigMap", name: "c" },
  op: "set",
  path,
  before: undefined,
  after,
  reason: "test",
});

const HEAD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n";

describe("originalReadsAlikeIn11: what the one fast-scan read tells the proof", () => {
  it.each([
    ["plain strings and numbers", `${HEAD}  a: x\n  b: "1"\n`, true],
    ["a quoted yes", `${HEAD}  a: "yes"\n`, true],
    ["a plain yes: a bool to YAML 1.1", `${HEAD}  a: yes\n`, false],
    ["an octal-looking plain 0644: 420 to YAML 1.1, 644 to 1.2", `${HEAD}  a: 0644\n`, false],
    ["anchors: fast-scan leaves it to the parser, so it is not known", `${HEAD}  a: &x v\n  b: *x\n`, false],
  ])("%s", (_name, text, alike) => {
    const stream = new ManifestStream(text);
    expect(stream.parse(stream.raw[0] as (typeof stream.raw)[0]).originalReadsAlikeIn11).toBe(alike);
  });
});

describe("proveEdits under both YAML versions", () => {
  const cases: Array<{ name: string; original: string; edited: string; records: ChangeRecord[]; error?: RegExp }> = [
    {
      name: "both texts read alike: proved",
      original: `${HEAD}  a: x\n`,
      edited: `${HEAD}  a: x\n  b: "on"\n`,
      records: [setRecord(["data", "b"], "on")],
    },
    {
      name: "a plain on written: a string to YAML 1.2, true to YAML 1.1",
      original: `${HEAD}  a: x\n`,
      edited: `${HEAD}  a: x\n  b: on\n`,
      records: [setRecord(["data", "b"], "on")],
      error: /YAML 1\.1 reading differs at data\.b/,
    },
    {
      name: "an original that reads otherwise in YAML 1.1, edited elsewhere: proved",
      original: `${HEAD}  a: yes\n`,
      edited: `${HEAD}  a: yes\n  b: x\n`,
      records: [setRecord(["data", "b"], "x")],
    },
    {
      name: "an original that reads otherwise in YAML 1.1, its yes quoted without a record: same to 1.2, caught as 1.1",
      original: `${HEAD}  a: yes\n`,
      edited: `${HEAD}  a: "yes"\n  b: x\n`,
      records: [setRecord(["data", "b"], "x")],
      error: /YAML 1\.1 reading differs at data\.a/,
    },
  ];

  it.each(cases)("$name", ({ original, edited, records, error }) => {
    const prove = () => proveEdits([editedDocument(original, edited)], records);
    if (!error) {
      expect(prove).not.toThrow();
      return;
    }
    expect(prove).toThrow(FixStorageError);
    expect(prove).toThrow(error);
  });
});
