// What the customer reads when the engine refuses something they did: plain words, under the field
// it is about. The engine's own error (a JSON path, a kind, a developer's sentence) is for the
// console, never for the customer; the page matches on its `path` and `kind`, never its text.

import { EngineError } from 'handoff-engine';
import { TOO_LONG } from './chat.js';

/** The callback form's fields by the engine's path. */
const CALLBACK_FIELDS = {
  'input.name': 'name',
  'input.phone': 'phone',
  'input.email': 'email',
  'input.preferred_time': 'preferred_time',
  'input.at': 'preferred_time',
};

/**
 * Why the callback details were not taken: `{field, text}` (`field` `null` when the problem is
 * not one field's).
 * @param {unknown} error what `host.handle` rejected with
 */
export function callbackProblem(error) {
  if (!(error instanceof EngineError)) return { field: null, text: 'We could not take your details just now. Please try again.' };
  const field = CALLBACK_FIELDS[error.path] ?? null;
  switch (`${error.path} ${error.kind}`) {
    case 'input.phone missing':
      return { field: 'phone', text: 'Please give a phone number or an email address, so that we can reach you.' };
    case 'input.phone invalid':
      return { field: 'phone', text: 'This does not look like a phone number: use digits, and + ( ) - if you like.' };
    case 'input.email invalid':
      return { field: 'email', text: 'This does not look like an email address.' };
    case 'input.name missing':
      return { field: 'name', text: 'Please tell us your name.' };
    case 'input.at out_of_range':
      return { field: 'preferred_time', text: 'Our team is not available then: please choose another time.' };
    default:
      break;
  }
  if (error.kind === 'too_large') return { field, text: 'This is too long: please shorten it.' };
  if (error.kind === 'wrong_state') return { field: null, text: 'Your details are no longer needed: the chat has moved on.' };
  return { field, text: 'We could not take your details. Please check them and try again.' };
}

/**
 * Why a message was not sent, for the customer (the text stays in the composer).
 * @param {unknown} error what `host.handle` rejected with
 */
export function messageProblem(error) {
  if (error instanceof EngineError && error.path === 'input.text' && error.kind === 'too_large') return TOO_LONG;
  return 'Your message was not sent. Please try again.';
}
