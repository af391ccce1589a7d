import { describe, expect, it } from "vitest";
import { fix, yaml } from "../helpers.js";

const only = { disable: ["claim-template-labels", "cronjob-claims", "volume-name", "idempotent-cleanup"] };

const MYSQL = yaml`
  ---
  # Source: devlake/templates/statefulsets.yaml
  apiVersion: apps/v1
  kind: StatefulSet
  metadata:
    name: devlake-mysql
    namespace: devlake
    labels:
      app.kubernetes.io/instance: devlake
  spec:
    serviceName: devlake-mysql
    selector:
      matchLabels:
        app.kubernetes.io/instance: devlake
    template:
      metadata:
        labels:
          app.kubernetes.io/instance: devlake
      spec:
        containers:
          - name: mysql
            image: mysql:8
    volumeClaimTemplates:
      - metadata:
          name: devlake-mysql-data
        spec:
          accessModes: ["ReadWriteOnce"]
          resources:
            requests:
              storage: 50Gi
`;

describe("claim-ownership", () => {
  it("ties the claim template to the release inferred from the stream", async () => {
    const result = await fix(MYSQL, only);
    expect(result.output).toBe(
      MYSQL.replace(
        "        name: devlake-mysql-data\n",
        "        name: devlake-mysql-data\n        annotations:\n          meta.helm.sh/release-name: devlake\n          meta.helm.sh/release-namespace: devlake\n        labels:\n          app.kubernetes.io/managed-by: Helm\n",
      ),
    );
    expect(result.changes[0]?.reason).toContain("name from the stream's app.kubernetes.io/instance labels");
    expect((await fix(result.output, only)).changes).toEqual([]);
  });

  it("prefers flags, then config, then the environment", async () => {
    const flags = await fix(MYSQL, { ...only, release: { name: "a", namespace: "b" }, environment: { ARGOCD_APP_NAME: "c" } });
    expect(flags.changes.map((change) => change.after)).toEqual(["a", "b", "Helm"]);
    const config = await fix(MYSQL, { ...only, config: { release: { name: "d" } }, environment: { ARGOCD_APP_NAME: "c", HELM_NAMESPACE: "e" } });
    expect(config.changes.map((change) => change.after)).toEqual(["d", "e", "Helm"]);
    const argo = await fix(MYSQL, { ...only, environment: { ARGOCD_APP_NAME: "c", ARGOCD_APP_NAMESPACE: "f" } });
    expect(argo.changes.map((change) => change.after)).toEqual(["c", "f", "Helm"]);
  });

  it("never overwrites a different value: it reports it", async () => {
    const input = MYSQL.replace(
      "        name: devlake-mysql-data\n",
      "        name: devlake-mysql-data\n        labels:\n          app.kubernetes.io/managed-by: Tiller\n        annotations: {}\n",
    );
    const result = await fix(input, only);
    expect(result.changes.map((change) => change.path.at(-1))).toEqual(["meta.helm.sh/release-name", "meta.helm.sh/release-namespace"]);
    expect(result.output).toContain("annotations: {meta.helm.sh/release-name: devlake, meta.helm.sh/release-namespace: devlake}");
    expect(result.findings[0]?.message).toContain('labels app.kubernetes.io/managed-by is "Tiller", not "Helm"; left as it is');
  });

  it("fills `labels:` left null by a template", async () => {
    const input = MYSQL.replace("        name: devlake-mysql-data\n", "        name: devlake-mysql-data\n        labels:\n");
    const result = await fix(input, only);
    expect(result.output).toContain("        labels:\n          app.kubernetes.io/managed-by: Helm\n");
  });

  it("changes nothing and names the flag when the release cannot be told", async () => {
    const input = MYSQL.replace(/app\.kubernetes\.io\/instance: devlake/g, "app: mysql").replace("  namespace: devlake\n", "");
    const result = await fix(input, only);
    expect(result.changes).toEqual([]);
    expect(result.findings[0]?.message).toBe(
      "claim-ownership made no change: it cannot tell the release name (no app.kubernetes.io/instance or release label in the stream; pass --release-name NAME) or the namespace (no object in the stream states metadata.namespace; pass --namespace NS)",
    );
  });
});

describe("release inference reads labels, not data", () => {
  const configMap = (body: string) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: devlake\ndata:\n  deploy.yaml: |\n${body}`;

  it("ignores label-like text inside block scalars", async () => {
    const input = configMap("    metadata:\n      labels:\n        release: stable\n        app.kubernetes.io/instance: other\n") + MYSQL;
    const result = await fix(input, only);
    expect(result.changes[0]?.after).toBe("devlake");
  });

  it("does not take helm template's placeholder names for a release", async () => {
    for (const placeholder of ["RELEASE-NAME", "release-name"]) {
      const result = await fix(MYSQL.replace(/instance: devlake/g, `instance: ${placeholder}`), only);
      expect(result.changes).toEqual([]);
      expect(result.findings[0]?.message).toContain(`placeholder name ${placeholder}; pass --release-name NAME`);
    }
  });

  it("reads `namespace: null` as no namespace", async () => {
    const policy = "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: np\n  namespace: null\n";
    const result = await fix(policy + MYSQL, only);
    expect(result.changes.map((change) => change.after)).toEqual(["devlake", "devlake", "Helm"]);
  });
});
