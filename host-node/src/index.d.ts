// Type declarations of handoff-engine: the configuration, the wasm `Engine`, the `HandoffHost`
// driver and the queries. The data types (inputs, outputs, the state, webhook events) are
// generated from handoff-core's wire types into wire.d.ts (`cargo xtask schema`) and re-exported
// here; the configuration is still hand-written from handoff-core's config/, and the queries from
// query.rs: keep those in step.

import type {
  AgentState,
  Conversation,
  ConversationStatus,
  DeadLetter,
  DeliveryOutput,
  ErrorKind,
  EventName,
  Input,
  OutboxEntryState,
  Output,
  PathError,
  Priority,
  SentimentSummary,
  State,
  TriggerHit,
} from './wire.js';

export type * from './wire.js';

// ---------------------------------------------------------------------------------------------
// Configuration: the `handoff` object
// ---------------------------------------------------------------------------------------------

/** The configuration: `{"handoff": {...}}` (the bare `handoff` object is accepted too). */
export interface Config {
  handoff: HandoffConfig;
}

/** `handoff`. Everything is optional: `{}` is a working configuration. */
export interface HandoffConfig {
  /** `false` turns handoff off entirely (default `true`). */
  enabled?: boolean;
  triggers?: TriggersConfig;
  routing?: RoutingConfig;
  messages?: MessagesConfig;
  /** When people are on duty; absent means always open. */
  business_hours?: BusinessHoursConfig;
  outside_hours?: OutsideHoursConfig;
  /** Known agents. */
  agents?: AgentConfig[];
  /** Endpoints told about handoff events. */
  webhooks?: WebhookConfig[];
  /** Helpdesks told about handoffs (Zendesk, Freshdesk, Intercom) and custom webhooks. Keep them
   * out of a browser's configuration: they belong to the backend or edge worker that holds the
   * credentials. */
  integrations?: IntegrationConfig[];
  /** How deliveries are retried. */
  deliveries?: DeliveriesConfig;
}

/** `handoff.deliveries`. */
export interface DeliveriesConfig {
  /** Seconds to wait after the 1st, 2nd, ... failed attempt (1 to 86400 each, 1 to 9 of them; the
   * last one repeats). Default: the Standard Webhooks schedule 5, 300, 1800, 7200, 18000, 36000,
   * 50400, 72000, 86400. */
  retry_schedule_seconds?: number[];
}

/** `handoff.triggers`: when a conversation goes to a person. */
export interface TriggersConfig {
  /** Hand off when the customer asks for a person (default `true`). */
  customer_request?: boolean;
  /** From -1 to 1 (default -0.5); `null` turns it off. */
  sentiment_threshold?: number | null;
  /** Messages averaged for the trend, 1..50 (default 3). */
  sentiment_window?: number;
  /** Unresolved exchanges before a handoff, 1..10000 (default 10); `null` turns it off. */
  max_exchanges?: number | null;
  /** From 0 to 1 (default 0.3); `null` turns it off. */
  low_confidence_threshold?: number | null;
  /** Low-confidence replies in a row, 1..100 (default 1). */
  low_confidence_consecutive?: number;
  /** Sensitive topics: known names (`"billing_dispute"`) or rules with keywords. */
  topics?: Array<string | TopicConfig>;
}

/** A sensitive topic with its own keywords (`*` at the end of a keyword matches any ending). */
export interface TopicConfig {
  name: string;
  /** Keywords that detect it; known names have built-in ones. */
  keywords?: string[];
  /** The priority this topic sets at least. */
  priority?: Priority;
}

export type RoutingMethod = 'round_robin' | 'skill_based' | 'load_based';
export type RoutingFallback = 'queue' | 'callback' | 'none';

