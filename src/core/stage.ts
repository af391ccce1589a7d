/** What the pipeline runs: stages that read the stream and return edits and findings. Rules are one kind of stage. */
import type { KubeObject, ManifestStream } from "./manifest.js";
import type { Edit, Finding } from "./records.js";
import type { ReleaseIdentity } from "./release.js";

export interface RuleContext {
  stream: ManifestStream;
  /** Resolved on first use: only rules that need the release pay for inferring it. */
  release(): ReleaseIdentity;
  /** With --live: what the cluster holds, for rules whose safety depends on it (absent without --live). */
  live?: {
    origin: string;
    claimExists(namespace: string, name: string): boolean;
    /** The live claim's binding, class and access modes, when the cluster has the claim. */
    claim(namespace: string, name: string): { volumeName?: string; storageClassName?: string; accessModes?: string[] } | undefined;
    /** The ordinals the live StatefulSet's pods have, when the cluster has it: spec.ordinals.start (0 when unset) and
     * spec.replicas (1 when unset). */
    statefulSetOrdinals(namespace: string, name: string): { start: number; replicas: number } | undefined;
  };
}

export interface PlannedEdit extends Edit {
  object: KubeObject;
}

/** What a stage wants: edits (applied in order, by the core) and findings (reported, never applied). */
export interface RulePlan {
  edits: PlannedEdit[];
  findings: Finding[];
}

/** One step of the pipeline: a rule bound to its options, or a later check such as the live-state guard. */
export interface Stage {
  name: string;
  plan(context: RuleContext): RulePlan;
}

/** Small helper so a stage reads as a list of edits and findings. */
export class PlanBuilder {
  readonly edits: PlannedEdit[] = [];
  readonly findings: Finding[] = [];

  constructor(private readonly rule: string) {}

  edit(object: KubeObject, edit: Edit): void {
    this.edits.push({ ...edit, object });
  }

  finding(severity: Finding["severity"], message: string, object?: KubeObject, path?: Edit["path"]): void {
    this.findings.push({
      rule: this.rule,
      severity,
      message,
      ...(object && { object: object.ref() }),
      ...(path && { path }),
    });
  }

  build(): RulePlan {
    return { edits: this.edits, findings: this.findings };
  }
}
