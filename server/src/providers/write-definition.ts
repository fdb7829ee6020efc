import { Type, type Static, type TProperties } from '@sinclair/typebox';
import { JsonPointer, Params, PathTemplate, strict } from './definition-primitives.js';

/**
 * Two-way sync (README, "Two-way sync"): how one record is created, updated, deleted or read back at the provider.
 * Paths are templates like `listPath`, plus `{{id}}`: the record's external id. The record's provider fields (the
 * sync's outbound mappings' output) are the body, or go at `fieldsPath` inside it.
 */
const WriteEncodingSchema = Type.Union([
  Type.Literal('json'),
  // application/x-www-form-urlencoded with bracketed nesting: Stripe's `metadata[plan]=pro`, `tax_id_data[0][type]`.
  Type.Literal('form'),
  // A JSON `{ query, variables }` POST: the fields go to `fieldsPath` (`/variables/input`), the id to `idParam`.
  Type.Literal('graphql'),
  // No body (DELETE).
  Type.Literal('none'),
  // An iCalendar calendar object (RFC 5545), built by the caldav connector's writer (caldav-writer.ts): an update edits
  // the stored object rather than sending only the fields. The REST connector refuses it.
  Type.Literal('icalendar'),
]);
export type WriteEncoding = Static<typeof WriteEncodingSchema>;

/** Where a record's version (an ETag) is read after a read or a write. */
const VersionSourceSchema = Type.Union([
  // A response header (`ETag`), compared and sent back verbatim, quotes included.
  Type.Object({ from: Type.Literal('header'), name: Type.String({ minLength: 1, maxLength: 100 }) }, strict),
  // A field of the record (Google Calendar's `/etag`).
  Type.Object({ from: Type.Literal('record'), path: JsonPointer }, strict),
]);
export type VersionSource = Static<typeof VersionSourceSchema>;

/**
 * A precondition header carrying the base version, so the provider itself refuses a write over a newer version
 * (`If-Match: <etag>`, answered 412). `any` sends `*` (CalDAV creates with `If-None-Match: *`: never overwrite).
 */
const PreconditionSchema = Type.Object(
  {
    header: Type.String({ minLength: 1, maxLength: 100 }),
    value: Type.Union([Type.Literal('etag'), Type.Literal('any')]),
  },
  strict,
);

/** What the provider's answer to a write (or read) holds. */
const WriteResponseFields = {
  /** Where the written record is in the response (`''`: the body); null: no record in the answer (204). */
  recordPath: Type.Union([JsonPointer, Type.Null()]),
  /** Within the record; default the resource's `idPath` / `updatedAtPath`. */
  idPath: Type.Optional(JsonPointer),
  updatedAtPath: Type.Optional(Type.Union([JsonPointer, Type.Null()])),
  version: Type.Optional(VersionSourceSchema),
} satisfies TProperties;

export const WriteOperationSchema = Type.Object(
  {
    method: Type.Union([Type.Literal('POST'), Type.Literal('PUT'), Type.Literal('PATCH'), Type.Literal('DELETE')]),
    path: PathTemplate,
    encoding: WriteEncodingSchema,
    /** Where the provider fields go inside a JSON or GraphQL body (HubSpot `/properties`); default the body itself. */
    fieldsPath: Type.Optional(JsonPointer),
    /** The GraphQL document (encoding `graphql`). */
    query: Type.Optional(Type.String({ minLength: 1, maxLength: 5000 })),
    /** GraphQL: the pointer the external id is written to (`/variables/id`). */
    idParam: Type.Optional(JsonPointer),
    /**
     * Fields this operation always sends, under the record's own (JSON bodies): a "delete" that is an update at the
     * provider, such as Notion's archive (`{ archived: true }`).
     */
    body: Type.Optional(Params),
    ...WriteResponseFields,
    /**
     * The answer names the record without being it (Jira's `{ id, key, self }` on create): the writer reads the record
     * back (`read`) so what is stored is the record a pull would see.
     */
    readBack: Type.Optional(Type.Boolean()),
    precondition: Type.Optional(PreconditionSchema),
    /**
     * The provider's idempotency header (Stripe `Idempotency-Key`). Each record of a push gets its own key, derived
     * from the push, so a retried or resumed write is applied once. Writes without one are retried only after a
     * 429 (the provider did nothing), never after a 5xx or a lost connection that may have applied them.
     */
    idempotencyHeader: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    /**
     * Create: a body field the provider takes as the new record's id (Linear's `issueCreate(input: { id })`, a UUID).
     * The writer fills it with a UUID derived from the write's idempotency key, so a create sent again names the same
     * record: when the provider refuses it (the id is taken), the record is read back by that id and, if it exists,
     * the create counts as applied. Needs `read`.
     */
    idempotencyField: Type.Optional(Type.Object({ path: JsonPointer, format: Type.Literal('uuid') }, strict)),
    /** Answers that mean "changed since your base version" (412 for If-Match, 409 for providers that say so). */
    conflictStatuses: Type.Optional(Type.Array(Type.Integer({ minimum: 400, maximum: 499 }), { maxItems: 5 })),
    /** Delete: answers that mean the record is already gone (404, 410), counted as applied. */
    goneStatuses: Type.Optional(Type.Array(Type.Integer({ minimum: 400, maximum: 499 }), { maxItems: 5 })),
  },
  strict,
);
export type WriteOperation = Static<typeof WriteOperationSchema>;

/**
 * One record by id: re-read before an update to compare with the base version when there is no precondition. A GET of
 * `path`, or with `encoding: 'graphql'` a POST of `{ query, variables }` with the id at `idParam` (Linear); a GraphQL
 * answer without a record at `recordPath` (an empty list, a null) means the record does not exist.
 */
const RecordReadSchema = Type.Object(
  {
    path: PathTemplate,
    encoding: Type.Optional(Type.Literal('graphql')),
    query: Type.Optional(Type.String({ minLength: 1, maxLength: 5000 })),
    idParam: Type.Optional(JsonPointer),
    ...WriteResponseFields,
    /**
     * A record with `true` here is gone although the provider still answers it: Stripe's deleted customers
     * (`/deleted`, the default), Notion's archived pages (`/archived`).
     */
    deletedPath: Type.Optional(JsonPointer),
  },
  strict,
);
export type RecordRead = Static<typeof RecordReadSchema>;

export const WriteEndpointsSchema = Type.Object(
  {
    create: Type.Optional(WriteOperationSchema),
    update: Type.Optional(WriteOperationSchema),
    delete: Type.Optional(WriteOperationSchema),
    read: Type.Optional(RecordReadSchema),
    /**
     * Why records cannot be deleted, where the provider has no delete (GitHub issues): the sentence of the 400 a push
     * with `op: "delete"` gets.
     */
    deleteRefusal: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
  },
  strict,
);
export type WriteEndpoints = Static<typeof WriteEndpointsSchema>;
export type WriteOperationKind = 'create' | 'update' | 'delete';
