/* citykg map: recolours the static SVG by concept adoption or indicator value up to the slider's year.
 * Text is written with textContent only; state is kept in the URL hash. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var el = function (id) { return document.getElementById(id); };
  var ADOPTED = "#d62728", NOT_YET = "#c8c8c8", NO_DATA = "#c8c8c8";
  var conceptSel = el("concept"), indSel = el("indicator"), slider = el("year");
  function option(sel, item) {
    var o = document.createElement("option");
    o.value = item.id;
    o.textContent = item.label + (item.en ? " / " + item.en : "");
    sel.appendChild(o);
  }
  data.concepts.forEach(function (c) { option(conceptSel, c); });
  data.indicators.forEach(function (i) { option(indSel, i); });
  var years = data.years.filter(function (y) { return y > 0; });
  var lo = years.length ? years[0] : 0, hi = years.length ? years[years.length - 1] : 0;
  slider.min = lo; slider.max = hi; slider.value = hi; slider.disabled = lo === hi;
  var circles = data.cities.map(function (c, i) { return el("c-" + i).querySelector("circle"); });
  var byId = {};
  data.concepts.forEach(function (c) { byId[c.id] = c; });
  data.indicators.forEach(function (c) { byId[c.id] = c; });

  function shade(t) { /* light yellow -> dark blue */
    var a = [255, 237, 160], b = [8, 48, 107];
    return "rgb(" + a.map(function (v, k) { return Math.round(v + (b[k] - v) * t); }).join(",") + ")";
  }
  function latest(values, year) {
    var best = null;
    (values || []).forEach(function (p) { if (p[0] <= year || p[0] === 0) { best = p[1]; } });
    return best;
  }
  function render() {
    var year = Number(slider.value);
    el("yearText").textContent = year ? String(year) : "";
    var concept = byId[conceptSel.value], ind = byId[indSel.value];
    var fills = [], provCount = {}, provAll = {}, shown = 0;
    if (ind) {
      var vals = data.cities.map(function (c) { return latest(ind.values[c.id], year); });
      var nums = vals.filter(function (v) { return v !== null; });
      var min = Math.min.apply(null, nums), max = Math.max.apply(null, nums);
      fills = vals.map(function (v) {
        if (v === null) { return NO_DATA; }
        shown += 1;
        return shade(max > min ? (v - min) / (max - min) : 1);
      });
      el("status").textContent = ind.label + " (" + ind.unit + ") ≤ " + year + ": " + shown + " 个城市有数值 cities with a value" +
        (nums.length ? " · " + min + "–" + max : "");
    } else {
      fills = data.cities.map(function (c) {
        var first = concept ? concept.first[c.id] : undefined;
        var on = first !== undefined && first <= year;
        provAll[c.prov] = (provAll[c.prov] || 0) + 1;
        if (on) { provCount[c.prov] = (provCount[c.prov] || 0) + 1; shown += 1; }
        return on ? ADOPTED : NOT_YET;
      });
      el("status").textContent = concept ? concept.label + " ≤ " + year + ": " + shown + " / " + data.cities.length +
        " 个城市已推行 cities adopted" : "选择概念或指标 choose a concept or an indicator";
    }
    circles.forEach(function (c, i) { c.setAttribute("fill", fills[i]); c.style.fill = fills[i]; });
    Array.prototype.forEach.call(document.querySelectorAll("path.prov"), function (p) {
      var code = p.id.slice(2), n = provCount[code] || 0;
      p.style.fill = n ? "rgba(214,39,40," + (0.12 + 0.4 * n / provAll[code]).toFixed(2) + ")" : "";
    });
    window.citykgMapShown = shown;
    var p = new URLSearchParams();
    if (conceptSel.value) { p.set("concept", conceptSel.value); }
    if (indSel.value) { p.set("indicator", indSel.value); }
    if (year) { p.set("year", String(year)); }
    history.replaceState(null, "", "#" + p.toString());
    return fills;
  }
  window.citykgMapRender = render;
  function readHash() {
    var p = new URLSearchParams(location.hash.replace(/^#/, ""));
    var c = p.get("concept") || data.initial.concept, i = p.get("indicator") || data.initial.indicator;
    if (!c && !i && data.concepts.length) { c = data.concepts[0].id; }
    conceptSel.value = byId[c] ? c : ""; indSel.value = !conceptSel.value && byId[i] ? i : "";
    if (p.get("year")) { slider.value = p.get("year"); }
    render();
  }
  conceptSel.addEventListener("change", function () { if (conceptSel.value) { indSel.value = ""; } render(); });
  indSel.addEventListener("change", function () { if (indSel.value) { conceptSel.value = ""; } render(); });
  slider.addEventListener("input", render);
  readHash();
  window.citykgMapReady = true;
})();
