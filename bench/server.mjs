// The peer's server: express 4 + express-pouchdb 4 over PouchDB's leveldb adapter, on a
// free loopback port, databases under the directory given. Prints "listening on URL".
//   node bench/server.mjs DATA_DIR
import express from 'express';
import expressPouchDB from 'express-pouchdb';
import PouchDB from 'pouchdb';
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: node server.mjs DATA_DIR\n');
  process.exit(2);
}
fs.mkdirSync(dir, { recursive: true });
const Db = PouchDB.defaults({ prefix: path.join(dir, '/') });
const app = express();
app.use('/', expressPouchDB(Db, {
  mode: 'minimumForPouchDB',
  configPath: path.join(dir, 'config.json'),
  logPath: path.join(dir, 'log.txt'),
}));
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
});
