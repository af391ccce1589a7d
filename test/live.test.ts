/** --live: never emit a volumeClaimTemplate change that a live StatefulSet forbids. */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isDeepStrictEqual } from "node:util";
import { join } from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { differences, normalizeTemplate, sameQuantity } from "../src/live/claim-template-diff.js";
import { parseLiveState } from "../src/live/live-state.js";
import { liveNamespacesFor } from "../src/fix-stream.js";
import { readLiveState } from "../src/cli/live-source.js";
import { ALL_RULES_OFF, EXAMPLES, example, fix, runBin } from "./helpers.js";
import { tempDir } from "./frontends/hosts.js";

// biome-ignore lint/suspicious/noExplicitAny: manifests are arbitrary data
type Obj = Record<string, any>;

const ALLOWED = new Set(["replicas", "ordinals", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"]);

function statefulSetOf(stream: string, name?: string): Obj {
  return parseAllDocuments(stream)
    .map((doc) => doc.toJS() as Obj)
    .find((object) => object?.kind === "StatefulSet" && (name === undefined || object.metadata.name === name)) as Obj;
}

/** What `kubectl get statefulset -o yaml` prints for an installed render: server defaults and status added. */
function asLive(rendered: Obj): Obj {
  const live = structuredClone(rendered);
  live.metadata = { namespace: "devlake", ...live.metadata, uid: "0b4e", resourceVersion: "1", generation: 1, creationTimestamp: "2026-01-01T00:00:00Z" };
  live.spec.podManagementPolicy ??= "OrderedReady";
  live.spec.revisionHistoryLimit ??= 10;
  live.spec.volumeClaimTemplates = live.spec.volumeClaimTemplates.map((template: Obj) => ({
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    ...template,
    metadata: { creationTimestamp: null, ...template.metadata },
    spec: { volumeMode: "Filesystem", ...template.spec },
    status: { phase: "Pending" },
  }));
  live.status = { replicas: 1, readyReplicas: 1 };
  return live;
}

function liveFile(...items: Obj[]): string {
  const path = join(tempDir(), "live.yaml");
  writeFileSync(path, stringify({ apiVersion: "v1", kind: "List", items }));
  return path;
}

/** Spec fields the API server would see change, other than those it allows on a live StatefulSet. */
function forbiddenChanges(rendered: Obj, live: Obj): string[] {
  return Object.keys(rendered.spec).filter((key) => {
    if (ALLOWED.has(key)) return false;
    if (key === "volumeClaimTemplates") {
      return !isDeepStrictEqual(
        rendered.spec[key].map((template: Obj) => normalizeTemplate(template)),
        live.spec[key].map((template: Obj) => normalizeTemplate(template)),
      );
    }
    return !isDeepStrictEqual(rendered.spec[key], live.spec[key]);
  });
}

describe("--live compares storage quantities by value, as the API server does", () => {
  it.each([
    ["1.5Gi", "1536Mi", true],
    ["1Gi", "1024Mi", true],
    ["1G", "1000M", true],
    ["0.5Gi", "512Mi", true],
    // Plain digits as a number are what a reader made of them; to Kubernetes' YAML 1.1, 010 is 8.
    [1073741824, "1Gi", false],
    ["1Ki", "1024", true],
    ["0.1Gi", "107374182400m", true],
    ["1500m", "1.5", true],
    ["1Ei", "1152921504606846976", true],
    ["9007199254740993", "9007199254740992", false],
    ["1Gi", "1G", false],
    ["2Gi", "1536Mi", false],
    ["1.5Gi", "1.5Gi", true],
    ["10Gi ", "10Gi", false],
    ["1e3", "1k", false],
  ])("%s and %s: %s", (a, b, same) => expect(sameQuantity(a, b)).toBe(same));

  const statefulSet = (storage: string, namespace = "") => `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
${namespace}spec:
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers: [{name: db, image: db:1, volumeMounts: [{name: data, mountPath: /data}]}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: ${storage}}}
`;
  const run = (rendered: string, live: string) =>
    fix(rendered, { ...ALL_RULES_OFF, scopedRelease: { namespace: "ns" }, live: { state: parseLiveState(statefulSet(live, "  namespace: ns\n"), "live.yaml"), mode: "pin" } });

  it("compares a template's metadata whole (finalizers, a namespace), but for the null creationTimestamp the server writes", () => {
    const live = { metadata: { name: "data", creationTimestamp: null }, spec: { accessModes: ["ReadWriteOnce"] } };
    const rendered = { metadata: { name: "data", namespace: "apps", finalizers: ["kubernetes.io/pvc-protection"] }, spec: { accessModes: ["ReadWriteOnce"] } };
    expect(differences(normalizeTemplate(live), normalizeTemplate(rendered))).toEqual([
      'metadata.namespace: live absent, rendered "apps"',
      'metadata.finalizers: live absent, rendered ["kubernetes.io/pvc-protection"]',
    ]);
    expect(differences(normalizeTemplate(live), normalizeTemplate({ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"] } }))).toEqual([]);
  });

  it("a template asking for 1.5Gi where the cluster holds 1536Mi is unchanged: nothing pinned, nothing reported", async () => {
    const result = await run(statefulSet("1.5Gi"), "1536Mi");
    expect(result.output).toBe(statefulSet("1.5Gi"));
    expect(result.findings.filter((finding) => finding.message.includes("cannot change"))).toEqual([]);
  });

  it("a plain 010 (8 to Kubernetes, 10 here) is not taken as the live \"10\": pinned, saying why", async () => {
    const result = await run(statefulSet("010"), '"10"');
    expect(result.findings.map((finding) => finding.message)).toContainEqual(
      expect.stringContaining("volumeClaimTemplates hold values Kubernetes reads otherwise (to its YAML 1.1 a plain 010 is 8, yes is true)"),
    );
    expect(result.output).toContain('storage: "10"');
  });

  it("2Gi where the cluster holds 1536Mi is a change: pinned, and the difference named as written", async () => {
    const result = await run(statefulSet("2Gi"), "1536Mi");
    expect(result.findings.map((finding) => finding.message)).toContainEqual(
      expect.stringContaining('volumeClaimTemplates[0].spec.resources.requests.storage: live "1536Mi", rendered "2Gi"'),
    );
  });
});

describe("--live from a file that holds nothing of a StatefulSet's namespace", () => {
  const render = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: data, labels: {app.kubernetes.io/instance: rel}}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template: {metadata: {labels: {app: db}}, spec: {containers: [{name: db, image: db:1}]}}
  volumeClaimTemplates:
    - metadata: {name: data, labels: {helm.sh/chart: db-1.2.3}}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;
  const messages = async (liveText: string) =>
    (await fix(render, { live: { state: parseLiveState(liveText, "live.yaml"), mode: "pin" } })).findings.filter((finding) => finding.message.includes("is not in live.yaml"));

  it("objects of other namespaces only: a warning that it is taken as new, naming the namespace to read", async () => {
    const found = await messages("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: x, namespace: apps}\nspec: {}\n");
    expect(found.map((finding) => [finding.severity, finding.message])).toEqual([
      [
        "warning",
        "StatefulSet data/db is not in live.yaml, which holds nothing of namespace data: it is taken as new, so its volumeClaimTemplates may change; if it exists, read that namespace too (kubectl get statefulsets,persistentvolumeclaims -n data -o yaml), or give --live kubectl",
      ],
    ]);
  });

  it("claims of its namespace but no StatefulSet at all (kubectl get pvc alone): a warning that it is taken as new", async () => {
    const found = await messages("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data-db-0, namespace: data}\nspec: {}\n");
    expect(found.map((finding) => finding.message)).toEqual([
      "StatefulSet data/db is not in live.yaml, which holds its claims (data-db-0) but no StatefulSet at all (read with kubectl get statefulsets,persistentvolumeclaims?): it is taken as new, so its volumeClaimTemplates may change",
    ]);
  });

  it("an empty List (a first install, or another namespace): the same, as an info", async () => {
    expect((await messages("apiVersion: v1\nkind: List\nitems: []\n")).map((finding) => finding.severity)).toEqual(["info"]);
    const otherStatefulSet = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: other, namespace: data}\nspec: {}\n";
    expect((await messages(otherStatefulSet)).length).toBe(0);
  });
});

describe("--live when a later rule reads a document Kubernetes may read otherwise", () => {
  // The StatefulSet as installed: its templates are the rendered ones, so Helm alone would upgrade it.
  const statefulSet = `---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: apps
  labels: {app.kubernetes.io/instance: rel, helm.sh/chart: db-1.2.3}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: db:1, volumeMounts: [{name: data, mountPath: /data}]}]}
  volumeClaimTemplates:
    - metadata:
        name: data
        labels: {app: db, helm.sh/chart: db-1.2.3}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;
  // Read first by cronjob-claims, after claim-template-labels and claim-ownership changed the templates.
  const cronJob = `---
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup, namespace: apps}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: c, image: busybox, args: ["echo backing up\u0085"]}]
`;

  it("undoes the earlier rules' template edits instead of writing a change the cluster forbids, and pins nothing", async () => {
    const result = await fix(statefulSet + cronJob, { live: { state: parseLiveState(statefulSet, "live.yaml"), mode: "pin" } });
    expect(result.output).toBe(statefulSet + cronJob);
    expect(result.changes).toEqual([]);
    const messages = result.findings.map((finding) => finding.message);
    expect(messages.filter((message) => message.includes("Pinned"))).toEqual([]);
    expect(messages).toContainEqual(expect.stringContaining("changes that rules made before a later rule read the document below are undone, so nothing is edited"));
  });

  it("the rendered templates differing from the live ones: said, since nothing can be pinned", async () => {
    const live = statefulSet.replace("helm.sh/chart: db-1.2.3}\n      spec", "helm.sh/chart: db-1.2.2}\n      spec");
    const result = await fix(statefulSet + cronJob, { live: { state: parseLiveState(live, "live.yaml"), mode: "pin" } });
    expect(result.output).toBe(statefulSet + cronJob);
    expect(result.findings.map((finding) => finding.message)).toContainEqual(expect.stringContaining("They cannot be pinned, since nothing is edited"));
  });
});

describe("--live with prometheus-pushgateway 2.16.0 installed, upgrading to 2.17.0", () => {
  const live = join(EXAMPLES, "prometheus-pushgateway", "live-2.16.0.yaml");
  const rendered = example("prometheus-pushgateway", "rendered-2.17.0.yaml");

  it("pins the templates to the live ones, so the upgrade touches no forbidden field, and prints the migration", () => {
    const run = runBin(["--live", live, "--explain"], rendered);
    expect(run.code).toBe(0);
    const liveObject = parseLiveState(example("prometheus-pushgateway", "live-2.16.0.yaml"), "live").statefulSets.get(
      "monitoring/pushgateway-prometheus-pushgateway",
    ) as Obj;
    const out = statefulSetOf(run.stdout);
    expect(out.spec.volumeClaimTemplates.map(normalizeTemplate)).toEqual(liveObject.spec.volumeClaimTemplates.map(normalizeTemplate));
    expect(forbiddenChanges(out, liveObject)).toEqual([]);
    expect(forbiddenChanges(statefulSetOf(rendered), liveObject)).toEqual(["volumeClaimTemplates"]);
    expect(run.stderr).toContain(
      'volumeClaimTemplates[0].metadata.labels.helm.sh/chart: live "prometheus-pushgateway-2.16.0", rendered absent',
    );
    expect(run.stderr).toContain(
      "kubectl delete statefulset pushgateway-prometheus-pushgateway -n monitoring --cascade=orphan, then run the upgrade again",
    );
    expect(runBin(["--live", live], run.stdout).stdout).toBe(run.stdout);
  });

  it("check --live says what would be pinned; --live-mode fail exits 2 naming every difference", () => {
    const file = join(tempDir(), "r.yaml");
    writeFileSync(file, rendered);
    const check = runBin(["check", "--live", live, file]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("live-state");
    const fail = runBin(["--live", live, "--live-mode", "fail"], rendered);
    expect(fail).toMatchObject({ code: 2, stdout: "" });
    expect(fail.stderr).toContain("--live-mode fail: 1 problem(s) with the live state");
    expect(fail.stderr).toContain("volumeClaimTemplates[0].metadata.labels.app.kubernetes.io/version: live \"v1.10.0\", rendered absent");
  });

  it("gives PVC expansion steps when a template asks for more storage", async () => {
    const bigger = rendered.replace('storage: "2Gi"', 'storage: "8Gi"');
    const result = await fix(bigger, {
      live: { state: parseLiveState(example("prometheus-pushgateway", "live-2.16.0.yaml"), "live"), mode: "pin" },
    });
    expect(result.findings.map((finding) => finding.message)).toContainEqual(
      expect.stringContaining(
        `asks for 8Gi instead of 2Gi: the template stays pinned, so expand the PVCs themselves (their StorageClass needs allowVolumeExpansion: true): kubectl patch pvc storage-volume-pushgateway-prometheus-pushgateway-0 -n monitoring -p '{"spec":{"resources":{"requests":{"storage":"8Gi"}}}}'`,
      ),
    );
  });

  it("names the PVCs to expand from the cluster: its claims of the template, else the live StatefulSet's replicas", async () => {
    const bigger = rendered.replace('storage: "2Gi"', 'storage: "8Gi"');
    const liveText = example("prometheus-pushgateway", "live-2.16.0.yaml");
    const expansions = async (text: string) => {
      const result = await fix(bigger, { live: { state: parseLiveState(text, "live"), mode: "pin" } });
      const message = result.findings.map((finding) => finding.message).find((found) => found.includes("expand the PVCs")) ?? "";
      return [...message.matchAll(/kubectl patch pvc (\S+)/g)].map((match) => match[1]);
    };
    // An autoscaler (or kubectl scale) set the live count: the rendered replicas: 1 does not say which PVCs exist.
    const scaled = liveText.replace(/^ {2}replicas: 1$/m, "  replicas: 3\n  ordinals:\n    start: 2");
    expect(scaled).not.toBe(liveText);
    const prefix = "storage-volume-pushgateway-prometheus-pushgateway-";
    expect(await expansions(scaled)).toEqual([`${prefix}2`, `${prefix}3`, `${prefix}4`]);
    const claim = (name: string) =>
      `---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: ${name}\n  namespace: monitoring\nspec:\n  resources:\n    requests:\n      storage: 2Gi\n`;
    const withClaims = `${scaled}${claim(`${prefix}10`)}${claim(`${prefix}0`)}${claim(`${prefix}x`)}${claim("other-0")}`;
    expect(await expansions(withClaims)).toEqual([`${prefix}0`, `${prefix}10`]);
  });

  it("leaves non-template fixes alone and pins nothing when the templates already match", async () => {
    const state = parseLiveState(example("prometheus-pushgateway", "live-2.16.0.yaml"), "live");
    const result = await fix(example("prometheus-pushgateway", "rendered-2.16.0.yaml"), {
      disable: ["claim-template-labels", "claim-ownership"],
      enable: ["claim-retention"],
      live: { state, mode: "pin" },
    });
    expect(result.changes.map((change) => change.rule)).toEqual(["claim-retention", "claim-retention"]);
    expect(result.findings.filter((finding) => finding.rule === "live-state")).toEqual([]);
  });
});

describe("--live with Apache DevLake", () => {
  const rendered = example("devlake", "rendered.yaml");

  it("installed without fix-storage, then rendered with it: pinned, with the migration", async () => {
    const live = liveFile(asLive(statefulSetOf(rendered, "devlake-mysql")));
    const run = runBin(["--live", live, "-n", "devlake", "--enable", "claim-retention", "--explain"], rendered);
    expect(run.code).toBe(0);
    const out = statefulSetOf(run.stdout, "devlake-mysql");
    expect(out.spec.volumeClaimTemplates[0].metadata.annotations).toBeUndefined();
    expect(out.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Delete", whenScaled: "Retain" });
    expect(run.stderr).toContain("kubectl delete statefulset devlake-mysql -n devlake --cascade=orphan");
  });

  it("rendered fresh against a cluster that still holds the old claim: stale data reported, exit 2 with --live-mode fail", () => {
    const claim = {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "devlake-mysql-data-devlake-mysql-0", namespace: "devlake", creationTimestamp: new Date(Date.now() - 3 * 86400_000).toISOString() },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "50Gi" } } },
    };
    const live = liveFile(claim);
    const run = runBin(["--live", live, "-n", "devlake", "--explain"], rendered);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      "StatefulSet devlake/devlake-mysql does not exist in the cluster, but its claims do: devlake-mysql-data-devlake-mysql-0 (created 3d ago, no release annotations). Its new pods will mount the old data. To start empty: kubectl delete pvc devlake-mysql-data-devlake-mysql-0 -n devlake",
    );
    const fail = runBin(["--live", live, "-n", "devlake", "--live-mode", "fail"], rendered);
    expect(fail).toMatchObject({ code: 2, stdout: "" });
    expect(fail.stderr).toContain("devlake-mysql-data-devlake-mysql-0");
  });
});

describe("--live kubectl", () => {
  function fakeKubectl(script: string): Record<string, string> {
    const dir = tempDir();
    const path = join(dir, "kubectl");
    writeFileSync(path, `#!/bin/sh\n${script}\n`);
    chmodSync(path, 0o755);
    return { PATH: `${dir}:${process.env.PATH}` };
  }

  it("asks kubectl for the release namespace's StatefulSets and PVCs", () => {
    const liveText = example("prometheus-pushgateway", "live-2.16.0.yaml");
    const listFile = join(tempDir(), "out.yaml");
    writeFileSync(listFile, liveText);
    const env = fakeKubectl(`echo "$@" > "${listFile}.args"\ncat "${listFile}"`);
    const run = runBin(["--live", "kubectl"], example("prometheus-pushgateway", "rendered-2.17.0.yaml"), env);
    expect(run.code).toBe(0);
    expect(statefulSetOf(run.stdout).spec.volumeClaimTemplates[0].metadata.labels["helm.sh/chart"]).toBe("prometheus-pushgateway-2.16.0");
  });

  it("reads each namespace the rendered StatefulSets live in, and refuses, naming -n, when one states none", () => {
    const calls = join(tempDir(), "calls");
    const env = fakeKubectl(`echo "$@" >> "${calls}"\necho "apiVersion: v1\nkind: List\nitems: []"`);
    const statefulSet = (name: string, namespace: string) =>
      `---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: ${name}\n${namespace}spec:\n  serviceName: ${name}\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec: {containers: [{name: c, image: c:1}]}\n`;
    const run = runBin(["--live", "kubectl"], statefulSet("a", "  namespace: shop\n") + statefulSet("b", "  namespace: crm\n"), env);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(calls, "utf8")).toBe(
      "get statefulsets,persistentvolumeclaims -n crm -o yaml --request-timeout=25s\nget statefulsets,persistentvolumeclaims -n shop -o yaml --request-timeout=25s\n",
    );
    const unplaced = runBin(["--live", "kubectl"], statefulSet("a", ""), env);
    expect(unplaced).toMatchObject({ code: 2, stdout: "" });
    expect(unplaced.stderr).toContain("--live cannot tell which namespace to compare StatefulSet a with");
    expect(unplaced.stderr).toContain("pass -n NS (--namespace)");
  });

  it("fails clearly when the cluster cannot be reached", () => {
    const env = fakeKubectl('echo "The connection to the server localhost:8080 was refused" >&2; exit 1');
    const run = runBin(["--live", "kubectl"], example("prometheus-pushgateway", "rendered-2.17.0.yaml"), env);
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toContain(
      "--live kubectl: kubectl get statefulsets,persistentvolumeclaims -n monitoring -o yaml --request-timeout=25s failed: The connection to the server localhost:8080 was refused",
    );
  });

  it("names kubectl's exit status when it fails without a word", () => {
    const run = runBin(["--live", "kubectl"], example("prometheus-pushgateway", "rendered-2.17.0.yaml"), fakeKubectl("exit 3"));
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toContain("--live kubectl: kubectl get statefulsets,persistentvolumeclaims -n monitoring -o yaml --request-timeout=25s failed: exit 3 (");
  });

  it("fails clearly when kubectl is missing or the file is", () => {
    expect(runBin(["--live", "kubectl"], example("prometheus-pushgateway", "rendered-2.17.0.yaml"), { PATH: "/nonexistent" }).stderr).toContain(
      "kubectl is not on PATH",
    );
    expect(runBin(["--live", "/nonexistent.yaml"], example("devlake", "rendered.yaml")).stderr).toContain("--live /nonexistent.yaml does not exist");
    expect(runBin(["--live-mode", "fail"], example("devlake", "rendered.yaml")).stderr).toContain("--live-mode needs --live");
  });

  it("refuses a live file with no YAML in it: kubectl prints an empty List when it finds nothing, so it is a failed command", () => {
    for (const text of ["", "\n", "# kubectl get failed\n"]) {
      const file = join(tempDir(), "live.yaml");
      writeFileSync(file, text);
      const run = runBin(["--live", file], example("devlake", "rendered.yaml"));
      expect(run).toMatchObject({ code: 2, stdout: "" });
      expect(run.stderr).toContain(`--live ${file} holds no YAML: kubectl get … -o yaml prints a List even when it finds nothing`);
    }
    for (const text of ["{}\n", "[]\n", "null\n"]) {
      const file = join(tempDir(), "live.yaml");
      writeFileSync(file, text);
      const run = runBin(["--live", file, "-n", "devlake"], example("devlake", "rendered.yaml"));
      expect(run).toMatchObject({ code: 2, stdout: "" });
      expect(run.stderr).toContain(`--live ${file} holds no Kubernetes object or List`);
    }
    const emptyList = join(tempDir(), "live.yaml");
    writeFileSync(emptyList, "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\"\n");
    expect(runBin(["--live", emptyList, "-n", "devlake"], example("devlake", "rendered.yaml")).code).toBe(0);
  });
});

