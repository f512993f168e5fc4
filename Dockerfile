# syntax=docker/dockerfile:1
# credits-bot: build with dev dependencies, run on a slim Node image with production dependencies only.
#   docker build -t credits-bot .
#   docker run -p 3000:3000 -v credits-bot-data:/data --env-file .env credits-bot

ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` builds, and the sources are not here yet.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY drizzle ./drizzle
RUN npm run build

FROM node:${NODE_VERSION}-slim AS run
ENV NODE_ENV=production \
    DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=build /app/dist ./dist
COPY drizzle ./drizzle
# Production dependencies only; `prepare` sees no TypeScript and keeps the built dist/.
RUN npm ci --omit=dev && npm cache clean --force \
 && mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
# Node has fetch; no curl in the slim image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "--max-semi-space-size=2", "dist/app/cli.js"]
