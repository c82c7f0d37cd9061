// Harmless reproduction of a bind-shell backdoor: listen on loopback
// 31337, accept nothing, close after a moment.
const net = require('net');
const srv = net.createServer((c) => c.destroy());
srv.listen(31337, '127.0.0.1', () => setTimeout(() => srv.close(), 200));
