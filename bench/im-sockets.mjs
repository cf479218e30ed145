// Holds IM sockets open, online, in a process of its own, so that the load generator's process does
// not carry them: `node im-sockets.mjs <ws url> <count> <CONNECT hex with device id d0000>`.
import { WebSocket } from 'ws';

const [url, count, connect] = [process.argv[2], Number(process.argv[3]), Buffer.from(process.argv[4], 'hex')];
const sockets = [];
for (let i = 0; i < count; i += 50) {
  const batch = Array.from({ length: Math.min(50, count - i) }, (_, j) => {
    const packet = Buffer.from(connect);
    packet.write(`d${String(i + j).padStart(4, '0')}`, packet.indexOf('d0000'));
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      ws.once('open', () => ws.send(packet));
      ws.once('message', () => resolve(ws));
      ws.once('error', reject);
    });
  });
  sockets.push(...(await Promise.all(batch)));
}
console.log(`held ${sockets.length}`);
setInterval(() => {}, 1 << 30);
