/**
 * Release identity, read per object and never from its neighbours: a StatefulSet's claims belong to the release its
 * own metadata names (metadata.namespace, the app.kubernetes.io/instance or release label). Where the object states
 * nothing, explicit inputs (flags, then config) decide, then the environment the host sets. When sources disagree,
 * nothing is chosen: the caller reports each source and the flag that decides.
 */
import { FixStorageError } from "./errors.js";
import type { KubeObject, ManifestStream } from "./manifest.js";

export interface ReleaseValues {
  name?: string | undefined;
  namespace?: string | undefined;
  /** Where a flag-level value came from when no flag gave it (an environment variable), for messages. */
  nameFrom?: string | undefined;
  namespaceFrom?: string | undefined;
}

export interface ReleaseInputs {
  flags?: ReleaseValues;
  config?: ReleaseValues;
  /** A release that applies only to objects of that release, or of none (a KRM functionConfig's). */
  scoped?: ReleaseValues;
  environment?: Record<string, string | undefined>;
}

/** A value and where it came from, as a user would name the source. */
export interface Sourced {
  value: string;
  from: string;
  /** Where in the object it was read, when the object itself holds it (for an error's line and column). */
  path?: readonly string[];
}

/** The release of one object, or why it cannot be told (each problem names its sources and the flag that decides). */
export interface ObjectRelease {
  name?: Sourced;
  namespace?: Sourced;
  problems: string[];
  /** Where the name is only the object's own label (no flag, config or environment names a release): that label. */
  nameFromLabelAlone?: string;
}

const INSTANCE = "app.kubernetes.io/instance";
const RELEASE_LABEL = "release";

/** Helm's rule for release names (chartutil.ValidateReleaseName): a DNS-1123 subdomain of at most 53 characters. */
const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const RELEASE_NAME_RULE = "lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 53 characters";
/** A namespace is a DNS-1123 label. */
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAMESPACE_RULE = "lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";
/** `helm template`'s placeholder names: the render was made without a release name, so the label names none. */
const PLACEHOLDERS = new Set(["release-name", "RELEASE-NAME"]);

export function isReleaseName(value: string): boolean {
  return value.length <= 53 && RELEASE_NAME.test(value);
}

function isNamespace(value: string): boolean {
  return value.length <= 63 && NAMESPACE.test(value);
}

/** `object`, when the value is its own: the error then names the document it came from. */
function checkedName(candidate: Sourced | undefined, object?: KubeObject): Sourced | undefined {
  if (candidate && !isReleaseName(candidate.value)) {
    throw new FixStorageError(
      `${candidate.from} ${JSON.stringify(candidate.value)} is not a release name Helm accepts (${RELEASE_NAME_RULE})${object ? "; pass --release-name NAME" : ""}`,
      object?.location(candidate.path) ?? {},
    );
  }
  return candidate;
}

/** `object`, when the value is its own: the error then names the document it came from. */
function checkedNamespace(candidate: Sourced | undefined, object?: KubeObject): Sourced | undefined {
  if (candidate && !isNamespace(candidate.value)) {
    throw new FixStorageError(`${candidate.from} ${JSON.stringify(candidate.value)} is not a valid namespace (${NAMESPACE_RULE})`, object?.location(candidate.path) ?? {});
  }
  return candidate;
}

function firstOf(...candidates: Array<[string | undefined, string]>): Sourced | undefined {
  for (const [value, from] of candidates) if (value !== undefined && value !== "") return { value, from };
  return undefined;
}

/**
 * Argo CD names apps outside its own namespace `<namespace>_<name>`; Kubernetes names never contain `_`. A value that
 * is neither a release name nor a namespace and one is refused whole, so the error quotes what the host set.
 */
function argoApplicationName(value: string | undefined): Sourced | undefined {
  if (value === undefined || value === "") return undefined;
  const at = value.indexOf("_");
  const [prefix, name] = at === -1 ? [undefined, value] : [value.slice(0, at), value.slice(at + 1)];
  if ((prefix !== undefined && !isNamespace(prefix)) || !isReleaseName(name)) {
    throw new FixStorageError(
      `ARGOCD_APP_NAME ${JSON.stringify(value)} is not a release name Helm accepts (${RELEASE_NAME_RULE}), nor NAMESPACE_NAME as Argo CD writes an application outside its own namespace; pass --release-name NAME`,
    );
  }
  return { value: name, from: "ARGOCD_APP_NAME" };
}

