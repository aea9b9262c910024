import { describe, expect, test } from 'vitest';
import { escapeMarkdown, fenced, logCutNote, renderSummary, SUMMARY_TAIL_CHARS, type SummaryFacts } from '../../src/action/summary.js';
import { classify } from '../../src/run/verdict.js';

/** How a run ended, as the sandbox reports it; the summary gets its verdict (classify), as the action passes it. */
interface Ending {
  exitCode?: number | undefined;
  timedOut?: boolean;
  cancelled?: boolean;
  runscError?: string;
}

function facts(over: Partial<Omit<SummaryFacts, 'verdict'>> & Ending = {}): SummaryFacts {
  const { timedOut = false, cancelled = false, runscError, ...rest } = over;
  const exitCode = 'exitCode' in over ? over.exitCode : 0;
  const limits = over.limits ?? {};
  return {
    name: 'unit-tests',
    verdict: classify(
      { exitCode, timedOut, cancelled, runscError: runscError === undefined ? undefined : { message: runscError, neverStarted: false } },
      limits,
    ),
    exitCode,
    durationMs: 1234,
    runscVersion: 'runsc version release-20260824.0',
    platform: 'systrap',
    network: 'none',
    limits: {},
    logTail: 'ok\n',
    logFile: '/home/runner/work/_temp/gvisor-cell-logs/unit-tests-0123456789ab.log',
    ...rest,
  };
}

