#!/bin/sh
# Argo CD Config Management Plugin: `helm template` of the application's chart, piped through fix-storage.
# Argo CD's CMP server runs it in the application's directory with (reposerver/repository.go, cmpserver/plugin.go):
#   ARGOCD_APP_NAME, ARGOCD_APP_NAMESPACE, ARGOCD_APP_SOURCE_PATH, KUBE_VERSION, KUBE_API_VERSIONS (comma-separated),
#   ARGOCD_ENV_<name> for the Application's plugin.env, PARAM_<NAME> for its plugin parameters (arrays as _0, _1, …).
# Parameters (all optional): release-name, values-files (array), set (array of key=value), set-string (array),
# and fix-storage's own: fix-storage-config, fix-storage-enable, fix-storage-disable, ….
# Nothing from the Application is evaluated: each value is passed to helm as one argument.
set -eu

fail() {
  echo "fix-storage plugin: $*" >&2
  exit 1
}

# Each PARAM_<NAME>_0, _1, … in order (Argo CD's array parameters).
array_param() {
  i=0
  while eval "[ -n \"\${PARAM_$1_$i+set}\" ]"; do
    eval "printf '%s\n' \"\$PARAM_$1_$i\""
    i=$((i + 1))
  done
}

# The release name. Argo CD names Applications outside its own namespace <namespace>_<name>, and Helm rejects "_";
# Argo CD's own Helm support uses the name part, and so does this. A name Helm would reject (over 53 characters,
# or not lowercase letters, digits, "-" and ".") must be given as the release-name parameter.
# fix-storage's own setting in plugin.env (FIX_STORAGE_RELEASE_NAME) names the release for helm too.
if [ -n "${PARAM_RELEASE_NAME:-}" ]; then
  release=$PARAM_RELEASE_NAME
elif [ -n "${ARGOCD_ENV_RELEASE_NAME:-}" ]; then
  release=$ARGOCD_ENV_RELEASE_NAME
elif [ -n "${ARGOCD_ENV_FIX_STORAGE_RELEASE_NAME:-}" ]; then
  release=$ARGOCD_ENV_FIX_STORAGE_RELEASE_NAME
else
  release=${ARGOCD_APP_NAME:?is not set: this script is run by Argo CD}
  release=${release##*_}
fi
# fix-storage's own setting must name the release helm renders, or the templates would carry another.
if [ -n "${ARGOCD_ENV_FIX_STORAGE_RELEASE_NAME:-}" ] && [ "$ARGOCD_ENV_FIX_STORAGE_RELEASE_NAME" != "$release" ]; then
  fail "plugin.env FIX_STORAGE_RELEASE_NAME is \"$ARGOCD_ENV_FIX_STORAGE_RELEASE_NAME\" but helm renders release \"$release\": keep one (the release-name parameter, or plugin.env RELEASE_NAME or FIX_STORAGE_RELEASE_NAME)"
fi
case $release in
  '' | *[!a-z0-9.-]* | [.-]* | *[.-]) fail "release name \"$release\" is not one Helm accepts: set the plugin parameter release-name" ;;
esac
[ "${#release}" -le 53 ] || fail "release name \"$release\" is longer than Helm's 53 characters: set the plugin parameter release-name"

# Value files stay inside the repository, as with Argo CD's own Helm support.
repo_root=$(pwd -P)
source_path=${ARGOCD_APP_SOURCE_PATH:-.}
while [ "$source_path" != "." ] && [ "$source_path" != "" ] && [ "$source_path" != "/" ]; do
  repo_root=$(dirname "$repo_root")
  source_path=$(dirname "$source_path")
done

namespace=${ARGOCD_APP_NAMESPACE:-default}
set -- template "$release" . --namespace "$namespace" --include-crds
[ -z "${KUBE_VERSION:-}" ] || set -- "$@" --kube-version "$KUBE_VERSION"
old_ifs=$IFS
IFS=,
for api in ${KUBE_API_VERSIONS:-}; do
  [ -z "$api" ] || set -- "$@" --api-versions "$api"
done
IFS=$old_ifs

values=$(array_param VALUES_FILES; printf '%s\n' "${ARGOCD_ENV_HELM_VALUES:-}" | tr ',' '\n')
newline='
'
IFS=$newline
for file in $values; do
  case $file in
    /* | *://*) fail "value file $file: give a path inside the repository" ;;
  esac
  resolved=$(realpath -m -- "$file")
  case $resolved/ in
    "$repo_root"/*) ;;
    *) fail "value file $file is outside the repository" ;;
  esac
  set -- "$@" --values "$file"
done
for value in $(array_param SET); do set -- "$@" --set "$value"; done
for value in $(array_param SET_STRING); do set -- "$@" --set-string "$value"; done
IFS=$old_ifs

# A fix-storage.yaml next to Chart.yaml is the application's fix-storage config, unless one is named.
if [ -z "${ARGOCD_ENV_FIX_STORAGE_CONFIG:-}${PARAM_FIX_STORAGE_CONFIG:-}${FIX_STORAGE_CONFIG:-}" ] && [ -f fix-storage.yaml ]; then
  export FIX_STORAGE_CONFIG=fix-storage.yaml
fi
# fix-storage takes the release name and namespace helm rendered with (ARGOCD_APP_NAME may be one Helm rejects; a
# HELM_NAMESPACE in the sidecar's environment is not the application's). A plugin.env FIX_STORAGE_RELEASE_NAME is
# already the one derived here.
[ -n "${ARGOCD_ENV_FIX_STORAGE_RELEASE_NAME:-}" ] || export FIX_STORAGE_RELEASE_NAME="$release"
unset ARGOCD_APP_NAME

# helm's output goes through a file, so a helm failure fails the plugin with helm's own message.
rendered=$(mktemp)
trap 'rm -f "$rendered"' EXIT
helm "$@" > "$rendered"
fix-storage --namespace "$namespace" < "$rendered"
