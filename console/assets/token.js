// The bearer token lives in this tab's sessionStorage only: it is gone when the
// tab closes, never written to localStorage or a cookie, and only ever sent to
// this server's API in the Authorization header.

const KEY = 'conveyor.console.token';

export function readToken() {
  try {
    return sessionStorage.getItem(KEY) ?? '';
  } catch {
    return '';
  }
}

export function saveToken(token) {
  if (token === '') sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, token);
}

export const forgetToken = () => saveToken('');
