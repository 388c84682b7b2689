// Finds secrets in captured log text: each as written, lower-cased, and percent-encoded (a query string
// logged whole would carry `ada%40example.com`).
export function findLeaks(text: string, secrets: Iterable<string>): string[] {
  const hay = text.toLowerCase();
  const leaks: string[] = [];
  for (const secret of new Set(secrets)) {
    // A short value would match by chance and prove nothing either way.
    if (secret.length < 6) throw new Error(`too short to look for: "${secret}"`);
    const forms = [secret, encodeURIComponent(secret)].map((f) => f.toLowerCase());
    if (forms.some((f) => hay.includes(f))) leaks.push(secret);
  }
  return leaks;
}

/** Every signed token in a link path (`/u/TOKEN`, `/p/TOKEN/export`, `/c/TOKEN`, `/e/TOKEN`) found in `text`. */
export function tokensIn(text: string): string[] {
  return [...text.matchAll(/\/[upce]\/([A-Za-z0-9._~-]{16,})/g)].map((m) => m[1]!);
}
