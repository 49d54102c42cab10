/* citykg comparison page (site pages): one sorted bar chart per comparable unit and its
 * evidence table, built from the page's compact data (viz/chartpage.py, packed: assets/packed.js) with text nodes only.
 * Each bar links to its evidence row (#ev-N); rows that disagree with another source link it. */
(function () {
  "use strict";
  window.citykgUnpack(document.getElementById("ck-compare").textContent).then(draw).then(function () {
    window.citykgCompareReady = true;
  }).catch(function (err) {
    document.getElementById("ck-charts").textContent = "页面数据无法读取 (the page data cannot be read): " + err.message;
    throw err;
  });

  function draw(d) {
    var S = d.S, BAR_H = d.geom[0], LABEL_W = d.geom[1], CHART_W = d.geom[2], SHORT = d.geom[3];
    var SVG = "http://www.w3.org/2000/svg";
    var root = document.getElementById("ck-charts");
    function el(tag, attrs, text, ns) {
      var x = ns ? document.createElementNS(SVG, tag) : document.createElement(tag);
      Object.keys(attrs || {}).forEach(function (k) { x.setAttribute(k, attrs[k]); });
      if (text !== undefined) { x.textContent = text; }
      return x;
    }
    function short(label) { return label.length <= SHORT ? label : label.slice(0, SHORT - 1) + "…"; }
    /* b: [n, label, value, value text, unit shown, note, qualifier, date, raw, evidence, disputed, number] */
    function chart(unit, bars) {
      var top = bars.reduce(function (m, b) { return Math.max(m, b[2]); }, 0);
      var scale = top > 0 ? (CHART_W - 10) / top : 0;
      var width = LABEL_W + CHART_W + 220, height = BAR_H * bars.length + 30;
      var svg = el("svg", { "class": "chart", width: width, height: height, viewBox: "0 0 " + width + " " + height,
        role: "img", "aria-label": unit }, undefined, true);
      svg.appendChild(el("text", { x: 0, y: 14, "class": "axis" }, "单位 unit: " + unit, true));
      bars.forEach(function (b, i) {
        var y = 24 + i * BAR_H, w = b[2] > 0 ? Math.max(1, b[2] * scale) : 1;
        var a = el("a", { href: "#ev-" + b[0] }, undefined, true), g = el("g", { "class": "bar" }, undefined, true);
        g.appendChild(el("title", {}, S[b[1]] + ": " + S[b[3]] + " " + S[b[4]] + " " + S[b[5]] + " — " + S[b[8]], true));
        g.appendChild(el("text", { x: LABEL_W - 6, y: y + 15, "text-anchor": "end" }, short(S[b[1]]), true));
        g.appendChild(el("rect", { x: LABEL_W, y: y + 3, width: w.toFixed(1), height: BAR_H - 6 }, undefined, true));
        var v = el("text", { x: (LABEL_W + w + 6).toFixed(1), y: y + 15, "class": "val" }, S[b[3]] + " " + S[b[4]], true);
        v.appendChild(el("tspan", { "class": "meta" }, " " + S[b[5]], true));
        g.appendChild(v);
        a.appendChild(g);
        svg.appendChild(a);
      });
      return svg;
    }
    function table(bars, raw) {
      var t = el("table"), head = el("tr");
      ["主体 subject", "数值 value", "限定 qualifier", "日期 date", "原文 raw", "证据 evidence"].forEach(function (h) {
        head.appendChild(el("th", {}, h));
      });
      t.appendChild(el("thead")).appendChild(head);
      var body = t.appendChild(el("tbody"));
      bars.forEach(function (b) {
        var tr = el("tr", { id: "ev-" + b[0] });
        if (b[10].length) { tr.className = "disputed"; }
        [S[b[1]], S[b[11]] + " " + S[b[4]], S[b[6]], S[b[7]], S[b[8]]].forEach(function (x) { tr.appendChild(el("td", {}, x)); });
        var ev = el("td");
        b[10].forEach(function (n) {
          var c = el("div", { "class": "conflict" }, "⚠ 与另一来源不一致 disagrees with another source: ");
          c.appendChild(el("a", { href: "#ev-" + n }, raw[n]));
          ev.appendChild(c);
        });
        b[9].forEach(function (q) {
          ev.appendChild(el("div", { "class": "quote" }, "“" + S[q[0]] + "”"));
          ev.appendChild(el("div", { "class": "src" }, S[q[1]]));
        });
        tr.appendChild(ev);
        body.appendChild(tr);
      });
      return t;
    }
    var raw = {}; /* a disputed row names the other row by its raw text (or value) */
    d.charts.forEach(function (c) { c.b.forEach(function (b) { raw[b[0]] = S[b[8]] || S[b[11]]; }); });
    d.charts.forEach(function (c) {
      var unit = S[c.u];
      root.appendChild(el("h2", {}, unit + " · " + c.b.length + " 个数值 values"));
      root.appendChild(chart(unit, c.b));
      root.appendChild(table(c.b, raw));
    });
    if (location.hash.length > 1 && document.getElementById(location.hash.slice(1))) { location.replace(location.href); }
  }
})();
