import type * as z from "zod/mini";
import type { KubeObject, ManifestStream } from "../core/manifest.js";
import type { Edit, Finding } from "../core/records.js";
import type { ReleaseIdentity } from "../core/release.js";

export const RULE_NAMES = [
  "claim-template-labels",
  "claim-ownership",
  "claim-retention",
  "cronjob-claims",
  "volume-name",
  "idempotent-cleanup",
] as const;

export type RuleName = (typeof RULE_NAMES)[number];

export interface RuleContext {
  stream: ManifestStream;
  /** Resolved on first use: only rules that need the release pay for inferring it. */
  release(): ReleaseIdentity;
}

export interface PlannedEdit extends Edit {
  object: KubeObject;
}

/** What a rule wants: edits (applied in order, by the core) and findings (reported, never applied). */
export interface RulePlan {
  edits: PlannedEdit[];
  findings: Finding[];
}

export interface Rule<Options = unknown> {
  name: RuleName;
  /** One line for --help and the README table. */
  summary: string;
  defaultEnabled: boolean;
  /** Options besides `enabled`; strict, with defaults. */
  options: z.ZodMiniType<Options>;
  plan(context: RuleContext, options: Options): RulePlan;
}

/** Small helper so a rule reads as a list of edits and findings. */
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
