/** The rule registry, in the order rules run. The README's table of rules is generated from this list. */
import { claimOwnership } from "./claim-ownership.js";
import { claimRetention } from "./claim-retention.js";
import { claimTemplateLabels } from "./claim-template-labels.js";
import { cronjobClaims } from "./cronjob-claims.js";
import { idempotentCleanup } from "./idempotent-cleanup.js";
import type { Rule } from "./rule.js";
import { rwoRollout } from "./rwo-rollout.js";
import { volumeName } from "./volume-name.js";

export const RULES: readonly Rule<never>[] = [
  claimTemplateLabels,
  claimOwnership,
  claimRetention,
  cronjobClaims,
  volumeName,
  idempotentCleanup,
  rwoRollout,
] as unknown as Rule<never>[];

export { RULE_NAMES, type RuleName } from "./rule.js";
