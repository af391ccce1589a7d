/** lineAt finds a script offset's line from the script's line breaks, found once: as counting them up to it does. */
import fc from "fast-check";
import { expect, it } from "vitest";
import { lineAt } from "../../../src/rules/cleanup/shell-syntax.js";

function counted(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === "\n") line++;
  return line;
}

it("answers as counting the line breaks before the offset does, for any text and offset (past its end too)", () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom("a", "\n", " ", "\r"), { maxLength: 40 }), fc.nat(50), fc.boolean(), (chars, offset, other) => {
      const text = chars.join("");
      // Another text in between: the breaks kept are those of the text asked about.
      if (other) lineAt("x\ny\n", 3);
      expect(lineAt(text, offset)).toBe(counted(text, offset));
    }),
    { numRuns: 3000 },
  );
});
