// Type-checked, never run: by `npm run typecheck` (tsc --noEmit -p .) and, against the packed
// package installed in a fresh project, by test/types.package.test.mjs (which also compiles AND runs
// test/types.run.ts). The declarations must accept real uses and refuse wrong ones (every
// expect-error directive below must meet an error).

import {
  DurableObjectStore,
  Engine,
  EngineError,
  FileStore,
  HandoffHost,
  LocalStorageStore,
  MemoryStore,
  init,
  type Audience,
  type Config,
  type GaugesQuery,
  type Input,
  type Output,
  type Query,
  type QueryAnswer,
  type State,
  type StateStore,
} from 'handoff-engine';

export async function examples(storage: { get(k: string): Promise<unknown>; put(k: string, v: unknown): Promise<void> }) {
  // The specification's configuration, as written.
  const config: Config = {
    handoff: {
      enabled: true,
      triggers: {
        customer_request: true,
        sentiment_threshold: -0.5,
        max_exchanges: 10,
        low_confidence_threshold: 0.3,
        topics: ['billing_dispute', 'legal', 'complaint', { name: 'refund', keywords: ['refund*'], priority: 'urgent' }],
      },
      routing: { method: 'round_robin', fallback: 'queue', priority_boost_on_sentiment: true, skill_wait_seconds: null },
      messages: {
        handoff_initiated: "I'm connecting you with a team member who can help further.",
        waiting_for_agent: "Please hold while I find an available agent. You're {{position}} in queue.",
        agent_connected: "You're now connected with {{agent_name}}.",
      },
      business_hours: {
        timezone: 'Asia/Kolkata',
        schedule: {
          monday: { start: '09:00', end: '18:00' },
          saturday: [
            { start: '10:00', end: '12:00' },
            { start: '13:00', end: '14:00' },
          ],
          friday: { start: '22:00', end: '06:00', overnight: true },
        },
        holidays: ['2026-12-25', { date: '2026-01-26', name: 'Republic Day' }],
      },
      outside_hours: { action: 'collect_callback', message: 'We are offline.' },
      agents: [{ id: 'agent_1', name: 'Asha', skills: { billing: 5 }, max_concurrent: 3 }],
      webhooks: [
        { id: 'crm', url: 'https://hooks.example.com/handoff', events: ['conversation.handoff_requested'], secret_ref: 'HANDOFF_WEBHOOK_SECRET' },
      ],
    },
  };

  const inputs: Input[] = [
    { type: 'agent_update', agent: { id: 'agent_1', name: 'Asha', status: 'online' } },
    {
      type: 'customer_message',
      conversation_id: 'conv_1',
      text: 'I want to talk to a human',
      customer: { id: 'c1', name: 'Priya', email: 'p@example.com', attributes: { plan: 'pro' } },
      signals: { sentiment: -0.6, topic: 'billing_dispute', human_requested: true },
    },
    { type: 'ai_reply', conversation_id: 'conv_1', text: 'Let me check', confidence: 0.2, actions: ['looked up order'], resolved: false },
    { type: 'handoff_request', conversation_id: 'conv_1', source: 'widget_button' },
    { type: 'agent_accept', conversation_id: 'conv_1', agent_id: 'agent_1' },
    { type: 'agent_decline', conversation_id: 'conv_1', agent_id: 'agent_1', reason: 'busy' },
    { type: 'agent_message', conversation_id: 'conv_1', agent_id: 'agent_1', text: 'Hi' },
    { type: 'callback_details', conversation_id: 'conv_1', name: 'Priya', phone: '+91 98', preferred_time: 'evening' },
    { type: 'conversation_closed', conversation_id: 'conv_1', by: 'agent' },
    { type: 'delivery_result', delivery_id: 'msg_1', status: 503, retry_after_ms: 1000, body: 'busy' },
    { type: 'delivery_result', delivery_id: 'msg_1', error: 'ECONNREFUSED' },
    { type: 'redrive_delivery', delivery_id: 'msg_1' },
    { type: 'enable_webhook', webhook_id: 'crm' },
    { type: 'tick' },
    // After the handoff: a private note, a transfer (cold or warm; to an agent, a skill, the queue), the hand-back.
    { type: 'agent_note', conversation_id: 'conv_1', agent_id: 'agent_1', text: 'VIP: refund approved' },
    { type: 'transfer', conversation_id: 'conv_1', agent_id: 'agent_1', to: { agent: 'agent_2' }, mode: 'warm', note: 'billing' },
    { type: 'transfer', conversation_id: 'conv_1', by: 'admin', to: { skill: 'billing' } },
    { type: 'transfer', conversation_id: 'conv_1', agent_id: 'agent_1', to: { queue: true }, mode: 'cold' },
    { type: 'return_to_ai', conversation_id: 'conv_1', agent_id: 'agent_1', note: 'refund done' },
    { type: 'return_to_ai', conversation_id: 'conv_1', agent_id: 'agent_1' },
    // Resolve (by the holder or an admin), the wrap-up's end, the customer's rating.
    { type: 'resolve', conversation_id: 'conv_1', agent_id: 'agent_1', outcome: 'solved', note: 'refunded' },
    { type: 'resolve', conversation_id: 'conv_1', by: 'admin', outcome: 'spam' },
    { type: 'wrap_up_done', conversation_id: 'conv_1', agent_id: 'agent_1' },
    { type: 'csat', conversation_id: 'conv_1', score: 5, comment: 'quick' },
  ];
  // @ts-expect-error: a resolve names its outcome
  const noOutcome: Input = { type: 'resolve', conversation_id: 'c', agent_id: 'a' };
  // @ts-expect-error: a rating is a number
  const wordScore: Input = { type: 'csat', conversation_id: 'c', score: 'five' };
  void noOutcome;
  void wordScore;
  // @ts-expect-error: a transfer names where it goes
  const noTarget: Input = { type: 'transfer', conversation_id: 'c', agent_id: 'a' };
  // @ts-expect-error: a transfer is cold or warm
  const badMode: Input = { type: 'transfer', conversation_id: 'c', agent_id: 'a', to: { queue: true }, mode: 'lukewarm' };
  // @ts-expect-error: a note needs its text
  const emptyNote: Input = { type: 'agent_note', conversation_id: 'c', agent_id: 'a' };
  void noTarget;
  void badMode;
  void emptyNote;

  // @ts-expect-error: an unknown input type
  const bad: Input = { type: 'custmer_message', conversation_id: 'c', text: 'x' };
  // @ts-expect-error: inline secrets are refused
  const badHook: Config = { handoff: { webhooks: [{ url: 'https://x', secret: 'whsec_x' }] } };
  // @ts-expect-error: not a routing method
  const badMethod: Config = { handoff: { routing: { method: 'round_robbin' } } };
  // Helpdesks, told apart by `kind`; credentials by reference only.
  const helpdesks: Config = {
    handoff: {
      integrations: [
        { kind: 'zendesk', subdomain: 'acme', email: 'bot@acme.com', api_token_ref: 'ZENDESK_API_TOKEN', priority_map: { urgent: 'high' } },
        { kind: 'freshdesk', domain: 'acme', api_key_ref: 'FRESHDESK_API_KEY', source: 7, close_status: null },
        { kind: 'intercom', access_token_ref: 'INTERCOM_TOKEN', admin_id: 814860, team_id: '5017691' },
        { kind: 'webhook', url: 'https://hooks.example.com/h', secret_ref: 'HOOK_SECRET', enabled: false },
      ],
    },
  };
  // @ts-expect-error: an inline API key is refused
  const badVendor: Config = { handoff: { integrations: [{ kind: 'freshdesk', api_key: 'k', api_key_ref: 'K' }] } };
  // @ts-expect-error: not a kind of integration
  const badKind: Config = { handoff: { integrations: [{ kind: 'zendesck' }] } };
  // @ts-expect-error: Intercom needs the admin it acts as
  const noAdmin: Config = { handoff: { integrations: [{ kind: 'intercom', access_token_ref: 'T', team_id: 1 }] } };
  void bad;
  void badHook;
  void badMethod;
  void helpdesks;
  void badVendor;
  void badKind;
  void noAdmin;

  const { Engine: E, sign } = await init();
  const engine: Engine = new E(config);
  const outputs: Output[] = engine.handle(inputs[1]!, Date.now());
  for (const o of outputs) {
    switch (o.type) {
      case 'message':
        o.text.toUpperCase();
        break;
      case 'handoff':
        o.context.sentiment.trend satisfies 'worsening' | 'improving' | 'steady';
        o.triggers.map((t) => t.trigger);
        break;
      case 'queued':
        o.position.toFixed();
        break;
      case 'delivery':
        if (o.auth.scheme === 'standard_webhooks') sign('whsec_x', o.delivery_id, 1, o.body).startsWith('v1,');
        break;
      case 'delivery_retry':
        o.at.toFixed();
        break;
      case 'event':
        if (o.event.event === "conversation.assigned") o.event.data.wait_seconds.toFixed();
        break;
      case 'agent_message':
        `${o.agent_name}: ${o.text}`.toUpperCase();
        break;
      case 'agent_note':
        o.text.toUpperCase();
        break;
      case 'customer_message':
        // null while it waits in the queue
        o.agent_id?.toUpperCase();
        o.text.toUpperCase();
        break;
      case 'returned_to_ai':
        o.note?.toUpperCase();
        o.agent_id.toUpperCase();
        break;
      case 'offered':
        if (o.transfer) `${o.transfer.from_agent_id} ${o.transfer.mode} ${o.transfer.note ?? ''}`.length;
        break;
      case 'agent_left':
        o.reason.toUpperCase();
        break;
      case 'resolved':
        `${o.agent_id} ${o.by} ${o.outcome} ${o.note ?? ''}`.length;
        o.reopen_until.toFixed();
        break;
      case 'wrap_up_started':
        o.until.toFixed();
        break;
      case 'wrap_up_ended':
        o.reason.toUpperCase();
        break;
      case 'reopened':
        o.to.toUpperCase();
        o.agent_id?.toUpperCase();
        o.context?.history.length;
        break;
      case 'csat_recorded':
        o.score.toFixed();
        o.comment?.toUpperCase();
        break;
      default:
        break;
    }
  }
  const state: State = engine.state();
  Object.values(state.dead_letters).map((d) => d.delivery.url);
  E.restore(config, JSON.stringify(state)).nextWakeup();
  // @ts-expect-error: \`Engine\` is a type only: the class comes from init() (the package exports no \`Engine\`)
  new Engine(config);
  // @ts-expect-error: the same for its static functions
  Engine.restore(config, JSON.stringify(state));
  try {
    engine.handle(inputs[0]!, Date.now());
  } catch (error) {
    if (error instanceof EngineError) {
      const where: string | null = error.path;
      if (error.kind === 'too_large') where?.toUpperCase();
      // @ts-expect-error: not an error kind
      if (error.kind === 'to_large') return;
    }
  }
  // Closed sets are literal unions, not \`string\`.
  for (const o of outputs) {
    if (o.type === 'collect_callback') {
      o.reason satisfies 'outside_hours' | 'no_agent_available' | 'queue_full';
      o.fields.map((f) => f satisfies 'name' | 'phone' | 'email' | 'preferred_time');
      // @ts-expect-error: not a reason the engine gives
      if (o.reason === 'closed_for_lunch') return;
    }
    if (o.type === 'offer_withdrawn') o.reason satisfies 'declined' | 'expired' | 'agent_unavailable' | 'closed';
    if (o.type === 'wrap_up_ended') o.reason satisfies 'done' | 'expired' | 'reopened' | 'closed';
    if (o.type === 'reopened') o.to satisfies 'ai' | 'last_agent' | 'queue';
    if (o.type === 'message') {
      // @ts-expect-error: not a message template
      if (o.template === 'waiting_for_agnet') return;
    }
    if (o.type === 'handoff') o.context.summary_source satisfies 'ai' | 'extractive';
  }

  const stores: StateStore[] = [
    new MemoryStore(),
    new LocalStorageStore('widget:'),
    new DurableObjectStore(storage),
    new FileStore('/var/lib/handoff/state.json'),
  ];
  const host: HandoffHost = await HandoffHost.create({
    config,
    store: stores[3],
    secrets: (ref) => ({ HANDOFF_WEBHOOK_SECRET: 'whsec_x' })[ref],
    timeoutMs: 10_000,
    onOutput: (o, audience) => {
      // @ts-expect-error: deliveries are performed by the host, not emitted
      if (o.type === 'delivery') return;
      if (audience === 'customer' && o.type === 'agent_message') o.agent_name.toUpperCase();
    },
  });
  // Who may see each output, as the engine decides.
  host.on('output', (o, audience) => {
    const shown: Audience | undefined = audience;
    if (shown === 'agents' && o.type === 'agent_note') o.text.toUpperCase();
    // @ts-expect-error: not an audience
    if (audience === 'customers') return;
  });
  const side: Audience | undefined = host.audienceOf({ type: 'agent_note' });
  host.audienceOf('customer_message');
  void side;
  const off = host.on('delivery', ({ delivery, result }) => `${delivery.delivery_id} ${result.status ?? result.error}`);
  off();
  host.on('error', (e) => e.message);
  await host.handle({ type: 'tick' });
  await host.idle();
  host.state().outbox;

  // Queries: each answer typed by its kind.
  const page = await host.query({ query: 'queue', offset: 0, limit: 50 });
  page.queue.map((e) => `${e.position} ${e.conversation_id} ${e.priority ?? ''} ${e.status ?? ''}`);
  page.total.toFixed();
  const gauges = await host.query({ query: 'gauges' });
  gauges.queue_length.toFixed();
  const conversation = await host.query({ query: 'conversation', conversation_id: 'conv_1' });
  conversation?.history.map((h) => h.text);
  if (conversation?.status === 'assigned') conversation.agent_id.toUpperCase();
  const holder = await host.query({ query: 'holder', conversation_id: 'conv_1' });
  holder?.agent_id?.toUpperCase();
  const may = await host.query({ query: 'may_act', agent_id: 'agent_1', conversation_id: 'conv_1', needs: 'assigned' });
  if (!may.allowed) may.reason.toUpperCase();
  (await host.query({ query: 'agents' })).agents.map((a) => a.active.length);
  (await host.query({ query: 'dead_letters', limit: 10 })).dead_letters.map((d) => d.reason);
  const resolutions = await host.query({ query: 'resolutions' });
  Object.entries(resolutions.by_outcome).map(([outcome, n]) => `${outcome} ${n}`);
  resolutions.csat_score_sum / Math.max(1, resolutions.csat_responses);
  (await host.query({ query: 'callbacks' })).callbacks.map((c) => `${c.at} ${c.customer?.name ?? ''} ${c.callback?.phone ?? ''}`);
  (await host.query({ query: 'disabled_webhooks' })).disabled_webhooks.map((w) => w.reason);
  page.queue.map((e) => `${e.topic ?? ''} ${e.trigger ?? ''}`);
  const anyQuery: Query = { query: 'holder', conversation_id: 'conv_1' };
  await host.query(anyQuery);
  const answer: QueryAnswer<GaugesQuery> = engine.query({ query: 'gauges' });
  answer.dead_letters.toFixed();
  engine.queryJson('{"query":"gauges"}').length;
  await host.query('{"query":"gauges"}');
  // @ts-expect-error: not a query
  await host.query({ query: 'qeue' });
  // @ts-expect-error: a misspelt field
  await host.query({ query: 'queue', limt: 5 });
  // @ts-expect-error: needs is one of offered, assigned, offered_or_assigned
  await host.query({ query: 'may_act', agent_id: 'a', conversation_id: 'c', needs: 'held' });
  // @ts-expect-error: a gauge answer has no queue
  (await host.query({ query: 'gauges' })).queue;
  const module = await init();
  const wait: number | undefined = module.retryAfterMs('120', Date.now());
  module.retryAfterMs(null, Date.now());
  // @ts-expect-error: a header's value is text
  module.retryAfterMs(120, Date.now());
  void wait;
  module.browserRefusal(config);
  const who: Audience | undefined = module.audience({ type: 'returned_to_ai' });
  module.audience('agent_message');
  const table = module.outputAudiences();
  table.agent_note satisfies Audience;
  // @ts-expect-error: every output type is in the table; this is not one
  table.telepathy;
  void who;
  module.browserRefusal('{"handoff": {}}');
  // host.engine is the engine itself, not the shape a test double needs.
  const open: boolean | undefined = host.engine.hours(Date.now())?.open;
  host.engine.queryJson('{"query":"gauges"}').length;
  void open;
  await host.close();
}

// Records: stores and the engine's change sets.
async function recordTypes(engine: import('handoff-engine').Engine, store: import('handoff-engine').RecordStore) {
  const changes: import('handoff-engine').RecordChange[] = engine.takeChanges();
  await store.writeChanges(changes);
  const rows = await store.loadRecords();
  if (rows) {
    const kind: import('handoff-engine').RecordKind = rows[0].kind;
    void kind;
  }
  const memory = new (await import('handoff-engine')).MemoryStore([{ kind: 'engine', id: 'engine', value: '{}' }]);
  void memory.rows();
}
void recordTypes;
