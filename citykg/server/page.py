"""The offline query page served at ``/`` by ``citykg serve`` (no CDN, no innerHTML of data).

Results and errors are written with ``textContent`` only, and the page's
Content-Security-Policy allows scripts from the server itself only.
"""

from __future__ import annotations

PAGE_HTML = """<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<title>citykg SPARQL</title>
<style>
body { font-family: "Noto Sans CJK SC", sans-serif; margin: 1.5em; max-width: 80em; }
textarea { width: 100%; height: 14em; font-family: monospace; }
table { border-collapse: collapse; margin-top: 1em; }
td, th { border: 1px solid #ccc; padding: 0.2em 0.5em; vertical-align: top; text-align: left; }
#params label { margin-right: 1em; }
#status { color: #555; }
#error { color: #b00; white-space: pre-wrap; }
pre { background: #f6f6f6; padding: 0.5em; overflow: auto; }
</style>
</head>
<body>
<h1>citykg SPARQL</h1>
<p>Saved query: <select id="saved"><option value="">(write your own)</option></select>
<span id="description"></span></p>
<div id="params"></div>
<textarea id="query" spellcheck="false">SELECT ?city ?adcode WHERE {
  ?c a ck:City ; rdfs:label ?city ; ck:adcode ?adcode .
} ORDER BY ?adcode LIMIT 50</textarea>
<p><button id="run">Run</button> <span id="status"></span></p>
<div id="error"></div>
<div id="results"></div>
<script src="/app.js"></script>
</body>
</html>
"""

APP_JS = r"""'use strict';
const $ = (id) => document.getElementById(id);
let saved = [];

function el(tag, text) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
}

function showParams(q) {
  const box = $('params');
  box.replaceChildren();
  if (!q) return;
  for (const p of q.params) {
    const name = p.split(' ')[0];
    const label = el('label', p + ' ');
    const input = el('input');
    input.name = name;
    input.value = (q.example && q.example[name]) || '';
    label.appendChild(input);
    box.appendChild(label);
  }
}

function renderTable(data) {
  const table = el('table');
  const head = el('tr');
  const vars = data.head.vars || [];
  for (const v of vars) head.appendChild(el('th', v));
  table.appendChild(head);
  for (const b of data.results.bindings) {
    const tr = el('tr');
    for (const v of vars) tr.appendChild(el('td', b[v] ? b[v].value : ''));
    table.appendChild(tr);
  }
  $('status').textContent = data.results.bindings.length + ' rows';
  return table;
}

async function run() {
  $('error').textContent = '';
  $('results').replaceChildren();
  $('status').textContent = 'running…';
  const q = saved.find((s) => s.name === $('saved').value);
  const accept = 'application/sparql-results+json, text/turtle;q=0.9';
  let resp;
  try {
    if (q && $('query').value === q.text) {
      const params = new URLSearchParams();
      for (const input of $('params').querySelectorAll('input')) {
        if (input.value !== '') params.append(input.name, input.value);
      }
      resp = await fetch('/saved/' + encodeURIComponent(q.name) + '?' + params, {headers: {Accept: accept}});
    } else {
      resp = await fetch('/sparql', {method: 'POST', body: $('query').value,
        headers: {'Content-Type': 'application/sparql-query', Accept: accept}});
    }
  } catch (err) {
    $('status').textContent = '';
    $('error').textContent = String(err);
    return;
  }
  const type = resp.headers.get('Content-Type') || '';
  const body = await resp.text();
  if (!resp.ok) {
    $('status').textContent = 'HTTP ' + resp.status;
    $('error').textContent = body;
    return;
  }
  if (type.startsWith('application/sparql-results+json')) {
    const data = JSON.parse(body);
    if ('boolean' in data) {
      $('results').appendChild(el('pre', String(data.boolean)));
      $('status').textContent = 'ASK';
    } else {
      $('results').appendChild(renderTable(data));
    }
  } else {
    $('results').appendChild(el('pre', body));
    $('status').textContent = 'graph';
  }
}

async function init() {
  const resp = await fetch('/queries.json');
  saved = await resp.json();
  for (const q of saved) {
    const opt = el('option', q.name + ' - ' + q.title);
    opt.value = q.name;
    $('saved').appendChild(opt);
  }
  $('saved').addEventListener('change', () => {
    const q = saved.find((s) => s.name === $('saved').value);
    $('description').textContent = q ? q.description : '';
    if (q) $('query').value = q.text;
    showParams(q);
  });
  $('run').addEventListener('click', run);
}

init();
"""
