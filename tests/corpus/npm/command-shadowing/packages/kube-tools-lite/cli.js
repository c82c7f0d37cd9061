#!/usr/bin/env node
console.log('corpus shadow');
