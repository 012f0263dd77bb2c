export { type BarChartSpec, barChart, type ChartSeries } from "./bar-chart.ts";
export { escapeHtml } from "./escape.ts";
export { count, num, ratio } from "./format.ts";
export { factList, htmlPage } from "./html-page.ts";
export { BASELINE_COLOR, SERVER_COLOR, SOCKET_IO_COLOR, TRANSPORT_COLORS } from "./palette.ts";
export { htmlTable, markdownTable, type Table, type TableCells, textTable } from "./table.ts";
