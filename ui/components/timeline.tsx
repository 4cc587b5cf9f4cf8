// Timelines drawn as SVG, each with <title>/<desc>; the pages put the same facts next to them as text.
import { formatDate, formatDateTime, formatDuration, toDate } from '../format';

export interface LaneEvent {
  at: string | number | Date;
  label: string;
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}-${(counter = (counter + 1) % 1_000_000)}`;

/** Events of several lanes (e.g. technical delivery and processing) on one shared order of time. */
export function LaneTimeline({
  title,
  desc,
  lanes,
}: {
  title: string;
  desc: string;
  lanes: { name: string; events: LaneEvent[] }[];
}) {
  const all = lanes
    .flatMap((l, lane) => l.events.map((e) => ({ ...e, lane, t: toDate(e.at)?.getTime() ?? 0 })))
    .sort((a, b) => a.t - b.t);
  const step = 150;
  const left = 150;
  const laneHeight = 78;
  const width = Math.max(640, left + all.length * step + 40);
  const height = lanes.length * laneHeight + 16;
  const tid = nextId('tl-title');
  const did = nextId('tl-desc');
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
      {lanes.map((l, i) => {
        const y = 24 + i * laneHeight;
        return (
          <g>
            <text x={8} y={y + 5} font-size="14" font-weight="700" fill="#1b1b1b">
              {l.name}
            </text>
            <line x1={left - 10} y1={y} x2={width - 20} y2={y} stroke="#8a94a3" stroke-width="2" />
          </g>
        );
      })}
      {all.map((e, i) => {
        const x = left + i * step + 20;
        const y = 24 + e.lane * laneHeight;
        return (
          <g>
            <circle cx={x} cy={y} r={8} fill="#00427a" stroke="#fff" stroke-width="2" />
            <text x={x} y={y + 26} font-size="13" text-anchor="middle" fill="#1b1b1b">
              {e.label.length > 21 ? `${e.label.slice(0, 20)}…` : e.label}
            </text>
            <text x={x} y={y + 44} font-size="12" text-anchor="middle" fill="#4a4a4a">
              {formatDateTime(e.at)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export interface Stay {
  label: string;
  from: number;
  to: number;
  current: boolean;
}

/** Phases as bars proportional to the time spent in them (a Gantt row per stay, loops show as repeated phases). */
export function PhaseTimeline({ title, desc, stays }: { title: string; desc: string; stays: Stay[] }) {
  const left = 250;
  const barWidth = 560;
  const row = 30;
  const width = left + barWidth + 150;
  const height = stays.length * row + 48;
  const start = Math.min(...stays.map((s) => s.from));
  const end = Math.max(...stays.map((s) => s.to), start + 1);
  const scale = (t: number) => left + ((t - start) / (end - start)) * barWidth;
  const tid = nextId('pt-title');
  const did = nextId('pt-desc');
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
      {stays.map((s, i) => {
        const y = 10 + i * row;
        const x = scale(s.from);
        const w = Math.max(4, scale(s.to) - x);
        return (
          <g>
            <text x={8} y={y + 17} font-size="13" fill="#1b1b1b">
              {s.label}
            </text>
            <rect x={x} y={y + 4} width={w} height={18} rx={3} fill={s.current ? '#00427a' : '#5b7fa6'} />
            <text
              x={x + w + 6}
              y={y + 17}
              font-size="12"
              fill="#1b1b1b"
            >{`${formatDuration(s.to - s.from)}${s.current ? ' (läuft)' : ''}`}</text>
          </g>
        );
      })}
      <line x1={left} y1={height - 30} x2={left + barWidth} y2={height - 30} stroke="#4a4a4a" />
      <text x={left} y={height - 12} font-size="12" fill="#4a4a4a">
        {formatDate(start)}
      </text>
      <text x={left + barWidth} y={height - 12} font-size="12" text-anchor="end" fill="#4a4a4a">
        {formatDate(end)}
      </text>
    </svg>
  );
}
