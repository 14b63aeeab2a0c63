// The dashboard: one page per hash (#overview, #providers, ...), each reading the admin API's
// JSON (docs/dashboard.md) and redrawing itself on a timer. DOM is built with h() only, never
// from HTML strings, so no value from the config or the traffic can inject markup.
import {lineChart} from './charts.js';
import {streamAnswer} from './tryit.js';

const PAGES = {
  overview: {title: 'Overview', every: 5000, render: overview},
  providers: {title: 'Providers', every: 1000, render: providers},
  traffic: {title: 'Traffic', every: 5000, render: traffic},
  requests: {title: 'Recent requests', every: 3000, render: requests},
  spend: {title: 'Keys and spend', every: 10000, render: spend},
  try: {title: 'Try it', every: 0, render: tryIt},
};

let session = null;
let timer = null;
let generation = 0; // of page switches, so a late answer does not draw on another page
const state = {minutes: 5, by: 'route', key: '', filters: {status: '', route: '', provider: '', model: '', q: ''}};

export function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c != null) e.append(c instanceof Node ? c : String(c));
  return e;
}

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function api(path, opts = {}) {
  const r = await fetch('/api/' + path, {credentials: 'same-origin', ...opts});
  if (r.status === 204) return null;
  const body = await r.json().catch(() => null);
  if (!r.ok) throw new ApiError(r.status, body?.error?.message || `HTTP ${r.status}`);
  return body;
}

function showError(msg) {
  const b = document.getElementById('error');
  b.textContent = msg || '';
  b.classList.toggle('hidden', !msg);
}

function badge(text, kind) {
  return h('span', {class: 'badge ' + (kind || String(text).toLowerCase())}, text);
}

