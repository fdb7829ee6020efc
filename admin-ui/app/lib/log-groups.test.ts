import { describe, expect, it } from 'vitest';
import { describeGroupLines, groupLogsByRun, runIdsOf } from './log-groups';

const line = (id: string, runId: string, at: string, level = 'info') => ({ id, runId, at: `2026-12-07T${at}Z`, level });

describe('log lines grouped by run', () => {
  it('makes one group per run, newest run first, lines in the page’s order', () => {
    const page = [
      line('l5', 'run-b', '10:05:00.000'),
      line('l4', 'run-b', '10:04:00.000', 'error'),
      line('l3', 'run-a', '09:03:00.000', 'warn'),
      line('l2', 'run-a', '09:02:00.000'),
      line('l1', 'run-a', '09:01:00.000'),
    ];
    const groups = groupLogsByRun(page);
    expect(groups.map((g) => g.runId)).toEqual(['run-b', 'run-a']);
    expect(groups[0]!.lines.map((l) => l.id)).toEqual(['l5', 'l4']);
    expect(groups[1]!.lines.map((l) => l.id)).toEqual(['l3', 'l2', 'l1']);
    expect(groups[0]).toMatchObject({ errors: 1, warnings: 0, newestAt: page[0]!.at, oldestAt: page[1]!.at });
    expect(groups[1]).toMatchObject({ errors: 0, warnings: 1, newestAt: page[2]!.at, oldestAt: page[4]!.at });
  });

  it('keeps each run in its one group when runs at the same time interleave', () => {
    const page = [
      line('l4', 'run-a', '10:04:00.000'),
      line('l3', 'run-b', '10:03:00.000'),
      line('l2', 'run-a', '10:02:00.000'),
      line('l1', 'run-b', '10:01:00.000'),
    ];
    const groups = groupLogsByRun(page);
    expect(groups.map((g) => [g.runId, g.lines.map((l) => l.id)])).toEqual([
      ['run-a', ['l4', 'l2']],
      ['run-b', ['l3', 'l1']],
    ]);
    expect(groups[1]!.newestAt).toBe(page[1]!.at);
  });

  it('has no groups for no lines, and lists each run once', () => {
    expect(groupLogsByRun([])).toEqual([]);
    expect(runIdsOf([{ runId: 'b' }, { runId: 'a' }, { runId: 'b' }])).toEqual(['b', 'a']);
  });

  it('describes a group’s lines for its header', () => {
    const [g] = groupLogsByRun([line('1', 'r', '10:00:00.000', 'error'), line('2', 'r', '09:00:00.000')]);
    expect(describeGroupLines(g!)).toBe('2 lines · 1 error');
    const [one] = groupLogsByRun([line('1', 'r', '10:00:00.000', 'warn')]);
    expect(describeGroupLines(one!)).toBe('1 line · 1 warning');
  });
});
