// Set-up, not measured: loads the documents of a JSON-lines file into a database on the
// peer's server through _bulk_docs, 500 at a time.
//   node bench/load.mjs SERVER_URL DB DOCS.jsonl
import PouchDB from 'pouchdb';
import { bulkLoad, emit, readJsonl } from './lib.mjs';

const [url, name, file] = process.argv.slice(2);
const docs = await readJsonl(file);
const db = new PouchDB(`${url}/${name}`);
await bulkLoad(db, docs, 500);
const info = await db.info();
emit({ docs: info.doc_count });
