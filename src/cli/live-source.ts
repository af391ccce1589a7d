/** Reads the live state for --live: a file (`kubectl get … -o yaml` output) or kubectl itself. */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { FixStorageError } from "../core/errors.js";
import { type LiveState, mergeLiveStates, parseLiveState } from "../live/live-state.js";

const KUBECTL_TIMEOUT_SECONDS = 30;

/** `namespaces` lists the namespaces of the rendered StatefulSets and claim-mounting Jobs (kubectl reads each). */
export function readLiveState(source: string, namespaces: () => string[], env: Record<string, string | undefined>): LiveState {
  if (source !== "kubectl") {
    if (!existsSync(source)) throw new FixStorageError(`--live ${source} does not exist (give a file from kubectl get … -o yaml, or --live kubectl)`);
    return parseLiveState(readFileSync(source, "utf8"), source);
  }
  const list = namespaces();
  const states = list.map((namespace) => kubectlState(namespace, env));
  return mergeLiveStates(states, `kubectl (namespace${list.length === 1 ? "" : "s"} ${list.join(", ") || "none"})`);
}

/** Loaded only for --live kubectl: child_process brings net, dgram and the stream modules, which every run would pay for. */
function childProcess(): typeof import("node:child_process") {
  return createRequire(process.execPath)("node:child_process");
}

function kubectlState(ns: string, env: Record<string, string | undefined>): LiveState {
  const { spawnSync } = childProcess();
  const args = ["get", "statefulsets,persistentvolumeclaims", "-n", ns, "-o", "yaml", `--request-timeout=${KUBECTL_TIMEOUT_SECONDS - 5}s`];
  const result = spawnSync(env.FIX_STORAGE_KUBECTL ?? "kubectl", args, {
    encoding: "utf8",
    timeout: KUBECTL_TIMEOUT_SECONDS * 1000,
    maxBuffer: 256 * 1024 * 1024,
    env: env as NodeJS.ProcessEnv,
  });
  const command = `kubectl ${args.join(" ")}`;
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new FixStorageError("--live kubectl: kubectl is not on PATH");
    if (code === "ETIMEDOUT") throw new FixStorageError(`--live kubectl: ${command} did not answer within ${KUBECTL_TIMEOUT_SECONDS}s`);
    throw new FixStorageError(`--live kubectl: ${command}: ${result.error.message}`);
  }
  if (result.status !== 0) {
    // A kubectl that fails without a word still gets a reason: its exit status.
    const reason = result.stderr.trim().split("\n")[0] || `exit ${result.status}`;
    throw new FixStorageError(
      `--live kubectl: ${command} failed: ${reason} (it uses kubectl's current context and KUBECONFIG; check kubectl config current-context)`,
    );
  }
  return parseLiveState(result.stdout, `kubectl (namespace ${ns})`);
}
