/**
 * Settings that reach the tool without flags: Helm 3 passes only --post-renderer-args, Argo CD passes
 * `ARGOCD_ENV_<name>` (Application plugin.env) and `PARAM_<NAME>` (plugin parameters). All map to the same settings.
 */
import { FixStorageError } from "../core/errors.js";
import { splitLists } from "./args.js";

export interface EnvSettings {
  config?: string;
  releaseName?: string;
  /** The variable the release name came from (FIX_STORAGE_RELEASE_NAME, ARGOCD_ENV_…, PARAM_…), for messages. */
  releaseNameFrom?: string;
  namespace?: string;
  namespaceFrom?: string;
  enable: string[];
  disable: string[];
  volumeName: string[];
  /** The variables those came from, for messages. */
  enableFrom?: string;
  disableFrom?: string;
  volumeNameFrom?: string;
  log?: string;
}

const PREFIXES = ["FIX_STORAGE_", "ARGOCD_ENV_FIX_STORAGE_", "PARAM_FIX_STORAGE_"];

/**
 * A setting's values and the variable they came from; array parameters arrive as NAME_0, NAME_1, … A setting given
 * under two prefixes with different values is refused, naming both: which one is meant is not the tool's to guess.
 */
function lookup(env: Record<string, string | undefined>, name: string): { values: string[]; from: string } | undefined {
  let found: { values: string[]; from: string } | undefined;
  for (const prefix of PREFIXES) {
    const key = prefix + name;
    let here: { values: string[]; from: string } | undefined;
    if (env[key] !== undefined && env[key] !== "") here = { values: [env[key] as string], from: key };
    else {
      const items: string[] = [];
      for (let i = 0; env[`${key}_${i}`] !== undefined; i++) items.push(env[`${key}_${i}`] as string);
      if (items.length > 0) here = { values: items, from: `${key}_0…` };
    }
    if (here === undefined) continue;
    if (found === undefined) found = here;
    else if (found.values.join(",") !== here.values.join(",")) {
      throw new FixStorageError(
        `the environment sets ${found.from}=${JSON.stringify(found.values.join(","))} and ${here.from}=${JSON.stringify(here.values.join(","))}: which one is meant is not clear; keep one`,
      );
    }
  }
  return found;
}

export function settingsFromEnvironment(env: Record<string, string | undefined>): EnvSettings {
  const config = lookup(env, "CONFIG");
  const releaseName = lookup(env, "RELEASE_NAME");
  const namespace = lookup(env, "NAMESPACE");
  const log = env.FIX_STORAGE_LOG;
  const enable = lookup(env, "ENABLE");
  const disable = lookup(env, "DISABLE");
  const volumeName = lookup(env, "VOLUME_NAME");
  return {
    ...(config !== undefined && { config: config.values[0] as string }),
    ...(releaseName !== undefined && { releaseName: releaseName.values[0] as string, releaseNameFrom: releaseName.from }),
    ...(namespace !== undefined && { namespace: namespace.values[0] as string, namespaceFrom: namespace.from }),
    enable: splitLists(enable?.values),
    disable: splitLists(disable?.values),
    volumeName: splitLists(volumeName?.values),
    ...(enable !== undefined && { enableFrom: enable.from }),
    ...(disable !== undefined && { disableFrom: disable.from }),
    ...(volumeName !== undefined && { volumeNameFrom: volumeName.from }),
    ...(log !== undefined && log !== "" && { log }),
  };
}
