// Types of the Sealshot widget: the ES module entry (`import * as Sealshot`)
// and the `window.Sealshot` global the script tag defines.

export type Category = "bug" | "idea" | "question" | "other" | (string & {});

export interface SealshotConfig {
  /** Project id, e.g. "prj_…" (data-project). */
  project: string;
  /** The project's public key, 43 characters of URL-safe base64 (data-key). */
  publicKey: string;
  /** Ingest origin; default: the origin widget.js was loaded from (data-endpoint). */
  endpoint?: string;
  /** Folder of widget-app.js and core.wasm; default: beside the loader or the module (data-assets). */
  assetsUrl?: string;
  /** "en" or "de"; default: the page's lang, then the browser's (data-lang). */
  lang?: string;
  /** Overrides of any label, flat or per language: { send: "Go" } or { de: { send: "Los" } }. */
  labels?: Record<string, unknown>;
  /** Category ids offered, in order; labels come from `labels.categories`. */
  categories?: Category[];
  /** More CSS selectors whose elements are blacked out (data-mask, comma-separated). */
  maskSelectors?: string[];
  /** Scan visible text for personal data and black it out; default true (data-auto-detect). */
  autoDetect?: boolean;
  /** Show the floating button; default true (data-button="false" to use your own trigger). */
  button?: boolean;
  launcherLabel?: string;
  position?: "right" | "left";
  /** Keep the query string / fragment of the page URL in reports; default false. */
  keepQuery?: boolean;
  keepHash?: boolean;
  /** Offer to attach the last 20 console errors; default false (data-console-errors). */
  consoleErrors?: boolean;
  /** First capture method: DOM copy ("auto"/"dom"), screen sharing ("display"), or none. */
  capture?: "auto" | "dom" | "display" | "none";
  /** CSP nonce for the script and style the widget injects; default: the loader's nonce (data-nonce). */
  nonce?: string;
}

export interface SentDetail {
  id: string;
  submission?: string;
  background?: boolean;
  timings?: Partial<Record<"scan" | "capture" | "redact" | "encode" | "seal" | "upload", number>>;
  sizes?: { png: number; envelope: number };
}

export function init(config: SealshotConfig): void;
export function open(): Promise<void>;
export function close(): void;
export function setUser(user: { id?: string; email?: string; name?: string; [key: string]: unknown }): void;
export function setMetadata(data: Record<string, unknown>): void;
export function remove(): void;

export interface SealshotGlobal {
  version: string;
  init(config?: Partial<SealshotConfig>): void;
  open(): void;
  close(): void;
  setUser(user: Parameters<typeof setUser>[0]): void;
  setMetadata(data: Record<string, unknown>): void;
  remove(): void;
  /** Resolves when widget-app.js has loaded. */
  ready(): Promise<unknown>;
}

declare global {
  interface Window { Sealshot: SealshotGlobal; }
  interface DocumentEventMap {
    "sealshot:sent": CustomEvent<SentDetail>;
    "sealshot:queued": CustomEvent<SentDetail>;
    "sealshot:error": CustomEvent<{ id: string; status?: number; error?: string }>;
    "sealshot:open": CustomEvent<{}>;
    "sealshot:close": CustomEvent<{}>;
  }
}
