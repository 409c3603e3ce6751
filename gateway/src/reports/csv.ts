// One table (table.ts) as CSV through ExcelJS's CSV writer (fast-csv: quoting, escaping), UTF-8
// with a byte-order mark so Excel opens the Chinese text as such; times as local text.
import ExcelJS from 'exceljs';
import { cellText, type Sheet } from './table.ts';

export async function sheetCsv(s: Sheet, tz: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('export');
  ws.addRow(s.columns.map((c) => c.header));
  // text cells: the CSV carries exactly what the consoles show (percent, local time)
  for (const r of s.rows) ws.addRow(s.columns.map((c) => (c.format === 'int' || c.format === 'money' || c.format === 'decimal' ? (r[c.key] ?? '') : cellText(r[c.key] ?? null, c.format, tz))));
  const body = Buffer.from(await wb.csv.writeBuffer({ formatterOptions: { writeBOM: false } }));
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]);
}
