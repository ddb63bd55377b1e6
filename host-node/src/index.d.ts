// Type declarations of handoff-engine for browsers and edge workers (the `types` of every export
// condition but `node`; src/node.d.ts adds what only Node's entry exports): the wasm `Engine`, the
// `HandoffHost` driver and the queries. Each declaration here is exported by src/index.js (a
// test compiles and runs a TypeScript file against the packed package: test/types.package.test.mjs).
// The data types (inputs, outputs, the state, webhook events) and the configuration (`Config`,
// `HandoffConfig`, `RoutingConfig`, … `IntegrationConfig`) are generated into wire.d.ts by `cargo
// xtask schema`, from handoff-core's wire types and the configuration reader's field
// tables, and re-exported here; the queries are hand-written from query.rs: keep those in step.

import type {
  AgentState,
  BusinessHoursConfig,
  Callback,
  Config,
  Conversation,
  ConversationStatus,
  Customer,
  DeadLetter,
  DeliveryOutput,
  ErrorKind,
  EventName,
  ExplainRequest,
  Explanation,
  HandoffOutput,
  HandoffConfig,
  Input,
  OutboxEntryState,
  Output,
  PathError,
  Priority,
  RoutingConfig,
  ScheduleConfig,
  SentimentSummary,
  State,
  TriggerHit,
} from './wire.js';

export type * from './wire.js';

// ---------------------------------------------------------------------------------------------
// Names over the generated types (wire.d.ts)
// ---------------------------------------------------------------------------------------------

/** `round_robin`, `skill_based` or `load_based` (`handoff.routing.method`). */
export type RoutingMethod = NonNullable<RoutingConfig['method']>;
/** `queue`, `callback` or `none` (`handoff.routing.fallback`). */
export type RoutingFallback = NonNullable<RoutingConfig['fallback']>;
/** A key of `handoff.business_hours.schedule`: `monday` … `sunday`. */
export type Weekday = keyof ScheduleConfig;
/** A closed local date: `"2026-12-25"` or `{ date, name }`. */
export type HolidayConfig = NonNullable<BusinessHoursConfig['holidays']>[number];

/** `worsening`, `improving` or `steady`. */
export type Trend = SentimentSummary['trend'];
/** The `type` of every input. */
export type InputType = Input['type'];
/** The `type` of every output. */
export type OutputType = Output['type'];
/** The name of every trigger (`handoff.triggers`, a webhook's `"trigger"`). */
export type TriggerName = TriggerHit['trigger'];
/** Where a delivery in the outbox is: in flight or waiting for its retry. */
export type DeliveryState = OutboxEntryState;
/** The `handoff.messages` key an engine message came from (`message.template`). */
export type MessageTemplate = Extract<Output, { type: 'message' }>['template'];
/** Why the callback form is shown (`collect_callback.reason`). */
export type CallbackReason = Extract<Output, { type: 'collect_callback' }>['reason'];
/** A field the callback form asks for (`collect_callback.fields`). */
export type CallbackField = Extract<Output, { type: 'collect_callback' }>['fields'][number];

// ---------------------------------------------------------------------------------------------
// Queries: reads answered from the engine's indexes, never by copying the whole state
// ---------------------------------------------------------------------------------------------

/**
 * One open conversation as the state holds it, as `audience` may read it. The customer's side
 * (`'customer'`) reads it without the agents' private notes and without a transfer under way;
 * agents and operators (the default) read it whole. Answer: `Conversation | null`.
 */
export interface ConversationQuery {
  query: 'conversation';
  conversation_id: string;
  audience?: Audience;
}

/** Where a conversation is and who holds it. Answer: `HolderAnswer | null`. */
export interface HolderQuery {
  query: 'holder';
  conversation_id: string;
}

/** What an agent must hold for `may_act`: offered (accept, decline), assigned (reply, close), or either. */
export type Holding = 'offered' | 'assigned' | 'offered_or_assigned';

/** Whether an agent may act on a conversation. Answer: `MayActAnswer`. */
export interface MayActQuery {
  query: 'may_act';
  agent_id: string;
  conversation_id: string;
  needs: Holding;
}

