import { describe, expect, it } from "vitest";
import { carriesVersion } from "../../src/rules/claim-template-labels.js";
import { type Row, runTable } from "./table.js";

/**
 * StatefulSet `web` of chart web-1.2.3, app version 4.5.6. `labels` is the literal text of its claim template's
 * metadata after `name: data`.
 */
const web = (labels: string, apiVersion = "apps/v1") => `apiVersion: ${apiVersion}
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
${labels}      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: 1Gi
`;

const table: Record<string, Row> = {
  "removes version-carrying labels and labels whose value is the chart's version, only in volumeClaimTemplates": {
    input: web(`        labels:
          app.kubernetes.io/name: web
          helm.sh/chart: web-1.2.3
          chart: web-1.2.3
          version: "4.5.6"
          app.kubernetes.io/version: "4.5.6"
          image-tag: "4.5.6"
`),
    output: web(`        labels:
          app.kubernetes.io/name: web
`),
  },
  "drops a labels map it empties": {
    input: web(`        labels:
          helm.sh/chart: web-1.2.3
`),
    output: web(""),
  },
  "app.kubernetes.io/version goes whatever it looks like (latest)": {
    input: web(`        labels:
          app: web
          app.kubernetes.io/version: latest
`),
    output: web(`        labels:
          app: web
`),
  },
  "keep protects a label; labels adds one": {
    options: { keep: ["app.kubernetes.io/version"], labels: ["build"] },
    input: web(`        labels:
          helm.sh/chart: web-1.2.3
          app.kubernetes.io/version: "4.5.6"
          build: abc
`),
    output: web(`        labels:
          app.kubernetes.io/version: "4.5.6"
`),
  },
  // Label helpers of public charts: `helm.sh/chart-version: {{ .Chart.Version }}` (olympe, helm-library.common),
  // `app.kubernetes.io/app-version: {{ .Chart.AppVersion }}`, `app.kubernetes.io/helm-revision: {{ .Release.Revision }}`.
  "other keys naming a version or the release revision go, and so does the version part of the chart label": {
    input: web(`        labels:
          app: web
          helm.sh/chart-version: 1.2.3
          app.kubernetes.io/app-version: "4.5.6-r1"
          chartVersion: v2.0.1
          app.kubernetes.io/helm-revision: "3"
          releaseRevision: "12"
          built-from: "1.2.3"
`),
    output: web(`        labels:
          app: web
`),
  },
  "a version or revision key whose value is no version or revision stays, and so do words that only end in version": {
    input: web(`        labels:
          api-version: stable
          revision: blue
          conversion: "1.5"
          subversion: "2.0"
`),
  },
  "a chart label without a version never changes, so it stays (elastic's chart: elasticsearch)": {
    input: web(`        labels:
          chart: elasticsearch
          release: elasticsearch
`),
  },
  "flow-style labels are edited in place": {
    input: web("        labels: {app: web, helm.sh/chart: web-1.2.3}\n"),
    output: web("        labels: {app: web}\n"),
  },
  "labels that are not a map hold no version label to remove": {
    input: web("        labels: [helm.sh/chart]\n"),
  },
  "a StatefulSet of another API version is not one Kubernetes turns into PVCs": {
    input: web("        labels:\n          helm.sh/chart: web-1.2.3\n", "apps/v1beta2"),
  },
  "claim-template-like fields nested in a custom resource stay": {
    input: `apiVersion: collectors.grafana.com/v1alpha1
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
`,
  },
  "StatefulSets that are items of a List are edited": {
    input: `apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: StatefulSet
  metadata:
    name: web
  spec:
    volumeClaimTemplates:
    - metadata:
        name: data
        labels:
          helm.sh/chart: web-1.2.3
          app: web
`,
    output: `apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: StatefulSet
  metadata:
    name: web
  spec:
    volumeClaimTemplates:
    - metadata:
        name: data
        labels:
          app: web
`,
    findings: ["StatefulSet web does not match the Kubernetes schema as rendered (data/spec must have required property selector"],
  },
  "a volumeClaimTemplates that is not a list is reported and left alone": {
    input: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: odd}
spec:
  volumeClaimTemplates: {metadata: {name: data}}
`,
    findings: ["StatefulSet odd: spec.volumeClaimTemplates is not a list; left alone"],
  },
};

describe("claim-template-labels", () => runTable("claim-template-labels", table));

describe("what counts as a version", () => {
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
