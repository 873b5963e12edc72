# syntax=docker/dockerfile:1
# Berth's container image: the console as Next's standalone server, run as a non-root user on a
# read-only root filesystem, with its database on the /data volume.
#
#   docker build --build-arg BERTH_VERSION=$(git describe --tags --always) \
#     --build-arg BERTH_REVISION=$(git rev-parse HEAD) --build-arg BERTH_CREATED=$(date -u +%FT%TZ) -t berth .
#
# The runtime stage holds exactly the tree `npm run build:standalone` makes (the build stage runs
# that same script), so the file tree is tested without a container engine by
# scripts/standalone.test.ts. deploy/ runs this image on Kubernetes.

ARG NODE_VERSION=20.20

# ---- dependencies: npm ci, with the toolchain better-sqlite3 compiles its addon with when no
# prebuilt binary can be downloaded.
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /src
# Not pinned to package versions: Debian's mirrors keep only the current one of a release, so a pin
# breaks the build at the next point release; the base image's tag fixes the release.
# hadolint ignore=DL3008
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# ---- build: next build (standalone) and the runtime tree in /standalone.
FROM deps AS build
ENV NEXT_TELEMETRY_DISABLED=1
COPY . .
RUN npm run build:standalone -- --out /standalone

# ---- runtime: node, tini and the tree; no npm packages beyond what the server traced, no compiler.
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ARG BERTH_VERSION=dev
ARG BERTH_REVISION=unknown
ARG BERTH_CREATED=unknown
LABEL org.opencontainers.image.title="Berth" \
      org.opencontainers.image.description="Admin console for containerized data-science execution on Kubernetes" \
      org.opencontainers.image.version="${BERTH_VERSION}" \
      org.opencontainers.image.revision="${BERTH_REVISION}" \
      org.opencontainers.image.created="${BERTH_CREATED}" \
      org.opencontainers.image.base.name="docker.io/library/node:${NODE_VERSION}-bookworm-slim"

# tini is PID 1: it forwards SIGTERM to node and reaps orphaned processes. Node as PID 1 would get
# no default signal handling (the kernel ignores a signal PID 1 has no handler for), so a SIGTERM
# before Next has installed its handlers (during migrations at start) would be lost.
# hadolint ignore=DL3008
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/* \
  && groupadd --system --gid 10001 berth \
  && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin berth \
  && mkdir -p /data \
  && chown 10001:10001 /data \
  && chmod 0700 /data

WORKDIR /app
# Owned by root and not writable by the user Berth runs as: nothing under /app changes at runtime
# (regenerated pages stay in memory, see next.config.mjs), so readOnlyRootFilesystem holds.
COPY --from=build --chown=0:0 /standalone /app

# Next's standalone server listens on HOSTNAME; a container runtime sets HOSTNAME to the container's
# (on Kubernetes the pod's) name, which wins over this, so deploy/ sets it again in the pod spec.
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOSTNAME=0.0.0.0 \
    PORT=3000 \
    BERTH_DATA_DIR=/data \
    BERTH_VERSION=${BERTH_VERSION}
VOLUME ["/data"]
EXPOSE 3000
# Numeric, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 10001:10001

# Docker's own check; on Kubernetes the Deployment's probes call /api/health and /api/ready.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/api/health`).then((res) => process.exit(res.ok ? 0 : 1), () => process.exit(1))"]

STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "server.js"]