/** `handoff.routing`: who takes it. */
export interface RoutingConfig {
  /** Default `round_robin`. */
  method?: RoutingMethod;
  /** When nobody is free (default `queue`). */
  fallback?: RoutingFallback;
  /** Negative sentiment raises priority one level (default `true`). */
  priority_boost_on_sentiment?: boolean;
  /** The agents that may be chosen, in round-robin order (default: every known agent). */
  agent_pool?: string[];
  /** Skill -> agent ids (`skill_based`). */
  skills?: Record<string, string[]>;
  /** Topic -> skill, where names differ. */
  topic_skills?: Record<string, string>;
  /** Most conversations per agent, offers included, 1..1000 (default 5). */
  max_concurrent_per_agent?: number;
  /** `skill_based`: seconds to wait for the skill before any agent will do (default 60); `null` waits forever. */
  skill_wait_seconds?: number | null;
  /** Seconds an agent has to accept an offer, 5..86400 (default 60). */
  offer_timeout_seconds?: number;
  /** Assign without the offer/accept step (default `false`). */
  auto_accept?: boolean;
  /** An agent who lets an offer lapse is set `away` (default `true`). */
  away_after_missed_offer?: boolean;
  /** Most conversations waiting at once (default: no limit). */
  max_queue_length?: number;
  /**
   * When the queue moves, only customers now at positions up to this are told their new one,
   * 0..4294967295 (default 10; 0: nobody). Joining, asking again, and writing while waiting after
   * a change are always answered with the position.
   */
  announce_positions_up_to?: number;
}

/** `handoff.messages`: templates with `{{placeholders}}`. */
export interface MessagesConfig {
  /** Placeholders: `customer_name`, `conversation_id`. */
  handoff_initiated?: string;
  /** Placeholders: `position`, `queue_length`, `customer_name`, `conversation_id`. */
  waiting_for_agent?: string;
  /** Placeholders: `position`, `queue_length`, `customer_name`, `conversation_id`. */
  queue_position_changed?: string;
  /** Placeholders: `agent_name`, `customer_name`, `conversation_id`. */
  agent_connected?: string;
  /** Placeholders: `next_opening`, `customer_name`, `conversation_id`. */
  outside_hours?: string;
  /** Placeholders: `callback_time`, `next_opening`, `customer_name`, `conversation_id`. */
  callback_confirmed?: string;
  /** Placeholders: `next_opening`, `customer_name`, `conversation_id`. */
  no_agent_available?: string;
  /** Placeholders: `next_opening`, `customer_name`, `conversation_id`. */
  queue_full?: string;
}

export type Weekday = 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';

/** One opening window in local time: `[start, end)`, `"HH:MM"`; `"24:00"` ends at midnight. */
export interface WindowConfig {
  start: string;
  end: string;
  /** Needed when `end` is at or before `start`: the window ends the next day. */
  overnight?: boolean | null;
}

/** A closed local date: `"2026-12-25"` or `{ date, name }`. */
export type HolidayConfig = string | { date: string; name?: string | null };

/** `handoff.business_hours`. */
export interface BusinessHoursConfig {
  /** An IANA time zone (`Asia/Kolkata`). */
  timezone: string;
  /** Weekday -> window or windows; days left out are closed. */
  schedule: Partial<Record<Weekday, WindowConfig | WindowConfig[]>>;
  holidays?: HolidayConfig[] | null;
  /** Alias of `holidays`. */
  closed_dates?: HolidayConfig[] | null;
}

/** `handoff.outside_hours`. */
export interface OutsideHoursConfig {
  /** Default `collect_callback`. */
  action?: 'collect_callback' | 'queue' | 'message';
  /** The `outside_hours` message, unless `handoff.messages.outside_hours` is set. */
  message?: string;
}

/** `handoff.agents[]`. */
export interface AgentConfig {
  id: string;
  /** Shown to customers (`{{agent_name}}`); defaults to the id. */
  name?: string;
  /** Skills, or skill -> proficiency 1..10. */
  skills?: string[] | Record<string, number>;
  /** This agent's own capacity, 0..1000. */
  max_concurrent?: number;
}

/** `handoff.webhooks[]`. Secrets are never inline: `secret_ref` names where the host finds one. */
export interface WebhookConfig {
  /** Default `webhook_<index>`. */
  id?: string;
  /** `http://` or `https://`. */
  url: string;
  /** Events sent there; empty or absent means all. */
  events?: EventName[];
  /** Environment variable or worker secret holding the `whsec_…` secret. */
  secret_ref?: string;
  /** Refused: use `secret_ref`. */
  secret?: never;
}

