// (e): bytes on disk in PouchDB's leveldb for small records (vitals sets, written in
// batches of 500 like a pull page) and for note-heavy encounters written with the same
// edits Outpost's documents hold (one put per version). Sizes after closing, minus an
// empty database's.
//   node bench/disk.mjs VITALS.jsonl ENCOUNTERS.jsonl LOCAL_DIR
import PouchDB from 'pouchdb';
import path from 'node:path';
import { bulkLoad, dirBytes, emit, readJsonl } from './lib.mjs';

const [vitalsFile, encountersFile, dir] = process.argv.slice(2);

const sizeOf = async (name, fill) => {
  const db = new PouchDB(path.join(dir, name));
  await fill(db);
  await db.close();
  return dirBytes(path.join(dir, name));
};
const empty = await sizeOf('empty', async (db) => { await db.info(); });
const vitals = await readJsonl(vitalsFile);
const vitalsBytes = await sizeOf('vitals', (db) => bulkLoad(db, vitals, 500));
const encounters = await readJsonl(encountersFile);
const encounterBytes = await sizeOf('encounters', async (db) => {
  for (const e of encounters) {
    let rev;
    for (const version of e.versions) {
      const res = await db.put({ ...version, _id: e.id, ...(rev ? { _rev: rev } : {}) });
      rev = res.rev;
    }
  }
});
emit({
  vitals: vitals.length,
  vitals_bytes: vitalsBytes - empty,
  encounters: encounters.length,
  edits_per_encounter: encounters[0].versions.length,
  encounter_bytes: encounterBytes - empty,
});
