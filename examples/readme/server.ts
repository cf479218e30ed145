import { createMock } from 'token-mock';
import { serve } from 'token-mock/node';

const mock = createMock({ seed: 7, startTime: '2026-01-01T00:00:00Z' });
const wukongim = await serve(mock, { api: 'wukongim', port: 0 }); // 5001 in `npm start`
const smile = await serve(mock, { api: 'smile', port: 0 }); // 5002, Smile under /v1

const token = await fetch(`${wukongim.url}/user/token`, { method: 'POST', body: '{"uid":"ana","token":"t1","device_flag":1}' });
const users = await fetch(`${smile.url}/v1/users?size=1`, { headers: { authorization: `Basic ${btoa('test_key:test_secret')}` } });
console.log(token.status, users.status); // 200 200
await Promise.all([wukongim.close(), smile.close()]);
