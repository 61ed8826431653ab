import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CsvRecord, CsvStop, readCsv } from './csv-reader.ts';

async function read(chunks: (string | Uint8Array)[], maxRecordChars?: number): Promise<CsvRecord[]> {
  const found: CsvRecord[] = [];
  for await (const record of readCsv(
    (async function* () {
      yield* chunks;
    })(),
    maxRecordChars === undefined ? {} : { maxRecordChars },
  )) {
    found.push(record);
  }
  return found;
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe('readCsv', () => {
  it('reads fields, quotes, escaped quotes and both line ends, with each record’s first line', async () => {
    const text = 'a,b,c\r\n1,"dos, tres","con ""comillas"""\n"varias\nlíneas",x,\r\n\r\nfin,,z';
    expect(await read([bytes(text)])).toEqual([
      { fields: ['a', 'b', 'c'], line: 1 },
      { fields: ['1', 'dos, tres', 'con "comillas"'], line: 2 },
      { fields: ['varias\nlíneas', 'x', ''], line: 3 },
      { fields: ['fin', '', 'z'], line: 6 },
    ]);
  });

  it('gives the same records whatever the chunks (split anywhere, even inside a character)', async () => {
    const text = '\uFEFFnombre,nota\r\n"Peña, José","dijo ""sí""\r\notra"\rÑ,ü\n';
    const whole = await read([bytes(text)]);
    expect(whole).toEqual([
      { fields: ['nombre', 'nota'], line: 1 },
      { fields: ['Peña, José', 'dijo "sí"\r\notra'], line: 2 },
      { fields: ['Ñ', 'ü'], line: 4 },
    ]);
    const all = bytes(text);
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: all.length - 1 }), { maxLength: 8 }),
        async (cuts) => {
          const points = [0, ...cuts.sort((a, b) => a - b), all.length];
          const chunks = points.slice(1).map((end, i) => all.slice(points[i], end));
          expect(await read(chunks)).toEqual(whole);
        },
      ),
    );
  });

  it('round-trips any fields written by the RFC 4180 rules', async () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'ñ', ',', '"', '\n', '\r\n', ' ', '1') });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(field, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
        async (records) => {
          const quote = (f: string) => `"${f.replaceAll('"', '""')}"`;
          const text = records.map((r) => r.map(quote).join(',')).join('\r\n');
          expect((await read([text])).map((r) => r.fields)).toEqual(records);
        },
      ),
    );
  });

  it('marks a record that breaks the quoting rules and reads on', async () => {
    expect(await read(['a,b"c,d\n"x"y,z\nok,1\n'])).toEqual([
      { fields: ['a', 'b"c', 'd'], line: 1, malformed: 'quote_in_field' },
      { fields: ['x', 'z'], line: 2, malformed: 'text_after_quote' },
      { fields: ['ok', '1'], line: 3 },
    ]);
  });

  it('stops at bytes that are not UTF-8, at a quote never closed and at an endless record', async () => {
    await expect(read([bytes('a,b\n'), new Uint8Array([0x63, 0xff, 0x0a])])).rejects.toEqual(
      new CsvStop('not_utf8', 2),
    );
    // In one chunk with good records: those before the bad bytes are read.
    const found: CsvRecord[] = [];
    const reading = (async () => {
      for await (const r of readCsv([bytes('a,b\nc,d\n'), new Uint8Array([0x65, 0xff])])) found.push(r);
    })();
    await expect(reading).rejects.toMatchObject({ reason: 'not_utf8', line: 3 });
    expect(found.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    const together: CsvRecord[] = [];
    const one = (async () => {
      for await (const r of readCsv([new Uint8Array([...bytes('a,b\nc,d\n'), 0x65, 0xff])])) together.push(r);
    })();
    await expect(one).rejects.toMatchObject({ reason: 'not_utf8', line: 3 });
    expect(together.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    await expect(read(['a,b\n"sin cerrar,1\n2,3\n'])).rejects.toMatchObject({
      reason: 'unterminated_quote',
      line: 2,
    });
    await expect(read(['a,b\n', `"${'x'.repeat(200)}`, 'y'.repeat(200)], 300)).rejects.toMatchObject({
      reason: 'record_too_long',
      line: 2,
    });
  });
});
