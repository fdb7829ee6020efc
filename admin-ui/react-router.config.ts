import type { Config } from '@react-router/dev/config';

export default {
  appDirectory: 'app',
  buildDirectory: 'build',
  // Pages render on the server: loaders call the API in-process with the user's cookies.
  ssr: true,
} satisfies Config;
