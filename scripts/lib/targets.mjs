// Names of the single executables, as release assets and Docker platforms spell them: linux-amd64, darwin-arm64, …
const OS_NAMES = { linux: "linux", darwin: "darwin", win32: "windows" };
const ARCH_NAMES = { x64: "amd64", arm64: "arm64" };

/** The targets a release builds, each on a runner of its own platform. */
export const TARGETS = ["linux-amd64", "linux-arm64", "darwin-amd64", "darwin-arm64", "windows-amd64"];

export function hostTarget() {
  return `${OS_NAMES[process.platform] ?? process.platform}-${ARCH_NAMES[process.arch] ?? process.arch}`;
}

export function executableName(target) {
  return `fix-storage-${target}${target.startsWith("windows-") ? ".exe" : ""}`;
}
