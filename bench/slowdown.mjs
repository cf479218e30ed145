// A deliberate slowdown for `npm run bench:instructions -- --slowdown`: some arithmetic before each
// request, about 45,000 instructions (5 to 7% of a row), which the gate's 3% must notice on every row.
import { Server } from 'node:http';

const emit = Server.prototype.emit;
let sink = 0;
Server.prototype.emit = function (event, ...args) {
  if (event === 'request') for (let i = 0; i < 1_500; i++) sink = (sink + i * i) % 1_000_003;
  return emit.call(this, event, ...args);
};
