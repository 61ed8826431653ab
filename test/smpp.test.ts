import net, { type AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { rows } from '../src/db/client.ts';
import type { OutgoingMessage, Receipt } from '../src/domains/notifications/channels.ts';
import { type NewNotification, NotificationsRepository } from '../src/domains/notifications/repository.ts';
import { SmppChannel, type SmppChannelOptions } from '../src/domains/notifications/smpp.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { newId } from '../src/lib/ids.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { buildMembership } from './support/factories.ts';
import { reassemble, startSmppServer, type TestSmppServer } from './support/smpp.ts';

/**
 * The SMPP channel against a real SMPP 3.4 peer on loopback (the `smpp` package's server side):
 * what arrives at the SMSC (encoding, exact text, parts and their header, addresses), how its
 * answers become outcomes, a refused bind, a dropped connection, and delivery receipts.
 */

const clock = new ManualClock('2026-11-25T20:05:00Z');
let server: TestSmppServer;
let channel: SmppChannel;
const logs: { level: string; message: string }[] = [];
const receipts: Receipt[] = [];
const opened: SmppChannel[] = [];

function open(options: Partial<SmppChannelOptions> = {}): SmppChannel {
  const c = new SmppChannel(
    {
      url: server.url,
      senderId: 'LIBRA',
      // Short waits: a test never sits through a production backoff.
      reconnect: { firstMs: 20, maxMs: 200 },
      log: (level, message) => logs.push({ level, message }),
      ...options,
    },
    clock,
  );
  opened.push(c);
  return c;
}

function sms(text: string, to = '+525512345678'): OutgoingMessage {
  return { id: newId(), kind: 'case_provider_on_the_way', to, language: 'es', subject: '', text };
}

beforeAll(async () => {
  server = await startSmppServer();
  channel = open();
  channel.onReceipt((receipt) => {
    receipts.push(receipt);
  });
});

afterAll(async () => {
  for (const c of opened) await c.close();
  await server?.close();
});

beforeEach(() => {
  server.submitted.length = 0;
  receipts.length = 0;
  logs.length = 0;
});

describe('what reaches the SMSC', () => {
  it('a short GSM-7 text arrives as one SMS with data_coding 0 and the exact text', async () => {
    const delivery = await channel.send(
      sms('Cita confirmada: mañana 10:00 con el Dr. Pérez. ¿Dudas? 55 5480 0900'),
    );
    expect(server.submitted).toHaveLength(1);
    const [submit] = server.submitted;
    expect(delivery).toEqual({ outcome: 'sent', providerMessageId: submit?.messageId });
    expect(submit).toMatchObject({
      systemId: 'libra',
      sourceAddr: 'LIBRA',
      sourceTon: 5,
      sourceNpi: 0,
      destinationAddr: '525512345678',
      destTon: 1,
      destNpi: 1,
      esmClass: 0,
      dataCoding: 0,
      registeredDelivery: 1,
      text: 'Cita confirmada: mañana 10:00 con el Dr. Pérez. ¿Dudas? 55 5480 0900',
      status: 0,
    });
    expect(submit?.concatenation).toBeUndefined();
  });

  it('extension characters arrive whole in GSM-7', async () => {
    await channel.send(sms('Cargo de 218.00 € [plan] {anual} ~ | ^ \\ fin'));
    expect(server.submitted[0]).toMatchObject({
      dataCoding: 0,
      text: 'Cargo de 218.00 € [plan] {anual} ~ | ^ \\ fin',
    });
  });

  it('accented Spanish arrives as UCS-2 (data_coding 8) and decodes to the exact text', async () => {
    const text = 'Tu grúa va en camino: Grúas del Bajío llega en 35 min.';
    await channel.send(sms(text));
    expect(server.submitted).toHaveLength(1);
    expect(server.submitted[0]).toMatchObject({ dataCoding: 8, esmClass: 0, text });
  });

  it('a long text arrives as concatenated parts with one reference, numbered, that rebuild it exactly', async () => {
    const text =
      'Hola, María: tu grúa de Asistencia Libra Plus ya va en camino. El proveedor Grúas del Bajío llegará ' +
      'en aproximadamente 35 minutos a Av. Insurgentes Sur 1602, Crédito Constructor, Benito Juárez. ' +
      'Si necesitas algo, llama al 55 5480 0900 y menciona tu caso AS-26-000123. Número de membresía LP-26-004211';
    const delivery = await channel.send(sms(text));
    const parts = server.submitted;
    expect(parts).toHaveLength(5);
    for (const [i, part] of parts.entries()) {
      expect(part.esmClass & 0x40).toBe(0x40);
      expect(part.dataCoding).toBe(8);
      expect(part.concatenation).toEqual({
        reference: parts[0]?.concatenation?.reference,
        total: 5,
        sequence: i + 1,
      });
      expect(part.text.length).toBeLessThanOrEqual(67);
    }
    expect(reassemble(parts)).toBe(text);
    // The first part's id names the message.
    expect(delivery).toEqual({ outcome: 'sent', providerMessageId: parts[0]?.messageId });
  });

  it('a long GSM-7 text arrives in 153-septet parts and rebuilds exactly, € included', async () => {
    const text = `${'Cobro de diciembre: 218.00 € con la tarjeta que termina en 4242. '.repeat(3)}Fin`;
    await channel.send(sms(text));
    expect(server.submitted.map((p) => p.dataCoding)).toEqual([0, 0]);
    expect(reassemble(server.submitted)).toBe(text);
  });

  it('a 10-digit Mexican number goes with its country code; a malformed one is refused without submitting', async () => {
    await channel.send(sms('Hola', '5512345678'));
    expect(server.submitted[0]?.destinationAddr).toBe('525512345678');
    expect(await channel.send(sms('Hola', '123'))).toEqual({
      outcome: 'permanent_failure',
      reason: 'invalid_phone_number',
      addressRejected: true,
    });
    expect(server.submitted).toHaveLength(1);
  });
});

describe("the SMSC's answers", () => {
  it('ESME_RTHROTTLED (0x58) is a temporary failure naming the status', async () => {
    server.answerNext(0x58);
    expect(await channel.send(sms('Hola'))).toEqual({
      outcome: 'temporary_failure',
      reason: 'submit_sm refused: ESME_RTHROTTLED (0x58)',
    });
  });

  it('ESME_RINVDSTADR (0x0B) is a permanent failure: the number is refused', async () => {
    server.answerNext(0x0b);
    expect(await channel.send(sms('Hola'))).toEqual({
      outcome: 'permanent_failure',
      reason: 'submit_sm refused: ESME_RINVDSTADR (0x0B)',
      addressRejected: true,
    });
  });

  it('a queue full or system error is temporary; an invalid length is permanent but not the number', async () => {
    server.answerNext(0x14, 0x08, 0x01);
    expect(await channel.send(sms('a'))).toMatchObject({ outcome: 'temporary_failure' });
    expect(await channel.send(sms('b'))).toMatchObject({ outcome: 'temporary_failure' });
    expect(await channel.send(sms('c'))).toEqual({
      outcome: 'permanent_failure',
      reason: 'submit_sm refused: ESME_RINVMSGLEN (0x01)',
      addressRejected: false,
    });
  });

  it('a part refused after the first was accepted fails the message, saying which part', async () => {
    server.answerNext(0, 0x58);
    const delivery = await channel.send(sms('x'.repeat(400)));
    expect(delivery).toEqual({
      outcome: 'temporary_failure',
      reason: 'submit_sm refused (part 2 of 3): ESME_RTHROTTLED (0x58)',
    });
  });

  it('no answer within the reply timeout is a temporary failure', async () => {
    const impatient = open({ replyTimeoutMs: 300 });
    await impatient.send(sms('bind first'));
    server.setSilent(true);
    try {
      expect(await impatient.send(sms('Hola'))).toEqual({
        outcome: 'temporary_failure',
        reason: 'submit_sm: no submit_sm_resp within 0.3 s',
      });
    } finally {
      server.setSilent(false);
      await impatient.close();
    }
  });
});

describe('the bind', () => {
  it('a wrong password is a temporary failure with a clear reason, logged, and nothing crashes', async () => {
    const url = server.url.replace(':secreto@', ':otra@');
    const refused = open({ url });
    const first = await refused.send(sms('Hola'));
    expect(first).toEqual({
      outcome: 'temporary_failure',
      reason: expect.stringMatching(
        /^smpp not bound: bind refused by 127\.0\.0\.1:\d+ for system_id "libra": ESME_RINVPASWD \(0x0E\)/,
      ),
    });
    expect(logs).toContainEqual({
      level: 'error',
      message: expect.stringMatching(/ESME_RINVPASWD.*check SMPP_URL's system_id and password/),
    });
    // Later sends say the same while the channel keeps trying with backoff.
    expect(await refused.send(sms('Hola'))).toMatchObject({
      outcome: 'temporary_failure',
      reason: expect.stringContaining('ESME_RINVPASWD'),
    });
    expect(server.submitted).toHaveLength(0);
    await vi.waitFor(() => expect(server.binds.filter((b) => !b.accepted).length).toBeGreaterThan(2));
    await refused.close();
  });

  it('binds again after the SMSC drops the connection, and the next send goes through', async () => {
    expect((await channel.send(sms('antes'))).outcome).toBe('sent');
    const bindsBefore = server.binds.length;
    server.dropConnections();
    await vi.waitFor(() => {
      expect(server.binds.length).toBe(bindsBefore + 1);
      expect(channel.bound).toBe(true);
    });
    expect(await channel.send(sms('después'))).toMatchObject({ outcome: 'sent' });
    expect(server.submitted.map((s) => s.text)).toEqual(['antes', 'después']);
    expect(logs).toContainEqual({ level: 'warn', message: expect.stringContaining('lost: binding again') });
  });

  it('binds again, after a pause, when the SMSC unbinds', async () => {
    const polite = open();
    polite.open();
    await vi.waitFor(() => expect(polite.bound).toBe(true));
    const bindsBefore = server.binds.length;
    server.unbindSessions();
    await vi.waitFor(() => {
      expect(server.binds.length).toBeGreaterThan(bindsBefore);
      expect(polite.bound).toBe(true);
    });
    expect(await polite.send(sms('de vuelta'))).toMatchObject({ outcome: 'sent' });
    await polite.close();
  });

  it('an SMSC that cannot be reached is a temporary failure naming the error', async () => {
    const gone = net.createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    const port = (gone.address() as AddressInfo).port;
    await new Promise<void>((resolve) => gone.close(() => resolve()));
    const unreachable = open({ url: `smpp://libra:secreto@127.0.0.1:${port}` });
    expect(await unreachable.send(sms('Hola'))).toEqual({
      outcome: 'temporary_failure',
      reason: expect.stringMatching(/^smpp not bound: connection to 127\.0\.0\.1:\d+ failed: .*ECONNREFUSED/),
    });
    await unreachable.close();
  });

  it('keeps an idle bind alive with enquire_link', async () => {
    const before = server.enquireLinks();
    const lively = open({ enquireLinkMs: 20 });
    lively.open();
    await vi.waitFor(() => expect(server.enquireLinks()).toBeGreaterThanOrEqual(before + 2));
    await lively.close();
  });

  it('unbinds on close, and a closed channel sends nothing', async () => {
    const closing = open();
    closing.open();
    await vi.waitFor(() => expect(closing.bound).toBe(true));
    const boundBefore = server.boundSessions();
    await closing.close();
    await vi.waitFor(() => expect(server.boundSessions()).toBe(boundBefore - 1));
    expect(await closing.send(sms('Hola'))).toEqual({
      outcome: 'temporary_failure',
      reason: 'smpp not bound: channel closed',
    });
  });
});

describe('delivery receipts', () => {
  async function sent(): Promise<string> {
    const delivery = await channel.send(sms('Tu grúa llegó'));
    if (delivery.outcome !== 'sent') throw new Error(`not sent: ${JSON.stringify(delivery)}`);
    return delivery.providerMessageId;
  }

  it('a DELIVRD receipt reaches the listener as delivered, with its id, the carrier words and the clock time', async () => {
    const id = await sent();
    expect(await server.sendReceipt(id, 'DELIVRD')).toBe(0);
    expect(receipts).toEqual([
      {
        channel: 'sms',
        providerMessageId: id,
        status: 'delivered',
        detail: 'stat:DELIVRD err:000',
        at: clock.now(),
      },
    ]);
  });

  it('an UNDELIV receipt reaches the listener as undeliverable', async () => {
    const id = await sent();
    expect(await server.sendReceipt(id, 'UNDELIV', { err: '001' })).toBe(0);
    expect(receipts).toEqual([
      {
        channel: 'sms',
        providerMessageId: id,
        status: 'undeliverable',
        detail: 'stat:UNDELIV err:001',
        at: clock.now(),
      },
    ]);
  });

  it('EXPIRED and REJECTD are reported; ACCEPTD is answered and not reported', async () => {
    const id = await sent();
    await server.sendReceipt(id, 'EXPIRED');
    await server.sendReceipt(id, 'REJECTD');
    expect(await server.sendReceipt(id, 'ACCEPTD')).toBe(0);
    expect(receipts.map((r) => r.status)).toEqual(['expired', 'rejected']);
  });

  it('the receipted_message_id and message_state TLVs win over the text', async () => {
    const id = await sent();
    await server.sendReceipt('otro_id', 'DELIVRD', { tlv: { receiptedMessageId: id, messageState: 5 } });
    expect(receipts).toMatchObject([{ providerMessageId: id, status: 'undeliverable' }]);
  });

  it('a listener that fails gets the receipt answered with ESME_RX_T_APPN, so the SMSC sends it again', async () => {
    const id = await sent();
    const failing = open();
    failing.onReceipt(() => {
      throw new Error('database down');
    });
    await failing.send(sms('bind'));
    // The newest bound session is the failing channel's.
    expect(await server.sendReceipt(id, 'DELIVRD')).toBe(0x64);
    expect(logs).toContainEqual({ level: 'error', message: expect.stringContaining('database down') });
    await failing.close();
  });
});

describe('through the whole outbox (SMPP_URL set)', () => {
  let t: TestApp;
  let smsc: TestSmppServer;
  let membershipId: string;
  const repository = new NotificationsRepository();

  beforeAll(async () => {
    // Its own SMSC: receipts go to the app's bind, the only one there.
    smsc = await startSmppServer();
    t = await buildTestApp({ env: { SMPP_URL: smsc.url, SMS_SENDER_ID: 'LIBRA' } });
    membershipId = (await buildMembership(t)).id;
    // What contracting wrote (the welcome, by email: unconfigured here) is settled first.
    await t.services.outbox.drain();
    smsc.submitted.length = 0;
  });

  afterAll(async () => {
    await t?.close();
    await smsc?.close();
  });

  function message(overrides: Partial<NewNotification> = {}): NewNotification {
    const now = t.clock.now();
    return {
      id: newId(),
      membershipId,
      kind: 'case_provider_on_the_way',
      channel: 'sms',
      language: 'es',
      sendAt: now,
      status: 'pending',
      bodyEs: 'Libra: tu grúa va en camino. Grúas del Bajío llega en 35 min. Caso AS-26-000123.',
      bodyEn: 'Libra: your tow truck is on its way. Grúas del Bajío arrives in 35 min. Case AS-26-000123.',
      createdAt: now,
      ...overrides,
    };
  }

  async function log(id: string) {
    return (await repository.attemptsOf(t.database.handle.db, id)).map((a) => ({
      outcome: a.outcome,
      address: a.address,
      id: a.providerMessageId,
      receipt: a.receipt,
      receiptDetail: a.receiptDetail,
      receiptAt: a.receiptAt,
    }));
  }

  it('delivers a recorded SMS to the titular in Spanish, and a DELIVRD receipt lands on its attempt', async () => {
    expect(t.services.outbox.configured()).toEqual(['sms']);
    const m = message();
    await t.database.handle.db.transaction((tx) => repository.insert(tx, m));
    expect(await t.services.outbox.drain()).toMatchObject({
      sent: 1,
      failed: 0,
      retried: 0,
      unconfigured: 0,
    });

    // Long for UCS-2 (81 characters, accents): two parts that rebuild the Spanish text exactly.
    expect(smsc.submitted.map((s) => [s.destinationAddr, s.sourceAddr, s.dataCoding])).toEqual([
      ['525512345678', 'LIBRA', 8],
      ['525512345678', 'LIBRA', 8],
    ]);
    expect(reassemble(smsc.submitted)).toBe(m.bodyEs);
    const firstId = smsc.submitted[0]?.messageId;
    expect((await repository.byId(t.database.handle.db, m.id))?.status).toBe('sent');
    expect(await log(m.id)).toEqual([
      {
        outcome: 'sent',
        address: '+525512345678',
        id: firstId,
        receipt: null,
        receiptDetail: null,
        receiptAt: null,
      },
    ]);

    (t.clock as ManualClock).advance({ seconds: 40 });
    expect(await smsc.sendReceipt(String(firstId), 'DELIVRD')).toBe(0);
    expect(await log(m.id)).toEqual([
      {
        outcome: 'sent',
        address: '+525512345678',
        id: firstId,
        receipt: 'delivered',
        receiptDetail: 'stat:DELIVRD err:000',
        receiptAt: t.clock.now(),
      },
    ]);
  });

  it('an UNDELIV receipt fails the message and marks the number, so the next SMS to it is not tried', async () => {
    const m = message({ bodyEs: 'Cita confirmada: mañana 10:00.' });
    await t.database.handle.db.transaction((tx) => repository.insert(tx, m));
    await t.services.outbox.drain();
    const id = String(smsc.submitted.at(-1)?.messageId);
    expect(await smsc.sendReceipt(id, 'UNDELIV', { err: '001' })).toBe(0);
    expect((await repository.byId(t.database.handle.db, m.id))?.status).toBe('failed');
    expect(await log(m.id)).toMatchObject([
      { receipt: 'undeliverable', receiptDetail: 'stat:UNDELIV err:001' },
    ]);
    const [marked] = await rows<{ address: string; reason: string }>(
      t.database.handle.db,
      sql`select address, reason from undeliverable_addresses where channel = 'sms'`,
    );
    expect(marked).toEqual({ address: '+525512345678', reason: 'stat:UNDELIV err:001' });

    const submittedBefore = smsc.submitted.length;
    const next = message();
    await t.database.handle.db.transaction((tx) => repository.insert(tx, next));
    expect(await t.services.outbox.drain()).toMatchObject({ sent: 0, failed: 1 });
    expect(smsc.submitted).toHaveLength(submittedBefore);
    expect(await log(next.id)).toMatchObject([{ outcome: 'permanent_failure' }]);
  });

  it('a receipt for a message this database never sent is answered and changes nothing', async () => {
    expect(await smsc.sendReceipt('id_desconocido', 'DELIVRD')).toBe(0);
  });
});