/** A page of the queue, in queue order. Answer: `QueuePage`. */
export interface QueueQuery {
  query: 'queue';
  /** Entries to skip (default 0: from the front). */
  offset?: number;
  /** Entries at most, 1..1000 (default 100). */
  limit?: number;
}

/** Every agent the engine knows. Answer: `AgentsAnswer`. */
export interface AgentsQuery {
  query: 'agents';
}

/** Counts for metrics. Answer: `Gauges`. */
export interface GaugesQuery {
  query: 'gauges';
}

/** A page of the dead letters, oldest delivery id first. Answer: `DeadLetterPage`. */
export interface DeadLettersQuery {
  query: 'dead_letters';
  /** Entries to skip (default 0). */
  offset?: number;
  /** Entries at most, 1..1000 (default 100). */
  limit?: number;
}

/** Resolutions by outcome and the customers' ratings since the state began (kept in the state:
 * they survive restarts). Answer: `ResolutionsAnswer`. */
export interface ResolutionsQuery {
  query: 'resolutions';
}

/** A page of the scheduled callbacks, soonest first. Answer: `CallbackPage`. */
export interface CallbacksQuery {
  query: 'callbacks';
  /** Entries to skip (default 0). */
  offset?: number;
  /** Entries at most, 1..1000 (default 100). */
  limit?: number;
}

/** The webhooks a 410 Gone disabled. Answer: `DisabledWebhooksAnswer`. */
export interface DisabledWebhooksQuery {
  query: 'disabled_webhooks';
}

/** Something a host asks the engine (`engine.query`, `HandoffHost.query`). */
export type Query =
  | ConversationQuery
  | HolderQuery
  | MayActQuery
  | QueueQuery
  | AgentsQuery
  | GaugesQuery
  | DeadLettersQuery
  | ResolutionsQuery
  | CallbacksQuery
  | DisabledWebhooksQuery;

export type QueryName = Query['query'];

/** A conversation's status name (`ConversationStatus['status']`). */
export type ConversationStatusName = ConversationStatus['status'];

export interface HolderAnswer {
  status: ConversationStatusName;
  /** The agent it is offered or assigned to, else `null`. */
  agent_id: string | null;
}

export type MayActAnswer = { allowed: true } | { allowed: false; reason: string };

export interface QueueEntry {
  /** 1 = next. */
  position: number;
  conversation_id: string;
  /** When it joined the queue (epoch ms). */
  since: number;
  /** `null` only if the conversation is gone (never in a consistent state). */
  priority: Priority | null;
  status: ConversationStatusName | null;
  agent_id: string | null;
  /** The conversation's topic, if any. */
  topic: string | null;
  /** The primary trigger of its handoff (`null` if the conversation is gone). */
  trigger: HandoffOutput['primary'] | null;
}

export interface QueuePage {
  /** Conversations in the whole queue. */
  total: number;
  offset: number;
  limit: number;
  queue: QueueEntry[];
}

export interface AgentsAnswer {
  agents: AgentState[];
}

export interface Gauges {
  /** Conversations waiting in the queue. */
  queue_length: number;
  /** Open conversations. */
  conversations: number;
  agents_online: number;
  /** Deliveries not yet acknowledged. */
  outbox: number;
  dead_letters: number;
}

export interface DeadLetterPage {
  /** Dead letters in all. */
  total: number;
  offset: number;
  limit: number;
  dead_letters: DeadLetter[];
}

export interface ResolutionsAnswer {
  /** Resolutions by outcome (`{"solved": 3}`). */
  by_outcome: Record<string, number>;
  /** Ratings received. */
  csat_responses: number;
  /** The sum of every score (divided by `csat_responses`: the mean). */
  csat_score_sum: number;
  /** Ratings by score, `"1"` to `"5"`. */
  csat_by_score: Record<string, number>;
}

export interface CallbackEntry {
  conversation_id: string;
  /** When the callback request goes out (epoch ms): the next opening. */
  at: number;
  customer: Customer | null;
  /** The details the customer gave. */
  callback: Callback | null;
}

export interface CallbackPage {
  /** Scheduled callbacks in all. */
  total: number;
  offset: number;
  limit: number;
  callbacks: CallbackEntry[];
}

