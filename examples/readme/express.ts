import express from 'express';
import { createMock } from 'token-mock';
import { tokenMock } from 'token-mock/express';

const app = express();
app.use(tokenMock(createMock({ seed: 7 }))); // WuKongIM at /, Smile at /v1, the control API at /__mock
app.get('/hello', (_request, response) => response.send('your own routes still work'));

const server = app.listen(0, async () => {
  const { port } = server.address() as { port: number };
  const health = await fetch(`http://127.0.0.1:${port}/health`);
  const hello = await fetch(`http://127.0.0.1:${port}/hello`);
  console.log(health.status, await hello.text()); // 200 your own routes still work
  server.close();
});
