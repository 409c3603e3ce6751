// How long the bulletin takes to render and how large it is (issue 15): a month of 50 enterprises
// (the summary, a 50-row ranking, 30 days), as PDF (pdfkit, Noto Sans CJK subset) and as .xlsx
// (ExcelJS), three runs. `npm run bench:reports`.
import { reportPdf, resolveFont } from '../gateway/src/reports/pdf.ts';
import { reportXlsx } from '../gateway/src/reports/xlsx.ts';
import type { Report } from '../gateway/src/reports/table.ts';
const ents = Array.from({ length: 50 }, (_, i) => ({ name: `示例企业${i + 1}`, risk: '黄（一般风险）', hazardsFound: i, workerReports: i % 7, rectificationRate: 0.8, overdue: i % 3, openMajors: i % 2, alarmsRaised: i * 3, redAlarms: i % 4, sameDayDisposalRate: 0.95, findings: i % 5, onlineRate: 0.99 }));
const r: Report = {
  title: '泰安市安全生产月通报（2026年11月）', subtitle: ['范围：泰安市（50 家企业）', '统计期：2026-11-01 至 2026-11-30', '生成时间：2026-12-01 08:00'], timezone: 'Asia/Shanghai',
  summary: Array.from({ length: 26 }, (_, i) => [`指标${i}`, i * 3.5, i % 3 === 0 ? 'percent' : 'int'] as [string, number, 'percent' | 'int']),
  sheets: [
    { name: '企业排名', title: '企业排名', columns: Object.keys(ents[0]).map((k) => ({ key: k, header: k, format: k === 'name' || k === 'risk' ? 'text' : k.endsWith('Rate') ? 'percent' : 'int' })), rows: ents },
    { name: '每日趋势', title: '每日情况', columns: [{ key: 'day', header: '日期' }, { key: 'n', header: '隐患', format: 'int' }], rows: Array.from({ length: 30 }, (_, i) => ({ day: `2026-11-${String(i + 1).padStart(2, '0')}`, n: i })) },
  ],
};
for (let run = 0; run < 3; run++) {
  let t = performance.now();
  const pdf = await reportPdf(r, new Date(), resolveFont());
  const tp = performance.now() - t;
  t = performance.now();
  const x = await reportXlsx(r, new Date());
  const tx = performance.now() - t;
  console.log(`run ${run + 1}: pdf ${(pdf.length / 1024).toFixed(0)} KB in ${tp.toFixed(0)} ms; xlsx ${(x.length / 1024).toFixed(0)} KB in ${tx.toFixed(0)} ms`);
}
