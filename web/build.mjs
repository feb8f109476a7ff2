// Bundles the web application into the directory given (the build tree's
// web/dist): dist/index.html, dist/assets/<name>-<hash>.{js,css} and a gzip
// copy beside each, which the server sends to clients that accept gzip.
// Prints the JavaScript shipped, gzipped, and fails above the 300 KB budget.
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';

const kJsBudgetBytes = 300 * 1024;

const out = process.argv[2];
if (!out) {
  console.error('usage: node build.mjs OUT_DIR');
  process.exit(2);
}
// A fresh directory each time: stale hashed files would otherwise pile up.
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'assets'), { recursive: true });

const result = await esbuild.build({
  entryPoints: ['src/main.jsx'],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome109', 'firefox115', 'safari15'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: join(out, 'assets'),
  entryNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const js = outputs.find((f) => f.endsWith('.js'));
const css = outputs.find((f) => f.endsWith('.css'));
const html = readFileSync('src/index.html', 'utf8')
  .replace('%SCRIPT%', `/assets/${js}`)
  .replace('%STYLE%', `/assets/${css}`);
writeFileSync(join(out, 'index.html'), html);

// Precompressed copies, so that the server never compresses per request.
let jsGzip = 0;
const compress = (path) => {
  const gz = gzipSync(readFileSync(path), { level: 9 });
  writeFileSync(`${path}.gz`, gz);
  return gz.length;
};
compress(join(out, 'index.html'));
for (const f of readdirSync(join(out, 'assets'))) {
  if (f.endsWith('.gz')) continue;
  const size = compress(join(out, 'assets', f));
  if (f.endsWith('.js')) jsGzip += size;
}
const jsRaw = statSync(join(out, 'assets', js)).size;
console.log(
  `web: ${js}: ${(jsRaw / 1024).toFixed(1)} KB, ${(jsGzip / 1024).toFixed(1)} KB gzipped ` +
    `(budget ${kJsBudgetBytes / 1024} KB)`,
);
if (jsGzip > kJsBudgetBytes) {
  console.error(`web: the JavaScript shipped exceeds its budget of ${kJsBudgetBytes / 1024} KB gzipped`);
  process.exit(1);
}
