/* citykg graph view. Article text reaches the page only as JSON data and is
 * written into the DOM with textContent / option.value, never as HTML. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("ck-data").textContent);
  var DIM = "rgba(200,200,200,0.35)";
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });

  function visNode(n, dim) {
    return {
      id: n.id, label: n.label, x: n.x, y: n.y, size: n.size, shape: n.shape,
      color: dim ? { background: DIM, border: DIM } : { background: n.color, border: n.color },
      font: { color: dim ? "rgba(120,120,120,0.4)" : "#222" }
    };
  }
  var nodes = new vis.DataSet(data.nodes.map(function (n) { return visNode(n, false); }));
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

  /* ---- tooltips and details: DOM elements filled with textContent ---- */
  function fillTip(el, title, cls, rows) {
    el.textContent = "";
    var h = document.createElement("div");
    h.className = "tip-title";
    h.textContent = title + (cls ? " · " + cls : "");
    el.appendChild(h);
    rows.forEach(function (r) {
      var line = document.createElement("div");
      if (r[0] === "quote") {
        line.className = "tip-quote";
        line.textContent = "“" + r[1] + "”";
      } else {
        if (r[0]) {
          var k = document.createElement("span");
          k.className = "tip-key";
          k.textContent = r[0] + ":";
          line.appendChild(k);
        }
        line.appendChild(document.createTextNode(r[1]));
      }
      el.appendChild(line);
    });
  }
  var tip = document.getElementById("ck-tip");
  function showTip(item, pointer, isEdge) {
    if (!item) { return; }
    if (isEdge) {
      var a = byId[item.from], b = byId[item.to];
      fillTip(tip, (a ? a.label : "") + " → " + (b ? b.label : ""), item.label || "", item.tip || []);
    } else {
      fillTip(tip, item.label, item.clsName, item.tip);
    }
    tip.style.left = Math.min(pointer.x + 12, container.clientWidth - 300) + "px";
    tip.style.top = (pointer.y + 12) + "px";
    tip.style.display = "block";
  }
  window.citykgShowTip = function (id) {
    showTip(byId[id], { x: 10, y: 10 }, false);
    return tip.textContent;
  };
  network.on("hoverNode", function (p) { showTip(byId[p.node], p.pointer.DOM, false); });
  network.on("blurNode", function () { tip.style.display = "none"; });
  network.on("hoverEdge", function (p) { showTip(data.edges[p.edge], p.pointer.DOM, true); });
  network.on("blurEdge", function () { tip.style.display = "none"; });
  network.on("dragStart", function () { tip.style.display = "none"; });

  /* ---- neighbourhood highlight ---- */
  var dimmed = false;
  var BIG = data.nodes.length > 3000; /* restyling every node would take seconds: select instead */
  function highlight(id) {
    if (BIG) {
      network.selectNodes([id].concat(network.getConnectedNodes(id)));
      fillTip(document.getElementById("ck-details"), byId[id].label, byId[id].clsName, byId[id].tip);
      return;
    }
    var keep = {};
    keep[id] = true;
    network.getConnectedNodes(id).forEach(function (v) { keep[v] = true; });
    nodes.update(data.nodes.map(function (n) { return visNode(n, !keep[n.id]); }));
    dimmed = true;
    fillTip(document.getElementById("ck-details"), byId[id].label, byId[id].clsName, byId[id].tip);
  }
  function clearHighlight() {
    if (!dimmed) { return; }
    nodes.update(data.nodes.map(function (n) { return visNode(n, false); }));
    dimmed = false;
  }
  network.on("click", function (p) {
    if (p.nodes.length) { highlight(p.nodes[0]); } else { clearHighlight(); }
  });
  window.citykgHighlight = highlight;

  /* ---- search ---- */
  var labels = document.getElementById("ck-labels");
  var seen = {};
  data.nodes.forEach(function (n) {
    if (seen[n.label]) { return; }
    seen[n.label] = true;
    var o = document.createElement("option");
    o.value = n.label;
    labels.appendChild(o);
  });
  function search(q) {
    q = (q || "").trim().toLowerCase();
    var status = document.getElementById("ck-search-status");
    if (!q) { status.textContent = ""; return null; }
    var exact = [], part = [];
    data.nodes.forEach(function (n) {
      var l = n.label.toLowerCase();
      if (l === q) { exact.push(n.id); } else if (l.indexOf(q) >= 0) { part.push(n.id); }
    });
    var hits = exact.concat(part);
    status.textContent = hits.length ? hits.length + " 个匹配 match(es)" : "未找到 not found";
    if (!hits.length) { return null; }
    var id = hits[0];
    nodes.update({ id: id, hidden: false });
    network.selectNodes([id]);
    network.focus(id, { scale: 1.5, animation: false });
    highlight(id);
    return id;
  }
  window.citykgSearch = search;
  var box = document.getElementById("ck-search");
  box.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { search(box.value); } });
  box.addEventListener("change", function () { search(box.value); });
  document.getElementById("ck-search-go").addEventListener("click", function () { search(box.value); });

  /* ---- filters: class, city, domain, legend toggles ---- */
  var offClasses = {};
  function fillSelect(id, values) {
    var sel = document.getElementById(id);
    values.forEach(function (v) {
      var o = document.createElement("option");
      o.value = v[0];
      o.textContent = v[1];
      sel.appendChild(o);
    });
    sel.addEventListener("change", applyFilters);
  }
  function applyFilters() {
    var cls = document.getElementById("ck-filter-cls").value;
    var city = document.getElementById("ck-filter-city").value;
    var dom = document.getElementById("ck-filter-domain").value;
    var shown = 0;
    nodes.update(data.nodes.map(function (n) {
      var ok = !offClasses[n.cls] && (!cls || n.cls === cls) &&
        (!city || n.cities.indexOf(city) >= 0) && (!dom || n.domains.indexOf(dom) >= 0);
      if (ok) { shown += 1; }
      return { id: n.id, hidden: !ok };
    }));
    window.citykgShown = shown;
    return shown;
  }
  window.citykgFilter = function (cls, city, dom) {
    document.getElementById("ck-filter-cls").value = cls || "";
    document.getElementById("ck-filter-city").value = city || "";
    document.getElementById("ck-filter-domain").value = dom || "";
    return applyFilters();
  };
  fillSelect("ck-filter-cls", data.legend.map(function (r) { return [r.cls, r.name + " (" + r.count + ")"]; }));
  fillSelect("ck-filter-city", data.facets.cities.map(function (c) { return [c, c]; }));
  fillSelect("ck-filter-domain", data.facets.domains.map(function (d) { return [d, d]; }));

  var legend = document.getElementById("ck-legend");
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
      offClasses[r.cls] = !offClasses[r.cls];
      row.classList.toggle("off", !!offClasses[r.cls]);
      applyFilters();
    });
    legend.appendChild(row);
  });

  /* ---- physics toggle and fit ---- */
  document.getElementById("ck-physics").addEventListener("change", function (ev) {
    network.setOptions({ physics: { enabled: ev.target.checked } });
  });
  document.getElementById("ck-fit").addEventListener("click", function () { network.fit({ animation: false }); });
})();
