// A deliberate slowdown for `npm run bench:instructions -- --slowdown`: some arithmetic before each
// request, about a fifth of a request's instructions, which the gate must notice.
import { Server } from 'node:http';

const emit = Server.prototype.emit;
let sink = 0;
Server.prototype.emit = function (event, ...args) {
  if (event === 'request') for (let i = 0; i < 5_000; i++) sink = (sink + i * i) % 1_000_003;
  return emit.call(this, event, ...args);
};
