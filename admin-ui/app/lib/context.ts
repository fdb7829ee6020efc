/** One call from a loader or action into the Linkyard API (made in-process by the server; see api.server.ts). */
export interface ApiCall {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  /** Sent as the `Idempotency-Key` header (a push): a repeat returns the first answer. */
  idempotencyKey?: string;
}

export interface ApiCallResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

declare module 'react-router' {
  interface AppLoadContext {
    /** The API, called with this browser's cookies; the server refreshes an expired session on the way. */
    api: { call(call: ApiCall): Promise<ApiCallResult> };
    /** Adds a Set-Cookie line to this response (flash messages). */
    setCookie(line: string): void;
    requestId: string;
    /** The URL users reach Linkyard at (PUBLIC_URL); OAuth redirect URIs are built from it. */
    publicUrl: string;
    /** Set when platform single sign-on is configured. */
    sso: { name: string } | null;
    /** Outside production with demo data: the demo logins for the sign-in page (password null when customised). */
    demo: { logins: { email: string; role: string }[]; password: string | null } | null;
    /** This response's Content-Security-Policy nonce: the only inline scripts the browser runs carry it. */
    cspNonce: string;
  }
}
