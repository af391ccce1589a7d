/**
 * The schema check of edited objects (src/core/validate.ts) validates exactly what kubernetes-models validates for
 * `new Model(withoutNulls(value)).validate()`, with one copy of the object instead of two: the same verdict and the
 * same message for the objects of the example renders, and for them with fields made null, empty, undefined, of the
 * wrong type, or named `constructor` or `__proto__` (keys the models' own copy treats apart).
 */
import { describe, expect, it } from "vitest";
import { validatorFor } from "../../src/core/validate.js";
import { CASES, expectSameVerdictsOnMutations, OBJECTS, reference, statefulSet, verdict } from "./validate-support.js";

describe("validatorFor", () => {
  it.each(CASES)("$name", ({ replace, message }) => {
    const value = statefulSet(replace);
    expect(verdict(validatorFor, value)).toBe(message);
    expect(reference(value)).toBe(message);
  });

  it("has no validator for kinds without a bundled schema", () => {
    expect(validatorFor("v1", "ConfigMap")).toBeUndefined();
    expect(validatorFor("apps/v1beta1", "StatefulSet")).toBeUndefined();
  });

  it("leaves the value it checks as it was", () => {
    const value = statefulSet([["serviceName: db\n", 'serviceName: db\n  podManagementPolicy: ""\n']]);
    const before = structuredClone(value);
    verdict(validatorFor, value);
    expect(value).toEqual(before);
  });
});

describe("the same verdict and message as kubernetes-models", () => {
  it("there are objects of every kind to check", () => {
    expect(new Set(OBJECTS.map((value) => value.kind))).toEqual(new Set(["StatefulSet", "Deployment", "Job", "CronJob", "PersistentVolumeClaim"]));
  });

  it("on every object of the example renders as rendered", () => {
    for (const value of OBJECTS) expect(verdict(validatorFor, value)).toBe(reference(value));
  });

  it("on them with one node replaced or one key removed (fast-check)", () => {
    expectSameVerdictsOnMutations(validatorFor, 600);
  });
});
