/** idempotent-cleanup, one behaviour a row: the Job as rendered, the Job as fixed, and what the rule reports. */
import { describe, expect, it } from "vitest";
import type { FixOptions } from "../../src/fix-stream.js";
import { parseLiveState } from "../../src/live/live-state.js";
import { RULE_NAMES } from "../../src/rules/rule.js";
import { example, fix, yaml } from "../helpers.js";
import { K8S_READ, k8sDifferences } from "../k8s-read.js";

const ONLY = { disable: RULE_NAMES.filter((name) => name !== "idempotent-cleanup") };

interface Row {
  options?: Record<string, unknown>;
  /** Anything else fixStream takes: release flags, live state. */
  with?: FixOptions;
  input: string;
  /** Absent: the output is the input, byte for byte. */
  output?: string;
  /** Fragments, one per finding, in order, each starting with the severity. */
  findings: string[];
}

/** A Job named `cleanup`: `meta` is the literal text of its annotations, `containers` of its container list. */
const job = (meta: string, containers: string) =>
  `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: cleanup\n${meta}spec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n${containers}`;

const HOOK = "  annotations:\n    helm.sh/hook: pre-delete\n";
const HOOK_FIXED = '  annotations:\n    helm.sh/hook: pre-delete\n    helm.sh/hook-delete-policy: before-hook-creation\n';

/** The retry wrapper with the default options, as a flow list shows it. */
const WRAPPER = JSON.stringify(
  '# fix-storage-retry: runs the command given after it unchanged; retried up to 3 times, 5s apart, if it fails.\n[ -z "${BASH_VERSION-}" ] || let SHLVL-=1 || :\nfor fix_storage_attempt in 1 2 3; do\n  "$@" && exit 0\n  echo "fix-storage-retry: attempt $fix_storage_attempt of 4 failed with exit status $?; retrying in 5s" >&2\n  sleep 5\ndone\n[ -z "${BASH_VERSION-}" ] || let SHLVL+=1 || :\nexec "$@"\n',
);

/** A hook container that runs a script from ConfigMap `cleanup`, whose first delete has the flag and second does not. */
const MOUNTS_CLEANUP = "        - name: k\n          image: bitnami/kubectl\n          command: [sh, /scripts/cleanup.sh]\n          volumeMounts: [{name: scripts, mountPath: /scripts}]\n      volumes: [{name: scripts, configMap: {name: cleanup}}]\n";
const CLEANUP_CONFIGMAP = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cleanup\ndata:\n  cleanup.sh: |\n    set -e\n    kubectl --ignore-not-found=true delete secret old-token\n    kubectl delete secret app-token\n  other.txt: nothing to run\n";
const MOUNTS_TWO = "        - name: k\n          image: bitnami/kubectl\n          command: [sh, /a/cleanup.sh]\n          volumeMounts: [{name: a, mountPath: /a}, {name: b, mountPath: /b}]\n      volumes: [{name: a, configMap: {name: done}}, {name: b, configMap: {name: elsewhere}}]\n";
const TWO_CONFIGMAPS = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: done\ndata:\n  cleanup.sh: kubectl delete secret x --ignore-not-found\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: elsewhere\n  namespace: other\ndata:\n  cleanup.sh: kubectl delete secret x\n";

