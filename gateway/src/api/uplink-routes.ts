// GET /api/v1/uplink (issue 7, docs/uplink.md): an edge's link and forward queue (depth, age of
// the oldest entry, link state); a central's edges in the caller's scope — connected or not, how
// far behind (数据延迟), backlog, rows applied and gaps.
import type { TokenAuth } from './auth.ts';
import type { buildApi } from './server.ts';
import type { CentralMode, EdgeMode } from '../uplink/uplink-modes.ts';

export function uplinkRoutes(app: ReturnType<typeof buildApi>, d: { auth: TokenAuth; edge?: EdgeMode; central?: CentralMode }): void {
  app.get('/api/v1/uplink', async (req) => {
    const id = d.auth.require(req.headers.authorization, ['dispatcher', 'officer', 'regulator', 'admin']);
    if (d.edge) return d.edge.uplink.status();
    if (d.central) {
      const edges = [...d.central.registry.edges.values()].filter((e) => [...e.principal.enterprises].some((ent) => d.auth.inScope(id, ent)));
      return { mode: d.central.mode, edges: edges.map((e) => d.central!.view(e)) };
    }
    return { mode: 'standalone' };
  });
}
