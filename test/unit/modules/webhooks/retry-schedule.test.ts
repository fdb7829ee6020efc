import t from 'tap';
import { ConfigError } from '../../../../server/src/config.js';
import { outcomeOf, type ReadyDelivery } from '../../../../server/src/modules/webhooks/delivery-worker.js';
import type { SendResult } from '../../../../server/src/modules/webhooks/delivery-send.js';
import { testConfig } from '../../../helpers/config.js';

const HOUR = 3_600_000;

t.test('the default schedule: at least 8 attempts spread over at least 24 hours, delays growing; disabled after 5 days', async (t) => {
  const { webhooks } = testConfig();
  t.ok(webhooks.retryDelaysMs.length + 1 >= 8, `${webhooks.retryDelaysMs.length + 1} attempts`);
  const total = webhooks.retryDelaysMs.reduce((a, b) => a + b, 0);
  t.ok(total >= 24 * HOUR, `${(total / HOUR).toFixed(1)} hours`);
  t.ok(
    webhooks.retryDelaysMs.every((d, i) => i === 0 || d >= webhooks.retryDelaysMs[i - 1]),
    'never shorter than the one before',
  );
  t.equal(webhooks.disableAfterMs, 5 * 24 * HOUR);
  t.equal(webhooks.timeoutMs, 10_000);
});

t.test('the schedule, timeout and window are configurable; bad values name the variable', async (t) => {
  const c = testConfig({ WEBHOOK_RETRY_SCHEDULE: '10ms, 1s,2m', WEBHOOK_TIMEOUT: '500ms', WEBHOOK_DISABLE_AFTER: '2h' });
  t.same(c.webhooks.retryDelaysMs, [10, 1000, 120_000]);
  t.equal(c.webhooks.timeoutMs, 500);
  t.equal(c.webhooks.disableAfterMs, 2 * HOUR);
  t.throws(() => testConfig({ WEBHOOK_RETRY_SCHEDULE: '5s,soon' }), ConfigError);
  t.throws(() => testConfig({ WEBHOOK_TIMEOUT: '2 minutes' }), /WEBHOOK_TIMEOUT must be a duration like 250ms/);
});

const delivery = (attempts: number) => ({ id: 'd', organization_id: 'o', endpoint_id: 'e', attempts }) as ReadyDelivery;
const failed: SendResult = { attemptedAt: new Date(), statusCode: 500, durationMs: 3, responseExcerpt: '', error: 'HTTP 500' };

t.test('a failed attempt is retried after its delay plus up to 20 % jitter; after the last one the delivery fails', async (t) => {
  const delays = [1000, 60_000];
  for (let i = 0; i < 50; i++) {
    const first = outcomeOf(delivery(0), failed, delays);
    const wait = first.nextAttemptAt!.getTime() - Date.now();
    t.ok(wait >= 990 && wait <= 1210, `first retry after ${wait} ms`);
  }
  const second = outcomeOf(delivery(1), failed, delays);
  t.equal(second.status, 'pending');
  t.ok(second.nextAttemptAt!.getTime() - Date.now() >= 59_000);
  const last = outcomeOf(delivery(2), failed, delays);
  t.match(last, { status: 'failed', nextAttemptAt: null });
  const ok = outcomeOf(delivery(2), { ...failed, statusCode: 204, error: null }, delays);
  t.match(ok, { status: 'succeeded', nextAttemptAt: null });
  t.equal(outcomeOf(delivery(0), { ...failed, statusCode: 302 }, delays).status, 'pending', 'a redirect is a failure');
});