describe("--live compares the right object, or refuses", () => {
  /** A namespace-less StatefulSet `db` with two claim templates, beside a RoleBinding in kube-system. */
  const RENDER = `---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: kube-system}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
        - name: db
          image: db:1
          volumeMounts:
            - {name: data, mountPath: /data}
            - {name: logs, mountPath: /logs}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
    - metadata: {name: logs}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;
  /** The live StatefulSet `db` in `namespace`, with the claim templates given as literal YAML. */
  const liveStatefulSet = (namespace: string, templates: string) => `---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: ${namespace}}
spec:
  volumeClaimTemplates:
${templates}`;
  const BOTH = `    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
    - metadata: {name: logs}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;
  const DATA_ONLY = `    - metadata: {name: data, labels: {tier: old}}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;
  const state = (text: string) => parseLiveState(text, "live.yaml");
  const options = (text: string, namespace?: string) => ({
    ...ALL_RULES_OFF,
    ...(namespace !== undefined && { release: { namespace } }),
    live: { state: state(text), mode: "pin" as const },
  });

  it("without a namespace it refuses, naming -n, instead of comparing nothing", async () => {
    await expect(fix(RENDER, options(liveStatefulSet("apps", BOTH)))).rejects.toThrow(
      "--live cannot tell which namespace to compare StatefulSet db with: it states no metadata.namespace and no release namespace is given; pass -n NS (--namespace)",
    );
  });

  it("compares with the StatefulSet of the release namespace, never one a neighbour's namespace names", async () => {
    const live = liveStatefulSet("kube-system", DATA_ONLY) + liveStatefulSet("apps", BOTH);
    const result = await fix(RENDER, options(live, "apps"));
    expect(result.output).toBe(RENDER);
    expect(result.findings).toEqual([]);
  });

  it("a live object with no namespace (helm get manifest) is the release namespace's, given by -n", async () => {
    const live = liveStatefulSet("apps", DATA_ONLY).replace("metadata: {name: db, namespace: apps}", "metadata: {name: db}");
    const render = RENDER.replace("            - {name: logs, mountPath: /logs}\n", "").replace(
      "    - metadata: {name: logs}\n      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n",
      "",
    );
    const result = await fix(render, options(live, "apps"));
    expect(statefulSetOf(result.output).spec.volumeClaimTemplates[0].metadata).toEqual({ name: "data", labels: { tier: "old" } });
  });

  it("a live object with no namespace and no release namespace given: refused, naming -n, never compared with nothing", async () => {
    const live = liveStatefulSet("apps", BOTH).replace("metadata: {name: db, namespace: apps}", "metadata: {name: db}");
    await expect(fix(RENDER.replace("metadata:\n  name: db\n", "metadata:\n  name: db\n  namespace: apps\n"), options(live))).rejects.toThrow(
      "--live live.yaml: StatefulSet db states no metadata.namespace (helm get manifest prints a chart's objects so); pass -n NAMESPACE, the release's, to read them there",
    );
  });

  it("refuses a pin that would leave a mount with neither a volume nor a template, naming the mount and the migration", async () => {
    await expect(fix(RENDER, options(liveStatefulSet("apps", DATA_ONLY), "apps"))).rejects.toThrow(
      "--live: pinning StatefulSet db to its live volumeClaimTemplates would leave container db: volumeMount logs at /logs with neither a volume nor a claim template, so the pods could not start. The new templates need a migration: kubectl delete statefulset db -n apps --cascade=orphan, then run the upgrade again",
    );
  });

  it("a pin's record names the fields that differ, not two truncated JSON strings", async () => {
    const render = RENDER.replace("            - {name: logs, mountPath: /logs}\n", "").replace(
      "    - metadata: {name: logs}\n      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n",
      "",
    );
    const result = await fix(render, options(liveStatefulSet("apps", DATA_ONLY), "apps"));
    expect(result.changes.map((change) => change.reason)).toEqual([
      'pinned to the live templates, since the upgrade would be forbidden; fields that differ: volumeClaimTemplates[0].metadata.labels: live {"tier":"old"}, rendered absent',
    ]);
    expect(statefulSetOf(result.output).spec.volumeClaimTemplates[0].metadata).toEqual({ name: "data", labels: { tier: "old" } });
  });
});

describe("--live kubectl: what it asks for", () => {
  it("asks for statefulsets and claims per namespace", () => {
    const dir = mkdtempSync(join(tmpdir(), "fix-storage-kubectl-"));
    const kubectl = join(dir, "kubectl");
    writeFileSync(
      kubectl,
      `#!/bin/sh\necho "$@" > ${join(dir, "args")}\nprintf 'apiVersion: v1\\nkind: List\\nitems:\\n  - {apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: data, namespace: apps}, spec: {accessModes: [ReadWriteMany]}}\\n'\n`,
    );
    chmodSync(kubectl, 0o755);
    const state = readLiveState("kubectl", () => ["apps"], { FIX_STORAGE_KUBECTL: kubectl });
    expect(readFileSync(join(dir, "args"), "utf8")).toMatch(/^get statefulsets,persistentvolumeclaims -n apps -o yaml/);
    expect(state.claims.map(({ namespace, name, accessModes }) => ({ namespace, name, accessModes }))).toEqual([
      { namespace: "apps", name: "data", accessModes: ["ReadWriteMany"] },
    ]);
  });

  it("reads the namespaces of Deployments on claims too, for their access modes (rwo-rollout)", () => {
    const render = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app, namespace: web}\nspec:\n  selector: {matchLabels: {app: app}}\n  template:\n    metadata: {labels: {app: app}}\n    spec:\n      containers: [{name: app, image: app:1}]\n      volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]\n";
    expect(liveNamespacesFor(render)).toEqual(["web"]);
  });
});

