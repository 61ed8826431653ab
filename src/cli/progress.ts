import cliProgress from 'cli-progress';

/** A progress bar on a terminal (cli-progress); elsewhere (logs, CI, tests) a line every 10 %. */
export interface Progress {
  start(total: number): void;
  update(done: number, total?: number): void;
  stop(): void;
}

export function progressBar(label: string, unit: string, say: (line: string) => void): Progress {
  if (process.stdout.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {eta_formatted} left`,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      start: (total) => {
        bar.start(total, 0);
        started = true;
      },
      update: (done, total) => {
        if (!started) return;
        if (total !== undefined) bar.setTotal(total);
        bar.update(done);
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  let total = 0;
  let last = -1;
  const line = (done: number) => {
    const percent = total === 0 ? 100 : Math.min(100, Math.floor((done / total) * 10) * 10);
    if (percent === last) return;
    last = percent;
    say(`${label}: ${done}/${total} ${unit} (${percent} %)`);
  };
  return {
    start: (t) => {
      total = t;
      line(0);
    },
    update: (done, t) => {
      if (t !== undefined) total = t;
      line(done);
    },
    stop: () => {},
  };
}

/** A running count where no total is known beforehand (a streamed export): a line every `every`. */
export function progressCounter(
  label: string,
  unit: string,
  say: (line: string) => void,
  every = 10_000,
): { update(done: number): void; stop(done: number): void } {
  if (process.stdout.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} | {value} ${unit} | {duration_formatted}`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(0, 0);
    return {
      update: (done) => {
        bar.setTotal(done);
        bar.update(done);
      },
      stop: (done) => {
        bar.setTotal(done);
        bar.update(done);
        bar.stop();
      },
    };
  }
  let next = every;
  return {
    update: (done) => {
      while (done >= next) {
        say(`${label}: ${next} ${unit}`);
        next += every;
      }
    },
    stop: () => {},
  };
}