/** `handoff.integrations[]`. Credentials are references only (`*_ref`: an environment variable
 * or worker secret); an inline `api_token`, `api_key`, `access_token`, `password`, `token` or
 * `secret` is refused. */
export type IntegrationConfig =
  | ZendeskIntegration
  | FreshdeskIntegration
  | IntercomIntegration
  | WebhookIntegration;

interface IntegrationCommon {
  /** Default: the kind (`zendesk`); unique across webhooks and integrations. */
  id?: string;
  /** `false` sends nothing new (dead letters can still be re-driven). Default `true`. */
  enabled?: boolean;
}

/** Zendesk Support: a ticket per handoff, updated on queued/assigned/callback/closed. */
export interface ZendeskIntegration extends IntegrationCommon {
  kind: 'zendesk';
  /** `https://{subdomain}.zendesk.com`; or give `base_url`. */
  subdomain?: string;
  base_url?: string;
  /** With `api_token_ref`: basic auth as `{email}/token`. */
  email?: string;
  api_token_ref?: string;
  /** Instead of email + API token: an OAuth access token (bearer). */
  oauth_token_ref?: string;
  group_id?: number;
  assignee_id?: number;
  /** Added to every ticket, besides `handoff`, the trigger and the topic. */
  tags?: string[];
  type?: 'problem' | 'incident' | 'question' | 'task';
  /** Our priority -> Zendesk's (default: the same names). */
  priority_map?: Partial<Record<Priority, 'low' | 'normal' | 'high' | 'urgent'>>;
  /** Our agent id -> Zendesk user id (sets `assignee_id` on assignment). */
  agent_map?: Record<string, number>;
  /** Status when the conversation closes (default `solved`; `null` leaves it). */
  close_status?: 'open' | 'pending' | 'hold' | 'solved' | null;
  /** Zendesk messaging pass-control, for conversations whose customer has
   * `attributes.sunshine_conversation_id`. */
  sunshine?: { app_id: string; key_id: string; key_secret_ref: string; switchboard_integration?: string };
}

/** Freshdesk: a ticket per handoff with private notes as it goes on. */
export interface FreshdeskIntegration extends IntegrationCommon {
  kind: 'freshdesk';
  /** `https://{domain}.freshdesk.com`; or give `base_url`. */
  domain?: string;
  base_url?: string;
  /** The API key (basic auth user name; the password is `X`). */
  api_key_ref: string;
  group_id?: number;
  responder_id?: number;
  tags?: string[];
  type?: string;
  /** 1 Email, 2 Portal, 3 Phone, 7 Chat (default), 9 Feedback widget, 10 Outbound email. */
  source?: 1 | 2 | 3 | 7 | 9 | 10;
  /** Our priority -> 1 Low, 2 Medium, 3 High, 4 Urgent (default low 1, normal 2, high 3, urgent 4). */
  priority_map?: Partial<Record<Priority, 1 | 2 | 3 | 4>>;
  /** Our agent id -> Freshdesk agent id (sets `responder_id` on assignment). */
  agent_map?: Record<string, number>;
  /** Status code when the conversation closes (default 4 Resolved; `null` leaves it). */
  close_status?: 2 | 3 | 4 | 5 | null;
}

/** Intercom: the conversation handed to a team or admin with a note carrying the context. The
 * conversation is the customer's `attributes.intercom_conversation_id`, or one created from
 * `attributes.intercom_contact_id` or a new contact. */
export interface IntercomIntegration extends IntegrationCommon {
  kind: 'intercom';
  /** `us` (default), `eu` or `au`; or give `base_url`. */
  region?: 'us' | 'eu' | 'au';
  base_url?: string;
  access_token_ref: string;
  /** `Intercom-Version` (default `2.14`). */
  version?: string;
  /** The admin the engine acts as. */
  admin_id: string | number;
  /** Hand to this team, or to `assignee_id` (an admin). */
  team_id?: string | number;
  assignee_id?: string | number;
  /** Our agent id -> Intercom admin id (reassigns on assignment). */
  agent_map?: Record<string, string | number>;
  /** Close the Intercom conversation when ours closes (default `true`). */
  close_on_close?: boolean;
}

