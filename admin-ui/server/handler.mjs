// React Router's request handler, imported from the admin UI's own packages so that it and the app's
// server build share one copy of react-router (and of React). The API's admin-ui plugin calls it.
import { createRequestHandler } from 'react-router';

/**
 * @param {() => Promise<unknown>} loadBuild the server build: the built file, or Vite's virtual module in development
 * @param {'production' | 'development'} mode
 */
export function createUiHandler(loadBuild, mode) {
  return createRequestHandler(loadBuild, mode);
}