export interface DisabledWebhooksAnswer {
  /** By webhook id; `enable_webhook` turns one on again. */
  disabled_webhooks: { webhook_id: string; reason: string }[];
}

/** The answer to each kind of query. */
export interface QueryAnswers {
  conversation: Conversation | null;
  holder: HolderAnswer | null;
  may_act: MayActAnswer;
  queue: QueuePage;
  agents: AgentsAnswer;
  gauges: Gauges;
  dead_letters: DeadLetterPage;
  resolutions: ResolutionsAnswer;
  callbacks: CallbackPage;
  disabled_webhooks: DisabledWebhooksAnswer;
}

/** The answer to query `Q`: `QueryAnswer<{query: 'gauges'}>` is `Gauges`. */
export type QueryAnswer<Q extends Query> = QueryAnswers[Q['query']];

// ---------------------------------------------------------------------------------------------
// The engine (wasm)
// ---------------------------------------------------------------------------------------------

/** One problem, as the engine reports it: the generated `PathError` (`{path, kind, message, value?}`). */
export type ErrorDetail = PathError;

/** The `name` of every error the engine throws (`Error`: a state that cannot be written). */
export type EngineErrorName =
  | 'InputError'
  | 'ConfigError'
  | 'RestoreError'
  | 'SigningError'
  | 'PrepareError'
  | 'WebhookError'
  | 'Error';

/**
 * What the engine throws: an `Error` whose message names the path. `error instanceof EngineError`
 * is true for every error the engine throws (recognised by its name, `path`, `kind` and `errors`).
 */
export declare class EngineError extends Error {
  /** `errors[0]` gives `path`, `kind` and the message; every entry is kept in `errors`. */
  constructor(name: EngineErrorName, errors: ErrorDetail[]);
  name: EngineErrorName;
  /** The first error's path. */
  path: string | null;
  /** The first error's kind. */
  kind: ErrorKind | null;
  /** The first error's offending value as compact JSON, when there is one. */
  value?: string;
  /** Every error of a configuration, otherwise one. */
  errors: ErrorDetail[] | null;
}

/** The names `instanceof EngineError` recognises (all but `Error`). */
export declare const ENGINE_ERROR_NAMES: readonly Exclude<EngineErrorName, 'Error'>[];

/** Business hours at an instant. */
export interface HoursStatus {
  open: boolean;
  /** Epoch ms. */
  next_opening: number | null;
  /** Epoch ms. */
  next_closing: number | null;
}

/**
 * The engine: deterministic, no I/O; every call is synchronous and throws an `EngineError`.
 * Exported as a type only: the class itself comes from the loaded wasm, `const { Engine } = await
 * init()` (or `host.engine` of a started `HandoffHost`); `import { Engine }` names its type.
 */
declare class Engine {
  /** A configuration object or its JSON text. Throws a `ConfigError` listing every problem. */
  constructor(config: Config | HandoffConfig | string);
  /** Continues from a persisted state (`state()` or `stateJson()`). Throws a `RestoreError` (`state.version`…). */
  static restore(config: Config | HandoffConfig | string, state: string | State): Engine;
  /**
   * Continues from the records a host kept (any order): `value` JSON text (or an object), or the
   * JSON text of such an array. Throws a `RestoreError` (`records[2].kind`, `state.conversations.c1…`).
   */
  static restoreRecords(
    config: Config | HandoffConfig | string,
    records: Array<{ kind: RecordKind; id: string; value: string | object }> | string,
  ): Engine;
  /** The records written or removed since the last call (the first lists every record). */
  takeChanges(): RecordChange[];
  /** As `takeChanges`, as JSON text (byte for byte what a native host gets). */
  takeChangesJson(): string;
  /** One input (an object or its JSON text) at `nowMs` (epoch ms) -> its outputs. On an `InputError` the state is unchanged. */
  handle(input: Input | string, nowMs: number): Output[];
  /** As `handle`, JSON text in and out (byte for byte what a native host writes). */
  handleJson(input: string, nowMs: number): string;
  /** The whole state, to persist before performing the outputs. */
  state(): State;
  /** The whole state as JSON text (byte for byte what a native host writes). */
  stateJson(): string;
  /** When to send a `tick` (epoch ms), if anything waits on time. */
  nextWakeup(): number | undefined;
  /** The answer to one query, read from the engine's indexes without copying the state. Throws an
   * `InputError` (path `query...`, e.g. `query.limit`) for a query it does not know. */
  query(query: ConversationQuery): Conversation | null;
  query(query: HolderQuery): HolderAnswer | null;
  query(query: MayActQuery): MayActAnswer;
  query(query: QueueQuery): QueuePage;
  query(query: AgentsQuery): AgentsAnswer;
  query(query: GaugesQuery): Gauges;
  query(query: DeadLettersQuery): DeadLetterPage;
  query(query: ResolutionsQuery): ResolutionsAnswer;
  query(query: CallbacksQuery): CallbackPage;
  query(query: DisabledWebhooksQuery): DisabledWebhooksAnswer;
  query(query: Query): QueryAnswers[QueryName];
  /** A query as JSON text: its answer, parsed. */
  query(query: string): unknown;
  /** As `query`, JSON text in and out (byte for byte what a native host gets). */
  queryJson(query: string): string;
  /** Business hours at `atMs`; `null` without `handoff.business_hours`. */
  hours(atMs: number): HoursStatus | null;
  /** Frees the wasm memory of this engine. */
  free(): void;
}

