/**
 * The 24/7 line's offered load for the operating-day benchmark: open-loop (requests are sent at
 * their rates whether or not earlier ones have answered, as callers do), each request's latency
 * recorded with the instant it was sent, so that any window (with the billing run, without it) can
 * be summarised afterwards. Providers are simulated as their integrations behave: they poll their
 * offers, accept them and report the job's progress.
 */

import { CITIES, type DayWorld } from './day-data.ts';

export interface LineRates {
  /** POST /v1/eligibility/checks a second (the bank's partner key). */
  eligibility: number;
  /** POST /v1/cases a second (agents opening tow and ambulance cases, dispatched at once). */
  cases: number;
  /** GET /v1/cases/{id} a second (agents looking at recent cases). */
  caseReads: number;
  /** Seconds between each provider integration's GET /v1/provider/offers. */
  providerPollSeconds: number;
  /** PUT /v1/provider/location a second (units moving). */
  locations: number;
  /** Open SSE streams: the case board (/v1/cases/live) and followers of single cases. */
  boardStreams: number;
  caseStreams: number;
}

interface Sample {
  at: number;
  ms: number;
  status: number;
  /** The problem's code when the answer was not 2xx. */
  code?: string;
}

export interface RouteFigures {
  route: string;
  requests: number;
  p50: number;
  p99: number;
  failed: number;
}

const SERVICES = ['online-doctor', 'tow-truck', 'land-ambulance', 'specialist-consultation', 'legal-advice'];
const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)] as T;

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}

export class Line {
  private readonly samples = new Map<string, Sample[]>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly recentCases: string[] = [];
  private readonly streams: AbortController[] = [];
  private readonly followers: AbortController[] = [];
  private following = false;
  /** SSE events received, with their arrival instants. */
  readonly streamEvents: number[] = [];
  /** Offers accepted, jobs completed: what the providers did. */
  readonly jobs = { accepted: 0, completed: 0, acceptRefused: 0 };
  private cookie = '';
  private csrf = '';
  private running = false;

  constructor(
    private readonly base: string,
    private readonly world: DayWorld,
    readonly rates: LineRates,
  ) {}

