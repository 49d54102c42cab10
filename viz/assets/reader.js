/* citykg article reader (site pages): draws the article's text from its shared text script
 * (views/text/<key>.js, viz/doctext.py) with every mention highlighted and linked. The text
 * goes into the DOM as text nodes only; nothing in it becomes markup.
 * Page data (viz/readerpage.py, packed: assets/packed.js): k the article key, C classes [[class, name]],
 * S strings, P pages, I id folders, n nodes [class index, short id ([folder, rest], or 0: the
 * observation its first mention names), info (S), figure 0/1 (2: not a figure, and its hover text is
 * its class name, the words of its first mention, then info), page index (0), anchor code (1)],
 * m mentions, four numbers each (readerpage.delta): a after the previous b, b - a, node index (-1:
 * the next new node), change of (offset in the normalised text - a). */
(function () {
  "use strict";
  var box = document.getElementById("ck-text"), el = document.getElementById("ck-article");
  window.citykgUnpack(el.textContent).then(function (d) {
    return window.citykgDoc(d.k, el.getAttribute("data-text")).then(function (doc) {
      if (!doc) { box.textContent = "（文本未找到 the article's text script is missing）"; return; }
      draw(d, doc);
    });
  }).catch(function (err) {
    box.textContent = "（页面数据无法读取 the page data cannot be read: " + err.message + "）";
    throw err;
  }).then(function () { window.citykgReaderReady = true; });

  function mentions(d) { /* readerpage.undelta, plus each node's first mention (a derived id) */
    var out = [], end = 0, shift = 0, seen = 0, first = [], f = d.m;
    for (var i = 0; i + 3 < f.length; i += 4) {
      var a = end + f[i], b = a + f[i + 1], n = f[i + 2];
      shift += f[i + 3];
      if (n < 0) { n = seen++; first[n] = [a + shift, b - a, a]; }
      out.push([a, b, n, a + shift]);
      end = b;
    }
    return [out, first];
  }

  function draw(d, doc) {
    var t = doc.t, sents = doc.s, decoded = mentions(d), ms = decoded[0], first = decoded[1];
    d.n.forEach(function (node, k) { /* what the data left for the page to derive */
      var f = first[k];
      if (!f) { return; }
      if (node[1] === 0) { node[1] = "~obs/" + d.k + "/" + f[0] + "-" + (f[0] + f[1]); }
      if (node[3] === 2) { /* readerpage.NAMED_BY_MENTION */
        d.S.push(d.C[node[0]][1] + " " + t.slice(f[2], f[2] + f[1]) + d.S[node[2]]);
        node[2] = d.S.length - 1;
        node[3] = 0;
      }
    });
    function href(node) {
      var h = d.P[node.length > 4 ? node[4] : 0], code = node.length > 5 ? node[5] : 1;
      var id = Array.isArray(node[1]) ? d.I[node[1][0]] + node[1][1] : node[1]; /* [folder in I, rest] */
      if (code === 1) { h += "#sel=" + encodeURIComponent(id).replace(/%2F/g, "/"); }
      else if (typeof code === "string") { h += "#" + code; }
      return h || "#"; /* a node without a page: as the static reader, "#" */
    }
    var cuts = {};
    cuts[0] = cuts[t.length] = true;
    sents.forEach(function (r) { cuts[r[0]] = cuts[r[1]] = true; });
    ms.forEach(function (m) { cuts[m[0]] = cuts[m[1]] = true; });
    for (var i = t.indexOf("\n"); i >= 0; i = t.indexOf("\n", i + 1)) { cuts[i] = cuts[i + 1] = true; }
    var pos = Object.keys(cuts).map(Number).sort(function (a, b) { return a - b; });
    var p = null, span = null, spanOf = -1, link = null, linkOf = -1, si = 0, mi = 0;
    function para() { p = document.createElement("p"); box.appendChild(p); span = link = null; }
    para();
    for (var k = 0; k + 1 < pos.length; k++) {
      var x = pos[k], y = pos[k + 1], seg = t.slice(x, y);
      if (seg === "\n") { para(); continue; }
      while (si < sents.length && sents[si][1] <= x) { si++; }
      while (mi < ms.length && ms[mi][1] <= x) { mi++; }
      var inS = si < sents.length && sents[si][0] <= x, inM = mi < ms.length && ms[mi][0] <= x;
      if (!inS) { span = null; } else if (!span || spanOf !== si) {
        span = document.createElement("span"); span.className = "s"; p.appendChild(span); spanOf = si; link = null;
      }
      var parent = inS ? span : p;
      if (!inM) { link = null; parent.appendChild(document.createTextNode(seg)); continue; }
      var m = ms[mi], node = d.n[m[2]], cls = d.C[node[0]][0];
      if (!link || linkOf !== mi || link.parentNode !== parent) {
        link = document.createElement("a");
        link.className = "m c-" + cls;
        if (x === m[0]) { link.id = "m-" + m[3]; }
        link.href = href(node);
        if (!node[3]) { link.title = d.S[node[2]]; }
        parent.appendChild(link);
        linkOf = mi;
      }
      link.appendChild(document.createTextNode(seg));
      if (y === m[1] && node[3]) { /* a figure: its indicator, value and unit follow it */
        var fig = document.createElement("span");
        fig.className = "fig";
        fig.textContent = d.S[node[2]];
        parent.appendChild(fig);
      }
    }
    /* the text was drawn after the address was read: go to the mention the address names */
    if (location.hash.length > 1 && document.getElementById(decodeURIComponent(location.hash.slice(1)))) {
      location.replace(location.href);
    }
  }
})();
