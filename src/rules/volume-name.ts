/**
 * volume-name (needs configuration) — binds a claim, or a StatefulSet's claim template, to a retained PV by setting
 * spec.volumeName. Charts rarely offer this (Grafana 8.8.2 with persistence.type=sts does not).
 */
import { isDeepStrictEqual } from "node:util";
import * as z from "zod/mini";
import { FixStorageError } from "../core/errors.js";
import { isRecord, type KubeObject, type ManifestStream } from "../core/manifest.js";
import type { Path } from "../core/yaml-editor.js";
import type { ReleaseIdentity } from "../core/release.js";
import { PlanBuilder, type Rule } from "./rule.js";
import { autoscalerOf, claimTemplates, describeScaling, statefulSets } from "./workloads.js";

const name = z.string().check(z.minLength(1));
/** A PersistentVolume's name: a DNS-1123 subdomain, as the API server requires. */
const pvName = z
  .string()
  .check(z.regex(/^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, "a PersistentVolume name is a DNS-1123 subdomain (lower case letters, digits, '-' and '.')"));
const binding = z.union([
  z.strictObject({ statefulSet: name, template: name, volumeName: pvName, namespace: z.optional(z.string()) }),
  z.strictObject({ claim: name, volumeName: pvName, namespace: z.optional(z.string()) }),
]);

export type VolumeBinding = z.infer<typeof binding>;

const options = z.strictObject({
  bindings: z._default(z.array(binding), []),
  /** Sets the class of bound claims whose class is unset (`""` for a static PV). */
  storageClassName: z.optional(z.string()),
});

const REBIND_HINT = (pv: string) =>
  `if ${pv} is Released, make it bindable again: kubectl patch pv ${pv} --type json -p '[{"op":"remove","path":"/spec/claimRef"}]'`;

/** `--volume-name grafana/storage=pv-1` (StatefulSet/template) or `--volume-name claim=pv-1`. */
export function parseVolumeNameFlag(text: string): VolumeBinding {
  const match = /^([^=/]+)(?:\/([^=/]+))?=(.+)$/.exec(text);
  if (!match) throw new FixStorageError(`--volume-name ${text}: expected STATEFULSET/TEMPLATE=PV or CLAIM=PV`);
  const [, first, second, volumeName] = match as unknown as [string, string, string | undefined, string];
  return second === undefined ? { claim: first, volumeName } : { statefulSet: first, template: second, volumeName };
}

/** The one object a binding names; several (one name in two namespaces) is a question only the user can answer. */
function onlyOne(found: readonly KubeObject[], what: string, release: ReleaseIdentity): KubeObject | undefined {
  if (found.length <= 1) return found[0];
  const where = found.map((object) => `document ${object.ref().document}: namespace ${release.namespaceOf(object) ?? "not known (pass -n)"}`);
  const namespaces = new Set(found.map((object) => release.namespaceOf(object)));
  const remedy = namespaces.has(undefined)
    ? "pass the release namespace (-n), then name the namespace in the config if they differ: volume-name.bindings: [{..., namespace: NS}]"
    : namespaces.size === found.length
      ? "name its namespace in the config: volume-name.bindings: [{..., namespace: NS}]"
      : "objects of one kind, name and namespace are one object to Kubernetes, so the chart renders it twice: fix the chart";
  throw new FixStorageError(`volume-name: ${what} is in the stream ${found.length} times (${where.join("; ")}); ${remedy}`);
}

function failAt(object: KubeObject, message: string): never {
  throw new FixStorageError(message, object.location());
}