/** Standard Webhooks signature of one attempt: `v1,<base64>`. @throws on a secret that is not `whsec_<base64>`. */
export type SignFunction = (secret: string, msgId: string, timestampSecs: number, body: string | Uint8Array) => string;

/** How a host reads the answer to a delivery: the same for every delivery. */
export interface ResponseRules {
  /** Always `false`: a 3xx is reported as its status (the engine dead-letters it). */
  follow_redirects: boolean;
  /** At most this many bytes of the body are reported (64 KiB), cut at a character boundary. */
  body_limit: number;
  /** The response headers reported in `delivery_result.headers`, when present. */
  headers: ReportedHeader[];
  /** A reported header longer than this (bytes, 8 KiB) is left out. */
  header_value_limit: number;
}

/** The request to send for one attempt of a delivery, complete (credentials included: never log it). */
export interface PreparedRequest {
  method: string;
  url: string;
  /** Every header, with `authorization` or `webhook-id`, `webhook-timestamp`, `webhook-signature`. */
  headers: Record<string, string>;
  body: string;
  response: ResponseRules;
}

/** The references a host resolves for a delivery before `prepare` (`[]` for `auth.scheme` `none`). */
export type SecretRefsFunction = (delivery: DeliveryOutput | string) => string[];

/**
 * The request to send for a delivery, with `secrets` (`{[reference]: value}`; missing, `null` or
 * empty is unset), signed at `unixSecs`. @throws a `PrepareError` (path `delivery.auth.<field>`)
 * naming the reference, never its value: a secret unset, a basic-auth user name holding `:`.
 */
export type PrepareFunction = (
  delivery: DeliveryOutput | string,
  secrets: Record<string, string | null | undefined> | string,
  unixSecs: number,
) => PreparedRequest | Promise<PreparedRequest>;

/**
 * Refuses a configuration a browser may not run: a webhook signed with a `secret_ref` (in
 * `handoff.webhooks` or a `kind: "webhook"` integration) and any helpdesk integration, whose
 * credentials a page must not hold. @throws a `ConfigError` with `path`
 * (`handoff.webhooks[0].secret_ref`, `handoff.integrations[0]`), `kind` `'invalid'` and `message`;
 * or every error of a configuration that is not valid. Returns nothing when a browser may run it.
 */
export type BrowserRefusalFunction = (config: Config | HandoffConfig | string) => void;

/**
 * A `Retry-After` value in ms from `nowMs`, as the engine reads it: whole or decimal seconds
 * (`'120'`, `'1.5'`, rounded up to the ms) or an HTTP date (a past one is 0); `undefined` for
 * anything else (`'-5'`, `'soon'`, `''`, `null`). For code performing requests itself
 * (`HandoffHost` reports the header and the engine reads it).
 */
export type RetryAfterFunction = (value: string | null | undefined, nowMs: number) => number | undefined;

/** The secret references a helpdesk's webhooks are checked with (`webhook_secret_ref`, …). */
export type WebhookSecretRefsFunction = (config: HandoffConfig | string, integrationId: string) => string[];

