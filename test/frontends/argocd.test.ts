/**
 * examples/argocd as Argo CD's CMP server runs it (argo-cd cmpserver/plugin/plugin.go runCommand): the command is
 * `command[0]` with `command[1:]` and `args`, run in the application's directory, with the server's environment plus
 * ARGOCD_APP_NAME, ARGOCD_APP_NAMESPACE, ARGOCD_APP_SOURCE_PATH, KUBE_VERSION, KUBE_API_VERSIONS, ARGOCD_ENV_<name>
 * (plugin.env) and PARAM_<NAME> (parameters, upper-cased, non-alphanumerics as _, arrays as _0, _1, …).
 * A fake `helm` on PATH records its arguments and prints a render, so generate.sh runs end to end with the real CLI.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { BIN, EXAMPLES, example, runBin } from "../helpers.js";
import { tempDir } from "./hosts.js";

const ARGOCD = join(EXAMPLES, "argocd");
const plugin = parse(readFileSync(join(ARGOCD, "plugin.yaml"), "utf8"));
const RENDER = example("devlake", "rendered.yaml");

/** A fake helm that writes its argv (one per line) to $FAKE_HELM_ARGS and prints $FAKE_HELM_RENDER. */
function fakeHelm(): string {
  const dir = tempDir("fix-storage-fake-helm-");
  const helm = join(dir, "helm");
  writeFileSync(helm, '#!/bin/sh\nprintf \'%s\\n\' "$@" > "$FAKE_HELM_ARGS"\nif [ -n "${FAKE_HELM_FAIL:-}" ]; then echo "Error: $FAKE_HELM_FAIL" >&2; exit 1; fi\ncat "$FAKE_HELM_RENDER"\n');
  chmodSync(helm, 0o755);
  return dir;
}
const FAKE_HELM = fakeHelm();

/** A repository checkout with one chart at apps/devlake, as the sidecar receives it. */
function repository(files: Record<string, string> = {}): { root: string; app: string } {
  const root = tempDir("fix-storage-argocd-repo-");
  const app = join(root, "apps", "devlake");
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, "Chart.yaml"), "apiVersion: v2\nname: devlake\nversion: 1.0.0\n");
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  return { root, app };
}

/** Runs one of plugin.yaml's commands the way the CMP server does. */
function runCommand(command: { command: string[]; args?: string[] }, cwd: string, entries: Record<string, string>) {
  const scratch = tempDir("fix-storage-cmp-");
  const argv = [...command.command, ...(command.args ?? [])].map((word) => word.replace("/home/argocd/cmp-server/config/", `${ARGOCD}/`));
  const env = {
    PATH: [FAKE_HELM, dirname(BIN), process.env.PATH ?? ""].join(delimiter),
    HOME: scratch,
    FAKE_HELM_ARGS: join(scratch, "helm-args"),
    FAKE_HELM_RENDER: join(scratch, "render.yaml"),
    ...entries,
  };
  writeFileSync(env.FAKE_HELM_RENDER, RENDER);
  const result = spawnSync(argv[0] as string, argv.slice(1), { cwd, env, encoding: "utf8" });
  let helmArgs: string[] | undefined;
  try {
    helmArgs = readFileSync(env.FAKE_HELM_ARGS, "utf8").trimEnd().split("\n");
  } catch {
    helmArgs = undefined;
  }
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, helmArgs };
}

const APP = { ARGOCD_APP_NAME: "devlake", ARGOCD_APP_NAMESPACE: "analytics", ARGOCD_APP_SOURCE_PATH: "apps/devlake", KUBE_VERSION: "", KUBE_API_VERSIONS: "" };

function mysql(stream: string) {
  return parseAllDocuments(stream)
    .map((doc) => doc.toJS())
    .find((object) => object?.kind === "StatefulSet" && object.metadata.name === "devlake-mysql");
}

