/**
 * What the cluster has: StatefulSets and PersistentVolumeClaims as `kubectl get … -o yaml` prints them (a List) or
 * as a stream of objects. Parsing only; reading the file or running kubectl is the CLI's job.
 */
import { parseAllDocuments } from "yaml";
import { FixStorageError } from "../core/errors.js";
import { isRecord } from "../core/manifest.js";
import { hasNoContent } from "../core/stream.js";

export interface LiveClaim {
  namespace: string;
  name: string;
  creationTimestamp?: string;
  annotations: Record<string, unknown>;
  /** spec.volumeName and spec.storageClassName, when set: a bound claim's spec cannot change. */
  volumeName?: string;
  storageClassName?: string;
  /** spec.accessModes, when it lists some. */
  accessModes?: string[];
}

export interface LiveState {
  /** Where it came from, for messages: a file name or `kubectl`. */
  origin: string;
  /** `namespace/name` → the live StatefulSet. */
  statefulSets: Map<string, Record<string, unknown>>;
  claims: LiveClaim[];
  /**
   * The objects that state no metadata.namespace (`helm get manifest` prints a chart's objects so): kept under the
   * namespace "" until placeLiveState puts them in the release's.
   */
  unplaced: string[];
}

export function parseLiveState(text: string, origin: string): LiveState {
  const state: LiveState = { origin, statefulSets: new Map(), claims: [], unplaced: [] };
  // kubectl prints a List even when it finds nothing: an empty file is a `kubectl get` that failed, not an empty cluster.
  if (hasNoContent(text)) {
    throw new FixStorageError(
      `--live ${origin} holds no YAML: kubectl get … -o yaml prints a List even when it finds nothing, so this is the output of a command that failed (check its error, or give --live kubectl)`,
    );
  }
  const documents = parseAllDocuments(text, { merge: true, logLevel: "error" });
  let objects = 0;
  for (const doc of Array.isArray(documents) ? documents : [documents]) {
    const [error] = doc.errors;
    if (error) {
      const position = error.linePos?.[0];
      throw new FixStorageError(`--live ${origin}: ${error.message.split("\n")[0]}`, position ? { line: position.line, column: position.col } : {});
    }
    const value = doc.toJS({ maxAliasCount: 1000 });
    if (isRecord(value) && typeof value.kind === "string") objects++;
    collect(value, state);
  }
  // `{}`, `[]` or `null` is no output of kubectl either, which prints a List even when it finds nothing.
  if (objects === 0) {
    throw new FixStorageError(`--live ${origin} holds no Kubernetes object or List, as kubectl get … -o yaml prints even when it finds nothing (check the command that made it)`);
  }
  return state;
}

function collect(object: unknown, state: LiveState): void {
  if (!isRecord(object)) return;
  if (typeof object.kind === "string" && object.kind.endsWith("List") && Array.isArray(object.items)) {
    for (const item of object.items) collect(item, state);
    return;
  }
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const namespace = typeof metadata.namespace === "string" ? metadata.namespace : "";
  const name = typeof metadata.name === "string" ? metadata.name : "";
  if (namespace === "" && (object.kind === "StatefulSet" || object.kind === "PersistentVolumeClaim")) {
    state.unplaced.push(`${object.kind} ${name}`);
  }
  if (object.kind === "StatefulSet") state.statefulSets.set(`${namespace}/${name}`, object);
  if (object.kind === "PersistentVolumeClaim") {
    const spec = isRecord(object.spec) ? object.spec : {};
    state.claims.push({
      namespace,
      name,
      ...(typeof spec.volumeName === "string" && spec.volumeName !== "" && { volumeName: spec.volumeName }),
      ...(typeof spec.storageClassName === "string" && { storageClassName: spec.storageClassName }),
      ...(Array.isArray(spec.accessModes) && spec.accessModes.length > 0 && { accessModes: spec.accessModes.map(String) }),
      ...(typeof metadata.creationTimestamp === "string" && { creationTimestamp: metadata.creationTimestamp }),
      annotations: isRecord(metadata.annotations) ? metadata.annotations : {},
    });
  }
}

export function claimExists(state: LiveState, namespace: string, name: string): boolean {
  return liveClaim(state, namespace, name) !== undefined;
}

export function liveClaim(state: LiveState, namespace: string, name: string): LiveClaim | undefined {
  return state.claims.find((claim) => claim.namespace === namespace && claim.name === name);
}

/**
 * The ordinals of the live StatefulSet's pods (spec.ordinals.start, 0 when unset; spec.replicas, 1 when unset), or
 * undefined when the cluster has none.
 */
export function liveStatefulSetOrdinals(state: LiveState, namespace: string, name: string): { start: number; replicas: number } | undefined {
  const live = state.statefulSets.get(`${namespace}/${name}`);
  if (live === undefined) return undefined;
  const spec = isRecord(live.spec) ? live.spec : {};
  const replicas = typeof spec.replicas === "number" ? spec.replicas : spec.replicas === undefined ? 1 : 0;
  const ordinals = isRecord(spec.ordinals) ? spec.ordinals.start : undefined;
  const start = ordinals === undefined ? 0 : Number.isSafeInteger(ordinals) && (ordinals as number) >= 0 ? (ordinals as number) : undefined;
  // An ordinal start the API server would not hold: no pod is known to run.
  return start === undefined ? { start: 0, replicas: 0 } : { start, replicas };
}

/**
 * The state with the objects that state no namespace put in the release's, as Helm installs them; an error when the
 * release namespace is not known (they would be compared with nothing, and a forbidden change would pass unseen).
 */
export function placeLiveState(state: LiveState, namespace: string | undefined): LiveState {
  if (state.unplaced.length === 0) return state;
  if (namespace === undefined) {
    const shown = state.unplaced.slice(0, 3).join(", ") + (state.unplaced.length > 3 ? `, and ${state.unplaced.length - 3} more` : "");
    throw new FixStorageError(
      `--live ${state.origin}: ${shown} ${state.unplaced.length === 1 ? "states" : "state"} no metadata.namespace (helm get manifest prints a chart's objects so); pass -n NAMESPACE, the release's, to read them there`,
    );
  }
  const place = (key: string) => (key.startsWith("/") ? `${namespace}${key}` : key);
  return {
    ...state,
    statefulSets: new Map([...state.statefulSets].map(([key, value]) => [place(key), value])),
    claims: state.claims.map((claim) => (claim.namespace === "" ? { ...claim, namespace } : claim)),
    unplaced: [],
  };
}

/** Several reads (one per namespace) as one state. */
export function mergeLiveStates(states: readonly LiveState[], origin: string): LiveState {
  const merged: LiveState = { origin, statefulSets: new Map(), claims: [], unplaced: [] };
  for (const state of states) {
    for (const object of state.unplaced) merged.unplaced.push(object);
    for (const [key, value] of state.statefulSets) merged.statefulSets.set(key, value);
    for (const claim of state.claims) merged.claims.push(claim);
  }
  return merged;
}
