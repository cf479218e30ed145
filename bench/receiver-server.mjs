// A webhook receiver for the benchmark: reads each delivery and answers 200, at once or after ?delay=ms.
import { createServer } from 'node:http';

const server = createServer((request, response) => {
  const delay = Number(new URL(request.url, 'http://receiver').searchParams.get('delay') ?? 0);
  request.resume();
  request.on('end', () => {
    const answer = () => {
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
      response.end('ok');
    };
    if (delay > 0) setTimeout(answer, delay);
    else answer();
  });
});
server.listen(0, '127.0.0.1', () => console.log(`receiver http://127.0.0.1:${server.address().port}`));
