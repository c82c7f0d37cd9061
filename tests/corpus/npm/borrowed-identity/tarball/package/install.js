// Harmless: proves it ran by leaving a marker in its own folder.
require('fs').writeFileSync(require('path').join(__dirname, 'ran.txt'), 'ran\n');
