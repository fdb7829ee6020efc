import { Type } from '@sinclair/typebox';
import { StrictObject, Timestamp, Uuid } from '../../lib/schemas.js';

const FeedAction = Type.Union([Type.Literal('added'), Type.Literal('updated'), Type.Literal('deleted')], {
  description:
    "What the record's latest change was: added (new, or back after a deletion), updated (its content changed), deleted (gone upstream). Treat added and updated alike: store the record as given.",
});

export const ChangesParams = StrictObject({
  orgId: Type.String({ ...Uuid, description: 'The organization' }),
  id: Type.String({ ...Uuid, description: 'The integration whose records to follow' }),
});

export const ChangesQuery = StrictObject({
  resource: Type.String({
    minLength: 1,
    maxLength: 64,
    description: "The feed to read: one of the integration's resources (each resource has its own feed), e.g. customers",
  }),
  after: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 400,
      description:
        "Where to continue: the nextCursor (or an item's cursor) of an earlier call on the same feed. Without it the feed starts at the beginning. A cursor this server did not issue, or one of another integration or resource, is a 400 with field query.after.",
    }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Changes per call (1–1,000, default 100)' })),
});

export const Change = Type.Object({
  externalId: Type.String({ description: "The record's id at the provider" }),
  resource: Type.String({ description: 'The resource (feed) the record belongs to' }),
  action: FeedAction,
  data: Type.Unknown({ description: "The record's current mapped content (for a deleted record, its last content)" }),
  firstSeenAt: Type.String({ format: 'date-time', description: 'When Linkyard first stored the record' }),
  modifiedAt: Type.String({ format: 'date-time', description: 'When Linkyard stored the latest change (added, updated or deleted)' }),
  deletedAt: Type.Union([Timestamp, Type.Null()], { description: 'When the record was found gone upstream; null while it exists' }),
  cursor: Type.String({ description: "This change's place in the feed: passed as after, the next call starts behind it" }),
});

export const ChangePage = Type.Object({
  items: Type.Array(Change, {
    description: 'Records whose latest change is after `after`, oldest change first, each record once with its current state',
  }),
  nextCursor: Type.String({
    description:
      'Pass as after on the next call. Always present: the same cursor when nothing has changed since. Save it once the page is processed.',
  }),
  hasMore: Type.Boolean({ description: 'true when more changes are waiting: call again at once; false: you are up to date, poll later' }),
});