/** The same as a `handoff.webhooks[]` entry. */
export interface WebhookIntegration extends IntegrationCommon, WebhookConfig {
  kind: 'webhook';
}

// ---------------------------------------------------------------------------------------------
// Names over the generated types (wire.d.ts)
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Queries: reads answered from the engine's indexes, never by copying the whole state
// ---------------------------------------------------------------------------------------------

/** One open conversation as the state holds it. Answer: `Conversation | null`. */
export interface ConversationQuery {
  query: 'conversation';
  conversation_id: string;
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

/** Something a host asks the engine (`engine.query`, `HandoffHost.query`). */
export type Query =
  | ConversationQuery
  | HolderQuery
  | MayActQuery
  | QueueQuery
  | AgentsQuery
  | GaugesQuery
  | DeadLettersQuery;

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

/** The answer to each kind of query. */
export interface QueryAnswers {
  conversation: Conversation | null;
  holder: HolderAnswer | null;
  may_act: MayActAnswer;
  queue: QueuePage;
  agents: AgentsAnswer;
  gauges: Gauges;
  dead_letters: DeadLetterPage;
}

/** The answer to query `Q`: `QueryAnswer<{query: 'gauges'}>` is `Gauges`. */
export type QueryAnswer<Q extends Query> = QueryAnswers[Q['query']];

// ---------------------------------------------------------------------------------------------
// The engine (wasm)
// ---------------------------------------------------------------------------------------------

/** One problem, as the engine reports it: the generated `PathError` (`{path, kind, message, value?}`). */
export type ErrorDetail = PathError;

/** What the engine throws: an `Error` whose message names the path. */
export interface EngineError extends Error {
  name: 'InputError' | 'ConfigError' | 'RestoreError' | 'SigningError' | 'Error';
  /** The first error's path. */
  path: string | null;
  /** The first error's kind. */
  kind: ErrorKind | null;
  /** The first error's offending value as compact JSON, when there is one. */
  value?: string;
  /** Every error of a configuration, otherwise one. */
  errors: ErrorDetail[] | null;
}

/** Business hours at an instant. */
export interface HoursStatus {
  open: boolean;
  /** Epoch ms. */
  next_opening: number | null;
  /** Epoch ms. */
  next_closing: number | null;
}

/** The engine: deterministic, no I/O; every call is synchronous and throws an `EngineError`. */
export declare class Engine {
  /** A configuration object or its JSON text. Throws a `ConfigError` listing every problem. */
  constructor(config: Config | HandoffConfig | string);
  /** Continues from a persisted state (`state()` or `stateJson()`). Throws a `RestoreError` (`state.version`…). */
  static restore(config: Config | HandoffConfig | string, state: string | State): Engine;
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

/** What `init()` resolves to (inject a stand-in with the same shape into `HandoffHost` in tests). */
export interface EngineModule {
  Engine: {
    new (config: Config | HandoffConfig): EngineLike;
    restore(config: Config | HandoffConfig, state: string | State): EngineLike;
  };
  sign?: SignFunction;
  /** Used to prepare every delivery (with `secretRefs`): a host without them delivers nothing. */
  prepare: PrepareFunction;
  secretRefs: SecretRefsFunction;
}

/** The part of `Engine` the host uses. */
export interface EngineLike {
  handle(input: Input, nowMs: number): Output[];
  state(): State | string;
  /** Used for persisting when present. */
  stateJson?(): string;
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
export declare function init(options?: InitOptions): Promise<{
  Engine: typeof Engine;
  sign: SignFunction;
  prepare: PrepareFunction;
  secretRefs: SecretRefsFunction;
  /** The response headers hosts report in `delivery_result.headers`: the ones the engine reads. */
  reportedHeaders: () => ReportedHeader[];
}>;

// ---------------------------------------------------------------------------------------------
// The driver
// ---------------------------------------------------------------------------------------------

/** Where the host keeps the state (one JSON text). */
export interface StateStore {
  /** The saved state, or `null` when nothing was saved yet. */
  load(): Promise<string | null>;
  save(json: string): Promise<void>;
}

export declare class MemoryStore implements StateStore {
  constructor(initial?: string | null);
  load(): Promise<string | null>;
  save(json: string): Promise<void>;
}

/** Browsers: the state under `${prefix}state` in localStorage. */
export declare class LocalStorageStore implements StateStore {
  constructor(prefix?: string, storage?: Pick<Storage, 'getItem' | 'setItem'>);
  readonly key: string;
  load(): Promise<string | null>;
  save(json: string): Promise<void>;
}

/** The part of a Durable Object's `state.storage` the store uses. */
export interface DurableStorage {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
  delete?(key: string): Promise<unknown>;
}

/** Edge workers: the state in a Durable Object's storage (chunked under its 128 KiB value limit). */
export declare class DurableObjectStore implements StateStore {
  constructor(storage: DurableStorage, key?: string);
  load(): Promise<string | null>;
  save(json: string): Promise<void>;
}

/** Node only: the state in a file, replaced atomically (temporary file, fsync, rename). */
export declare class FileStore implements StateStore {
  constructor(path: string);
  readonly path: string;
  load(): Promise<string | null>;
  save(json: string): Promise<void>;
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

export interface HandoffHostOptions {
  /** The configuration. In a browser it may not hold webhook secrets (`secret_ref`) nor any
   * `integrations` (they all carry credentials). */
  config: Config | HandoffConfig;
  /** The engine module (`await init()`); loaded with `init()` when left out. */
  wasm?: EngineModule;
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
  /** `'browser'` refuses webhook secrets and integrations; default: a browser when `window` exists. */
  environment?: 'browser' | 'server';
  onOutput?: (output: EmittedOutput) => void;
  onError?: (error: Error) => void;
  onDelivery?: (attempt: DeliveryAttempt) => void;
}

export interface HandoffHostEvents {
  output: EmittedOutput;
  delivery: DeliveryAttempt;
  error: Error;
}

/** The driver: keeps the clock, persists the state before performing outputs, performs deliveries
 * (webhooks signed, helpdesk requests with bearer or basic auth). */
export declare class HandoffHost {
  constructor(options: HandoffHostOptions);
  /** `new HandoffHost(options)` then `start()`. */
  static create(options: HandoffHostOptions): Promise<HandoffHost>;
  /** Loads the engine and the persisted state, and arms the clock. */
  start(): Promise<this>;
  /** Handles one input at the clock's now; resolves to all its outputs (deliveries included). */
  handle(input: Input): Promise<Output[]>;
  /** Resolves when no input waits and no delivery is in flight. */
  idle(): Promise<void>;
  /** Clears the timer, aborts deliveries in flight, refuses further inputs. */
  close(): Promise<void>;
  on<K extends keyof HandoffHostEvents>(event: K, listener: (value: HandoffHostEvents[K]) => void): () => void;
  off<K extends keyof HandoffHostEvents>(event: K, listener: (value: HandoffHostEvents[K]) => void): void;
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
  query(query: Query): Promise<QueryAnswers[QueryName]>;
  /** A query as JSON text: its answer, parsed. */
  query(query: string): Promise<unknown>;
  /** The engine's whole state (a copy of everything: prefer `query` for reads). */
  state(): State;
  nextWakeup(): number | undefined;
  readonly engine: EngineLike;
  readonly store: StateStore;
  /** When the armed timer sends a tick (epoch ms), if one is armed. */
  readonly timerAt: number | undefined;
  readonly closed: boolean;
}

export declare const BROWSER_SECRETS_ERROR: string;
/** Why a browser refuses `handoff.integrations` (thrown after the path: `handoff.integrations[0] ("zendesk"): …`). */
export declare const BROWSER_INTEGRATIONS_ERROR: string;
/** The response headers reported in `delivery_result.headers`, when present. */
export declare const REPORTED_HEADERS: readonly ReportedHeader[];
export declare const DEFAULT_TIMEOUT_MS: number;
export declare const MAX_TIMER_MS: number;
/** How much of a response body is reported (64 KiB: helpdesk ids are read from it). */
export declare const RESPONSE_BODY_LIMIT: number;
export declare const systemClock: Clock;
/** `Retry-After` (seconds or an HTTP date) in ms from `nowMs`: a helper for code performing
 * requests itself (`HandoffHost` reports the header and the engine reads it). */
export declare function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined;

