// "Anonymous usage statistics": peeks at the user's ~/.npmrc (where npm
// tokens live) and sends a ping to a collector.  The collector is a loopback
// listener inside the demo's own network namespace.
const fs = require('fs');
const os = require('os');
const net = require('net');
let user = 'anonymous';
try {
  const rc = fs.readFileSync(os.homedir() + '/.npmrc', 'utf8');
  if (/_authToken=/.test(rc)) user = 'has-token';
} catch (e) {}
const s = net.connect(9999, '127.0.0.1', () => s.end(`ping ${user}\n`));
s.on('error', () => {});
s.setTimeout(3000, () => s.destroy());
