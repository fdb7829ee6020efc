import t from 'tap';
import { linkHeaderNext, resolveNextUrl } from '../../../../server/src/modules/sync-engine/pagination.js';

t.test('Link headers and next-URL resolution', async (t) => {
  t.equal(
    linkHeaderNext('<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last"'),
    'https://api.github.com/x?page=2',
  );
  t.equal(linkHeaderNext('<https://a.test/1>; rel="prev first", <https://a.test/3>; rel=next'), 'https://a.test/3');
  t.equal(linkHeaderNext('<https://a.test/5>; rel="last"'), null);
  t.equal(linkHeaderNext(undefined), null);
  t.equal(
    resolveNextUrl('/services/data/v60.0/query/01g-2000', 'https://x.my.salesforce.com'),
    'https://x.my.salesforce.com/services/data/v60.0/query/01g-2000',
  );
  t.equal(resolveNextUrl('/ex/jira/1/rest/x?p=2', 'https://api.atlassian.com/ex/jira/1'), 'https://api.atlassian.com/ex/jira/1/rest/x?p=2');
  t.equal(resolveNextUrl('/rest/x?p=2', 'https://api.atlassian.com/ex/jira/1'), 'https://api.atlassian.com/ex/jira/1/rest/x?p=2');
  t.throws(() => resolveNextUrl('https://evil.test/x', 'https://api.example.com'), { code: 'unsafe_next_url' });
  t.throws(() => resolveNextUrl('//evil.test/x', 'https://api.example.com'), { code: 'unsafe_next_url' });
});
