/**
 * The schema check as kubernetes-models documents it (`new Model(withoutNulls(value)).validate()`), and the objects
 * to compare a validator with it on: those of the example renders, and fast-check mutations of them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Job } from "kubernetes-models/batch/v1/Job";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { expect } from "vitest";
import { parseAllDocuments } from "yaml";
import { isRecord, withoutNulls } from "../../src/core/plain-data.js";
import type { Validator } from "../../src/core/validate.js";
import { EXAMPLES } from "../helpers.js";

export type ValidatorFor = (apiVersion: string, kind: string) => Validator | undefined;

/** kubernetes-models' classes of the kinds the rules edit, by apiVersion/kind. */
export const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "apps/v1/StatefulSet": StatefulSet,
  "apps/v1/Deployment": Deployment,
  "batch/v1/Job": Job,
  "batch/v1/CronJob": CronJob,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
};

/** The reference verdict: undefined, or the first three lines of the error, as the validator words it. */
export function reference(value: Record<string, unknown>, type = value): string | undefined {
  const Model = MODELS[`${type.apiVersion}/${type.kind}`] as NonNullable<(typeof MODELS)[string]>;
  try {
    new Model(withoutNulls(value) as never).validate();
    return undefined;
  } catch (error) {
    return (error as Error).message.split("\n").slice(0, 3).join("; ");
  }
}

/** The verdict of `validatorFor`'s validator; `type`: the object whose apiVersion and kind choose the schema. */
export function verdict(validatorFor: ValidatorFor, value: Record<string, unknown>, type = value): string | undefined {
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
          resources:
            requests:
              memory: 1Gi
`;

/** A valid StatefulSet with each `[from, to]` replaced in its YAML. */
export function statefulSet(replace: readonly (readonly [string, string])[] = []): Record<string, unknown> {
  let text = STATEFULSET;
  for (const [from, to] of replace) {
    expect(text).toContain(from);
    text = text.replace(from, to);
  }
  return parseAllDocuments(text)[0]?.toJS() as Record<string, unknown>;
}

/** Literal cases: the replacements in STATEFULSET, and the verdict (kubernetes-models' too). */
export const CASES: { name: string; replace: [string, string][]; message: string | undefined }[] = [
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
  { name: "format int32", replace: [["serviceName: db\n", "serviceName: db\n  replicas: 1099511627776\n"]], message: 'data/spec/replicas must match format "int32"' },
  {
    name: "format quantity",
    replace: [["memory: 1Gi", "memory: 1Gx"]],
    message:
      'data/spec/template/spec/containers/0/resources/requests/memory must be number, data/spec/template/spec/containers/0/resources/requests/memory must match format "quantity", data/spec/template/spec/containers/0/resources/requests/memory must match exactly one schema in "oneOf"',
  },
  {
    name: "format date-time",
    replace: [["  name: db\n", "  name: db\n  creationTimestamp: 2026-13-45T00:00:00Z\n"]],
    message: 'data/metadata/creationTimestamp must match format "date-time"',
  },
];

/** Every object of a kind with a schema in the example renders. */
export const OBJECTS: Record<string, unknown>[] = readdirSync(EXAMPLES).flatMap((chart) =>
  readdirSync(join(EXAMPLES, chart))
    .filter((file) => /^rendered.*\.ya?ml$/.test(file))
    .flatMap((file) => parseAllDocuments(readFileSync(join(EXAMPLES, chart, file), "utf8")))
    .map((doc) => doc.toJS({ maxAliasCount: -1 }) as unknown)
    .filter((value): value is Record<string, unknown> => isRecord(value) && MODELS[`${value.apiVersion}/${value.kind}`] !== undefined),
);

/** Replacements that each part of the copy treats apart, and values each bundled format rejects. */
const REPLACEMENTS: unknown[] = [
  null,
  "",
  undefined,
  0,
  -1,
  2 ** 40,
  1.5,
  "x",
  "1Gx",
  "2026-13-45T00:00:00Z",
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

/** The value with the node at the index-th place (depth first) replaced, or a key near it removed. */
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
      // As a YAML reader makes it: an own `__proto__` key stays a key.
      Object.defineProperty(copy, key, { value: walk(node[key]), enumerable: true, writable: true, configurable: true });
    }
    return copy;
  };
  return walk(value);
}

/** fast-check: `validatorFor` gives kubernetes-models' verdict on the example objects with one node changed. */
export function expectSameVerdictsOnMutations(validatorFor: ValidatorFor, numRuns: number): void {
  fc.assert(
    fc.property(fc.nat(OBJECTS.length - 1), fc.nat(400), fc.constantFrom(...REPLACEMENTS), fc.boolean(), (which, index, replacement, remove) => {
      const original = OBJECTS[which] as Record<string, unknown>;
      const value = mutated(original, index + 1, replacement, remove) as Record<string, unknown>;
      expect(verdict(validatorFor, value, original)).toBe(reference(value, original));
    }),
    { numRuns },
  );
}
