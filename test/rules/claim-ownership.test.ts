import { describe } from "vitest";
import { type Row, runTable } from "./table.js";

/**
 * A StatefulSet with one claim template, as Helm renders it (with its # Source comment; bareSts: without, as other
 * tools write manifests). `metadata` is the literal text of its metadata (after `name: db`), `template` the literal
 * text of the template's metadata after `name: data`.
 */
const sts = (metadata: string, template = "") => bareSts(metadata, template).replace("---\n", "---\n# Source: db/templates/statefulset.yaml\n");
const bareSts = (metadata: string, template = "") => `---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
${metadata}spec:
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: db:1
          volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
    - metadata:
        name: data
${template}      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 1Gi}}
`;

/** What claim-ownership adds to a template with no labels or annotations. */
const owned = (name: string, namespace: string) => `        annotations:
          meta.helm.sh/release-name: ${name}
          meta.helm.sh/release-namespace: ${namespace}
        labels:
          app.kubernetes.io/managed-by: Helm
`;

const OWN = "  namespace: monitoring\n  labels:\n    app.kubernetes.io/instance: prom\n";
const NO_NAMESPACE = "  labels:\n    app.kubernetes.io/instance: prom\n";
const NOTHING = "  labels:\n    app: db\n";

const ROLE_BINDING = `---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: prom-reader
  namespace: kube-system
  labels:
    app.kubernetes.io/instance: prom
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
`;

