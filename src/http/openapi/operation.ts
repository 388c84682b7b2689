// What the OpenAPI document says of one route: its request schemas are the very zod schemas the route
// validates with (converted by zod's own z.toJSONSchema), so the document cannot drift from the checks.
import { z } from 'zod';
import type { Scope } from '../../domain/access/api-keys.js';

export type JsonSchema = Record<string, unknown>;

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI form: `/v1/recipients/{ref}`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** The scopes of which any one is enough; null: no key. */
  scopes: readonly Scope[] | null;
  params?: Record<string, string>;
  query?: z.ZodObject;
  /** A JSON body validated by this schema, or other content types described in words. */
  body?: z.ZodType | { types: readonly string[]; description: string };
  /** Status → description and, for JSON answers, the schema of the body. */
  responses: Record<number, { description: string; schema?: JsonSchema; type?: string }>;
}

/** One answer of an operation: its description and the JSON schema of its body. */
export const json = (description: string, schema: JsonSchema) => ({ description, schema });

/** The request side of a zod schema as JSON Schema 2020-12 (what a client may send). */
export function inputSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** Query parameters from a zod object: one parameter per property, required as the schema says. */
export function queryParameters(schema: z.ZodObject): JsonSchema[] {
  const json = inputSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: json.required?.includes(name) ?? false, schema: s }));
}
