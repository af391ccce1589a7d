/**
 * The one entry point every front end and test calls: bytes and options in; bytes, change records and findings out.
 * No I/O happens here: front ends read files, stdin and the environment and pass what they found.
 */
import type { Config } from "./config.js";
import { FixStorageError } from "./core/errors.js";
import { didYouMean } from "./core/suggest.js";
import { type KubeObject, ManifestStream } from "./core/manifest.js";
import { type PipelineResult, runPipeline, type Stage } from "./core/pipeline.js";
import { proveEdits } from "./core/proof.js";
import type { Finding } from "./core/records.js";
import { checkReleaseInputs, type ReleaseInputs, ReleaseIdentity, type ReleaseValues, resolveRelease } from "./core/release.js";
import type { RuleContext } from "./core/stage.js";
import type { RawDocument } from "./core/stream.js";
import { type LiveMode, liveGuard, liveNamespaceCheck, liveNamespaces } from "./live/live-guard.js";
import { claimExists, type LiveState, liveClaim, liveStatefulSetOrdinals, placeLiveState } from "./live/live-state.js";
import { type UnpinnedAdvice, unpinnedTemplates } from "./live/unpinned-templates.js";
import { RULES } from "./rules/index.js";
import { RULE_NAMES, type RuleName } from "./rules/rule.js";

export interface FixOptions {
  config?: Config;
  /** --enable / --disable: override the config and the defaults. */
  enable?: readonly string[];
  disable?: readonly string[];
  /** --release-name / --namespace. */
  release?: ReleaseValues;
  /** A release that applies only to objects of that release or of none (a KRM functionConfig's). */
  scopedRelease?: { name?: string | undefined; namespace?: string | undefined };
  /** The environment as the front end saw it (ARGOCD_APP_NAME, HELM_NAMESPACE, …). */
  environment?: Record<string, string | undefined>;
  /** Options set by flags, merged over the config's (lists are appended). */
  ruleOptions?: Partial<Record<RuleName, Record<string, unknown>>>;
  /** Check every edited object against the Kubernetes schema (default true). */
  validate?: boolean;
  /** --live: what the cluster has; VCT changes a live StatefulSet forbids are pinned or refused. */
  live?: { state: LiveState; mode: LiveMode; now?: number };
  /**
   * Characters of spooled documents' text whose reading one rule leaves to the next (default KEEP_SPOOLED_READING);
   * with 0, each rule reads them back from the spool. Output and findings are the same either way.
   */
  keepSpooledReading?: number;
  /** What the notes on changes made without --live advise (unpinned-templates.ts): --live, or when to add Flux patches. */
  unpinned?: UnpinnedAdvice;
}

export type FixResult = PipelineResult;

export function enabledRules(options: FixOptions): Stage[] {
  for (const name of [...(options.enable ?? []), ...(options.disable ?? [])]) {
    if (!(RULE_NAMES as readonly string[]).includes(name)) {
      const guess = didYouMean(name, RULE_NAMES);
      throw new FixStorageError(`unknown rule ${JSON.stringify(name)}${guess ? `: did you mean ${JSON.stringify(guess)}?` : ""} (rules are: ${RULE_NAMES.join(", ")})`);
    }
  }
  const selected: Stage[] = [];
  for (const rule of RULES) {
    const configured = (options.config?.rules?.[rule.name] ?? {}) as Record<string, unknown>;
    const { enabled, ...fromConfig } = configured;
    const on = options.disable?.includes(rule.name)
      ? false
      : options.enable?.includes(rule.name)
        ? true
        : ((enabled as boolean | undefined) ?? rule.defaultEnabled);
    if (!on) continue;
    const merged = mergeOptions(fromConfig, options.ruleOptions?.[rule.name] ?? {});
    const parsed = rule.options.safeParse(merged);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new FixStorageError(`invalid options for ${rule.name}: ${issue?.path.join(".") || "(options)"}: ${issue?.message}`);
    }
    const ruleOptions = parsed.data;
    selected.push({ name: rule.name, plan: (context) => rule.plan(context, ruleOptions) });
  }
  return selected;
}

