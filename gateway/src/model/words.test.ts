import { describe, expect, it } from 'vitest';
import { ALARM_STATE_WORDS, HAZARD_CATEGORY_WORDS, HAZARD_LEVEL_WORDS, HAZARD_SOURCE_WORDS, HAZARD_STATE_WORDS, RISK_COLOUR_WORDS, SEVERITY_WORDS, type Words } from './words.ts';
import { HAZARD_CATEGORIES, HAZARD_LEVELS, HAZARD_SOURCES, HAZARD_STATES } from '../hazards/types.ts';
import { SEVERITIES } from './vocabulary.ts';

const keys = (w: Words) => Object.keys(w).sort();

describe('words', () => {
  it('every state and kind has its words, and nothing else', () => {
    expect(keys(HAZARD_STATE_WORDS)).toEqual([...HAZARD_STATES].sort());
    expect(keys(HAZARD_SOURCE_WORDS)).toEqual([...HAZARD_SOURCES].sort());
    expect(keys(HAZARD_LEVEL_WORDS)).toEqual([...HAZARD_LEVELS].sort());
    expect(keys(HAZARD_CATEGORY_WORDS)).toEqual([...HAZARD_CATEGORIES].sort());
    expect(keys(SEVERITY_WORDS)).toEqual([...SEVERITIES].sort());
    expect(keys(RISK_COLOUR_WORDS)).toEqual([...SEVERITIES].sort());
    expect(keys(ALARM_STATE_WORDS)).toEqual(['active_acked', 'active_unacked', 'cleared_unacked', 'normal', 'shelved', 'suppressed']);
  });
});
