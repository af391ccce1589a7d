/**
 * The cases that once broke the promise "change nothing else", run through the whole tool: literal input, literal
 * output, and Kubernetes' reading of it (k8s-read) equal to the input's plus the change records.
 */
import { describe, expect, it } from "vitest";
import { fixStream, type FixOptions } from "../../src/fix-stream.js";
import { parseLiveState } from "../../src/live/live-state.js";
import { yaml } from "../helpers.js";
import { K8S_READ, k8sDifferences } from "../k8s-read.js";

const ONLY = (rule: string): FixOptions => ({
  disable: ["claim-template-labels", "claim-ownership", "claim-retention", "cronjob-claims", "volume-name", "idempotent-cleanup", "rwo-rollout"].filter(
    (name) => name !== rule,
  ),
  release: { name: "db", namespace: "apps" },
});

async function expectFixed(input: string, options: FixOptions, expected: string): Promise<void> {
  const result = await fixStream(input, options);
  expect(result.output).toBe(expected);
  if (K8S_READ) expect(k8sDifferences(input, result.output, result.changes)).toEqual([]);
}

/** Claim templates written at column 0 in a case, moved under spec. */
const indent = (text: string) => text.replace(/^(?=.)/gm, "  ");

const HEAD = yaml`
  apiVersion: apps/v1
  kind: StatefulSet
  metadata:
    name: db
    namespace: apps
    labels: {app.kubernetes.io/instance: db}
  spec:
    serviceName: db
    selector:
      matchLabels: {app: db}
    template:
      metadata:
        labels: {app: db}
      spec:
        containers: [{name: db, image: "db:1"}]
`;

describe("reported: edits next to comments", () => {
  it("claim-template-labels empties a label map followed by a comment at label indent: spec stays the claim's spec", async () => {
    const claims = yaml`
      volumeClaimTemplates:
        - metadata:
            name: data
            labels:
              helm.sh/chart: db-1.2.3
              # keep in sync with the pod labels
          spec:
            accessModes: [ReadWriteOnce]
            storageClassName: fast
            resources: {requests: {storage: 1Gi}}
    `;
    const fixed = claims.replace("      labels:\n        helm.sh/chart: db-1.2.3\n", "");
    expect(fixed).not.toBe(claims);
    await expectFixed(HEAD + indent(claims), ONLY("claim-template-labels"), HEAD + indent(fixed));
  });

  it("claim-ownership fills `labels: # none` and adds annotations beside it, not under spec", async () => {
    const claims = yaml`
        volumeClaimTemplates:
          - metadata:
              name: data
              labels: # none
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 1Gi}}
    `;
    const fixed = yaml`
        volumeClaimTemplates:
          - metadata:
              name: data
              labels:
                app.kubernetes.io/managed-by: Helm
              annotations:
                meta.helm.sh/release-name: db
                meta.helm.sh/release-namespace: apps
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 1Gi}}
    `;
    await expectFixed(HEAD + indent(claims), ONLY("claim-ownership"), HEAD + indent(fixed));
  });

  it("--live pins volumeClaimTemplates followed by a comment: podManagementPolicy stays", async () => {
    const claims = (size: string) => yaml`
        volumeClaimTemplates:
          - metadata:
              name: data
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: ${size}}}
        # Parallel: the replicas do not depend on each other
        podManagementPolicy: Parallel
    `;
    const live = parseLiveState(HEAD + indent(claims("1Gi")), "live.yaml");
    const result = await fixStream(HEAD + indent(claims("2Gi")), { ...ONLY("none"), live: { state: live, mode: "pin", now: 0 } });
    expect(result.findings.map((finding) => finding.message)).toContainEqual(expect.stringContaining("Pinned to the live templates"));
    expect(result.changes.map((change) => change.path.join("."))).toEqual(["spec.volumeClaimTemplates"]);
    expect(result.output).toBe(
      HEAD +
        indent(yaml`
          volumeClaimTemplates:
            - metadata:
                name: data
              spec:
                accessModes:
                  - ReadWriteOnce
                resources:
                  requests:
                    storage: 1Gi
          # Parallel: the replicas do not depend on each other
          podManagementPolicy: Parallel
        `),
    );
    if (K8S_READ) expect(k8sDifferences(HEAD + indent(claims("2Gi")), result.output, result.changes)).toEqual([]);
  });
});

describe("reported: line breaks in inserted text", () => {
  it("a script with U+0085 is rewritten escaped, so Kubernetes still sees one name", async () => {
    const job = yaml`
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: cleanup
        annotations: {helm.sh/hook: pre-delete}
      spec:
        template:
          spec:
            restartPolicy: Never
            containers:
              - name: k
                image: bitnami/kubectl
                command: [sh, -c, "kubectl delete cm keep\\Nme"]
    `;
    const result = await fixStream(job, ONLY("idempotent-cleanup"));
    expect(result.changes.length).toBeGreaterThan(0);
    expect(result.output).not.toContain("\u0085");
    expect(result.output).toContain("keep\\u0085me");
    if (K8S_READ) expect(k8sDifferences(job, result.output, result.changes)).toEqual([]);
  });
});
