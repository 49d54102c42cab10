/* citykg packed page data (viz/packed.py): base64 of raw deflate, inflated with the browser's
 * DecompressionStream("deflate-raw") (no library; works from file://), then JSON.parse. The result
 * is data: the page scripts write its strings into the DOM as text only.
 * citykgUnpack(base64) -> Promise of the value.
 * citykgDoc(key, folder) -> Promise of an article's shared text (views/text/<key>.js, viz/doctext.py),
 *   loading its script when the page did not (a <script src>, which opens from disk), or null when
 *   the script is missing. */
(function () {
  "use strict";
  function unpack(b64) {
    if (typeof DecompressionStream === "undefined") {
      return Promise.reject(new Error("this browser cannot inflate the page data (DecompressionStream: " +
        "Chromium 103, Firefox 113, Safari 16.4 or newer)"));
    }
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Response(stream).text().then(JSON.parse);
  }
  var docs = {};
  function doc(key, folder) {
    if (!docs[key]) {
      var reg = window.citykgDocs = window.citykgDocs || {};
      docs[key] = new Promise(function (resolve) {
        if (typeof reg[key] === "string") { resolve(reg[key]); return; }
        var s = document.createElement("script");
        s.src = folder + key + ".js";
        s.onload = function () { resolve(reg[key]); };
        s.onerror = function () { resolve(undefined); };
        document.head.appendChild(s);
      }).then(function (packed) { return typeof packed === "string" ? unpack(packed) : null; });
    }
    return docs[key];
  }
  window.citykgUnpack = unpack;
  window.citykgDoc = doc;
})();
