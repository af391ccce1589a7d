/**
 * Release identity through the command, as Helm runs it: a release name Helm would reject is refused (exit 2, nothing
 * on stdout), and an environment that disagrees with the objects writes nothing into their immutable templates.
 */
import { describe, expect, it } from "vitest";
import { runCli } from "../src/cli/main.js";
import { runBin } from "./helpers.js";

const STATEFUL_SET = `---
# Source: prom/templates/statefulset.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: prom
  namespace: monitoring
  labels:
    app.kubernetes.io/instance: prom
spec:
  serviceName: prom
  selector: {matchLabels: {app: prom}}
  template:
    metadata: {labels: {app: prom}}
    spec: {containers: [{name: prom, image: prom:1, volumeMounts: [{name: data, mountPath: /data}]}]}
  volumeClaimTemplates:
    - metadata:
        name: data
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;

const OWNED = STATEFUL_SET.replace(
  "        name: data\n",
  "        name: data\n        annotations:\n          meta.helm.sh/release-name: prom\n          meta.helm.sh/release-namespace: monitoring\n        labels:\n          app.kubernetes.io/managed-by: Helm\n",
);

describe("release identity through the command", () => {
  it.each([
    [["--release-name", "my_app"], {}, '--release-name "my_app" is not a release name Helm accepts'],
    [["--release-name", `a${"b".repeat(53)}`], {}, "at most 53 characters"],
    [["-n", "Monitoring"], {}, '--namespace "Monitoring" is not a valid namespace'],
    [["--release-name=prom-"], {}, "starting and ending with a letter or digit"],
  ] as Array<[string[], Record<string, string>, string]>)("refuses %j with exit 2 and nothing on stdout", (args, env, message) => {
    const run = runBin(args, STATEFUL_SET, env);
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toContain(message);
  });

  it("an object's own namespace Kubernetes would reject is an error naming its document, with or without -n", async () => {
    const placeholder = STATEFUL_SET.replace("namespace: monitoring", "namespace: NAMESPACE");
    for (const argv of [[], ["-n", "monitoring"]]) {
      const outcome = await runCli({ argv, env: {}, readStdin: async () => new TextEncoder().encode(placeholder) });
      expect(outcome).toMatchObject({ code: 2, stdout: "" });
      expect(outcome.stderr).toEqual([
        `fix-storage: document 1 (prom/templates/statefulset.yaml) line 7, column 14: StatefulSet NAMESPACE/prom's metadata.namespace "NAMESPACE" is not a valid namespace (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)`,
      ]);
    }
  });

  it("in a List, the error names the item, and the line and column of the value in the stream", async () => {
    const item = STATEFUL_SET.replace(/^---\n/, "").replace(/^# Source: .*\n/m, "").replace("namespace: monitoring", "namespace: NAMESPACE");
    const list = `apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: first}}\n${item
      .trimEnd()
      .split("\n")
      .map((line, index) => `${index === 0 ? "  - " : "    "}${line}`)
      .join("\n")}\n`;
    const outcome = await runCli({ argv: [], env: {}, readStdin: async () => new TextEncoder().encode(list) });
    expect(outcome).toMatchObject({ code: 2, stdout: "" });
    const line = list.split("\n").findIndex((text) => text.includes("namespace: NAMESPACE")) + 1;
    const column = (list.split("\n")[line - 1] as string).indexOf("NAMESPACE") + 1;
    expect(outcome.stderr[0]).toContain(`fix-storage: document 1 items[1] line ${line}, column ${column}: StatefulSet NAMESPACE/prom's metadata.namespace "NAMESPACE" is not a valid namespace`);
  });

  it("an object's own namespace that is no string (123) is an error naming its document, whatever -n says", async () => {
    const numbered = STATEFUL_SET.replace("namespace: monitoring", "namespace: 123");
    const outcome = await runCli({ argv: ["-n", "monitoring"], env: {}, readStdin: async () => new TextEncoder().encode(numbered) });
    expect(outcome).toMatchObject({ code: 2, stdout: "" });
    expect(outcome.stderr).toEqual([
      "fix-storage: document 1 (prom/templates/statefulset.yaml) line 7, column 14: StatefulSet prom's metadata.namespace is 123, which is no string: Kubernetes refuses the object (quote the value)",
    ]);
  });

  it("an object's namespace written !!binary is refused with exit 2, saying so rather than printing bytes", async () => {
    const binary = STATEFUL_SET.replace("namespace: monitoring", "namespace: !!binary bW9uaXRvcmluZw==");
    const outcome = await runCli({ argv: [], env: {}, readStdin: async () => new TextEncoder().encode(binary) });
    expect(outcome).toMatchObject({ code: 2, stdout: "" });
    expect(outcome.stderr).toEqual([
      "fix-storage: document 1 (prom/templates/statefulset.yaml) line 7, column 23: StatefulSet prom's metadata.namespace is a !!binary scalar, which fix-storage does not read as text (write the namespace as a string)",
    ]);
  });

  it("refuses an environment's release name Helm would reject, as it refuses a flag's, whether or not it is written", () => {
    const unlabelled = STATEFUL_SET.replace("  labels:\n    app.kubernetes.io/instance: prom\n", "");
    for (const [stream, value] of [
      [unlabelled, "argocd_Prom"],
      [STATEFUL_SET, "UPPER"],
      [STATEFUL_SET, "Bad_name"],
      [STATEFUL_SET, "a".repeat(54)],
    ] as const) {
      const run = runBin([], stream, { ARGOCD_APP_NAME: value });
      expect(run).toMatchObject({ code: 2, stdout: "" });
      expect(run.stderr).toContain(`ARGOCD_APP_NAME ${JSON.stringify(value)} is not a release name Helm accepts`);
    }
    // Argo CD's NAMESPACE_NAME for an application outside its namespace; a given name makes the environment's moot.
    expect(runBin([], STATEFUL_SET, { ARGOCD_APP_NAME: "argocd_prom" }).code).toBe(0);
    expect(runBin(["--release-name", "prom"], STATEFUL_SET, { ARGOCD_APP_NAME: "UPPER" }).code).toBe(0);
  });

  it("helm upgrade -n monitoring with HELM_NAMESPACE=default exported: nothing written, the finding names -n", () => {
    const run = runBin(["--explain"], STATEFUL_SET, { HELM_NAMESPACE: "default" });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(STATEFUL_SET);
    expect(run.stderr).toContain(
      "states namespace monitoring (its metadata.namespace), but HELM_NAMESPACE says default and no --namespace is given: nothing is written into its immutable claim templates; --namespace (-n) decides",
    );
    expect(runBin(["-n", "monitoring"], STATEFUL_SET, { HELM_NAMESPACE: "default" }).stdout).toBe(OWNED);
  });

  const runWith = (env: Record<string, string>, argv: string[] = [], input = STATEFUL_SET) =>
    runCli({ argv, env, readStdin: async () => new TextEncoder().encode(input) });

  it("a finding names the variable a release name came from, not a flag that was not given", async () => {
    for (const variable of ["FIX_STORAGE_RELEASE_NAME", "ARGOCD_ENV_FIX_STORAGE_RELEASE_NAME", "PARAM_FIX_STORAGE_RELEASE_NAME"]) {
      const outcome = await runWith({ [variable]: "other" }, ["--explain"]);
      expect(outcome.code).toBe(0);
      expect(outcome.stderr.join("\n")).toContain(`states release name prom (its app.kubernetes.io/instance label), but ${variable} says other`);
    }
  });

  it("one setting given under two prefixes with different values: exit 2 naming both; the same value twice is one", async () => {
    const outcome = await runWith({ ARGOCD_ENV_FIX_STORAGE_RELEASE_NAME: "a", PARAM_FIX_STORAGE_RELEASE_NAME: "b" });
    expect(outcome).toMatchObject({ code: 2, stdout: "" });
    expect(outcome.stderr).toEqual([
      'fix-storage: the environment sets ARGOCD_ENV_FIX_STORAGE_RELEASE_NAME="a" and PARAM_FIX_STORAGE_RELEASE_NAME="b": which one is meant is not clear; keep one',
    ]);
    expect((await runWith({ FIX_STORAGE_NAMESPACE: "monitoring", PARAM_FIX_STORAGE_NAMESPACE: "monitoring" })).code).toBe(0);
    expect((await runWith({ ARGOCD_ENV_FIX_STORAGE_DISABLE: "rwo-rollout", PARAM_FIX_STORAGE_DISABLE_0: "claim-ownership" })).code).toBe(2);
  });

  it("ARGOCD_APP_NAMESPACE and HELM_NAMESPACE disagreeing with no -n: exit 2 asking for -n; -n decides", async () => {
    const outcome = await runWith({ ARGOCD_APP_NAMESPACE: "d", HELM_NAMESPACE: "b" });
    expect(outcome).toMatchObject({ code: 2, stdout: "" });
    expect(outcome.stderr).toEqual([
      'fix-storage: the environment sets ARGOCD_APP_NAMESPACE="d" and HELM_NAMESPACE="b": which is the release\'s namespace is not clear; pass -n NS (--namespace)',
    ]);
    expect((await runWith({ ARGOCD_APP_NAMESPACE: "d", HELM_NAMESPACE: "b" }, ["-n", "monitoring"])).code).toBe(0);
  });

  it("a ConfigMap functionConfig's release name Helm would reject: exit 2", () => {
    const list = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items: []
functionConfig:
  apiVersion: v1
  kind: ConfigMap
  metadata: {name: fn}
  data: {release-name: My_App}
`;
    const run = runBin(["krm"], list);
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toContain('functionConfig release name "My_App" is not a release name Helm accepts');
  });
});
