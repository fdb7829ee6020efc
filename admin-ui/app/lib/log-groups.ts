/**
 * Log lines grouped by the run that wrote them (issue 15 item 9): the logs pages show one collapsible group per
 * run, newest first, headed by the run's status, trigger, start and counts.
 */

/** What grouping needs of a log line (the API's LogLine has more). */
export interface GroupableLine {
  id: string;
  runId: string;
  level: string;
  at: string;
}

export interface LogGroup<L extends GroupableLine> {
  runId: string;
  /** The run's lines on this page, in the page's order (newest first). */
  lines: L[];
  /** How many of those lines are warnings and errors (for the header). */
  warnings: number;
  errors: number;
  /** The newest and oldest line of the group on this page. */
  newestAt: string;
  oldestAt: string;
}

/**
 * One group per run, ordered by each run's newest line on the page (the page comes newest first, so a group's
 * place is where its run first appears). Lines of runs that ran at the same time interleave on the page; each
 * run's lines still land in its one group, in the page's order.
 */
export function groupLogsByRun<L extends GroupableLine>(lines: readonly L[]): LogGroup<L>[] {
  const groups = new Map<string, LogGroup<L>>();
  for (const line of lines) {
    let group = groups.get(line.runId);
    if (!group) {
      group = { runId: line.runId, lines: [], warnings: 0, errors: 0, newestAt: line.at, oldestAt: line.at };
      groups.set(line.runId, group);
    }
    group.lines.push(line);
    if (line.level === 'error') group.errors++;
    else if (line.level === 'warn') group.warnings++;
    // Compared as instants: the page is ordered, but a group's bounds should not depend on that.
    if (Date.parse(line.at) > Date.parse(group.newestAt)) group.newestAt = line.at;
    if (Date.parse(line.at) < Date.parse(group.oldestAt)) group.oldestAt = line.at;
  }
  return [...groups.values()];
}

/** The distinct run ids of a page's lines, in order of first appearance (the runs a page's loader looks up). */
export function runIdsOf(lines: readonly { runId: string }[]): string[] {
  return [...new Set(lines.map((l) => l.runId))];
}

/** "12 lines · 2 errors · 1 warning" for a group's header. */
export function describeGroupLines(group: Pick<LogGroup<GroupableLine>, 'lines' | 'errors' | 'warnings'>): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const parts = [plural(group.lines.length, 'line')];
  if (group.errors) parts.push(plural(group.errors, 'error'));
  if (group.warnings) parts.push(plural(group.warnings, 'warning'));
  return parts.join(' · ');
}
