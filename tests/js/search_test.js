// Tests for themes/default/static/search.js, run by tests/search_js.rs (plain Node, no packages).
//
// search.js is a browser script that exposes nothing: it wires itself to the search page's form
// when it runs. So this harness runs it in a `vm` context with the smallest fake DOM it needs
// (the form, the input, the status line, the result list, createElement, head.appendChild for
// the search-index.js fallback, fetch) and reads the results it renders into the list.
//
//   node tests/js/search_test.js                         matching and ranking on a small index
//   node tests/js/search_test.js --site OUT --mode http  the built site, served under its subpath
//   node tests/js/search_test.js --site OUT --mode file  the built site, opened from file://
"use strict";

const assert = require("assert");
const fs = require("fs");
const path = require("path");
const url = require("url");
const vm = require("vm");

// BRIEFING_SEARCH_JS: another copy of the script (to check that these tests catch mistakes).
const SEARCH_JS = process.env.BRIEFING_SEARCH_JS ||
  path.resolve(__dirname, "..", "..", "themes", "default", "static", "search.js");
const SOURCE = fs.readFileSync(SEARCH_JS, "utf8");

// ---------------------------------------------------------------------------------------------
// A fake DOM: just what search.js touches.

class FakeElement {
  constructor(tag) {
    this.tagName = String(tag).toUpperCase();
    this.children = [];
    this.attributes = {};
    this.listeners = {};
    this.ownText = "";
    this.hidden = false;
  }
  get textContent() {
    return this.ownText + this.children.map((c) => c.textContent).join("");
  }
  set textContent(value) {
    this.ownText = value == null ? "" : String(value);
    this.children = [];
  }
  set innerHTML(_) {
    throw new Error("search.js must not use innerHTML (titles are untrusted text)");
  }
  appendChild(child) {
    this.children.push(child);
    child.parentNode = this;
    return child;
  }
  getAttribute(name) {
    return Object.prototype.hasOwnProperty.call(this.attributes, name) ? this.attributes[name] : null;
  }
  setAttribute(name, value) {
    this.attributes[name] = String(value);
  }
  addEventListener(type, fn) {
    (this.listeners[type] = this.listeners[type] || []).push(fn);
  }
  dispatch(type) {
    let prevented = false;
    const ev = { type, target: this, preventDefault() { prevented = true; } };
    for (const fn of this.listeners[type] || []) fn(ev);
    return prevented;
  }
  *descendants() {
    for (const c of this.children) {
      yield c;
      yield* c.descendants();
    }
  }
}

/**
 * Loads search.js on a fake search page.
 *   baseURI:    the page's address
 *   dataIndex:  the form's data-index attribute (the URL of search-index.json)
 *   load(url):  the text of a file the page asks for by URL, or null when there is none
 *   query:      an initial ?q= in the page's address
 */
