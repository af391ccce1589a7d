import { describe, expect, it } from "vitest";
import { carriesVersion } from "../../src/rules/claim-template-labels.js";
import { fix, yaml } from "../helpers.js";

const only = { enable: ["claim-template-labels"], disable: ["claim-ownership", "cronjob-claims", "volume-name", "idempotent-cleanup"] };

const BASE = yaml`
  apiVersion: apps/v1
  kind: StatefulSet
  metadata:
    name: web
    labels:
      helm.sh/chart: web-1.2.3
      app.kubernetes.io/version: "4.5.6"
      app.kubernetes.io/name: web
  spec:
    serviceName: web
    selector:
      matchLabels:
        app.kubernetes.io/name: web
    template:
      metadata:
        labels:
          app.kubernetes.io/name: web
          helm.sh/chart: web-1.2.3
      spec:
        containers:
          - name: web
            image: web:4.5.6
    volumeClaimTemplates:
      - metadata:
          name: data
  #LABELS#
        spec:
          accessModes: [ReadWriteOnce]
          resources:
            requests:
              storage: 1Gi
`;

/** The StatefulSet above with these lines (indented for the VCT's metadata) in place of #LABELS#. */
function statefulSet(vctLabels: string): string {
  return BASE.replace("#LABELS#\n", vctLabels === "" ? "" : `${vctLabels}\n`);
}

describe("claim-template-labels", () => {
  it("removes version-carrying labels and labels whose value is the chart's version, only in volumeClaimTemplates", async () => {
    const before = statefulSet(`        labels:
          app.kubernetes.io/name: web
          helm.sh/chart: web-1.2.3
          chart: web-1.2.3
          version: "4.5.6"
          app.kubernetes.io/version: "4.5.6"
          image-tag: "4.5.6"`);
    const after = statefulSet(`        labels:
          app.kubernetes.io/name: web`);
    const result = await fix(before, only);
    expect(result.output).toBe(after);
    expect(result.changes.map((change) => change.path.at(-1))).toEqual([
      "helm.sh/chart",
      "chart",
      "version",
      "app.kubernetes.io/version",
      "image-tag",
    ]);
    expect(result.changes[4]?.reason).toContain("its value 4.5.6 is the StatefulSet's chart or app version");
  });

  it("drops a labels map it empties", async () => {
    const before = statefulSet(`        labels:
          helm.sh/chart: web-1.2.3`);
    const result = await fix(before, only);
    expect(result.output).toBe(statefulSet(""));
    expect(result.changes).toHaveLength(1);
    expect(result.changes[0]).toMatchObject({ op: "delete", before: { "helm.sh/chart": "web-1.2.3" } });
  });

  it("honours keep and labels", async () => {
    const before = statefulSet(`        labels:
          helm.sh/chart: web-1.2.3
          app.kubernetes.io/version: "4.5.6"
          build: abc`);
    const result = await fix(before, {
      ...only,
      config: { rules: { "claim-template-labels": { keep: ["app.kubernetes.io/version"], labels: ["build"] } } },
    });
    expect(result.output).toBe(
      statefulSet(`        labels:
          app.kubernetes.io/version: "4.5.6"`),
    );
  });

  it("is idempotent", async () => {
    const once = await fix(statefulSet(`        labels:\n          helm.sh/chart: web-1.2.3\n          a: b`), only);
    const twice = await fix(once.output, only);
    expect(twice.changes).toEqual([]);
    expect(twice.output).toBe(once.output);
  });

  it("leaves VCT-like fields nested in custom resources, and StatefulSets of other API versions, alone", async () => {
    const custom = yaml`
      apiVersion: collectors.grafana.com/v1alpha1
      kind: Alloy
      metadata:
        name: alloy
      spec:
        controller:
          type: statefulset
          volumeClaimTemplates:
            - metadata:
                name: wal
                labels:
                  helm.sh/chart: alloy-1.0.0
    `;
    const legacy = statefulSet(`        labels:\n          helm.sh/chart: web-1.2.3`).replace("apps/v1", "apps/v1beta2");
    const input = `---\n${custom}---\n${legacy}`;
    const result = await fix(input, only);
    expect(result.changes).toEqual([]);
    expect(result.output).toBe(input);
  });

  it("edits StatefulSets that are items of a List", async () => {
    const item = statefulSet(`        labels:\n          helm.sh/chart: web-1.2.3\n          a: b`);
    const list = `apiVersion: v1\nkind: List\nitems:\n${item
      .trimEnd()
      .split("\n")
      .map((line, i) => (i === 0 ? `- ${line}` : `  ${line}`))
      .join("\n")}\n`;
    const result = await fix(list, only);
    expect(result.changes).toHaveLength(1);
    expect(result.changes[0]?.object).toMatchObject({ kind: "StatefulSet", name: "web", item: 0 });
    expect(result.output).toBe(list.replace("            helm.sh/chart: web-1.2.3\n            a: b", "            a: b"));
  });

  it("reports, and leaves alone, a volumeClaimTemplates that is not a list", async () => {
    const input = yaml`
      apiVersion: apps/v1
      kind: StatefulSet
      metadata: {name: odd}
      spec:
        volumeClaimTemplates: {metadata: {name: data}}
    `;
    const result = await fix(input, only);
    expect(result.output).toBe(input);
    expect(result.findings[0]?.message).toContain("spec.volumeClaimTemplates is not a list; left alone");
  });
});

describe("what counts as a version", () => {
  it("keeps chart labels and label values that carry no version (elastic's chart: elasticsearch)", async () => {
    const input = yaml`
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: elasticsearch-master
        labels:
          chart: "elasticsearch"
          release: "elasticsearch"
      spec:
        volumeClaimTemplates:
          - metadata:
              name: elasticsearch-master
              labels:
                app: "elasticsearch-master"
                chart: "elasticsearch"
                release: "elasticsearch"
    `;
    expect((await fix(input, only)).changes).toEqual([]);
  });

  it.each([
    ["prometheus-pushgateway-2.17.0", true],
    ["v1.11.0", true],
    ["8.4.4", true],
    ["devlake-1.0.1-beta9", true],
    ["mysql-8", true],
    ["elasticsearch", false],
    ["web", false],
  ])("%s carries a version: %s", (value, expected) => {
    expect(carriesVersion(value)).toBe(expected);
  });
});
