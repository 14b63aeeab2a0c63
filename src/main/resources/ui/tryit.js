// "Try it": POST /api/try, then read the answer as it streams (server-sent events in the
// front door's own format) and hand each piece of text to onText.

function textOf(format, event) {
  if (format === 'openai') return event.choices?.[0]?.delta?.content ?? event.choices?.[0]?.message?.content ?? '';
  if (format === 'anthropic') {
    if (event.type === 'content_block_delta') return event.delta?.text ?? '';
    if (event.type === 'message') return (event.content || []).map(c => c.text || '').join('');
    return '';
  }
  return (event.candidates?.[0]?.content?.parts || []).map(p => p.text || '').join('');
}

function errorOf(event) {
  return event.error ? (event.error.message || JSON.stringify(event.error)) : null;
}

export async function streamAnswer({route, format, model, prompt}, onText) {
  const r = await fetch('/api/try', {method: 'POST', credentials: 'same-origin',
    headers: {'content-type': 'application/json'}, body: JSON.stringify({route, format, model, prompt})});
  const res = {status: r.status, requestId: r.headers.get('x-request-id'), provider: r.headers.get('x-gateway-provider'),
    path: r.headers.get('x-tryit-path') || '', error: null};
  const type = r.headers.get('content-type') || '';
  if (!type.includes('text/event-stream')) {
    const body = await r.text();
    try {
      const j = JSON.parse(body);
      const t = textOf(format, j);
      if (t) onText(t);
      res.error = errorOf(j) || (r.ok ? null : body);
    } catch {
      res.error = body;
    }
    return res;
  }
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const {done, value} = await reader.read();
    if (done) break;
    buf += decoder.decode(value, {stream: true}).replace(/\r\n?/g, '\n');
    let cut;
    while ((cut = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      const data = block.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5).trimStart()).join('\n');
      if (!data || data === '[DONE]') continue;
      try {
        const ev = JSON.parse(data);
        const err = errorOf(ev);
        if (err) res.error = err;
        const t = textOf(format, ev);
        if (t) onText(t);
      } catch {
        // not JSON: not an event this page understands
      }
    }
  }
  return res;
}
