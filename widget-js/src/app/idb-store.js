// The outbox store (shared/outbox.js) on IndexedDB, one database per origin
// shared by all tabs. claim() is a read-modify-write in one transaction, so
// two tabs cannot both take the same entry.
import { MemoryStore } from "../shared/outbox.js";

const DB = "sealshot-outbox",
  STORE = "reports";

export async function openOutboxStore() {
  try {
    const db = await new Promise((resolve, reject) => {
      const req = indexedDB.open(DB, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: "id" });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error("blocked"));
    });
    return new IdbStore(db);
  } catch {
    // Private windows and sandboxed frames may have no IndexedDB: keep reports for this page's life at least.
    return new MemoryStore();
  }
}

class IdbStore {
  constructor(db) {
    this.db = db;
  }
  #tx(mode, body) {
    return new Promise((resolve, reject) => {
      const tx = this.db.transaction(STORE, mode);
      let result;
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
      body(tx.objectStore(STORE), (value) => {
        result = value;
      });
    });
  }
  put(entry) {
    return this.#tx("readwrite", (s) => s.put(entry));
  }
  delete(id) {
    return this.#tx("readwrite", (s) => s.delete(id));
  }
  get(id) {
    return this.#tx("readonly", (s, set) => {
      s.get(id).onsuccess = (e) => set(e.target.result ?? null);
    });
  }
  all() {
    return this.#tx("readonly", (s, set) => {
      s.getAll().onsuccess = (e) => set(e.target.result);
    });
  }
  claim(id, now, leaseMs) {
    return this.#tx("readwrite", (s, set) => {
      s.get(id).onsuccess = (e) => {
        const entry = e.target.result;
        if (!entry || entry.leaseUntil > now || entry.nextAttemptAt > now) {
          set(null);
          return;
        }
        entry.leaseUntil = now + leaseMs;
        s.put(entry);
        set(entry);
      };
    });
  }
}
