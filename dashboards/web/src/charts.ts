// ECharts for the overview (issue 15), loaded only when an overview is opened (a dynamic import in
// overview.tsx: the consoles' first load does not carry it), and only the parts used: bar, line
// and pie charts, grid, tooltip, legend, the canvas renderer. uPlot stays for the dense series.
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { DatasetComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, PieChart, GridComponent, TooltipComponent, LegendComponent, TitleComponent, DatasetComponent, CanvasRenderer]);

/** the console's palette: calm on a dark wall screen, the warning colours only where they mean it */
export const PALETTE = ['#58a6ff', '#3fb950', '#d2a8ff', '#e3b341', '#ffa657', '#ff7b72', '#79c0ff', '#8b949e'];

export interface Mounted {
  set(option: echarts.EChartsCoreOption): void;
  dispose(): void;
}

export function mount(el: HTMLElement): Mounted {
  const chart = echarts.init(el, undefined, { renderer: 'canvas' });
  const resize = new ResizeObserver(() => chart.resize());
  resize.observe(el);
  const base = { backgroundColor: 'transparent', color: PALETTE, textStyle: { color: '#c9d1d9', fontFamily: '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif' }, animation: false };
  return {
    set: (option) => chart.setOption({ ...base, ...option }, true),
    dispose: () => {
      resize.disconnect();
      chart.dispose();
    },
  };
}
