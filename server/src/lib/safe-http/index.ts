/**
 * The one HTTP client every provider call goes through (docs/architecture.md, Security model → Outbound requests).
 *
 *   const http = createSafeHttpClient({ allowPrivateNetworkTargets: config.allowPrivateNetworkTargets,
 *                                       requireHttps: config.nodeEnv === 'production' });
 *   const res = await withRetries(() => http.request({ method: 'GET', url, headers }), { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 });
 *   log.info({ method: res.method, url: res.redactedUrl, status: res.status, durationMs: res.durationMs });
 */
export {
  createSafeHttpClient,
  DEFAULTS,
  type SafeFetchInit,
  type SafeHttpBody,
  type SafeHttpClient,
  type SafeHttpClientOptions,
  type SafeHttpRequest,
  type SafeHttpResponse,
} from './client.js';
export {
  allowAllAddresses,
  isPublicAddress,
  nonPublicReason,
  publicAddressesOnly,
  type AddressPolicy,
  type AddressTarget,
  type AddressVerdict,
} from './address-policy.js';
export { createGuardedLookup, systemResolver, type ResolvedAddress, type Resolver } from './guarded-lookup.js';
export {
  BlockedDestinationError,
  InvalidJsonError,
  InvalidUrlError,
  NetworkError,
  RequestAbortedError,
  RequestTimeoutError,
  ResponseTooLargeError,
  SafeHttpError,
  TooManyRedirectsError,
  type SafeHttpErrorCode,
} from './errors.js';
export { isSecretParam, redactUrl, REDACTED } from './redact.js';
export {
  abortableSleep,
  isRetryableError,
  isRetryableStatus,
  parseRetryAfter,
  withRetries,
  type RetryInfo,
  type RetryOptions,
} from './retry.js';
