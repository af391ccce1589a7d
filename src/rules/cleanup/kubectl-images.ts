/**
 * Images whose entrypoint decides what a container's `args` mean when it sets no `command`. In a kubectl image the
 * entrypoint is kubectl, so `args: [delete, …]` are kubectl's arguments; alpine/k8s has no entrypoint, so its `args`
 * are the command itself.
 */

export type Entrypoint = "kubectl" | "none";

/**
 * Well-known images, by repository (registry optional), as their Dockerfiles set them: `ENTRYPOINT ["kubectl"]` in
 * bitnami/kubectl, rancher/kubectl and lachlanevenson/k8s-kubectl, `["/bin/kubectl"]` in registry.k8s.io/kubectl
 * (kubernetes build/server-image/kubectl), none in alpine/k8s (alpine-docker/k8s, whose CMD is alpine's shell).
 */
export const KNOWN_IMAGES: Readonly<Record<string, Entrypoint>> = {
  "bitnami/kubectl": "kubectl",
  "registry.k8s.io/kubectl": "kubectl",
  "rancher/kubectl": "kubectl",
  "lachlanevenson/k8s-kubectl": "kubectl",
  "d3fk/kubectl": "kubectl",
  "alpine/k8s": "none",
};

/** The repository part of an image reference: no tag, no digest. */
export function repository(image: string): string {
  const withoutDigest = image.split("@")[0] as string;
  const slash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  return (colon > slash ? withoutDigest.slice(0, colon) : withoutDigest).toLowerCase();
}

/** `name` matches a repository when equal to it or to its trailing path (`bitnami/kubectl` matches `docker.io/bitnami/kubectl`). */
function matches(repo: string, name: string): boolean {
  const wanted = name.toLowerCase();
  return repo === wanted || repo.endsWith(`/${wanted}`);
}

/**
 * The entrypoint of `image`, if fix-storage knows it: any image named `kubectl`, the well-known ones, and those the
 * user lists in `kubectlImages`.
 */
export function entrypointOf(image: unknown, kubectlImages: readonly string[]): Entrypoint | undefined {
  if (typeof image !== "string" || image === "") return undefined;
  const repo = repository(image);
  if (repo.split("/").pop() === "kubectl") return "kubectl";
  if (kubectlImages.some((name) => matches(repo, name))) return "kubectl";
  for (const [name, entrypoint] of Object.entries(KNOWN_IMAGES)) if (matches(repo, name)) return entrypoint;
  return undefined;
}

/** An image reference without tag or digest, as `kubectlImages` lists them. */
export const IMAGE_NAME = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*$/;
