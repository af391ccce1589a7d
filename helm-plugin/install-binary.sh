#!/bin/sh
# Helm plugin install/update hook (plugin.yaml): makes sure helm-plugin/run can start fix-storage.
# Node.js 20+ with the bundle (a built checkout, the packaged archive) needs nothing. Otherwise it fetches this
# platform's single executable from the release plugin.yaml's version names, checks it against the release's
# sha256sums, runs it once, and only then puts it in place. It fails with what to do instead when it cannot.
# FIX_STORAGE_RELEASE_URL replaces the release address (a mirror, or file:///path/to/dir for an offline install).
set -eu
mode=${1:-install}
dir=${HELM_PLUGIN_DIR:-$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)}
version=$(sed -n 's/^version:[[:space:]]*//p' "$dir/plugin.yaml" | tr -d "\"' \r" | head -n 1)
base=${FIX_STORAGE_RELEASE_URL:-https://github.com/fix-storage/fix-storage/releases/download/v$version}
executable="$dir/bin/fix-storage-executable"
asset="the executable for this platform"

fail() {
  echo "fix-storage: $1" >&2
  echo "fix-storage: the plugin needs Node.js 20 or later with the bundle (install Node.js, then reinstall from a built checkout or the packaged archive), or the single executable: download $asset from $base to $executable (chmod +x), or set FIX_STORAGE_RELEASE_URL to a copy of the release and reinstall" >&2
  exit 1
}

if [ -f "$dir/dist/fix-storage.cjs" ] && command -v node >/dev/null 2>&1 &&
  [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -ge 20 ]; then
  echo "fix-storage: runs with Node.js $(node --version) and $dir/dist/fix-storage.cjs"
  exit 0
fi

case $(uname -s) in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) os=$(uname -s) ;;
esac
case $(uname -m) in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) arch=$(uname -m) ;;
esac
asset="fix-storage-$os-$arch"
case "$os-$arch" in
  linux-amd64 | linux-arm64 | darwin-amd64 | darwin-arm64) ;;
  *) fail "no single executable is released for $os-$arch" ;;
esac

fetch() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 3 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1"
  else
    echo "neither curl nor wget is installed" >&2
    return 1
  fi
}
sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d ' ' -f 1
}

mkdir -p "$dir/bin"
download="$executable.download"
sums="$dir/bin/sha256sums.download"
trap 'rm -f "$download" "$sums"' EXIT
echo "fix-storage: $mode: fetching $base/$asset"
fetch "$base/$asset" "$download" || fail "cannot download $base/$asset"
fetch "$base/sha256sums" "$sums" || fail "cannot download $base/sha256sums"
expected=$(awk -v name="$asset" '$2 == name || $2 == "*" name { print $1 }' "$sums")
[ -n "$expected" ] || fail "$base/sha256sums has no line for $asset"
actual=$(sha256 "$download")
[ "$actual" = "$expected" ] || fail "$asset has sha256 $actual, but sha256sums says $expected"
chmod +x "$download"
"$download" --version >/dev/null || fail "$asset does not run on this machine"
mv -f "$download" "$executable"
echo "fix-storage: installed $("$executable" --version) as $executable"
