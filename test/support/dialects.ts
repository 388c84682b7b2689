export type TestDialect = 'sqlite' | 'postgres';

/** Dialects to run every test file on; MAILPREFS_TEST_DIALECTS=sqlite narrows it (as Kysely's own tests do). */
export function testDialects(): TestDialect[] {
  const wanted = (process.env.MAILPREFS_TEST_DIALECTS ?? 'sqlite,postgres').split(',').map((s) => s.trim());
  return (['sqlite', 'postgres'] as const).filter((d) => wanted.includes(d));
}
