/**
 * Why a connection attempt failed: the reasons recorded in `integration.connect_failed` audit events and the
 * messages the admin UI shows for them (never a provider's free text, never a secret).
 */
import { STATE_TTL_SECONDS } from './oauth-state.js';

export type FailureReason =
  | 'missing_state'
  | 'unknown_state'
  | 'state_expired'
  | 'state_replayed'
  | 'browser_mismatch'
  | 'access_denied'
  | 'provider_error'
  | 'missing_code'
  | 'not_allowed'
  | 'integration_changed'
  | 'issuer_mismatch'
  | 'connection_value'
  | 'token_endpoint_error'
  | 'provider_unreachable'
  | 'invalid_token_response'
  | 'provider_url'
  | 'oauth_error';

export const FAILURE_MESSAGES: Partial<Record<FailureReason, string>> = {
  missing_state:
    'The provider sent the browser back without a state, so the connection attempt cannot be identified. Start it again from the integration page.',
  unknown_state: 'This connection attempt is unknown. Start it again from the integration page.',
  state_expired: `This connection attempt expired (attempts last ${STATE_TTL_SECONDS / 60} minutes). Start it again.`,
  state_replayed: 'This connection attempt was already used. Start a new one if the integration is not connected.',
  browser_mismatch: 'This connection attempt was started in another browser, or its cookie is gone. Start it again from this browser.',
  access_denied: 'Access was denied at the provider, so nothing was connected.',
  missing_code: 'The provider returned no authorization code, so nothing was connected. Start the connection again.',
  not_allowed: 'The person who started this connection may no longer connect this integration.',
  integration_changed:
    'This integration can no longer be connected as started (its client ID or secret is missing). Check it and start again.',
  issuer_mismatch: 'The authorization response came from an unexpected issuer, so nothing was connected.',
};

/** A failure the flow detects itself while connecting (issuer, connection values), with the message to show. */
export class ConnectFailure extends Error {
  constructor(
    readonly reason: FailureReason,
    message: string,
    readonly providerError: string | null = null,
  ) {
    super(message);
  }
}
