import { describe, expect, it } from 'vitest';
import { publicError } from './public-error.ts';

describe('publicError (what /healthz shows of a store error)', () => {
  it('keeps the first line, bounded, without credentials', () => {
    const shown = publicError(`connect ECONNREFUSED postgres://admin:s3cret@db:5432/records password=hunter2 token=abc\n    at Socket.connect (/srv/app/node_modules/pg/lib/client.js:1:1)\n${'x'.repeat(500)}`);
    expect(shown).toBe('connect ECONNREFUSED postgres://***@db:5432/records password=*** token=***');
    expect(publicError('y'.repeat(500))).toHaveLength(200);
  });
});
