/* citykg graph view. Article text reaches the page only as JSON data and is
 * written into the DOM with textContent / option.value, never as HTML.
 * State (filters, search, selection) lives in one object, is applied by one
 * render() and is mirrored in the URL hash, so a reload or a shared link
 * reproduces the view. */
/* citykgView(raw, docs): the page from its data (``raw``, as pagedata.compact wrote it) and the
 * articles' shared texts it quotes (``docs``: key -> text, see packed.js); the loader at the end
 * reads the data (plain JSON in a single view, packed in the site) and calls it. */
function citykgView(raw, docs) {
  "use strict";
  var data = expand(raw);
  /* The page carries compact data (viz/pagedata.py): strings in S, page hrefs in P, ids
   * without the resource prefix ("~"), tooltip rows in R and links in L, nodes and edges as arrays, edges by node index, and
   * evidence quotes as [article, quote] in the articles' shared text scripts (D). Rebuild
   * plain node objects. */
  function expand(d) {
    var S = d.S, P = d.P, D = d.D || [];
    function full(id) {
      if (Array.isArray(id)) { id = d.I[id[0]] + id[1]; } /* [folder in I, rest] */
      return id.charAt(0) === "~" ? d.base + id.slice(1) : id;
    }
    function shortId(id) { return id.indexOf(d.base) === 0 ? "~" + id.slice(d.base.length) : id; }
    /* A site's graph page links every city, reform and comparison page; the site lists those it
     * has in assets/pages.js (CITYKG_PAGES: their kinds and file names, data only). A link to a
     * page of such a kind that is not listed is dropped (null), as if the page had no link; without
     * the list (a single view) the links are the data's as they are. */
    var PAGES = window.CITYKG_PAGES, kinds = null, known = null;
    if (PAGES && Array.isArray(PAGES.kinds) && Array.isArray(PAGES.pages)) {
      kinds = Object.create(null); known = Object.create(null);
      PAGES.kinds.forEach(function (k) { kinds[k] = true; });
      PAGES.pages.forEach(function (name) { known[name] = true; });
    }
    function exists(page) { /* page: an href without its anchor, relative to this page */
      if (!kinds) { return true; }
      var name = page.slice(page.lastIndexOf("/") + 1), dash = name.indexOf("-");
      return dash < 0 || !kinds[name.slice(0, dash)] || known[name] === true;
    }
    function href(p, anchor, id) {
      var h = P[p];
      if (!exists(h)) { return null; }
      if (anchor === 1) {
        var sid = shortId(id);
        h += "#sel=" + (sid.charAt(0) === "~" ? encodeURIComponent(sid).replace(/%2F/g, "/") : encodeURIComponent(id));
      }
      else if (anchor === 2) { h += "#concept=" + encodeURIComponent(id); }
      else if (typeof anchor === "string") { h += "#" + anchor; }
      return h;
    }
    function quote(ref) { /* [article, quote index] -> the sentence, from the article's text script */
      var doc = docs[D[ref[0]]], q = doc && doc.q[ref[1]];
      if (q === undefined) { return "…"; }
      return typeof q === "string" ? q : doc.t.slice(q[0], q[1]);
    }
    function rows(rs, own) { /* own: texts the node rebuilds (-2 class, -3 cities, -4 domains) */
      return (rs || []).map(function (i) {
        var r = d.R[i], out = [S[r[0]], Array.isArray(r[1]) ? quote(r[1]) : r[1] < 0 ? own[-r[1]] : S[r[1]]];
        if (r.length > 2 && exists(P[r[2]])) { out.push(P[r[2]] + (r[3] >= 0 ? "#m-" + r[3] : "")); }
        return out;
      });
    }
    /* n: [id, label, cls, size, x, y, tip, ci, di, nm, py, pg (1: its first link's page), ln] (pagedata.NODE_FIELDS) */
    d.nodes = d.nodes.map(function (n) {
      var id = full(n[0]), st = d.styles[n[2]] || ["Resource", "", "#969696", "dot"];
      var out = { id: id, label: n[1], cls: st[0], clsName: st[1], color: st[2], shape: st[3], size: n[3],
        x: n[4], y: n[5],
        names: [n[1]].concat((n[9] || []).map(function (i) { return S[i]; })), py: n[10] || [],
        cities: (n[7] || []).map(function (i) { return d.facets.cities[i]; }),
        domains: (n[8] || []).map(function (i) { return d.facets.domains[i]; }) };
      out.tip = rows(n[6], [0, 0, st[1] + " " + st[0], out.cities.join("、"), out.domains.join("、")]);
      var links = (n[12] || []).map(function (i) { var l = d.L[i]; return [S[l[0]], href(l[1], l[2], id)]; });
      var page = n[11] === 1 ? links[0][1] : n[11] ? href(n[11][0], n[11][1], id) : null; /* 1: the first link's */
      if (page) { out.page = page; }
      links = links.filter(function (l) { return l[1]; }); /* a row whose page the site does not have is not shown */
      if (links.length) { out.links = links; }
      return out;
    });
    /* e: [from, to, width (0: 1), label (-1: none), tip] */
    d.edges = d.edges.map(function (e) {
      var out = { from: d.nodes[e[0]].id, to: d.nodes[e[1]].id, width: e[2] || 1 };
      if (e[3] !== undefined && e[3] >= 0) { out.label = S[e[3]]; }
      if (e[4]) { out.tip = rows(e[4]); }
      return out;
    });
    return d;
  }
  var DIM = "rgba(200,200,200,0.35)";
  var BIG = data.nodes.length > 3000; /* restyling every node would take seconds: select instead */
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  var HREF = /^(\.\.\/)*[\w.\-\/]+\.html(#[^\s"'<>]*)?$/; /* only our own relative page links */

  function visNode(n, dim, hidden) {
    return {
      id: n.id, label: n.label, x: n.x, y: n.y, size: n.size, shape: n.shape, hidden: !!hidden,
      color: dim ? { background: DIM, border: DIM } : { background: n.color, border: n.color },
      font: { color: dim ? "rgba(120,120,120,0.4)" : "#222" }
    };
  }
  var nodes = new vis.DataSet(data.nodes.map(function (n) { return visNode(n, false, false); }));
  var edges = new vis.DataSet(data.edges.map(function (e, i) {
    var out = { id: i, from: e.from, to: e.to, width: e.width };
    if (data.edgeLabels && e.label) { out.label = e.label; }
    return out;
  }));
  var container = document.getElementById("ck-graph");
  var options = {
    autoResize: true,
    nodes: { font: { face: data.font, size: 14, strokeWidth: 3, strokeColor: "#ffffff" }, borderWidth: 1 },
    edges: {
      smooth: false, color: { color: "#b0b0b0", highlight: "#444", hover: "#666" },
      arrows: { to: { enabled: !!data.directed, scaleFactor: 0.5 } },
      font: { face: data.font, size: 11, align: "middle" }
    },
    physics: { enabled: false, solver: "forceAtlas2Based", stabilization: false },
    layout: { improvedLayout: false, randomSeed: 7 },
    interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: data.nodes.length > 2000 }
  };
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  window.network = network;
  window.citykgData = data;
  network.once("afterDrawing", function () { window.citykgReady = performance.now(); });

  /* ---- the view's state ---- */
  var state = { cls: "", city: "", dom: "", off: {}, q: "", sel: null, hits: [] };
  var el = function (id) { return document.getElementById(id); };

  function visible(n) {
    return !state.off[n.cls] && (!state.cls || n.cls === state.cls) &&
      (!state.city || n.cities.indexOf(state.city) >= 0) && (!state.dom || n.domains.indexOf(state.dom) >= 0);
  }

  /* ---- tooltips and details: DOM elements filled with textContent ---- */
  function link(text, href, cls) {
    if (!href || !HREF.test(href)) { return null; }
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    if (cls) { a.className = cls; }
    return a;
  }
  function fillTip(target, title, cls, rows, withLinks) {
    target.textContent = "";
    var h = document.createElement("div");
    h.className = "tip-title";
    h.textContent = title + (cls ? " · " + cls : "");
    target.appendChild(h);
    var seen = {};
    rows.forEach(function (r) {
      var sig = r[0] + "\u241f" + r[1];
      if (seen[sig]) { return; } /* a sentence quoted twice is shown once */
      seen[sig] = true;
      var line = document.createElement("div");
      if (r[0] === "quote") {
        line.className = "tip-quote";
        line.textContent = "“" + r[1] + "”";
        var read = withLinks ? link("阅读原文 read ›", r[2], "read") : null;
        if (read) { line.appendChild(read); }
      } else {
        if (r[0]) {
          var k = document.createElement("span");
          k.className = "tip-key";
          k.textContent = r[0] + ":";
          line.appendChild(k);
        }
        line.appendChild(document.createTextNode(r[1]));
      }
      target.appendChild(line);
    });
  }
  function showDetails(n) {
    var box = el("ck-details");
    if (!n) { box.textContent = "点击节点查看详情，双击打开其页面 (click a node for details, double-click to open its page)."; return; }
    fillTip(box, n.label, n.clsName, n.tip, true);
    var links = document.createElement("div");
    links.className = "links";
    var own = link("打开页面 open its page ›", n.page);
    if (own) { links.appendChild(own); }
    (n.links || []).forEach(function (l) { var a = link(l[0] + " ›", l[1]); if (a) { links.appendChild(a); } });
    if (links.childNodes.length) { box.appendChild(links); }
  }
  var tip = el("ck-tip");
  function showTip(item, pointer, isEdge) {
    if (!item) { return; }
    if (isEdge) {
      var a = byId[item.from], b = byId[item.to];
      fillTip(tip, (a ? a.label : "") + " → " + (b ? b.label : ""), item.label || "", item.tip || [], false);
    } else {
      fillTip(tip, item.label, item.clsName, item.tip, false);
    }
    tip.style.display = "block";
    /* keep the whole tooltip inside the graph area: flip above / left of the pointer when needed */
    var w = tip.offsetWidth, h = tip.offsetHeight;
    var W = container.clientWidth, H = container.clientHeight;
    var x = pointer.x + 12, y = pointer.y + 12;
    if (x + w > W) { x = Math.max(0, pointer.x - 12 - w); }
    if (y + h > H) { y = Math.max(0, Math.min(pointer.y - 12 - h, H - h)); }
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }
  window.citykgShowTip = function (id, x, y) {
    showTip(byId[id], { x: x || 10, y: y || 10 }, false);
    return tip.textContent;
  };
  network.on("hoverNode", function (p) { showTip(byId[p.node], p.pointer.DOM, false); });
  network.on("blurNode", function () { tip.style.display = "none"; });
  network.on("hoverEdge", function (p) { showTip(data.edges[p.edge], p.pointer.DOM, true); });
  network.on("blurEdge", function () { tip.style.display = "none"; });
  network.on("dragStart", function () { tip.style.display = "none"; });

  /* ---- render: filters hide, the selection and search hits keep their neighbourhood bright ---- */
  function render() {
    var shown = 0, show = {};
    data.nodes.forEach(function (n) { if (visible(n)) { show[n.id] = true; shown += 1; } });
    if (state.sel && !show[state.sel]) { state.sel = null; } /* never describe a hidden node */
    var bright = null;
    if (state.sel || state.hits.length) {
      bright = {};
      state.hits.forEach(function (id) { if (show[id]) { bright[id] = true; } });
      if (state.sel) {
        bright[state.sel] = true;
        network.getConnectedNodes(state.sel).forEach(function (v) { bright[v] = true; });
      }
      if (!Object.keys(bright).length) { bright = null; } /* nothing to focus on: nothing greyed */
    }
    if (BIG) {
      nodes.update(data.nodes.map(function (n) { return { id: n.id, hidden: !show[n.id] }; }));
      network.selectNodes(bright ? Object.keys(bright).filter(function (id) { return show[id]; }) : []);
    } else {
      nodes.update(data.nodes.map(function (n) { return visNode(n, bright && !bright[n.id], !show[n.id]); }));
      network.selectNodes(state.sel ? [state.sel] : []);
    }
    showDetails(state.sel ? byId[state.sel] : null);
    window.citykgShown = shown;
    writeHash();
    return shown;
  }

  /* ---- URL hash: sel, q, cls, city, dom, off ---- */
  var restoring = false;
  function writeHash() {
    if (restoring) { return; }
    var p = new URLSearchParams();
    if (state.sel) { p.set("sel", data.base && state.sel.indexOf(data.base) === 0 ? "~" + state.sel.slice(data.base.length) : state.sel); }
    if (state.q) { p.set("q", state.q); }
    ["cls", "city", "dom"].forEach(function (k) { if (state[k]) { p.set(k, state[k]); } });
    var off = Object.keys(state.off).filter(function (k) { return state.off[k]; }).sort();
    if (off.length) { p.set("off", off.join(",")); }
    var text = p.toString();
    if (("#" + text) !== location.hash && !(text === "" && location.hash === "")) {
      history.replaceState(null, "", text ? "#" + text : location.pathname + location.search);
    }
  }
  function readHash() {
    var p = new URLSearchParams(location.hash.replace(/^#/, ""));
    restoring = true;
    state.cls = p.get("cls") || ""; state.city = p.get("city") || ""; state.dom = p.get("dom") || "";
    state.off = {};
    (p.get("off") || "").split(",").forEach(function (k) { if (k) { state.off[k] = true; } });
    el("ck-filter-cls").value = state.cls; el("ck-filter-city").value = state.city;
    el("ck-filter-domain").value = state.dom;
    legendRows.forEach(function (r) { r.row.classList.toggle("off", !!state.off[r.cls]); });
    state.q = p.get("q") || "";
    el("ck-search").value = state.q;
    state.hits = state.q ? matches(state.q) : [];
    var sel = p.get("sel");
    if (sel && sel.charAt(0) === "~" && data.base) { sel = data.base + sel.slice(1); } /* a short id (links) */
    state.sel = sel && byId[sel] ? sel : (state.hits[0] || null);
    render();
    restoring = false;
    if (state.sel && visible(byId[state.sel])) { network.focus(state.sel, { scale: 1.2, animation: false }); }
  }

  /* ---- search: labels, altLabels, English, Traditional and pinyin ---- */
  var labels = el("ck-labels");
  var seen = {};
  data.nodes.forEach(function (n) {
    if (seen[n.label]) { return; }
    seen[n.label] = true;
    var o = document.createElement("option");
    o.value = n.label;
    labels.appendChild(o);
  });
  /* Search keys, computed here rather than shipped per node (viz/search.py says how): each
   * name as written, with Traditional characters made Simplified, its pinyin and initials
   * (characters by their default reading from the zh tables, or the syllables the node carries
   * for a name read by phrase). A query matches as written or made Simplified. */
  var ZH = data.zh || window.citykgZh || { p: {}, t: ["", ""] };
  var T2S = {};
  for (var ti = 0; ti < ZH.t[0].length; ti++) { T2S[ZH.t[0].charAt(ti)] = ZH.t[1].charAt(ti); }
  var HAN = /[\u3400-\u9fff]/, TOKENS = /[\u3400-\u9fff]|[^\u3400-\u9fff]+/g, SEP = "\u241f";
  function simplified(s) { return s.replace(/[\u3400-\u9fff]/g, function (c) { return T2S[c] || c; }); }
  function forms(name, override) {
    var plain = name.toLowerCase().replace(/ /g, "");
    if (!HAN.test(name)) { return [plain]; }
    var out = [plain, simplified(plain)];
    if (name.length <= 24) {
      var syl = override ? override.split(" ") : (plain.match(TOKENS) || []).map(function (t) {
        return HAN.test(t) ? (ZH.p[t] || t) : t;
      }).filter(function (t) { return t.trim(); });
      out.push(syl.join(""), syl.map(function (t) { return t.charAt(0); }).join(""));
    }
    return out;
  }
  function keyOf(n) {
    if (n.key === undefined) {
      var over = {};
      n.py.forEach(function (p) { over[p[0]] = p[1]; });
      n.key = n.names.map(function (name, i) { return forms(name, over[i]).join(SEP); }).join(SEP);
    }
    return n.key;
  }
  function matches(q) {
    q = (q || "").trim().toLowerCase();
    var flat = q.replace(/\s+/g, ""), flatS = simplified(flat);
    if (!q) { return []; }
    var exact = [], part = [], other = [];
    data.nodes.forEach(function (n) {
      var l = n.label.toLowerCase(), k;
      if (l === q) { exact.push(n.id); } else if (l.indexOf(q) >= 0) { part.push(n.id); }
      else { k = keyOf(n); if (k.indexOf(flat) >= 0 || k.indexOf(flatS) >= 0) { other.push(n.id); } }
    });
    return exact.concat(part, other);
  }
  function search(q) {
    state.q = (q || "").trim();
    state.hits = matches(state.q);
    var status = el("ck-search-status");
    status.textContent = !state.q ? "" : state.hits.length ? state.hits.length + " 个匹配 match(es)" : "未找到 not found";
    if (!state.hits.length) { state.sel = null; render(); return null; }
    var id = state.hits[0];
    if (!visible(byId[id])) { /* a hit hidden by a filter: clear the filters that hide it */
      state.cls = ""; state.city = ""; state.dom = ""; state.off = {};
      ["ck-filter-cls", "ck-filter-city", "ck-filter-domain"].forEach(function (s) { el(s).value = ""; });
      legendRows.forEach(function (r) { r.row.classList.remove("off"); });
    }
    state.sel = id;
    render();
    network.focus(id, { scale: 1.5, animation: false });
    return id;
  }
  window.citykgSearch = search;
  window.citykgMatches = matches;
  window.citykgKeyOf = function (id) { return byId[id] ? keyOf(byId[id]) : null; };
  var box = el("ck-search");
  box.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { search(box.value); } });
  box.addEventListener("change", function () { search(box.value); });
  el("ck-search-go").addEventListener("click", function () { search(box.value); });

  /* ---- selection ---- */
  function highlight(id) {
    state.sel = id && byId[id] ? id : null;
    render();
  }
  window.citykgHighlight = highlight;
  network.on("click", function (p) { highlight(p.nodes.length ? p.nodes[0] : null); });
  network.on("doubleClick", function (p) {
    var n = p.nodes.length ? byId[p.nodes[0]] : null;
    if (n && n.page && HREF.test(n.page)) { location.href = n.page; }
  });

  /* ---- filters: class, city, domain, legend toggles ---- */
  function fillSelect(id, key, values) {
    var sel = el(id);
    values.forEach(function (v) {
      var o = document.createElement("option");
      o.value = v[0];
      o.textContent = v[1];
      sel.appendChild(o);
    });
    sel.addEventListener("change", function () { state[key] = sel.value; render(); });
  }
  window.citykgFilter = function (cls, city, dom) {
    state.cls = cls || ""; state.city = city || ""; state.dom = dom || "";
    el("ck-filter-cls").value = state.cls; el("ck-filter-city").value = state.city;
    el("ck-filter-domain").value = state.dom;
    return render();
  };
  fillSelect("ck-filter-cls", "cls", data.legend.map(function (r) { return [r.cls, r.name + " (" + r.count + ")"]; }));
  fillSelect("ck-filter-city", "city", data.facets.cities.map(function (c) { return [c, c]; }));
  fillSelect("ck-filter-domain", "dom", data.facets.domains.map(function (d) { return [d, d]; }));

  var legend = el("ck-legend");
  var legendRows = [];
  data.legend.forEach(function (r) {
    var row = document.createElement("div");
    row.className = "legend-row";
    var sym = document.createElement("span");
    sym.className = "legend-symbol";
    sym.style.color = r.color;
    sym.textContent = r.symbol;
    var name = document.createElement("span");
    name.textContent = r.name + " " + r.cls + " (" + r.count + ")";
    row.appendChild(sym);
    row.appendChild(name);
    row.title = "点击显示/隐藏 click to show/hide";
    row.addEventListener("click", function () {
      state.off[r.cls] = !state.off[r.cls];
      row.classList.toggle("off", !!state.off[r.cls]);
      render();
    });
    legendRows.push({ cls: r.cls, row: row });
    legend.appendChild(row);
  });

  /* ---- export of the visible subgraph: PNG, SVG, GraphML ---- */
  function xml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&apos;" }[c];
    });
  }
  function shownGraph() {
    var keep = {};
    var ns = data.nodes.filter(function (n) { if (visible(n)) { keep[n.id] = true; return true; } return false; });
    var es = data.edges.filter(function (e) { return keep[e.from] && keep[e.to]; });
    return { nodes: ns, edges: es };
  }
  function graphml() {
    var g = shownGraph();
    var out = ['<?xml version="1.0" encoding="UTF-8"?>',
      '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
      '<key id="label" for="node" attr.name="label" attr.type="string"/>',
      '<key id="class" for="node" attr.name="class" attr.type="string"/>',
      '<key id="x" for="node" attr.name="x" attr.type="double"/>',
      '<key id="y" for="node" attr.name="y" attr.type="double"/>',
      '<key id="elabel" for="edge" attr.name="label" attr.type="string"/>',
      '<graph id="G" edgedefault="' + (data.directed ? "directed" : "undirected") + '">'];
    var pos = network.getPositions(g.nodes.map(function (n) { return n.id; }));
    g.nodes.forEach(function (n) {
      var p = pos[n.id] || { x: n.x, y: n.y };
      out.push('<node id="' + xml(n.id) + '"><data key="label">' + xml(n.label) + '</data><data key="class">' +
        xml(n.cls) + '</data><data key="x">' + p.x + '</data><data key="y">' + p.y + "</data></node>");
    });
    g.edges.forEach(function (e, i) {
      out.push('<edge id="e' + i + '" source="' + xml(e.from) + '" target="' + xml(e.to) + '">' +
        (e.label ? '<data key="elabel">' + xml(e.label) + "</data>" : "") + "</edge>");
    });
    out.push("</graph>", "</graphml>");
    return out.join("\n");
  }
  function svg() {
    var g = shownGraph();
    var pos = network.getPositions(g.nodes.map(function (n) { return n.id; }));
    var xs = [], ys = [];
    g.nodes.forEach(function (n) { var p = pos[n.id]; xs.push(p.x); ys.push(p.y); });
    var pad = 80;
    var x0 = Math.min.apply(null, xs.concat([0])) - pad, y0 = Math.min.apply(null, ys.concat([0])) - pad;
    var w = Math.max.apply(null, xs.concat([0])) - x0 + pad, h = Math.max.apply(null, ys.concat([0])) - y0 + pad;
    var out = ['<svg xmlns="http://www.w3.org/2000/svg" viewBox="' + [x0, y0, w, h].join(" ") + '" font-family="' +
      xml(data.font) + '" font-size="14">'];
    g.edges.forEach(function (e) {
      var a = pos[e.from], b = pos[e.to];
      out.push('<line x1="' + a.x + '" y1="' + a.y + '" x2="' + b.x + '" y2="' + b.y + '" stroke="#b0b0b0" stroke-width="' + e.width + '"/>');
    });
    g.nodes.forEach(function (n) {
      var p = pos[n.id];
      out.push('<g><title>' + xml(n.label) + '</title><circle cx="' + p.x + '" cy="' + p.y + '" r="' + n.size +
        '" fill="' + xml(n.color) + '"/><text x="' + p.x + '" y="' + (p.y + n.size + 16) +
        '" text-anchor="middle">' + xml(n.label) + "</text></g>");
    });
    out.push("</svg>");
    return out.join("\n");
  }
  function download(name, blob) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  function exportAs(fmt) {
    var base = (document.title || "view").replace(/[\\\/:*?"<>|\s]+/g, "_").slice(0, 60);
    if (fmt === "png") {
      var url = network.canvas.frame.canvas.toDataURL("image/png");
      var a = document.createElement("a");
      a.href = url; a.download = base + ".png"; document.body.appendChild(a); a.click(); a.remove();
      return url;
    }
    var text = fmt === "svg" ? svg() : graphml();
    download(base + "." + fmt, new Blob([text], { type: fmt === "svg" ? "image/svg+xml" : "application/xml" }));
    return text;
  }
  window.citykgExport = exportAs;
  Array.prototype.forEach.call(document.querySelectorAll("[data-export]"), function (b) {
    b.addEventListener("click", function () { exportAs(b.getAttribute("data-export")); });
  });

  /* ---- physics toggle and fit ---- */
  el("ck-physics").addEventListener("change", function (ev) {
    network.setOptions({ physics: { enabled: ev.target.checked } });
  });
  el("ck-fit").addEventListener("click", function () { network.fit({ animation: false }); });

  window.addEventListener("hashchange", readHash);
  if (location.hash.length > 1) { readHash(); }
}

/* The loader: a single view carries plain JSON (type application/json); a site page carries it
 * packed (viz/packed.py) and names the articles whose shared texts its tooltips quote (D), which
 * are loaded from views/text/ and inflated before the page is drawn. */
(function () {
  "use strict";
  var el = document.getElementById("ck-data");
  if (el.type === "application/json") { citykgView(JSON.parse(el.textContent), {}); return; }
  var folder = el.getAttribute("data-text") || "text/";
  window.citykgUnpack(el.textContent).then(function (raw) {
    var keys = raw.D || [];
    return Promise.all(keys.map(function (k) { return window.citykgDoc(k, folder); })).then(function (got) {
      var docs = {};
      keys.forEach(function (k, i) { if (got[i]) { docs[k] = got[i]; } });
      citykgView(raw, docs);
    });
  }).catch(function (err) {
    document.getElementById("ck-graph").textContent = "页面数据无法读取 (the page data cannot be read): " + err.message;
    throw err;
  });
})();
