// Type declarations of handoff-engine's Node entry (src/node.js, export condition `node`):
// everything the browsers' entry declares (src/index.d.ts), plus what only Node's entry exports.
// Add new shared declarations to index.d.ts; this file holds only the Node-only ones.

import type { InitOptions, LoadedEngine, RecordChange, RecordRow, RecordStore } from './index.js';

export * from './index.js';

/**
 * Node only: the records in one append-only file (one line per change set, one fsync per input),
 * rewritten as the live records when it has grown fourfold; an older version's whole-state file is
 * converted once.
 */
export declare class FileStore implements RecordStore {
  constructor(path: string);
  readonly path: string;
  load(): Promise<string | null>;
  save(json: string): Promise<void>;
  loadRecords(): Promise<RecordRow[] | null>;
  writeChanges(changes: RecordChange[], options?: { replacesState?: boolean }): Promise<void>;
}

/** Where Node's wasm bytes are: the engine built for speed (when installed), else the size-built one. */
export declare const WASM_PATH: URL;
/** The size-built module (what browsers and workers load); Node's fallback. */
export declare const WASM_SIZE_PATH: URL;

/**
 * Loads the engine once, reading the wasm from the package folder when no source is given (Node's
 * `fetch` cannot read `file:` URLs).
 */
export declare function init(options?: InitOptions): Promise<LoadedEngine>;
