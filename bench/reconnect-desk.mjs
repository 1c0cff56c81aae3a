// One workstation of (b), in a process of its own as a workstation is a machine of its
// own: bench/reconnect.mjs forks four of these and sends each the same requests in turn.
//   prepare: replicate the shared patients from the server, then make this desk's
//            offline changes, each its own write;
//   sync:    one two-way sync with the server; answers how many documents it moved;
//   state:   every document's winning revision and conflicts, to compare across desks.
import PouchDB from 'pouchdb';
import path from 'node:path';
import { readJsonl } from './lib.mjs';

let db;
let remote;

async function prepare({ url, data, dir, desk }) {
  remote = new PouchDB(url);
  db = new PouchDB(path.join(dir, `desk${desk}`));
  await db.replicate.from(remote, { batch_size: 500 });
  for (const op of await readJsonl(path.join(data, `desk${desk}.jsonl`))) {
    if (op.edit) {
      const doc = await db.get(op.doc._id);
      await db.put({ ...doc, ...op.doc, _rev: doc._rev });
    } else {
      await db.put(op.doc);
    }
  }
  return {};
}

async function sync() {
  const r = await db.sync(remote, { batch_size: 500 });
  return { moved: r.push.docs_written + r.pull.docs_written };
}

async function state() {
  const all = await db.allDocs({ conflicts: true, include_docs: true });
  const rows = all.rows.map((r) => [r.id, r.value.rev, (r.doc._conflicts || []).slice().sort()]);
  return { state: JSON.stringify(rows), docs: (await db.info()).doc_count };
}

const requests = { prepare, sync, state };

process.on('message', async (msg) => {
  try {
    process.send({ ok: await requests[msg.cmd](msg) });
  } catch (e) {
    process.send({ error: `${msg.cmd}: ${e && e.stack ? e.stack : e}` });
  }
});
process.on('disconnect', () => process.exit(0));
