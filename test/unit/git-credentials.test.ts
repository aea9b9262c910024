import { describe, expect, test } from 'vitest';
import { scrubGitConfig } from '../../src/bundle/git-credentials.js';

/** What actions/checkout writes with persist-credentials (the default). */
const CHECKOUT = `[core]
\trepositoryformatversion = 0
\tfilemode = true
[remote "origin"]
\turl = https://github.com/acme/app
\tfetch = +refs/heads/*:refs/remotes/origin/*
[http "https://github.com/"]
\textraheader = AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX3NlY3JldA==
[gc]
\tauto = 0
`;

describe('scrubGitConfig', () => {
  test('removes the checkout extraheader and keeps everything else', () => {
    const { text, removed } = scrubGitConfig(CHECKOUT);
    expect(text).not.toContain('AUTHORIZATION');
    expect(text).toBe(CHECKOUT.replace(/\textraheader = .*\n/, ''));
    expect(removed).toEqual(['http "https://github.com/".extraheader']);
  });

  test.each([
    ['\turl = https://x-access-token:ghs_abc@github.com/acme/app', '\turl = https://github.com/acme/app'],
    ['\turl = "https://user:pw@example.com/r.git"', '\turl = "https://example.com/r.git"'],
    ['\tpushurl = https://ghp_token@github.com/acme/app', '\tpushurl = https://github.com/acme/app'],
  ])('strips credentials from %j', (line, clean) => {
    const { text, removed } = scrubGitConfig(`[remote "origin"]\n${line}\n`);
    expect(text).toBe(`[remote "origin"]\n${clean}\n`);
    expect(removed).toEqual(['remote "origin" credentials in a URL']);
  });

  test.each([
    ['an extraheader written in another case', '\tExtraHeader = AUTHORIZATION: bearer x'],
    ['one without spaces', 'extraheader=AUTHORIZATION: basic y'],
  ])('%s is removed too', (_what, line) => {
    expect(scrubGitConfig(`[http]\n${line}\n`).text).toBe('[http]\n');
  });

  test('credentials in a section header are stripped', () => {
    const { text, removed } = scrubGitConfig('[url "https://x-access-token:ghs_tok@github.com/"]\n\tinsteadOf = https://github.com/\n');
    expect(text).toBe('[url "https://github.com/"]\n\tinsteadOf = https://github.com/\n');
    expect(removed).toHaveLength(1);
  });

  test('an extraheader on the header line, and a value continued with backslashes, go entirely', () => {
    expect(scrubGitConfig('[http "https://github.com/"] extraheader = AUTHORIZATION: basic abc\n[core]\n').text).toBe(
      '[http "https://github.com/"]\n[core]\n',
    );
    expect(scrubGitConfig('[http]\n\textraheader = AUTHORIZATION: \\\nbasic \\\nsecret\n[core]\n\tbare = false\n').text).toBe(
      '[http]\n[core]\n\tbare = false\n',
    );
  });

  test('a config without credentials is left as it is, and says so', () => {
    const clean = '[core]\n\tbare = false\n[remote "origin"]\n\turl = git@github.com:acme/app.git\n';
    expect(scrubGitConfig(clean)).toEqual({ text: clean, removed: [] });
  });
});
