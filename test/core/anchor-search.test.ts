/**
 * mayHoldAnchor tries the anchor pattern only around each `&`: it must answer as the pattern tried everywhere does.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mayHoldAnchor } from "../../src/core/yaml-aliases.js";

const PATTERN = /(?:^|[\s:[{,-])&[^\s[\]{},&]/;

describe("mayHoldAnchor", () => {
  const cases: Array<[string, boolean]> = [
    ["", false],
    ["&a", true],
    ["a: &x 1", true],
    ["- &x", true],
    ["- &", false],
    ["- &x y", true],
    ["[&x 1]", true],
    ["{a: &x 1}", true],
    ["a:&x", true],
    ["run: a && b", false],
    ["url: http://h/?a=1&b=2", false],
    ["a: &&x", false],
    ["a:\u00a0&x", true],
    ["a:\u2028&x", true],
    ["&", false],
    ["& x", false],
    ["x&&y &z", true],
  ];
  it.each(cases)("%j: %s", (text, expected) => {
    expect(mayHoldAnchor(text)).toBe(expected);
    expect(PATTERN.test(text)).toBe(expected);
  });

  it("answers as the pattern does on random text", () => {
    const char = fc.constantFrom("&", "&", "a", "-", " ", "\n", "\t", ":", "[", "]", "{", "}", ",", "\u00a0", "\u2028", "\ufeff", "#", "*");
    fc.assert(
      fc.property(fc.array(char, { maxLength: 24 }), (chars) => {
        const text = chars.join("");
        expect(mayHoldAnchor(text)).toBe(PATTERN.test(text));
      }),
      { numRuns: 5000 },
    );
  });
});
