// Line charts drawn as plain SVG: no library, nothing to vendor. One chart per call; the
// container is emptied and redrawn on every refresh (60 points per series, cheap).

const NS = 'http://www.w3.org/2000/svg';
const W = 560, H = 200, L = 52, R = 12, T = 12, B = 28;

function el(name, attrs, parent) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (parent) parent.appendChild(e);
  return e;
}

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function fmt(v) {
  if (v >= 1000) return +(v / 1000).toFixed(v >= 10000 ? 0 : 2) + 'k';
  if (v >= 10 || v === 0) return v.toFixed(0);
  return v.toFixed(v >= 1 ? 1 : 2);
}

function clock(t, seconds) {
  return new Date(t).toTimeString().slice(0, seconds ? 8 : 5);
}

/**
 * Draws series = [{name, cls, values: [number|null]}] over times (ms) into container.
 * Points above zero get a dot (class "pt"; their count is the svg's data-points), so
 * a reader sees where the traffic was; null values (no requests, so no latency) leave a gap.
 */
export function lineChart(container, {title, unit, times, series, step}) {
  container.replaceChildren();
  const box = document.createElement('div');
  box.className = 'chart';
  const h = document.createElement('h3');
  h.textContent = title + (unit ? ` (${unit})` : '');
  box.appendChild(h);
  const svg = el('svg', {viewBox: `0 0 ${W} ${H}`, class: 'chart-svg', role: 'img', 'aria-label': title});
  box.appendChild(svg);
  let max = 0;
  for (const s of series) for (const v of s.values) if (v != null && v > max) max = v;
  max = niceMax(max);
  const n = times.length;
  const x = i => L + (n <= 1 ? 0 : (i * (W - L - R)) / (n - 1));
  const y = v => T + (H - T - B) * (1 - v / max);
  for (let k = 0; k <= 4; k++) {
    const v = (max * k) / 4;
    el('line', {x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid'}, svg);
    el('text', {x: L - 6, y: y(v) + 4, class: 'axis', 'text-anchor': 'end'}, svg).textContent = fmt(v);
  }
  for (let k = 0; k < n; k += Math.max(1, Math.floor(n / 6))) {
    el('text', {x: x(k), y: H - 8, class: 'axis', 'text-anchor': 'middle'}, svg).textContent = clock(times[k], step < 60);
  }
  let dots = 0;
  for (const s of series) {
    let d = '';
    s.values.forEach((v, i) => {
      if (v == null) return;
      d += (d === '' || s.values[i - 1] == null ? 'M' : 'L') + x(i).toFixed(1) + ',' + y(v).toFixed(1);
    });
    if (d) el('path', {d, class: 'line ' + s.cls}, svg);
    s.values.forEach((v, i) => {
      if (v == null || v <= 0) return;
      el('circle', {cx: x(i), cy: y(v), r: 2.2, class: 'pt ' + s.cls}, svg);
      dots++;
    });
  }
  svg.setAttribute('data-points', String(dots));
  const legend = document.createElement('div');
  legend.className = 'legend';
  for (const s of series) {
    const item = document.createElement('span');
    item.className = 'key ' + s.cls;
    item.textContent = s.name;
    legend.appendChild(item);
  }
  box.appendChild(legend);
  container.appendChild(box);
}
