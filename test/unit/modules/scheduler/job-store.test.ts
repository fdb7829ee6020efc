import pino from 'pino';
import t from 'tap';
import { createJobStore } from '../../../../server/src/modules/scheduler/job-store.js';
import { testConfig } from '../../../helpers/config.js';

t.test('AGENDA_BACKEND=mongo selects the MongoDB job store, which polls and connects only when Agenda does', async (t) => {
  // Port 9 (discard) on loopback: nothing answers, and nothing may try before Agenda connects.
  const config = testConfig({ AGENDA_BACKEND: 'mongo', MONGODB_URL: 'mongodb://127.0.0.1:9/linkyard' });
  const store = await createJobStore({ db: null as never, config, logger: pino({ level: 'silent' }) as never });
  t.equal(store.backend.name, 'MongoDB');
  t.equal(store.notifies, false, 'no LISTEN/NOTIFY: workers poll');
  t.equal(store.backend.notificationChannel, undefined);
  await store.close();
});
