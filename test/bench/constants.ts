/** What every part of the benchmark agrees on. */
import path from 'node:path';
import { REPO } from '../support/action-yml.js';

export const FIGURES = ['step', 'install', 'work', 'bundle', 'egress', 'image', 'suites'] as const;
export type Figure = (typeof FIGURES)[number];
export const DEFAULT_ROUNDS = 5;

/** The Node the steps run on: the runner's is node24 (GVC_ACTION_NODE, see scripts/provision-node.sh). */
export const ACTION_NODE = process.env.GVC_ACTION_NODE || process.execPath;

/** Everything the bench creates lives here, and is removed at the end. */
export const TMP = path.join(REPO, '.tmp');

/** The trivial cell, as a user writes it (YAML). */
export const TRIVIAL_CELL = 'command: [/bin/true]';
