/**
 * idempotent-cleanup — cleanup Jobs whose `kubectl delete` fails on a retry once the object is gone (Kyverno 3.3.9's
 * post-delete `kyverno-remove-configmap`). Adds --ignore-not-found, retries scripts, and lets a failed hook be replaced.
 */
import * as z from "zod/mini";
import { PlanBuilder, type Rule } from "./rule.js";
import { addIgnoreNotFound, execNeedsIgnoreNotFound, isWrapped, scriptIndex, wrapWithRetries } from "./shell-script.js";
import { containers, podSpec } from "./workloads.js";

const HOOK = "helm.sh/hook";
const DELETE_POLICY = "helm.sh/hook-delete-policy";

const options = z.strictObject({
  retries: z._default(z.int().check(z.minimum(0), z.maximum(100)), 3),
  delaySeconds: z._default(z.int().check(z.minimum(0), z.maximum(3600)), 5),
  /** Policies a fixed hook Job's helm.sh/hook-delete-policy must contain. */
  hookDeletePolicy: z._default(z.array(z.enum(["before-hook-creation", "hook-succeeded", "hook-failed"])), ["before-hook-creation"]),
});

export const idempotentCleanup: Rule<z.infer<typeof options>> = {
  name: "idempotent-cleanup",
  summary: "make cleanup Jobs' kubectl delete idempotent (--ignore-not-found, retries, before-hook-creation)",
  defaultEnabled: true,
  options,
  plan({ stream }, { retries, delaySeconds, hookDeletePolicy }) {
    const plan = new PlanBuilder("idempotent-cleanup");
    for (const job of stream.objects(["Job"])) {
      if (!job.apiVersion.startsWith("batch/")) continue;
      const pod = podSpec(job);
      if (!pod) continue;
      let fixed = false;
      for (const container of containers(pod)) {
        const command = stringList(container.value.command);
        const args = stringList(container.value.args);
        if (!command && !args) continue;
        const argv = [...(command ?? []), ...(args ?? [])];
        const name = String(container.value.name ?? "");
        const script = scriptIndex(argv);
        if (script !== -1) {
          const text = argv[script] as string;
          if (isWrapped(text)) continue;
          const patched = addIgnoreNotFound(text);
          if (patched === text) continue;
          const inCommand = command !== undefined && script < command.length;
          plan.edit(job, {
            op: "set",
            path: [...container.path, inCommand ? "command" : "args", inCommand ? script : script - (command?.length ?? 0)],
            value: wrapWithRetries(patched, retries, delaySeconds),
            reason: `container ${name} runs kubectl delete, which fails when a retry finds the object gone; added --ignore-not-found and ${retries} retries ${delaySeconds}s apart, keeping the script's set flags and exit status`,
          });
          fixed = true;
        } else if (execNeedsIgnoreNotFound(argv)) {
          const field = args !== undefined ? "args" : "command";
          plan.edit(job, {
            op: "append",
            path: [...container.path, field],
            value: "--ignore-not-found",
            reason: `container ${name} runs kubectl delete, which fails when a retry finds the object gone`,
          });
          fixed = true;
        }
      }
      const annotations = job.annotations();
      if (!fixed || annotations[HOOK] === undefined) continue;
      const current = typeof annotations[DELETE_POLICY] === "string" ? (annotations[DELETE_POLICY] as string) : "";
      const policies = current.split(",").map((policy) => policy.trim()).filter(Boolean);
      const missing = hookDeletePolicy.filter((policy) => !policies.includes(policy));
      if (missing.length === 0) continue;
      plan.edit(job, {
        op: "set",
        path: ["metadata", "annotations", DELETE_POLICY],
        value: [...policies, ...missing].join(","),
        reason: `hook Job ${job.name}: ${missing.join(", ")} lets the next run replace a failed earlier one instead of failing on "already exists"`,
      });
    }
    return plan.build();
  },
};

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === "string") ? (value as string[]) : undefined;
}

