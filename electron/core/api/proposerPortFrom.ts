import { proposeRegions } from '../regions/proposeRegions.js';
import type { RegionProposerPort } from './ports.js';

/**
 * The RegionProposerPort over core/regions/proposeRegions: opens its own OpenSlide handle (the
 * proposer reads several resolutions directly) and returns each proposal with its score, the
 * components of that score and the proposer's one-line reason.
 */
export function proposerPortFrom(): RegionProposerPort {
  return {
    async propose(slidePath, _slide, limit) {
      const { openSlide } = await import('../../../native/lib/index.js');
      const handle = await openSlide(slidePath);
      try {
        const result = await proposeRegions(handle, { count: limit });
        return result.proposals.map((p) => {
          const { total, ...components } = p.scores;
          return { regionId: p.id, bounds: p.rect, score: total, components, reason: p.reason };
        });
      } finally {
        handle.close();
      }
    },
  };
}
