import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server.js';

let docs: TestServer;
let serverV2: TestServer;
beforeAll(async () => {
  docs = await startServer();
  serverV2 = await startServer({ wukongim: { profile: 'server-v2' } });
});
afterAll(async () => {
  await docs.close();
  await serverV2.close();
});

const valid = { uid: 'alice', token: 'secret', device_flag: 1 };

// [name, body as sent, msg the server answers]; every row is a 400 {msg, status: 400} in both profiles.
const rejections: [string, unknown, string][] = [
  ['an empty body', '', 'EOF'],
  ['a body cut short', '{"uid":"alice",', 'unexpected EOF'],
  ['a body that is not JSON', 'uid=alice', "invalid character 'u' looking for beginning of value"],
  ['a missing colon', '{"uid" "alice"}', "invalid character '\"' after object key"],
  ['a stray character after a value', '{"uid":"alice"x}', "invalid character 'x' after object key:value pair"],
  ['a control byte', '{"uid":"a\u001f"}', "invalid character '\\x1f' in string literal"],
  ['a byte-order mark', '\ufeff{"uid":"alice"}', "invalid character 'ï' looking for beginning of value"],
  ...(['1.0', '1e0', '1e2', '-0', '99999999999999999999'] as const).map((literal): [string, unknown, string] => [
    `device_flag written ${literal}`,
    `{"uid":"alice","token":"t","device_flag":${literal}}`,
    `json: cannot unmarshal number ${literal} into Go struct field UpdateTokenReq.device_flag of type wkproto.DeviceFlag`,
  ]),
  [
    'device_level written 1.0',
    '{"uid":"alice","token":"t","device_flag":1,"device_level":1.0}',
    'json: cannot unmarshal number 1.0 into Go struct field UpdateTokenReq.device_level of type wkproto.DeviceLevel',
  ],
  ['an array instead of an object', '[]', 'json: cannot unmarshal array into Go value of type api.UpdateTokenReq'],
  [
    'a string device_flag',
    { ...valid, device_flag: '1' },
    'json: cannot unmarshal string into Go struct field UpdateTokenReq.device_flag of type wkproto.DeviceFlag',
  ],
  [
    'a negative device_flag',
    { ...valid, device_flag: -1 },
    'json: cannot unmarshal number -1 into Go struct field UpdateTokenReq.device_flag of type wkproto.DeviceFlag',
  ],
  [
    'a device_flag over 255',
    { ...valid, device_flag: 256 },
    'json: cannot unmarshal number 256 into Go struct field UpdateTokenReq.device_flag of type wkproto.DeviceFlag',
  ],
  [
    'a fractional device_level',
    { ...valid, device_level: 0.5 },
    'json: cannot unmarshal number 0.5 into Go struct field UpdateTokenReq.device_level of type wkproto.DeviceLevel',
  ],
  ['a numeric uid', { ...valid, uid: 42 }, 'json: cannot unmarshal number into Go struct field UpdateTokenReq.uid of type string'],
  ['a boolean token', { ...valid, token: true }, 'json: cannot unmarshal bool into Go struct field UpdateTokenReq.token of type string'],
  ['an empty uid', { ...valid, uid: '' }, 'uid不能为空！'],
  ['a missing uid', { token: 'secret', device_flag: 1 }, 'uid不能为空！'],
  ['a null uid, which Go decodes as empty', { ...valid, uid: null }, 'uid不能为空！'],
  ['an empty token', { ...valid, token: '' }, 'token不能为空！'],
  ['an empty uid and token, reported in the server order', { ...valid, uid: '', token: '' }, 'uid不能为空！'],
  ['a uid with @', { ...valid, uid: 'a@b' }, 'uid不能包含特殊字符！'],
  ['a uid with #', { ...valid, uid: 'a#b' }, 'uid不能包含特殊字符！'],
  ['a uid with &', { ...valid, uid: 'a&b' }, 'uid不能包含特殊字符！'],
  ['the system uid', { ...valid, uid: '____system' }, '系统账号不允许更新token！'],
];