function table(head, rows, cls) {
  return h('table', {class: cls || ''},
    h('thead', {}, h('tr', {}, head.map(c => h('th', {}, c)))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', {colspan: head.length, class: 'muted'}, 'none'))));
}

function card(title, value, sub) {
  return h('div', {class: 'card'}, h('div', {class: 'card-title'}, title), h('div', {class: 'card-value'}, value),
    sub ? h('div', {class: 'card-sub muted'}, sub) : null);
}

function ms(v) {
  return v == null ? '–' : v < 10 ? v.toFixed(1) + ' ms' : Math.round(v) + ' ms';
}

function ago(iso) {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 60 ? s + ' s ago' : s < 3600 ? Math.round(s / 60) + ' min ago' : Math.round(s / 3600) + ' h ago';
}

function matchText(r) {
  const p = r.path.type === 'EXACT' ? '= ' : r.path.type === 'PATH_PREFIX' ? '' : '~ ';
  const extra = [...r.headers.map(m => `${m.name}${m.type === 'Exact' ? '=' : '~'}${m.value}`),
    ...r.queryParams.map(m => `?${m.name}${m.type === 'Exact' ? '=' : '~'}${m.value}`)];
  return `${r.method || 'ANY'} ${p}${r.path.value}${extra.length ? ' [' + extra.join(', ') + ']' : ''}`;
}

function destText(d) {
  const w = d.weight !== 1 ? ` ×${d.weight}` : '';
  if (d.type === 'ai') {
    return h('span', {}, badge('AI', 'ai'), ` ${d.name}${w}: `,
      d.priorityGroups.map((g, i) => (i ? ' then ' : '') + g.map(p => `${p.kind}/${p.name} (${p.target})`).join(', ')).join(''));
  }
  if (d.type === 'static') return h('span', {}, badge('static', 'static'), ` ${d.name}${w}: ${d.hosts.join(', ')}`);
  return h('span', {}, badge('unavailable', 'unavailable'), ` ${d.name}: ${d.reason}`);
}

async function overview(root) {
  const o = await api('overview');
  const errors = o.problems.filter(p => p.severity === 'ERROR').length;
  const k = o.kubernetes;
  root.replaceChildren(
    h('div', {class: 'cards'},
      card('Config generation', String(o.generation), 'loaded ' + ago(o.loadedAt) + ' · ' + new Date(o.loadedAt).toLocaleString()),
      card('Routes', String(o.routes.length), o.unavailable.length + ' unavailable'),
      card('Problems', String(o.problems.length), errors ? errors + ' errors' : 'no errors'),
      card('Mode', k ? 'Kubernetes' : 'Files',
        k ? `API server ${k.apiReachable ? 'reachable' : 'unreachable since ' + k.staleSince} · ` +
          (k.leader ? `this replica (${k.identity}) leads` : `${k.leaderIdentity ?? 'another replica'} leads; this is ${k.identity}`) : 'resources from -f files')),
    h('h2', {}, 'Listeners'),
    table(['Gateway', 'Listener', 'Port', 'Bound', 'Protocol'], o.listeners.map(l => h('tr', {},
      h('td', {}, l.gateway + (l.implicit ? ' (implicit)' : '')), h('td', {}, l.name), h('td', {}, l.port),
      h('td', {}, l.boundPort ?? '–'), h('td', {}, l.tls ? 'HTTPS' : 'HTTP')))),
    h('h2', {}, 'Routes, in precedence order'),
    table(['#', 'Port', 'Hosts', 'Match', 'Destinations', 'Rule'], o.routes.map(r => h('tr', {class: 'route-row'},
      h('td', {}, r.precedence), h('td', {}, r.port), h('td', {}, r.hostnames.length ? r.hostnames.join(', ') : '*'),
      h('td', {class: 'mono'}, matchText(r)),
      h('td', {}, r.destinations.length ? r.destinations.map(d => h('div', {}, destText(d))) : badge('no backends', 'unavailable')),
      h('td', {class: 'mono small'}, r.id, r.policy ? h('div', {class: 'muted'}, r.policy) : null)))),
    h('h2', {}, 'Unavailable routes'),
    table(['Rule', 'Port', 'Backend', 'Why'], o.unavailable.map(u => h('tr', {class: 'unavailable-row'},
      h('td', {class: 'mono small'}, u.route), h('td', {}, u.port), h('td', {}, u.backend ?? '–'), h('td', {}, u.reason)))),
    h('h2', {}, 'Config problems'),
    table(['Severity', 'Where', 'Resource', 'Problem'], o.problems.map(p => h('tr', {class: 'problem-row'},
      h('td', {}, badge(p.severity)), h('td', {class: 'mono small'}, p.location ?? '–'),
      h('td', {class: 'mono small'}, p.resource ?? '–'), h('td', {}, p.message)))));
  return `generation ${o.generation}`;
}

async function providers(root) {
  const {providers: ps} = await api('providers');
  const counts = {};
  for (const p of ps) counts[p.status] = (counts[p.status] || 0) + 1;
  root.replaceChildren(
    h('div', {class: 'cards'}, ['HEALTHY', 'RATE_LIMITED', 'EJECTED', 'PROBATION'].map(s =>
      card(s.replace('_', ' ').toLowerCase(), String(counts[s] || 0)))),
    table(['Backend', 'Provider', 'Target', 'Health', 'Failures in a row', 'Ejections', 'Last failure', 'Time to first byte', 'Tried again'],
      ps.map(p => h('tr', {class: 'provider-row', 'data-provider': `${p.kind}/${p.name}`, 'data-status': p.status},
        h('td', {}, p.backend), h('td', {}, `${p.kind}/${p.name}`), h('td', {class: 'mono small'}, p.hostPort),
        h('td', {}, badge(p.status.replace('_', ' '), p.status.toLowerCase()), p.tried ? null : h('span', {class: 'muted'}, ' not tried yet')),
        h('td', {}, p.failuresInARow), h('td', {}, p.ejections), h('td', {}, p.lastFailure ?? '–'), h('td', {}, ms(p.ttfbMs)),
        h('td', {}, p.availableInMs > 0 ? 'in ' + (p.availableInMs / 1000).toFixed(1) + ' s' : 'now')))),
    h('p', {class: 'muted small'}, 'Health as the attempt planner sees it: ejected after failures in a row (back-off doubling), ' +
      'rate limited while a provider said to wait, on probation after an ejection until a success.'));
  return `${ps.length} providers`;
}

const RPS = 'rps', ERR = 'err';

async function traffic(root) {
  const q = `traffic?minutes=${state.minutes}&by=${state.by}` + (state.key ? '&key=' + encodeURIComponent(state.key) : '');
  const t = await api(q);
  const times = t.points.map(p => p.t);
  const has = p => p.requests > 0;
  const val = f => t.points.map(p => (has(p) ? f(p) : null));
  const zero = f => t.points.map(p => f(p));
  const statuses = new Set();
  t.points.forEach(p => Object.keys(p.byStatus).forEach(s => { if (+s >= 400 || +s === 0) statuses.add(s); }));
  const controls = h('div', {class: 'controls'},
    h('label', {}, 'Window ', select([5, 15, 60].map(m => [m, `last ${m} min`]), state.minutes, v => { state.minutes = +v; refresh(); }, 'window')),
    h('label', {}, 'Per ', select([['route', 'route'], ['model', 'model'], ['provider', 'provider']], state.by,
      v => { state.by = v; state.key = ''; refresh(); }, 'by')),
    h('label', {}, 'Show ', select([['', 'all traffic'], ...t.groups.map(g => [g.key, g.key])], state.key, v => { state.key = v; refresh(); }, 'key')));
  const charts = h('div', {class: 'charts'});
  const c1 = h('div'), c2 = h('div'), c3 = h('div'), c4 = h('div');
  charts.append(c1, c2, c3, c4);
  root.replaceChildren(controls,
    h('div', {class: 'cards'},
      card('Requests', String(t.total.requests), t.total.rps + ' per second'),
      card('Errors', String(t.total.errors), t.total.requests ? (100 * t.total.errors / t.total.requests).toFixed(1) + ' %' : '–'),
      card('Tokens in / out', `${t.total.tokensIn} / ${t.total.tokensOut}`, `${t.total.tokensInPerSec} / ${t.total.tokensOutPerSec} per second`),
      card('Latency p50 / p99', `${ms(t.total.p50Ms)} / ${ms(t.total.p99Ms)}`, 'first token p50 ' + ms(t.total.ttftP50Ms))),
    charts,
    h('h2', {}, `Per ${state.by}, last ${state.minutes} minutes`),
    table([state.by, 'Requests', 'Per second', 'Errors', 'Tokens in', 'Tokens out', 'p50', 'p99', 'First token p50'],
      t.groups.map(g => h('tr', {class: 'group-row'}, h('td', {class: 'mono small'}, g.key), h('td', {}, g.requests), h('td', {}, g.rps),
        h('td', {}, g.errors), h('td', {}, g.tokensIn), h('td', {}, g.tokensOut), h('td', {}, ms(g.p50Ms)), h('td', {}, ms(g.p99Ms)),
        h('td', {}, ms(g.ttftP50Ms))))));
  const step = t.stepSeconds;
  lineChart(c1, {title: 'Requests per second', times, step, series: [
    {name: 'requests/s', cls: 's1', values: zero(p => p.rps)},
    {name: 'errors/s', cls: 's2', values: zero(p => p.errors / step)}]});
  lineChart(c2, {title: 'Errors by status', unit: `per ${step} s`, times, step, series: statuses.size
    ? [...statuses].sort().map((s, i) => ({name: s === '0' ? 'no response' : s, cls: 's' + (2 + i % 4), values: zero(p => p.byStatus[s] || 0)}))
    : [{name: 'no errors', cls: 's2', values: zero(() => 0)}]});
  lineChart(c3, {title: 'Tokens per second', times, step, series: [
    {name: 'in', cls: 's1', values: zero(p => p.tokensInPerSec)},
    {name: 'out', cls: 's3', values: zero(p => p.tokensOutPerSec)}]});
  lineChart(c4, {title: 'Latency', unit: 'ms', times, step, series: [
    {name: 'p50', cls: 's1', values: val(p => p.p50Ms)},
    {name: 'p99', cls: 's2', values: val(p => p.p99Ms)},
    {name: 'first token p50', cls: 's4', values: t.points.map(p => p.ttftP50Ms)}]});
  return `${step} s steps`;
}

function select(options, current, onchange, name) {
  const s = h('select', {name, onchange: e => onchange(e.target.value)},
    options.map(([v, label]) => h('option', {value: v, selected: String(v) === String(current)}, label)));
  return s;
}

async function requests(root) {
  const f = state.filters;
  const qs = Object.entries(f).filter(([, v]) => v).map(([k, v]) => `&${k}=${encodeURIComponent(v)}`).join('');
  const r = await api('requests?limit=300' + qs);
  const input = (name, placeholder) => h('input', {name, placeholder, value: f[name],
    onchange: e => { f[name] = e.target.value.trim(); refresh(); }});
  const prompts = r.promptsLogged;
  const head = ['Time', 'Status', 'Route', 'Provider', 'Model', 'Tokens in/out', 'Latency', 'First byte', 'Caller', 'Request id'];
  if (prompts) head.push('Prompt', 'Completion');
  root.replaceChildren(
    h('div', {class: 'controls'},
      h('label', {}, 'Status ', select([['', 'any'], ['2xx', '2xx'], ['4xx', '4xx'], ['5xx', '5xx'], ['error', 'any error']], f.status,
        v => { f.status = v; refresh(); }, 'status')),
      input('route', 'route'), input('provider', 'provider (kind/name)'), input('model', 'model'), input('q', 'request id or path')),
    table(head, r.requests.map(e => h('tr', {class: 'request-row'},
      h('td', {class: 'small'}, new Date(e.start).toLocaleTimeString()),
      h('td', {}, badge(String(e.status), e.status >= 500 || e.status === 0 ? 'ejected' : e.status >= 400 ? 'rate_limited' : 'healthy')),
      h('td', {class: 'mono small'}, e.route ?? '–'), h('td', {}, e.provider ?? '–'), h('td', {}, e.model ?? '–'),
      h('td', {}, e.tokensIn == null ? '–' : `${e.tokensIn} / ${e.tokensOut}`), h('td', {}, ms(e.durationMs)), h('td', {}, ms(e.ttfbMs)),
      h('td', {class: 'small'}, e.client ?? '–'), h('td', {class: 'mono small'}, e.requestId),
      prompts ? h('td', {class: 'small clip', title: e.prompt ?? ''}, e.prompt ?? '') : null,
      prompts ? h('td', {class: 'small clip', title: e.completion ?? ''}, e.completion ?? '') : null))),
    h('p', {class: 'muted small'}, `The last ${r.capacity} requests are kept in memory. ` +
      (prompts ? 'Prompts are shown because prompt logging (--log-prompts) is on.' : 'Prompts are not recorded (--log-prompts is off).')));
  return `${r.requests.length} shown`;
}

async function spend(root) {
  const s = await api('spend');
  if (!s.configured) {
    root.replaceChildren(h('div', {class: 'empty'}, h('h2', {}, s.message),
      h('p', {class: 'muted'}, 'Spend per key and team, budgets, limits and remaining appear here once virtual keys and budgets are configured.')));
    return 'not configured';
  }
  root.replaceChildren(
    h('h2', {}, 'Keys'),
    table(['Key', 'Team', 'Spend', 'Budget', 'Remaining', 'Limits', 'Top models'], s.keys.map(k => h('tr', {class: 'key-row'},
      h('td', {class: 'mono'}, k.id), h('td', {}, k.team ?? '–'), h('td', {}, money(k.spend)), h('td', {}, money(k.budget)),
      h('td', {}, money(k.remaining)), h('td', {class: 'small'}, (k.limits || []).join(', ') || '–'),
      h('td', {class: 'small'}, (k.topModels || []).map(m => `${m.model} ${money(m.spend)}`).join(', ') || '–')))),
    h('h2', {}, 'Teams'),
    table(['Team', 'Spend', 'Budget', 'Remaining'], s.teams.map(t => h('tr', {},
      h('td', {}, t.id), h('td', {}, money(t.spend)), h('td', {}, money(t.budget)), h('td', {}, money(t.remaining))))));
  return `${s.keys.length} keys`;
}

function money(v) {
  if (v == null) return '–';
  const n = Number(v);
  // A request costs fractions of a cent: show them rather than $0.00.
  return '$' + (n !== 0 && Math.abs(n) < 0.01 ? n.toPrecision(2) : n.toFixed(2));
}

async function tryIt(root) {
  if (!session.tryIt) {
    root.replaceChildren(h('div', {class: 'empty'}, h('h2', {}, 'Try it is off'),
      h('p', {class: 'muted'}, 'Start the gateway with --admin-try-it to send prompts from here (they spend provider tokens).')));
    return 'off';
  }
  const o = await api('overview');
  const routes = o.routes.filter(r => r.destinations.some(d => d.type === 'ai'));
  const out = h('pre', {class: 'answer', id: 'answer'});
  const meta = h('div', {class: 'muted small', id: 'answer-meta'});
  const form = h('form', {class: 'tryit', onsubmit: async e => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    out.textContent = '';
    meta.textContent = 'sending…';
    try {
      const res = await streamAnswer(data, t => { out.textContent += t; });
      meta.textContent = `HTTP ${res.status} · request id ${res.requestId}` + (res.provider ? ` · provider ${res.provider}` : '') +
        ` · ${res.path}` + (res.error ? ' · ' + res.error : '');
      meta.dataset.requestId = res.requestId || '';
      meta.dataset.done = 'true';
    } catch (err) {
      meta.textContent = String(err.message || err);
      meta.dataset.done = 'true';
    }
  }},
  h('label', {}, 'Route', select(routes.map(r => [r.id, `${r.id} · port ${r.port} · ${matchText(r)}`]), routes[0]?.id, () => {}, 'route')),
  h('label', {}, 'Front door', select([['openai', 'OpenAI chat completions'], ['anthropic', 'Anthropic messages'], ['gemini', 'Gemini generateContent']],
    'openai', () => {}, 'format')),
  h('label', {}, 'Model', h('input', {name: 'model', value: 'default', placeholder: 'model (the Backend may override it)'})),
  h('label', {class: 'wide'}, 'Prompt', h('textarea', {name: 'prompt', rows: 4}, 'Say hello in five words.')),
  h('button', {type: 'submit', id: 'send'}, 'Send'));
  root.replaceChildren(form, h('h2', {}, 'Answer'), out, meta);
  return routes.length ? `${routes.length} AI routes` : 'no AI routes';
}

async function login(root) {
  const msg = h('div', {class: 'muted'});
  const form = h('form', {class: 'login', onsubmit: async e => {
    e.preventDefault();
    try {
      await api('login', {method: 'POST', headers: {'content-type': 'application/json'},
        body: JSON.stringify({token: new FormData(form).get('token')})});
      await start();
    } catch (err) {
      msg.textContent = err.message;
    }
  }},
  h('h2', {}, 'Admin token'),
  h('p', {class: 'muted'}, 'This admin listener requires the admin token.'),
  h('input', {type: 'password', name: 'token', autocomplete: 'current-password', placeholder: 'admin token'}),
  h('button', {type: 'submit'}, 'Log in'), msg);
  document.getElementById('title').textContent = 'Log in';
  root.replaceChildren(form);
}

async function refresh() {
  const name = (location.hash || '#overview').slice(1);
  const page = PAGES[name] || PAGES.overview;
  const mine = generation;
  document.getElementById('title').textContent = page.title;
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.page === (PAGES[name] ? name : 'overview'));
  const root = document.getElementById('page');
  try {
    const detail = await page.render(root);
    if (mine !== generation) return;
    showError('');
    document.getElementById('status').textContent = (detail ? detail + ' · ' : '') + 'updated ' + new Date().toLocaleTimeString();
  } catch (err) {
    if (err.status === 401) return login(root);
    showError(err.message);
  }
}

function route() {
  generation++;
  clearInterval(timer);
  const page = PAGES[(location.hash || '#overview').slice(1)] || PAGES.overview;
  document.getElementById('page').replaceChildren();
  refresh();
  if (page.every) timer = setInterval(() => { if (!document.hidden) refresh(); }, page.every);
}

async function start() {
  session = await api('session');
  document.getElementById('nav-foot').replaceChildren(
    session.authRequired ? h('a', {href: '#', onclick: async e => { e.preventDefault(); await api('logout', {method: 'POST',
      headers: {'content-type': 'application/json'}, body: '{}'}); location.reload(); }}, 'Log out') : h('span', {class: 'muted'}, 'local admin'));
  if (session.problem) {
    showError(session.problem);
    return;
  }
  if (session.authRequired && !session.authenticated) return login(document.getElementById('page'));
  route();
}

window.addEventListener('hashchange', () => { if (session?.authenticated) route(); });
start().catch(err => showError(err.message));
