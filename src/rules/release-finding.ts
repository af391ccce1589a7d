import type { ReleaseIdentity } from "../core/release.js";

/** The finding a rule reports when it needs the release and cannot tell it. */
export function missingRelease(identity: ReleaseIdentity, rule: string): string | undefined {
  const missing: string[] = [];
  if (!identity.name) missing.push(`release name (${identity.nameProblem ?? "unknown"}; pass --release-name NAME)`);
  if (!identity.namespace) missing.push(`namespace (${identity.namespaceProblem ?? "unknown"}; pass --namespace NS)`);
  if (missing.length === 0) return undefined;
  return `${rule} made no change: it cannot tell the ${missing.join(" or the ")}`;
}
