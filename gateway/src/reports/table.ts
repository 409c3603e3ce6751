// A report as tables (issue 15): the bulletin and every ledger export are built as sheets of typed
// columns, then rendered to .xlsx (xlsx.ts), CSV (csv.ts) or PDF (pdf.ts). Pure data.
import { localMinute } from '../alarms/local-time.ts';

export type CellFormat = 'text' | 'int' | 'decimal' | 'percent' | 'money' | 'time';

export interface Column {
  key: string;
  header: string;
  format?: CellFormat;
  /** characters; a sensible width by format when absent */
  width?: number;
}

/** A cell: a number for int/decimal/percent (0..1)/money, epoch ms for time, else text; null is empty. */
export type Cell = string | number | null;

export interface Sheet {
  /** the tab's name (≤ 31 characters, unique in a workbook) */
  name: string;
  /** a line above the table */
  title?: string;
  columns: Column[];
  rows: Record<string, Cell>[];
}

export interface Report {
  title: string;
  /** under the title: scope, period, when made */
  subtitle: string[];
  /** key figures, shown first: [label, value, format] */
  summary?: [string, Cell, CellFormat][];
  sheets: Sheet[];
  /** the time zone times are shown in */
  timezone: string;
}

/** A cell as text (CSV, PDF): percentages with one decimal, times local `YYYY-MM-DD HH:mm`. */
export function cellText(v: Cell, format: CellFormat = 'text', tz: string): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  switch (format) {
    case 'percent':
      return `${(v * 100).toFixed(1)}%`;
    case 'money':
      return v.toFixed(2);
    case 'decimal':
      return String(Math.round(v * 10) / 10);
    case 'time':
      return localTime(v, tz);
    default:
      return String(v);
  }
}

/** `YYYY-MM-DD HH:mm` in `tz` (alarms/local-time.ts: the zone's offset is cached, so 10,000 rows cost no Intl formatting each) */
export const localTime = localMinute;
