// Types for sealshot-core.mjs.
export type PiiKind = "email" | "phone" | "card" | "iban" | "ssn" | "ipv4" | "ipv6" | "secret";
export interface CssRect { x: number; y: number; width: number; height: number; }
export interface PiiHit { kind: PiiKind; start: number; end: number; }
export interface ReportPart { name: string; type: string; data: Uint8Array; }
export interface EnvelopeInfo { version: number; projectId: string; chunkSize: number; payloadSize: number; totalSize: number; }
type Pixels = Uint8Array | Uint8ClampedArray;

export class SealshotError extends Error { code: string; }

export interface SealshotCore {
  /** The core's limits (shared/core_limits.h, envelope.h, pii_scan.h), read from the module. */
  readonly limits: Readonly<{ maxImageDimension: number; maxRedactRects: number; maxPayloadBytes: number; maxPayloadParts: number;
    envelopeChunkBytes: number; envelopeMinChunkBytes: number; envelopeMaxChunkBytes: number; maxEnvelopeBytes: number;
    maxProjectIdLength: number; maxScanChars: number; }>;
  /** The detectors' kind names, indexed by the core's kind number. */
  readonly piiKinds: readonly PiiKind[];
  /** The core's PNG defaults (PngOptions in shared/png_encode.h). */
  readonly pngDefaults: Readonly<{ level: number; filter: number }>;
  /** Size of the module's memory now (grows, never shrinks). */
  readonly heapBytes: number;
  redact(rgba: Pixels, width: number, height: number, rects: CssRect[], devicePixelRatio?: number, fill?: number): { filled: number; skipped: number };
  encodePng(rgba: Pixels, width: number, height: number, options?: { level?: number; filter?: number }): Uint8Array;
  redactAndEncode(rgba: Pixels, width: number, height: number, rects: CssRect[], devicePixelRatio?: number,
    options?: { fill?: number; level?: number; filter?: number }): Uint8Array;
  seal(projectId: string, publicKey: string, payload: Uint8Array): Uint8Array;
  sealReport(projectId: string, publicKey: string, manifest: object | string, png?: Uint8Array): Uint8Array;
  /** Redacts, encodes and seals in one call (the PNG stays in the module); the caller's pixels are not changed. */
  sealScreenshotReport(projectId: string, publicKey: string, manifest: object | string,
    screenshot?: { rgba: Pixels; width: number; height: number; rects: CssRect[]; devicePixelRatio?: number } | null,
    options?: { fill?: number; level?: number; filter?: number }): { envelope: Uint8Array; pngSize: number };
  open(envelope: Uint8Array, secretKey: string, projectId: string): Uint8Array;
  openReport(envelope: Uint8Array, secretKey: string, projectId: string): { manifest: unknown; parts: ReportPart[] };
  inspect(envelope: Uint8Array): EnvelopeInfo;
  generateKeyPair(): { publicKey: string; secretKey: string };
  scan(text: string): PiiHit[];
}

export function loadSealshotCore(options?: { wasmBinary?: ArrayBuffer | Uint8Array; locateFile?: (path: string) => string }): Promise<SealshotCore>;
