import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sameData } from "../../src/core/plain-data.js";
import { fastScan } from "../../src/core/fast-scan.js";
import { readDocument } from "../../src/core/yaml-aliases.js";

const shared = { labels: { app: "a" } };

describe("sameData: isDeepStrictEqual's answer on parsed YAML", () => {
  it.each([
    ["equal maps in another key order", { a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }, true],
    ["a shared subtree", { metadata: shared, kind: "Pod" }, { metadata: shared, kind: "Pod" }, true],
    ["0 and -0", { a: 0 }, { a: -0 }, false],
    ["NaN and NaN", [Number.NaN], [Number.NaN], true],
    ["1 and '1'", [1], ["1"], false],
    ["null and an absent key", { a: null }, {}, false],
    ["undefined and an absent key", { a: undefined }, { b: undefined }, false],
    ["a longer list", [1, 2], [1, 2, 3], false],
    ["a map and a list", { 0: "a" }, ["a"], false],
    ["null-prototype map and plain map", Object.assign(Object.create(null), { a: 1 }), { a: 1 }, false],
    ["equal dates", { t: new Date(0) }, { t: new Date(0) }, true],
    ["different dates", { t: new Date(0) }, { t: new Date(1) }, false],
    ["equal buffers", [Buffer.from("ab")], [Buffer.from("ab")], true],
    ["different buffers", [Buffer.from("ab")], [Buffer.from("ac")], false],
    ["equal sets", new Set([1]), new Set([1]), true],
    ["sets apart", new Set([1]), new Set([2]), false],
  ])("%s", (_name, a, b, equal) => {
    expect(isDeepStrictEqual(a, b)).toBe(equal);
    expect(sameData(a, b)).toBe(equal);
    expect(sameData(b, a)).toBe(equal);
  });

  it("agrees with isDeepStrictEqual on YAML 1.1 values (timestamps, sets, binary) read two ways", () => {
    const text = "a: 2001-12-14t21:59:43.10-05:00\nb: !!binary aGVsbG8=\nc: !!set {x, y}\nd: [1, ~, .nan]\n";
    const one = readDocument(text, "1.1").value;
    const two = readDocument(text, "1.1").value;
    expect(isDeepStrictEqual(one, two)).toBe(true);
    expect(sameData(one, two)).toBe(true);
    const other = readDocument(text.replace("aGVsbG8=", "aGVsbG9="), "1.1").value;
    expect(sameData(one, other)).toBe(isDeepStrictEqual(one, other));
  });

  it("agrees with isDeepStrictEqual on generated data and on fast-scan's readings", () => {
    const leaf = fc.oneof(fc.constantFrom(0, -0, 1, Number.NaN, "", "0", null, true, false), fc.string({ maxLength: 3 }), fc.integer());
    const data = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" }, leaf, fc.array(tie("node"), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 2 }), tie("node"), { maxKeys: 3 })),
    })).node;
    fc.assert(
      fc.property(data, data, (a, b) => {
        expect(sameData(a, b)).toBe(isDeepStrictEqual(a, b));
        const copy = structuredClone(a);
        expect(sameData(a, copy)).toBe(isDeepStrictEqual(a, copy));
      }),
      { numRuns: 500, seed: 20261201 },
    );
    const read = fastScan("a:\n  b: [1, 2]\n  c: '0'\nd: -0\n");
    expect("value" in read && sameData(read.value, { a: { b: [1, 2], c: "0" }, d: -0 })).toBe(true);
    expect("value" in read && sameData(read.value, { a: { b: [1, 2], c: "0" }, d: 0 })).toBe(false);
  });
});
