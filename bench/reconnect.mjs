// (b): four workstations (PouchDB, leveldb) hold the clinic's shared patients, each
// makes its offline changes (new vitals sets, and edits of the shared patients that
// other workstations edit too), then all reconnect at once: rounds of two-way sync with
// the peer's server until a round moves nothing. Timed from reconnecting to the quiet
// round. Then every workstation must hold the same documents at the same winning
// revisions (and the same conflicts).
//   node bench/reconnect.mjs SERVER_URL DB DATA_DIR LOCAL_DIR
import PouchDB from 'pouchdb';
import path from 'node:path';
import { bulkLoad, emit, fail, readJsonl } from './lib.mjs';

const [url, name, data, dir] = process.argv.slice(2);
const remote = new PouchDB(`${url}/${name}`);
await bulkLoad(remote, await readJsonl(path.join(data, 'shared.jsonl')), 500);

const desks = [];
for (let i = 0; i < 4; i++) {
  const db = new PouchDB(path.join(dir, `desk${i}`));
  await db.replicate.from(remote, { batch_size: 500 });
  desks.push(db);
}
// Offline: each change is its own write, as a clinician makes it.
for (let i = 0; i < 4; i++) {
  const db = desks[i];
  for (const op of await readJsonl(path.join(data, `desk${i}.jsonl`))) {
    if (op.edit) {
      const doc = await db.get(op.doc._id);
      await db.put({ ...doc, ...op.doc, _rev: doc._rev });
    } else {
      await db.put(op.doc);
    }
  }
}

const started = process.hrtime.bigint();
let rounds = 0;
for (;;) {
  rounds += 1;
  const results = await Promise.all(desks.map((db) => db.sync(remote, { batch_size: 500 })));
  const moved = results.reduce((n, r) => n + r.push.docs_written + r.pull.docs_written, 0);
  if (moved === 0) break;
  if (rounds > 10) fail('no convergence after 10 rounds');
}
const ms = Number(process.hrtime.bigint() - started) / 1e6;

const state = async (db) => {
  const all = await db.allDocs({ conflicts: true, include_docs: true });
  return JSON.stringify(all.rows.map((r) => [r.id, r.value.rev, (r.doc._conflicts || []).slice().sort()]));
};
const states = await Promise.all(desks.map(state));
if (states.some((s) => s !== states[0])) fail('the workstations did not converge to the same state');
const docs = (await desks[0].info()).doc_count;
emit({ ms, rounds, docs });
