# syntax=docker/dockerfile:1
# redis-diagnose: the Slack bot in one image. No secrets here: tokens come from the environment at run time
# (see deploy/ and docs/deploy.md). scripts/build-image-without-docker.sh reproduces these steps without Docker.

# Node 22 is a supported LTS. The code also runs on Node 20 (the development machines have it).
ARG NODE_IMAGE=node:22-bookworm-slim

# 1. Build: all dependencies, compile TypeScript to dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

# 2. Production dependencies only, in a clean stage (no compiler, no test tools, no npm cache in the image).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# 3. Runtime.
FROM ${NODE_IMAGE} AS runtime
# CA bundle for TLS to ElastiCache and to corporate proxies (NODE_EXTRA_CA_CERTS can add one from it).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json package-lock.json manifest.yml policy.example.yml ./
# The image's own user (uid 1000 in the node images), never root.
USER node
EXPOSE 3000
# /healthz answers on PORT in both modes: HTTP mode serves Slack there too; Socket Mode serves only
# /healthz and /metrics there. Node itself does the check (the slim image has no curl).
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "dist/src/main.js"]
