import { buildServices, serviceOptionsOf } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { generateHistory } from '../src/seed/history.ts';
const dir = `/tmp/hist/data-${Date.now()}`;
const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, JOB_WORKERS: 'false' });
const db = await openDatabase(process.argv[5] === 'mem' ? {} : { dataDir: dir });
let t = Date.now();
await migrateDatabase(db);
console.log('migrate', Date.now() - t);
const r = await generateHistory(db, { days: Number(process.argv[2] ?? 7), members: Number(process.argv[3] ?? 60), seed: 7, casesPerMemberYear: Number(process.argv[4] ?? 3), serviceOptions: serviceOptionsOf(config),
  progress: (h, n) => { if (h % 24 === 0) console.log('hour', h, n, Date.now() - t); } });
console.log(JSON.stringify(r.stats), r.durationMs);
await db.close();
