# One image for both `api` and `worker`; docker-compose.yml picks the entry point with `command`.
# There is no build step: tsx runs the TypeScript sources directly, as in development. Node 24 is the LTS line;
# the code also runs on Node 20.19+ (engines in package.json), which CI tests too.
FROM node:24-bookworm-slim

WORKDIR /app

# Manifests first, so editing source does not invalidate the dependency layer.
COPY package.json package-lock.json ./

# npm install, not npm ci: the lock file cannot list every platform build of optional dependencies on all mirrors.
# The image's npm (10.x) ignores package.json's `allowScripts` field and runs every install script by default;
# --ignore-scripts=false keeps that even under an npmrc that turns scripts off. esbuild, which tsx runs on, needs
# its install script to set up its native binary. The tsx line fails the build here if that went wrong, rather
# than at container start.
RUN npm install --omit=dev --ignore-scripts=false --no-audit --no-fund \
 && npm cache clean --force \
 && npx tsx -e "const ok: string = 'tsx can run TypeScript'; console.log(ok)"

# Sources stay owned by root so the app user cannot modify its own code.
COPY . .

# DATA_DIR must be writable by the app user; a named volume mounted here inherits this ownership.
RUN mkdir -p /data && chown node:node /data

ENV NODE_ENV=production \
    DATA_DIR=/data \
    API_HOST=0.0.0.0 \
    API_PORT=3000

USER node

EXPOSE 3000

CMD ["npx", "tsx", "app/api.ts"]
