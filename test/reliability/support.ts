/** Fixtures and process helpers shared by the reliability suite. */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, ROOT } from "../helpers.js";

export const BUNDLE = join(ROOT, "dist", "fix-storage.cjs");

/** Tests that spawn bin/fix-storage need the bundle: fail with the remedy instead of an obscure error. */
export function requireBundle(): void {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` before the reliability suite`);
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "fix-storage-reliability-"));
}

/** A ConfigMap no rule reads (no kind a rule asks for, no backslash): 8 lines. */
export const CONFIGMAP = [
  "---",
  "# Source: app/templates/cm.yaml",
  "apiVersion: v1",
  "kind: ConfigMap",
  "metadata:",
  "  name: app-config",
  "data:",
  "  mode: 0644",
  "",
].join("\n");

/** A valid StatefulSet whose claim template carries a version label (line 37 of CONFIGMAP + STATEFULSET). */
export const STATEFULSET = [
  "---",
  "# Source: app/templates/sts.yaml",
  "apiVersion: apps/v1",
  "kind: StatefulSet",
  "metadata:",
  "  name: db",
  "  namespace: apps",
  "  labels:",
  "    app.kubernetes.io/instance: app",
  "spec:",
  "  serviceName: db",
  "  replicas: 1",
  "  selector:",
  "    matchLabels:",
  "      app: db",
  "  template:",
  "    metadata:",
  "      labels:",
  "        app: db",
  "    spec:",
  "      containers:",
  "        - name: db",
  "          image: db:1.0",
  "  volumeClaimTemplates:",
  "    - metadata:",
  "        name: data",
  "        labels:",
  "          app: db",
  "          helm.sh/chart: db-1.0.0",
  "      spec:",
  "        accessModes: [ReadWriteOnce]",
  "        resources:",
  "          requests:",
  "            storage: 1Gi",
  "",
].join("\n");

export const CHART_LABEL_LINE = "          helm.sh/chart: db-1.0.0\n";

/** A CronJob mounting the claim STATEFULSET creates (data-db-0): read by cronjob-claims, left as it is. */
export const CRONJOB = [
  "---",
  "# Source: app/templates/cronjob.yaml",
  "apiVersion: batch/v1",
  "kind: CronJob",
  "metadata:",
  "  name: backup",
  "  namespace: apps",
  "spec:",
  '  schedule: "0 3 * * *"',
  "  jobTemplate:",
  "    spec:",
  "      template:",
  "        spec:",
  "          restartPolicy: OnFailure",
  "          containers:",
  "            - name: backup",
  "              image: busybox:1.36",
  "              command: [sh, -c, 'echo backup']",
  "              volumeMounts:",
  "                - name: data",
  "                  mountPath: /backup",
  "          volumes:",
  "            - name: data",
  "              persistentVolumeClaim:",
  "                claimName: data-db-0",
  "",
].join("\n");

/** A hook Job whose kubectl delete already ignores missing objects: read by idempotent-cleanup, left as it is. */
export const JOB = [
  "---",
  "# Source: app/templates/cleanup.yaml",
  "apiVersion: batch/v1",
  "kind: Job",
  "metadata:",
  "  name: cleanup",
  "  namespace: apps",
  "  annotations:",
  "    helm.sh/hook: post-delete",
  "spec:",
  "  template:",
  "    spec:",
  "      restartPolicy: Never",
  "      containers:",
  "        - name: cleanup",
  "          image: bitnami/kubectl:1.30",
  "          command: [kubectl, delete, cm, app-config, --ignore-not-found]",
  "",
].join("\n");

/** Replaces exactly one occurrence, so a fixture edit can never silently miss. */
export function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at === -1 || text.indexOf(from, at + 1) !== -1) throw new Error(`fixture: ${JSON.stringify(from)} must occur exactly once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

export interface ProcessRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  /** SIGKILL the process after this long; `timedOut` then says so. */
  timeoutMs?: number;
  /** Node options before the script (e.g. a heap limit). */
  nodeArgs?: string[];
}

/** Runs the bundled CLI asynchronously, so the test process stays responsive (servers, timers). */
export function runBinAsync(args: string[], input: string | Buffer, options: SpawnOptions = {}): Promise<ProcessRun> {
  const started = Date.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
    env: { PATH: process.env.PATH ?? "", ...options.env },
    cwd: ROOT,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const stdout: Buffer[] = [];
  let stderr = "";
  let timedOut = false;
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  child.stdin.on("error", () => {
    // The process may exit before reading all of stdin (a refused input); that is not the test's concern.
  });
  child.stdin.end(input);
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          child.kill("SIGKILL");
        }, options.timeoutMs);
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(stdout), stderr, timedOut, ms: Date.now() - started });
    });
  });
}
