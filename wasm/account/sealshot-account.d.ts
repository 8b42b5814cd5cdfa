// Types for sealshot-account.mjs.
export class SealshotError extends Error { code: string; }

export interface KdfParams { opslimit: number; memlimit: number; }
export interface AccountKeys {
  /** 43 characters: what the client sends to the server to sign in. */
  authKey: string;
  /** 32 bytes that never leave the browser; wipe with fill(0) when done. */
  wrapKey: Uint8Array;
}
export interface KeyPairText { publicKey: string; secretKey: string; }

export interface SealshotAccount {
  /** The Argon2id parameters pinned in the client; the server's are refused outside minimum..maximum. */
  readonly kdfParams: Readonly<{ minimum: KdfParams; default: KdfParams; maximum: KdfParams }>;
  readonly heapBytes: number;
  /** Writes the memory the next derivation needs, in slices (call when the sign-in page opens). Resolves to ms spent. */
  prepare(params?: KdfParams, options?: { sliceBytes?: number }): Promise<number>;
  accountSaltGenerate(): string;
  deriveAccountKeys(password: string, salt: string, params?: KdfParams): AccountKeys;
  generateKeyPair(): KeyPairText;
  wrapSecretKey(secretKey: string, wrapKey: Uint8Array): string;
  unwrapSecretKey(wrapped: string, wrapKey: Uint8Array, expectedPublicKey: string): string;
  unwrapSecretKeyBytes(wrapped: string, wrapKey: Uint8Array, expectedPublicKey: string): Uint8Array;
  sealGrant(projectSecretKey: string, personPublicKey: string): string;
  openGrant(grant: string, person: KeyPairText, expectedProjectPublicKey: string): string;
  keyFingerprint(publicKey: string): string;
  /** Throws SealshotError("password_too_weak" | "invalid_argument") with a sentence saying why. */
  passwordCheck(password: string, email?: string): void;
}

export function loadSealshotAccount(options?: { wasmBinary?: ArrayBuffer | Uint8Array }): Promise<SealshotAccount>;
