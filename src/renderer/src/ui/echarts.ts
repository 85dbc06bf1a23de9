// The ECharts parts the renderer draws with, registered once, in a chunk of their own: ui/chart.ts
// loads it on the first chart or while idle after the first graph frame, so a cold start does not
// parse and run ≈ 570 kB of charting code before the graph (a third of the startup bundle).
import { BarChart, LineChart } from 'echarts/charts'
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components'
import { init, use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'

use([
  BarChart,
  LineChart,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  CanvasRenderer,
])

export { init }
