/**
 * Schema checks of edited objects with kubernetes-models. Loaded only when something was edited, since the schemas
 * are the heaviest part of the program.
 */
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Job } from "kubernetes-models/batch/v1/Job";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { isRecord, withoutNulls } from "./plain-data.js";

export type Validator = (value: unknown) => string | undefined;

type Model = Record<string, unknown> & { validate(): void };
type ModelClass = new (data?: never) => Model;

const MODELS: Record<string, ModelClass> = {
  "apps/v1/StatefulSet": StatefulSet as unknown as ModelClass,
  "apps/v1/Deployment": Deployment as unknown as ModelClass,
  "batch/v1/Job": Job as unknown as ModelClass,
  "batch/v1/CronJob": CronJob as unknown as ModelClass,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim as unknown as ModelClass,
};

export function validatorFor(apiVersion: string, kind: string): Validator | undefined {
  const Model = MODELS[`${apiVersion}/${kind}`];
  if (!Model) return undefined;
  return (value) => {
    try {
      modelOf(Model, value).validate();
      return undefined;
    } catch (error) {
      return (error as Error).message.split("\n").slice(0, 3).join("; ");
    }
  };
}

/**
 * `new Model(withoutNulls(value))` with one copy instead of two: the model's constructor copies its data again,
 * dropping undefined values, so both copies are made here at once, into an empty model, by the same assignments in
 * the same order. The model leaves an object uncopied when an own `constructor` key makes it look like a class
 * instance: a value with such a key below its top (no Kubernetes field has that name) takes the two copies, so that
 * what is validated is always the same.
 */
function modelOf(Model: ModelClass, value: unknown): Model {
  if (!isRecord(value)) return new Model(withoutNulls(value) as never);
  const found = { constructorKey: false };
  const model = new Model();
  for (const key of Object.keys(value)) {
    const item = value[key];
    // The model's defaults for apiVersion and kind give way to undefined too, as in `{ apiVersion, kind, ...data }`.
    if (item === undefined) delete model[key];
    else if (item !== null && item !== "") model[key] = schemaCopy(item, found);
  }
  return found.constructorKey ? new Model(withoutNulls(value) as never) : model;
}

/** filterUndefinedValues(withoutNulls(value)) as the models compute it, for values with no own `constructor` key. */
function schemaCopy(value: unknown, found: { constructorKey: boolean }): unknown {
  if (Array.isArray(value)) return value.map((item) => schemaCopy(item, found));
  if (!isRecord(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (key === "constructor") found.constructorKey = true;
    const item = value[key];
    if (item !== null && item !== "" && item !== undefined) copy[key] = schemaCopy(item, found);
  }
  return copy;
}