const table: Record<string, Row> = {
  "the StatefulSet's own namespace and app.kubernetes.io/instance label name the release": {
    input: sts(OWN),
    output: sts(OWN, owned("prom", "monitoring")),
  },
  "no sign of Helm (kustomize or jsonnet output): app.kubernetes.io/instance is no release name, nothing written": {
    input: bareSts(OWN),
    findings: [
      "claim-ownership made no change: StatefulSet monitoring/db shows no sign of Helm (no # Source comment, helm.sh/chart, chart or heritage label, managed-by Helm label or helm.sh annotation), so its app.kubernetes.io/instance label is not taken as a Helm release name; pass --release-name NAME if it is one",
    ],
  },
  "no sign of Helm, but --release-name names the release: written": {
    with: { release: { name: "prom" } },
    input: bareSts(OWN),
    output: bareSts(OWN, owned("prom", "monitoring")),
  },
  "no # Source comment, but a helm.sh/chart label shows Helm: written": {
    input: bareSts(`${OWN}    helm.sh/chart: db-1.0.0\n`),
    output: bareSts(`${OWN}    helm.sh/chart: db-1.0.0\n`, owned("prom", "monitoring")),
  },
  "no # Source comment, but the claim template's managed-by: Helm shows Helm: written": {
    input: bareSts(OWN, "        labels:\n          app.kubernetes.io/managed-by: Helm\n"),
    output: bareSts(
      OWN,
      "        labels:\n          app.kubernetes.io/managed-by: Helm\n        annotations:\n          meta.helm.sh/release-name: prom\n          meta.helm.sh/release-namespace: monitoring\n",
    ),
  },
  "the `release` label names the release when app.kubernetes.io/instance is absent": {
    input: sts("  namespace: monitoring\n  labels:\n    release: prom\n"),
    output: sts("  namespace: monitoring\n  labels:\n    release: prom\n", owned("prom", "monitoring")),
  },
  "flags that agree with the object: written": {
    with: { release: { name: "prom", namespace: "monitoring" } },
    input: sts(OWN),
    output: sts(OWN, owned("prom", "monitoring")),
  },
  "no own namespace: --namespace": {
    with: { release: { namespace: "obs" } },
    input: sts(NO_NAMESPACE),
    output: sts(NO_NAMESPACE, owned("prom", "obs")),
  },
  "no own namespace: config release.namespace": {
    with: { config: { release: { namespace: "obs" } } },
    input: sts(NO_NAMESPACE),
    output: sts(NO_NAMESPACE, owned("prom", "obs")),
  },
  "no own namespace: HELM_NAMESPACE when nothing explicit is given": {
    with: { environment: { HELM_NAMESPACE: "obs" } },
    input: sts(NO_NAMESPACE),
    output: sts(NO_NAMESPACE, owned("prom", "obs")),
  },
  "no own namespace: a flag and the config that disagree are a conflict, exit 2": {
    with: { release: { namespace: "flag" }, config: { release: { namespace: "config" } }, environment: { HELM_NAMESPACE: "env" } },
    input: sts(NO_NAMESPACE),
    error: "--namespace says flag and the config's release.namespace says config: which is the release namespace is not clear; keep one",
  },
  "no own namespace: the config and the environment that disagree, with no flag: exit 2 naming the flag": {
    with: { config: { release: { namespace: "config" } }, environment: { HELM_NAMESPACE: "env" } },
    input: sts(NO_NAMESPACE),
    error: "the config's release.namespace says config and HELM_NAMESPACE says env: which is the release namespace is not clear; make them agree, or pass --namespace with the config's value",
  },
  "no own namespace: a flag wins over the environment, and agrees with the config": {
    with: { release: { namespace: "flag" }, config: { release: { namespace: "flag" } }, environment: { HELM_NAMESPACE: "env" } },
    input: sts(NO_NAMESPACE),
    output: sts(NO_NAMESPACE, owned("prom", "flag")),
  },
  "a release name from the config and ARGOCD_APP_NAME that disagree: exit 2": {
    with: { config: { release: { name: "bravo" } }, environment: { ARGOCD_APP_NAME: "charlie" } },
    input: sts(NO_NAMESPACE),
    error: "the config's release.name says bravo and ARGOCD_APP_NAME says charlie: which is the release name is not clear",
  },
  "no own namespace: ARGOCD_APP_NAMESPACE and HELM_NAMESPACE disagreeing with nothing explicit: exit 2 asking for -n": {
    with: { environment: { ARGOCD_APP_NAMESPACE: "argo", HELM_NAMESPACE: "env" } },
    input: sts(NO_NAMESPACE),
    error: 'the environment sets ARGOCD_APP_NAMESPACE="argo" and HELM_NAMESPACE="env": which is the release\'s namespace is not clear; pass -n NS (--namespace)',
  },
  "no own namespace: ARGOCD_APP_NAMESPACE alone is the release's": {
    with: { environment: { ARGOCD_APP_NAMESPACE: "argo" } },
    input: sts(NO_NAMESPACE),
    output: sts(NO_NAMESPACE, owned("prom", "argo")),
  },
  "HELM_NAMESPACE disagrees with the object's namespace and nothing explicit is given: nothing written": {
    with: { environment: { HELM_NAMESPACE: "default" } },
    input: sts(OWN),
    findings: [
      "claim-ownership made no change: StatefulSet monitoring/db states namespace monitoring (its metadata.namespace), but HELM_NAMESPACE says default and no --namespace is given: nothing is written into its immutable claim templates; --namespace (-n) decides: pass --namespace monitoring if the release is installed in monitoring",
    ],
  },
  "HELM_NAMESPACE disagrees, but -n names the object's namespace: written": {
    with: { release: { namespace: "monitoring" }, environment: { HELM_NAMESPACE: "default" } },
    input: sts(OWN),
    output: sts(OWN, owned("prom", "monitoring")),
  },
  // Helm annotates every object with the release's namespace, which a chart may render objects outside of
  // (namespaceOverride: a subchart's StatefulSet in monitoring, the release installed in default).
  "--namespace names another namespace than the object's: the release's namespace is the one given": {
    with: { release: { namespace: "default" } },
    input: sts(OWN),
    output: sts(OWN, owned("prom", "default")),
  },
  "config release.namespace names another: the same": {
    with: { config: { release: { namespace: "default" } } },
    input: sts(OWN),
    output: sts(OWN, owned("prom", "default")),
  },
  "a neighbour's namespace never decides (a RoleBinding in kube-system)": {
    input: ROLE_BINDING + sts(NO_NAMESPACE),
    findings: ["StatefulSet db states no metadata.namespace, and no namespace is given; pass --namespace NS (-n)"],
  },
  "its instance and release labels name two releases: nothing written, --release-name asked for": {
    input: sts(`${OWN}    release: canary\n`),
    findings: [
      "StatefulSet monitoring/db's app.kubernetes.io/instance label says prom and its release label says canary: which names its release is not clear, so nothing is written into its immutable claim templates; --release-name decides",
    ],
  },
  "the same, with --release-name naming one of them: that one": {
    with: { release: { name: "prom" } },
    input: sts(`${OWN}    release: canary\n`),
    output: sts(`${OWN}    release: canary\n`, owned("prom", "monitoring")),
  },
  "--release-name disagrees with the object's label: nothing written": {
    with: { release: { name: "other" } },
    input: sts(OWN),
    findings: [
      "StatefulSet monitoring/db states release name prom (its app.kubernetes.io/instance label), but --release-name says other: nothing is written into its immutable claim templates; --release-name decides",
    ],
  },
  "ARGOCD_APP_NAME disagrees with the object's label and nothing explicit is given: nothing written": {
    with: { environment: { ARGOCD_APP_NAME: "argocd_other" } },
    input: sts(OWN),
    findings: ["but ARGOCD_APP_NAME says other and no --release-name is given"],
  },
  "no label: the release name comes from ARGOCD_APP_NAME without its `<namespace>_` prefix": {
    with: { environment: { ARGOCD_APP_NAME: "argocd_prom" } },
    input: sts("  namespace: monitoring\n"),
    output: sts("  namespace: monitoring\n", owned("prom", "monitoring")),
  },
  "no label and no name given: nothing written, the finding names the flags": {
    input: sts(NOTHING),
    findings: [
      "claim-ownership made no change: StatefulSet db has no app.kubernetes.io/instance or release label, and no release name is given; pass --release-name NAME; StatefulSet db states no metadata.namespace, and no namespace is given; pass --namespace NS (-n)",
    ],
  },
  "helm template's placeholder name is no release name": {
    input: sts("  namespace: monitoring\n  labels:\n    app.kubernetes.io/instance: release-name\n"),
    findings: ["rendered with helm template's placeholder release name release-name; pass --release-name NAME"],
  },
  "helm template's placeholder name gives way to --release-name": {
    with: { release: { name: "prom" } },
    input: sts("  namespace: monitoring\n  labels:\n    app.kubernetes.io/instance: RELEASE-NAME\n"),
    output: sts("  namespace: monitoring\n  labels:\n    app.kubernetes.io/instance: RELEASE-NAME\n", owned("prom", "monitoring")),
  },
  "a release name with dots is one Helm accepts": {
    with: { release: { name: "prom.v2" } },
    input: sts("  namespace: monitoring\n"),
    output: sts("  namespace: monitoring\n", owned("prom.v2", "monitoring")),
  },
  "--release-name Helm would reject (underscore): exit 2": {
    with: { release: { name: "my_release" } },
    input: sts(OWN),
    error: '--release-name "my_release" is not a release name Helm accepts',
  },
  "--release-name longer than 53 characters: exit 2": {
    with: { release: { name: "a".repeat(54) } },
    input: sts(OWN),
    error: "is not a release name Helm accepts (lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 53 characters)",
  },
  "config release.name Helm would reject (uppercase): exit 2": {
    with: { config: { release: { name: "Prom" } } },
    input: sts(OWN),
    error: 'config release.name "Prom" is not a release name Helm accepts',
  },
  "an invalid --namespace: exit 2": {
    with: { release: { namespace: "Team_A" } },
    input: sts(NO_NAMESPACE),
    error: '--namespace "Team_A" is not a valid namespace',
  },
  "an ARGOCD_APP_NAME Helm would reject is an error, as a flag's would be": {
    with: { environment: { ARGOCD_APP_NAME: "argocd_Prom" } },
    input: sts("  namespace: monitoring\n"),
    error: 'ARGOCD_APP_NAME "argocd_Prom" is not a release name Helm accepts',
  },
  "an ARGOCD_APP_NAME Helm would reject is an error even where the object's own label names the release": {
    with: { environment: { ARGOCD_APP_NAME: "argocd_Prom" } },
    input: sts(OWN),
    error: 'ARGOCD_APP_NAME "argocd_Prom" is not a release name Helm accepts',
  },
  "an ARGOCD_APP_NAME that disagrees with the object's label is reported": {
    with: { environment: { ARGOCD_APP_NAME: "argocd_other" } },
    input: sts(OWN),
    findings: ["states release name prom (its app.kubernetes.io/instance label), but ARGOCD_APP_NAME says other and no --release-name is given"],
  },
  "a label Helm would reject as a release name, and nothing else names one: exit 2": {
    input: sts("  namespace: monitoring\n  labels:\n    app.kubernetes.io/instance: Prom_1\n"),
    error: 'StatefulSet monitoring/db\'s app.kubernetes.io/instance label "Prom_1" is not a release name Helm accepts',
  },
  "a label Helm would reject as a release name gives way to --release-name": {
    with: { release: { name: "prom" } },
    input: sts("  namespace: monitoring\n  labels:\n    app.kubernetes.io/instance: Prom_1\n"),
    output: sts("  namespace: monitoring\n  labels:\n    app.kubernetes.io/instance: Prom_1\n", owned("prom", "monitoring")),
  },
  "two StatefulSets of two releases each get their own": {
    input: sts(OWN) + sts("  namespace: logs\n  labels:\n    app.kubernetes.io/instance: loki\n").replace("name: db\n", "name: loki-db\n"),
    output:
      sts(OWN, owned("prom", "monitoring")) +
      sts("  namespace: logs\n  labels:\n    app.kubernetes.io/instance: loki\n", owned("loki", "logs")).replace("name: db\n", "name: loki-db\n"),
  },
  "a different existing value is reported, never overwritten, and nothing else of the ownership is written beside it": {
    input: sts(OWN, "        labels:\n          app.kubernetes.io/managed-by: Tiller\n"),
    findings: ['StatefulSet monitoring/db volumeClaimTemplate data: labels app.kubernetes.io/managed-by is "Tiller", not "Helm"; nothing of the ownership is written to it'],
  },
  "a template that names another release keeps its ownership whole: no namespace of this release beside that name": {
    input: sts(OWN, "        annotations:\n          meta.helm.sh/release-name: other\n"),
    findings: ['StatefulSet monitoring/db volumeClaimTemplate data: annotations meta.helm.sh/release-name is "other", not "prom"; nothing of the ownership is written to it'],
  },
  "the StatefulSet's own release annotation disagreeing with its release label: no change, both named": {
    input: sts(`${OWN}  annotations:\n    meta.helm.sh/release-name: realrel\n`),
    findings: [
      'claim-ownership made no change: StatefulSet monitoring/db\'s own annotation meta.helm.sh/release-name is "realrel", but its release name is "prom" (from StatefulSet monitoring/db\'s app.kubernetes.io/instance label)',
    ],
  },
  "the StatefulSet's own release annotations agreeing with its labels: the claims get the same": {
    input: sts(`${OWN}  annotations:\n    meta.helm.sh/release-name: prom\n    meta.helm.sh/release-namespace: monitoring\n`),
    output: sts(`${OWN}  annotations:\n    meta.helm.sh/release-name: prom\n    meta.helm.sh/release-namespace: monitoring\n`, owned("prom", "monitoring")),
  },
  "`labels:` left null by a template is filled": {
    input: sts(OWN, "        labels:\n"),
    output: sts(
      OWN,
      "        labels:\n          app.kubernetes.io/managed-by: Helm\n        annotations:\n          meta.helm.sh/release-name: prom\n          meta.helm.sh/release-namespace: monitoring\n",
    ),
  },
  "labels that are a list are reported, not edited": {
    input: sts(OWN, "        labels: [a, b]\n"),
    findings: ["StatefulSet monitoring/db volumeClaimTemplate data: metadata.labels is not a map; left alone"],
  },
  "annotations that are a scalar are reported, not edited": {
    input: sts(OWN, "        annotations: none\n"),
    findings: ["volumeClaimTemplate data: metadata.annotations is not a map; left alone"],
  },
  "metadata that is a scalar is reported, not edited": {
    input: sts(OWN).replace("    - metadata:\n        name: data\n", "    - metadata: data\n"),
    findings: ["volumeClaimTemplate 0: metadata is not a map; left alone"],
  },
  "a StatefulSet without claim templates needs no release": {
    input: sts(NOTHING).replace(/ {2}volumeClaimTemplates:[\s\S]*$/, ""),
  },
};

describe("claim-ownership", () => runTable("claim-ownership", table));
