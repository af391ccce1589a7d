import type * as z from "zod/mini";
import type { RuleContext, RulePlan } from "../core/stage.js";

export { PlanBuilder, type PlannedEdit, type RuleContext, type RulePlan } from "../core/stage.js";

export const RULE_NAMES = [
  "claim-template-labels",
  "claim-ownership",
  "claim-retention",
  "cronjob-claims",
  "volume-name",
  "idempotent-cleanup",
  "rwo-rollout",
] as const;

export type RuleName = (typeof RULE_NAMES)[number];

export interface Rule<Options = unknown> {
  name: RuleName;
  /** One line for --help and the README table. */
  summary: string;
  defaultEnabled: boolean;
  /** Options besides `enabled`; strict, with defaults. */
  options: z.ZodMiniType<Options>;
  plan(context: RuleContext, options: Options): RulePlan;
}
