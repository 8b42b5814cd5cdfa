// The JavaScript face of the account module (account.wasm, built from
// wasm/account/account_bindings.cpp): what the review console needs to sign
// in without the server learning the password or any key. Keys travel as
// their text forms (43 characters of URL-safe base64); the wrap key, which
// must never leave the browser, is a Uint8Array the caller can wipe with
// fill(0). Errors are SealshotError with the core's stable `code`.
//
// Usage (browser):  const account = await loadSealshotAccount();
// Usage (Node):     const account = await loadSealshotAccount({ wasmBinary: fs.readFileSync(".../account.wasm") });
import createSealshotAccount from "./account.mjs";

export class SealshotError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "SealshotError";
    this.code = code;
  }
}

const WRAP_KEY_BYTES = 32;
const AUTH_KEY_TEXT_LENGTH = 43;

function secureRandomUint32() {
  const word = new Uint32Array(1);
  globalThis.crypto.getRandomValues(word);
  return word[0];
}

export async function loadSealshotAccount(options = {}) {
  const module = await createSealshotAccount({
    // libsodium asks Module.getRandomValue for entropy (Web Crypto, browsers and Node 20).
    getRandomValue: secureRandomUint32,
    ...options,
  });
  return new SealshotAccount(module);
}

class SealshotAccount {
  #m;
  constructor(module) {
    this.#m = module;
    const p = (i) => module._sealshot_account_kdf_param(i);
    const set = (i) => Object.freeze({ opslimit: p(i), memlimit: p(i + 1) });
    /** Argon2id parameters pinned in the client (shared/account_keys.h). */
    this.kdfParams = Object.freeze({ minimum: set(0), default: set(2), maximum: set(4) });
  }

  /** Size of the module's memory now (grows with the KDF's memory, never shrinks). */
  get heapBytes() {
    return this.#m.HEAPU8.length;
  }

