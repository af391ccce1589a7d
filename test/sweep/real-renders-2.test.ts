/**
 * More excerpts of real renders outside the corpus (chart snapshots, generated examples, kubectl output kept as test
 * data), each cut down to the objects and fields a rule reads, with what the tool writes for them and the findings it
 * makes. A render the tool leaves alone is a case too: its output must be its input, byte for byte.
 */
import { describe, expect, it } from "vitest";
import type { FixOptions } from "../../src/fix-stream.js";
import { fixStream } from "../../src/fix-stream.js";
import { yaml } from "../helpers.js";
import { K8S_READ, k8sDifferences } from "../k8s-read.js";

interface Case {
  name: string;
  /** Repository, path and commit of the render the excerpt comes from. */
  source: string;
  options?: FixOptions;
  before: string;
  /** Omitted when the tool must write the input back unchanged. */
  after?: string;
  /** Each finding as `rule severity`. */
  findings?: string[];
}

const cases: Case[] = [
  {
    name: "the release label names the release of a subchart's two claim templates; trailing spaces and flow sequences stay",
    source:
      "grafana/pyroscope operations/pyroscope/helm/pyroscope/rendered/micro-services.yaml @ 3fe6a457a32004efc46da819cbc114472d07415e (pyroscope/charts/minio/templates/statefulset.yaml)",
    before: `${yaml`
      ---
      # Source: pyroscope/charts/minio/templates/statefulset.yaml
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: pyroscope-dev-minio
        namespace: "default"
        labels:
          app: minio
          chart: minio-4.1.0
          release: pyroscope-dev
          heritage: Helm
      spec:
        updateStrategy:
          type: RollingUpdate
        podManagementPolicy: "Parallel"
        serviceName: pyroscope-dev-minio-svc
        replicas: 1
        selector:
          matchLabels:
            app: minio
            release: pyroscope-dev
        template:
          metadata:
            name: pyroscope-dev-minio
            labels:
              app: minio
              release: pyroscope-dev
          spec:
            containers:
              - name: minio
                image: quay.io/minio/minio:RELEASE.2022-10-24T18-35-07Z
                imagePullPolicy: IfNotPresent

                command: [ "/bin/sh",
                  "-ce",
                  "/usr/bin/docker-entrypoint.sh minio server  http://pyroscope-dev-minio-{0...0}.pyroscope-dev-minio-svc.default.svc.cluster.local/export-{0...1} -S /etc/minio/certs/ --address :9000 --console-address :9001" ]
                resources:
                  requests:
                    cpu: 100m
                    memory: 128Mi      
            volumes:
              - name: minio-user
                secret:
                  secretName: pyroscope-dev-minio        
        volumeClaimTemplates:
          - metadata:
              name: export-0
            spec:
              accessModes: [ "ReadWriteOnce" ]
              resources:
                requests:
                  storage: 5Gi
          - metadata:
              name: export-1
            spec:
              accessModes: [ "ReadWriteOnce" ]
              resources:
                requests:
                  storage: 5Gi
    `}\n`,
    after: `${yaml`
      ---
      # Source: pyroscope/charts/minio/templates/statefulset.yaml
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: pyroscope-dev-minio
        namespace: "default"
        labels:
          app: minio
          chart: minio-4.1.0
          release: pyroscope-dev
          heritage: Helm
      spec:
        updateStrategy:
          type: RollingUpdate
        podManagementPolicy: "Parallel"
        serviceName: pyroscope-dev-minio-svc
        replicas: 1
        selector:
          matchLabels:
            app: minio
            release: pyroscope-dev
        template:
          metadata:
            name: pyroscope-dev-minio
            labels:
              app: minio
              release: pyroscope-dev
          spec:
            containers:
              - name: minio
                image: quay.io/minio/minio:RELEASE.2022-10-24T18-35-07Z
                imagePullPolicy: IfNotPresent

                command: [ "/bin/sh",
                  "-ce",
                  "/usr/bin/docker-entrypoint.sh minio server  http://pyroscope-dev-minio-{0...0}.pyroscope-dev-minio-svc.default.svc.cluster.local/export-{0...1} -S /etc/minio/certs/ --address :9000 --console-address :9001" ]
                resources:
                  requests:
                    cpu: 100m
                    memory: 128Mi      
            volumes:
              - name: minio-user
                secret:
                  secretName: pyroscope-dev-minio        
        volumeClaimTemplates:
          - metadata:
              name: export-0
              annotations:
                meta.helm.sh/release-name: pyroscope-dev
                meta.helm.sh/release-namespace: default
              labels:
                app.kubernetes.io/managed-by: Helm
            spec:
              accessModes: [ "ReadWriteOnce" ]
              resources:
                requests:
                  storage: 5Gi
          - metadata:
              name: export-1
              annotations:
                meta.helm.sh/release-name: pyroscope-dev
                meta.helm.sh/release-namespace: default
              labels:
                app.kubernetes.io/managed-by: Helm
            spec:
              accessModes: [ "ReadWriteOnce" ]
              resources:
                requests:
                  storage: 5Gi
    `}\n`,
  },
  {
    name: "claim templates read back from a live StatefulSet keep creationTimestamp null and their status; a multi-line plain scalar stays",
    source: "cockroachdb/helm-charts pkg/migrate/testdata/cockroachdb-statefulset.yaml @ a26cc90afdace16bb29c0acebe7bfdec2f56b346",
    before: `${yaml`
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        annotations:
          meta.helm.sh/release-name: cockroachdb
          meta.helm.sh/release-namespace: default
        creationTimestamp: "2025-04-01T19:30:58Z"
        labels:
          app.kubernetes.io/component: cockroachdb
          app.kubernetes.io/instance: cockroachdb
          app.kubernetes.io/managed-by: Helm
          app.kubernetes.io/name: cockroachdb
          helm.sh/chart: cockroachdb-16.0.3
        name: cockroachdb
        namespace: default
      spec:
        persistentVolumeClaimRetentionPolicy:
          whenDeleted: Retain
          whenScaled: Retain
        podManagementPolicy: Parallel
        replicas: 3
        selector:
          matchLabels:
            app.kubernetes.io/component: cockroachdb
            app.kubernetes.io/instance: cockroachdb
            app.kubernetes.io/name: cockroachdb
        serviceName: cockroachdb
        template:
          metadata:
            creationTimestamp: null
            labels:
              app.kubernetes.io/component: cockroachdb
              app.kubernetes.io/instance: cockroachdb
              app.kubernetes.io/name: cockroachdb
          spec:
            containers:
            - args:
              - shell
              - -ecx
              - exec /cockroach/cockroach start --join=\${STATEFULSET_NAME}-0.\${STATEFULSET_FQDN}:26257,\${STATEFULSET_NAME}-1.\${STATEFULSET_FQDN}:26257,\${STATEFULSET_NAME}-2.\${STATEFULSET_FQDN}:26257
                --advertise-host=$(hostname).\${STATEFULSET_FQDN} --certs-dir=/cockroach/cockroach-certs/
                --http-port=8080 --port=26257 --cache=25% --max-sql-memory=25% --log-config-file=/cockroach/log-config/log-config.yaml --locality=country=us,region=us-central1 --wal-failover=path=/cockroach/wal-failover
              image: cockroachdb/cockroach:v25.1.2
              name: db
              volumeMounts:
              - mountPath: /cockroach/cockroach-data/
                name: datadir
              - mountPath: /cockroach/wal-failover/
                name: failoverdir
        updateStrategy:
          type: RollingUpdate
        volumeClaimTemplates:
        - apiVersion: v1
          kind: PersistentVolumeClaim
          metadata:
            creationTimestamp: null
            labels:
              app.kubernetes.io/instance: cockroachdb
              app.kubernetes.io/name: cockroachdb
            name: datadir
          spec:
            accessModes:
            - ReadWriteOnce
            resources:
              requests:
                storage: 100Gi
            volumeMode: Filesystem
          status:
            phase: Pending
        - apiVersion: v1
          kind: PersistentVolumeClaim
          metadata:
            creationTimestamp: null
            labels:
              app.kubernetes.io/instance: cockroachdb
              app.kubernetes.io/name: cockroachdb
            name: failoverdir
          spec:
            accessModes:
            - ReadWriteOnce
            resources:
              requests:
                storage: 10Gi
            volumeMode: Filesystem
          status:
            phase: Pending
      status:
        availableReplicas: 0
        currentReplicas: 3
        replicas: 3
    `}\n`,
    after: `${yaml`
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        annotations:
          meta.helm.sh/release-name: cockroachdb
          meta.helm.sh/release-namespace: default
        creationTimestamp: "2025-04-01T19:30:58Z"
        labels:
          app.kubernetes.io/component: cockroachdb
          app.kubernetes.io/instance: cockroachdb
          app.kubernetes.io/managed-by: Helm
          app.kubernetes.io/name: cockroachdb
          helm.sh/chart: cockroachdb-16.0.3
        name: cockroachdb
        namespace: default
      spec:
        persistentVolumeClaimRetentionPolicy:
          whenDeleted: Retain
          whenScaled: Retain
        podManagementPolicy: Parallel
        replicas: 3
        selector:
          matchLabels:
            app.kubernetes.io/component: cockroachdb
            app.kubernetes.io/instance: cockroachdb
            app.kubernetes.io/name: cockroachdb
        serviceName: cockroachdb
        template:
          metadata:
            creationTimestamp: null
            labels:
              app.kubernetes.io/component: cockroachdb
              app.kubernetes.io/instance: cockroachdb
              app.kubernetes.io/name: cockroachdb
          spec:
            containers:
            - args:
              - shell
              - -ecx
              - exec /cockroach/cockroach start --join=\${STATEFULSET_NAME}-0.\${STATEFULSET_FQDN}:26257,\${STATEFULSET_NAME}-1.\${STATEFULSET_FQDN}:26257,\${STATEFULSET_NAME}-2.\${STATEFULSET_FQDN}:26257
                --advertise-host=$(hostname).\${STATEFULSET_FQDN} --certs-dir=/cockroach/cockroach-certs/
                --http-port=8080 --port=26257 --cache=25% --max-sql-memory=25% --log-config-file=/cockroach/log-config/log-config.yaml --locality=country=us,region=us-central1 --wal-failover=path=/cockroach/wal-failover
              image: cockroachdb/cockroach:v25.1.2
              name: db
              volumeMounts:
              - mountPath: /cockroach/cockroach-data/
                name: datadir
              - mountPath: /cockroach/wal-failover/
                name: failoverdir
        updateStrategy:
          type: RollingUpdate
        volumeClaimTemplates:
        - apiVersion: v1
          kind: PersistentVolumeClaim
          metadata:
            creationTimestamp: null
            labels:
              app.kubernetes.io/instance: cockroachdb
              app.kubernetes.io/name: cockroachdb
              app.kubernetes.io/managed-by: Helm
            name: datadir
            annotations:
              meta.helm.sh/release-name: cockroachdb
              meta.helm.sh/release-namespace: default
          spec:
            accessModes:
            - ReadWriteOnce
            resources:
              requests:
                storage: 100Gi
            volumeMode: Filesystem
          status:
            phase: Pending
        - apiVersion: v1
          kind: PersistentVolumeClaim
          metadata:
            creationTimestamp: null
            labels:
              app.kubernetes.io/instance: cockroachdb
              app.kubernetes.io/name: cockroachdb
              app.kubernetes.io/managed-by: Helm
            name: failoverdir
            annotations:
              meta.helm.sh/release-name: cockroachdb
              meta.helm.sh/release-namespace: default
          spec:
            accessModes:
            - ReadWriteOnce
            resources:
              requests:
                storage: 10Gi
            volumeMode: Filesystem
          status:
            phase: Pending
      status:
        availableReplicas: 0
        currentReplicas: 3
        replicas: 3
    `}\n`,
  },
  {
    name: "a subchart's claim template with no metadata but its name gets the release of the StatefulSet's own labels",
    source: "Kong/charts charts/kong/ci/__snapshots__/test5-values.snap @ e76b80031abfb4909dd89a8a07e3a5ff9a206d94 (postgresql 11.9.13 subchart)",
    before: `${yaml`
      ---
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        annotations:
          ignore-check.kube-linter.io/no-read-only-root-fs: writable fs is required
        labels:
          app.kubernetes.io/component: primary
          app.kubernetes.io/instance: chartsnap
          app.kubernetes.io/managed-by: Helm
          app.kubernetes.io/name: postgresql
          helm.sh/chart: postgresql-11.9.13
        name: chartsnap-postgresql
        namespace: default
      spec:
        replicas: 1
        selector:
          matchLabels:
            app.kubernetes.io/component: primary
            app.kubernetes.io/instance: chartsnap
            app.kubernetes.io/name: postgresql
        serviceName: chartsnap-postgresql-hl
        template:
          metadata:
            annotations: null
            labels:
              app.kubernetes.io/component: primary
              app.kubernetes.io/instance: chartsnap
              app.kubernetes.io/name: postgresql
              helm.sh/chart: postgresql-11.9.13
            name: chartsnap-postgresql
          spec:
            affinity:
              nodeAffinity: null
              podAffinity: null
            containers:
              - image: docker.io/bitnamilegacy/postgresql:13.11.0-debian-11-r20
                name: postgresql
                resources:
                  limits: {}
                volumeMounts:
                  - mountPath: /dev/shm
                    name: dshm
                  - mountPath: /bitnami/postgresql
                    name: data
            initContainers: null
            volumes:
              - emptyDir:
                  medium: Memory
                name: dshm
        updateStrategy:
          rollingUpdate: {}
          type: RollingUpdate
        volumeClaimTemplates:
          - metadata:
              name: data
            spec:
              accessModes:
                - ReadWriteOnce
              resources:
                requests:
                  storage: 8Gi
    `}\n`,
    after: `${yaml`
      ---
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        annotations:
          ignore-check.kube-linter.io/no-read-only-root-fs: writable fs is required
        labels:
          app.kubernetes.io/component: primary
          app.kubernetes.io/instance: chartsnap
          app.kubernetes.io/managed-by: Helm
          app.kubernetes.io/name: postgresql
          helm.sh/chart: postgresql-11.9.13
        name: chartsnap-postgresql
        namespace: default
      spec:
        replicas: 1
        selector:
          matchLabels:
            app.kubernetes.io/component: primary
            app.kubernetes.io/instance: chartsnap
            app.kubernetes.io/name: postgresql
        serviceName: chartsnap-postgresql-hl
        template:
          metadata:
            annotations: null
            labels:
              app.kubernetes.io/component: primary
              app.kubernetes.io/instance: chartsnap
              app.kubernetes.io/name: postgresql
              helm.sh/chart: postgresql-11.9.13
            name: chartsnap-postgresql
          spec:
            affinity:
              nodeAffinity: null
              podAffinity: null
            containers:
              - image: docker.io/bitnamilegacy/postgresql:13.11.0-debian-11-r20
                name: postgresql
                resources:
                  limits: {}
                volumeMounts:
                  - mountPath: /dev/shm
                    name: dshm
                  - mountPath: /bitnami/postgresql
                    name: data
            initContainers: null
            volumes:
              - emptyDir:
                  medium: Memory
                name: dshm
        updateStrategy:
          rollingUpdate: {}
          type: RollingUpdate
        volumeClaimTemplates:
          - metadata:
              name: data
              annotations:
                meta.helm.sh/release-name: chartsnap
                meta.helm.sh/release-namespace: default
              labels:
                app.kubernetes.io/managed-by: Helm
            spec:
              accessModes:
                - ReadWriteOnce
              resources:
                requests:
                  storage: 8Gi
    `}\n`,
  },
  {
    name: "a StatefulSet stating neither release nor namespace takes both from the flags; its odd indents and comments stay",
    source: "kubernetes/examples databases/cassandra/cassandra-statefulset.yaml @ 279e8e4fe314f6cb7bc55fa3fbc21bbeaa48c0ea",
    options: { release: { name: "cassandra", namespace: "db" } },
    before: `${yaml`
      apiVersion: "apps/v1" # for k8s versions before 1.9.0 use apps/v1beta2  and before 1.8.0 use extensions/v1beta1
      kind: StatefulSet
      metadata:
        name: cassandra
        labels:
           app: cassandra
      spec:
        serviceName: cassandra
        replicas: 3
        selector:
          matchLabels:
            app: cassandra
        template:
          metadata:
            labels:
              app: cassandra
          spec:
            terminationGracePeriodSeconds: 1800
            containers:
            - name: cassandra
              image: gcr.io/google-samples/cassandra:v14
              imagePullPolicy: Always
              volumeMounts:
              - name: cassandra-data
                mountPath: /var/lib/cassandra
        # These are converted to volume claims by the controller
        # and mounted at the paths mentioned above.
        # do not use these in production until ssd GCEPersistentDisk or other ssd pd
        volumeClaimTemplates:
        - metadata:
            name: cassandra-data
            annotations:
              volume.beta.kubernetes.io/storage-class: fast
          spec:
            accessModes: [ "ReadWriteOnce" ]
            resources:
              requests:
                storage: 1Gi
      ---
      kind: StorageClass
      apiVersion: storage.k8s.io/v1
      metadata:
        name: fast
      provisioner: k8s.io/minikube-hostpath
      parameters:
        type: pd-ssd
    `}\n`,
    after: `${yaml`
      apiVersion: "apps/v1" # for k8s versions before 1.9.0 use apps/v1beta2  and before 1.8.0 use extensions/v1beta1
      kind: StatefulSet
      metadata:
        name: cassandra
        labels:
           app: cassandra
      spec:
        serviceName: cassandra
        replicas: 3
        selector:
          matchLabels:
            app: cassandra
        template:
          metadata:
            labels:
              app: cassandra
          spec:
            terminationGracePeriodSeconds: 1800
            containers:
            - name: cassandra
              image: gcr.io/google-samples/cassandra:v14
              imagePullPolicy: Always
              volumeMounts:
              - name: cassandra-data
                mountPath: /var/lib/cassandra
        # These are converted to volume claims by the controller
        # and mounted at the paths mentioned above.
        # do not use these in production until ssd GCEPersistentDisk or other ssd pd
        volumeClaimTemplates:
        - metadata:
            name: cassandra-data
            annotations:
              volume.beta.kubernetes.io/storage-class: fast
              meta.helm.sh/release-name: cassandra
              meta.helm.sh/release-namespace: db
            labels:
              app.kubernetes.io/managed-by: Helm
          spec:
            accessModes: [ "ReadWriteOnce" ]
            resources:
              requests:
                storage: 1Gi
      ---
      kind: StorageClass
      apiVersion: storage.k8s.io/v1
      metadata:
        name: fast
      provisioner: k8s.io/minikube-hostpath
      parameters:
        type: pd-ssd
    `}\n`,
  },
  {
    name: "without flags, the same StatefulSet is written back unchanged with a warning naming --release-name",
    source: "kubernetes/examples databases/cassandra/cassandra-statefulset.yaml @ 279e8e4fe314f6cb7bc55fa3fbc21bbeaa48c0ea",
    before: `${yaml`
      apiVersion: "apps/v1" # for k8s versions before 1.9.0 use apps/v1beta2  and before 1.8.0 use extensions/v1beta1
      kind: StatefulSet
      metadata:
        name: cassandra
        labels:
           app: cassandra
      spec:
        serviceName: cassandra
        selector:
          matchLabels:
            app: cassandra
        template:
          metadata:
            labels:
              app: cassandra
          spec:
            containers:
            - name: cassandra
              image: gcr.io/google-samples/cassandra:v14
        volumeClaimTemplates:
        - metadata:
            name: cassandra-data
            annotations:
              volume.beta.kubernetes.io/storage-class: fast
          spec:
            accessModes: [ "ReadWriteOnce" ]
            resources:
              requests:
                storage: 1Gi
    `}\n`,
    findings: ["claim-ownership warning"],
  },
  {
    name: "a single-replica Deployment on a ReadWriteOnce claim with the default strategy is reported, not changed",
    source:
      "GoogleCloudPlatform/kubernetes-engine-samples quickstarts/wordpress-persistent-disks/{mysql-volumeclaim,mysql}.yaml @ 2b5036514162a489145c5e5570bc320efbcb37bf",
    before: `${yaml`
      # [START gke_wordpress_persistent_disks_mysql_volumeclaim_persistentvolumeclaim_mysql_volumeclaim]
      kind: PersistentVolumeClaim
      apiVersion: v1
      metadata:
        name: mysql-volumeclaim
      spec:
        accessModes:
          - ReadWriteOnce
        resources:
          requests:
            storage: 200Gi
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: mysql
        labels:
          app: mysql
      spec:
        replicas: 1
        selector:
          matchLabels:
            app: mysql
        template:
          metadata:
            labels:
              app: mysql
          spec:
            containers:
              - image: mysql:8
                name: mysql
                volumeMounts:
                  - name: mysql-persistent-storage
                    mountPath: /var/lib/mysql
            volumes:
              - name: mysql-persistent-storage
                persistentVolumeClaim:
                  claimName: mysql-volumeclaim
    `}\n`,
    findings: ["rwo-rollout warning"],
  },
  {
    name: "a Recreate Deployment on a ReadWriteOnce claim of a placeholder release is left alone, with no finding",
    source:
      "kubescape/helm-charts charts/kubescape-operator/tests/__snapshot__/snapshot_test.yaml.snap @ 526acc1ea667d54ea15f7eb1ba33a45f5c15b428 (test \"all capabilities\")",
    before: `${yaml`
      ---
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        annotations: null
        labels:
          app.kubernetes.io/instance: RELEASE-NAME
          app.kubernetes.io/name: kubescape-operator
          helm.sh/chart: kubescape-operator-1.40.3
        name: kubescape-storage
        namespace: kubescape
      spec:
        accessModes:
          - ReadWriteOnce
        resources:
          requests:
            storage: 5Gi
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        annotations: null
        labels:
          app: storage
          app.kubernetes.io/instance: RELEASE-NAME
          helm.sh/chart: kubescape-operator-1.40.3
        name: storage
        namespace: kubescape
      spec:
        replicas: 1
        selector:
          matchLabels:
            app.kubernetes.io/component: storage
        strategy:
          type: Recreate
        template:
          metadata:
            labels:
              app.kubernetes.io/component: storage
          spec:
            affinity: null
            containers:
              - image: quay.io/kubescape/storage:v0.0.298
                name: apiserver
                volumeMounts:
                  - mountPath: /data
                    name: data
            tolerations: null
            volumes:
              - name: data
                persistentVolumeClaim:
                  claimName: kubescape-storage
    `}\n`,
    findings: [],
  },
  {
    name: "a hook whose kubectl deletes in a shell loop already ignore missing objects, with before-hook-creation, is left alone",
    source:
      "k8up-io/k8up charts/k8up/templates/cleanup-hook.yaml @ 80a2ae8c41243d951d68d2b97d94a2eb2d742d02 (chart k8up 4.9.0, default values, release k8up in k8up-system, rendered by hand)",
    before: `${yaml`
      ---
      # Source: k8up/templates/cleanup-hook.yaml
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: "k8up-cleanup"
        namespace: k8up-system
        labels:
          helm.sh/chart: k8up-4.9.0
          app.kubernetes.io/name: k8up
          app.kubernetes.io/instance: k8up
          app.kubernetes.io/managed-by: Helm
        annotations:
          "helm.sh/hook": post-install,post-upgrade,post-delete
          "helm.sh/hook-weight": "4"
          "helm.sh/hook-delete-policy": before-hook-creation,hook-succeeded
      spec:
        template:
          metadata:
            name: "k8up"
            labels:
              app.kubernetes.io/name: k8up
              app.kubernetes.io/instance: k8up
          spec:
            restartPolicy: Never
            serviceAccountName: cleanup-service-account
            securityContext:
              {}
            containers:
            - name: "k8up-cleanup"
              image: "ghcr.io/k8up-io/k8up:v2.15.0"
              imagePullPolicy: IfNotPresent
              command:
                - sh
                - -c
              args:
                - |
                  set -eo pipefail

                  NAMESPACES=$(kubectl get namespace -ojson | jq -r '.items[].metadata.name')

                  for ns in $NAMESPACES
                  do
                    kubectl -n "$ns" delete rolebinding pod-executor-namespaced --ignore-not-found=true
                    kubectl -n "$ns" delete role pod-executor --ignore-not-found=true
                  done
              securityContext:
                {}
    `}\n`,
    findings: [],
  },
];

describe("real renders outside the corpus, second sweep", () => {
  for (const testCase of cases) {
    it(`${testCase.name} (${testCase.source.split(" ")[0]})`, async () => {
      const expected = testCase.after ?? testCase.before;
      const result = await fixStream(testCase.before, testCase.options);
      expect(result.output).toBe(expected);
      if (testCase.after === undefined) expect(result.changes).toEqual([]);
      if (testCase.findings) {
        expect(result.findings.map((finding) => `${finding.rule} ${finding.severity}`)).toEqual(testCase.findings);
      }
      const again = await fixStream(result.output, testCase.options);
      expect(again.output).toBe(result.output);
      expect(again.changes).toEqual([]);
      if (K8S_READ) expect(k8sDifferences(testCase.before, result.output, result.changes)).toEqual([]);
    });
  }
});
