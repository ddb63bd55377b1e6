// The times a customer may choose for a callback: the engine's business hours (`engine.hours(at)`:
// open now?, next opening, next closing), walked forward, one slot an hour from each opening. The
// engine books the chosen one (`callback_details.at`) and refuses a time its hours say is off duty.

const HOUR_MS = 3_600_000;
const HALF_HOUR_MS = 1_800_000;
const DAY_MS = 86_400_000;

/**
 * Up to `count` slots (epoch ms) from `now`, within the next `days` days, each a time the team is
 * on duty: from each opening hourly until its closing. While the team is on duty at `now`, the
 * first is the next half hour at least `leadMs` away. `[]` without business hours.
 * @param {(atMs: number) => {open: boolean, next_opening: number | null, next_closing: number | null} | null} hours
 * @param {number} now epoch ms
 * @param {{count?: number, days?: number, leadMs?: number}} [options]
 * @returns {number[]}
 */
export function callbackSlots(hours, now, { count = 8, days = 7, leadMs = 15 * 60_000 } = {}) {
  const slots = [];
  const horizon = now + days * DAY_MS;
  let at = now;
  while (slots.length < count && at < horizon) {
    const status = hours(at);
    if (status == null) return [];
    if (!status.open) {
      if (status.next_opening == null || status.next_opening <= at) break;
      at = status.next_opening;
      continue;
    }
    const closing = status.next_closing ?? horizon;
    // On duty already: the next half hour (whole local hours in most zones, and in India's +05:30).
    let slot = at === now ? Math.ceil((now + leadMs) / HALF_HOUR_MS) * HALF_HOUR_MS : at;
    for (; slot < closing && slot < horizon && slots.length < count; slot += HOUR_MS) slots.push(slot);
    if (closing <= at) break;
    at = closing;
  }
  return slots;
}
