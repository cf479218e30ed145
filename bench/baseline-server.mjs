// The bare baseline: node:http that reads the body, parses JSON and answers a constant, and nothing else.
import { createServer } from 'node:http';

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
    } catch {
      // a constant answer either way
    }
    const body = '{"status":"ok"}';
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    response.end(body);
  });
});
server.listen(0, '127.0.0.1', () => console.log(`baseline http://127.0.0.1:${server.address().port}`));
