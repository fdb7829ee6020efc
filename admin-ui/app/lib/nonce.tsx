import { createContext, useContext } from 'react';

/**
 * The per-response Content-Security-Policy nonce (the server creates one for every page and names it in the
 * CSP header). Only the server render knows it: browsers hide nonce attributes from scripts, so the client
 * renders with an empty one and React keeps the server's attribute.
 */
const NonceContext = createContext('');

export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
