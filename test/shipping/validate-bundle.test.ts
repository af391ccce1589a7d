/**
 * dist/validate.cjs, the schemas as the npm package ships them: the build leaves out the formats the bundled schemas
 * never name (scripts/build.mjs) and keeps only the English messages, so the bundle itself is held to the verdicts
 * and messages of kubernetes-models, with values each bundled format (int32, quantity, date-time) rejects.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers.js";
import { CASES, expectSameVerdictsOnMutations, OBJECTS, reference, statefulSet, type ValidatorFor, verdict } from "../core/validate-support.js";

const BUNDLE = join(ROOT, "dist", "validate.cjs");
let validatorFor: ValidatorFor;

beforeAll(() => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` first`);
  ({ validatorFor } = createRequire(import.meta.url)(BUNDLE) as { validatorFor: ValidatorFor });
});

describe("dist/validate.cjs", () => {
  it.each(CASES)("$name", ({ replace, message }) => {
    const value = statefulSet(replace);
    expect(verdict(validatorFor, value)).toBe(message);
    expect(reference(value)).toBe(message);
  });

  it("gives kubernetes-models' verdict on every object of the example renders, and on them mutated (fast-check)", () => {
    for (const value of OBJECTS) expect(verdict(validatorFor, value)).toBe(reference(value));
    expectSameVerdictsOnMutations(validatorFor, 600);
  });

  it("holds none of the formats it leaves out (no URI library, e-mail grammar or IANA scheme list)", () => {
    const text = readFileSync(BUNDLE, "utf8");
    // From uri-js's punycode, nearley (the e-mail grammar's parser) and the IANA list of URI schemes.
    for (const marker of ["Overflow: input needs wider integers", "nearley", "z39.50s"]) expect(text).not.toContain(marker);
  });
});
