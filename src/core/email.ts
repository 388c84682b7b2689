// The one place that decides what an address is (docs/privacy.md, "One address, one person"). Every
// path that matches, suppresses, hashes or sends goes through checkEmail: the API fields, the pages,
// eligibility, imports and sends; two spellings of one mailbox must never be two people, or an
// opt-out or a complaint on one would not cover the other.
//
// Canonical form: the local part NFC and lowercase (RFC 5321 lets it be case-sensitive, but no mailbox
// provider is, and two spellings must not bypass a refusal); the domain NFKC (full-width forms fold),
// lowercase, as its IDNA A-label (RFC 5891, UTS #46 via node:url). People still see what they typed.
import { domainToASCII, domainToUnicode } from 'node:url';
import { invalidField } from './errors.js';

export type EmailCheck = { ok: true; canonical: string } | { ok: false; reason: string };

const MAX_OCTETS = 254; // RFC 5321 §4.5.3.1.3: the path limit less the angle brackets
const MAX_LOCAL_OCTETS = 64; // RFC 5321 §4.5.3.1.1
const MAX_DOMAIN = 253; // RFC 1035 §2.3.4, written without the final dot

// Refused anywhere in an address, each with the reason a person is shown. Invisible and bidirectional
// characters make two addresses look alike (Unicode TR #36 §2); UTS #46 would silently drop some of
// them from a domain (U+00AD, U+200B), so they are refused before the domain is converted.
const REFUSED: readonly [RegExp, string][] = [
  [/[\p{Cc}]/u, 'must not contain control characters'],
  [/[\p{Bidi_Control}]/u, 'must not contain bidirectional control characters'],
  [/[\p{Cf}\p{Default_Ignorable_Code_Point}]/u, 'must not contain invisible characters'],
  [/[\p{Z}]/u, 'must not contain spaces'],
  [/\uFFFD/u, 'must be valid UTF-8 (it contains U+FFFD, the mark of undecodable bytes)'],
  [/[\p{Cs}]/u, 'must be well-formed Unicode'],
  [/[\p{Cn}\p{Co}\p{Noncharacter_Code_Point}]/u, 'must not contain unassigned or private-use characters'],
];

// RFC 5322 §3.2.3 atext, plus letters, marks and digits of any script (RFC 6531 §3.3). Quoted local
// parts and comments are refused: they end up in mail headers and no provider we send through takes them.
const LOCAL_ATOM = /^(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]|[\p{L}\p{M}\p{N}])+$/u;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// A top-level domain is letters (or an A-label): a numeric one is an IP address written without brackets.
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
const PLAIN_ASCII = /^[\x21-\x7e]*$/;
// UTS #46 would take symbols and emoji; IDNA 2008 (RFC 5892) takes letters, marks and digits only.
const UNICODE_DOMAIN = /^[\p{L}\p{M}\p{N}.\u3002\uff61-]+$/u;

// The everyday address (ASCII atoms, LDH labels, a letters-only TLD, no A-label) in one test: whatever it
// matches, the full checks below accept, with the whole address lowercased as its canonical form. Bulk
// eligibility checks every address it is asked about; this was a quarter of its time (docs/performance.md).
// Linear: '.' and '@' delimit the repeated groups and are in none of their character classes.
const EVERYDAY = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

function everydayCanonical(text: string): string | undefined {
  if (text.length > MAX_OCTETS || !EVERYDAY.test(text)) return undefined;
  const at = text.indexOf('@');
  const canonical = text.toLowerCase();
  if (at > MAX_LOCAL_OCTETS || canonical.includes('xn--', at)) return undefined;
  return canonical;
}

const octets = (s: string) => Buffer.byteLength(s, 'utf8');
const refuse = (reason: string): EmailCheck => ({ ok: false, reason });

function checkLocal(typed: string): EmailCheck | string {
  const local = typed.normalize('NFC');
  if (local.length === 0) return refuse('needs a name before the @');
  const ascii = PLAIN_ASCII.test(local);
  if (!ascii && local.normalize('NFKC') !== local) return refuse('must not contain full-width or other compatibility characters before the @');
  const folded = ascii ? local.toLowerCase() : local.toLowerCase().normalize('NFC');
  if (octets(folded) > MAX_LOCAL_OCTETS) return refuse('the part before the @ is longer than 64 bytes');
  if (folded.startsWith('.') || folded.endsWith('.')) return refuse('the part before the @ must not start or end with a dot');
  if (folded.split('.').some((atom) => atom === '')) return refuse('must not contain two dots in a row');
  if (!folded.split('.').every((atom) => LOCAL_ATOM.test(atom))) return refuse('the part before the @ contains a character addresses cannot have');
  return folded;
}

