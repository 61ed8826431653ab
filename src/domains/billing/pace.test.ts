import { describe, expect, it } from 'vitest';
import { type PaceTimer, RunPace } from './pace.ts';

interface VirtualTimer {
  now: number;
  sleeps: number[];
  api: PaceTimer;
}

/** Time that moves only when slept on (or when the test moves it). */
function virtualTimer(): VirtualTimer {
  const timer: VirtualTimer = {
    now: 0,
    sleeps: [],
    api: {
      now: () => timer.now,
      sleep: async (ms: number) => {
        timer.sleeps.push(ms);
        timer.now += ms;
      },
    },
  };
  return timer;
}

describe('a billing run’s pace', () => {
  it('unpaced, never waits and takes batches as configured', async () => {
    const timer = virtualTimer();
    for (const perSecond of [undefined, 0]) {
      const pace = new RunPace(perSecond, timer.api);
      expect(pace.batch(2000)).toBe(2000);
      for (let i = 0; i < 5; i++) {
        await pace.wait();
        pace.count(2000);
      }
    }
    expect(timer.sleeps).toEqual([]);
  });

  it('paced, takes half a second of work at a time and waits until the work done is due', async () => {
    const timer = virtualTimer();
    const pace = new RunPace(200, timer.api);
    expect(pace.batch(2000)).toBe(100);
    expect(pace.batch(40)).toBe(40);
    for (let i = 0; i < 4; i++) {
      await pace.wait();
      pace.count(100);
    }
    // The first batch at once; each next one when the work before it is due at 200 a second.
    expect(timer.sleeps).toEqual([500, 500, 500]);
    expect(new RunPace(1, timer.api).batch(2000)).toBe(1);
  });

  it('does not wait when the run is behind its pace (slow processor), nor make up for it in a burst beyond it', async () => {
    const timer = virtualTimer();
    const pace = new RunPace(100, timer.api);
    await pace.wait();
    pace.count(50);
    timer.now += 2000; // the batch took two seconds: the run is 1.5 s behind
    await pace.wait();
    pace.count(50);
    await pace.wait();
    expect(timer.sleeps).toEqual([]);
    pace.count(300); // 400 done: due at 4 s, it is 2 s now
    await pace.wait();
    expect(timer.sleeps).toEqual([2000]);
  });
});
