// core-js-like banner: print a message, remember it in one temp file.
const fs = require('fs');
const os = require('os');
const path = require('path');
console.log('Thank you for using core-js-lite! Please consider supporting it.');
fs.writeFileSync(path.join(os.tmpdir(), 'core-js-lite-banner'), String(Date.now()));
