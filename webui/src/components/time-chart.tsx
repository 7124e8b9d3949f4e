/**
 * One uPlot time chart with its accessible alternatives: the canvas is an image labelled by the
 * chart's title and described by its text summary, and a table of every non-empty bucket sits
 * beside it in a disclosure. uPlot is imported here only, so it loads with the dashboard page.
 */
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { type ChartSpec, formatTick, formatValue, summarize, tableRows } from "../lib/dashboard";

/** Colour-blind-safe palette (Okabe–Ito), readable on white. */
const COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];

export function TimeChart({ chart, timestamps }: { chart: ChartSpec; timestamps: number[] }) {
  const host = useRef<HTMLDivElement>(null);
  const summaryId = `chart-${chart.id}-summary`;

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const width = () => Math.max(280, element.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height: 200,
        series: [
          {},
          ...chart.series.map((series, i) => ({
            label: series.label,
            stroke: COLOURS[i % COLOURS.length],
            width: 2,
            // Points too: a window with traffic in one bucket only would otherwise draw nothing.
            points: { show: true, size: 4 },
            spanGaps: false,
            value: (_: uPlot, value: number | null) => formatValue(value, chart.unit),
          })),
        ],
        axes: [
          {},
          {
            values: (_: uPlot, ticks: number[]) => ticks.map((tick) => formatTick(tick, chart.unit)),
            size: 64,
          },
        ],
        scales: { x: { time: true } },
        legend: { show: true },
      },
      [timestamps, ...chart.series.map((series) => series.values)] as uPlot.AlignedData,
      element,
    );
    const observer = new ResizeObserver(() => plot.setSize({ width: width(), height: 200 }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [chart, timestamps]);

  const rows = tableRows(chart, timestamps);
  return (
    <section class="card chart" aria-labelledby={`chart-${chart.id}-title`} data-testid={`chart-${chart.id}`}>
      <h2 id={`chart-${chart.id}-title`}>{chart.title}</h2>
      <div ref={host} role="img" aria-label={chart.title} aria-describedby={summaryId} />
      <p id={summaryId} class="muted" data-testid={`chart-${chart.id}-summary`}>
        {summarize(chart)}
      </p>
      <details>
        <summary>Table of {chart.title.toLowerCase()}</summary>
        {rows.length === 0 ? (
          <p class="muted">No data in this window.</p>
        ) : (
          <table>
            <caption class="visually-hidden">{chart.title}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Bucket start (UTC)</th>
                {chart.series.map((series) => (
                  <th scope="col" key={series.label}>
                    {series.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.time}>
                  <th scope="row">{row.time}</th>
                  {row.cells.map((cell, i) => (
                    <td key={chart.series[i]?.label ?? i}>{cell}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </details>
    </section>
  );
}