/** Refuses, before any work, a flag or config value Helm or Kubernetes would reject. */
export function checkReleaseInputs(inputs: ReleaseInputs): void {
  for (const [values, name, namespace] of [
    [inputs.flags, inputs.flags?.nameFrom ?? "--release-name", inputs.flags?.namespaceFrom ?? "--namespace"],
    [inputs.config, "config release.name", "config release.namespace"],
    [inputs.scoped, "functionConfig release name", "functionConfig namespace"],
  ] as const) {
    checkedName(firstOf([values?.name, name]));
    checkedNamespace(firstOf([values?.namespace, namespace]));
  }
  // The host's release name stands in for a flag whenever none is given, so it is checked as one, before any work.
  // (A functionConfig's name speaks for its own release only: the environment's is then checked where it is used.)
  if (explicitName(inputs, true) === undefined) environmentName(inputs);
  // Two sources of the release's name or namespace that disagree are not the tool's to choose between: a flag (or
  // its variable) and the config, or, where no flag is given, the config and the host's environment.
  const flagged = inputs.flags ?? {};
  const configured = inputs.config ?? {};
  const given = [
    ["name", flagged.name, flagged.nameFrom ?? "--release-name", configured.name, configured.name ? namedByEnvironment(inputs) : undefined],
    ["namespace", flagged.namespace, flagged.namespaceFrom ?? "--namespace", configured.namespace, environmentNamespace(inputs)],
  ] as const;
  for (const [field, flag, flagFrom, config, environment] of given) {
    const what = field === "name" ? "release name" : "release namespace";
    if (flag && config && flag !== config) {
      throw new FixStorageError(`${flagFrom} says ${flag} and the config's release.${field} says ${config}: which is the ${what} is not clear; keep one`);
    }
    if (!flag && config && environment && environment.value !== config) {
      throw new FixStorageError(
        `the config's release.${field} says ${config} and ${environment.from} says ${environment.value}: which is the ${what} is not clear; make them agree, or pass ${field === "name" ? "--release-name" : "--namespace"} with the config's value`,
      );
    }
  }
  // Two hosts' namespaces that disagree, and nothing given to decide: not the tool's to choose between.
  const env = inputs.environment ?? {};
  if (!explicitNamespace(inputs, true) && env.ARGOCD_APP_NAMESPACE && env.HELM_NAMESPACE && env.ARGOCD_APP_NAMESPACE !== env.HELM_NAMESPACE) {
    throw new FixStorageError(
      `the environment sets ARGOCD_APP_NAMESPACE=${JSON.stringify(env.ARGOCD_APP_NAMESPACE)} and HELM_NAMESPACE=${JSON.stringify(env.HELM_NAMESPACE)}: which is the release's namespace is not clear; pass -n NS (--namespace)`,
    );
  }
}

/** The host's environment: Argo CD's application, else Helm's namespace (a Helm plugin's environment). */
function environmentName(inputs: ReleaseInputs): Sourced | undefined {
  return argoApplicationName(inputs.environment?.ARGOCD_APP_NAME);
}

/** The environment's release name, or undefined where it is none Helm accepts (a name given makes it moot then). */
function namedByEnvironment(inputs: ReleaseInputs): Sourced | undefined {
  try {
    return environmentName(inputs);
  } catch (error) {
    if (error instanceof FixStorageError) return undefined;
    throw error;
  }
}

function environmentNamespace(inputs: ReleaseInputs): Sourced | undefined {
  const env = inputs.environment ?? {};
  return firstOf([env.ARGOCD_APP_NAMESPACE, "ARGOCD_APP_NAMESPACE"], [env.HELM_NAMESPACE, "HELM_NAMESPACE"]);
}

function explicitName(inputs: ReleaseInputs, scoped: boolean): Sourced | undefined {
  return firstOf(
    [inputs.flags?.name, inputs.flags?.nameFrom ?? "--release-name"],
    [inputs.config?.name, "config release.name"],
    [scoped ? inputs.scoped?.name : undefined, "functionConfig release name"],
  );
}

function explicitNamespace(inputs: ReleaseInputs, scoped: boolean): Sourced | undefined {
  return firstOf(
    [inputs.flags?.namespace, inputs.flags?.namespaceFrom ?? "--namespace"],
    [inputs.config?.namespace, "config release.namespace"],
    [scoped ? inputs.scoped?.namespace : undefined, "functionConfig namespace"],
  );
}

/**
 * What the rules see as "the release". Public fields summarise the release for reports (explicit inputs, else what
 * the StatefulSets themselves agree on); `of(object)` is what a rule must use before writing into an object.
 */
export class ReleaseIdentity {
  name?: string;
  namespace?: string;
  nameFrom?: string;
  namespaceFrom?: string;
  readonly #inputs: ReleaseInputs;

