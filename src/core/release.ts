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

/** A release name Helm accepts; `helm template`'s placeholders (RELEASE-NAME, release-name) are not one. */
const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const PLACEHOLDERS = new Set(["release-name", "RELEASE-NAME"]);

function inferName(text: string): Inference {
  for (const [pattern, label] of [
    [INSTANCE, "app.kubernetes.io/instance"],
    [RELEASE, "release"],
  ] as const) {
    const values = new Set<string>();
    for (const match of text.matchAll(pattern)) if (inLabels(text, match.index ?? 0)) values.add(match[1] as string);
    if (values.size > 1) return { problem: `the stream's ${label} labels disagree (${[...values].sort().join(", ")})` };
    const [value] = values;
    if (value === undefined) continue;
    if (PLACEHOLDERS.has(value)) return { problem: `the stream was rendered with helm template's placeholder name ${value}` };
    if (!RELEASE_NAME.test(value) || value.length > 53) return { problem: `the stream's ${label} label ${value} is not a valid release name` };
    return { value, from: `the stream's ${label} labels` };
  }
  return { problem: "no app.kubernetes.io/instance or release label in the stream" };
}

/** True when the label key matched at `offset` sits directly in a `labels`/`matchLabels` map, not in a script. */
function inLabels(text: string, offset: number): boolean {
  if (text[offset] === "{" || text[offset] === ",") {
    // Flow style: the nearest `{` before the key must open a labels map.
    const before = text.slice(Math.max(0, offset - 400), offset + 1);
    const open = before.lastIndexOf("{");
    return open !== -1 && /labels["']?[ \t]*:[ \t]*$/i.test(before.slice(0, open));
  }
  // Block style (the match starts its line): the closest line above with less indentation is the parent key, and
  // no ancestor may open a block scalar (`data: |`), whose text only looks like labels.
  let indent = /^[ \t]*/.exec(text.slice(offset, offset + 200))?.[0].length ?? 0;
  let parentSeen = false;
  let end = offset - 1;
  while (end > 0 && indent > 0) {
    const start = text.lastIndexOf("\n", end - 1) + 1;
    const line = text.slice(start, end);
    end = start - 1;
    const trimmed = line.trimStart();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    if (line.length - trimmed.length >= indent) continue;
    indent = line.length - trimmed.length;
    if (BLOCK_SCALAR_HEADER.test(trimmed)) return false;
    if (!parentSeen && !/^(?:-[ \t]+)?["']?(?:labels|matchLabels)["']?[ \t]*:[ \t]*(?:#.*)?\r?$/.test(trimmed)) return false;
    parentSeen = true;
  }
  return parentSeen;
}

const BLOCK_SCALAR_HEADER = /[:-][ \t]*[|>][-+0-9]*[ \t]*(?:#.*)?\r?$/;

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
    if (match) return match[1] === "null" ? undefined : match[1];
  }
  return undefined;
}

function jsonNamespace(text: string): string | undefined {
  if (!/^\s*(?:---[^\n]*\n\s*)?(?:#[^\n]*\n\s*)*\{/.test(text)) return undefined;
  return /"metadata"\s*:\s*\{[^{}]*?"namespace"\s*:\s*"([a-z0-9][-a-z0-9.]*)"/.exec(text)?.[1];
}
