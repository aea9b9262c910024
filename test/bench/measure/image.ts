/**
 * Figure 6 (#15): `rootfs: { image }`. A two-layer image the bench builds
 * (busybox, then the action's own Node with its libraries: about 50 MB
 * compressed) is pushed to a registry on loopback (Debian's docker-registry).
 *
 * - warm: the whole step with the image already in the tool cache against the
 *   same /bin/true step with `rootfs: host`;
 * - cold: the pull and unpack alone (`gvisor-cell pull` into an empty tool
 *   cache) against `skopeo copy` + `umoci raw unpack` by hand, when both are
 *   installed.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../../support/action-yml.js';
import { busyboxLayer, gzipped, nodeLayer } from '../../support/images.js';
import { pushImage, type Registry, startRegistry } from '../../support/registry.js';
import { ACTION_NODE, TRIVIAL_CELL } from '../constants.js';
import { type Bench, haveCommand } from '../context.js';
import { log } from '../log.js';
import { lastLines } from '../processes.js';
import { order, roundName } from '../stats.js';
import { checkStep, runStep } from '../steps.js';

export type ImageKey = 'host' | 'image' | 'pull' | 'skopeo';

export interface ImageFigures {
  samples: Record<ImageKey, number[]>;
  /** Compressed bytes of the image's layers. */
  bytes: number;
  /** Why the skopeo + umoci reference was not measured, when it was not. */
  noReference?: string;
}

export async function measureImage(ctx: Bench, rounds: number): Promise<ImageFigures> {
  const { job, procs } = ctx;
  let registry: Registry | undefined;
  try {
    registry = await startRegistry(path.join(job.root, 'registry'));
    const layers = [gzipped(busyboxLayer()), gzipped(nodeLayer(ACTION_NODE))];
    const bytes = layers.reduce((n, l) => n + l.data.length, 0);
    const ref = `${registry.host}/bench/node:1`;
    await pushImage({ registry: registry.host, repository: 'bench/node', reference: '1' }, layers, { Env: ['PATH=/usr/local/bin:/bin'] });
    const reference = haveCommand('skopeo') && haveCommand('umoci') ? undefined : 'skopeo or umoci is not installed';
    const cli = path.join(REPO, 'dist', 'cli', 'index.js');
    let n = 0;
    const fresh = (what: string) => {
      const dir = path.join(job.scratch, `${what}-${++n}`);
      mkdirSync(dir, { recursive: true });
      return dir;
    };
    const variants: { key: ImageKey; run: () => Promise<{ ms: number }> }[] = [
      {
        key: 'host',
        run: async () => checkStep(await runStep(ctx, { cell: TRIVIAL_CELL, 'runsc-path': ctx.runsc }), 'warm step, rootfs: host'),
      },
      {
        key: 'image',
        run: async () =>
          checkStep(
            await runStep(ctx, { cell: `rootfs: { image: ${ref} }\n${TRIVIAL_CELL}`, 'runsc-path': ctx.runsc }),
            'warm step, rootfs: image',
          ),
      },
      {
        key: 'pull',
        run: async () => {
          const cache = fresh('pull-cache');
          try {
            const r = await procs.run(ACTION_NODE, [cli, 'pull', ref, '--tool-cache', cache]);
            if (r.code !== 0) throw new Error(`gvisor-cell pull failed: ${lastLines(r.stderr)}`);
            return r;
          } finally {
            rmSync(cache, { recursive: true, force: true });
          }
        },
      },
      ...(reference
        ? []
        : [
            {
              key: 'skopeo' as const,
              run: async () => {
                const dir = fresh('skopeo');
                try {
                  const script =
                    'skopeo copy -q --src-tls-verify=false "docker://$1" "oci:$2/layout:1" && umoci raw unpack --image "$2/layout:1" "$2/rootfs"';
                  const r = await procs.run('sh', ['-c', script, 'by-hand', ref, dir]);
                  if (r.code !== 0) throw new Error(`skopeo + umoci failed: ${lastLines(r.stderr)}`);
                  return r;
                } finally {
                  rmSync(dir, { recursive: true, force: true });
                }
              },
            },
          ]),
    ];
    const samples: Record<ImageKey, number[]> = { host: [], image: [], pull: [], skopeo: [] };
    for (let round = 0; round <= rounds; round++) {
      log(`image: ${roundName(round, rounds)}`);
      for (const v of order(variants, round)) {
        const r = await v.run();
        if (round > 0) samples[v.key].push(r.ms);
      }
    }
    return { samples, bytes, ...(reference ? { noReference: reference } : {}) };
  } finally {
    await registry?.stop();
  }
}
