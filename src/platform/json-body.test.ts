import { describe, expect, it } from 'vitest';
import { jsonDeeperThan, MAX_JSON_DEPTH } from './json-body.ts';

describe('jsonDeeperThan', () => {
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  it('counts arrays and objects together', () => {
    expect(jsonDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(jsonDeeperThan(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
    expect(jsonDeeperThan('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(jsonDeeperThan('{"a":[{"b":1}],"c":{"d":2}}', 3)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDeeperThan(`{"text":"${'['.repeat(100)}"}`, 2)).toBe(false);
    expect(jsonDeeperThan(`{"text":"a \\" ${'{'.repeat(100)}"}`, 2)).toBe(false);
    expect(jsonDeeperThan(`{"text":"\\\\", "x": ${nested(5)}}`, 3)).toBe(true);
  });

  it('stops at the first level too deep, without walking the rest', () => {
    expect(jsonDeeperThan(nested(1_000_000), MAX_JSON_DEPTH)).toBe(true);
  });
});
