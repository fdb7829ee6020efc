/**
 * Errors of the credential vault. None of them carries plaintext or key material: messages name
 * the organization, table, column, row and key versions involved, which are not secret, so that an
 * operator reading the log knows which value (or which missing key) is the problem.
 *
 * They are not AppErrors on purpose: a secret that cannot be decrypted is a server-side fault, and
 * the API answers it with the generic 500 while the log keeps the details.
 */
export type VaultErrorCode =
  /** A ciphertext is not in a format this vault writes (truncated, not a ciphertext at all). */
  | 'malformed_ciphertext'
  /** The ciphertext was sealed with a data key this organization does not have (copied from another organization, or the key was lost). */
  | 'data_key_mismatch'
  /** AES-GCM rejected the ciphertext: altered, or moved to another row, column, table or organization. */
  | 'authentication_failed'
  /** The organization has no data key yet, so nothing can have been encrypted for it. */
  | 'no_data_key'
  /** The master key that wrapped the organization's data key is not configured (neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS). */
  | 'master_key_unavailable'
  /** The stored wrapped data key does not unwrap under the master key it names (altered, or copied from another organization). */
  | 'data_key_unwrap_failed'
  /** The organization row is not visible in the transaction (wrong scope) or does not exist. */
  | 'organization_not_visible'
  /** A caller error: a malformed secret context or vault option. */
  | 'invalid_argument';

export class VaultError extends Error {
  constructor(
    message: string,
    readonly code: VaultErrorCode,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A stored secret cannot be turned back into its plaintext. Never returns garbage instead. */
export class SecretDecryptionError extends VaultError {
  constructor(message: string, code: 'malformed_ciphertext' | 'data_key_mismatch' | 'authentication_failed' | 'no_data_key') {
    super(message, code);
  }
}

/** The organization's data key is wrapped by a master key version this process was not given. */
export class MasterKeyUnavailableError extends VaultError {
  constructor(
    readonly organizationId: string,
    readonly keyVersion: number,
    readonly configuredVersions: readonly number[],
  ) {
    super(
      `The data key of organization ${organizationId} is wrapped by master key version ${keyVersion}, which is not configured ` +
        `(configured: ${configuredVersions.join(', ')}). Add that key to ENCRYPTION_KEY_PREVIOUS, then run rotate-encryption-key.`,
      'master_key_unavailable',
    );
  }
}

/** The wrapped data key is damaged or does not belong to this organization. */
export class DataKeyUnwrapError extends VaultError {
  constructor(
    readonly organizationId: string,
    reason: string,
  ) {
    super(`The stored data key of organization ${organizationId} cannot be unwrapped: ${reason}`, 'data_key_unwrap_failed');
  }
}