const table: Record<string, Row> = {
  "exec form: one more argument, and before-hook-creation": {
    input: job(HOOK, "        - name: k\n          image: bitnami/kubectl:1.30\n          command: [kubectl, delete, cm, x, -n, ns]\n"),
    output: job(HOOK_FIXED, "        - name: k\n          image: bitnami/kubectl:1.30\n          command: [kubectl, delete, cm, x, -n, ns, --ignore-not-found]\n"),
    findings: [],
  },
  "exec form split over command and args: appended to args": {
    input: job(HOOK, "        - name: k\n          command:\n            - kubectl\n          args:\n            - delete\n            - cm/x\n"),
    output: job(HOOK_FIXED, "        - name: k\n          command:\n            - kubectl\n          args:\n            - delete\n            - cm/x\n            - --ignore-not-found\n"),
    findings: [],
  },
  "exec form with --: the flag goes before it": {
    input: job(HOOK, "        - name: k\n          command: [kubectl, delete, -f, \"-\", --, extra]\n"),
    output: job(HOOK_FIXED, "        - name: k\n          command: [kubectl, delete, -f, \"-\", --ignore-not-found, --, extra]\n"),
    findings: [],
  },
  "exec form, global flags before delete": {
    input: job(HOOK, "        - name: k\n          command: [kubectl, -n, ns, --context, c, delete, cm, x]\n"),
    output: job(HOOK_FIXED, "        - name: k\n          command: [kubectl, -n, ns, --context, c, delete, cm, x, --ignore-not-found]\n"),
    findings: [],
  },
  "exec form: delete only as an argument of another verb is left alone": {
    input: job(HOOK, "        - name: a\n          command: [kubectl, annotate, cm, x, delete=1]\n        - name: b\n          command: [kubectl, get, delete]\n"),
    findings: [],
  },
  "already --ignore-not-found, but no delete policy: the policy alone is fixed": {
    input: job(HOOK, "        - name: k\n          command: [sh, -c, 'kubectl delete alloy/x --ignore-not-found=true --wait']\n"),
    output: job(HOOK_FIXED, "        - name: k\n          command: [sh, -c, 'kubectl delete alloy/x --ignore-not-found=true --wait']\n"),
    findings: [],
  },
  "exec form behind a wrapper (env, tini --): nothing edited, a warning": {
    input: job(HOOK, "        - name: k\n          command: [/usr/bin/env, kubectl, delete, cm, a]\n        - name: t\n          command: [tini, --, kubectl, delete, cm, b]\n"),
    findings: ["warning: Job cleanup: container k runs kubectl through /usr/bin/env", "warning: Job cleanup: container t runs kubectl through tini"],
  },
  "--ignore-not-found=false is an explicit choice: kept, with a warning": {
    input: job(HOOK, "        - name: k\n          command: [kubectl, delete, cm, x, --ignore-not-found=false]\n"),
    output: job(HOOK_FIXED, "        - name: k\n          command: [kubectl, delete, cm, x, --ignore-not-found=false]\n"),
    findings: ["warning: Job cleanup: container k passes --ignore-not-found=false"],
  },
  "a delete whose status picks what runs next keeps its script: --ignore-not-found would change which branch runs": {
    input: job(HOOK, "        - name: c\n          image: bitnami/kubectl:1.30\n          command: [sh, -c, \"if kubectl delete secret lock; then echo released; else kubectl create secret generic first-run; fi\"]\n"),
    output: job(HOOK_FIXED, "        - name: c\n          image: bitnami/kubectl:1.30\n          command: [sh, -c, \"if kubectl delete secret lock; then echo released; else kubectl create secret generic first-run; fi\"]\n"),
    findings: [
      "warning: Job cleanup: container c: line 1: `kubectl delete secret lock`'s exit status decides what runs next (`if`), and --ignore-not-found would change what runs when the object is missing, so it is left as written",
    ],
  },
  "a helm test hook is left alone: its failure is its result": {
    input: job("  annotations:\n    helm.sh/hook: test\n", "        - name: k\n          command: [kubectl, delete, cm, x]\n"),
    findings: [],
  },
  "kubectl delete held in a variable: reported, not edited": {
    input: job(HOOK, '        - name: k\n          image: bitnami/kubectl\n          command: [sh, -c, "CMD=\\"kubectl delete cm x\\"; $CMD"]\n'),
    findings: ["warning: Job cleanup: container k: line 1: `$CMD` runs a command only known when the script runs"],
  },
  "a script Kubernetes fills in from the container's env ($(VAR)): reported, not edited": {
    input: job(HOOK, '        - name: k\n          image: bitnami/kubectl\n          command: [sh, -c, "$(CLEANUP)"]\n          env: [{name: CLEANUP, value: kubectl delete cm x}]\n'),
    findings: ["warning: Job cleanup: container k: Kubernetes replaces $(CLEANUP) in its script with the container's environment before the shell reads it"],
  },
  "a $(VAR) whose env value holds shell syntax (a redirect, ||): reported, not edited": {
    input: job(HOOK, '        - name: k\n          image: bitnami/kubectl\n          command: [sh, -c, "kubectl delete pod $(POD)"]\n          env: [{name: POD, value: "mypod || exit 7"}]\n'),
    output: job(HOOK_FIXED, '        - name: k\n          image: bitnami/kubectl\n          command: [sh, -c, "kubectl delete pod $(POD)"]\n          env: [{name: POD, value: "mypod || exit 7"}]\n'),
    findings: ["warning: Job cleanup: container k: Kubernetes replaces $(POD) in its script with the container's environment before the shell reads it"],
  },
  "$$(…) is a command substitution once Kubernetes turns $$ into $: its captured error output decides, left alone": {
    input: job(HOOK, '        - name: k\n          image: bitnami/kubectl\n          command: [sh, -c, "out=$$(kubectl delete cm x 2>&1) || true\\ncase \\"$out\\" in *NotFound*) echo gone;; esac"]\n'),
    output: job(HOOK_FIXED, '        - name: k\n          image: bitnami/kubectl\n          command: [sh, -c, "out=$$(kubectl delete cm x 2>&1) || true\\ncase \\"$out\\" in *NotFound*) echo gone;; esac"]\n'),
    findings: ["warning: Job cleanup: container k: with the values Kubernetes puts in place of its $(NAME) references, its script reads otherwise than as written"],
  },
  "exec form with a $(VAR) Kubernetes fills in (here --ignore-not-found=false): reported, not edited": {
    input: job(HOOK, '        - name: k\n          image: bitnami/kubectl\n          command: [kubectl, delete, cm, x, "$(FLAG)"]\n          env: [{name: FLAG, value: --ignore-not-found=false}]\n'),
    output: job(HOOK_FIXED, '        - name: k\n          image: bitnami/kubectl\n          command: [kubectl, delete, cm, x, "$(FLAG)"]\n          env: [{name: FLAG, value: --ignore-not-found=false}]\n'),
    findings: ["warning: Job cleanup: container k runs kubectl delete cm x …, whose $(NAME) references Kubernetes fills in from the container's environment before kubectl runs"],
  },
  "bash started with SHELLOPTS=pipefail in the env: a delete feeding a pipe is left alone": {
    input: job(HOOK, '        - name: k\n          image: bitnami/kubectl\n          command: [bash, -c, "kubectl delete cm x | cat && kubectl get ns y"]\n          env: [{name: SHELLOPTS, value: "braceexpand:pipefail"}]\n'),
    output: job(HOOK_FIXED, '        - name: k\n          image: bitnami/kubectl\n          command: [bash, -c, "kubectl delete cm x | cat && kubectl get ns y"]\n          env: [{name: SHELLOPTS, value: "braceexpand:pipefail"}]\n'),
    findings: ["it feeds a pipe under pipefail"],
  },
  "bash -o $(OPTION), which Kubernetes fills in with pipefail: a delete feeding a pipe is left alone": {
    input: job(HOOK, '        - name: k\n          image: bitnami/kubectl\n          command: [bash, -o, $(PF), -c, "kubectl delete cm x | cat || exit 0"]\n          env: [{name: PF, value: pipefail}]\n'),
    output: job(HOOK_FIXED, '        - name: k\n          image: bitnami/kubectl\n          command: [bash, -o, $(PF), -c, "kubectl delete cm x | cat || exit 0"]\n          env: [{name: PF, value: pipefail}]\n'),
    findings: ["it feeds a pipe under pipefail"],
  },
  "bash with BASH_ENV: the file it runs first is not read, so the script is left as written": {
    input: job(HOOK, '        - name: k\n          image: bitnami/kubectl\n          command: [bash, -c, "kubectl delete cm x"]\n          env: [{name: BASH_ENV, value: /etc/profile.d/x.sh}]\n'),
    output: job(HOOK_FIXED, '        - name: k\n          image: bitnami/kubectl\n          command: [bash, -c, "kubectl delete cm x"]\n          env: [{name: BASH_ENV, value: /etc/profile.d/x.sh}]\n'),
    findings: ["bash runs the file BASH_ENV names before its script"],
  },
  "set -o $(OPTION) in the script, filled in with pipefail: the script as run is read, and left as written": {
    input: job(HOOK, '        - name: k\n          image: bitnami/kubectl\n          command: [bash, -c, "set -o $(PF)\\nkubectl delete cm x | cat || exit 0"]\n          env: [{name: PF, value: pipefail}]\n'),
    output: job(HOOK_FIXED, '        - name: k\n          image: bitnami/kubectl\n          command: [bash, -c, "set -o $(PF)\\nkubectl delete cm x | cat || exit 0"]\n          env: [{name: PF, value: pipefail}]\n'),
    findings: ["it feeds a pipe under pipefail"],
  },
  "bash +o pipefail turns it off: the delete is edited": {
    options: { retries: 0 },
    input: job(HOOK, '        - name: k\n          image: bitnami/kubectl\n          command: [bash, +o, pipefail, -c, "kubectl delete cm x | cat"]\n'),
    output: job(HOOK_FIXED, '        - name: k\n          image: bitnami/kubectl\n          command: [bash, +o, pipefail, -c, "kubectl delete --ignore-not-found cm x | cat"]\n'),
    findings: [],
  },
  "a $(VAR) that names a pod field, or a value that runs nothing, changes nothing: edited as usual": {
    input: job(HOOK, '        - name: k\n          image: bitnami/kubectl\n          command: [sh, -c, "kubectl delete pod $(POD) -n $(NS)"]\n          env: [{name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}, {name: NS, value: apps}]\n'),
    output: job(
      HOOK_FIXED,
      '        - name: k\n          image: bitnami/kubectl\n          command: [sh, -c, "kubectl delete --ignore-not-found pod $(POD) -n $(NS)"]\n          env: [{name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}, {name: NS, value: apps}]\n',
    ),
    findings: ["its script is not retried"],
  },
  "sh -c run through a wrapper (dumb-init): reported, not edited": {
    input: job(HOOK, "        - name: k\n          command: [dumb-init, --, sh, -c, kubectl delete cm x]\n"),
    findings: ["warning: Job cleanup: container k runs kubectl through dumb-init"],
  },
  "a kubectl flag fix-storage does not know before delete: reported, not edited": {
    input: job(HOOK, "        - name: k\n          command: [kubectl, --kube-api-qps=5, delete, cm, x]\n"),
    findings: ["warning: Job cleanup: container k runs kubectl --kube-api-qps=5 delete cm …"],
  },
  "command: null is no command, as Kubernetes reads it: the image's kubectl runs args": {
    input: job(HOOK, "        - name: k\n          image: bitnami/kubectl:1.31\n          command: null\n          args: [delete, cm, x]\n"),
    output: job(HOOK_FIXED, "        - name: k\n          image: bitnami/kubectl:1.31\n          command: null\n          args: [delete, cm, x, --ignore-not-found]\n"),
    findings: [],
  },
  "a script from a mounted ConfigMap that deletes: reported delete by delete, naming the ConfigMap and key; the hook gets its policy": {
    input: `${job(HOOK, MOUNTS_CLEANUP)}${CLEANUP_CONFIGMAP}`,
    output: `${job(HOOK_FIXED, MOUNTS_CLEANUP)}${CLEANUP_CONFIGMAP}`,
    findings: ["warning: Job cleanup mounts ConfigMap cleanup, whose cleanup.sh runs kubectl delete without --ignore-not-found (line 3: kubectl delete secret app-token)"],
  },
  "a script from a ConfigMap a projected volume holds: reported the same way": {
    input: `${job(HOOK, MOUNTS_CLEANUP.replace("configMap: {name: cleanup}", "projected: {sources: [{configMap: {name: cleanup}}]}"))}${CLEANUP_CONFIGMAP}`,
    output: `${job(HOOK_FIXED, MOUNTS_CLEANUP.replace("configMap: {name: cleanup}", "projected: {sources: [{configMap: {name: cleanup}}]}"))}${CLEANUP_CONFIGMAP}`,
    findings: ["warning: Job cleanup mounts ConfigMap cleanup, whose cleanup.sh runs kubectl delete without --ignore-not-found (line 3: kubectl delete secret app-token)"],
  },
  "a script from a mounted Secret (data in base64): reported, naming the Secret": {
    input: `${job(HOOK, MOUNTS_CLEANUP.replace("configMap: {name: cleanup}", "secret: {secretName: cleanup}"))}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: cleanup\ndata:\n  cleanup.sh: a3ViZWN0bCBkZWxldGUgc2VjcmV0IGFwcC10b2tlbgo=\n`,
    output: `${job(HOOK_FIXED, MOUNTS_CLEANUP.replace("configMap: {name: cleanup}", "secret: {secretName: cleanup}"))}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: cleanup\ndata:\n  cleanup.sh: a3ViZWN0bCBkZWxldGUgc2VjcmV0IGFwcC10b2tlbgo=\n`,
    findings: ["warning: Job cleanup mounts Secret cleanup, whose cleanup.sh runs kubectl delete without --ignore-not-found (line 1: kubectl delete secret app-token)"],
  },
  "a mounted ConfigMap whose deletes are all idempotent, or one of another namespace: nothing to report": {
    with: { release: { namespace: "apps" } },
    input: `${job(HOOK, MOUNTS_TWO)}${TWO_CONFIGMAPS}`,
    output: `${job(HOOK_FIXED, MOUNTS_TWO)}${TWO_CONFIGMAPS}`,
    findings: [],
  },
  "a mounted ConfigMap of a stated namespace, the Job's not known: -n asked for": {
    input: `${job(HOOK, MOUNTS_TWO)}${TWO_CONFIGMAPS}`,
    output: `${job(HOOK_FIXED, MOUNTS_TWO)}${TWO_CONFIGMAPS}`,
    findings: ["warning: Job cleanup mounts ConfigMap elsewhere, whose cleanup.sh runs kubectl delete, but one of the two states no namespace and none is given"],
  },
  "a script in a ConfigMap's binaryData, and a Secret written in flow style: read as the others": {
    input: `${job(HOOK, MOUNTS_CLEANUP.replace("configMap: {name: cleanup}", "projected: {sources: [{configMap: {name: bin}}, {secret: {name: flow}}]}"))}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: bin}\nbinaryData: {cleanup.sh: a3ViZWN0bCBkZWxldGUgc2VjcmV0IGFwcC10b2tlbgo=}\n---\n{apiVersion: v1, kind: Secret, metadata: {name: flow}, data: {other.sh: a3ViZWN0bCBkZWxldGUgc2VjcmV0IGFwcC10b2tlbgo=}}\n`,
    output: `${job(HOOK_FIXED, MOUNTS_CLEANUP.replace("configMap: {name: cleanup}", "projected: {sources: [{configMap: {name: bin}}, {secret: {name: flow}}]}"))}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: bin}\nbinaryData: {cleanup.sh: a3ViZWN0bCBkZWxldGUgc2VjcmV0IGFwcC10b2tlbgo=}\n---\n{apiVersion: v1, kind: Secret, metadata: {name: flow}, data: {other.sh: a3ViZWN0bCBkZWxldGUgc2VjcmV0IGFwcC10b2tlbgo=}}\n`,
    findings: ["warning: Job cleanup mounts ConfigMap bin, whose cleanup.sh runs kubectl delete", "warning: Job cleanup mounts Secret flow, whose other.sh runs kubectl delete"],
  },
  "a helm test hook named in capitals is a test hook too (Helm lowercases hook names)": {
    input: job("  annotations:\n    helm.sh/hook: Test\n", "        - name: k\n          command: [kubectl, delete, cm, x]\n"),
    findings: [],
  },
  "a delete policy in capitals is already there (Helm lowercases policies)": {
    input: job(
      "  annotations:\n    helm.sh/hook: pre-delete\n    helm.sh/hook-delete-policy: Before-Hook-Creation\n",
      "        - name: k\n          command: [kubectl, delete, cm, x, --ignore-not-found]\n",
    ),
    findings: [],
  },
  "already idempotent and before-hook-creation: nothing to do": {
    input: job(
      "  annotations:\n    helm.sh/hook: pre-delete\n    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded\n",
      "        - name: k\n          command: [kubectl, delete, cm, x, --ignore-not-found]\n",
    ),
    findings: [],
  },
  "a hook that deletes nothing keeps its policy": {
    input: job("  annotations:\n    helm.sh/hook: post-install\n    helm.sh/hook-delete-policy: hook-succeeded\n", "        - name: k\n          command: [kubectl, patch, deploy/x, -p, '{}']\n"),
    findings: [],
  },
  "Kyverno 3.3.9's script: the flag, the retry wrapper in front of the unchanged command, and the policy": {
    input: yaml`
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: kyverno-remove-configmap
        annotations:
          helm.sh/hook: post-delete
          helm.sh/hook-delete-policy: hook-succeeded
      spec:
        template:
          spec:
            containers:
              - name: kubectl
                image: bitnami/kubectl:1.30
                command:
                  - /bin/bash
                  - -c
                  - |-
                    set -euo pipefail
                    kubectl delete cm -n kyverno kyverno
    `,
    output: yaml`
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: kyverno-remove-configmap
        annotations:
          helm.sh/hook: post-delete
          helm.sh/hook-delete-policy: "hook-succeeded,before-hook-creation"
      spec:
        template:
          spec:
            containers:
              - name: kubectl
                image: bitnami/kubectl:1.30
                command:
                  - /bin/bash
                  - -c
                  - |
                    # fix-storage-retry: runs the command given after it unchanged; retried up to 3 times, 5s apart, if it fails.
                    [ -z "\${BASH_VERSION-}" ] || let SHLVL-=1 || :
                    for fix_storage_attempt in 1 2 3; do
                      "$@" && exit 0
                      echo "fix-storage-retry: attempt $fix_storage_attempt of 4 failed with exit status $?; retrying in 5s" >&2
                      sleep 5
                    done
                    [ -z "\${BASH_VERSION-}" ] || let SHLVL+=1 || :
                    exec "$@"
                  - fix-storage-retry
                  - /bin/bash
                  - -c
                  - |-
                    set -euo pipefail
                    kubectl delete --ignore-not-found cm -n kyverno kyverno
    `,
    findings: [],
  },
  "script in args, shell in command: the wrapper goes into command, the flag into args": {
    input: job(HOOK, "        - name: k\n          command: [sh, -c]\n          args: ['kubectl delete cm x']\n"),
    output: job(
      HOOK_FIXED,
      `        - name: k\n          command: [sh, -c, ${WRAPPER}, fix-storage-retry, sh, -c]\n          args: [kubectl delete --ignore-not-found cm x]\n`,
    ),
    findings: [],
  },
  "retries that wait longer than the Job's activeDeadlineSeconds: made, and said": {
    input: job(HOOK, "        - name: k\n          command: [sh, -c]\n          args: ['kubectl delete cm x']\n").replace("spec:\n  template:", "spec:\n  activeDeadlineSeconds: 10\n  template:"),
    output: job(
      HOOK_FIXED,
      `        - name: k\n          command: [sh, -c, ${WRAPPER}, fix-storage-retry, sh, -c]\n          args: [kubectl delete --ignore-not-found cm x]\n`,
    ).replace("spec:\n  template:", "spec:\n  activeDeadlineSeconds: 10\n  template:"),
    findings: [
      "Job cleanup: its retries wait 15s in all, and spec.activeDeadlineSeconds ends the Job after 10s, so the last attempts may not run (lower idempotent-cleanup.retries or delaySeconds)",
    ],
  },
  "retries, delaySeconds and hookDeletePolicy": {
    options: { retries: 1, delaySeconds: 0, hookDeletePolicy: ["before-hook-creation", "hook-succeeded"] },
    input: job(HOOK, "        - name: k\n          command: [sh, -ec, 'kubectl delete cm x']\n"),
    output: job(
      '  annotations:\n    helm.sh/hook: pre-delete\n    helm.sh/hook-delete-policy: "before-hook-creation,hook-succeeded"\n',
      `        - name: k\n          command: [sh, -c, ${JSON.stringify(
        '# fix-storage-retry: runs the command given after it unchanged; retried up to 1 times, 0s apart, if it fails.\n[ -z "${BASH_VERSION-}" ] || let SHLVL-=1 || :\nfor fix_storage_attempt in 1; do\n  "$@" && exit 0\n  echo "fix-storage-retry: attempt $fix_storage_attempt of 2 failed with exit status $?; retrying in 0s" >&2\n  sleep 0\ndone\n[ -z "${BASH_VERSION-}" ] || let SHLVL+=1 || :\nexec "$@"\n',
      )}, fix-storage-retry, sh, -ec, kubectl delete --ignore-not-found cm x]\n`,
    ),
    findings: [],
  },
  "hookDeletePolicy with hook-failed: added after the chart's own policies": {
    options: { hookDeletePolicy: ["before-hook-creation", "hook-failed"] },
    input: job("  annotations:\n    helm.sh/hook: pre-delete\n    helm.sh/hook-delete-policy: hook-succeeded\n", "        - name: k\n          command: [kubectl, delete, cm, x, --ignore-not-found]\n"),
    output: job(
      '  annotations:\n    helm.sh/hook: pre-delete\n    helm.sh/hook-delete-policy: "hook-succeeded,before-hook-creation,hook-failed"\n',
      "        - name: k\n          command: [kubectl, delete, cm, x, --ignore-not-found]\n",
    ),
    findings: [],
  },
  "retries: 0 adds only the flag": {
    options: { retries: 0 },
    input: job(HOOK, "        - name: k\n          command: [sh, -c, 'kubectl delete cm x']\n"),
    output: job(HOOK_FIXED, '        - name: k\n          command: [sh, -c, kubectl delete --ignore-not-found cm x]\n'),
    findings: [],
  },
  "a script that is not safe to run twice gets only the flag, and says why": {
    input: job(HOOK, "        - name: k\n          command: [sh, -c, 'touch /tmp/started; kubectl delete cm x; exit 3']\n"),
    output: job(HOOK_FIXED, '        - name: k\n          command: [sh, -c, "touch /tmp/started; kubectl delete --ignore-not-found cm x; exit 3"]\n'),
    findings: ["info: Job cleanup: container k: its script is not retried, because line 1: `touch` is not known to be safe to run twice; only --ignore-not-found was added"],
  },
  "kubectl apply is not replayed either": {
    input: job(HOOK, "        - name: k\n          command: [sh, -c, 'kubectl apply -f x.yaml && kubectl delete cm x']\n"),
    output: job(HOOK_FIXED, '        - name: k\n          command: [sh, -c, "kubectl apply -f x.yaml && kubectl delete --ignore-not-found cm x"]\n'),
    findings: ["info: Job cleanup: container k: its script is not retried, because line 1: `kubectl apply` changes the cluster"],
  },
  "heredoc bodies, quoted text, comments and echo arguments are never edited": {
    input: job(
      HOOK,
      "        - name: k\n          command:\n            - sh\n            - -c\n            - |\n              cat <<EOF\n              kubectl delete cm in-heredoc\n              EOF\n              echo 'kubectl delete cm quoted' # kubectl delete cm comment\n              echo kubectl delete cm argument\n",
    ),
    findings: [],
  },
  "an alias for kubectl: reported, not edited": {
    input: job(HOOK, "        - name: k\n          command: [sh, -c, 'alias k=kubectl; k delete cm x']\n"),
    findings: ["warning: Job cleanup: container k: line 1: `k delete cm x` runs an alias, so fix-storage cannot tell whether it deletes; if it does, add --ignore-not-found to it in the chart"],
  },
  "kubectl delete run by eval: reported, not edited": {
    input: job(HOOK, "        - name: k\n          command: [sh, -c, 'eval \"kubectl delete cm x\"']\n"),
    findings: ["warning: Job cleanup: container k: line 1: `eval \"kubectl delete cm x\"` runs shell code that may run kubectl delete"],
  },
  "a script the reader cannot follow: reported, not edited": {
    input: job(HOOK, "        - name: k\n          command: [sh, -c, 'kubectl delete cm \"x']\n"),
    findings: ["warning: Job cleanup: container k: line 1: a `\"` is not closed, so fix-storage cannot tell commands from text"],
  },
  "a release Job (no helm.sh/hook) is left alone, with the reason and what to do": {
    input: job("", "        - name: k\n          command: [kubectl, delete, cm, x]\n"),
    findings: [
      "warning: Job cleanup runs kubectl delete without --ignore-not-found but is not a Helm hook, so it is left alone: a Job's pod template cannot change, and an edited one would make every later upgrade of an existing release fail. Add --ignore-not-found in the chart, or make the Job a hook",
    ],
  },
  "--live, whatever it shows of the Job, does not change that: a release Job is never edited (its next upgrade would depend on the cluster)": {
    with: { release: { namespace: "apps" }, live: { state: parseLiveState("apiVersion: v1\nkind: List\nitems: []\n", "kubectl (namespace apps)"), mode: "pin" } },
    input: job("", "        - name: k\n          command: [kubectl, delete, cm, x]\n"),
    findings: ["Job cleanup runs kubectl delete without --ignore-not-found but is not a Helm hook, so it is left alone"],
  },
  "a Job with helm.sh/hook inside a List is no hook to Helm (it reads hooks from a document's own metadata): left alone": {
    input: `apiVersion: v1\nkind: List\nitems:\n${job(HOOK, "        - name: k\n          command: [kubectl, delete, cm, x]\n")
      .split("\n")
      .map((line, index) => (line === "" ? line : `${index === 0 ? "- " : "  "}${line}`))
      .join("\n")}`,
    findings: [
      "warning: Job cleanup runs kubectl delete without --ignore-not-found but is not a Helm hook (its helm.sh/hook is on an item of a List, and Helm reads hooks only from a document's own metadata), so it is left alone",
    ],
  },
  "a Job in a List that is itself a hook: left alone, since the hook's delete policy is the List's": {
    input: `apiVersion: v1\nkind: List\nmetadata:\n  annotations:\n    helm.sh/hook: post-delete\nitems:\n${job("", "        - name: k\n          command: [kubectl, delete, cm, x]\n")
      .split("\n")
      .map((line, index) => (line === "" ? line : `${index === 0 ? "- " : "  "}${line}`))
      .join("\n")}`,
    findings: ["warning: Job cleanup runs kubectl delete without --ignore-not-found but is an item of a List that Helm runs as a hook, whose delete policy is the List's"],
  },
  "an empty helm.sh/hook is not a hook": {
    input: job("  annotations:\n    helm.sh/hook: ''\n", "        - name: k\n          command: [sh, -c, 'kubectl delete cm x']\n"),
    findings: ["warning: Job cleanup runs kubectl delete without --ignore-not-found but is not a Helm hook"],
  },
  "a release Job whose delete is already idempotent: nothing to say": {
    input: job("", "        - name: k\n          command: [kubectl, delete, cm, x, --ignore-not-found]\n"),
    findings: [],
  },
  "no command, image bitnami/kubectl: args are kubectl's, the flag is appended": {
    input: job(HOOK, "        - name: k\n          image: docker.io/bitnami/kubectl:1.30.2\n          args: [delete, pvc, data-db-0]\n"),
    output: job(HOOK_FIXED, "        - name: k\n          image: docker.io/bitnami/kubectl:1.30.2\n          args: [delete, pvc, data-db-0, --ignore-not-found]\n"),
    findings: [],
  },
  "a delete by label selector or --all already exits 0 when nothing matches: no flag, only the delete policy": {
    input: job(
      HOOK,
      "        - name: k\n          image: docker.io/bitnami/kubectl:1.30.2\n          args: [delete, pvc, -l, app=db]\n        - name: s\n          image: rancher/kubectl:v1.30.0\n          args: [delete, pvc, --selector=app=db]\n        - name: a\n          image: rancher/kubectl:v1.30.0\n          args: [delete, pvc, --all]\n",
    ),
    output: job(
      HOOK_FIXED,
      "        - name: k\n          image: docker.io/bitnami/kubectl:1.30.2\n          args: [delete, pvc, -l, app=db]\n        - name: s\n          image: rancher/kubectl:v1.30.0\n          args: [delete, pvc, --selector=app=db]\n        - name: a\n          image: rancher/kubectl:v1.30.0\n          args: [delete, pvc, --all]\n",
    ),
    findings: [],
  },
  "no command, registry.k8s.io/kubectl with a digest": {
    input: job(HOOK, "        - name: k\n          image: registry.k8s.io/kubectl:v1.31.0@sha256:0000000000000000000000000000000000000000000000000000000000000000\n          args:\n            - --namespace=ns\n            - delete\n            - job/migrate\n"),
    output: job(
      HOOK_FIXED,
      "        - name: k\n          image: registry.k8s.io/kubectl:v1.31.0@sha256:0000000000000000000000000000000000000000000000000000000000000000\n          args:\n            - --namespace=ns\n            - delete\n            - job/migrate\n            - --ignore-not-found\n",
    ),
    findings: [],
  },
  "no command, any image named kubectl (a mirror)": {
    input: job(HOOK, "        - name: k\n          image: mirror.example.com:5000/tools/kubectl\n          args: [delete, cm, x]\n"),
    output: job(HOOK_FIXED, "        - name: k\n          image: mirror.example.com:5000/tools/kubectl\n          args: [delete, cm, x, --ignore-not-found]\n"),
    findings: [],
  },
  "no command, rancher/kubectl, already --ignore-not-found: the policy alone": {
    input: job(HOOK, "        - name: k\n          image: rancher/kubectl:v1.29.10\n          args: [delete, cm, x, --ignore-not-found]\n"),
    output: job(HOOK_FIXED, "        - name: k\n          image: rancher/kubectl:v1.29.10\n          args: [delete, cm, x, --ignore-not-found]\n"),
    findings: [],
  },
  "no command, alpine/k8s (no entrypoint): args are the command": {
    input: job(HOOK, "        - name: k\n          image: alpine/k8s:1.30.2\n          args: [kubectl, delete, cm, x]\n"),
    output: job(HOOK_FIXED, "        - name: k\n          image: alpine/k8s:1.30.2\n          args: [kubectl, delete, cm, x, --ignore-not-found]\n"),
    findings: [],
  },
  "no command, args start with delete, unknown image: reported, naming kubectlImages": {
    input: job(HOOK, "        - name: k\n          image: ghcr.io/acme/tools:1\n          args: [delete, cm, x]\n"),
    findings: [
      "warning: Job cleanup: container k sets only args (delete …), as if image ghcr.io/acme/tools:1 ran kubectl; fix-storage does not know that image's entrypoint, so it changes nothing. If its entrypoint is kubectl, list its repository in idempotent-cleanup's kubectlImages option",
    ],
  },
  "kubectlImages lets the rule act on that image": {
    options: { kubectlImages: ["ghcr.io/acme/tools"] },
    input: job(HOOK, "        - name: k\n          image: ghcr.io/acme/tools:1\n          args: [delete, cm, x]\n"),
    output: job(HOOK_FIXED, "        - name: k\n          image: ghcr.io/acme/tools:1\n          args: [delete, cm, x, --ignore-not-found]\n"),
    findings: [],
  },
  "no command, args a shell script (image unknown): the args are the command": {
    options: { retries: 0 },
    input: job(HOOK, "        - name: k\n          image: example.com/tools:1\n          args: [sh, -c, 'kubectl delete cm x']\n"),
    output: job(HOOK_FIXED, '        - name: k\n          image: example.com/tools:1\n          args: [sh, -c, kubectl delete --ignore-not-found cm x]\n'),
    findings: [],
  },
  "a delete policy that is not a string: reported": {
    input: job("  annotations:\n    helm.sh/hook: pre-delete\n    helm.sh/hook-delete-policy: 3\n", "        - name: k\n          command: [kubectl, delete, cm, x, --ignore-not-found]\n"),
    findings: ['warning: Job cleanup: helm.sh/hook-delete-policy is not a string, so it is left alone; make it "before-hook-creation"'],
  },
  "a delete policy written on, a boolean to Kubernetes' YAML 1.1 reader: reported as not a string, never extended": {
    input: job("  annotations:\n    helm.sh/hook: pre-delete\n    helm.sh/hook-delete-policy: on\n", "        - name: k\n          command: [kubectl, delete, cm, x, --ignore-not-found]\n"),
    findings: ['warning: Job cleanup: helm.sh/hook-delete-policy is not a string, so it is left alone; make it "before-hook-creation"'],
  },
  "CronJobs are not cleanup hooks": {
    input: "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  schedule: '@daily'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: k\n              command: [kubectl, delete, cm, x]\n",
    findings: [],
  },
  "a container whose command is not a list of strings is left alone": {
    input: job(HOOK, "        - name: k\n          command: [kubectl, delete, {cm: x}]\n"),
    findings: [],
  },
};

