/**
 * Argo CD's CMP sidecar runs the plugin's generate command with ARGOCD_APP_NAME, ARGOCD_APP_NAMESPACE,
 * ARGOCD_ENV_<name> (Application plugin.env) and PARAM_<NAME> (parameters, upper-cased, non-alphanumerics as _).
 * This runs the `| fix-storage` half of that pipeline with such an environment.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { EXAMPLES, example, runBin } from "../helpers.js";

const rendered = example("devlake", "rendered.yaml").replace(/app\.kubernetes\.io\/instance: devlake/g, "app.kubernetes.io/instance: lake");

function mysql(stream: string) {
  return parseAllDocuments(stream)
    .map((doc) => doc.toJS())
    .find((object) => object?.kind === "StatefulSet" && object.metadata.name === "devlake-mysql");
}

describe("Argo CD Config Management Plugin", () => {
  it("the example plugin pipes helm template into fix-storage", () => {
    const plugin = parse(readFileSync(join(EXAMPLES, "argocd", "plugin.yaml"), "utf8"));
    expect(plugin.kind).toBe("ConfigManagementPlugin");
    expect(plugin.spec.generate.args[0]).toMatch(/^helm template "\$ARGOCD_APP_NAME" \. -n "\$ARGOCD_APP_NAMESPACE" .*\| fix-storage$/);
    expect(plugin.spec.parameters.static.map((p: { name: string }) => p.name)).toEqual(["fix-storage-enable", "fix-storage-disable"]);
  });

  it("takes the release from ARGOCD_APP_NAME (also <namespace>_<name>) and ARGOCD_APP_NAMESPACE", () => {
    const env = { ARGOCD_APP_NAME: "argocd-apps_devlake", ARGOCD_APP_NAMESPACE: "analytics" };
    const run = runBin([], example("devlake", "rendered.yaml"), env);
    expect(run.code).toBe(0);
    expect(mysql(run.stdout).spec.volumeClaimTemplates[0].metadata.annotations).toEqual({
      "meta.helm.sh/release-name": "devlake",
      "meta.helm.sh/release-namespace": "analytics",
    });
    // The StatefulSet's own label names release lake: the environment does not overrule the object itself.
    const disagreeing = runBin(["--explain"], rendered, env);
    expect(mysql(disagreeing.stdout).spec.volumeClaimTemplates[0].metadata.annotations).toBeUndefined();
    expect(disagreeing.stderr).toContain("states release name lake (its app.kubernetes.io/instance label), but ARGOCD_APP_NAME says devlake");
  });

  it("reads settings from plugin.env (ARGOCD_ENV_FIX_STORAGE_*) and parameters (PARAM_FIX_STORAGE_*)", () => {
    const env = { ARGOCD_APP_NAME: "devlake", ARGOCD_APP_NAMESPACE: "devlake" };
    const viaEnv = runBin([], rendered, { ...env, ARGOCD_ENV_FIX_STORAGE_ENABLE: "claim-retention" });
    expect(mysql(viaEnv.stdout).spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Delete", whenScaled: "Retain" });
    const viaParam = runBin([], rendered, { ...env, PARAM_FIX_STORAGE_ENABLE: "claim-retention", PARAM_FIX_STORAGE_DISABLE: "claim-ownership" });
    const fixed = mysql(viaParam.stdout);
    expect(fixed.spec.persistentVolumeClaimRetentionPolicy).toBeDefined();
    expect(fixed.spec.volumeClaimTemplates[0].metadata.annotations).toBeUndefined();
    const arrayParam = runBin([], rendered, { ...env, PARAM_FIX_STORAGE_ENABLE_0: "claim-retention" });
    expect(mysql(arrayParam.stdout).spec.persistentVolumeClaimRetentionPolicy).toBeDefined();
  });

  it("fails visibly (exit 2, message on stderr, no output) on a bad setting", () => {
    const run = runBin([], rendered, { ARGOCD_ENV_FIX_STORAGE_ENABLE: "claim-labels" });
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toContain('unknown rule "claim-labels"');
  });
});
