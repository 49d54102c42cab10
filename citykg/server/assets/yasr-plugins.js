// citykg's own result views for YASGUI's result pane (Yasr): a bar chart and a node-link graph.
// Part of citykg (not vendored). Result values are untrusted article text: they are only ever set
// with textContent or as SVG attribute values, never parsed as HTML.
(function () {
  'use strict';
  const SVG = 'http://www.w3.org/2000/svg';
  const MAX_BARS = 200;   // bars drawn at most (the rest are counted in a note)
  const MAX_NODES = 300;  // graph nodes drawn at most
  const BAR_H = 18;

  function svgEl(name, attrs, text) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function shortName(term) {
    if (!term) return '';
    if (term.type !== 'uri') return term.value;
    const v = term.value;
    return v.slice(Math.max(v.lastIndexOf('#'), v.lastIndexOf('/')) + 1) || v;
  }

  function rowsOf(yasr) {
    const r = yasr.results;
    if (!r || !r.getVariables || !r.getBindings) return [[], []];
    return [r.getVariables() || [], r.getBindings() || []];
  }

  function isNumber(term) {
    return !!term && term.type !== 'uri' && term.value.trim() !== '' && isFinite(Number(term.value));
  }

  function note(text) {
    const p = document.createElement('p');
    p.className = 'citykg-note';
    p.textContent = text;
    return p;
  }

  class ChartPlugin {
    constructor(yasr) {
      this.yasr = yasr;
      this.priority = 5;
      this.label = 'Chart';
      this.hideFromSelection = false;
    }

    // the first column whose every bound value is a number, and the first other column as labels
    columns() {
      const [vars, rows] = rowsOf(this.yasr);
      const value = vars.find((v) => rows.some((r) => r[v]) && rows.every((r) => !r[v] || isNumber(r[v])));
      const label = vars.find((v) => v !== value);
      return {value, label, rows};
    }

    canHandleResults() {
      const {value, rows} = this.columns();
      return !!value && rows.length > 0;
    }

    draw() {
      const {value, label, rows} = this.columns();
      const shown = rows.filter((r) => r[value]).slice(0, MAX_BARS);
      const max = Math.max(...shown.map((r) => Math.abs(Number(r[value].value))), 1);
      const width = 760, left = 220, barMax = width - left - 90;
      const svg = svgEl('svg', {class: 'citykg-chart', width, height: shown.length * (BAR_H + 4) + 24,
        role: 'img', 'aria-label': 'bar chart of ' + value});
      svg.appendChild(svgEl('text', {x: 0, y: 14, class: 'axis'}, value + (label ? ' by ' + label : '')));
      shown.forEach((r, i) => {
        const y = 24 + i * (BAR_H + 4), n = Number(r[value].value);
        const g = svgEl('g', {class: 'bar'});
        const name = label && r[label] ? shortName(r[label]) : String(i + 1);
        g.appendChild(svgEl('title', {}, name + ': ' + r[value].value));
        g.appendChild(svgEl('text', {x: left - 6, y: y + BAR_H - 5, 'text-anchor': 'end'}, name.slice(0, 24)));
        g.appendChild(svgEl('rect', {x: left, y, height: BAR_H, width: Math.max(1, barMax * Math.abs(n) / max),
          fill: '#2b8cbe'}));
        g.appendChild(svgEl('text', {x: left + barMax * Math.abs(n) / max + 4, y: y + BAR_H - 5}, r[value].value));
        svg.appendChild(g);
      });
      this.yasr.resultsEl.appendChild(svg);
      if (rows.length > shown.length) this.yasr.resultsEl.appendChild(note(`first ${shown.length} of ${rows.length} rows`));
    }

    getIcon() {
      const icon = document.createElement('span');
      icon.textContent = '▇';
      return icon;
    }
  }

  class GraphPlugin {
    constructor(yasr) {
      this.yasr = yasr;
      this.priority = 4;
      this.label = 'Graph';
      this.hideFromSelection = false;
    }

    // edges between consecutive IRI-valued cells of each row (city -> initiative -> concept ...)
    edges() {
      const [vars, rows] = rowsOf(this.yasr);
      const out = [];
      for (const r of rows) {
        const iris = vars.map((v) => r[v]).filter((t) => t && t.type === 'uri');
        const labels = {};
        vars.forEach((v, i) => {  // a literal right after an IRI column labels that IRI
          const t = r[v], next = r[vars[i + 1]];
          if (t && t.type === 'uri' && next && next.type !== 'uri') labels[t.value] = next.value;
        });
        for (let i = 0; i + 1 < iris.length; i++) out.push([iris[i], iris[i + 1], labels]);
      }
      return out;
    }

    canHandleResults() {
      return this.edges().length > 0;
    }

    draw() {
      const nodes = new Map();
      const links = [];
      for (const [a, b, labels] of this.edges()) {
        for (const t of [a, b]) {
          if (!nodes.has(t.value) && nodes.size < MAX_NODES) nodes.set(t.value, labels[t.value] || shortName(t));
        }
        if (nodes.has(a.value) && nodes.has(b.value) && a.value !== b.value) links.push([a.value, b.value]);
      }
      const ids = [...nodes.keys()];
      const size = Math.max(420, Math.min(1100, 40 * Math.sqrt(ids.length) * 4));
      const c = size / 2, radius = size / 2 - 90;
      const pos = new Map(ids.map((id, i) => {
        const angle = (2 * Math.PI * i) / ids.length;
        return [id, [c + radius * Math.cos(angle), c + radius * Math.sin(angle)]];
      }));
      const svg = svgEl('svg', {class: 'citykg-graph', width: size, height: size, role: 'img',
        'aria-label': `graph of ${ids.length} nodes and ${links.length} edges`});
      for (const [a, b] of links) {
        const [x1, y1] = pos.get(a), [x2, y2] = pos.get(b);
        svg.appendChild(svgEl('line', {x1, y1, x2, y2, stroke: '#9ab', 'stroke-width': 1}));
      }
      for (const id of ids) {
        const [x, y] = pos.get(id);
        const g = svgEl('g', {class: 'node'});
        g.appendChild(svgEl('title', {}, id));
        g.appendChild(svgEl('circle', {cx: x, cy: y, r: 5, fill: '#e6550d'}));
        g.appendChild(svgEl('text', {x: x + 7, y: y + 4}, nodes.get(id).slice(0, 20)));
        svg.appendChild(g);
      }
      this.yasr.resultsEl.appendChild(svg);
    }

    getIcon() {
      const icon = document.createElement('span');
      icon.textContent = '◎';
      return icon;
    }
  }

  const Yasr = window.Yasr || (window.Yasgui && window.Yasgui.Yasr);
  if (Yasr && Yasr.registerPlugin) {
    Yasr.registerPlugin('chart', ChartPlugin);
    Yasr.registerPlugin('graph', GraphPlugin);
  }
  window.citykgPlugins = {ChartPlugin, GraphPlugin};
})();
