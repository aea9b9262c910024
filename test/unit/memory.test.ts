import { describe, expect, test } from 'vitest';
import { cgroupMemoryFile, parseEventsUsage } from '../../src/run/memory.js';

describe('parseEventsUsage: runsc events --stats', () => {
  test('the usage, as runsc 20240729 prints it', () => {
    const line =
      '{"type":"stats","id":"mem-IkiryG","data":{"cpu":{"usage":{"total":522762952}},"memory":{"usage":{"limit":0,"usage":32727040,"failcnt":0},"swap":{"limit":0,"failcnt":0}},"pids":{"current":1}}}\n';
    expect(parseEventsUsage(line)).toBe(32_727_040);
  });

  test.each(['', 'not json', '{"data":{}}', '{"data":{"memory":{"usage":{"usage":"x"}}}}', '{"data":{"memory":{"usage":{"usage":0}}}}'])(
    '%j → undefined',
    (text) => {
      expect(parseEventsUsage(text)).toBeUndefined();
    },
  );
});

describe('cgroupMemoryFile: /proc/<pid>/cgroup → the usage file', () => {
  test('v1 (this machine): the memory hierarchy', () => {
    const v1 = '9:name=systemd:/mem-x\n8:pids:/mem-x\n4:memory:/mem-x\n2:cpu,cpuacct:/mem-x\n0::/\n';
    expect(cgroupMemoryFile(v1)).toBe('/sys/fs/cgroup/memory/mem-x/memory.usage_in_bytes');
  });

  test('v2 (hosted runners): the unified hierarchy', () => {
    expect(cgroupMemoryFile('0::/system.slice/cell-x\n')).toBe('/sys/fs/cgroup/system.slice/cell-x/memory.current');
  });

  test('nothing usable', () => {
    expect(cgroupMemoryFile('')).toBeUndefined();
    expect(cgroupMemoryFile('3:pids:/x\n')).toBeUndefined();
  });
});
