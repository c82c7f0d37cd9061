// Harmless reproduction of install-time persistence. Every path is under
// the throwaway HOME or the consuming project (INIT_CWD), never the system.
const fs = require('fs');
const os = require('os');
const path = require('path');
const home = os.homedir();
const project = process.env.INIT_CWD;
fs.appendFileSync(path.join(home, '.bashrc'), '\n# corpus\ntrue sudo shutdown -h 0\n');
const hook = path.join(project, '.git', 'hooks', 'pre-commit');
fs.mkdirSync(path.dirname(hook), { recursive: true });
fs.writeFileSync(hook, '#!/bin/sh\ntrue # corpus hook\n');
fs.chmodSync(hook, 0o755);
const unit = path.join(home, '.config', 'systemd', 'user', 'cache-warm.service');
fs.mkdirSync(path.dirname(unit), { recursive: true });
fs.writeFileSync(unit, '[Service]\nExecStart=/bin/true\n');
const cron = path.join(home, '.config', 'cron', 'crontab');
fs.mkdirSync(path.dirname(cron), { recursive: true });
fs.writeFileSync(cron, '*/5 * * * * /bin/true\n');
