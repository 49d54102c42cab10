"""The query editor served at ``/`` by ``citykg serve``: vendored YASGUI plus the saved-question gallery.

YASGUI (``assets/yasgui.min.js``, see ``assets/NOTICE.txt``) gives highlighting,
completion of variables and prefixes, result tables, downloads and permalinks;
``APP_JS`` adds the gallery of saved questions and their parameters as form
fields. Parameters travel as ``param.NAME`` request arguments, which the endpoint
binds as RDF terms against the query's ``# params:`` header: editing a saved
query never drops them, and they are part of YASGUI's share link. Nothing is
loaded from another origin (the Content-Security-Policy allows this server only),
and saved-query text is only ever written with ``textContent``.
"""

from __future__ import annotations

import re

from citykg.iris import PREFIXES

PAGE_HTML = """<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<title>citykg SPARQL</title>
<link rel="stylesheet" href="/assets/yasgui.min.css">
<style>
body { font-family: "Noto Sans CJK SC", sans-serif; margin: 0; }
header { padding: 0.5em 1em; background: #234; color: #fff; }
header h1 { font-size: 1.2em; display: inline; margin-right: 1em; }
#layout { display: flex; align-items: flex-start; }
#gallery { width: 20em; flex: none; padding: 0.5em; max-height: 100vh; overflow: auto; }
#gallery input { width: 95%; }
#gallery-list { list-style: none; padding: 0; }
#gallery-list button { width: 100%; text-align: left; margin: 0.15em 0; padding: 0.3em;
  border: 1px solid #ccd; background: #f7f8fa; cursor: pointer; }
#gallery-list button.chosen { background: #dde8f5; border-color: #57a; }
#gallery-list small { display: block; color: #567; }
main { flex: 1; min-width: 0; padding: 0.5em; }
#params label { margin-right: 1em; display: inline-block; }
#about p { color: #444; margin: 0.2em 0 0.5em; }
</style>
</head>
<body>
<header><h1>citykg SPARQL</h1><span id="status">loading…</span></header>
<div id="layout">
<aside id="gallery">
<input id="gallery-filter" placeholder="filter saved questions / 筛选" aria-label="filter saved questions">
<ul id="gallery-list"></ul>
</aside>
<main>
<div id="about"><strong id="q-title"></strong><p id="q-description"></p></div>
<form id="params" autocomplete="off"></form>
<div id="yasgui"></div>
</main>
</div>
<script src="/assets/yasgui.min.js"></script>
<script src="/assets/yasr-plugins.js"></script>
<script src="/app.js"></script>
</body>
</html>
"""