/**
 * A helpdesk's webhook request (Zendesk, Intercom, Sunshine Conversations, Freshdesk), verified
 * with the resolved secrets at `nowMs` and read into the `helpdesk_event` inputs to `handle`
 * (`[]`: nothing to act on). Throws a `WebhookError` whose `kind` is `bad_signature` (answer 401),
 * `unknown_delivery` at `integration_id` (404), or another with the payload's `path` (422).
 */
export type ReadHelpdeskWebhookFunction = (
  config: HandoffConfig | string,
  integrationId: string,
  request: { headers: Record<string, string>; query?: string; body: string },
  secrets: Record<string, string | null | undefined>,
  nowMs: number,
) => Input[];

/**
 * Who may see an output, as the engine decides it (core's `Output::audience`): `customer` (the
 * customer, and agents and operators too: `message`, `agent_message`, `queued`, `assigned`,
 * `agent_left`, `collect_callback`, `callback_scheduled`, `closed`), `agents` (agents and
 * operators, never the customer: `handoff` and its context, `offered`, `offer_withdrawn`,
 * `agent_status`, `agent_note`, `customer_message`, `returned_to_ai`, `callback_requested`,
 * `event`) or `operators` (the outbox: `delivery`, `delivered`, `delivery_retry`,
 * `delivery_failed`, `webhook_disabled`). Operators see every output, agents all but the
 * operators', the customer only the customer's.
 */
export type Audience = 'customer' | 'agents' | 'operators';

/**
 * Who may see an output (an output, or its `type`), from the engine; `undefined` for a type it
 * does not write. @throws an `InputError` (path `output`) for anything but an object with a
 * text `type` or a text.
 */
export type AudienceFunction = (output: { type: string } | OutputType | string) => Audience | undefined;

/**
 * What `init()` resolves to (inject a stand-in with the same shape into `HandoffHost` in tests);
 * `E` is the engine its `Engine` makes (`host.engine`'s type).
 */
export interface EngineModule<E extends EngineLike = EngineLike> {
  Engine: {
    new (config: Config | HandoffConfig): E;
    restore(config: Config | HandoffConfig, state: string | State): E;
    /** With `takeChanges` on the engine and a record store: only changed records are written. */
    restoreRecords?(config: Config | HandoffConfig, records: RecordRow[]): E;
  };
  sign?: SignFunction;
  /** Used to prepare every delivery (with `secretRefs`): a host without them delivers nothing. */
  prepare: PrepareFunction;
  secretRefs: SecretRefsFunction;
  /** Called by a host in a browser before it starts (a browser host without it refuses to start). */
  browserRefusal?: BrowserRefusalFunction;
  /** Used by `HandoffHost.audienceOf` and for the `output` event's audience (without it: `undefined`). */
  audience?: AudienceFunction;
}

/** The part of `Engine` the host uses. */
export interface EngineLike {
  handle(input: Input, nowMs: number): Output[];
  state(): State | string;
  /** Used for persisting when present. */
  stateJson?(): string;
  /** Used (with a record store) to write only what each input changed. */
  takeChanges?(): RecordChange[];
  nextWakeup(): number | undefined | null;
  /** Used by `HandoffHost.query` (else `queryJson`); an engine with neither cannot answer queries. */
  query?(query: Query | string): unknown;
  queryJson?(query: string): string;
}

export interface InitOptions {
  /** A compiled module (edge runtimes: `import wasm from 'handoff-engine/handoff_wasm_bg.wasm'`). */
  module?: WebAssembly.Module;
  /** The wasm bytes. */
  bytes?: BufferSource;
  /** Where to fetch the wasm from. */
  url?: string | URL;
}

/**
 * Loads the engine once. Node reads the wasm next to the package; browsers and workers fetch it, or
 * take `{ module }`.
 */
export declare function init(options?: InitOptions): Promise<LoadedEngine>;

/** What the engine accepts at most, in UTF-8 bytes (core's `wire::limits`). */
export interface EngineLimits {
  /** One text field of an input (a message, a note): longer is refused (`kind` `too_large`). */
  text_bytes: number;
  /** A customer's attributes as JSON. */
  attributes_bytes: number;
  /** A header value a `delivery_result` reports. */
  header_value_bytes: number;
}

