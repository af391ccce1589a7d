/**
 * The schema check of edited objects (src/core/validate.ts) validates exactly what kubernetes-models validates for
 * `new Model(withoutNulls(value)).validate()`, with one copy of the object instead of two: the same verdict and the
 * same message for the objects of the example renders, and for them with fields made null, empty, undefined, of the
 * wrong type, or named `constructor` or `__proto__` (keys the models' own copy treats apart).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Job } from "kubernetes-models/batch/v1/Job";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { isRecord, withoutNulls } from "../../src/core/plain-data.js";
import { validatorFor } from "../../src/core/validate.js";
import { EXAMPLES } from "../helpers.js";

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "apps/v1/StatefulSet": StatefulSet,
  "apps/v1/Deployment": Deployment,
  "batch/v1/Job": Job,
  "batch/v1/CronJob": CronJob,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
};

/** The check as kubernetes-models documents it: the reference the validator must agree with. */
function reference(value: Record<string, unknown>, type = value): string | undefined {
  const Model = MODELS[`${type.apiVersion}/${type.kind}`] as NonNullable<(typeof MODELS)[string]>;
  try {
    new Model(withoutNulls(value) as never).validate();
    return undefined;
  } catch (error) {
    return (error as Error).message.split("\n").slice(0, 3).join("; ");
  }
}

/** `type`: the object whose apiVersion and kind choose the schema. */
function check(value: Record<string, unknown>, type = value): string | undefined {
  const validate = validatorFor(String(type.apiVersion), String(type.kind));
  if (!validate) throw new Error(`no validator for ${type.apiVersion}/${type.kind}`);
  return validate(value);
}

const STATEFULSET = `
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
        - name: db
          image: postgres
`;

function statefulSet(replace: [string, string][] = []): Record<string, unknown> {
  let text = STATEFULSET;
  for (const [from, to] of replace) {
    expect(text).toContain(from);
    text = text.replace(from, to);
  }
  return parseAllDocuments(text)[0]?.toJS() as Record<string, unknown>;
}

describe("validatorFor", () => {
  it.each([
    { name: "a valid StatefulSet", replace: [], message: undefined },
    {
      name: "null and empty values read as absent, as the API server reads them",
      replace: [
        ["serviceName: db\n", 'serviceName: db\n  podManagementPolicy: ""\n  replicas:\n'],
        ["image: postgres\n", "image: postgres\n          imagePullPolicy:\n"],
      ],
      message: undefined,
    },
    {
      name: "wrong types, every problem named",
      replace: [
        ["serviceName: db\n", 'serviceName: db\n  replicas: "3"\n  volumeClaimTemplates: data\n'],
        ["app: db\n    spec:", "app: db\n        constructor: 1\n    spec:"],
      ],
      message:
        "data/spec/replicas must be integer, data/spec/template/metadata/labels/constructor must be string, data/spec/volumeClaimTemplates must be array",
    },
    { name: "a missing required field", replace: [["        - name: db\n", "        - nameX: db\n"]], message: "data/spec/template/spec/containers/0 must have required property name" },
  ] as { name: string; replace: [string, string][]; message: string | undefined }[])("$name", ({ replace, message }) => {
    const value = statefulSet(replace);
    expect(check(value)).toBe(message);
    expect(reference(value)).toBe(message);
  });

  it("has no validator for kinds without a bundled schema", () => {
    expect(validatorFor("v1", "ConfigMap")).toBeUndefined();
    expect(validatorFor("apps/v1beta1", "StatefulSet")).toBeUndefined();
  });

  it("leaves the value it checks as it was", () => {
    const value = statefulSet([["serviceName: db\n", 'serviceName: db\n  podManagementPolicy: ""\n']]);
    const before = structuredClone(value);
    check(value);
    expect(value).toEqual(before);
  });
});

/** Every object of a kind with a schema in the example renders. */
const OBJECTS: Record<string, unknown>[] = readdirSync(EXAMPLES).flatMap((chart) =>
  readdirSync(join(EXAMPLES, chart))
    .filter((file) => /^rendered.*\.ya?ml$/.test(file))
    .flatMap((file) => parseAllDocuments(readFileSync(join(EXAMPLES, chart, file), "utf8")))
    .map((doc) => doc.toJS({ maxAliasCount: -1 }) as unknown)
    .filter((value): value is Record<string, unknown> => isRecord(value) && MODELS[`${value.apiVersion}/${value.kind}`] !== undefined),
);

/** Replacements that each part of the copy treats apart. */
const REPLACEMENTS: unknown[] = [
  null,
  "",
  undefined,
  0,
  -1,
  2 ** 40,
  1.5,
  "x",
  true,
  [],
  [null, "", undefined, "a"],
  {},
  { constructor: "x" },
  { constructor: { prototype: { isPrototypeOf: 1 } }, name: 1 },
  // Left uncopied by the models (its constructor is no class), so its undefined and `__proto__` entries stay.
  Object.assign(JSON.parse('{"constructor": "x", "__proto__": 5}'), { other: undefined }),
  JSON.parse('{"__proto__": {"name": "inherited"}, "image": 3}'),
  JSON.parse('{"__proto__": "x", "name": null}'),
  new Date(0),
];

/** The value with the node at the index-th place (depth first) replaced, or its index-th key removed. */
function mutated(value: unknown, index: number, replacement: unknown, remove: boolean): unknown {
  let at = 0;
  const walk = (node: unknown): unknown => {
    if (at++ === index && !remove) return replacement;
    if (Array.isArray(node)) return node.map(walk);
    if (!isRecord(node)) return node;
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(node)) {
      if (remove && at === index) {
        at++;
        continue;
      }
      Object.defineProperty(copy, key, { value: walk(node[key]), enumerable: true, writable: true, configurable: true });
    }
    return copy;
  };
  return walk(value);
}

describe("the same verdict and message as kubernetes-models", () => {
  it("there are objects of every kind to check", () => {
    expect(new Set(OBJECTS.map((value) => value.kind))).toEqual(new Set(["StatefulSet", "Deployment", "Job", "CronJob", "PersistentVolumeClaim"]));
  });

  it("on every object of the example renders as rendered", () => {
    for (const value of OBJECTS) expect(check(value)).toBe(reference(value));
  });

  it("on them with one node replaced or one key removed (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.nat(OBJECTS.length - 1),
        fc.nat(400),
        fc.constantFrom(...REPLACEMENTS),
        fc.boolean(),
        (which, index, replacement, remove) => {
          const original = OBJECTS[which] as Record<string, unknown>;
          const value = mutated(original, index + 1, replacement, remove) as Record<string, unknown>;
          expect(check(value, original)).toBe(reference(value, original));
        },
      ),
      { numRuns: 600 },
    );
  });
});
