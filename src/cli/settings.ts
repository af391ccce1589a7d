/**
 * Settings that reach the tool without flags: Helm 3 passes only --post-renderer-args, Argo CD passes
 * `ARGOCD_ENV_<name>` (Application plugin.env) and `PARAM_<NAME>` (plugin parameters). All map to the same settings.
 */
import { splitLists } from "./args.js";

export interface EnvSettings {
  config?: string;
  releaseName?: string;
  namespace?: string;
  enable: string[];
  disable: string[];
  volumeName: string[];
  log?: string;
}

const PREFIXES = ["FIX_STORAGE_", "ARGOCD_ENV_FIX_STORAGE_", "PARAM_FIX_STORAGE_"];

/** First prefix wins; array parameters arrive as NAME_0, NAME_1, … */
function lookup(env: Record<string, string | undefined>, name: string): string[] | undefined {
  for (const prefix of PREFIXES) {
    const key = prefix + name;
    if (env[key] !== undefined && env[key] !== "") return [env[key] as string];
    const items: string[] = [];
    for (let i = 0; env[`${key}_${i}`] !== undefined; i++) items.push(env[`${key}_${i}`] as string);
    if (items.length > 0) return items;
  }
  return undefined;
}

export function settingsFromEnvironment(env: Record<string, string | undefined>): EnvSettings {
  const one = (name: string) => lookup(env, name)?.[0];
  const config = one("CONFIG");
  const releaseName = one("RELEASE_NAME");
  const namespace = one("NAMESPACE");
  const log = env.FIX_STORAGE_LOG;
  return {
    ...(config !== undefined && { config }),
    ...(releaseName !== undefined && { releaseName }),
    ...(namespace !== undefined && { namespace }),
    enable: splitLists(lookup(env, "ENABLE")),
    disable: splitLists(lookup(env, "DISABLE")),
    volumeName: splitLists(lookup(env, "VOLUME_NAME")),
    ...(log !== undefined && log !== "" && { log }),
  };
}
