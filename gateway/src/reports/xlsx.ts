// A report (table.ts) as an .xlsx workbook through ExcelJS: the summary on its own sheet, every
// table a sheet with a bold frozen header, auto-filter, column widths, number formats, and times
// as real Excel dates in the report's time zone.
import ExcelJS from 'exceljs';
import { utcOffsetMs } from '../alarms/local-time.ts';
import type { Cell, CellFormat, Report, Sheet } from './table.ts';

const NUM_FMT: Record<CellFormat, string | undefined> = { text: undefined, int: '0', decimal: '0.0', percent: '0.0%', money: '#,##0.00', time: 'yyyy-mm-dd hh:mm' };
const WIDTH: Record<CellFormat, number> = { text: 18, int: 10, decimal: 10, percent: 10, money: 12, time: 17 };

/** Excel has no time zones: a time is written as the wall-clock time of the report's zone. */
const excelValue = (v: Cell, f: CellFormat, tz: string) => (v !== null && f === 'time' && typeof v === 'number' ? new Date(v + utcOffsetMs(v, tz)) : v);

function addSheet(wb: ExcelJS.Workbook, s: Sheet, tz: string): void {
  const ws = wb.addWorksheet(s.name.slice(0, 31));
  let top = 1;
  if (s.title) {
    ws.getCell(1, 1).value = s.title;
    ws.getCell(1, 1).font = { bold: true, size: 13 };
    top = 3;
  }
  const header = ws.getRow(top);
  s.columns.forEach((c, i) => {
    header.getCell(i + 1).value = c.header;
    ws.getColumn(i + 1).width = c.width ?? Math.max(WIDTH[c.format ?? 'text'], c.header.length * 2 + 2);
    const fmt = NUM_FMT[c.format ?? 'text'];
    if (fmt) ws.getColumn(i + 1).numFmt = fmt;
  });
  header.font = { bold: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF4' } };
  header.alignment = { vertical: 'middle' };
  for (const r of s.rows) ws.addRow(s.columns.map((c) => excelValue(r[c.key] ?? null, c.format ?? 'text', tz)));
  ws.views = [{ state: 'frozen', ySplit: top }];
  if (s.columns.length > 0) ws.autoFilter = { from: { row: top, column: 1 }, to: { row: top, column: s.columns.length } };
}

export async function reportXlsx(r: Report, made: Date): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'hazardline';
  wb.created = made;
  wb.title = r.title;
  if (r.summary) {
    addSheet(
      wb,
      {
        name: '概况',
        title: r.title,
        columns: [
          { key: 'label', header: '指标', width: 28 },
          { key: 'value', header: '数值', width: 16 },
        ],
        rows: [],
      },
      r.timezone,
    );
    const ws = wb.getWorksheet('概况')!;
    // the scope and period above the figures
    ws.spliceRows(2, 0, ...r.subtitle.map((line) => [line]));
    for (const [label, value, f] of r.summary) {
      const row = ws.addRow([label, excelValue(value, f, r.timezone)]);
      const fmt = NUM_FMT[f];
      if (fmt) row.getCell(2).numFmt = fmt;
    }
  }
  for (const s of r.sheets) addSheet(wb, s, r.timezone);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
