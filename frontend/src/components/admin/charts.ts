// Register only the Chart.js pieces we draw with, so the bundle stays small (tree-shaking).
import { BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js'

Chart.register(BarElement, CategoryScale, LinearScale, Tooltip, Legend)

export const palette = {
  primary: '#3451b2',
  accent: '#e0a526',
  muted: '#94a3b8',
}
