# syntax=docker/dockerfile:1
# Recircuit API image: the Node server (src/server/node.ts) run by tsx, as a non-root user, on a read-only
# root filesystem. Writable paths: /app/data (a mounted volume: embedded libSQL file, file model registry)
# and /tmp (an emptyDir: tsx's compile cache, npm's logs for the learner CronJob).

# --- build: the full dependency tree (dev tools included) to build the WebAssembly kernels
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:wasm
RUN npm run build:web

# --- prod-deps: runtime dependencies only, plus tsx (a devDependency the server runs under) and esbuild
FROM node:20-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/node_modules/tsx ./node_modules/tsx
COPY --from=build /app/node_modules/esbuild ./node_modules/esbuild
COPY --from=build /app/node_modules/@esbuild ./node_modules/@esbuild

# --- runtime
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8787 \
    DATABASE_URL=file:/app/data/recircuit.db \
    HOME=/tmp \
    NPM_CONFIG_CACHE=/tmp/.npm \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
# uid/gid 10001: no overlap with the image's `node` user (1000) nor host users; the manifests pin it.
RUN groupadd --system --gid 10001 recircuit \
 && useradd --system --uid 10001 --gid recircuit --home-dir /tmp --shell /usr/sbin/nologin recircuit \
 && mkdir -p /app/data && chown recircuit:recircuit /app/data
COPY --from=prod-deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/package.json /app/package-lock.json /app/tsconfig.json ./
COPY --from=build --chown=root:root /app/src ./src
COPY --from=build --chown=root:root /app/ml ./ml
COPY --from=build --chown=root:root /app/scripts ./scripts
COPY --from=build --chown=root:root /app/migrations ./migrations
COPY --from=build --chown=root:root /app/public ./public
USER 10001:10001
VOLUME ["/app/data", "/tmp"]
EXPOSE 8787
# Liveness as Kubernetes probes it; Node 20 has fetch, so no curl in the image.
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8787)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The server itself is PID 1 (no npm, no wrapper): SIGTERM from the kubelet reaches it and it drains.
CMD ["node", "--import", "tsx", "src/server/node.ts"]
