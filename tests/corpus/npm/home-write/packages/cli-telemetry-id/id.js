// Harmless: a cache file where caches go (quiet), and a file of its own
// under ~/.config (reported: $HOME outside the known caches).
const fs = require('fs');
const os = require('os');
const path = require('path');
const cache = path.join(os.homedir(), '.cache', 'cli-telemetry-id');
fs.mkdirSync(cache, { recursive: true });
fs.writeFileSync(path.join(cache, 'downloads.json'), '{}\n');
const conf = path.join(os.homedir(), '.config', 'cli-telemetry-id');
fs.mkdirSync(conf, { recursive: true });
fs.writeFileSync(path.join(conf, 'machine-id'), 'corpus\n');
