# syntax=docker/dockerfile:1
# Dreamify: one image for the API, the worker and the migrations (pick with the command).
# TypeScript runs as is through Node's type stripping; only the web app (apps/web) is built.

FROM node:24-slim AS manifests
WORKDIR /app
ENV CI=true
RUN npm install -g pnpm@11.28.11 && pnpm --version
# Manifests first, so the install layers are cached until a dependency changes.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY apps/api/package.json apps/api/
COPY apps/web/package.json apps/web/
COPY apps/worker/package.json apps/worker/
COPY packages/books/package.json packages/books/
COPY packages/core/package.json packages/core/
COPY packages/db/package.json packages/db/
COPY packages/http/package.json packages/http/
COPY packages/media/package.json packages/media/
COPY packages/moderation/package.json packages/moderation/
COPY packages/prompts/package.json packages/prompts/
COPY packages/testkit/package.json packages/testkit/

# Production dependencies only: the dev tools (TypeScript, Vitest, Biome, Vite, autocannon) are
# devDependencies, and each workspace package declares what it runs with. Node never runs TypeScript
# from node_modules, so the packages' type declarations, TypeScript sources and source maps go too.
FROM manifests AS deps
RUN pnpm install --frozen-lockfile --prod \
 && find node_modules/.pnpm -type f \( -name '*.map' -o -name '*.ts' -o -name '*.mts' -o -name '*.cts' \) -delete

# The parents' web app, built once into apps/web/dist (the API serves it at /) with the dev tools,
# which stay in this stage.
FROM manifests AS web
RUN pnpm install --frozen-lockfile
COPY apps/web apps/web
COPY scripts/web-build.ts scripts/
RUN node scripts/web-build.ts

FROM node:24-slim AS runtime
WORKDIR /app
# MALLOC_ARENA_MAX and NODE_OPTIONS: the runtime settings, as in packages/core/src/runtime.ts (why they are what they are).
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    MALLOC_ARENA_MAX=2 \
    NODE_OPTIONS=--max-semi-space-size=8
# The production node_modules (the root one and each workspace package's links), then the sources over them.
COPY --from=deps --chown=node:node /app /app
COPY --chown=node:node . .
COPY --from=web --chown=node:node /app/apps/web/dist apps/web/dist
USER node
EXPOSE 3000
# Asks /health/ready of whichever process the container runs: the API (PORT) or a worker (WORKER_METRICS_PORT).
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "scripts/healthcheck.ts"]
CMD ["node", "apps/api/src/server.ts"]
