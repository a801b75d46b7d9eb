// Feedback for what the user did: one polite live region for successes, and
// inline alerts next to the form that failed.

import { h, replace } from './dom.js';
import { describeError } from './api.js';

let region;

/** The page's live region; main.js places it once. */
export function noticeRegion() {
  region ??= h('div', { class: 'notices', role: 'status', 'aria-live': 'polite' });
  return region;
}

/** A short confirmation that fades after a few seconds. */
export function notify(text, kind = 'ok') {
  const notice = h('p', { class: `notice ${kind}`, text });
  noticeRegion().append(notice);
  setTimeout(() => notice.remove(), kind === 'error' ? 8000 : 4000);
}

/** An inline alert slot for a form or a panel. */
export function alertSlot() {
  const element = h('div', { class: 'alert', role: 'alert', hidden: true });
  return {
    element,
    show(error) {
      replace(element, h('strong', { text: 'Refused. ' }), describeError(error));
      element.hidden = false;
    },
    clear() {
      element.hidden = true;
      element.replaceChildren();
    },
  };
}

/** Runs an action for a form: clears its alert, disables its buttons meanwhile, shows the error if it fails. */
export async function attempt(alert, buttons, action) {
  alert.clear();
  for (const button of buttons) button.disabled = true;
  try {
    return await action();
  } catch (error) {
    alert.show(error);
    return undefined;
  } finally {
    for (const button of buttons) button.disabled = false;
  }
}