describe('POST /user/token validation', () => {
  it.each(rejections)('answers 400 with the server message for %s', async (_name, body, msg) => {
    for (const target of [docs, serverV2]) {
      const answer = await target.post('/user/token', body);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ msg, status: 400 });
    }
  });

  it("reads the first JSON value and ignores what follows, as Go's json.Decoder does", async () => {
    const answer = await docs.post('/user/token', '{"uid":"alice","token":"t","device_flag":1} xyz');
    expect(answer.body).toEqual({ status: 'ok' });
    expect(docs.mock.wukongim.devices({ uid: 'alice' })).toMatchObject([{ device_flag: 1, token: 't' }]);
  });

  it('matches keys to fields whatever their case, the last one winning, as Go does', async () => {
    const answer = await docs.post('/user/token', '{"UID":"carol","Token":"t1","Device_Flag":2,"token":"t2"}');
    expect(answer.body).toEqual({ status: 'ok' });
    expect(docs.mock.wukongim.devices({ uid: 'carol' })).toMatchObject([{ device_flag: 2, token: 't2' }]);
  });

  it('reports a decoder type error in the violations header, pointing at the field', async () => {
    const answer = await docs.post('/user/token', '{"uid":"alice","token":"t","device_flag":1.0}');
    expect(JSON.parse(answer.headers.get('x-token-mock-violations') as string)).toEqual([
      { in: 'body', path: '/device_flag', keyword: 'type', message: expect.stringContaining('cannot unmarshal number 1.0') },
    ]);
  });

  it('redirects a known path with a trailing slash as gin does: 307 for POST, 301 with a link for GET', async () => {
    const post = await fetch(`${docs.url}/user/token/?a=1`, { method: 'POST', body: JSON.stringify(valid), redirect: 'manual' });
    expect(post.status).toBe(307);
    expect(post.headers.get('location')).toBe('/user/token?a=1');
    expect(await post.text()).toBe('');
    const get = await fetch(`${docs.url}/health/`, { redirect: 'manual' });
    expect(get.status).toBe(301);
    expect(get.headers.get('location')).toBe('/health');
    expect(get.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await get.text()).toBe('<a href="/health">Moved Permanently</a>.\n\n');
    expect((await fetch(`${docs.url}/user/nothing/`, { method: 'POST' })).status).toBe(404);
  });

  it('reads JSON whatever the content type, as the Go server does', async () => {
    const answer = await docs.post('/user/token', valid, { 'content-type': 'text/plain' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok' });
  });

  it('ignores unknown fields', async () => {
    const answer = await docs.post('/user/token', { ...valid, nickname: 'Al', extra: { deep: [1] } });
    expect(answer.body).toEqual({ status: 'ok' });
  });

  it('refuses a missing device_flag under the docs profile, naming the field', async () => {
    const answer = await docs.post('/user/token', { uid: 'bob', token: 't' });
    expect(answer.status).toBe(400);
    expect(answer.body.msg).toContain('device_flag is required');
  });

  it('answers a null body as the server does: Go leaves the struct empty, so the uid is empty', async () => {
    expect((await serverV2.post('/user/token', 'null')).body).toEqual({ msg: 'uid不能为空！', status: 400 });
    // The docs profile names the first field the documented contract requires.
    expect((await docs.post('/user/token', 'null')).body.msg).toContain('is required (documented contract)');
  });

  it('stores a missing device_flag as 0 under the server-v2 profile, like the real server', async () => {
    const answer = await serverV2.post('/user/token', { uid: 'bob', token: 't' });
    expect(answer.body).toEqual({ status: 200 });
    expect(serverV2.mock.wukongim.devices({ uid: 'bob' })).toMatchObject([{ device_flag: 0, device_level: 0, token: 't' }]);
  });

  it('answers a body over the size cap with 413 in the API shape, and keeps serving', async () => {
    const small = await startServer({ maxBodyBytes: 1024 });
    try {
      const answer = await small.post('/user/token', { ...valid, token: 'x'.repeat(5000) });
      expect(answer.status).toBe(413);
      expect(answer.body).toEqual({ msg: 'request body too large: the limit is 1024 bytes', status: 413 });
      expect((await small.post('/user/token', valid)).status).toBe(200);
    } finally {
      await small.close();
    }
  });
});

describe('routing', () => {
  it('answers an unknown path with 404 in the API shape', async () => {
    const answer = await docs.post('/user/nothing', valid);
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ msg: '404 page not found', status: 404 });
  });

  it('answers a wrong method with 405, the allowed methods and the API shape', async () => {
    const answer = await docs.get('/user/token');
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('POST');
    expect(answer.body).toEqual({ msg: 'method GET is not allowed on /user/token: use POST', status: 405 });
  });

  it('answers GET /health', async () => {
    const answer = await docs.get('/health');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.body).toEqual({ status: 'ok' });
  });
});

describe('POST /user/device_quit and /user/onlinestatus validation', () => {
  it('reports a wrong device_flag type with the decoder text of the anonymous request struct', async () => {
    const answer = await docs.post('/user/device_quit', { uid: 'alice', device_flag: 'web' });
    expect(answer.status).toBe(400);
    expect(answer.body.msg).toBe('json: cannot unmarshal string into Go struct field .device_flag of type int');
  });

  it("takes -0 for the int device_flag of device_quit but refuses 1e2, as Go's ParseInt does", async () => {
    expect((await docs.post('/user/device_quit', '{"uid":"alice","device_flag":-0}')).status).toBe(200);
    const refused = await docs.post('/user/device_quit', '{"uid":"alice","device_flag":1e2}');
    expect(refused.body).toEqual({ msg: 'json: cannot unmarshal number 1e2 into Go struct field .device_flag of type int', status: 400 });
  });

  it('reports a non-array onlinestatus body', async () => {
    const answer = await docs.post('/user/onlinestatus', { uid: 'alice' });
    expect(answer.body).toEqual({ msg: 'json: cannot unmarshal object into Go value of type []string', status: 400 });
  });

  it('reports a non-string uid in the onlinestatus list', async () => {
    const answer = await docs.post('/user/onlinestatus', ['alice', 7]);
    expect(answer.body).toEqual({ msg: 'json: cannot unmarshal number into Go value of type string', status: 400 });
  });
});
