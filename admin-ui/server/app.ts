import { createRequestHandler } from 'react-router';

/**
 * The admin UI's server entry. The API process imports it (the built file in production, through Vite in
 * development) and calls `handleRequest` for every page, with a load context that holds the in-process
 * API client (see server/src/plugins/admin-ui/).
 */
export const handleRequest = createRequestHandler(
  () => import('virtual:react-router/server-build'),
  import.meta.env.MODE,
);
