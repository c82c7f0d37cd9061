#!/usr/bin/env node
// tests/corpus/listeners.js - the loopback "attacker side" of the corpus.
// Run it only inside a network namespace the test created: the ports are
// fixed so fixtures can hard-code them, as real payloads hard-code an IP.
//   tcp 127.0.0.1:9999  "C2": accepts uploads, appends them to LOG/c2.log
//   tcp 127.0.0.1:8081  HTTP: GET /payload -> a copy of /bin/sleep,
//                       GET /payload.tar.gz -> it, as "xmrig" in a tarball
//   udp 127.0.0.1:53    "resolver": logs each query's name, answers nothing
//   tcp 127.0.0.1:4444  reverse-shell catcher: sends "exit", logs the session
// Usage: listeners.js LOGDIR [--timeout SECONDS]
// Prints "ready" once all four listen; stops when its parent dies.
'use strict';
const net = require('net');
const http = require('http');
const dgram = require('dgram');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const logdir = process.argv[2];
if (!logdir) { process.stderr.write('usage: listeners.js LOGDIR [--timeout S]\n'); process.exit(2); }
const ti = process.argv.indexOf('--timeout');
const timeout = ti > 0 ? Number(process.argv[ti + 1]) : 900;
const log = (f, s) => fs.appendFileSync(path.join(logdir, f), s);

let pending = 4;
const ready = () => { if (--pending === 0) process.stdout.write('ready\n'); };

net.createServer((c) => {
  c.on('data', (d) => log('c2.log', d));
  c.on('error', () => {});
  c.on('end', () => c.end());
}).listen(9999, '127.0.0.1', ready);

http.createServer((req, res) => {
  log('http.log', `${req.method} ${req.url}\n`);
  let body;
  if (req.url === '/payload') body = fs.readFileSync('/bin/sleep');
  else if (req.url === '/payload.tar.gz') body = payloadTarball();
  else { res.writeHead(404); return res.end(); }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
  res.end(body);
}).listen(8081, '127.0.0.1', ready);

// payloadTarball: a gzipped ustar holding one file, xmrig (mode 0755), a
// copy of /bin/sleep: the "miner archive" of the rspack/vant incident.
function payloadTarball() {
  const data = fs.readFileSync('/bin/sleep');
  const hdr = Buffer.alloc(512);
  const put = (off, len, str) => hdr.write(str, off, len, 'latin1');
  put(0, 100, 'xmrig');
  put(100, 8, '0000755\0');
  put(108, 8, '0000000\0');
  put(116, 8, '0000000\0');
  put(124, 12, data.length.toString(8).padStart(11, '0') + '\0');
  put(136, 12, '00000000000\0');
  put(156, 1, '0');
  put(257, 6, 'ustar\0');
  put(263, 2, '00');
  hdr.fill(' ', 148, 156);
  let sum = 0;
  for (const b of hdr) sum += b;
  put(148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return zlib.gzipSync(Buffer.concat([hdr, data, pad, Buffer.alloc(1024)]));
}

const udp = dgram.createSocket('udp4');
udp.on('message', (msg) => {
  // QNAME starts at byte 12: length-prefixed labels ending in a zero byte.
  const labels = [];
  for (let i = 12; i < msg.length && msg[i] !== 0; i += msg[i] + 1)
    labels.push(msg.subarray(i + 1, i + 1 + msg[i]).toString('latin1'));
  log('dns.log', labels.join('.') + '\n');
});
udp.bind(53, '127.0.0.1', ready);

net.createServer((c) => {
  c.on('data', (d) => log('shell.log', d));
  c.on('error', () => {});
  c.write('exit\n');
}).listen(4444, '127.0.0.1', ready);

const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 500).unref();
setTimeout(() => process.exit(0), timeout * 1000).unref();
