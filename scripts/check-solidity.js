// Compiles the contracts' shared declarations with the pinned solc (npm `solc`) and fails on
// any error or warning: `node scripts/check-solidity.js`.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const root = path.join(__dirname, '..', 'contracts');
const entry = 'test/PlasmaTypesHarness.sol';
const input = {
  language: 'Solidity',
  sources: { [entry]: { content: fs.readFileSync(path.join(root, entry), 'utf8') } },
  settings: { outputSelection: { '*': { '*': ['abi'] } } },
};
const findImports = (p) => {
  const file = path.join(root, p);
  return fs.existsSync(file) ? { contents: fs.readFileSync(file, 'utf8') } : { error: `not found: ${p}` };
};
const out = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const problems = out.errors || [];
for (const e of problems) console.error(e.formattedMessage);
if (problems.length > 0) process.exit(1);
const compiled = Object.keys(out.contracts[entry] || {});
console.log(`solc ${solc.version()}: ${Object.keys(out.sources).join(', ')} compile cleanly (${compiled.join(', ')})`);
