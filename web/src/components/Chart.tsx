import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface ChartSeries {
  label: string;
  values: number[];
  color: string;
}

interface ChartProps {
  title: string;
  /** YYYY-MM-DD days, one per point. */
  days: string[];
  series: ChartSeries[];
  kind?: "line" | "bars";
  /** Formats a value on the axis and in the table. */
  format?: (n: number) => string;
}

const dayToSeconds = (d: string) => Date.parse(`${d}T00:00:00Z`) / 1000;

/** A uPlot chart that follows its container's width, with the same data as a table for screen readers. */
export function Chart({ title, days, series, kind = "line", format = (n) => String(n) }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = () => Math.max(240, el.clientWidth);
    const bars = kind === "bars" ? uPlot.paths.bars?.({ size: [0.7, 40] }) : undefined;
    const plot = new uPlot(
      {
        width: width(),
        height: 220,
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true } },
        axes: [
          { stroke: "#4b5563", grid: { stroke: "#e5e7eb" } },
          { stroke: "#4b5563", grid: { stroke: "#e5e7eb" }, values: (_u, ticks) => ticks.map(format), size: 64 },
        ],
        series: [
          { label: "Day", value: (_u, v) => (v == null ? "—" : new Date(v * 1000).toISOString().slice(0, 10)) },
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            fill: `${s.color}26`,
            paths: bars,
            points: { show: kind === "line" && days.length < 40 },
            value: (_u: uPlot, v: number | null) => (v == null ? "—" : format(v)),
          })),
        ],
      },
      [days.map(dayToSeconds), ...series.map((s) => s.values)],
      el,
    );
    const observer = new ResizeObserver(() => plot.setSize({ width: width(), height: 220 }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [days, series, kind, format]);

  const totals = series.map((s) => `${s.label} ${format(s.values.reduce((a, b) => a + b, 0))}`).join(", ");
  return (
    <figure class="chart">
      <figcaption class="chart__title">{title}</figcaption>
      <div ref={box} class="chart__plot" role="img" aria-label={`${title}. Totals: ${totals}.`} />
      <details class="chart__data">
        <summary>Show the data as a table</summary>
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Day</th>
                {series.map((s) => (
                  <th scope="col" key={s.label} class="num">
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {days.map((d, i) =>
                series.some((s) => (s.values[i] ?? 0) !== 0) ? (
                  <tr key={d}>
                    <th scope="row">{d}</th>
                    {series.map((s) => (
                      <td key={s.label} class="num">
                        {format(s.values[i] ?? 0)}
                      </td>
                    ))}
                  </tr>
                ) : null,
              )}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
