// The AI side of the demo: a scripted stand-in for your model. It answers a few questions with
// keywords and says how sure it is (`confidence`), which the engine weighs like a real model's: a
// reply under `low_confidence_threshold` (0.3 in the seed configuration) hands the chat off.
// Your widget calls its AI here instead and passes on the model's own confidence.

/** What the assistant says first, before the customer has written anything. */
export const GREETING = "Hi! I'm the assistant. Ask me about an order or a return, or ask for a person at any time.";

const SCRIPT = [
  {
    match: /\b(order|deliver\w*|shipping|track\w*|parcel)\b/i,
    text: 'Your order ORD-12345 left our warehouse yesterday. The tracking link in your confirmation email shows the carrier within a day.',
    confidence: 0.82,
    actions: ['looked_up_order'],
  },
  {
    match: /\b(refund\w*|return\w*)\b/i,
    text: 'You can return any item within 30 days from Orders → Return an item; the refund reaches your card in 5 to 7 days.',
    confidence: 0.78,
    actions: ['explained_return_policy'],
  },
  {
    match: /\b(hi|hello|hey|thanks|thank you)\b/i,
    text: 'Happy to help! What can I do for you?',
    confidence: 0.95,
    actions: [],
  },
];

const UNSURE = {
  text: "I'm not sure I understood. Could you put it another way? You can also ask for a person at any time.",
  confidence: 0.45,
  actions: [],
};

/**
 * The scripted reply to the customer's `text`: `{text, confidence, actions}`.
 * @param {string} text
 */
export function assistantReply(text) {
  const rule = SCRIPT.find((r) => r.match.test(text)) ?? UNSURE;
  return { text: rule.text, confidence: rule.confidence, actions: [...rule.actions] };
}

/**
 * What the assistant says when an agent hands the chat back (`returned_to_ai`), after the engine's
 * message to the customer. `note` is the agent's note for the AI (not shown to the customer).
 */
export function assistantResumes(note) {
  void note; // a real AI would read it; this script only answers
  return { text: "I'm back. Is there anything else I can help you with?", confidence: 0.9 };
}
