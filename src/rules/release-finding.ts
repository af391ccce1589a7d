import type { ObjectRelease } from "../core/release.js";

/** The finding a rule reports when it cannot tell an object's release: each problem names its sources and the flag. */
export function releaseProblem(release: ObjectRelease, rule: string): string | undefined {
  if (release.problems.length > 0 || !release.name || !release.namespace) {
    return `${rule} made no change: ${release.problems.join("; ") || "the release is unknown"}`;
  }
  return undefined;
}