function searchPage({ baseURI, dataIndex, load, query, attrs }) {
  const form = new FakeElement("form");
  form.setAttribute("data-index", dataIndex);
  for (const [name, value] of Object.entries(attrs || {})) form.setAttribute(name, value);
  const input = new FakeElement("input");
  input.type = "search";
  input.value = "";
  form.querySelector = (css) => (/^input\[type=["']?search["']?\]$/.test(css) ? input : null);
  const status = new FakeElement("p");
  const list = new FakeElement("ol");
  list.hidden = true;
  const head = new FakeElement("head");
  const requested = [];

  const location = new URL(baseURI);
  if (query) location.searchParams.set("q", query);
  const sandbox = {
    console,
    URL,
    URLSearchParams,
    setTimeout,
    clearTimeout,
    Promise,
    location,
    history: {
      replaceState(_state, _title, href) {
        sandbox.location = new URL(href);
      },
    },
    document: {
      baseURI,
      documentElement: { lang: "en" },
      head,
      querySelector: (css) => (/^form\[data-index\]$/.test(css) ? form : null),
      getElementById: (id) => ({ "search-status": status, "search-results": list })[id] || null,
      createElement: (tag) => new FakeElement(tag),
    },
  };
  if (location.protocol !== "file:") {
    sandbox.fetch = (href) => {
      requested.push(String(href));
      const text = load(String(href));
      return Promise.resolve({
        ok: text != null,
        status: text != null ? 200 : 404,
        json: () => Promise.resolve(JSON.parse(text)),
      });
    };
  }
  vm.createContext(sandbox);
  vm.runInContext("var window = globalThis;", sandbox);
  // <script src> appended to <head>: run the file, then fire onload (or onerror if missing).
  head.appendChild = (el) => {
    FakeElement.prototype.appendChild.call(head, el);
    if (el.tagName === "SCRIPT") {
      requested.push(String(el.src));
      setTimeout(() => {
        const text = load(String(el.src));
        if (text == null) {
          if (el.onerror) el.onerror(new Error("404"));
          return;
        }
        vm.runInContext(text, sandbox, { filename: String(el.src) });
        if (el.onload) el.onload();
      }, 0);
    }
    return el;
  };
  vm.runInContext(SOURCE, sandbox, { filename: SEARCH_JS });

  function results() {
    const out = [];
    for (const li of list.children) {
      const a = [...li.descendants()].find((n) => n.tagName === "A");
      assert.ok(a, "a result without a link");
      out.push({ title: a.textContent, href: a.href, lang: li.lang });
    }
    return out;
  }

  return {
    status,
    list,
    requested,
    baseURI,
    /** Submits `q` and returns the results shown. */
    search(q) {
      input.value = q;
      const prevented = form.dispatch("submit");
      assert.ok(prevented, "submitting the form must not navigate away");
      return results();
    },
    /** Types `q` (an input event) and returns the results shown once the page settles. */
    async type(q) {
      input.value = q;
      input.dispatch("input");
      await settle(400);
      return results();
    },
    results,
  };
}

function settle(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------
// Checks

const checks = [];
function check(name, fn) {
  checks.push({ name, fn });
}

function hrefs(results) {
  return results.map((r) => r.href);
}

/** Every title match comes before every result whose title does not match. */
function assertTitlesFirst(results, matches, what) {
  const firstOther = results.findIndex((r) => !matches(r.title));
  const lastTitle = results.map((r) => matches(r.title)).lastIndexOf(true);
  assert.ok(lastTitle >= 0, `${what}: no title match among ${JSON.stringify(results)}`);
  if (firstOther >= 0) {
    assert.ok(lastTitle < firstOther, `${what}: a title match ranks after another result: ${JSON.stringify(results)}`);
  }
}

const NFD = (s) => s.normalize("NFD");
const NFC = (s) => s.normalize("NFC");

// Dates are chosen so that "newest first" alone would put the text-only and tag-only matches
// before the title match.
const INDEX = [
  { url: "/news/articles/lavrov/", title: "Lavrov visits Pyongyang", summary: "A two-day visit.",
    tags: ["Russia"], sources: ["KCNA"], date: "2023-05-03", lang: "en" },
  { url: "/news/articles/lavrov-bn/", title: "লাভরভের পিয়ংইয়ং সফর", summary: "দুই দিনের সফর।",
    tags: ["উত্তর কোরিয়া"], sources: ["KCNA"], date: "2023-05-15", lang: "bn",
    text: "রাশিয়ার পররাষ্ট্রমন্ত্রী সের্গেই লাভরভ দুই দিনের সফরে পিয়ংইয়ং পৌঁছেছেন।" },
  { url: "/news/articles/council/", title: "Security Council debates a new resolution",
    summary: "Members disagree.", tags: ["Sanctions"], sources: ["Reuters"], date: "2024-01-10", lang: "en",
    text: "Sergey Lavrov told the council that new sanctions would be counterproductive." },
  { url: "/news/articles/watch/", title: "The week in Moscow", tags: ["Lavrov watch"], sources: [],
    date: "2024-02-01", lang: "en" },
  { url: "/news/articles/cafe/", title: NFC("Café diplomacy in Vladivostok"), tags: ["Diplomacy"],
    sources: ["TASS"], date: "2023-09-01", lang: "en" },
  { url: "/news/articles/cafe-nfd/", title: NFD("Café society in Pyongyang"), tags: [], sources: [],
    date: "2023-08-01", lang: "en" },
  { url: "/news/articles/missile-bn/", title: NFC("উত্তর কোরিয়ার ক্ষেপণাস্ত্র পরীক্ষা"), tags: [],
    sources: [], date: "2023-01-15", lang: "bn" },
  { url: "/news/articles/hostile/", title: "</script><script>alert(1)</script>", tags: [], sources: [],
    date: "2023-07-02", lang: "en", summary: "<b>bold</b> & \"quotes\"" },
];

function unitPage(extra) {
  const script = "window.BRIEFING_SEARCH_INDEX = " + JSON.stringify(INDEX) + ";\n";
  return searchPage(Object.assign({
    baseURI: "file:///home/reader/site/news/search/index.html",
    dataIndex: "../search-index.json",
    load: (href) => (href === "file:///home/reader/site/news/search-index.js" ? script : null),
  }, extra || {}));
}

async function ready(page) {
  await settle(50);
  assert.ok(!/could not be loaded/i.test(page.status.textContent), "index did not load: " + page.status.textContent);
  return page;
}

check("the index loads from search-index.js where fetch cannot be used (file://)", async () => {
  const page = await ready(unitPage());
  assert.deepStrictEqual(page.requested, ["file:///home/reader/site/news/search-index.js"]);
  assert.ok(page.status.textContent.length > 0, "a status line once loaded");
});

check("a Bengali query finds the Bengali article", async () => {
  const page = await ready(unitPage());
  const found = page.search("লাভরভ");
  assert.deepStrictEqual(hrefs(found), ["/news/articles/lavrov-bn/"]);
  assert.strictEqual(found[0].title, "লাভরভের পিয়ংইয়ং সফর");
  assert.strictEqual(found[0].lang, "bn", "the result carries the article's language");
});

check("lavrov finds Lavrov whatever the case, title matches first", async () => {
  const page = await ready(unitPage());
  const lower = page.search("lavrov");
  assert.deepStrictEqual(new Set(hrefs(lower)),
    new Set(["/news/articles/lavrov/", "/news/articles/council/", "/news/articles/watch/"]));
  assert.strictEqual(lower[0].href, "/news/articles/lavrov/");
  assertTitlesFirst(lower, (t) => /lavrov/i.test(t), "lavrov");
  assert.deepStrictEqual(hrefs(page.search("LAVROV")), hrefs(lower));
  assert.deepStrictEqual(hrefs(page.search("Lavrov")), hrefs(lower));
});

check("NFD input matches NFC text, and NFC input matches NFD text", async () => {
  const page = await ready(unitPage());
  const nfdQuery = NFD("café");
  assert.notStrictEqual(nfdQuery, NFC("café"));
  const found = hrefs(page.search(nfdQuery));
  assert.ok(found.includes("/news/articles/cafe/"), "NFD café → NFC title: " + found);
  assert.ok(found.includes("/news/articles/cafe-nfd/"), "NFD café → NFD title: " + found);
  const fromNfc = hrefs(page.search(NFC("CAFÉ")));
  assert.ok(fromNfc.includes("/news/articles/cafe-nfd/"), "NFC CAFÉ → NFD title: " + fromNfc);
  // Bengali: ো (U+09CB) is U+09C7 U+09BE in NFD.
  const koreaNfd = NFD("কোরিয়ার");
  assert.notStrictEqual(koreaNfd, NFC("কোরিয়ার"));
  const bn = hrefs(page.search(koreaNfd));
  assert.ok(bn.includes("/news/articles/missile-bn/"), "NFD Bengali query: " + bn);
});

check("title matches rank before text-only matches", async () => {
  const page = await ready(unitPage());
  const found = page.search("sanctions");
  // "Sanctions" is a tag of council, and a word of its text; no title has it.
  assert.deepStrictEqual(hrefs(found), ["/news/articles/council/"]);
  const pyongyang = page.search("pyongyang");
  assertTitlesFirst(pyongyang, (t) => /pyongyang/i.test(t), "pyongyang");
});

check("every word of the query must match", async () => {
  const page = await ready(unitPage());
  assert.deepStrictEqual(hrefs(page.search("lavrov council")), ["/news/articles/council/"]);
  assert.deepStrictEqual(page.search("lavrov nosuchword"), []);
});

check("no results and empty queries", async () => {
  const page = await ready(unitPage());
  assert.deepStrictEqual(page.search("zzzqqq"), []);
  assert.ok(page.list.hidden, "an empty result list is hidden");
  assert.ok(page.status.textContent.length > 0, "the status says there are no results");
  assert.deepStrictEqual(page.search("   "), []);
});

check("results show as you type", async () => {
  const page = await ready(unitPage());
  const found = await page.type("lavro");
  assert.ok(found.length > 0, "no results after typing");
  assert.strictEqual(found[0].href, "/news/articles/lavrov/");
  assert.ok(!page.list.hidden, "the result list is shown");
});

check("a query in the address is searched on load", async () => {
  const page = await ready(unitPage({ query: "লাভরভ" }));
  assert.deepStrictEqual(hrefs(page.results()), ["/news/articles/lavrov-bn/"]);
});

check("hostile titles are shown as text", async () => {
  assert.ok(!/innerHTML|outerHTML|insertAdjacentHTML|document\.write/.test(SOURCE),
    "search.js builds results from text, never from HTML strings");
  const page = await ready(unitPage());
  const found = page.search("alert");
  assert.deepStrictEqual(found.map((r) => r.title), ["</script><script>alert(1)</script>"]);
});

check("the index loads with fetch over http, from a subpath", async () => {
  const json = JSON.stringify(INDEX);
  const page = searchPage({
    baseURI: "https://user.github.io/briefs/search/",
    dataIndex: "/briefs/search-index.json",
    load: (href) => (href === "https://user.github.io/briefs/search-index.json" ? json : null),
  });
  await ready(page);
  assert.deepStrictEqual(page.requested, ["https://user.github.io/briefs/search-index.json"]);
  assert.strictEqual(page.search("lavrov")[0].href, "/news/articles/lavrov/");
});

// ---------------------------------------------------------------------------------------------
// The built site: the search page as generated, with its real index.

function siteChecks(out, mode) {
  const html = fs.readFileSync(path.join(out, "search", "index.html"), "utf8");
  const m = /<form[^>]*\sdata-index="([^"]*)"/.exec(html);
  assert.ok(m, "the search page has a form with data-index");
  const unescape = (v) => v.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#39;/g, "'");
  const dataIndex = unescape(m[1]);
  // Every other data-* attribute of the form, as the page has them (data-root, data-depth).
  const formTag = /<form[^>]*>/.exec(html.slice(m.index))[0];
  const attrs = {};
  for (const a of formTag.matchAll(/\s(data-[a-z-]+)="([^"]*)"/g)) {
    if (a[1] !== "data-index") attrs[a[1]] = unescape(a[2]);
  }
  const BASE = "https://example.org/news/";

  // URL → file in `out`, for the page's own address scheme.
  const fileOf = (href) => {
    let u;
    try { u = new URL(href); } catch (e) { return null; }
    let file;
    if (mode === "file") {
      if (u.protocol !== "file:") return null;
      file = url.fileURLToPath(u);
    } else {
      if (!u.href.startsWith(BASE)) return null;
      file = path.join(out, decodeURIComponent(u.pathname.slice(new URL(BASE).pathname.length)));
    }
    if (u.pathname.endsWith("/")) file = path.join(file, "index.html");
    return file;
  };
  const baseURI = mode === "file"
    ? url.pathToFileURL(path.join(out, "search", "index.html")).href
    : BASE + "search/";
  const load = (href) => {
    const file = fileOf(href);
    return file && fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null;
  };

  check(`the built search page finds articles (${mode})`, async () => {
    const page = searchPage({ baseURI, dataIndex, load, attrs });
    await settle(100);
    assert.ok(!/could not be loaded/i.test(page.status.textContent),
      `the index did not load from ${baseURI} (data-index="${dataIndex}", asked for ${page.requested.join(", ")})`);

    const bn = page.search("লাভরভ");
    assert.ok(bn.some((r) => r.title === "লাভরভের পিয়ংইয়ং সফর"), "লাভরভ: " + JSON.stringify(bn));
    const en = page.search("lavrov");
    assert.strictEqual(en[0].title, "Lavrov visits Pyongyang", "lavrov: " + JSON.stringify(en));
    assertTitlesFirst(en, (t) => /lavrov|লাভরভ/i.test(t), "lavrov");
    assert.ok(en.some((r) => r.title === "Security Council debates a new resolution"),
      "the text-only match is found too: " + JSON.stringify(en));
    const hostile = page.search("alert");
    assert.ok(hostile.some((r) => r.title === "</script><script>alert(1)</script>"), JSON.stringify(hostile));

    // Every result link leads to the article's page.
    for (const r of [...bn, ...en]) {
      const target = new URL(r.href, baseURI).href;
      const file = fileOf(target);
      assert.ok(file && fs.existsSync(file), `result link ${r.href} from ${baseURI} → ${target}: no page there`);
    }
  });
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const args = process.argv.slice(2);
  const site = args.indexOf("--site");
  if (site >= 0) {
    const mode = args[args.indexOf("--mode") + 1] || "http";
    assert.ok(mode === "http" || mode === "file", "--mode http|file");
    checks.length = 0;
    siteChecks(path.resolve(args[site + 1]), mode);
  }
  let failed = 0;
  for (const { name, fn } of checks) {
    try {
      await fn();
      console.log("ok   " + name);
    } catch (e) {
      failed++;
      console.log("FAIL " + name + "\n     " + String(e && e.stack || e).split("\n").join("\n     "));
    }
  }
  console.log(`${checks.length - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main();
