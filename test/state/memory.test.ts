import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/state/memory.js';
import { createStore } from '../../src/state/index.js';

describe('MemoryStore', () => {
  let clock = 1_000;
  const stores: MemoryStore[] = [];
  const make = () => {
    const s = new MemoryStore(() => clock);
    stores.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    clock = 1_000;
  });

  it('setIfAbsent claims a key once until it expires', async () => {
    const s = make();
    expect(await s.setIfAbsent('evt:1', 'a', 100)).toBe(true);
    expect(await s.setIfAbsent('evt:1', 'b', 100)).toBe(false);
    expect(await s.get('evt:1')).toBe('a');
    clock += 100;
    expect(await s.get('evt:1')).toBeNull();
    expect(await s.setIfAbsent('evt:1', 'c', 100)).toBe(true);
  });

  it('concurrent claims of one key: exactly one wins', async () => {
    const s = make();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => s.setIfAbsent('k', String(i), 1000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('incr counts within the window that starts at the first increment', async () => {
    const s = make();
    expect(await s.incr('c', 1000)).toBe(1);
    clock += 600;
    expect(await s.incr('c', 1000)).toBe(2);
    clock += 500; // 1100 ms after the first increment: the window is over even though the last one was recent
    expect(await s.incr('c', 1000)).toBe(1);
  });

  it('set overwrites and get returns null for unknown keys', async () => {
    const s = make();
    expect(await s.get('nope')).toBeNull();
    await s.set('x', '1', 1000);
    await s.set('x', '2', 1000);
    expect(await s.get('x')).toBe('2');
  });

  it('createStore without a URL is in-memory', async () => {
    const s = createStore();
    expect(s).toBeInstanceOf(MemoryStore);
    await s.close();
  });
});
