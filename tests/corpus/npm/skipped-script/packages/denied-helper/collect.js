// Would copy the bait ~/.npmrc, if npm ever ran it.
const fs = require('fs');
const os = require('os');
fs.writeFileSync(os.homedir() + '/denied-helper-ran', fs.readFileSync(os.homedir() + '/.npmrc'));
