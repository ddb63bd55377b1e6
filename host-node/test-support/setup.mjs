// Shared bits of the driver's tests.

/** A Standard Webhooks secret (the specification's test vector secret). */
export const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
export const SECRET_REF = 'HANDOFF_TEST_SECRET';

/** Resolves only SECRET_REF, as `(ref) => process.env[ref]` would. */
export function secrets(ref) {
  return ref === SECRET_REF ? SECRET : undefined;
}

/** A configuration with one webhook, signed, subscribed to handoff requests only. */
export function webhookConfig(url, { signed = true, id = 'crm' } = {}) {
  const hook = { id, url, events: ['conversation.handoff_requested'] };
  if (signed) hook.secret_ref = SECRET_REF;
  return { handoff: { webhooks: [hook] } };
}

/** A customer asking for a person. */
export function ask(conversationId = 'conv_1') {
  return { type: 'customer_message', conversation_id: conversationId, text: 'I want to talk to a human' };
}

/** Records what a host emits. */
export function record(host) {
  const seen = { outputs: [], deliveries: [], errors: [] };
  host.on('output', (o) => seen.outputs.push(o));
  host.on('delivery', (d) => seen.deliveries.push(d));
  host.on('error', (e) => seen.errors.push(e));
  return seen;
}

/** The outputs of type `type`. */
export function ofType(outputs, type) {
  return outputs.filter((o) => o.type === type);
}
