import type { Config } from '@react-router/dev/config';

export default {
  appDirectory: 'app',
  buildDirectory: 'build',
  // Pages render on the server: loaders call the API in-process with the user's cookies.
  ssr: true,
  // Opt in to v8 behaviour now, so the upgrade is a version bump. Not v8_middleware: with it the load
  // context becomes a typed context provider, and ours (the in-process API client) is a plain object.
  future: {
    v8_passThroughRequests: true,
    v8_splitRouteModules: true,
    v8_trailingSlashAwareDataRequests: true,
    v8_viteEnvironmentApi: true,
  },
} satisfies Config;