describe("idempotent-cleanup", () => {
  for (const [name, row] of Object.entries(table)) {
    it(name, async () => {
      const options = { ...row.with, ...ONLY, ...(row.options && { config: { rules: { "idempotent-cleanup": row.options } } }) };
      const result = await fix(row.input, options);
      expect(result.output).toBe(row.output ?? row.input);
      const findings = result.findings.filter((finding) => finding.rule === "idempotent-cleanup").map((f) => `${f.severity}: ${f.message}`);
      expect(findings).toHaveLength(row.findings.length);
      row.findings.forEach((fragment, i) => {
        expect(findings[i]).toContain(fragment);
      });
      if (K8S_READ) expect(k8sDifferences(row.input, result.output, result.changes)).toEqual([]);
      // A second run changes nothing.
      const again = await fix(result.output, options);
      expect(again.output).toBe(result.output);
    });
  }

  it("kubectlImages takes repositories, not tags", async () => {
    await expect(fix(job(HOOK, ""), { ...ONLY, config: { rules: { "idempotent-cleanup": { kubectlImages: ["ghcr.io/acme/tools:1"] } } } })).rejects.toThrow(
      /kubectlImages/,
    );
  });
});

describe("Kyverno 3.3.9, Helm 3 and Helm 4 renders", () => {
  for (const file of ["rendered.yaml", "rendered-helm4.yaml"]) {
    it(`${file}: every hook Job's kubectl delete gets the flag; nothing else changes`, async () => {
      const input = example("kyverno", file);
      const result = await fix(input, ONLY);
      const names = [...new Set(result.changes.map((change) => change.object.name))];
      expect(names).toContain("kyverno-remove-configmap");
      expect(result.findings.filter((finding) => finding.rule === "schema")).toEqual([]);
      for (const change of result.changes) {
        expect(JSON.stringify(change.after)).not.toMatch(/kubectl delete (?!--ignore-not-found)/);
      }
      if (K8S_READ) expect(k8sDifferences(input, result.output, result.changes)).toEqual([]);
    });
  }
});
