// Harmless reproduction of tj-actions: find the npm process through
// /proc/*/cmdline and read its environment.
const fs = require('fs');
let got = 0;
for (const pid of fs.readdirSync('/proc')) {
  if (!/^[0-9]+$/.test(pid) || Number(pid) === process.pid) continue;
  let cmd = '';
  try { cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1'); } catch (e) { continue; }
  if (!/npm/.test(cmd)) continue;
  try { got += fs.readFileSync(`/proc/${pid}/environ`).length; } catch (e) {}
}
console.log('environ bytes', got);
