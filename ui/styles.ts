// One stylesheet for every page (served at /ui.css so the Content-Security-Policy needs no inline styles).
// Colours meet WCAG AA contrast (4.5:1 for text); focus is always visible; states are said in words, not colour only.
export const css = `
:root { --text: #1b1b1b; --muted: #4a4a4a; --link: #0a4b8f; --bg: #ffffff; --panel: #f3f5f8; --line: #c3c9d1;
  --brand: #00427a; --focus: #ffbf47; --ok-bg: #e3f1e6; --ok: #135a2a; --warn-bg: #fff1c2; --warn: #5a3d00;
  --bad-bg: #fbe3e4; --bad: #8b1a1f; --pause-bg: #e7e7ee; --pause: #363650; }
* { box-sizing: border-box; }
html { font-family: system-ui, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 100%; line-height: 1.5; color: var(--text); background: var(--bg); }
body { margin: 0; }
a { color: var(--link); text-underline-offset: 0.15em; }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--text); outline-offset: 2px; box-shadow: 0 0 0 6px var(--focus); }
.skip { position: absolute; left: -999px; top: 0; background: var(--focus); color: #000; padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; top: .5rem; }
header.site { background: var(--brand); color: #fff; }
header.site .bar { max-width: 72rem; margin: 0 auto; padding: .75rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; justify-content: space-between; }
header.site a { color: #fff; }
header.site .brand { font-weight: 700; font-size: 1.15rem; text-decoration: none; }
header.site .who { display: flex; gap: .75rem; align-items: center; flex-wrap: wrap; }
header.site .who button { background: transparent; color: #fff; border: 1px solid #fff; }
nav.main { background: #e8eef5; border-bottom: 1px solid var(--line); }
nav.main ul { max-width: 72rem; margin: 0 auto; padding: 0 1rem; list-style: none; display: flex; flex-wrap: wrap; gap: 0 1.25rem; }
nav.main a { display: inline-block; padding: .6rem 0; color: var(--text); text-decoration: none; border-bottom: 3px solid transparent; }
nav.main a[aria-current="page"] { border-bottom-color: var(--brand); font-weight: 700; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1rem 3rem; }
main:focus { outline: none; }
footer.site { border-top: 1px solid var(--line); color: var(--muted); }
footer.site .bar { max-width: 72rem; margin: 0 auto; padding: 1rem; font-size: .9rem; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; justify-content: space-between; }
footer.site p { margin: 0; }
footer.site ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; }
h1 { font-size: 1.75rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .75rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 .5rem; }
p.lead { font-size: 1.1rem; color: var(--muted); margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .95rem; }
caption { text-align: left; font-weight: 700; padding: .25rem 0; }
th, td { text-align: left; vertical-align: top; padding: .45rem .6rem; border-bottom: 1px solid var(--line); }
thead th { background: var(--panel); border-bottom: 2px solid var(--muted); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.details { font-size: .85rem; overflow-wrap: anywhere; max-width: 32rem; }
.panel > h2:first-child, .panel > h3:first-child { margin-top: 0; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 4px; padding: 1rem; margin: 1rem 0; }
.grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .85rem; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.badge.ok { background: var(--ok-bg); color: var(--ok); }
.badge.warning { background: var(--warn-bg); color: var(--warn); }
.badge.breached, .badge.bad { background: var(--bad-bg); color: var(--bad); }
.badge.paused, .badge.neutral { background: var(--pause-bg); color: var(--pause); }
.notice { border-left: 6px solid var(--brand); background: #eef4fb; padding: .75rem 1rem; margin: 1rem 0; }
.notice.ok { border-color: var(--ok); background: var(--ok-bg); }
.notice.error { border-color: var(--bad); background: var(--bad-bg); }
.notice h2 { margin-top: 0; font-size: 1.1rem; }
form.stack { display: grid; gap: .9rem; max-width: 40rem; }
form.inline { display: inline; }
label, legend { font-weight: 600; display: block; }
fieldset { border: 1px solid var(--line); border-radius: 4px; padding: .75rem 1rem; margin: 0; }
.hint { color: var(--muted); font-size: .9rem; font-weight: 400; display: block; }
.pre { white-space: pre-line; }
.error-text { color: var(--bad); font-weight: 600; display: block; }
input[type=text], input[type=date], input[type=number], input[type=email], input[type=file], input:not([type]), select, textarea {
  font: inherit; padding: .45rem .55rem; border: 2px solid var(--muted); border-radius: 3px; width: 100%; max-width: 40rem; background: #fff; color: var(--text); }
textarea { min-height: 6rem; }
input[aria-invalid=true], select[aria-invalid=true], textarea[aria-invalid=true] { border-color: var(--bad); }
.check { display: flex; gap: .5rem; align-items: flex-start; font-weight: 400; }
.check input { width: 1.25rem; height: 1.25rem; margin-top: .15rem; }
button, .button { font: inherit; font-weight: 600; padding: .5rem 1rem; border-radius: 3px; border: 2px solid var(--brand); background: var(--brand); color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary, .button.secondary { background: #fff; color: var(--brand); }
.pipeline { list-style: none; padding: 0; display: grid; gap: .5rem; grid-template-columns: repeat(auto-fit, minmax(7.5rem, 1fr)); }
.pipeline > li { background: var(--panel); border: 1px solid var(--line); border-top: 4px solid var(--brand); padding: .5rem; min-height: 6rem; }
.pipeline h3 { font-size: .9rem; margin: 0 0 .25rem; }
.pipeline ul { list-style: none; padding: 0; margin: 0; font-size: .9rem; }
.pipeline .count { font-size: 1.4rem; font-weight: 700; display: block; }
.figure { margin: 1rem 0; overflow-x: auto; }
.figure svg { max-width: 100%; height: auto; }
.kpis { display: flex; flex-wrap: wrap; gap: .75rem; list-style: none; padding: 0; }
.kpis li { background: var(--panel); border: 1px solid var(--line); padding: .5rem .9rem; min-width: 9rem; }
.kpis strong { display: block; font-size: 1.5rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
pre.mail { white-space: pre-wrap; background: var(--panel); padding: .75rem; border: 1px solid var(--line); }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (prefers-reduced-motion: no-preference) { a, button { transition: box-shadow .1s; } }
`;
