// esbuild-like install.js: copy the platform package's binary into our own
// bin/, rename it into place and check it runs.
const fs = require('fs');
const path = require('path');
const cp = require('child_process');
const src = require.resolve('@quickbundle/linux-x64/bin/quickbundle');
const dst = path.join(__dirname, 'bin', 'quickbundle');
fs.mkdirSync(path.dirname(dst), { recursive: true });
fs.copyFileSync(src, dst + '.tmp');
fs.chmodSync(dst + '.tmp', 0o755);
fs.renameSync(dst + '.tmp', dst);
cp.execFileSync(dst, ['--version'], { stdio: 'inherit' });