export const volumeName: Rule<z.infer<typeof options>> = {
  name: "volume-name",
  summary: "bind a claim or claim template to a retained PV (spec.volumeName); configured by bindings or --volume-name",
  defaultEnabled: true,
  options,
  plan({ stream, release, live }, { bindings, storageClassName }) {
    const plan = new PlanBuilder("volume-name");
    refuseConflicts(bindings);
    // Names as a binding with a namespace reads them: `ns/name`, the release's namespace for an object without one.
    const namespaced = (object: KubeObject) => {
      const namespace = release().namespaceOf(object);
      return namespace === undefined ? object.name : `${namespace}/${object.name}`;
    };
    const inBinding = (wanted: VolumeBinding, name: string) => (wanted.namespace === undefined ? name : `${wanted.namespace}/${name}`);
    for (const wanted of bindings) {
      // An object that states no namespace lands in the release's (-n): that is the namespace a binding names.
      const inNamespace = (object: KubeObject) => wanted.namespace === undefined || release().namespaceOf(object) === wanted.namespace;
      let object: KubeObject;
      let specPath: Array<string | number>;
      let what: string;
      /** A rendered claim the cluster already has (--live): its spec can change only by binding it once. */
      let existing: { volumeName?: string; storageClassName?: string } | undefined;
      if ("statefulSet" in wanted) {
        const all = statefulSets(stream);
        const found = onlyOne(
          all.filter((candidate) => candidate.name === wanted.statefulSet && inNamespace(candidate)),
          `StatefulSet ${wanted.statefulSet}`,
          release(),
        );
        if (!found) {
          throw new FixStorageError(
            `volume-name: no StatefulSet ${inBinding(wanted, wanted.statefulSet)} in the stream (StatefulSets: ${all.map((s) => namespaced(s)).join(", ") || "none"})`,
          );
        }
        object = found;
        release().namespaceOf(found); // refuses a namespace that is no string
        const template = claimTemplates(found).templates.find((candidate) => candidate.name === wanted.template);
        if (!template) {
          const names = claimTemplates(found).templates.map((candidate) => candidate.name);
          failAt(found, `volume-name: ${found} has no volumeClaimTemplate ${wanted.template} (it has: ${names.join(", ") || "none"})`);
        }
        const declared = found.get(["spec", "replicas"]);
        if (declared !== undefined && declared !== null && !(typeof declared === "number" && Number.isInteger(declared))) {
          failAt(
            found,
            `volume-name: ${found} has replicas ${JSON.stringify(declared)}, which is no whole number as read here (Kubernetes' YAML 1.1 may read a number in it); write replicas as a plain integer`,
          );
        }
        const replicas = typeof declared === "number" ? declared : 1;
        if (replicas > 1) {
          failAt(found, `volume-name: ${found} has ${replicas} replicas; every replica would claim PV ${wanted.volumeName}, so only one could bind`);
        }
        const scaling = autoscalerOf(stream, found, (object) => release().namespaceOf(object));
        if (scaling && scaling.max !== 1) {
          failAt(found, `volume-name: ${found} is ${describeScaling(scaling)}; every replica would claim PV ${wanted.volumeName}, so only one could bind`);
        }
        specPath = [...template.path, "spec"];
        // The one replica's ordinal: spec.ordinals.start, 0 by default.
        const start = found.get(["spec", "ordinals", "start"]);
        const ordinal = typeof start === "number" && Number.isSafeInteger(start) && start >= 0 ? start : 0;
        what = `${found} volumeClaimTemplate ${wanted.template} (claim ${wanted.template}-${found.name}-${ordinal})`;
        // The StatefulSet controller reuses a claim of that name: a template's volumeName would never reach it.
        const namespace = release().namespaceOf(found);
        const made = live && namespace !== undefined ? live.claim(namespace, `${wanted.template}-${found.name}-${ordinal}`) : undefined;
        if (made?.volumeName !== undefined && made.volumeName !== wanted.volumeName) {
          plan.finding(
            "warning",
            `${what}: the claim exists in the cluster bound to PV ${made.volumeName} (${live?.origin}), and the StatefulSet keeps using it, so a volumeName in the template would never bind PV ${wanted.volumeName}: left alone (drop the binding, or delete the claim first to rebind its name)`,
            found,
            [...template.path, "spec", "volumeName"],
          );
          continue;
        }
      } else {
        const claims = stream.objects(["PersistentVolumeClaim"]).filter((claim) => claim.apiVersion === "v1");
        const found = onlyOne(
          claims.filter((candidate) => candidate.name === wanted.claim && inNamespace(candidate)),
          `PersistentVolumeClaim ${wanted.claim}`,
          release(),
        );
        if (!found) {
          throw new FixStorageError(
            `volume-name: no PersistentVolumeClaim ${inBinding(wanted, wanted.claim)} in the stream (claims: ${claims.map((c) => namespaced(c)).join(", ") || "none"}); for a StatefulSet's claims use STATEFULSET/TEMPLATE=PV`,
          );
        }
        object = found;
        const namespace = release().namespaceOf(found); // refuses a namespace that is no string
        specPath = ["spec"];
        what = String(found);
        existing = live && namespace !== undefined ? live.claim(namespace, found.name) : undefined;
        if (existing?.volumeName !== undefined && existing.volumeName !== wanted.volumeName) {
          plan.finding(
            "warning",
            `${what} exists in the cluster bound to PV ${existing.volumeName} (${live?.origin}), and a bound claim's spec cannot change: binding it to ${wanted.volumeName} would fail the upgrade, so it is left alone (drop the binding, or delete the claim first to rebind its name)`,
            object,
            [...specPath, "volumeName"],
          );
          continue;
        }
      }
      const spec = object.get(specPath);
      const current = isRecord(spec) ? spec : {};
      if (current.volumeName !== undefined && current.volumeName !== null && current.volumeName !== "" && current.volumeName !== wanted.volumeName) {
        failAt(object, `volume-name: ${what} already binds volumeName ${String(current.volumeName)}, not ${wanted.volumeName}`);
      }
      if (current.volumeName !== wanted.volumeName) {
        const holder = claimsNaming(stream, wanted.volumeName).find((other) => other.object !== object || !isDeepStrictEqual(other.specPath, specPath));
        if (holder !== undefined) {
          failAt(object, `volume-name: PV ${wanted.volumeName} is already the volumeName of ${holder.what}, and a PV binds one claim: ${what} would stay Pending; keep one`);
        }
        plan.edit(object, {
          op: "set",
          path: [...specPath, "volumeName"],
          value: wanted.volumeName,
          reason: `binds ${what} to PV ${wanted.volumeName}; ${REBIND_HINT(wanted.volumeName)}`,
        });
      }
      const storageClass = current.storageClassName;
      if (storageClass === undefined || storageClass === null) {
        if (storageClassName !== undefined && existing !== undefined && existing.storageClassName !== storageClassName) {
          plan.finding(
            "warning",
            `${what} exists in the cluster with storageClassName ${JSON.stringify(existing.storageClassName ?? null)} (${live?.origin}), which cannot change: the storageClassName option's ${JSON.stringify(storageClassName)} is not written`,
            object,
            [...specPath, "storageClassName"],
          );
        } else if (storageClassName !== undefined) {
          plan.edit(object, {
            op: "set",
            path: [...specPath, "storageClassName"],
            value: storageClassName,
            reason: `a claim binds only to a PV of the same class; storageClassName ${JSON.stringify(storageClassName)} set by the storageClassName option`,
          });
        } else {
          plan.finding(
            "warning",
            `${what} sets no storageClassName, so the default StorageClass is filled in and PV ${wanted.volumeName} must carry that class; for a static PV without a class set the option storageClassName: ""`,
            object,
            [...specPath, "storageClassName"],
          );
        }
      }
    }
    return plan.build();
  },
};

