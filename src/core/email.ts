// Addresses are stored as given and matched case-insensitively (docs/api.md "Words", Recipient). We fold the
// whole address: RFC 5321 lets the local part be case-sensitive, but no mailbox provider in practice
// is, and treating two spellings as two people would let a refusal be bypassed.

const MAX_LENGTH = 254; // RFC 5321 §4.5.3.1.3: path limit less the angle brackets

// Deliberately plain: one @, a dotted domain, no spaces, quotes, angle brackets or control characters.
// Anything stranger is rejected rather than guessed at, since it ends up in mail headers.
const SHAPE = /^[^\s@"<>()[\]\\,;:\u0000-\u001f\u007f]+@[^\s@"<>()[\]\\,;:\u0000-\u001f\u007f]+\.[^\s@"<>()[\]\\,;:\u0000-\u001f\u007f.]+$/u;

export function isValidEmail(text: string): boolean {
  return text.length <= MAX_LENGTH && SHAPE.test(text) && !text.includes('..');
}

// NFC first, so that an address typed with a composed "é" and one with "e" + combining accent are one.
export function normalizeEmail(text: string): string {
  return text.trim().normalize('NFC').toLowerCase();
}