function mergeOptions(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...base };
  for (const [key, value] of Object.entries(override)) {
    merged[key] = Array.isArray(value) && Array.isArray(base[key]) ? [...(base[key] as unknown[]), ...value] : value;
  }
  return merged;
}

function releaseInputs(options: FixOptions): ReleaseInputs {
  return {
    flags: options.release ?? {},
    config: options.config?.release ?? {},
    scoped: options.scopedRelease ?? {},
    environment: options.environment ?? {},
  };
}

/** The namespaces --live must read for this input (for --live kubectl); refuses when one cannot be told. */
export function liveNamespacesFor(input: string | readonly RawDocument[], options: FixOptions = {}): string[] {
  const stream = new ManifestStream(input);
  return liveNamespaces(stream, resolveRelease(releaseInputs(options), stream));
}

/** The input is the stream's text, or its documents as splitStreamBytes gives them (no string of the whole stream). */
export async function fixStream(input: string | readonly RawDocument[], options: FixOptions = {}): Promise<FixResult> {
  checkReleaseInputs(releaseInputs(options));
  let stages = enabledRules(options);
  if (options.live) {
    const { mode, now } = options.live;
    // Objects of the live state that state no namespace are the release namespace's, when one is given.
    const state = placeLiveState(options.live.state, new ReleaseIdentity(releaseInputs(options)).namespace);
    const live = {
      origin: state.origin,
      claimExists: (namespace: string, name: string) => claimExists(state, namespace, name),
      claim: (namespace: string, name: string) => liveClaim(state, namespace, name),
      statefulSetOrdinals: (namespace: string, name: string) => liveStatefulSetOrdinals(state, namespace, name),
    };
    stages = [liveNamespaceCheck(), ...stages.map((stage) => withLive(stage, live)), liveGuard({ live: state, mode, now: now ?? Date.now() })];
  }
  const result = runPipeline(input, stages, releaseInputs(options), options.keepSpooledReading);
  if (!options.live) for (const finding of unpinnedTemplates(result.changes, options.unpinned)) result.findings.push(finding);
  // Always on: no option turns it off, so an editor bug ends here instead of in a cluster.
  proveEdits(result.edited, result.changes);
  if (options.validate !== false && result.changes.length > 0) {
    for (const finding of await validateEdited(result)) result.findings.push(finding);
  }
  return result;
}

/** Rules see the live state, so a fix that depends on what the cluster holds can check it. */
function withLive(stage: Stage, live: NonNullable<RuleContext["live"]>): Stage {
  return { name: stage.name, plan: (context) => stage.plan({ ...context, live }) };
}

/** An edit that makes a valid object invalid is a bug: refuse to emit it. Objects invalid before are only reported. */
async function validateEdited(result: PipelineResult): Promise<Finding[]> {
  const { validatorFor } = await import("./core/validate.js");
  const findings: Finding[] = [];
  const objects: KubeObject[] = result.edited.flatMap((doc) => doc.objects());
  for (const object of objects) {
    const validate = validatorFor(object.apiVersion, object.kind);
    if (!validate) continue;
    const after = validate(object.value);
    if (!after) continue;
    const ref = object.ref();
    if (validate(object.original()) === undefined) {
      throw new FixStorageError(`internal error: the fixed ${object} fails the Kubernetes schema (${after}); nothing was written`, {
        document: ref.document,
        ...(ref.source !== undefined && { source: ref.source }),
      });
    }
    findings.push({
      rule: "schema",
      severity: "warning",
      message: `${object} does not match the Kubernetes schema as rendered (${after}); fix-storage's edits did not cause this`,
      object: ref,
    });
  }
  return findings;
}
