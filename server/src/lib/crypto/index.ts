/** The credential vault (envelope encryption of secrets at rest): see vault.ts. */
export { createVault, secretHint, type RewrapResult, type SecretContext, type Vault, type VaultOptions } from './vault.js';
export { isCiphertext } from './secret-box.js';
export { decodeMasterKey, masterKeyVersion } from './master-keys.js';
export { DataKeyUnwrapError, MasterKeyUnavailableError, SecretDecryptionError, VaultError, type VaultErrorCode } from './vault-errors.js';
export { createUserSecretBox, type UserSecretBox } from './user-secrets.js';
