// The pinned npm solc behind the command-line interface forge expects: `--version` and
// `--standard-json` (input on stdin, output on stdout). Anything else is refused.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require(path.join(__dirname, '..', '..', 'node_modules', 'solc'));

const args = process.argv.slice(2);
if (args.includes('--version')) {
  const v = solc.version().replace('.Emscripten.clang', '.Linux.g++');
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${v}\n`);
} else if (args.includes('--standard-json')) {
  const input = fs.readFileSync(0, 'utf8');
  // Sources arrive with their content; imports outside them are resolved from disk, as
  // `--allow-paths` would.
  const findImports = (p) => {
    for (const base of [process.cwd(), path.join(__dirname, '..')]) {
      const file = path.resolve(base, p);
      if (fs.existsSync(file)) return { contents: fs.readFileSync(file, 'utf8') };
    }
    return { error: `not found: ${p}` };
  };
  process.stdout.write(solc.compile(input, { import: findImports }));
} else {
  process.stderr.write(`solc wrapper: unsupported arguments: ${args.join(' ')}\n`);
  process.exit(2);
}