/** The rendered claims and claim templates of the stream whose spec.volumeName is `volumeName`. */
function claimsNaming(stream: ManifestStream, volumeName: string): Array<{ object: KubeObject; specPath: Path; what: string }> {
  const found: Array<{ object: KubeObject; specPath: Path; what: string }> = [];
  for (const claim of stream.objects(["PersistentVolumeClaim"], (text) => text.includes(volumeName))) {
    if (claim.apiVersion === "v1" && claim.get(["spec", "volumeName"]) === volumeName) found.push({ object: claim, specPath: ["spec"], what: String(claim) });
  }
  for (const statefulSet of statefulSets(stream)) {
    for (const template of claimTemplates(statefulSet).templates) {
      const spec = template.value.spec;
      if (isRecord(spec) && spec.volumeName === volumeName) {
        found.push({ object: statefulSet, specPath: [...template.path, "spec"], what: `${statefulSet} volumeClaimTemplate ${template.name}` });
      }
    }
  }
  return found;
}

/**
 * Two bindings for one claim (config and flag, or a flag given twice) are a contradiction, not an order of precedence:
 * applying both in turn would leave the last one, and the next run would refuse its own output.
 */
function refuseConflicts(bindings: readonly VolumeBinding[]): void {
  const seen = new Map<string, string>();
  // A PV binds one claim: a second claim bound to it would stay Pending.
  const claimOf = new Map<string, { key: string; target: string }>();
  for (const wanted of bindings) {
    const target = "statefulSet" in wanted ? `${wanted.statefulSet}/${wanted.template}` : wanted.claim;
    const key = `${wanted.namespace ?? ""}\u0000${target}`;
    const earlier = seen.get(key);
    if (earlier !== undefined && earlier !== wanted.volumeName) {
      throw new FixStorageError(
        `volume-name: ${target} is bound twice, to ${earlier} and to ${wanted.volumeName} (from the config's bindings and --volume-name together, or one of them twice); keep one`,
      );
    }
    seen.set(key, wanted.volumeName);
    const other = claimOf.get(wanted.volumeName);
    if (other !== undefined && other.key !== key) {
      throw new FixStorageError(
        `volume-name: PV ${wanted.volumeName} is bound to both ${other.target} and ${target}, but a PV binds one claim and the other would stay Pending (from the config's bindings and --volume-name together, or one of them twice); keep one`,
      );
    }
    claimOf.set(wanted.volumeName, { key, target });
  }
}