function checkDomain(domain: string): EmailCheck | string {
  if (domain.length === 0) return refuse('needs a domain after the @');
  if (domain.startsWith('[')) return refuse('must name a domain, not an IP address');
  const folded = domain.normalize('NFKC').toLowerCase();
  if (!PLAIN_ASCII.test(folded) && !UNICODE_DOMAIN.test(folded)) return refuse('the domain contains a character domains cannot have');
  // Plain ASCII without A-labels is already its own A-label form: skip the conversion (eligibility's hot path).
  const ascii = PLAIN_ASCII.test(folded) && !folded.includes('xn--') ? folded : domainToASCII(folded);
  if (ascii === '' || ascii.length > MAX_DOMAIN) return refuse('the domain is not valid');
  const labels = ascii.split('.');
  if (labels.length < 2) return refuse('the domain needs a dot, as in example.com');
  if (!labels.every((l) => LABEL.test(l))) return refuse('each part of the domain must be letters, digits or inner hyphens');
  if (!TLD.test(labels.at(-1)!)) return refuse('the domain must end in a top-level domain such as .com');
  // An A-label that does not decode and re-encode to itself is not IDNA (RFC 5891 §5.4).
  if (ascii.includes('xn--') && domainToASCII(domainToUnicode(ascii)) !== ascii) return refuse('the domain is not valid');
  return ascii;
}

/** The canonical form of an address, or why it is refused (a reason to show next to the field). */
export function checkEmail(text: string): EmailCheck {
  const everyday = everydayCanonical(text);
  if (everyday !== undefined) return { ok: true, canonical: everyday };
  return checkInFull(text);
}

/** checkEmail without the everyday shortcut: exported for the test that holds the two to one answer. */
export function checkInFull(text: string): EmailCheck {
  const s = text.replace(/^[ \t]+|[ \t]+$/g, '');
  if (s.length === 0) return refuse('must not be empty');
  if (s.length > 4 * MAX_OCTETS) return refuse('is longer than 254 bytes');
  if (!PLAIN_ASCII.test(s)) for (const [pattern, reason] of REFUSED) if (pattern.test(s)) return refuse(reason);
  const at = s.lastIndexOf('@');
  if (at < 0) return refuse('needs an @, as in name@example.com');
  if (s.indexOf('@') !== at) return refuse('must contain exactly one @');
  const local = checkLocal(s.slice(0, at));
  if (typeof local !== 'string') return local;
  const domain = checkDomain(s.slice(at + 1));
  if (typeof domain !== 'string') return domain;
  const canonical = `${local}@${domain}`;
  if (octets(canonical) > MAX_OCTETS) return refuse('is longer than 254 bytes');
  return { ok: true, canonical };
}

export function isValidEmail(text: string): boolean {
  return checkEmail(text).ok;
}

/** The address as given (trimmed) if it is valid; a 422 naming the field and the reason if not. */
export function requireEmail(path: string, text: string): string {
  const checked = checkEmail(text);
  if (!checked.ok) throw invalidField(path, `not a valid email address: it ${checked.reason}`);
  return text.replace(/^[ \t]+|[ \t]+$/g, '');
}

/** The canonical address, or null for one that is refused. */
export function canonicalEmailOrNull(text: string): string | null {
  const checked = checkEmail(text);
  return checked.ok ? checked.canonical : null;
}

/**
 * The key an address is matched and suppressed by. A refused address still gets a key (the old
 * NFC-lowercase fold), so a lookup with it finds nothing rather than failing: every path that stores or
 * sends refuses it first.
 */
export function normalizeEmail(text: string): string {
  return canonicalEmailOrNull(text) ?? text.trim().normalize('NFC').toLowerCase();
}

/** An address as a person reads it: their own spelling, with an A-label domain shown as Unicode. */
export function displayEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (
    at < 0 ||
    !email
      .slice(at + 1)
      .toLowerCase()
      .includes('xn--')
  )
    return email;
  const unicode = domainToUnicode(email.slice(at + 1));
  return unicode === '' ? email : `${email.slice(0, at)}@${unicode}`;
}
