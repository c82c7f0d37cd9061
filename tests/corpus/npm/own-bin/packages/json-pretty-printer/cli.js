#!/usr/bin/env node
console.log(JSON.stringify(JSON.parse(require('fs').readFileSync(0, 'utf8')), null, 2));