  constructor(inputs: ReleaseInputs, stream?: ManifestStream) {
    this.#inputs = inputs;
    // With a functionConfig's name, the environment's is checked only where an object of another release uses it.
    const name = explicitName(inputs, false) ?? (explicitName(inputs, true) === undefined ? environmentName(inputs) : undefined);
    const namespace = this.#defaultNamespace();
    const own = stream ? ownReleases(stream) : { names: new Set<string>(), namespaces: new Set<string>() };
    const agreed = (values: Set<string>) => (values.size === 1 ? ([...values][0] as string) : undefined);
    const ownName = agreed(own.names);
    const ownNamespace = agreed(own.namespaces);
    if (name) [this.name, this.nameFrom] = [name.value, name.from];
    else if (ownName) [this.name, this.nameFrom] = [ownName, "the StatefulSets' own labels"];
    if (namespace) [this.namespace, this.namespaceFrom] = [namespace.value, namespace.from];
    else if (ownNamespace) [this.namespace, this.namespaceFrom] = [ownNamespace, "the StatefulSets' own metadata.namespace"];
  }

  /** Where Helm installs an object that states no namespace: flags, then config, then the host's environment. */
  #defaultNamespace(): Sourced | undefined {
    return checkedNamespace(explicitNamespace(this.#inputs, false) ?? environmentNamespace(this.#inputs));
  }

  /** The namespace an object lands in: its own, else the one given (a functionConfig's for objects of its release). */
  namespaceOf(object: KubeObject): string | undefined {
    refuseNonStringNamespace(object);
    if (object.namespace) return object.namespace;
    return checkedNamespace(explicitNamespace(this.#inputs, this.#scopedApplies(object)) ?? environmentNamespace(this.#inputs))?.value;
  }

  /** A functionConfig release speaks only for objects of that release, or of none. */
  #scopedApplies(object: KubeObject): boolean {
    const own = ownReleaseName(object);
    return !own || this.#inputs.scoped?.name === undefined || this.#inputs.scoped.name === own.value;
  }

  /** The release an object belongs to, from the object itself first; disagreeing sources give problems, not values. */
  of(object: KubeObject): ObjectRelease {
    const problems: string[] = [];
    const ownName = ownReleaseName(object);
    const scoped = this.#scopedApplies(object);
    const result: ObjectRelease = { problems };

    const explicit = checkedName(explicitName(this.#inputs, scoped));
    // A given name makes the environment's moot (it is then not even checked).
    const fromEnvironment = explicit ? undefined : environmentName(this.#inputs);
    const placeholder = ownName !== undefined && PLACEHOLDERS.has(ownName.value);
    // A label that is no release name Helm accepts cannot name the release: given values win, else it is an error.
    const usable = ownName && !placeholder && (isReleaseName(ownName.value) || (!explicit && !fromEnvironment)) ? ownName : undefined;
    const twoNames = labelsNamingTwoReleases(object);
    const name = twoNames === undefined ? pick(usable, explicit, fromEnvironment, "release name", "--release-name", object) : decideBetween(twoNames, explicit, object);
    if (typeof name === "string") problems.push(name);
    else if (name) {
      result.name = checkedName(name, name.value === ownName?.value ? object : undefined);
      if (!explicit && !fromEnvironment && ownName) result.nameFromLabelAlone = ownName.from;
    }
    else if (placeholder) {
      problems.push(`${object} was rendered with helm template's placeholder release name ${ownName.value}; pass --release-name NAME`);
    } else {
      problems.push(`${object} has no ${INSTANCE} or ${RELEASE_LABEL} label, and no release name is given; pass --release-name NAME`);
    }

    // An object's own namespace Kubernetes would reject is an error, whatever else is given.
    refuseNonStringNamespace(object);
    const ownNamespace = object.namespace ? { value: object.namespace, from: "its metadata.namespace", path: ["metadata", "namespace"] } : undefined;
    if (ownNamespace) checkedNamespace({ ...ownNamespace, from: `${object}'s metadata.namespace` }, object);
    // The release's namespace is where it is installed, which a chart may render objects outside of (namespaceOverride):
    // Helm annotates every object with it, so one given (flag, config) decides. The environment's may be stale (a
    // HELM_NAMESPACE exported in the shell reaches Helm 3's post-renderer whatever -n Helm got): the object's own
    // namespace wins over it when nothing contradicts it, and a disagreement is a conflict.
    const givenNamespace = checkedNamespace(explicitNamespace(this.#inputs, scoped));
    const namespace = givenNamespace ?? pick(ownNamespace, undefined, environmentNamespace(this.#inputs), "namespace", "--namespace (-n)", object);
    if (typeof namespace === "string") problems.push(namespace);
    else if (namespace) result.namespace = checkedNamespace(namespace);
    else if (!scoped && this.#inputs.scoped?.namespace !== undefined) {
      // The functionConfig's namespace is for objects of its own release only.
      problems.push(
        `${object} states no metadata.namespace, and the functionConfig's namespace ${this.#inputs.scoped.namespace} is for release ${this.#inputs.scoped.name}, not this object's ${ownName?.value} (${ownName?.from}); make the functionConfig's release-name agree, or pass --namespace NS (-n)`,
      );
    } else problems.push(`${object} states no metadata.namespace, and no namespace is given; pass --namespace NS (-n)`);
    return result;
  }
}

/** A metadata.namespace that is no string (`namespace: 123`): Kubernetes refuses the object, and no rule may guess. */
function refuseNonStringNamespace(object: KubeObject): void {
  const stated = object.metadata.namespace;
  if (stated === undefined || stated === null || typeof stated === "string") return;
  if (stated instanceof Uint8Array) {
    // Kubernetes' reader decodes it into text; this one reads bytes, so which namespace it names is not read here.
    throw new FixStorageError(`${object}'s metadata.namespace is a !!binary scalar, which fix-storage does not read as text (write the namespace as a string)`, object.location(["metadata", "namespace"]));
  }
  throw new FixStorageError(
    `${object}'s metadata.namespace is ${JSON.stringify(stated)}, which is no string: Kubernetes refuses the object (quote the value)`,
    object.location(["metadata", "namespace"]),
  );
}

/** The two releases an object's instance and release labels name, when they name two. */
function labelsNamingTwoReleases(object: KubeObject): [string, string] | undefined {
  const labels = object.labels();
  const [instance, release] = [labels[INSTANCE], labels[RELEASE_LABEL]];
  return typeof instance === "string" && instance !== "" && typeof release === "string" && release !== "" && instance !== release ? [instance, release] : undefined;
}

/** Of two releases an object's own labels name, the one a given name is: only that decides; else a problem. */
function decideBetween([instance, release]: [string, string], explicit: Sourced | undefined, object: KubeObject): Sourced | string {
  if (explicit && (explicit.value === instance || explicit.value === release)) return explicit;
  return `${object}'s ${INSTANCE} label says ${instance} and its ${RELEASE_LABEL} label says ${release}: which names its release is not clear, so nothing is written into its immutable claim templates; --release-name decides: pass --release-name with the release's name`;
}

/** The release an object's own app.kubernetes.io/instance, else release, label names. */
export function ownReleaseName(object: KubeObject): Sourced | undefined {
  const labels = object.labels();
  const label = [INSTANCE, RELEASE_LABEL].find((key) => typeof labels[key] === "string" && labels[key] !== "");
  return label ? { value: labels[label] as string, from: `its ${label} label`, path: ["metadata", "labels", label] } : undefined;
}

/**
 * The object's own value wins when nothing contradicts it. An explicit value (flag or config) that disagrees with it,
 * or an environment value that does when nothing explicit was given, is a conflict: a message instead of a value.
 */
function pick(
  own: Sourced | undefined,
  explicit: Sourced | undefined,
  environment: Sourced | undefined,
  what: string,
  flag: string,
  object: KubeObject,
): Sourced | string | undefined {
  if (!own) return explicit ?? environment;
  const rival = explicit ?? environment;
  if (!rival || rival.value === own.value) return { value: own.value, from: `${object}'s ${own.from.replace(/^its /, "")}`, ...(own.path && { path: own.path }) };
  const given = explicit ? "" : ` and no ${flag.split(" ")[0]} is given`;
  const right = what === "namespace" ? `if the release is installed in ${own.value}` : `if the release is ${own.value}`;
  return `${object} states ${what} ${own.value} (${own.from}), but ${rival.from} says ${rival.value}${given}: nothing is written into its immutable claim templates; ${flag} decides: pass ${flag.split(" ")[0]} ${own.value} ${right}`;
}

/** The release names and namespaces the StatefulSets state themselves (for the summary only). */
function ownReleases(stream: ManifestStream): { names: Set<string>; namespaces: Set<string> } {
  const names = new Set<string>();
  const namespaces = new Set<string>();
  for (const object of stream.objects(["StatefulSet"])) {
    const labels = object.labels();
    const name = labels[INSTANCE] ?? labels[RELEASE_LABEL];
    if (typeof name === "string" && isReleaseName(name) && !PLACEHOLDERS.has(name)) names.add(name);
    if (object.namespace) namespaces.add(object.namespace);
  }
  return { names, namespaces };
}

export function resolveRelease(inputs: ReleaseInputs, stream: ManifestStream): ReleaseIdentity {
  return new ReleaseIdentity(inputs, stream);
}
