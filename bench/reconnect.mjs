// (b): four workstations (PouchDB, leveldb) hold the clinic's shared patients, each
// makes its offline changes (new vitals sets, and edits of the shared patients that
// other workstations edit too), then all reconnect at once: rounds of two-way sync with
// the peer's server until a round moves nothing. Timed from reconnecting to the quiet
// round. Then every workstation must hold the same documents at the same winning
// revisions (and the same conflicts). Each workstation is a process of its own
// (bench/reconnect-desk.mjs), as Outpost's each run on a thread of their own.
//   node bench/reconnect.mjs SERVER_URL DB DATA_DIR LOCAL_DIR
import PouchDB from 'pouchdb';
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bulkLoad, emit, fail, readJsonl } from './lib.mjs';

const DESKS = 4;
const [url, name, data, dir] = process.argv.slice(2);
const remote = new PouchDB(`${url}/${name}`);
await bulkLoad(remote, await readJsonl(path.join(data, 'shared.jsonl')), 500);

/** A desk process and a way to ask it one thing at a time. */
function startDesk() {
  const child = fork(path.join(path.dirname(fileURLToPath(import.meta.url)), 'reconnect-desk.mjs'));
  child.on('exit', (code) => {
    if (code !== 0 && code !== null) fail(`a workstation process exited with ${code}`);
  });
  const ask = (request) =>
    new Promise((resolve) => {
      child.once('message', (answer) => {
        if (answer.error) fail(`a workstation failed: ${answer.error}`);
        resolve(answer.ok);
      });
      child.send(request);
    });
  return { child, ask };
}

const desks = Array.from({ length: DESKS }, startDesk);
// Set-up, not measured: each desk replicates the shared patients and works offline.
await Promise.all(
  desks.map((d, desk) => d.ask({ cmd: 'prepare', url: `${url}/${name}`, data, dir, desk })),
);

const started = process.hrtime.bigint();
let rounds = 0;
for (;;) {
  rounds += 1;
  const results = await Promise.all(desks.map((d) => d.ask({ cmd: 'sync' })));
  const moved = results.reduce((n, r) => n + r.moved, 0);
  if (moved === 0) break;
  if (rounds > 10) fail('no convergence after 10 rounds');
}
const ms = Number(process.hrtime.bigint() - started) / 1e6;

const states = await Promise.all(desks.map((d) => d.ask({ cmd: 'state' })));
if (states.some((s) => s.state !== states[0].state)) fail('the workstations did not converge to the same state');
for (const d of desks) d.child.disconnect();
emit({ ms, rounds, docs: states[0].docs });
