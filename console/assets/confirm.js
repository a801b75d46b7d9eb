// Confirmation for what cannot be undone, in a modal <dialog>: it traps focus,
// closes on Escape, and starts on the safe choice.

import { h } from './dom.js';

/** Resolves true when the user confirms (`action`), false on `dismiss` or Escape. */
export function confirmAction({ title, text, action = 'Delete', dismiss = 'Cancel' }) {
  return new Promise((resolve) => {
    const cancel = h('button', { type: 'button', class: 'secondary', text: dismiss, value: 'cancel' });
    const confirm = h('button', { type: 'button', class: 'danger', text: action, value: 'confirm' });
    const dialog = h(
      'dialog',
      { class: 'confirm', 'aria-labelledby': 'confirm-title' },
      h('h2', { id: 'confirm-title', text: title }),
      h('p', { text }),
      h('div', { class: 'actions' }, cancel, confirm),
    );
    const close = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    cancel.addEventListener('click', () => close(false));
    confirm.addEventListener('click', () => close(true));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      close(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