/** What `init()` resolves to: the engine class and the module's functions. */
export interface LoadedEngine {
  Engine: typeof Engine;
  sign: SignFunction;
  prepare: PrepareFunction;
  secretRefs: SecretRefsFunction;
  /** The response headers hosts report in `delivery_result.headers`: the ones the engine reads. */
  reportedHeaders: () => ReportedHeader[];
  browserRefusal: BrowserRefusalFunction;
  retryAfterMs: RetryAfterFunction;
  /** Who may see an output: `'customer'`, `'agents'` or `'operators'` (core decides). */
  audience: AudienceFunction;
  /** Every output type with its audience (core's `OUTPUT_AUDIENCES`), a fresh object each call. */
  outputAudiences: () => Record<OutputType, Audience>;
  /** What the engine accepts at most (core's `wire::limits`), to refuse before sending. */
  limits: () => EngineLimits;
  /** Helpdesk webhooks: the secrets to resolve (absent from the browsers' widget build). */
  webhookSecretRefs?: WebhookSecretRefsFunction;
  /** Helpdesk webhooks: verified and read into inputs (absent from the browsers' widget build). */
  readHelpdeskWebhook?: ReadHelpdeskWebhookFunction;
  /** Why the engine would or would not hand off, line by line. */
  explain: ExplainFunction;
}

export type { Engine };

/**
 * Why the engine would or would not hand off, line by line (core's `explain`): each customer
 * message and AI reply with its sentiment and the words that moved it, the request for a person,
 * the topic, and every trigger's verdict (`fires`, `close` with why not, `no`, `off`). @throws a
 * `ConfigError`, or an `InputError` whose `path` is under `request`.
 */
export type ExplainFunction = (
  config: Config | HandoffConfig | string,
  request: ExplainRequest | string,
) => Explanation;

/** `init().explain`, loading the engine first. */
export declare function explain(
  config: Config | HandoffConfig | string,
  request: ExplainRequest | string,
): Promise<Explanation>;

// ---------------------------------------------------------------------------------------------
// The driver
// ---------------------------------------------------------------------------------------------

/** One record of the state: `value` is its JSON text (`null` in a change set: removed). */
export interface RecordRow {
  kind: RecordKind;
  id: string;
  value: string;
}

/** What `engine.takeChanges()` lists: records written (`value` text) or removed (`value: null`). */
export interface RecordChange {
  kind: RecordKind;
  id: string;
  value: string | null;
}

/** The parts of the state a record holds. */
export type RecordKind = 'engine' | 'conversation' | 'agent' | 'outbox' | 'dead_letter' | 'chain';

/**
 * Where the host keeps the state. A record store (every store of this package) keeps one entry
 * per record and is written only what each input changed; `load`/`save` are the whole-state
 * interface of older versions (a whole state found by `load` is converted to records once).
 */
export interface StateStore {
  /** A whole state saved by an older version (or with `save`), or `null`. */
  load(): Promise<string | null>;
  save(json: string): Promise<void>;
  /** Every record held (any order), or `null` when there are none. */
  loadRecords?(): Promise<RecordRow[] | null>;
  /**
   * Writes a change set as one unit: each `value` written, each `null` removed.
   * `replacesState`: the records replace a whole state `load` returned, which is then deleted.
   */
  writeChanges?(changes: RecordChange[], options?: { replacesState?: boolean }): Promise<void>;
}

/** A store of records (every store of this package). */
export interface RecordStore extends StateStore {
  loadRecords(): Promise<RecordRow[] | null>;
  writeChanges(changes: RecordChange[], options?: { replacesState?: boolean }): Promise<void>;
}

/** In memory: tests, or a host that does not survive restarts anyway. */
export declare class MemoryStore implements RecordStore {
  /** `initial`: records (`rows()` of another store), or a whole state of an older version. */
  constructor(initial?: string | RecordRow[] | null);
  load(): Promise<string | null>;
  save(json: string): Promise<void>;
  loadRecords(): Promise<RecordRow[] | null>;
  writeChanges(changes: RecordChange[], options?: { replacesState?: boolean }): Promise<void>;
  /** Every record held, by key (copies). */
  rows(): RecordRow[];
}

