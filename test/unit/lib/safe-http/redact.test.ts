import t from 'tap';
import { redactUrl } from '../../../../server/src/lib/safe-http/index.js';

t.test('redactUrl masks credentials and keeps the rest', async (t) => {
  t.equal(
    redactUrl(
      'https://api.example.com/v1/items?access_token=abc&page=2&api_key=k&client_secret=s&code=c&password=p&signature=sig&key=1&token=t',
    ),
    'https://api.example.com/v1/items?access_token=[redacted]&page=2&api_key=[redacted]&client_secret=[redacted]&code=[redacted]&password=[redacted]&signature=[redacted]&key=[redacted]&token=[redacted]',
  );
  t.equal(
    redactUrl('https://x.test/cb?X-Amz-Signature=abc&hapikey=h&refresh_token=r&cursor=5'),
    'https://x.test/cb?X-Amz-Signature=[redacted]&hapikey=[redacted]&refresh_token=[redacted]&cursor=5',
  );
  t.equal(redactUrl('https://x.test/cb#access_token=abc&state=s'), 'https://x.test/cb#access_token=[redacted]&state=s');
  t.equal(redactUrl('https://user:pw@x.test/a?q=1'), 'https://[redacted]@x.test/a?q=1');
  t.equal(redactUrl(new URL('https://x.test/a?API_KEY=1')), 'https://x.test/a?API_KEY=[redacted]');
  t.equal(redactUrl('/relative?token=1&x'), '/relative?token=[redacted]&x');
  t.equal(redactUrl('https://x.test/plain'), 'https://x.test/plain');
});
