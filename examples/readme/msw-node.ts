import { setupServer } from 'msw/node';
import { createMock } from 'token-mock';
import { createHandlers } from 'token-mock/msw';

const mock = createMock({ seed: 7 });
const server = setupServer(...createHandlers(mock)); // the real hosts: sandbox, production, localhost:5001
server.listen({ onUnhandledRequest: 'bypass' });

const created = await fetch('https://sandbox.smileapi.io/v1/users', { method: 'POST', headers: { authorization: `Basic ${btoa('test_key:test_secret')}` } });
console.log(created.status, (await created.json()).data.token.mode); // 201 SANDBOX
server.close();