/**
 * Browsers: one localStorage key per record, `${prefix}rec:<kind>:<id>`; a change set is logged
 * under `${prefix}changes` until applied. An older version's `${prefix}state` is converted once.
 */
export declare class LocalStorageStore implements RecordStore {
  constructor(prefix?: string, storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>);
  /** The key an older version kept the whole state under. */
  readonly key: string;
  load(): Promise<string | null>;
  save(json: string): Promise<void>;
  loadRecords(): Promise<RecordRow[] | null>;
  writeChanges(changes: RecordChange[], options?: { replacesState?: boolean }): Promise<void>;
}

/** The part of a Durable Object's `state.storage` the store uses. */
export interface DurableStorage {
  get(key: string): Promise<unknown>;
  put(key: string | Record<string, unknown>, value?: unknown): Promise<void>;
  delete?(key: string | string[]): Promise<unknown>;
  list?(options: { prefix: string }): Promise<Map<string, unknown>>;
}

/**
 * Edge workers: one Durable Object key per record, `${prefix}rec:<kind>:<id>` (chunked above 60,000
 * characters), each change set written as one atomic batch; an older version's whole state under
 * `key` is converted once.
 */
export declare class DurableObjectStore implements RecordStore {
  constructor(storage: DurableStorage, key?: string, options?: { prefix?: string });
  load(): Promise<string | null>;
  save(json: string): Promise<void>;
  loadRecords(): Promise<RecordRow[] | null>;
  writeChanges(changes: RecordChange[], options?: { replacesState?: boolean }): Promise<void>;
}

/** The host's clock: injectable for tests. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What one delivery attempt came to (reported to the engine as a `delivery_result`). */
export interface DeliveryAttemptResult {
  /** HTTP status; absent when no response came (then `error` says why). */
  status?: number;
  /** At most 64 KiB (`RESPONSE_BODY_LIMIT`) of the response body, cut at a character boundary. */
  body?: string;
  /** The response's rate-limit headers that were present (`REPORTED_HEADERS`), by lower-case
   * name, as they came: the engine reads `retry-after` and `x-ratelimit-reset` itself. */
  headers?: Partial<Record<ReportedHeader, string>>;
  /** Network error, timeout, or why the attempt was not sent (a credential not set, an unknown
   * auth scheme); names references, never secrets. */
  error?: string;
}

/** The response headers `HandoffHost` reports in `delivery_result.headers`. */
export type ReportedHeader = 'retry-after' | 'x-ratelimit-reset';

export interface DeliveryAttempt {
  delivery: DeliveryOutput;
  result: DeliveryAttemptResult;
  /** When the attempt started (the host clock, epoch ms). */
  started: number;
}

/** Every output but `delivery`, which the host performs itself. */
export type EmittedOutput = Exclude<Output, DeliveryOutput>;

/** `E`: the engine `wasm` makes (`Engine` unless a stand-in is injected). */
export interface HandoffHostOptions<E extends EngineLike = Engine> {
  /** The configuration. In a browser it may not hold webhook secrets (`secret_ref`) nor helpdesk
   * integrations (they carry credentials): `start()` rejects with the engine's `ConfigError`. */
  config: Config | HandoffConfig;
  /** The engine module (`await init()`); loaded with `init()` when left out. */
  wasm?: EngineModule<E>;
  /** Default: `MemoryStore`. */
  store?: StateStore;
  /** Resolves a reference (`secret_ref`, `token_ref`, `username_ref`, `password_ref`) to its value:
   * a `whsec_…` webhook secret, a helpdesk token or key (default: `process.env[ref]` where there is
   * one). Unset (`undefined`, `null`, `''`) fails the attempt with an error naming the reference. */
  secrets?: (ref: string) => string | undefined | null | Promise<string | undefined | null>;
  /** Default: the real clock. */
  clock?: Clock;
  /** Default: `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Timeout of one delivery attempt (default 15 000 ms). */
  timeoutMs?: number;
  /** Longest single timer (default and most: 2^31 - 1 ms); later wakeups are re-armed. */
  maxTimerMs?: number;
  /** `'browser'`: `start()` refuses webhook secrets and helpdesk integrations (the engine's
   * `browserRefusal`); default: a browser when `window` exists. */
  environment?: 'browser' | 'server';
  /** As `on('output', ...)`: the output and who may see it. */
  onOutput?: (output: EmittedOutput, audience: Audience | undefined) => void;
  onError?: (error: Error) => void;
  onDelivery?: (attempt: DeliveryAttempt) => void;
}