describe("examples/argocd plugin.yaml: discovery claims only applications that opt in", () => {
  it("does not discover by ./Chart.yaml alone", () => {
    expect(plugin.spec.discover.fileName).toBeUndefined();
    expect(plugin.spec.discover.find.command).toBeDefined();
  });

  const cases: Array<[string, Record<string, string>, Record<string, string>, boolean]> = [
    ["a plain chart (Argo CD's own Helm support keeps it)", {}, {}, false],
    ["a chart with fix-storage.yaml beside Chart.yaml", { "apps/devlake/fix-storage.yaml": "rules: {}\n" }, {}, true],
    ["an Application naming the plugin with plugin.env FIX_STORAGE_CONFIG", {}, { ARGOCD_ENV_FIX_STORAGE_CONFIG: "x.yaml" }, true],
    ["an Application naming the plugin with parameter fix-storage-enable", {}, { PARAM_FIX_STORAGE_ENABLE: "claim-retention" }, true],
    ["an Application with unrelated plugin.env", {}, { ARGOCD_ENV_HELM_VALUES: "values.yaml" }, false],
  ];
  for (const [what, files, entries, claimed] of cases) {
    it(`${what}: ${claimed ? "claimed" : "not claimed"}`, () => {
      const { app } = repository(files);
      const run = runCommand(plugin.spec.discover.find, app, { ...APP, ...entries });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout.trim() !== "").toBe(claimed);
    });
  }

  it("a directory without Chart.yaml is not claimed, even with fix-storage.yaml", () => {
    const { root } = repository({ "plain/fix-storage.yaml": "rules: {}\n" });
    expect(runCommand(plugin.spec.discover.find, join(root, "plain"), APP).stdout).toBe("");
  });
});

