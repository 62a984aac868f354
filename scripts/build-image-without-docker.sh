#!/usr/bin/env bash
# Reproduces the Docker image's steps without Docker (these machines have no Docker engine):
#   1. copies the build context into a clean temp directory, honouring .dockerignore;
#   2. replays each Dockerfile stage there: `npm ci` + `npm run build` (build), `npm ci --omit=dev` in a clean
#      stage (deps), and the runtime stage's COPY lines (dist + production node_modules + package files);
#   3. starts the image's ENTRYPOINT from the runtime directory, as an unprivileged user when run as root,
#      against the fake Slack API on loopback, in HTTP mode and in Socket Mode; each must answer /healthz
#      with 200 within 2 s of the start, pass the image's HEALTHCHECK command, and exit 0 on SIGTERM.
# Usage: scripts/build-image-without-docker.sh [--keep]   (--keep leaves the temp directory for inspection)
# Needs the repository's dev dependencies (tsx) installed: run `npm ci` first.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/tsx ]; then
  echo "build-image-without-docker: run npm ci first (needs tsx)" >&2
  exit 2
fi
exec node --import tsx scripts/image-without-docker.ts "$@"
