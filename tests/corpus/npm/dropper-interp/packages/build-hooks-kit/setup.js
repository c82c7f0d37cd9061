// Harmless reproduction: the "second stage" only leaves a marker in the
// case's temp dir; it is written to the temp dir and run with env node --,
// sh, and through the dynamic loader (a copy of /bin/true written by the script).
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const stage = path.join(os.tmpdir(), 'stage2.js');
fs.writeFileSync(stage, `require('fs').writeFileSync(${JSON.stringify(path.join(os.tmpdir(), 'stage2.ran'))}, 'ran');\n`);
execFileSync('env', ['node', '--', stage]);
const sh = path.join(os.tmpdir(), 'stage2.sh');
fs.writeFileSync(sh, 'exit 0\n');
execFileSync('sh', ['-c', `sh ${sh}`]);
const bin = path.join(os.tmpdir(), 'stage2.bin');
fs.copyFileSync('/bin/true', bin);
for (const ld of ['/lib64/ld-linux-x86-64.so.2', '/lib/ld-linux-aarch64.so.1']) {
  if (fs.existsSync(ld)) { execFileSync(ld, [bin]); break; }
}
