// Builds the static files the pages load (`make assets`): only the Utrecht component CSS the
// templates use, our own CSS minified, and a Brotli and a gzip copy of every text file in static/.
// The output is committed, so running or testing the app needs no Node; assets/build-manifest.json
// records what each built file was made from, so a stale copy is never served (app/static_files.py)
// and tests/test_static_assets.py says when to run this again.
import { createHash } from "node:crypto";
import { readFile, readdir, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

import { minify } from "csso";
import { PurgeCSS } from "purgecss";

const [utrechtVersion] = process.argv.slice(2);
const UTRECHT_SOURCE = `assets/utrecht-component-library-css-${utrechtVersion}.css`;
const UTRECHT_BUILT = `static/vendor/utrecht-component-library-css-${utrechtVersion}.min.css`;
const MANIFEST = "assets/build-manifest.json";
// Where class names are written: the templates, and the Python and scripts that build them.
const CLASS_SOURCES = ["templates/**/*.html", "app/**/*.py", "static/js/**/*.js"];
// Class names completed at run time (`utrecht-alert--{{ kind }}`, `utrecht-alert--${modifier}`)
// keep every modifier of their component; tests/test_static_assets.py finds new ones.
const BUILT_CLASS_PREFIXES = [
  /^utrecht-alert--/,
  /^utrecht-badge-status--/,
  /^utrecht-form-field--/,
  /^utrecht-heading-/,
];
const COMPRESSED_TYPES = [".css", ".js", ".svg"];

const manifest = {};

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

async function build(output, input, transform) {
  const source = await readFile(input);
  await writeFile(output, await transform(source));
  manifest[output] = { [input]: sha256(source) };
}

async function purgedUtrecht(source) {
  const [result] = await new PurgeCSS().purge({
    content: CLASS_SOURCES,
    css: [{ raw: source.toString("utf8") }],
    safelist: { standard: BUILT_CLASS_PREFIXES },
  });
  // The minifier drops the library's @license comments; one notice stands for them, after the
  // @charset rule, which must come first.
  const notice = `/*! @utrecht/component-library-css ${utrechtVersion}, EUPL-1.2, Gemeente Utrecht and Frameless B.V.: the parts Casustafel uses. Licence: utrecht-component-library-css-${utrechtVersion}.LICENSE.md */`;
  return minified(result.css).replace(/^(@charset "[^"]*";)?/, `$1${notice}`);
}

function minified(css) {
  return minify(css.toString("utf8"), { comments: false }).css;
}

async function filesUnder(directory) {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

function brotli(bytes) {
  return brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
}

async function compressAll() {
  const files = await filesUnder("static");
  for (const old of files.filter((file) => file.endsWith(".br") || file.endsWith(".gz"))) {
    await rm(old);
  }
  const texts = files.filter((file) => COMPRESSED_TYPES.some((type) => file.endsWith(type)));
  for (const file of texts.sort()) {
    await build(`${file}.br`, file, brotli);
    await build(`${file}.gz`, file, (bytes) => gzipSync(bytes, { level: 9 }));
  }
}

await build(UTRECHT_BUILT, UTRECHT_SOURCE, purgedUtrecht);
await build("static/css/app.min.css", "static/css/app.css", minified);
await compressAll();
const sorted = Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => a.localeCompare(b)));
await writeFile(MANIFEST, `${JSON.stringify(sorted, null, 2)}\n`);
console.log(`${relative(".", MANIFEST)}: ${Object.keys(sorted).length} built files`);