describe('escapeMarkdown', () => {
  test.each([
    ['plain text', 'plain text'],
    ['a|b', 'a\\|b'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    ['a & b', 'a &amp; b'],
    ['&lt;', '&amp;lt;'],
    ['*bold* _em_', '\\*bold\\* \\_em\\_'],
    ['`code`', '\\`code\\`'],
    ['[link](https://evil.example)', '\\[link\\](https://evil.example)'],
    ['~~strike~~', '\\~\\~strike\\~\\~'],
    ['back\\slash', 'back\\\\slash'],
    ['line1\nline2', 'line1 line2'],
    ['a\r\n\r\nb', 'a b'],
    ['', ''],
  ])('%j → %j', (text, escaped) => {
    expect(escapeMarkdown(text)).toBe(escaped);
  });

  test('never leaves a raw <, >, | or newline', () => {
    const nasty = '<details>|</details>\n<!-- x -->\r<a href="javascript:x">y</a>';
    const out = escapeMarkdown(nasty);
    expect(out).not.toMatch(/[<>\n\r]/);
    expect(out).not.toMatch(/(^|[^\\])\|/);
  });
});

describe('fenced', () => {
  test('text without a final newline gets one before the fence', () => {
    expect(fenced('hello')).toBe('```text\nhello\n```\n');
  });

  test('text with a final newline is not doubled', () => {
    expect(fenced('hello\n')).toBe('```text\nhello\n```\n');
  });

  test('info string', () => {
    expect(fenced('{}', 'json')).toBe('```json\n{}\n```\n');
  });

  test('empty text', () => {
    expect(fenced('')).toBe('```text\n\n```\n');
  });

  test.each([
    ['one `tick`', 3],
    ['``two``', 3],
    ['```\nclose attempt\n```', 4],
    ['````four````', 5],
    ['x ``````` seven', 8],
  ])('the fence of %j is %d backticks, longer than any run inside', (text, n) => {
    const fence = '`'.repeat(n);
    expect(fenced(text)).toBe(`${fence}text\n${text}\n${fence}\n`);
  });

  test('output that tries to close the block cannot', () => {
    const text = 'before\n```\n<script>x</script>\n```\nafter';
    const out = fenced(text);
    const fence = out.slice(0, out.indexOf('text'));
    expect(fence.length).toBeGreaterThan(3);
    // The only lines that are exactly the fence are the first and the last.
    const lines = out.split('\n');
    expect(lines.filter((l) => l.startsWith(fence))).toEqual([`${fence}text`, fence]);
  });
});

describe('renderSummary', () => {
  test('a passing cell, exactly', () => {
    expect(renderSummary(facts())).toBe(
      [
        '### gvisor-cell · unit-tests · ✅ passed',
        '| | |',
        '| --- | --- |',
        '| exit code | 0 |',
        '| duration | 1.23 s |',
        '| runsc | runsc version release-20260824.0 |',
        '| platform | systrap |',
        '| network | none |',
        '| limits | none |',
        '| log file | /home/runner/work/\\_temp/gvisor-cell-logs/unit-tests-0123456789ab.log |',
        '',
        '<details><summary>Output</summary>',
        '',
        '```text',
        'ok',
        '```',
        '',
        '</details>',
        '',
      ].join('\n'),
    );
  });

  test.each([
    [{ exitCode: 0 }, '✅ passed'],
    [{ exitCode: 1 }, '❌ exited 1'],
    [{ exitCode: 137 }, '❌ exited 137'],
    [{ exitCode: 143, timedOut: true }, '⏱️ timed out'],
    [{ exitCode: 143, cancelled: true }, '⏹️ cancelled'],
    [{ exitCode: 143, cancelled: true, timedOut: true }, '⏹️ cancelled'],
    [{ exitCode: undefined, runscError: 'boom' }, '⚠️ sandbox did not start'],
    [{ exitCode: undefined, runscError: 'boom', cancelled: true, timedOut: true }, '⚠️ sandbox did not start'],
    [{ exitCode: 137, limits: { memory: 2 ** 30 } }, '❌ killed, likely out of memory'],
    [{ exitCode: undefined, runscError: 'error finding executable "pytest" in PATH [/usr/bin]' }, '❌ command not found (exit 127)'],
  ] as [Ending & Partial<SummaryFacts>, string][])('status for %j is %s', (over, status) => {
    expect(renderSummary(facts(over)).split('\n')[0]).toBe(`### gvisor-cell · unit-tests · ${status}`);
  });

  test('an unknown exit code is a dash', () => {
    expect(renderSummary(facts({ exitCode: undefined, runscError: 'x' }))).toContain('| exit code | — |\n');
  });

  test.each([
    [0, '0.00 s'],
    [5, '0.01 s'],
    [999, '1.00 s'],
    [61_500, '61.50 s'],
  ])('duration %d ms is shown as %s', (durationMs, shown) => {
    expect(renderSummary(facts({ durationMs }))).toContain(`| duration | ${shown} |\n`);
  });

  test('limits are listed in a fixed order, in human units', () => {
    expect(renderSummary(facts({ limits: { pids: 256, cpus: 1.5, memory: 536_870_912, timeout: 600_000 } }))).toContain(
      '| limits | timeout 10m, memory 512Mi, cpus 1.5, pids 256 |\n',
    );
    expect(renderSummary(facts({ limits: { memory: 2e9 } }))).toContain('| limits | memory 1953125Ki |\n');
    expect(renderSummary(facts({ limits: { timeout: 1500 } }))).toContain('| limits | timeout 1500ms |\n');
    expect(renderSummary(facts({ limits: { memory: 2 ** 30, tmpfs: 16 * 2 ** 20, log: 2 ** 20, collect: 4 * 2 ** 30 } }))).toContain(
      '| limits | memory 1Gi, tmpfs 16Mi, log 1Mi, collect 4Gi |\n',
    );
  });

  test('the name, version and log file are escaped', () => {
    const out = renderSummary(
      facts({
        name: '<img src=x onerror=alert(1)> | *x*',
        runscVersion: 'runsc <b>1</b>',
        logFile: '/tmp/a|b.log',
      }),
    );
    expect(out.split('\n')[0]).toBe('### gvisor-cell · &lt;img src=x onerror=alert(1)&gt; \\| \\*x\\* · ✅ passed');
    expect(out).toContain('| runsc | runsc &lt;b&gt;1&lt;/b&gt; |\n');
    expect(out).toContain('| log file | /tmp/a\\|b.log |\n');
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<b>');
  });

  test('a log file cut by limits.log says so next to its path; an uncut one does not', () => {
    expect(renderSummary(facts({ logCutAt: 1_048_576 }))).toContain(
      '| log file | /home/runner/work/\\_temp/gvisor-cell-logs/unit-tests-0123456789ab.log (cut at 1Mi by limits.log; the rest of the output is only in the job log) |\n',
    );
    expect(logCutNote(1000)).toBe('cut at 1000 bytes by limits.log; the rest of the output is only in the job log');
    expect(renderSummary(facts())).not.toContain('cut at');
  });

  test('a name with a newline cannot break the heading', () => {
    const out = renderSummary(facts({ name: 'a\n# injected' }));
    expect(out.split('\n')[0]).toBe('### gvisor-cell · a # injected · ✅ passed');
  });

  test('hints follow the table, fenced (they quote paths and the output), one paragraph each', () => {
    const out = renderSummary(facts({ exitCode: 127, hints: ['a *b* <i>\n  mounts: [x]', 'c | d'], logTail: '' }));
    expect(out).toContain('\n**What to do:**\n\n```text\na *b* <i>\n  mounts: [x]\n\nc | d\n```\n');
    expect(renderSummary(facts({ hints: [] }))).not.toContain('What to do');
  });

  test('cell output is fenced, never rendered', () => {
    const logTail = '</details><script>alert(1)</script>\n```\n# heading\n| a | b |\n';
    const out = renderSummary(facts({ logTail }));
    expect(out).toContain(`<details><summary>Output</summary>\n\n\`\`\`\`text\n${logTail}\`\`\`\`\n\n</details>\n`);
  });

  test('no output, no details block', () => {
    const out = renderSummary(facts({ logTail: '' }));
    expect(out).not.toContain('<details>');
    expect(out.endsWith('| log file | /home/runner/work/\\_temp/gvisor-cell-logs/unit-tests-0123456789ab.log |\n')).toBe(true);
  });

  test('a long tail is cut to its last SUMMARY_TAIL_CHARS characters and says so', () => {
    expect(SUMMARY_TAIL_CHARS).toBe(16_384);
    const logTail = `HEAD-${'x'.repeat(SUMMARY_TAIL_CHARS)}-END`;
    const out = renderSummary(facts({ logTail }));
    const kept = logTail.slice(logTail.length - SUMMARY_TAIL_CHARS);
    expect(out).toContain(`<details><summary>Output (last 16384 characters)</summary>\n\n\`\`\`text\n${kept}\n\`\`\`\n`);
    expect(out).not.toContain('HEAD-');
    expect(kept.endsWith('-END')).toBe(true);
    expect(kept).toHaveLength(SUMMARY_TAIL_CHARS);
  });

  test('a tail of exactly SUMMARY_TAIL_CHARS is shown whole with the plain label', () => {
    const logTail = 'y'.repeat(SUMMARY_TAIL_CHARS);
    const out = renderSummary(facts({ logTail }));
    expect(out).toContain('<details><summary>Output</summary>');
    expect(out).toContain(logTail);
  });

  test('a runsc error is shown fenced before the output', () => {
    const out = renderSummary(facts({ exitCode: undefined, runscError: 'runsc did not start (exit 128)\n<b>x</b>', logTail: 'partial' }));
    expect(out).toContain('\n**runsc said:**\n\n```text\nrunsc did not start (exit 128)\n<b>x</b>\n```\n');
    expect(out.indexOf('**runsc said:**')).toBeLessThan(out.indexOf('<details>'));
  });

  test('stays far below the 1 MiB summary limit whatever the tail', () => {
    const out = renderSummary(facts({ logTail: '`'.repeat(5_000_000) }));
    expect(out.length).toBeLessThan(64 * 1024);
  });
});

describe('advisories', () => {
  test('each is a warning callout, escaped', () => {
    const md = renderSummary(facts({ advisories: ['runsc <b>old</b> predates a fix'] }));
    expect(md).toContain('\n> [!WARNING]\n> runsc &lt;b&gt;old&lt;/b&gt; predates a fix\n');
  });
  test('none, no callout', () => {
    expect(renderSummary(facts())).not.toContain('[!WARNING]');
  });
});