APP_JS = r"""'use strict';
const $ = (id) => document.getElementById(id);
const ENDPOINT = location.origin + '/sparql';
const PARAM = 'param.';
let saved = [];
let yasgui = null;

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

function tab() { return yasgui.getTab(); }

function formArgs() {
  const args = [];
  for (const input of $('params').querySelectorAll('input')) {
    if (input.value !== '') args.push({name: PARAM + input.name, value: input.value});
  }
  return args;
}

function syncArgs() { tab().setRequestConfig({args: formArgs()}); }

// Parameter fields: one per declared name, filled from `values`.
function showParams(names, values, docs) {
  const box = $('params');
  box.replaceChildren();
  for (const name of names) {
    const label = el('label', name + ' ');
    label.title = docs[name] || '';
    const input = el('input');
    input.name = name;
    input.placeholder = docs[name] || '';
    input.value = values[name] || '';
    input.addEventListener('input', syncArgs);
    label.appendChild(input);
    box.appendChild(label);
  }
  syncArgs();
}

function choose(q) {
  for (const b of $('gallery-list').querySelectorAll('button')) {
    b.classList.toggle('chosen', b.dataset.name === q.name);
  }
  tab().setName(q.name);
  tab().setQuery(q.editor_text);
  $('q-title').textContent = q.title;
  $('q-description').textContent = q.description;
  showParams(q.param_names, q.example || {}, q.param_docs || {});
}

function renderGallery(filter) {
  const list = $('gallery-list');
  list.replaceChildren();
  const f = (filter || '').toLowerCase();
  for (const q of saved) {
    const hay = (q.name + ' ' + q.title + ' ' + q.description).toLowerCase();
    if (f && !hay.includes(f)) continue;
    const item = el('li');
    const button = el('button', q.title_zh || q.title);
    button.type = 'button';
    button.dataset.name = q.name;
    button.appendChild(el('small', q.name + (q.param_names.length ? ' · ' + q.param_names.join(', ') : '')));
    button.addEventListener('click', () => choose(q));
    item.appendChild(button);
    list.appendChild(item);
  }
}

// A share link (or a reload) restores the query and its param.* arguments: show them as fields.
function restoreParams() {
  const rc = tab().getRequestConfig();
  const args = Array.isArray(rc.args) ? rc.args : [];
  const values = {};
  for (const a of args) {
    if (a.name && a.name.startsWith(PARAM)) values[a.name.slice(PARAM.length)] = a.value;
  }
  const names = Object.keys(values);
  const q = saved.find((s) => s.name === tab().getName());
  if (q) {
    $('q-title').textContent = q.title;
    $('q-description').textContent = q.description;
    showParams(q.param_names, values, q.param_docs || {});
  } else if (names.length) {
    showParams(names, values, {});
  }
}

async function init() {
  const [queries, prefixes] = await Promise.all([
    fetch('/queries.json').then((r) => r.json()),
    fetch('/prefixes.json').then((r) => r.json()),
  ]);
  saved = queries;
  const fromUrl = location.hash.length > 1;  // a share link: YASGUI consumes (and clears) the hash
  const Y = window.Yasgui.default || window.Yasgui;
  yasgui = new Y($('yasgui'), {
    requestConfig: {endpoint: ENDPOINT, method: 'POST'},
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: {getData: () => [{endpoint: ENDPOINT}]},
    persistenceId: null,
    populateFromUrl: true,
    yasqe: {autocompleters: ['variables', 'prefixes'], resizeable: true},
    yasr: {prefixes: prefixes, pluginOrder: ['table', 'chart', 'graph', 'response'], defaultPlugin: 'table'},
  });
  tab().setEndpoint(ENDPOINT);
  renderGallery('');
  $('gallery-filter').addEventListener('input', (e) => renderGallery(e.target.value));
  if (fromUrl) {
    restoreParams();
  } else if (saved.length) {
    choose(saved.find((q) => q.name === 'list-cities') || saved[0]);
  }
  yasgui.on('queryResponse', () => { $('status').textContent = 'done'; });
  $('status').textContent = saved.length + ' saved questions';
  window.citykgReady = true;
  document.body.dataset.ready = '1';
}

init().catch((err) => { $('status').textContent = String(err); });
"""

_PREFIXED = re.compile(r"(?<![\w:<])([A-Za-z][\w-]*):")


def editor_text(text: str) -> str:
    """A saved query as the editor shows it: header comments, then PREFIX lines for the prefixes it uses.

    The endpoint knows citykg's prefixes anyway; the declarations keep YASGUI's syntax check quiet.
    Header lines stay first, so the ``# params:`` declaration still binds parameters.

    >>> print(editor_text("# title: t\\nSELECT ?c { ?c a ck:City }"))
    # title: t
    PREFIX ck: <https://w3id.org/citykg/ontology#>
    SELECT ?c { ?c a ck:City }
    """
    lines = text.splitlines()
    n = 0
    while n < len(lines) and (lines[n].lstrip().startswith("#") or not lines[n].strip()):
        n += 1
    head, body = lines[:n], "\n".join(lines[n:])
    used = [p for p in dict.fromkeys(_PREFIXED.findall(body)) if p in PREFIXES]
    declared = [f"PREFIX {p}: <{PREFIXES[p]}>" for p in sorted(used) if f"PREFIX {p}:" not in body]
    return "\n".join([*head, *declared, body])