  // --- memory helpers: every pointer is wiped and freed in `finally` ---------
  #alloc(size) {
    const ptr = this.#m._malloc(Math.max(1, size));
    if (!ptr) throw new SealshotError("out_of_memory", "The WebAssembly module is out of memory.");
    return ptr;
  }
  /** {ptr, size, length}: a NUL-terminated UTF-8 copy of `text`; length leaves the NUL out. */
  #string(text) {
    const size = this.#m.lengthBytesUTF8(text) + 1;
    const ptr = this.#alloc(size);
    this.#m.stringToUTF8(text, ptr, size);
    return { ptr, size, length: size - 1 };
  }
  /**
   * A copy of a password or email as UTF-8 bytes, the way browsers encode form text
   * (TextEncoder: a lone surrogate becomes U+FFFD), so every client derives from the same bytes.
   */
  #utf8(text) {
    const bytes = new TextEncoder().encode(text);
    const ptr = this.#alloc(bytes.length);
    this.#m.HEAPU8.set(bytes, ptr);
    bytes.fill(0);
    return { ptr, size: Math.max(1, bytes.length), length: bytes.length };
  }
  // Checked before anything is allocated, so a refusal leaves no copy of a secret behind.
  static #checkWrapKey(wrapKey) {
    if (!(wrapKey instanceof Uint8Array) || wrapKey.length !== WRAP_KEY_BYTES) {
      throw new SealshotError("invalid_argument", "The wrap key must be a Uint8Array of 32 bytes.");
    }
  }
  #wrapKeyIn(wrapKey) {
    const ptr = this.#alloc(WRAP_KEY_BYTES);
    this.#m.HEAPU8.set(wrapKey, ptr);
    return { ptr, size: WRAP_KEY_BYTES, length: WRAP_KEY_BYTES };
  }
  // Buffers may hold passwords or keys: zeroed before they go back to malloc.
  #with(buffers, body) {
    try {
      return body(...buffers);
    } finally {
      for (const { ptr, size } of buffers) {
        this.#m.HEAPU8.fill(0, ptr, ptr + size);
        this.#m._free(ptr);
      }
    }
  }
  #check(code) {
    if (code !== 0) {
      const name = this.#m.UTF8ToString(this.#m._sealshot_account_error_name(code));
      const message = this.#m.UTF8ToString(this.#m._sealshot_account_error_message());
      throw new SealshotError(name, message);
    }
  }
  #takeBytes() {
    const m = this.#m;
    const ptr = m._sealshot_account_output_data();
    const out = m.HEAPU8.slice(ptr, ptr + m._sealshot_account_output_size());
    m._sealshot_account_output_clear(); // wipes the module's copy
    return out;
  }
  #takeText() {
    return new TextDecoder().decode(this.#takeBytes());
  }

  // --- sign-in ----------------------------------------------------------------
  /**
   * For the sign-in page to call when it opens: writes, in slices between which the page stays
   * responsive, the memory the next deriveAccountKeys(params) will use. A page's first write to
   * fresh memory is slow (the system hands over and zeroes every page: on the reference VM that
   * doubled the first sign-in, docs/benchmarks.md); done here, it is not part of the wait after the
   * person presses "Sign in". A derivation that starts earlier simply takes over. Resolves to the
   * milliseconds spent (0 when cancelled).
   */
  async prepare(params = this.kdfParams.default, { sliceBytes = 8 << 20 } = {}) {
    const { memlimit } = params ?? {};
    if (!Number.isSafeInteger(memlimit) || memlimit <= 0 || memlimit > this.kdfParams.maximum.memlimit) {
      throw new SealshotError("kdf_params_rejected", "The memory to prepare is outside the pinned range.");
    }
    this.#endPrepare();
    const start = performance.now();
    // Argon2 takes its memory with one malloc; once freed, this block is where that malloc lands
    // (1 MiB more than it asks for, so the small buffers allocated first fit in front of it).
    const size = memlimit + (1 << 20);
    const block = { ptr: this.#alloc(size) };
    this.#preparing = block;
    for (let offset = 0; offset < size && this.#preparing === block; offset += sliceBytes) {
      this.#m.HEAPU8.fill(0, block.ptr + offset, block.ptr + Math.min(size, offset + sliceBytes));
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    if (this.#preparing !== block) return 0;
    this.#endPrepare();
    return performance.now() - start;
  }
  #preparing = null;
  #endPrepare() {
    if (this.#preparing) this.#m._free(this.#preparing.ptr);
    this.#preparing = null;
  }

  /** A fresh per-person salt (22 characters), made at sign-up. */
  accountSaltGenerate() {
    this.#check(this.#m._sealshot_account_salt_generate());
    return this.#takeText();
  }

  /**
   * Argon2id(password, salt) → {authKey: text sent to the server, wrapKey: Uint8Array(32), never sent}.
   * `params` comes from the server; anything outside kdfParams.minimum..maximum is refused
   * (kdf_params_rejected). The password's UTF-8 bytes are used as given (no Unicode normalisation).
   */
  deriveAccountKeys(password, salt, params = this.kdfParams.default) {
    const { opslimit, memlimit } = params ?? {};
    if (!Number.isSafeInteger(opslimit) || !Number.isSafeInteger(memlimit)) {
      throw new SealshotError("kdf_params_rejected", "The key derivation parameters must be whole numbers.");
    }
    this.#endPrepare(); // its block is where Argon2's memory goes
    return this.#with([this.#utf8(String(password)), this.#string(String(salt))], (pw, s) => {
      this.#check(this.#m._sealshot_account_derive(pw.ptr, pw.length, s.ptr, opslimit, memlimit));
      const out = this.#takeBytes();
      const keys = {
        authKey: new TextDecoder().decode(out.subarray(0, AUTH_KEY_TEXT_LENGTH)),
        wrapKey: out.slice(AUTH_KEY_TEXT_LENGTH),
      };
      out.fill(0);
      return keys;
    });
  }

  /** A new X25519 key pair: {publicKey, secretKey} as text. */
  generateKeyPair() {
    this.#check(this.#m._sealshot_account_keypair_generate());
    const [publicKey, secretKey] = this.#takeText().split("\n");
    return { publicKey, secretKey };
  }

  /** The person's secret key encrypted under the wrap key: "sswk1.…", stored by the server. */
  wrapSecretKey(secretKey, wrapKey) {
    SealshotAccount.#checkWrapKey(wrapKey);
    return this.#with([this.#string(String(secretKey)), this.#wrapKeyIn(wrapKey)], (sk, wk) => {
      this.#check(this.#m._sealshot_account_wrap(sk.ptr, wk.ptr));
      return this.#takeText();
    });
  }

  /** The secret key text; key_unwrap_failed (wrong password / altered) or key_mismatch. */
  unwrapSecretKey(wrapped, wrapKey, expectedPublicKey) {
    SealshotAccount.#checkWrapKey(wrapKey);
    const buffers = [this.#string(String(wrapped)), this.#wrapKeyIn(wrapKey), this.#string(String(expectedPublicKey))];
    return this.#with(buffers, (text, wk, pk) => {
      this.#check(this.#m._sealshot_account_unwrap(text.ptr, wk.ptr, pk.ptr));
      return this.#takeText();
    });
  }

  /**
   * The secret key as its 32 bytes: a Uint8Array the caller zeroes (fill(0)) once it has handed
   * them on. Unlike unwrapSecretKey's text, the key is then in no JS string (strings cannot be wiped).
   */
  unwrapSecretKeyBytes(wrapped, wrapKey, expectedPublicKey) {
    SealshotAccount.#checkWrapKey(wrapKey);
    const buffers = [this.#string(String(wrapped)), this.#wrapKeyIn(wrapKey), this.#string(String(expectedPublicKey))];
    return this.#with(buffers, (text, wk, pk) => {
      this.#check(this.#m._sealshot_account_unwrap_bytes(text.ptr, wk.ptr, pk.ptr));
      return this.#takeBytes();
    });
  }

  // --- project key grants -------------------------------------------------------
  /** The project's secret key sealed to one person's public key: "ssgr1.…". */
  sealGrant(projectSecretKey, personPublicKey) {
    return this.#with([this.#string(String(projectSecretKey)), this.#string(String(personPublicKey))], (sk, pk) => {
      this.#check(this.#m._sealshot_account_seal_grant(sk.ptr, pk.ptr));
      return this.#takeText();
    });
  }

  /**
   * The project's secret key text. person: {publicKey, secretKey}. expectedProjectPublicKey is the
   * key the client trusts (pinned), never one the server just sent: a substituted grant gives key_mismatch.
   */
  openGrant(grant, person, expectedProjectPublicKey) {
    const buffers = [
      this.#string(String(grant)),
      this.#string(String(person?.publicKey)),
      this.#string(String(person?.secretKey)),
      this.#string(String(expectedProjectPublicKey)),
    ];
    return this.#with(buffers, (g, pub, sec, expected) => {
      this.#check(this.#m._sealshot_account_open_grant(g.ptr, pub.ptr, sec.ptr, expected.ptr));
      return this.#takeText();
    });
  }

  /** "3F7A 91C2 …": 8 groups of 4 hex digits (128 bits) people compare to verify a key. */
  keyFingerprint(publicKey) {
    return this.#with([this.#string(String(publicKey))], (pk) => {
      this.#check(this.#m._sealshot_account_fingerprint(pk.ptr));
      return this.#takeText();
    });
  }

  /** Throws SealshotError password_too_weak (or invalid_argument) with a sentence saying why. */
  passwordCheck(password, email = "") {
    this.#with([this.#utf8(String(password)), this.#utf8(String(email))], (pw, em) => {
      this.#check(this.#m._sealshot_account_password_check(pw.ptr, pw.length, em.ptr, em.length));
    });
  }
}