export interface HandoffHostEvents {
  output: EmittedOutput;
  delivery: DeliveryAttempt;
  error: Error;
}

/** The listener of each event: `output` listeners also get the output's audience (from the
 * engine's `audience`; `undefined` with an engine module that has none). */
export interface HandoffHostListeners {
  output: (output: EmittedOutput, audience: Audience | undefined) => void;
  delivery: (attempt: DeliveryAttempt) => void;
  error: (error: Error) => void;
}

/** The driver: keeps the clock, persists the state before performing outputs, performs deliveries
 * (webhooks signed, helpdesk requests with bearer or basic auth). */
export declare class HandoffHost<E extends EngineLike = Engine> {
  constructor(options: HandoffHostOptions<E>);
  /** `new HandoffHost(options)` then `start()`. */
  static create<E extends EngineLike = Engine>(options: HandoffHostOptions<E>): Promise<HandoffHost<E>>;
  /** Loads the engine and the persisted state, and arms the clock. */
  start(): Promise<this>;
  /** Handles one input at the clock's now; resolves to all its outputs (deliveries included). */
  handle(input: Input): Promise<Output[]>;
  /** Resolves when no input waits and no delivery is in flight. */
  idle(): Promise<void>;
  /** Clears the timer, aborts deliveries in flight, refuses further inputs. */
  close(): Promise<void>;
  on<K extends keyof HandoffHostEvents>(event: K, listener: HandoffHostListeners[K]): () => void;
  off<K extends keyof HandoffHostEvents>(event: K, listener: HandoffHostListeners[K]): void;
  /** Who may see an output (or an output type): `'customer'`, `'agents'` or `'operators'`, as the
   * engine decides; `undefined` for a type it does not write. Throws before `start()`. */
  audienceOf(output: { type: string } | OutputType | string): Audience | undefined;
  /** The answer to one query (starting the host first if needed), in line with the inputs: it sees
   * every input handed to `handle` before it. Read from the engine's indexes, never the whole
   * state; rejects with an `EngineError` (path `query...`) for a query the engine does not know. */
  query(query: ConversationQuery): Promise<Conversation | null>;
  query(query: HolderQuery): Promise<HolderAnswer | null>;
  query(query: MayActQuery): Promise<MayActAnswer>;
  query(query: QueueQuery): Promise<QueuePage>;
  query(query: AgentsQuery): Promise<AgentsAnswer>;
  query(query: GaugesQuery): Promise<Gauges>;
  query(query: DeadLettersQuery): Promise<DeadLetterPage>;
  query(query: ResolutionsQuery): Promise<ResolutionsAnswer>;
  query(query: CallbacksQuery): Promise<CallbackPage>;
  query(query: DisabledWebhooksQuery): Promise<DisabledWebhooksAnswer>;
  query(query: Query): Promise<QueryAnswers[QueryName]>;
  /** A query as JSON text: its answer, parsed. */
  query(query: string): Promise<unknown>;
  /** The engine's whole state (a copy of everything: prefer `query` for reads). */
  state(): State;
  nextWakeup(): number | undefined;
  /** The started engine (`engine.hours(now)`, `engine.query(...)`); throws before `start()`. */
  readonly engine: E;
  readonly store: StateStore;
  /** When the armed timer sends a tick (epoch ms), if one is armed. */
  readonly timerAt: number | undefined;
  readonly closed: boolean;
}

/** The response headers reported in `delivery_result.headers`, when present. */
export declare const REPORTED_HEADERS: readonly ReportedHeader[];
export declare const DEFAULT_TIMEOUT_MS: number;
export declare const MAX_TIMER_MS: number;
/** How much of a response body is reported (64 KiB: helpdesk ids are read from it). */
export declare const RESPONSE_BODY_LIMIT: number;
export declare const systemClock: Clock;