  async signIn(): Promise<void> {
    const res = await fetch(`${this.base}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(this.world.agent),
    });
    if (res.status !== 200) throw new Error(`the agent could not sign in: ${res.status} ${await res.text()}`);
    this.cookie = res.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    this.csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
  }

  /** Starts every route at its rate. */
  start(): void {
    this.running = true;
    const r = this.rates;
    this.every(r.eligibility, () => this.eligibility());
    this.every(r.cases, () => this.openCase());
    this.every(r.caseReads, () => this.readCase());
    this.every(r.locations, () => this.move());
    this.every(this.world.providers.length / r.providerPollSeconds, () => this.poll());
  }

  /** Stops sending and waits for what is in flight (jobs in progress are left as they are). */
  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers.splice(0)) clearInterval(t);
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Opens the case boards' streams; from now on each new case is followed live by its customer,
   * the oldest follower leaving when `caseStreams` are open.
   */
  openStreams(): void {
    for (let i = 0; i < this.rates.boardStreams; i++) this.streams.push(this.stream('/v1/cases/live'));
    this.following = true;
  }

  closeStreams(): void {
    this.following = false;
    for (const s of [...this.streams.splice(0), ...this.followers.splice(0)]) s.abort();
  }

  get openStreamCount(): number {
    return this.streams.length + this.followers.length;
  }

  /** Each route's p50/p99 over the requests sent within the windows ([from, to) each). */
  window(...windows: [number, number][]): RouteFigures[] {
    const within = (at: number) => windows.some(([from, to]) => at >= from && at < to);
    return [...this.samples.entries()].map(([route, list]) => {
      const inside = list.filter((s) => within(s.at));
      const ok = inside.filter((s) => s.status >= 200 && s.status < 300).map((s) => s.ms);
      ok.sort((a, b) => a - b);
      return {
        route,
        requests: inside.length,
        p50: percentile(ok, 0.5),
        p99: percentile(ok, 0.99),
        failed: inside.length - ok.length,
      };
    });
  }

  /** Statuses other than 2xx, by route and status, for the report. */
  failures(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [route, list] of this.samples)
      for (const s of list)
        if (s.status < 200 || s.status >= 300) {
          const key = `${route} ${s.status} ${s.code}`;
          out[key] = (out[key] ?? 0) + 1;
        }
    return out;
  }

  private every(perSecond: number, send: () => Promise<unknown>): void {
    if (perSecond <= 0) return;
    let last = performance.now();
    let credit = 0;
    this.timers.push(
      setInterval(() => {
        const now = performance.now();
        credit += ((now - last) / 1000) * perSecond;
        last = now;
        for (; credit >= 1; credit--) this.track(send());
      }, 5),
    );
  }

  private track(work: Promise<unknown>): void {
    this.inFlight.add(work);
    work.finally(() => this.inFlight.delete(work)).catch(() => {});
  }

  private async timed(
    route: string,
    path: string,
    init: RequestInit,
  ): Promise<{ status: number; body: unknown }> {
    const at = performance.now();
    let status = 0;
    let body: unknown = null;
    try {
      const res = await fetch(`${this.base}${path}`, init);
      status = res.status;
      const text = await res.text();
      body = text ? JSON.parse(text) : null;
    } catch {
      status = 0;
    }
    const sample: Sample = { at, ms: performance.now() - at, status };
    if (status < 200 || status >= 300) {
      const problem = body as { code?: string; from?: string; to?: string } | null;
      sample.code = `${problem?.code ?? 'no answer'}${problem?.from ? ` ${problem.from}→${problem.to}` : ''}`;
    }
    const list = this.samples.get(route) ?? [];
    list.push(sample);
    this.samples.set(route, list);
    return { status, body };
  }

  private staff(write: boolean): Record<string, string> {
    return write
      ? { cookie: this.cookie, 'x-csrf-token': this.csrf, 'content-type': 'application/json' }
      : { cookie: this.cookie };
  }

  private eligibility() {
    return this.timed('eligibility check', '/v1/eligibility/checks', {
      method: 'POST',
      headers: { authorization: `Bearer ${this.world.partnerKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        membershipId: pick(this.world.memberships),
        personId: 'titular',
        serviceCode: pick(SERVICES),
      }),
    });
  }

  private async openCase() {
    const city = pick(CITIES);
    const tow = Math.random() < 0.7;
    const { status, body } = await this.timed('case request', '/v1/cases', {
      method: 'POST',
      headers: this.staff(true),
      body: JSON.stringify({
        membershipId: pick(this.world.memberships),
        personId: 'titular',
        serviceCode: tow ? 'tow-truck' : 'land-ambulance',
        place: {
          address: `Av. Principal ${Math.floor(Math.random() * 2000)}, ${city.name}`,
          lat: city.lat + (Math.random() - 0.5) * 0.2,
          lng: city.lng + (Math.random() - 0.5) * 0.2,
          stateCode: city.state,
        },
        description: tow
          ? 'El coche no arranca; necesito grúa al taller.'
          : 'Dolor en el pecho, necesita traslado.',
        details: tow
          ? { vehicle: { make: 'Nissan', model: 'Versa', year: 2019, plates: 'ABC-123-D' } }
          : { callbackPhone: '55 2345 6789' },
      }),
    });
    if (status === 201) {
      const caseId = (body as { id: string }).id;
      this.recentCases.push(caseId);
      if (this.recentCases.length > 2000) this.recentCases.splice(0, 1000);
      if (this.following) {
        this.followers.push(this.stream(`/v1/cases/${caseId}/events`));
        if (this.followers.length > this.rates.caseStreams) this.followers.shift()?.abort();
      }
    }
  }

  private readCase() {
    if (this.recentCases.length === 0) return Promise.resolve();
    return this.timed('case read', `/v1/cases/${pick(this.recentCases)}`, { headers: this.staff(false) });
  }

  private move() {
    const provider = pick(this.world.providers);
    const c = CITIES[provider.city] as (typeof CITIES)[number];
    return this.timed('provider location', '/v1/provider/location', {
      method: 'PUT',
      headers: { authorization: `Bearer ${provider.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        lat: c.lat + (Math.random() - 0.5) * 0.1,
        lng: c.lng + (Math.random() - 0.5) * 0.1,
      }),
    });
  }

  private pollIndex = 0;
  private readonly accepting = new Set<string>();

  /** One provider's integration reads its offers and accepts each, then works the job. */
  private async poll() {
    const provider = this.world.providers[
      this.pollIndex++ % this.world.providers.length
    ] as DayWorld['providers'][number];
    const auth = { authorization: `Bearer ${provider.key}`, 'content-type': 'application/json' };
    const { status, body } = await this.timed('provider offers', '/v1/provider/offers', { headers: auth });
    if (status !== 200) return;
    for (const offer of (body as { data: { id: string; caseId: string; serviceCode: string }[] }).data) {
      // A slow answer can overlap the next poll: an offer being accepted is not accepted twice.
      if (this.accepting.has(offer.id)) continue;
      this.accepting.add(offer.id);
      const accepted = await this.timed('offer accept', `/v1/offers/${offer.id}/accept`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify(
          // Under both plans' tow caps (Libra One's is $750): no excess to wait for.
          offer.serviceCode === 'tow-truck' ? { quoteCentavos: 70_000, etaMinutes: 20 } : { etaMinutes: 15 },
        ),
      });
      this.accepting.delete(offer.id);
      if (accepted.status !== 200) {
        this.jobs.acceptRefused++;
        continue;
      }
      this.jobs.accepted++;
      this.track(this.work(offer.caseId, auth));
    }
  }

  /** En route, on site, completed, a second or two apart. */
  private async work(caseId: string, auth: Record<string, string>) {
    for (const step of ['en_route', 'on_site', 'completed'] as const) {
      await new Promise((r) => setTimeout(r, 1000 + Math.random() * 1000));
      if (!this.running) return;
      const { status } = await this.timed('job status', `/v1/cases/${caseId}/status`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify(
          step === 'completed' ? { status: step, finalCostCentavos: 70_000 } : { status: step },
        ),
      });
      if (status !== 200) return;
    }
    this.jobs.completed++;
  }

  private stream(path: string): AbortController {
    const controller = new AbortController();
    const received = this.streamEvents;
    (async () => {
      const res = await fetch(`${this.base}${path}`, {
        headers: { ...this.staff(false), accept: 'text/event-stream' },
        signal: controller.signal,
      });
      if (res.status !== 200 || !res.body) throw new Error(`stream ${path}: ${res.status}`);
      const decoder = new TextDecoder();
      for await (const chunk of res.body) {
        const text = decoder.decode(chunk as Uint8Array, { stream: true });
        for (const _ of text.matchAll(/^event: /gm)) received.push(performance.now());
      }
    })().catch((error: unknown) => {
      if (!controller.signal.aborted) process.stderr.write(`stream ${path} ended: ${String(error)}\n`);
    });
    return controller;
  }
}
