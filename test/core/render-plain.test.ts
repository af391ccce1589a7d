/**
 * renderString writes a string plain only when YAML 1.2 and 1.1 both read it back as that string. Most strings are
 * decided by fast-scan's resolvers without parsing; this checks that decision against the parser itself.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { goYamlReadsAsNumber, renderBlockLines, renderString } from "../../src/core/render.js";

function readsBack(text: string): boolean {
  try {
    return parse(text, { version: "1.2" }) === text && parse(text, { version: "1.1" }) === text;
  } catch {
    return false;
  }
}

const WORDS = [
  "db", "helm.sh/chart", "Helm", "yes", "No", "on", "OFF", "y", "n", "~", "null", "Null", "true", "False", "0644", "0o17", "0x1F",
  "0b101", "1_000", "12:30", "190:20:30", "1.0", ".5", "+1", "-1", "-0", ".inf", ".NaN", "e5", "E-3", "2001-12-14", "2001-12-14 21:59:43.10 -5",
  "1e3", "1.2.3", "v1", "=", "a b", "a - b", "...", "..x", ".x", "-x", "- x", "@x", "/data", "app.kubernetes.io/name", "1 2", "0", "00",
];

describe("renderString: plain exactly when both versions read the string back", () => {
  it.each(WORDS)("%s", (word) => {
    expect(renderString(word) === word).toBe(word !== "" && !word.endsWith(" ") && readsBack(word) && !goYamlReadsAsNumber(word));
  });

  it("random strings of the plain-safe characters", () => {
    const char = fc.constantFrom(..."aynoNYtfe0123456789_./@=+- :xE".split(""));
    fc.assert(
      fc.property(fc.array(char, { minLength: 1, maxLength: 12 }).map((chars) => chars.join("")), (text) => {
        const plain = renderString(text) === text;
        if (plain) expect(readsBack(text), text).toBe(true);
        else if (/^[A-Za-z0-9_./@=+-][A-Za-z0-9_./@=+\- ]*$/.test(text) && !text.endsWith(" ")) expect(readsBack(text) && !goYamlReadsAsNumber(text), text).toBe(false);
      }),
      { numRuns: 3000, seed: 20261130 },
    );
  });
});

describe("renderBlockLines on a large value", () => {
  it("renders a list whose lines outnumber what a call may take as arguments (a KRM run's results for thousands of objects)", () => {
    const results = Array.from({ length: 60_000 }, (_, index) => ({ message: `change ${index}`, severity: "info", field: { path: `items[${index}]` } }));
    const lines = renderBlockLines({ results }, 0, { step: 2, eol: "\n" });
    expect(lines.length).toBe(1 + 60_000 * 4);
    expect(parse(lines.join("\n"))).toEqual({ results });
  });
});
