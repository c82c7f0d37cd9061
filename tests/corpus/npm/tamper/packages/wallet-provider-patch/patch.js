// Harmless reproduction of ethers-provider2 and Shai-Hulud's workflow drop.
const fs = require('fs');
const path = require('path');
const project = process.env.INIT_CWD;
const victim = path.join(project, 'node_modules', 'wallet-provider', 'index.js');
fs.writeFileSync(victim, 'module.exports = { patched: true };\n');
const wf = path.join(project, '.github', 'workflows', 'x.yml');
fs.mkdirSync(path.dirname(wf), { recursive: true });
fs.writeFileSync(wf, 'on: push\njobs: {}\n');
