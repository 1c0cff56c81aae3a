// (d): 8 clients push new patient documents to the peer's server at once, through
// _bulk_docs in batches of 100, each batch acknowledged before the client's next.
//   node bench/ingest.mjs SERVER_URL DB PATIENTS.jsonl CLIENTS BATCH
import { chunks, emit, fail, readJsonl } from './lib.mjs';

const [url, name, file, clientsArg, batchArg] = process.argv.slice(2);
const clients = Number(clientsArg);
const batch = Number(batchArg);
const docs = await readJsonl(file);
const db = `${url}/${name}`;
const created = await fetch(db, { method: 'PUT' });
if (!created.ok) fail(`creating ${name}: ${created.status} ${await created.text()}`);
const share = Math.ceil(docs.length / clients);
const bodies = [];
for (let c = 0; c < clients; c++) {
  bodies.push(chunks(docs.slice(c * share, (c + 1) * share), batch).map((part) => JSON.stringify({ docs: part })));
}

const push = async (batches) => {
  for (const body of batches) {
    const res = await fetch(`${db}/_bulk_docs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const answer = await res.json();
    if (!res.ok || answer.some((r) => r.error)) fail(`_bulk_docs refused: ${JSON.stringify(answer).slice(0, 300)}`);
  }
};
const started = process.hrtime.bigint();
await Promise.all(bodies.map(push));
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const info = await (await fetch(db)).json();
if (info.doc_count !== docs.length) fail(`stored ${info.doc_count} of ${docs.length}`);
emit({ ms, docs: docs.length });
