/* briefing search: plain script, no dependencies, no modules (so it also runs from file://).
   The form's data-index attribute is the URL of search-index.json. Where fetch() can't read it
   (file:// pages), search-index.js is loaded instead; it sets window.BRIEFING_SEARCH_INDEX to
   the same array: [{url, title, summary, tags: [], sources: [], date: "2023-10-20", lang, text}]. */
(function () {
  "use strict";

  var MAX = 50;
  var DELAY = 100;

  var form = document.querySelector("form[data-index]");
  if (!form) return;
  var input = form.querySelector("input[type=search]");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!input || !status || !list) return;

  var entries = null;   // the index, with a normalised copy of each field
  var timer = 0;
  // sentence punctuation and quotes around a term ("Lavrov," → lavrov); keeps C# and C++ intact
  var edge = /^[.,;:!?¡¿"'“”‘’„«»()\[\]{}\u0964\u0965\u060C\u061B\u061F\u3001\u3002]+|[.,;:!?¡¿"'“”‘’„«»()\[\]{}\u0964\u0965\u060C\u061B\u061F\u3001\u3002]+$/g;

  function norm(s) {
    s = s == null ? "" : String(s);
    if (s.normalize) s = s.normalize("NFC");
    return s.toLocaleLowerCase();
  }

  function terms(q) {
    var out = [];
    norm(q).split(/\s+/).forEach(function (t) {
      t = t.replace(edge, "");
      if (t && out.indexOf(t) < 0) out.push(t);
    });
    return out;
  }

  function join(v) { return Array.isArray(v) ? v.join("\n") : (v == null ? "" : String(v)); }

  function prepare(raw) {
    if (!Array.isArray(raw)) throw new Error("index is not a list");
    entries = raw.map(function (e) {
      return {
        e: e,
        title: norm(e.title),
        tags: norm(join(e.tags)),
        rest: norm([e.summary, join(e.sources), e.text].join("\n")),
        date: String(e.date || "")
      };
    });
  }

  function search(q) {
    var ts = terms(q);
    if (!ts.length) return null;
    var hits = [];
    entries.forEach(function (x) {
      var score = 0;
      for (var i = 0; i < ts.length; i++) {
        var t = ts[i];
        if (x.title.indexOf(t) >= 0) score += 10000;
        else if (x.tags.indexOf(t) >= 0) score += 100;
        else if (x.rest.indexOf(t) >= 0) score += 1;
        else return;   // every term must occur somewhere
      }
      hits.push({ x: x, score: score });
    });
    hits.sort(function (a, b) {
      return b.score - a.score || (a.x.date < b.x.date ? 1 : a.x.date > b.x.date ? -1 : 0);
    });
    return hits;
  }

  function formatDate(day, lang) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
    if (!m || !window.Intl) return day;
    try {
      return new Intl.DateTimeFormat(lang || document.documentElement.lang || undefined,
        { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" })
        .format(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])));
    } catch (e) { return day; }
  }

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text != null) n.textContent = text;
    return n;
  }

  function show(q) {
    var hits = entries ? search(q) : null;
    list.textContent = "";
    if (!entries) return;
    if (!hits) {
      list.hidden = true;
      status.textContent = "";
      return;
    }
    var shown = hits.slice(0, MAX);
    shown.forEach(function (h) {
      var e = h.x.e;
      var li = el("li", "result");
      if (e.lang) li.lang = e.lang;
      li.dir = "auto";
      var a = el("a", "result__title", e.title);
      a.href = link(e.url);
      li.appendChild(el("h2", "result__heading")).appendChild(a);
      if (e.date) {
        var meta = el("p", "meta");
        var time = el("time", null, formatDate(e.date, e.lang));
        time.dateTime = e.date;
        meta.appendChild(time);
        li.appendChild(meta);
      }
      if (e.summary) li.appendChild(el("p", "result__dek", e.summary));
      list.appendChild(li);
    });
    list.hidden = shown.length === 0;
    var n = hits.length;
    status.textContent = n === 0 ? message("none", { q: q.trim() })
      : n > MAX ? message("many", { n: n, max: MAX })
      : n === 1 ? message("one", {}) : message("other", { n: n });
  }

  // The status line's words come from the theme's UI strings, in the site's language: the
  // form carries them as data-msg-* attributes with {placeholders}, and data-digits.
  var FALLBACK = {
    none: "No results for “{q}”.", one: "1 result", other: "{n} results",
    many: "{n} results, showing the first {max}.",
    ready: "Type to search {n} briefings.", ready_one: "Type to search 1 briefing.",
    loading: "Loading the search index…", failed: "Sorry, the search index could not be loaded."
  };
  var digits = form.getAttribute("data-digits") || "0123456789";
  function localDigits(text) {
    return String(text).replace(/[0-9]/g, function (d) { return digits.charAt(Number(d)) || d; });
  }
  function message(name, values) {
    var text = form.getAttribute("data-msg-" + name) || FALLBACK[name];
    return text.replace(/\{(\w+)\}/g, function (all, key) {
      if (!(key in values)) return all;
      return typeof values[key] === "number" ? localDigits(values[key]) : values[key];
    });
  }

  function syncUrl(q) {
    try {
      var u = new URL(window.location.href);
      if (q.trim()) u.searchParams.set("q", q); else u.searchParams.delete("q");
      if (u.href !== window.location.href) history.replaceState(null, "", u.href);
    } catch (e) { /* file:// or an old browser: the URL just doesn't follow the query */ }
  }

  function run() {
    clearTimeout(timer);
    show(input.value);
    syncUrl(input.value);
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, DELAY);
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    run();
  });

  function ready(raw) {
    try { prepare(raw); } catch (e) { return failed(); }
    if (input.value.trim()) run();
    else status.textContent = message(entries.length === 1 ? "ready_one" : "ready", { n: entries.length });
  }

  function failed() {
    status.textContent = message("failed", {});
  }

  function loadScript(url) {
    if (window.BRIEFING_SEARCH_INDEX) return ready(window.BRIEFING_SEARCH_INDEX);
    var s = document.createElement("script");
    s.src = url;
    s.onload = function () {
      if (window.BRIEFING_SEARCH_INDEX) ready(window.BRIEFING_SEARCH_INDEX); else failed();
    };
    s.onerror = failed;
    document.head.appendChild(s);
  }

  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) input.value = params.get("q");
  status.textContent = message("loading", {});

  // Opened from disk (file://), root-relative URLs such as /briefs/search-index.json point at
  // the file system's root. The page knows where it stands (data-depth folders below the
  // site's root, data-root the site's path): rebuild URLs from there instead.
  var onDisk = window.location.protocol === "file:";
  var siteRoot = form.getAttribute("data-root");
  var diskRoot = new URL("../".repeat(Number(form.getAttribute("data-depth") || 0)) || "./", window.location.href).href;
  function link(url) {
    if (!onDisk || !siteRoot || url.indexOf(siteRoot) !== 0) return url;
    var rest = url.slice(siteRoot.length);
    return diskRoot + rest + (rest === "" || /\/$/.test(rest) ? "index.html" : "");
  }

  var jsonUrl = new URL(link(form.getAttribute("data-index")), document.baseURI).href;
  var jsUrl = jsonUrl.replace(/\.json(?=$|[?#])/, ".js");
  if (onDisk || !window.fetch) {
    loadScript(jsUrl);
  } else {
    fetch(jsonUrl)
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(ready, function () { loadScript(jsUrl); });
  }
})();
