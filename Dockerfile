# One image for the three services (tenant-api, provisioner, dte-sync); docker-compose.yml picks the
# command. Node 24 runs the TypeScript sources directly (type stripping), so there is no build step.

# Only the package manifests, so the dependency layer below is reused until one of them changes.
FROM node:24-slim AS manifests
WORKDIR /app
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json -delete

FROM node:24-slim
WORKDIR /app
RUN chown node:node /app
USER node
COPY --chown=node:node --from=manifests /app ./
# Dev dependencies (nx, jest, eslint, the pinned `node` binary) are for the workspace, not the services.
RUN npm ci --omit=dev && npm cache clean --force
COPY --chown=node:node . .
EXPOSE 3000
CMD ["node", "apps/tenant-api/src/main.ts"]
