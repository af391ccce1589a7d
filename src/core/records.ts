import type { Json } from "./render.js";
import type { Path } from "./yaml-path.js";

/** Which object a record speaks of, as a user would look it up. */
export interface ObjectRef {
  document: number;
  /** `# Source:` comment, else the Helm 4 `postrenderer.helm.sh/postrender-filename` annotation. */
  source?: string;
  apiVersion?: string;
  kind: string;
  namespace?: string;
  name: string;
  /** Index inside a `kind: List` (or a KRM ResourceList), when the object is an item. */
  item?: number;
}

export type EditOp = "set" | "delete" | "append";

/** One edit a rule asks for, relative to the object root. Every change the tool makes starts as one of these. */
export interface Edit {
  op: EditOp;
  path: Path;
  value?: Json;
  reason: string;
}

/** One edit the tool made: the single source of truth for explanations, reports, check, diff and Flux patches. */
export interface ChangeRecord {
  rule: string;
  object: ObjectRef;
  op: EditOp;
  path: Path;
  before: unknown;
  after: unknown;
  reason: string;
}

export type Severity = "info" | "warning" | "error";

/** Something a rule noticed and did not (or could not) change, with what decides it. */
export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  object?: ObjectRef;
  path?: Path;
}
