/**
 * applyRecordShared gives what applyRecord gives on a copy, without changing its input, and shares what the record
 * leaves alone (the editor keeps each document's data this way, step after step).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyRecord, applyRecordShared, copyData, type RecordedEdit } from "../../src/core/apply-record.js";

type Data = null | string | number | Data[] | { [key: string]: Data };

const data: fc.Arbitrary<Data> = fc.letrec<{ node: Data }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom<Data>(null, "a", 1),
    fc.array(tie("node"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom("a", "b", "c"), tie("node"), { maxKeys: 3, noNullPrototype: true }),
  ),
})).node;

/** Paths that exist in `value`, and one more key or index below each of them. */
function paths(value: Data, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const found: Array<Array<string | number>> = [];
  if (Array.isArray(value)) {
    found.push([...prefix, value.length]);
    for (const [i, item] of value.entries()) found.push([...prefix, i], ...paths(item, [...prefix, i]));
  } else if (value !== null && typeof value === "object") {
    found.push([...prefix, "new"]);
    for (const [key, item] of Object.entries(value)) found.push([...prefix, key], ...paths(item, [...prefix, key]));
  }
  return found;
}

describe("applyRecordShared", () => {
  it("a label set in a claim template: the result has it, the input does not, untouched parts are shared", () => {
    const root = { metadata: { name: "db" }, spec: { template: { x: 1 }, claims: [{ labels: { a: "1" } }] } };
    const next = applyRecordShared(root, { op: "set", path: ["spec", "claims", 0, "labels", "b"], after: "2" }) as typeof root;
    expect(next.spec.claims[0]?.labels).toStrictEqual({ a: "1", b: "2" });
    expect(root.spec.claims[0]?.labels).toStrictEqual({ a: "1" });
    expect(next.metadata).toBe(root.metadata);
    expect(next.spec.template).toBe(root.spec.template);
  });

  it("equals applyRecord on a copy, and leaves its input as it was, for any record", () => {
    const record = (root: Data) =>
      fc.record({
        op: fc.constantFrom<RecordedEdit["op"]>("set", "delete", "append"),
        path: fc.constantFrom(...paths(root)),
        after: data,
      });
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom("a", "b", "spec"), data, { minKeys: 1, maxKeys: 3, noNullPrototype: true }).chain((root) => fc.tuple(fc.constant(root), record(root))),
        ([root, edit]) => {
          const before = copyData(root);
          let expected: unknown;
          let failure: unknown;
          try {
            expected = applyRecord(copyData(root), edit);
          } catch (error) {
            failure = error;
          }
          if (failure) expect(() => applyRecordShared(root, edit)).toThrow();
          else expect(applyRecordShared(root, edit)).toStrictEqual(expected);
          expect(root).toStrictEqual(before);
        },
      ),
      { numRuns: 2000, seed: 20261130 },
    );
  });
});
