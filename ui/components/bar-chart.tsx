// A horizontal bar chart as SVG with <title>/<desc>; the page always shows the same numbers as a table too.
import { formatNumber } from '../format';

let counter = 0;

export function BarChart({
  title,
  desc,
  bars,
  unit = '',
}: {
  title: string;
  desc: string;
  bars: { label: string; value: number }[];
  unit?: string;
}) {
  const left = 360;
  const maxBar = 420;
  const row = 28;
  const width = left + maxBar + 110;
  const height = Math.max(1, bars.length) * row + 12;
  const max = Math.max(1, ...bars.map((b) => b.value));
  counter = (counter + 1) % 1_000_000;
  const tid = `bc-title-${counter}`;
  const did = `bc-desc-${counter}`;
  return (
    <svg
      role="img"
      aria-labelledby={`${tid} ${did}`}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      xmlns="http://www.w3.org/2000/svg"
    >
      <title id={tid}>{title}</title>
      <desc id={did}>{desc}</desc>
      {bars.map((b, i) => {
        const y = 6 + i * row;
        const w = Math.max(2, (b.value / max) * maxBar);
        return (
          <g>
            <text x={left - 8} y={y + 16} font-size="13" text-anchor="end" fill="#1b1b1b">
              {b.label.length > 46 ? `${b.label.slice(0, 45)}…` : b.label}
            </text>
            <rect x={left} y={y + 3} width={w} height={18} fill="#00427a" />
            <text x={left + w + 6} y={y + 16} font-size="13" fill="#1b1b1b">{`${formatNumber(b.value)}${unit}`}</text>
          </g>
        );
      })}
    </svg>
  );
}
