/**
 * Import rules for server/src, db and scripts. `npm run lint` checks them (`depcruise server/src db scripts
 * --config .dependency-cruiser.cjs`); CI runs `npm run lint`. Tests (test/) are outside the check.
 *
 * The layers, from the bottom up; each imports only from layers below it (and from itself):
 *
 *   db/                          schema, client, migrations: nothing from server/ or scripts/
 *   server/src/lib/              shared helpers and the types several layers share (Actor, RequestContext,
 *                                ActorRow, AccessClaims, ScheduleSink, cookie names): only lib and db
 *   server/src/providers/        the declarative provider catalog: only providers and lib
 *   server/src/config.ts         the configuration: only lib
 *   server/src/modules/<domain>/ routes → services → repos: lib, providers, config, db, and other domains'
 *                                schemas, services and ports (*.port.ts), as long as no cycle between folders
 *                                results (no-folder-cycle); never another domain's repos (repos-stay-in-their-
 *                                module), plugins, the seed or the composition root
 *   server/src/seed/             the demo data: modules, lib, db
 *   server/src/plugins/          Fastify plugins: lib, config; whatever they need from a domain (the actor
 *                                lookup, the demo logins) is injected by buildApp, never imported
 *   server/src/{app,services,main,worker}.ts
 *                                the composition root: wires everything; nothing under server/src imports it
 *   scripts/                     operator CLIs: server/src and db; nothing imports scripts/
 *
 * The rule that matters most is no-folder-cycle: no cycle between folders (each folder with its sub-folders,
 * at every depth: server/src/modules/syncs, server/src/lib/crypto, …). The layer rules say where a new
 * import belongs before it becomes a cycle.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycle between two files (type-only imports count too).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment: 'No import cycle between folders: e.g. modules/syncs → modules/scheduler → modules/syncs, or lib → modules/auth → lib.',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'lib-is-the-bottom',
      severity: 'error',
      comment: 'server/src/lib imports nothing else from server/src: a type several layers share lives in lib.',
      from: { path: '^server/src/lib/' },
      to: { path: '^server/src/', pathNot: '^server/src/lib/' },
    },
    {
      name: 'providers-import-only-lib',
      severity: 'error',
      comment: 'The provider catalog is data: it may use lib, nothing above it.',
      from: { path: '^server/src/providers/' },
      to: { path: '^server/src/', pathNot: '^server/src/(providers|lib)/' },
    },
    {
      name: 'config-imports-only-lib',
      severity: 'error',
      comment: 'Every layer reads the configuration, so it imports nothing above lib.',
      from: { path: '^server/src/config\\.ts$' },
      to: { path: '^server/src/', pathNot: '^server/src/lib/' },
    },
    {
      name: 'modules-not-to-plugins-or-seed',
      severity: 'error',
      comment: 'Domains never import plugins (routes read request.ctx, set by the access plugin) or the demo seed.',
      from: { path: '^server/src/modules/' },
      to: { path: '^server/src/(plugins|seed)/' },
    },
    {
      name: 'plugins-not-to-routes-repos-or-seed',
      severity: 'error',
      comment: 'A plugin gets what it needs from a domain injected by buildApp (e.g. the actor lookup, the demo logins).',
      from: { path: '^server/src/plugins/' },
      to: { path: ['^server/src/seed/', '^server/src/modules/.+\\.(routes|repo)\\.ts$'] },
    },
    {
      name: 'routes-not-from-other-domains',
      severity: 'error',
      comment: "Route files are registered by the composition root; another domain imports a domain's *.schemas.ts, never its routes.",
      from: { path: '^server/src/modules/([^/]+)/' },
      to: { path: '^server/src/modules/[^/]+/.+\\.routes\\.ts$', pathNot: '^server/src/modules/$1/' },
    },
    {
      name: 'repos-stay-in-their-module',
      severity: 'error',
      comment:
        "A domain's *.repo.ts is its private SQL. Another domain uses its service, or its narrow port for work inside a " +
        'transaction of its own (e.g. integrations/integrations.port.ts), so no module depends on the tables and queries of another.',
      from: { path: '^server/src/modules/([^/]+)/' },
      to: { path: '^server/src/modules/[^/]+/[^/]+\\.repo\\.ts$', pathNot: '^server/src/modules/$1/' },
    },
    {
      name: 'repos-only-from-their-module',
      severity: 'error',
      comment: "Nothing outside server/src/modules imports a domain's *.repo.ts (the seed and scripts go through services and ports).",
      from: { pathNot: '^server/src/modules/' },
      to: { path: '^server/src/modules/.+\\.repo\\.ts$' },
    },
    {
      name: 'routes-only-from-the-root',
      severity: 'error',
      comment: 'Only the composition root (app.ts, worker.ts) registers routes.',
      from: { path: '^(db/|scripts/|server/src/(lib|plugins|providers|seed)/|server/src/config\\.ts$)' },
      to: { path: '^server/src/modules/.+\\.routes\\.ts$' },
    },
    {
      name: 'seed-only-from-the-top',
      severity: 'error',
      comment: 'The demo seed is used by the composition root and scripts only.',
      from: { path: '^server/src/(lib|modules|plugins|providers|config\\.ts)' },
      to: { path: '^server/src/seed/' },
    },
    {
      name: 'composition-root-not-imported',
      severity: 'error',
      comment: 'app.ts, services.ts, main.ts and worker.ts wire everything; nothing below them imports them.',
      from: { path: '^(db/|server/src/(lib|modules|plugins|providers|seed)/|server/src/config\\.ts$)' },
      to: { path: '^server/src/(app|services|main|worker)\\.ts$' },
    },
    {
      name: 'db-not-to-server',
      severity: 'error',
      comment: 'db/ (schema, client, migrations) is below the server: it imports nothing from server/ or scripts/.',
      from: { path: '^db/' },
      to: { path: '^(server|scripts)/' },
    },
    {
      name: 'nothing-imports-scripts',
      severity: 'error',
      comment: 'scripts/ are entry points: they import the server and db, never the other way round.',
      from: { path: '^(server|db)/' },
      to: { path: '^scripts/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import the checker cannot resolve would hide from every rule above.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|test)/' },
    // Type-only imports count: a cycle through types is still a cycle between the folders.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
