# One image for every Linkyard process; ROLE (api, worker or all) picks what a container runs.
# Used by docker-compose.yml (two API and two worker processes); `docker build -t linkyard .` on its own.
FROM node:20-bookworm
# chromium: PDF exports render with it.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY admin-ui/package.json admin-ui/package-lock.json ./admin-ui/
# --include=dev: building the admin UI needs Vite and `npm run migrate` runs through tsx (dev dependencies).
RUN npm ci --include=dev --no-audit --no-fund
COPY . .
RUN npm run build
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
EXPOSE 3000
CMD ["npm", "start"]
