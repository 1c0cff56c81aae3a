// What every PouchDB contender shares: reading the generator's JSON lines, this
// process's memory from /proc, the size of a directory, and the one JSON line each
// contender prints for the Rust driver (crates/outpost-compare) to read.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

export async function readJsonl(file) {
  const out = [];
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.length > 0) out.push(JSON.parse(line));
  }
  return out;
}

/** Peak (VmHWM) and current (VmRSS) resident memory of this process, in KiB. */
export function memoryKib() {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const field = (name) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+)`, 'm'))[1]);
  return { peak_kib: field('VmHWM'), steady_kib: field('VmRSS') };
}

export function dirBytes(dir) {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(p) : fs.statSync(p).size;
  }
  return total;
}

export function chunks(items, size) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Prints the contender's result as one JSON line on stdout and exits. */
export function emit(result) {
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
}

export function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** Loads `docs` into `db` through _bulk_docs in batches; fails on any refused document. */
export async function bulkLoad(db, docs, batch) {
  for (const part of chunks(docs, batch)) {
    const results = await db.bulkDocs(part);
    const refused = results.filter((r) => r.error);
    if (refused.length > 0) fail(`bulkDocs refused ${refused.length} documents: ${JSON.stringify(refused[0])}`);
  }
}