describe("examples/argocd generate.sh, as the CMP server runs it", () => {
  it("passes the release, namespace, cluster version, API versions, value files and parameters to helm", () => {
    const { app } = repository({ "apps/devlake/values-prod.yaml": "a: 1\n", "shared/common.yaml": "b: 2\n" });
    const run = runCommand(plugin.spec.generate, app, {
      ...APP,
      ARGOCD_APP_NAME: "argocd-apps_devlake",
      KUBE_VERSION: "1.29.4",
      KUBE_API_VERSIONS: "apps/v1,batch/v1,monitoring.coreos.com/v1",
      PARAM_VALUES_FILES_0: "values-prod.yaml",
      PARAM_VALUES_FILES_1: "../../shared/common.yaml",
      PARAM_SET_0: "mysql.auth.password=a b;$(touch /tmp/x)",
      PARAM_SET_1: "replicas=2",
      PARAM_SET_STRING_0: "image.tag=1.0",
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.helmArgs).toEqual([
      "template",
      "devlake",
      ".",
      "--namespace",
      "analytics",
      "--include-crds",
      "--kube-version",
      "1.29.4",
      "--api-versions",
      "apps/v1",
      "--api-versions",
      "batch/v1",
      "--api-versions",
      "monitoring.coreos.com/v1",
      "--values",
      "values-prod.yaml",
      "--values",
      "../../shared/common.yaml",
      "--set",
      "mysql.auth.password=a b;$(touch /tmp/x)",
      "--set",
      "replicas=2",
      "--set-string",
      "image.tag=1.0",
    ]);
    // fix-storage ran on helm's output with the same release name and the destination namespace.
    expect(mysql(run.stdout).spec.volumeClaimTemplates[0].metadata.annotations).toEqual({
      "meta.helm.sh/release-name": "devlake",
      "meta.helm.sh/release-namespace": "analytics",
    });
  });

  it("without KUBE_VERSION or parameters, passes only what Argo CD's own Helm support would", () => {
    const { app } = repository();
    const run = runCommand(plugin.spec.generate, app, APP);
    expect(run.code, run.stderr).toBe(0);
    expect(run.helmArgs).toEqual(["template", "devlake", ".", "--namespace", "analytics", "--include-crds"]);
  });

  it("value files from plugin.env HELM_VALUES (comma-separated)", () => {
    const { app } = repository({ "apps/devlake/a.yaml": "", "apps/devlake/b.yaml": "" });
    const run = runCommand(plugin.spec.generate, app, { ...APP, ARGOCD_ENV_HELM_VALUES: "a.yaml,b.yaml" });
    expect(run.helmArgs?.slice(-4)).toEqual(["--values", "a.yaml", "--values", "b.yaml"]);
  });

  it("uses fix-storage.yaml beside the chart as its config, and plugin.env / parameters for settings", () => {
    const { app } = repository({ "apps/devlake/fix-storage.yaml": "rules:\n  claim-retention:\n    enabled: true\n" });
    const withFile = runCommand(plugin.spec.generate, app, APP);
    expect(mysql(withFile.stdout).spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Delete", whenScaled: "Retain" });
    const { app: plain } = repository();
    const viaParam = runCommand(plugin.spec.generate, plain, { ...APP, PARAM_FIX_STORAGE_ENABLE: "claim-retention", PARAM_FIX_STORAGE_DISABLE: "claim-ownership" });
    const fixed = mysql(viaParam.stdout);
    expect(fixed.spec.persistentVolumeClaimRetentionPolicy).toBeDefined();
    expect(fixed.spec.volumeClaimTemplates[0].metadata.annotations).toBeUndefined();
    const viaEnv = runCommand(plugin.spec.generate, plain, { ...APP, ARGOCD_ENV_FIX_STORAGE_ENABLE: "claim-retention" });
    expect(mysql(viaEnv.stdout).spec.persistentVolumeClaimRetentionPolicy).toBeDefined();
  });

  const refused: Array<[string, Record<string, string>, string]> = [
    ["a name over Helm's 53 characters", { ARGOCD_APP_NAME: `argocd_${"a".repeat(54)}` }, "longer than Helm's 53 characters: set the plugin parameter release-name"],
    ["a release-name parameter Helm rejects", { PARAM_RELEASE_NAME: "My_Release" }, 'release name "My_Release" is not one Helm accepts'],
    ["an absolute value file", { PARAM_VALUES_FILES_0: "/etc/passwd" }, "value file /etc/passwd: give a path inside the repository"],
    ["a value file outside the repository", { PARAM_VALUES_FILES_0: "../../../outside.yaml" }, "value file ../../../outside.yaml is outside the repository"],
    ["a helm failure", { FAKE_HELM_FAIL: "chart requires kubeVersion >=1.30" }, "Error: chart requires kubeVersion >=1.30"],
  ];
  for (const [what, entries, message] of refused) {
    it(`fails visibly on ${what}, writing no manifests`, () => {
      const { app } = repository();
      const run = runCommand(plugin.spec.generate, app, { ...APP, ...entries });
      expect(run.code).not.toBe(0);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain(message);
    });
  }

  it("a long Application name works once release-name is given", () => {
    const { app } = repository();
    const run = runCommand(plugin.spec.generate, app, { ...APP, ARGOCD_APP_NAME: "a".repeat(60), PARAM_RELEASE_NAME: "devlake" });
    expect(run.code, run.stderr).toBe(0);
    expect(run.helmArgs?.[1]).toBe("devlake");
    expect(mysql(run.stdout).spec.volumeClaimTemplates[0].metadata.annotations["meta.helm.sh/release-name"]).toBe("devlake");
  });
});

describe("examples/argocd/generate.sh and fix-storage's own settings", () => {
  it("plugin.env FIX_STORAGE_RELEASE_NAME names the release for helm and fix-storage alike (no conflict with itself)", () => {
    const { app } = repository();
    const run = runCommand(plugin.spec.generate, app, { ...APP, ARGOCD_APP_NAME: "argocd_other", ARGOCD_ENV_FIX_STORAGE_RELEASE_NAME: "devlake" });
    expect(run.code, run.stderr).toBe(0);
    expect(run.helmArgs?.[1]).toBe("devlake");
    expect(mysql(run.stdout).spec.volumeClaimTemplates[0].metadata.annotations["meta.helm.sh/release-name"]).toBe("devlake");
  });

  it("plugin.env FIX_STORAGE_RELEASE_NAME that disagrees with the release-name parameter fails, naming both", () => {
    const { app } = repository();
    const run = runCommand(plugin.spec.generate, app, { ...APP, PARAM_RELEASE_NAME: "foo", ARGOCD_ENV_FIX_STORAGE_RELEASE_NAME: "bar" });
    expect(run).toMatchObject({ code: 1, stdout: "" });
    expect(run.stderr).toContain('plugin.env FIX_STORAGE_RELEASE_NAME is "bar" but helm renders release "foo": keep one');
    expect(run.helmArgs).toBeUndefined();
  });

  it("fix-storage gets the namespace helm rendered with, whatever HELM_NAMESPACE the sidecar's environment holds", () => {
    const { app } = repository();
    const run = runCommand(plugin.spec.generate, app, { ...APP, HELM_NAMESPACE: "default" });
    expect(run.code, run.stderr).toBe(0);
    expect(mysql(run.stdout).spec.volumeClaimTemplates[0].metadata.annotations["meta.helm.sh/release-namespace"]).toBe("analytics");
  });
});

describe("fix-storage reads Argo CD's environment itself", () => {
  it("takes the release from ARGOCD_APP_NAME (also <namespace>_<name>) and ARGOCD_APP_NAMESPACE", () => {
    const run = runBin([], RENDER, { ARGOCD_APP_NAME: "argocd-apps_devlake", ARGOCD_APP_NAMESPACE: "analytics" });
    expect(run.code).toBe(0);
    expect(mysql(run.stdout).spec.volumeClaimTemplates[0].metadata.annotations).toEqual({
      "meta.helm.sh/release-name": "devlake",
      "meta.helm.sh/release-namespace": "analytics",
    });
    // The StatefulSet's own label names release lake: the environment does not overrule the object itself.
    const disagreeing = runBin(["--explain"], RENDER.replace(/app\.kubernetes\.io\/instance: devlake/g, "app.kubernetes.io/instance: lake"), {
      ARGOCD_APP_NAME: "argocd-apps_devlake",
      ARGOCD_APP_NAMESPACE: "analytics",
    });
    expect(mysql(disagreeing.stdout).spec.volumeClaimTemplates[0].metadata.annotations).toBeUndefined();
    expect(disagreeing.stderr).toContain("states release name lake (its app.kubernetes.io/instance label), but ARGOCD_APP_NAME says devlake");
  });

  it("fails visibly (exit 2, message on stderr, no output) on a bad setting", () => {
    const run = runBin([], RENDER, { ARGOCD_ENV_FIX_STORAGE_ENABLE: "claim-labels" });
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toContain('unknown rule "claim-labels"');
  });
});

describe("examples/argocd manifests", () => {
  it("the sidecar uses the fix-storage image and mounts plugin.yaml and generate.sh where the CMP server reads them", () => {
    const patch = parse(readFileSync(join(ARGOCD, "repo-server-patch.yaml"), "utf8"));
    const [sidecar] = patch.spec.template.spec.containers;
    expect(sidecar.image).toMatch(/^ghcr\.io\/fix-storage\/fix-storage:\d+\.\d+\.\d+$/);
    expect(sidecar.command).toEqual(["/var/run/argocd/argocd-cmp-server"]);
    expect(sidecar.volumeMounts).toContainEqual({ mountPath: "/home/argocd/cmp-server/config", name: "helm-fix-storage-cmp" });
    expect(plugin.spec.generate.command).toEqual(["sh", "/home/argocd/cmp-server/config/generate.sh"]);
  });

  it("the Application's parameters are ones the plugin announces", () => {
    const application = parse(readFileSync(join(ARGOCD, "application.yaml"), "utf8"));
    const announced = plugin.spec.parameters.static.map((p: { name: string }) => p.name);
    for (const parameter of application.spec.source.plugin.parameters) expect(announced).toContain(parameter.name);
  });
});
