# syntax=docker/dockerfile:1
# fix-storage as a container image: the single executable (npm run build:sea, on Linux) on Debian 12 slim, which has
# the glibc and libstdc++ a Node.js single executable needs and the sh an Argo CD Config Management Plugin runs.
#   KRM function:        kpt fn eval DIR --image ghcr.io/fix-storage/fix-storage:<version>   (or kustomize `container:`)
#                        with no arguments it reads a ResourceList on stdin and writes one on stdout.
#   Argo CD CMP sidecar: command /var/run/argocd/argocd-cmp-server; runs as user 999; helm is on PATH.
#   Pipe:                docker run --rm -i ghcr.io/fix-storage/fix-storage:<version> < rendered.yaml > fixed.yaml
# It only copies files built and tested before it: dist/sea/fix-storage-linux-<arch> for each platform built.
#   docker buildx build --platform linux/amd64,linux/arm64 -t ghcr.io/fix-storage/fix-storage:<version> .
ARG HELM_VERSION=3.17.3

# Helm for the Argo CD sidecar's `helm template … | fix-storage`: a static binary, from the alpine/helm image.
FROM docker.io/alpine/helm:${HELM_VERSION} AS helm

FROM docker.io/library/debian:bookworm-slim
ARG TARGETARCH
LABEL org.opencontainers.image.title="fix-storage" \
      org.opencontainers.image.description="Helm post-renderer and KRM function that fixes the storage mistakes charts keep making" \
      org.opencontainers.image.source="https://github.com/fix-storage/fix-storage" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=helm /usr/bin/helm /usr/local/bin/helm
COPY --chmod=0755 dist/sea/fix-storage-linux-${TARGETARCH} /usr/local/bin/fix-storage
COPY dist/sea/THIRD-PARTY-NOTICES.txt /usr/share/doc/fix-storage/
# helm writes its cache and config under HOME; Argo CD mounts a writable /tmp.
ENV HOME=/tmp
USER 999:999
WORKDIR /tmp
ENTRYPOINT ["/usr/local/bin/fix-storage"]
