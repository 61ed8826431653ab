import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Pie,
  PieChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

/**
 * The dashboard's charts (recharts, loaded only with the dashboard's chunk). Each chart is a
 * picture for people who look: its figures are also written beside it, and its table is one
 * click away, so the SVG itself is hidden from screen readers.
 */

/** Colours from the design tokens (tokens.css), in an order that keeps neighbours apart. */
export const PALETTE = [
  '#0b3a75',
  '#00695f',
  '#a8440c',
  '#6b4fa0',
  '#2f7ebc',
  '#4a5a73',
  '#7a5c00',
  '#c2410c',
];
const AXIS = { fontSize: 12, fill: '#4a5a73' };
/** The hovered category's band: a light wash of the brand blue, not a grey block. */
const CURSOR = { fill: 'rgba(11, 58, 117, 0.08)' };

export interface Series {
  key: string;
  label: string;
}

export function StackedBars({
  name,
  data,
  xKey,
  series,
  height = 260,
}: {
  name: string;
  data: Record<string, string | number>[];
  xKey: string;
  series: Series[];
  height?: number;
}) {
  return (
    <div className="chart" data-chart={name} aria-hidden="true">
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey={xKey} tick={AXIS} interval="preserveStartEnd" />
          <YAxis allowDecimals={false} tick={AXIS} />
          <Tooltip cursor={CURSOR} />
          <Legend />
          {series.map((s, i) => (
            <Bar
              key={s.key}
              dataKey={s.key}
              name={s.label}
              stackId="all"
              fill={PALETTE[i % PALETTE.length]}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function SimpleBars({
  name,
  data,
  height = 200,
  max,
  layout = 'horizontal',
}: {
  name: string;
  data: { label: string; value: number }[];
  height?: number;
  /** The value axis' end (100 for percentages); automatic otherwise. */
  max?: number;
  layout?: 'horizontal' | 'vertical';
}) {
  const vertical = layout === 'vertical';
  return (
    <div className="chart" data-chart={name} aria-hidden="true">
      <ResponsiveContainer width="100%" height={height}>
        <BarChart
          data={data}
          layout={layout}
          margin={{ top: 8, right: 16, bottom: 0, left: vertical ? 24 : -16 }}
          accessibilityLayer={false}
        >
          <CartesianGrid strokeDasharray="3 3" horizontal={!vertical} vertical={vertical} />
          {vertical ? (
            <>
              <XAxis type="number" allowDecimals={false} domain={[0, max ?? 'auto']} tick={AXIS} />
              <YAxis type="category" dataKey="label" tick={AXIS} width={96} />
            </>
          ) : (
            <>
              <XAxis dataKey="label" tick={AXIS} interval={0} />
              <YAxis allowDecimals={false} domain={[0, max ?? 'auto']} tick={AXIS} />
            </>
          )}
          <Tooltip cursor={CURSOR} />
          <Bar dataKey="value" isAnimationActive={false}>
            {data.map((d, i) => (
              <Cell key={d.label} fill={PALETTE[i % PALETTE.length]} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function Donut({
  name,
  data,
}: {
  name: string;
  data: { label: string; value: number; color: string }[];
}) {
  return (
    <div className="chart" data-chart={name} aria-hidden="true">
      <ResponsiveContainer width="100%" height={200}>
        <PieChart accessibilityLayer={false}>
          <Pie
            data={data.filter((d) => d.value > 0)}
            dataKey="value"
            nameKey="label"
            innerRadius="55%"
            outerRadius="85%"
            // The chart is hidden from screen readers (its figures are written beside it): keep it out of the tab order too.
            rootTabIndex={-1}
            isAnimationActive={false}
          >
            {data
              .filter((d) => d.value > 0)
              .map((d) => (
                <Cell key={d.label} fill={d.color} />
              ))}
          </Pie>
          <Tooltip />
          <Legend />
        </PieChart>
      </ResponsiveContainer>
    </div>
  );
}
