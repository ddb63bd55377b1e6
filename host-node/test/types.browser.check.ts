// A browser or worker user's file: test/types.package.test.mjs compiles it in a fresh project
// against the packed package with the conditions a bundler uses for the browser (`moduleResolution:
// bundler`, `customConditions: ["browser"]`), so it sees src/index.d.ts: what the browsers' entry
// exports is declared, and what only Node's entry exports is not.

// @ts-expect-error: FileStore is Node only (the browsers' entry does not export it)
import { FileStore } from 'handoff-engine';
// @ts-expect-error: the Node entry's wasm paths are not the browsers'
import { WASM_PATH } from 'handoff-engine';
import { EngineError, HandoffHost, LocalStorageStore, init, type Engine } from 'handoff-engine';

export async function widget(): Promise<string | null> {
  const { Engine: E } = await init({ url: '/handoff_wasm_bg.wasm' });
  const engine: Engine = new E({ handoff: {} });
  const host = await HandoffHost.create({ config: { handoff: {} }, store: new LocalStorageStore('w:'), environment: 'browser' });
  host.engine.hours(Date.now())?.open.valueOf();
  try {
    engine.handle({ type: 'tick' }, Date.now());
  } catch (error) {
    if (error instanceof EngineError) return error.path;
  }
  void FileStore;
  void WASM_PATH;
  return null;
}
