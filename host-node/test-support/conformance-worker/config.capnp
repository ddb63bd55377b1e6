# workerd configuration of the conformance worker (test/conformance.workerd.test.mjs and
# test/conformance.cross-host.test.mjs): the size-built engine as the worker example loads it
# (the package's src/index.js, `init({ module })` with the `wasm` module) and the replay code of
# test-support/replay-core.mjs. Started by test-support/worker-workerd.mjs with the socket
# overridden (`--socket-addr=http=127.0.0.1:0`); no storage, no outbound network.

using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "conformance", worker = .conformanceWorker),
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:8788", http = (), service = "conformance"),
  ],
);

const conformanceWorker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "replay-core.mjs", esModule = embed "../replay-core.mjs"),

    # The npm package handoff-engine, embedded as in examples/worker/config.capnp.
    (name = "handoff-engine", esModule = "export * from 'handoff-engine/src/index.js';"),
    (name = "handoff-engine/src/index.js", esModule = embed "../../src/index.js"),
    (name = "handoff-engine/src/host.js", esModule = embed "../../src/host.js"),
    (name = "handoff-engine/src/stores.js", esModule = embed "../../src/stores.js"),
    (name = "handoff-engine/src/errors.js", esModule = embed "../../src/errors.js"),
    (name = "handoff-engine/wasm/handoff_wasm.js", esModule = embed "../../wasm/handoff_wasm.js"),
    (name = "handoff-engine/handoff_wasm_bg.wasm", wasm = embed "../../wasm/handoff_wasm_bg.wasm"),
  ],
  compatibilityDate = "2026-07-01",
);
