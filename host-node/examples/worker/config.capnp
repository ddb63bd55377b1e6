# workerd configuration for the handoff worker example: `workerd serve config.capnp --experimental`
# from this folder (see README.md). The same configuration is what test/worker.workerd.test.mjs runs,
# with the socket, the storage folder and the environment overridden on the command line.

using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "handoff", worker = .handoffWorker),

    # Durable Object storage: one SQLite file per object under this folder (override the path
    # with `--directory-path state=/var/lib/handoff`). localDisk needs `--experimental`.
    (name = "state", disk = (path = ".workerd-state", writable = true)),

    # Where fetch() goes: public addresses (HTTPS checked against the usual browser CAs) and this
    # machine's loopback, for webhook receivers on localhost. workerd's default "internet" service
    # allows public addresses only.
    (name = "outbound", network = (allow = ["public", "local"], tlsOptions = (trustBrowserCas = true))),
  ],

  sockets = [
    (name = "http", address = "127.0.0.1:8787", http = (), service = "handoff"),
  ],
);

const handoffWorker :Workerd.Worker = (
  # The first module is the main one. Module names are paths: a bare import such as
  # "handoff-engine" resolves to the module of that name because worker.js is at the root.
  modules = [
    (name = "worker.js", esModule = embed "src/worker.js"),
    (name = "routes.js", esModule = embed "src/routes.js"),
    (name = "tenant.js", esModule = embed "src/tenant.js"),
    (name = "alarm-clock.js", esModule = embed "src/alarm-clock.js"),
    (name = "journal.js", esModule = embed "src/journal.js"),
    (name = "streams.js", esModule = embed "src/streams.js"),
    (name = "handoff-settings.json", json = embed "src/handoff-settings.json"),

    # The npm package handoff-engine, as wrangler's bundler would resolve it (the "workerd"
    # export condition: src/index.js, no Node imports). Outside this repository, point these
    # embeds at node_modules/handoff-engine/.
    (name = "handoff-engine", esModule = "export * from 'handoff-engine/src/index.js';"),
    (name = "handoff-engine/src/index.js", esModule = embed "../../src/index.js"),
    (name = "handoff-engine/src/host.js", esModule = embed "../../src/host.js"),
    (name = "handoff-engine/src/stores.js", esModule = embed "../../src/stores.js"),
    (name = "handoff-engine/src/errors.js", esModule = embed "../../src/errors.js"),
    (name = "handoff-engine/wasm/handoff_wasm.js", esModule = embed "../../wasm/handoff_wasm.js"),
    # A `wasm` module: importing it gives a compiled WebAssembly.Module (workerd, like Cloudflare,
    # does not compile wasm from bytes at run time).
    (name = "handoff-engine/handoff_wasm_bg.wasm", wasm = embed "../../wasm/handoff_wasm_bg.wasm"),
  ],

  compatibilityDate = "2026-07-01",

  bindings = [
    (name = "HANDOFF_TENANTS", durableObjectNamespace = "HandoffTenant"),
    # Secrets and settings come from workerd's environment (null when unset), never from this file.
    # A webhook's secret_ref names one of these bindings; add one per secret_ref you use.
    (name = "HANDOFF_WEBHOOK_SECRET", fromEnvironment = "HANDOFF_WEBHOOK_SECRET"),
    (name = "HANDOFF_API_TOKEN", fromEnvironment = "HANDOFF_API_TOKEN"),
    # JSON text replacing the bundled src/handoff-settings.json (unset: the bundled one).
    (name = "HANDOFF_CONFIG", fromEnvironment = "HANDOFF_CONFIG"),
    # A helpdesk's API token and the secret its webhooks to /tenants/{t}/integrations/{i}/webhook
    # are checked with (an integration's api_token_ref / webhook_secret_ref names them).
    (name = "HANDOFF_HELPDESK_TOKEN", fromEnvironment = "HANDOFF_HELPDESK_TOKEN"),
    (name = "HANDOFF_HELPDESK_WEBHOOK_SECRET", fromEnvironment = "HANDOFF_HELPDESK_WEBHOOK_SECRET"),
    # How many engine steps GET /tenants/{t}/journal keeps in memory (unset or 0: off).
    (name = "HANDOFF_JOURNAL", fromEnvironment = "HANDOFF_JOURNAL"),
  ],

  durableObjectNamespaces = [
    # Do not change uniqueKey: object ids (and so the stored state) derive from it.
    (className = "HandoffTenant", uniqueKey = "handoff-tenants-v1", enableSql = true),
  ],
  durableObjectStorage = (localDisk = "state"),

  globalOutbound = "outbound",
);
