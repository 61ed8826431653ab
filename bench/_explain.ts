// scratch: explain (analyze, buffers) the run's statements of one batch in place
import pg from 'pg';

const TARGET_BATCH = Number(process.env.EXPLAIN_BATCH ?? 10);
let seen = 0;
const proto = pg.Client.prototype as any;
const original = proto.query;
proto.query = function (this: any, ...args: any[]) {
  const config = args[0];
  const text: string = typeof config === 'string' ? config : (config?.text ?? '');
  const values = (typeof config === 'string' ? undefined : config?.values) ?? args[1];
  const kind = text.includes('with due as')
    ? 'createDue'
    : text.includes('with o as')
      ? 'settle'
      : text.includes('with t as')
        ? 'changeStates'
        : text.includes('sandbox_charges') && /insert/i.test(text)
          ? 'sandbox insert'
          : null;
  if (kind === 'createDue') seen++;
  if (kind && seen === TARGET_BATCH) {
    const inTx = kind !== 'createDue' && kind !== 'sandbox insert';
    original.call(this, inTx ? 'savepoint xp' : 'begin');
    original.call(this, { text: `explain (analyze, buffers, costs off) ${text}`, values }).then((r: any) => {
      process.stderr.write(`\n==== ${kind}\n${r.rows.map((x: any) => x['QUERY PLAN']).join('\n')}\n`);
    });
    original.call(this, inTx ? 'rollback to savepoint xp' : 'rollback');
  }
  return original.apply(this, args);
};
await import('./run.ts');
