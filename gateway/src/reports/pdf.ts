// A report (table.ts) as PDF through pdfkit, with a CJK font embedded (subset: only the glyphs
// used). pdfkit rather than the headless browser: an edge box or a server without Chromium makes
// the same file, in tens of milliseconds, and the font is one file the operator can choose
// (reports.pdfFont; Noto Sans CJK from Debian's fonts-noto-cjk by default).
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { HazardlineError } from '../errors.ts';
import { cellText, type Report, type Sheet } from './table.ts';

/** Where Debian, Ubuntu, Fedora and Alpine put Noto Sans CJK; the first that exists is used. */
export const DEFAULT_FONTS = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/noto/NotoSansCJK-Regular.ttc',
];

export interface PdfFont {
  path: string;
  /** the face inside a collection (.ttc), e.g. NotoSansCJKsc-Regular */
  family?: string;
}

/** The configured font, else the first default present; HL_ERR_NO_FONT (503) naming where it looked. */
export function resolveFont(configured?: PdfFont): PdfFont {
  if (configured) {
    if (!existsSync(configured.path)) throw new HazardlineError('HL_ERR_NO_FONT', `reports.pdfFont.path: ${configured.path} does not exist`, 503);
    return configured;
  }
  const path = DEFAULT_FONTS.find((p) => existsSync(p));
  if (!path) throw new HazardlineError('HL_ERR_NO_FONT', `no CJK font for PDF reports: install fonts-noto-cjk or set reports.pdfFont (looked in ${DEFAULT_FONTS.join(', ')})`, 503);
  return { path, family: 'NotoSansCJKsc-Regular' };
}

const MARGIN = 40;

export function reportPdf(r: Report, made: Date, font: PdfFont): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: MARGIN, info: { Title: r.title, Creator: 'hazardline', CreationDate: made }, bufferPages: true });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    try {
      doc.registerFont('cjk', font.path, font.family);
      doc.font('cjk');
      doc.fontSize(16).text(r.title, { align: 'center' });
      doc.moveDown(0.3);
      doc.fontSize(9).fillColor('#555').text(r.subtitle.join('    '), { align: 'center' });
      doc.fillColor('#000').moveDown(0.8);
      if (r.summary) {
        // the key figures as a 4-column grid of label: value
        const rows: Record<string, string>[] = [];
        for (let i = 0; i < r.summary.length; i += 4) {
          const row: Record<string, string> = {};
          r.summary.slice(i, i + 4).forEach(([label, v, f], j) => {
            row[`l${j}`] = label;
            row[`v${j}`] = cellText(v, f, r.timezone) || '—';
          });
          rows.push(row);
        }
        const cols = [0, 1, 2, 3].flatMap((j) => [{ key: `l${j}`, header: '指标' }, { key: `v${j}`, header: '数值' }]);
        table(doc, { name: '概况', title: '一、主要指标', columns: cols, rows }, r.timezone);
      }
      const numerals = ['二', '三', '四', '五', '六', '七', '八', '九', '十'];
      r.sheets.forEach((s, i) => table(doc, { ...s, title: `${numerals[i] ?? i + 2}、${s.title ?? s.name}` }, r.timezone));
      // page numbers
      const range = doc.bufferedPageRange();
      for (let p = range.start; p < range.start + range.count; p++) {
        doc.switchToPage(p);
        doc.fontSize(8).fillColor('#888').text(`${p + 1} / ${range.count}`, MARGIN, doc.page.height - MARGIN + 10, { align: 'center', lineBreak: false });
      }
      doc.end();
    } catch (err) {
      reject(err);
    }
  });
}

/** One table with a header row repeated on every page; long cells wrap within their column. */
function table(doc: PDFKit.PDFDocument, s: Sheet, tz: string): void {
  const width = doc.page.width - 2 * MARGIN;
  const weights = s.columns.map((c) => (c.format && c.format !== 'text' ? 1 : c.format === 'text' && c.width ? c.width / 10 : 1.6));
  const total = weights.reduce((a, b) => a + b, 0);
  const widths = weights.map((w) => (w / total) * width);
  const pad = 3;
  const bottom = () => doc.page.height - MARGIN - 20;
  if (doc.y > bottom() - 60) doc.addPage();
  doc.fontSize(12).fillColor('#000').text(s.title ?? s.name, MARGIN, doc.y);
  doc.moveDown(0.3);
  const drawRow = (cells: string[], header: boolean) => {
    doc.fontSize(header ? 8.5 : 8);
    const h = Math.max(...cells.map((c, i) => doc.heightOfString(c || ' ', { width: widths[i] - 2 * pad }))) + 2 * pad;
    if (doc.y + h > bottom()) {
      doc.addPage();
      if (!header) drawRow(s.columns.map((c) => c.header), true);
    }
    const y = doc.y;
    let x = MARGIN;
    if (header) doc.rect(MARGIN, y, width, h).fill('#e8eef4');
    doc.fillColor('#000');
    cells.forEach((c, i) => {
      doc.rect(x, y, widths[i], h).lineWidth(0.4).stroke('#999');
      doc.fillColor('#000').text(c, x + pad, y + pad, { width: widths[i] - 2 * pad });
      x += widths[i];
    });
    doc.x = MARGIN;
    doc.y = y + h;
  };
  drawRow(s.columns.map((c) => c.header), true);
  if (s.rows.length === 0) drawRow(s.columns.map((_, i) => (i === 0 ? '无' : '')), false);
  for (const r of s.rows) drawRow(s.columns.map((c) => cellText(r[c.key] ?? null, c.format, tz)), false);
  doc.moveDown(1);
}
