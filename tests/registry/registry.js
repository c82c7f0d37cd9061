#!/usr/bin/env node
// tests/registry/registry.js - a tiny npm registry for the test corpus.
//
// Serves, from a directory of tarballs made by `npm pack`:
//   GET /<name>, GET /@scope%2fname      -> packument (every version found)
//   GET /<name>/-/<file>.tgz             -> the tarball
// Each tarball's package.json is read from the tarball itself, so the
// directory is the whole truth: drop a new .tgz in and it is published.
// Integrity (sha512) and shasum (sha1) are computed from the bytes served.
//
// Usage: registry.js --dir DIR [--port N] [--host 127.0.0.1]
//                    [--port-file F] [--timeout SECONDS]
// Prints "port N" on stdout once listening (port 0 picks a free one).
// Stops by itself when its parent process dies or after the timeout
// (default 900 s), so a crashed test never leaves it behind.
// Plain Node.js, no dependencies.
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const crypto = require('crypto');

function parseArgs(argv) {
  const o = { dir: null, port: 0, host: '127.0.0.1', portFile: null, timeout: 900 };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i], v = argv[i + 1];
    if (a === '--dir') { o.dir = v; i++; }
    else if (a === '--port') { o.port = Number(v); i++; }
    else if (a === '--host') { o.host = v; i++; }
    else if (a === '--port-file') { o.portFile = v; i++; }
    else if (a === '--timeout') { o.timeout = Number(v); i++; }
    else { die(`unknown argument: ${a}`); }
  }
  if (!o.dir) die('--dir is required');
  return o;
}

function die(msg) {
  process.stderr.write(`registry: ${msg}\n`);
  process.exit(2);
}

// readPackageJson: the package/package.json entry of a gzipped ustar
// archive (npm pack always writes it under "package/").
function readPackageJson(tgz) {
  const tar = zlib.gunzipSync(tgz);
  for (let off = 0; off + 512 <= tar.length;) {
    const hdr = tar.subarray(off, off + 512);
    if (hdr[0] === 0) break;
    const field = (s, n) => hdr.subarray(s, s + n).toString('latin1').replace(/\0.*$/s, '');
    let name = field(0, 100);
    const prefix = field(345, 155);
    if (prefix) name = `${prefix}/${name}`;
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = String.fromCharCode(hdr[156] || 48);
    const body = off + 512;
    if ((type === '0' || type === '\0') && name.replace(/^[^/]+\//, '') === 'package.json' &&
        name.split('/').length === 2) {
      return JSON.parse(tar.subarray(body, body + size).toString('utf8'));
    }
    off = body + Math.ceil(size / 512) * 512;
  }
  throw new Error('no package.json in tarball');
}

// scan: name -> { versions: {ver: {manifest, file}}, latest }
function scan(dir) {
  const pkgs = new Map();
  for (const f of fs.readdirSync(dir)) {
    if (!f.endsWith('.tgz')) continue;
    const file = path.join(dir, f);
    let bytes, manifest;
    try {
      bytes = fs.readFileSync(file);
      manifest = readPackageJson(bytes);
    } catch (e) {
      process.stderr.write(`registry: skipping ${f}: ${e.message}\n`);
      continue;
    }
    if (!pkgs.has(manifest.name)) pkgs.set(manifest.name, { versions: {}, files: {} });
    const p = pkgs.get(manifest.name);
    p.versions[manifest.version] = {
      manifest,
      integrity: 'sha512-' + crypto.createHash('sha512').update(bytes).digest('base64'),
      shasum: crypto.createHash('sha1').update(bytes).digest('hex'),
    };
    p.files[tarballName(manifest.name, manifest.version)] = file;
  }
  return pkgs;
}

// tarballName: "<basename>-<version>.tgz", as the public registry spells it.
function tarballName(name, version) {
  return `${name.replace(/^@[^/]+\//, '')}-${version}.tgz`;
}

function cmpSemver(a, b) {
  const pa = a.split(/[.+-]/).map(Number), pb = b.split(/[.+-]/).map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] || 0) !== (pb[i] || 0)) return (pa[i] || 0) - (pb[i] || 0);
  return 0;
}

function packument(name, p, base) {
  const versions = {};
  const time = {};
  for (const [ver, v] of Object.entries(p.versions)) {
    versions[ver] = Object.assign({}, v.manifest, {
      _id: `${name}@${ver}`,
      dist: {
        tarball: `${base}/${name}/-/${tarballName(name, ver)}`,
        integrity: v.integrity,
        shasum: v.shasum,
      },
    });
    time[ver] = '2026-01-01T00:00:00.000Z';
  }
  const latest = Object.keys(versions).sort(cmpSemver).pop();
  return { _id: name, name, 'dist-tags': { latest }, versions, time };
}

function main() {
  const opt = parseArgs(process.argv);
  if (!fs.statSync(opt.dir, { throwIfNoEntry: false })?.isDirectory()) die(`not a directory: ${opt.dir}`);

  const server = http.createServer((req, res) => {
    const send = (code, type, body) => {
      res.writeHead(code, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed\n');
    const url = req.url.split('?')[0];
    const base = `http://${req.headers.host || `${opt.host}:${server.address().port}`}`;
    const pkgs = scan(opt.dir);
    const tgz = url.match(/^\/((?:@[^/]+(?:\/|%2[fF]))?[^/@][^/]*)\/-\/([^/]+\.tgz)$/);
    if (tgz) {
      const name = decodeURIComponent(tgz[1]);
      const file = pkgs.get(name)?.files[tgz[2]];
      if (!file) return send(404, 'application/json', '{"error":"not found"}\n');
      return send(200, 'application/octet-stream', fs.readFileSync(file));
    }
    const name = decodeURIComponent(url.slice(1));
    const p = pkgs.get(name);
    if (!p) return send(404, 'application/json', '{"error":"not found"}\n');
    send(200, 'application/json', JSON.stringify(packument(name, p, base)));
  });

  server.listen(opt.port, opt.host, () => {
    const port = server.address().port;
    if (opt.portFile) fs.writeFileSync(opt.portFile, `${port}\n`);
    process.stdout.write(`port ${port}\n`);
  });

  // Stop with the parent: when it dies we are re-parented, so ppid changes.
  const parent = process.ppid;
  setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 500).unref();
  setTimeout(() => process.exit(0), opt.timeout * 1000).unref();
  server.on('error', (e) => die(e.message));
}

main();
