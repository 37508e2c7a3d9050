# syntax=docker/dockerfile:1
# Dreamify: one image for the API, the worker and the migrations (pick with the command).
# TypeScript runs as is through Node's type stripping, so there is no build step.

FROM node:24-slim AS deps
WORKDIR /app
ENV CI=true
RUN npm install -g pnpm@11.28.11 && pnpm --version
# Manifests first, so the install layer is cached until a dependency changes.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY apps/api/package.json apps/api/
COPY apps/worker/package.json apps/worker/
COPY packages/core/package.json packages/core/
COPY packages/db/package.json packages/db/
COPY packages/moderation/package.json packages/moderation/
COPY packages/prompts/package.json packages/prompts/
COPY packages/testkit/package.json packages/testkit/
RUN pnpm install --frozen-lockfile --prod=false

FROM node:24-slim AS runtime
WORKDIR /app
# MALLOC_ARENA_MAX and NODE_OPTIONS: the runtime settings, as in packages/core/src/runtime.ts (why they are what they are).
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    MALLOC_ARENA_MAX=2 \
    NODE_OPTIONS=--max-semi-space-size=8
# node_modules (the root one and each workspace package's links), then the sources over them.
COPY --from=deps --chown=node:node /app /app
COPY --chown=node:node . .
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "apps/api/src/server.ts"]
