// (a) and (f): a new workstation's PouchDB (leveldb) pulls every document of the clinic
// from the peer's server over HTTP, 500 per batch (Outpost's bootstrap page). Timed from
// the first request to the last write; prints time, documents, and this process's peak
// and steady resident memory.
//   node bench/bootstrap.mjs SERVER_URL DB LOCAL_DIR EXPECTED_DOCS
import PouchDB from 'pouchdb';
import path from 'node:path';
import { emit, fail, memoryKib } from './lib.mjs';

const [url, name, dir, expected] = process.argv.slice(2);
const local = new PouchDB(path.join(dir, 'workstation'));
const started = process.hrtime.bigint();
await local.replicate.from(`${url}/${name}`, { batch_size: 500, batches_limit: 4 });
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const info = await local.info();
if (info.doc_count !== Number(expected)) fail(`pulled ${info.doc_count} of ${expected} documents`);
emit({ ms, docs: info.doc_count, ...memoryKib() });
