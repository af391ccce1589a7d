/**
 * idempotent-cleanup — cleanup hook Jobs whose `kubectl delete` fails on a retry once the object is gone (Kyverno
 * 3.3.9's post-delete `kyverno-remove-configmap`). Adds --ignore-not-found to real `kubectl … delete` commands, retries
 * scripts it can show are safe to run again, and lets a failed hook be replaced (before-hook-creation). Only hook Jobs
 * are edited: Helm recreates them, while a release Job's pod template is immutable.
 */
import * as z from "zod/mini";
import type { KubeObject } from "../core/manifest.js";
import { planContainer } from "./cleanup/container-plan.js";
import { IMAGE_NAME } from "./cleanup/kubectl-images.js";
import { RETRY_NAME } from "./cleanup/shell-invocation.js";
import { PlanBuilder, type Rule } from "./rule.js";
import { IGNORE_NOT_FOUND } from "./cleanup/kubectl-command.js";
import { mountedScriptDeletes, scriptSourcesByName } from "./cleanup/mounted-scripts.js";
import { containers, isHelmHook, notAHook, podSpec } from "./workloads.js";

const RULE = "idempotent-cleanup";
const DELETE_POLICY = "helm.sh/hook-delete-policy";

const options = z.strictObject({
  retries: z._default(z.int().check(z.minimum(0), z.maximum(100)), 3),
  delaySeconds: z._default(z.int().check(z.minimum(0), z.maximum(3600)), 5),
  /** Policies a cleanup hook Job's helm.sh/hook-delete-policy must contain. */
  hookDeletePolicy: z._default(z.array(z.enum(["before-hook-creation", "hook-succeeded", "hook-failed"])), ["before-hook-creation"]),
  /** Images (repository, no tag) whose entrypoint is kubectl, besides any image named `kubectl` and the built-in list. */
  kubectlImages: z._default(z.array(z.string().check(z.regex(IMAGE_NAME, "an image repository without tag or digest, such as ghcr.io/acme/tools"))), []),
});

type Options = z.infer<typeof options>;

export const idempotentCleanup: Rule<Options> = {
  name: RULE,
  summary: "make cleanup hook Jobs' kubectl delete idempotent (--ignore-not-found, safe retries, before-hook-creation)",
  defaultEnabled: true,
  options,
  plan({ stream, release }, settings) {
    const plan = new PlanBuilder(RULE);
    let sources: Map<string, KubeObject[]> | undefined;
    const scriptSources = () => {
      sources ??= scriptSourcesByName(stream);
      return sources;
    };
    for (const job of stream.objects(["Job"], (text) => text.includes("delete") || text.includes("configMap") || text.includes("secret"))) {
      if (!job.apiVersion.startsWith("batch/")) continue;
      const pod = podSpec(job);
      if (!pod) continue;
      const isHook = isHelmHook(job);
      // `helm test` Jobs exist to fail when something is wrong: a missing object may be exactly what they check.
      if (isHook && /(?:^|,)\s*test(?:-success)?\s*(?:,|$)/i.test(String(job.annotations()["helm.sh/hook"]))) continue;
      const all = mountedScriptDeletes(scriptSources, job, pod, (object) => release().namespaceOf(object));
      for (const { kind, name, key } of all.filter((one) => one.namespaceUnknown)) {
        plan.finding(
          "warning",
          `${job} mounts ${kind} ${name}, whose ${key} runs kubectl delete, but one of the two states no namespace and none is given, so whether it is the Job's ${kind} cannot be told; pass --namespace (-n) with the release's namespace`,
          job,
        );
      }
      const mounted = all.filter((one) => !one.namespaceUnknown);
      for (const { kind, name, key, where } of mounted.filter((one) => one.unfixed)) {
        plan.finding(
          "warning",
          `${job} mounts ${kind} ${name}, whose ${key} runs kubectl delete without ${IGNORE_NOT_FOUND}${where ? ` (${where})` : ""}; fix-storage edits only a Job's own command, so add ${IGNORE_NOT_FOUND} to that script in the chart`,
          job,
        );
      }
      const plans = containers(pod).map((container) => planContainer(container, settings));
      const deletes = plans.reduce((sum, one) => sum + one.deletes, 0) + mounted.reduce((sum, one) => sum + one.deletes, 0);
      const edits = plans.flatMap((one) => one.edits);
      for (const one of plans) for (const finding of one.findings) plan.finding(finding.severity, `${job}: ${finding.message}`, job);
      // A release Job is never edited: its pod template cannot change, and whether the cluster has the Job (and with
      // which template) changes from one upgrade to the next, so no edit of it stays the template the Job has.
      if (!isHook) {
        if (edits.length > 0) {
          plan.finding(
            "warning",
            `${job} runs kubectl delete without --ignore-not-found but ${notAHook(job)}, so it is left alone: a Job's pod template cannot change, and an edited one would make every later upgrade of an existing release fail. Add --ignore-not-found in the chart, or make the Job a hook (helm.sh/hook with helm.sh/hook-delete-policy: before-hook-creation)`,
            job,
          );
        }
        continue;
      }
      for (const edit of edits) plan.edit(job, edit);
      if (deletes > 0) ensureDeletePolicy(plan, job, settings.hookDeletePolicy);
      reportDeadline(plan, job, edits, settings);
    }
    return plan.build();
  },
};

/** Retries wait between attempts: a Job deadline shorter than the waits ends the pod before they are done. */
function reportDeadline(plan: PlanBuilder, job: KubeObject, edits: ReadonlyArray<{ value: unknown }>, settings: Options): void {
  const deadline = job.get(["spec", "activeDeadlineSeconds"]);
  const waits = settings.retries * settings.delaySeconds;
  if (typeof deadline !== "number" || waits < deadline || !edits.some((edit) => JSON.stringify(edit.value).includes(RETRY_NAME))) return;
  plan.finding(
    "info",
    `${job}: its retries wait ${waits}s in all, and spec.activeDeadlineSeconds ends the Job after ${deadline}s, so the last attempts may not run (lower idempotent-cleanup.retries or delaySeconds)`,
    job,
  );
}

function ensureDeletePolicy(plan: PlanBuilder, job: KubeObject, required: readonly string[]): void {
  const current = job.annotations()[DELETE_POLICY];
  // A plain `on` or `yes` is a boolean to Kubernetes' YAML 1.1 reader, as 0777 is a number to both.
  if (current !== undefined && (typeof current !== "string" || !job.readsAlikeAt(["metadata", "annotations", DELETE_POLICY]))) {
    plan.finding("warning", `${job}: ${DELETE_POLICY} is not a string, so it is left alone; make it "${required.join(",")}"`, job);
    return;
  }
  const policies = (current ?? "")
    .split(",")
    .map((policy) => policy.trim())
    .filter(Boolean);
  // Helm lowercases hook names and policies (releaseutil's manifest sorter): Before-Hook-Creation is the same policy.
  const missing = required.filter((policy) => !policies.some((present) => present.toLowerCase() === policy));
  if (missing.length === 0) return;
  plan.edit(job, {
    op: "set",
    path: ["metadata", "annotations", DELETE_POLICY],
    value: [...policies, ...missing].join(","),
    reason: `hook Job ${job.name} runs kubectl delete: ${missing.join(", ")} lets the next run replace a failed earlier one instead of failing on "already exists"`,
  });
}