describe("--live and a pre-upgrade hook that deletes the StatefulSet (Loki 6's statefulset-recreate-job)", () => {
  // Loki chart 6.30.0, templates/single-binary/statefulset-recreate-job.yaml (enableStatefulSetRecreationForSizeChange):
  // kubectl deletes the StatefulSet, orphaning its pods and claims, before Helm applies the new one.
  const hook = (args: string, phase = "pre-upgrade") => `---
apiVersion: batch/v1
kind: Job
metadata:
  name: loki-recreate
  namespace: monitoring
  annotations: {helm.sh/hook: ${phase}}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - {name: recreate-statefulset, image: docker.io/rancher/kubectl:v1.33.0, args: ${args}}
`;
  const statefulSet = (size: string) => `---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: loki, namespace: monitoring, labels: {app.kubernetes.io/instance: loki}}
spec:
  serviceName: loki-headless
  selector: {matchLabels: {app: loki}}
  template: {metadata: {labels: {app: loki}}, spec: {containers: [{name: loki, image: grafana/loki:3.5.0}]}}
  volumeClaimTemplates:
    - metadata: {name: storage}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: ${size}}}}
`;
  const state = parseLiveState(statefulSet("10Gi"), "live.yaml");
  const run = (input: string, mode: "pin" | "fail" = "pin") => fix(input, { disable: ["claim-ownership", "idempotent-cleanup"], live: { state, mode } });
  const ARGS = "[delete, statefulset, --namespace=monitoring, --cascade=orphan, loki, --ignore-not-found]";

  it("the rendered templates are kept, with an info naming the hook, and --live-mode fail passes", async () => {
    const input = hook(ARGS) + statefulSet("20Gi");
    const result = await run(input);
    expect(result.output).toBe(input);
    expect(result.findings.map((finding) => [finding.severity, finding.message])).toEqual([
      [
        "info",
        'StatefulSet monitoring/loki: its volumeClaimTemplates differ from the live ones (volumeClaimTemplates[0].spec.resources.requests.storage: live "10Gi", rendered "20Gi"), but Job monitoring/loki-recreate, a hook run before the upgrade, deletes it, and Helm then creates it anew: the rendered templates are kept, not pinned (if the hook does not run, the upgrade is forbidden)',
      ],
    ]);
    expect((await run(input, "fail")).output).toBe(input);
  });

  it.each([
    ["a script", '[sh, -c, "kubectl -n monitoring delete sts/loki --cascade=orphan"]'],
    ["statefulsets.apps", "[delete, statefulsets.apps, loki, --cascade=orphan]"],
    ["a script with other commands taking -n", '[sh, -c, "kubectl delete statefulset loki --cascade=orphan\\necho -n done | head -n 1"]'],
  ])("so does one that deletes it in %s", async (_, args) => {
    expect((await run(hook(args) + statefulSet("20Gi"))).findings.map((finding) => finding.severity)).toEqual(["info"]);
  });

  it("a hook phase written in capitals (Helm lowercases them): the same", async () => {
    expect((await run(hook(ARGS, "Pre-Upgrade") + statefulSet("20Gi"))).findings.map((finding) => finding.severity)).toEqual(["info"]);
  });

  it.each([
    ["a post-upgrade hook", hook(ARGS, "post-upgrade")],
    ["a hook deleting another StatefulSet", hook("[delete, statefulset, --namespace=monitoring, loki-other]")],
    ["a hook deleting it in another namespace", hook("[delete, statefulset, --namespace=logs, loki]")],
    ["a hook that only reads it", hook("[get, statefulset, --namespace=monitoring, loki]")],
    ["a dry run", hook('[sh, -c, "kubectl delete statefulset loki --cascade=orphan --dry-run=client"]')],
    ["a delete of something else, then a command naming it", hook('[sh, -c, "kubectl delete pod x; kubectl rollout status statefulset loki"]')],
    ["a command that only prints one", hook('[sh, -c, "echo to migrate: kubectl delete statefulset loki --cascade=orphan"]')],
    ["the Job as an item of a List (Helm runs no List item as a hook)", `---\napiVersion: v1\nkind: List\nitems:\n${hook(ARGS).replace("---\n", "").replace(/^/gm, "  ").replace(/^ {2}apiVersion/, "- apiVersion").trimEnd()}\n`],
  ])("%s does not: the templates are pinned as before", async (_, job) => {
    const result = await run(job + statefulSet("20Gi"));
    expect(result.output).toContain("storage: 10Gi");
    expect(result.findings.map((finding) => finding.message).join("\n")).toContain("Pinned to the live templates");
  });
});
