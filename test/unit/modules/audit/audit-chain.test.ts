import { createHash } from 'node:crypto';
import t from 'tap';
import { eventHash, eventTextAround, GENESIS_HASH, type ChainedFields } from '../../../../server/src/modules/audit/audit-chain.js';

const before: ChainedFields = {
  id: '01a24f0f-c077-7b09-83a4-c001267f5975',
  organizationId: null,
  seq: 1,
  at: new Date('2026-12-07T05:52:42.103Z'),
  actorId: '01a24f0f-aece-7f91-92fc-28864e1c0bd4',
  actorEmail: 'super@acme.test',
  action: 'auth.login',
  targetType: 'user',
  targetId: '01a24f0f-aece-7f91-92fc-28864e1c0bd4',
  metadata: { method: 'password' },
  ip: '127.0.0.1',
  userAgent: 'curl/8',
};

t.test('an event written before actor types existed hashes exactly as it did then', async (t) => {
  // Computed with the chain code of 2d96856 (before API keys): stored chains must keep verifying.
  t.equal(eventHash(GENESIS_HASH, before), '46a6f60f0de19c8d25692e8d94e932060706d6b491776269d8da7cfebc32a833');
});

t.test('the actor type and an API key name are part of the hash when present', async (t) => {
  const asUser = eventHash(GENESIS_HASH, { ...before, actorType: 'user' });
  const asKey = eventHash(GENESIS_HASH, { ...before, actorEmail: null, actorType: 'api_key', actorName: 'Warehouse' });
  const renamed = eventHash(GENESIS_HASH, { ...before, actorEmail: null, actorType: 'api_key', actorName: 'Other' });
  t.not(asUser, eventHash(GENESIS_HASH, before), 'changing the type breaks the link');
  t.not(asKey, renamed, "changing the key's name breaks the link");
});

t.test("an event's text cut around its time and number gives back the text eventHash hashes", async (t) => {
  const hashOf = (e: ChainedFields) => {
    const { at: _at, seq: _seq, ...rest } = e;
    const p = eventTextAround(rest);
    return createHash('sha256')
      .update(GENESIS_HASH + p.beforeAt + e.at.toISOString() + p.beforeSeq + String(e.seq) + p.after)
      .digest('hex');
  };
  t.equal(hashOf(before), eventHash(GENESIS_HASH, before), 'an event without actor type');
  // Keys named like the chain's own fields, and their text in values, before and after the cuts.
  const tricky: ChainedFields = {
    ...before,
    seq: 1234567,
    actorType: 'api_key',
    actorName: '"at":"',
    metadata: { seq: 0, at: '"seq":0', nested: { '"seq":0': 1, at: null } },
    userAgent: '"seq":0,"at":"',
    targetId: '"seq":0',
  };
  t.equal(hashOf(tricky), eventHash(GENESIS_HASH, tricky), 'fields and metadata that look like the cut points');
});
