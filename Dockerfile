# syntax=docker/dockerfile:1

# arxiv-digest in a container: `docker build -t arxiv-digest .`, then see docker-compose.yml or the README.
# TypeScript runs on Node's type stripping, so there is no build step: the image is the sources, the
# runtime dependencies and Node 24.

# Runtime dependencies only. No devDependency is needed: this image's Node is already 24 (the pinned `node`
# package is for machines with an older one), and only devDependencies have install scripts.
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:24-slim
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
# package.json is read at run time: "type": "module" and the version.
COPY package.json config.json ./
COPY bin ./bin
COPY src ./src
COPY adapters ./adapters

# State lives in the /data volume: the SQLite store, and the digests the console delivery writes. The link
# makes the "./data" of config.json's defaults point there too.
RUN mkdir /data && chown node:node /data && ln -s /data /app/data
VOLUME ["/data"]

ENV STORE_URL=sqlite:///data/arxiv-digest.sqlite \
    HTTP_HOST=0.0.0.0 \
    PORT=8080
EXPOSE 8080

USER node

# slim images have no curl: Node asks /healthz, which answers 503 when an adapter or the store is down.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# main.ts stops cleanly on SIGTERM (docker stop) within 10 s.
CMD ["node", "src/main.ts"]
