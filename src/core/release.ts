/**
 * Release identity: flags, then config, then the environment the host sets, then what the stream itself says.
 * Inference reads the text with anchored patterns instead of parsing every document, which keeps big streams fast.
 */
import type { ManifestStream } from "./manifest.js";

export interface ReleaseInputs {
  flags?: { name?: string | undefined; namespace?: string | undefined };
  config?: { name?: string | undefined; namespace?: string | undefined };
  environment?: Record<string, string | undefined>;
}

export interface ReleaseIdentity {
  name?: string;
  namespace?: string;
  nameFrom?: string;
  namespaceFrom?: string;
  /** Why a value is missing (several candidates, or none), for the finding that asks for the flag. */
  nameProblem?: string;
  namespaceProblem?: string;
}

export function resolveRelease(inputs: ReleaseInputs, stream: ManifestStream): ReleaseIdentity {
  const env = inputs.environment ?? {};
  const identity: ReleaseIdentity = {};
  const name = firstOf([
    [inputs.flags?.name, "--release-name"],
    [inputs.config?.name, "config release.name"],
    [argoApplicationName(env.ARGOCD_APP_NAME), "ARGOCD_APP_NAME"],
  ]);
  if (name) {
    identity.name = name[0];
    identity.nameFrom = name[1];
  } else {
    const inferred = inferName(stream.text);
    if (inferred.value) {
      identity.name = inferred.value;
      identity.nameFrom = inferred.from;
    } else {
      identity.nameProblem = inferred.problem;
    }
  }
  const namespace = firstOf([
    [inputs.flags?.namespace, "--namespace"],
    [inputs.config?.namespace, "config release.namespace"],
    [env.ARGOCD_APP_NAMESPACE, "ARGOCD_APP_NAMESPACE"],
    [env.HELM_NAMESPACE, "HELM_NAMESPACE"],
  ]);
  if (namespace) {
    identity.namespace = namespace[0];
    identity.namespaceFrom = namespace[1];
  } else {
    const inferred = inferNamespace(stream);
    if (inferred.value) {
      identity.namespace = inferred.value;
      identity.namespaceFrom = inferred.from;
    } else {
      identity.namespaceProblem = inferred.problem;
    }
  }
  return identity;
}

/** Argo CD names apps outside its own namespace `<namespace>_<name>`; Kubernetes names never contain `_`. */
function argoApplicationName(value: string | undefined): string | undefined {
  return value?.split("_").pop();
}

function firstOf(candidates: Array<[string | undefined, string]>): [string, string] | undefined {
  for (const [value, from] of candidates) if (value !== undefined && value !== "") return [value, from];
  return undefined;
}

interface Inference {
  value?: string;
  from?: string;
  problem?: string;
}

// A label key at the start of a line (block style) or as a JSON key, with its scalar value.
const labelPattern = (key: string) =>
  new RegExp(
    `(?:^[ \\t]*(?:-[ \\t]+)?|[{,][ \\t]*)["']?${key.replace(/[./]/g, "\\$&")}["']?[ \\t]*:[ \\t]*["']?([A-Za-z0-9][-A-Za-z0-9_.]*)["']?[ \\t]*(?=[,}\\r\\n#]|$)`,
    "gm",
  );
const INSTANCE = labelPattern("app.kubernetes.io/instance");
const RELEASE = labelPattern("release");

function inferName(text: string): Inference {
  for (const [pattern, label] of [
    [INSTANCE, "app.kubernetes.io/instance"],
    [RELEASE, "release"],
  ] as const) {
    const values = new Set<string>();
    for (const match of text.matchAll(pattern)) values.add(match[1] as string);
    if (values.size === 1) return { value: [...values][0] as string, from: `the stream's ${label} labels` };
    if (values.size > 1) {
      return { problem: `the stream's ${label} labels disagree (${[...values].sort().join(", ")})` };
    }
  }
  return { problem: "no app.kubernetes.io/instance or release label in the stream" };
}

const TOP_METADATA = /^(?:"metadata"|metadata)[ \t]*:[ \t]*\r?$/m;

/** `metadata.namespace` of every object that states one; they must agree. */
function inferNamespace(stream: ManifestStream): Inference {
  const values = new Set<string>();
  for (const raw of stream.raw) {
    const namespace = blockMetadataNamespace(raw.text) ?? jsonNamespace(raw.text);
    if (namespace) values.add(namespace);
  }
  if (values.size === 1) return { value: [...values][0] as string, from: "the stream's metadata.namespace" };
  if (values.size > 1) return { problem: `objects in the stream name several namespaces (${[...values].sort().join(", ")})` };
  return { problem: "no object in the stream states metadata.namespace" };
}

function blockMetadataNamespace(text: string): string | undefined {
  const metadata = TOP_METADATA.exec(text);
  if (!metadata) return undefined;
  const lines = text.slice(metadata.index + metadata[0].length).split("\n");
  let indent: number | undefined;
  for (const line of lines.slice(1)) {
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    const lead = line.length - line.trimStart().length;
    if (lead === 0) return undefined;
    indent ??= lead;
    if (lead !== indent) continue;
    const match = /^[ \t]*["']?namespace["']?[ \t]*:[ \t]*["']?([a-z0-9][-a-z0-9.]*)["']?[ \t]*\r?$/.exec(line);
    if (match) return match[1];
  }
  return undefined;
}

function jsonNamespace(text: string): string | undefined {
  if (!/^\s*(?:---[^\n]*\n\s*)?(?:#[^\n]*\n\s*)*\{/.test(text)) return undefined;
  return /"metadata"\s*:\s*\{[^{}]*?"namespace"\s*:\s*"([a-z0-9][-a-z0-9.]*)"/.exec(text)?.[1];
}
