# hazardline as an image (issue 18): consoles built, production dependencies only, non-root,
# a health check on /healthz. Build: docker build -t hazardline .   Run with docker-compose.yml,
# or: docker run -v $PWD/hazardline.yaml:/etc/hazardline/hazardline.yaml:ro -p 8080:8080 hazardline
# Not built by the tests (no Docker engine on CI); test/integration/deploy-files.test.ts checks
# the compose file and the units against their schemas and tools.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# scripts off while the sources are not here yet (prepare builds the consoles); the native
# modules (SQLite, image re-encoding) are built or fetched explicitly
RUN npm ci --no-audit --no-fund --ignore-scripts && npm rebuild better-sqlite3 sharp
COPY . .
# the consoles, and the TypeScript compiled to dist/ (bin/hazardline.mjs runs it without tsx)
RUN npm run build:ui && npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
ENV NODE_ENV=production LOG_LEVEL=info
WORKDIR /app
RUN groupadd --system --gid 10001 hazardline \
 && useradd --system --uid 10001 --gid hazardline --home-dir /var/lib/hazardline --shell /usr/sbin/nologin hazardline \
 && mkdir -p /var/lib/hazardline /etc/hazardline \
 && chown hazardline:hazardline /var/lib/hazardline
COPY --from=build --chown=root:root /app /app
USER hazardline
VOLUME ["/var/lib/hazardline"]
# HTTP API and consoles; MQTT; MQTT over TLS (when mqtt.embedded.tls is configured)
EXPOSE 8080 1883 8883
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.HEALTH_URL ?? 'http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/hazardline.mjs"]
CMD ["start", "-c", "/etc/hazardline/hazardline.yaml"]
