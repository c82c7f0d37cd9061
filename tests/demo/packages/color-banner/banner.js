// A friendly banner, remembered in one temp file (what core-js does).
const fs = require('fs');
const os = require('os');
const path = require('path');
console.log('color-banner: thanks for installing!');
fs.writeFileSync(path.join(os.tmpdir(), 'color-banner-shown'), '1');
