/**
 * Schema checks of edited objects with kubernetes-models. Loaded only when something was edited, since the schemas
 * are the heaviest part of the program.
 */
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Job } from "kubernetes-models/batch/v1/Job";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { withoutNulls } from "./plain-data.js";
export type Validator = (value: unknown) => string | undefined;


const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "apps/v1/StatefulSet": StatefulSet,
  "apps/v1/Deployment": Deployment,
  "batch/v1/Job": Job,
  "batch/v1/CronJob": CronJob,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
};

export function validatorFor(apiVersion: string, kind: string): Validator | undefined {
  const Model = MODELS[`${apiVersion}/${kind}`];
  if (!Model) return undefined;
  return (value) => {
    try {
      new Model(withoutNulls(value) as never).validate();
      return undefined;
    } catch (error) {
      return (error as Error).message.split("\n").slice(0, 3).join("; ");
    }
  };
}

