// Uses the site with the keyboard alone in headless Chromium: the skip link is the first Tab
// stop and moves focus into <main>, focus is always visible, and search works by keyboard
// (Tab to the field, type a Bengali word, Tab to a result, Enter opens it).
// Every wait is bounded; none is a sleep.
//
// Usage: node keyboard.mjs SITE_URL ARTICLE_URL   (CHROMIUM: the browser binary)
// ARTICLE_URL is the article that searching for ARTICLE_WORD (env, default লাভরভ) must find.
import { launch, WAIT } from "./chromium.mjs";

const [siteUrl, articleUrl] = process.argv.slice(2);
const word = process.env.ARTICLE_WORD || "লাভরভ";
// More Tab presses than any page of the theme has stops before the place we look for.
const MAX_TABS = 40;

function step(name) {
  console.log(`keyboard: ${name}`);
}

function check(ok, message) {
  if (!ok) throw new Error(message);
}

// What has focus, for messages and checks.
const focused = (page) =>
  page.evaluate(() => {
    const e = document.activeElement;
    const style = getComputedStyle(e);
    const rect = e.getBoundingClientRect();
    return {
      tag: e.tagName.toLowerCase(),
      id: e.id,
      className: String(e.className),
      href: e.getAttribute("href"),
      text: e.textContent.trim().slice(0, 60),
      inMain: !!e.closest("main"),
      inResults: !!e.closest("#search-results"),
      outline: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
      onScreen: rect.width > 0 && rect.height > 0 && rect.top >= 0 && rect.left >= 0 &&
        rect.bottom <= innerHeight && rect.right <= innerWidth,
    };
  });

const describe = (f) => `<${f.tag}${f.id ? "#" + f.id : ""}${f.className ? "." + f.className.split(" ").join(".") : ""}> ${JSON.stringify(f.text)}`;

// Presses Tab until `wanted(focus)` holds; every stop on the way must show a focus outline.
async function tabUntil(page, what, wanted) {
  for (let i = 0; i < MAX_TABS; i++) {
    await page.keyboard.press("Tab");
    const f = await focused(page);
    check(f.outline >= 2, `focus on ${describe(f)} has no visible outline (${f.outline}px)`);
    if (wanted(f)) return f;
  }
  throw new Error(`${what}: not reached in ${MAX_TABS} Tab presses`);
}

const browser = await launch();
try {
  for (const url of [siteUrl, articleUrl]) {
    const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    page.setDefaultTimeout(WAIT);
    const where = decodeURI(new URL(url).pathname);
    await page.goto(url);

    step(`${where}: the first Tab stop is the skip link, shown on screen`);
    await page.keyboard.press("Tab");
    const skip = await focused(page);
    check(skip.className.includes("skip-link") && skip.href === "#main",
      `first Tab stop is ${describe(skip)}, not the skip link`);
    check(skip.onScreen, "the focused skip link is not on screen");
    check(skip.outline >= 2, `the focused skip link has no visible outline (${skip.outline}px)`);

    step(`${where}: Enter on it moves on to <main>; the next Tab stop is inside it`);
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => location.hash === "#main");
    await page.keyboard.press("Tab");
    const next = await focused(page);
    check(next.inMain, `after the skip link, Tab went to ${describe(next)}, outside <main>`);
    await page.close();
  }

  const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
  page.setDefaultTimeout(WAIT);
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(new URL("search/", siteUrl).href);

  step("search: Tab reaches the search field");
  await tabUntil(page, "the search field", (f) => f.id === "q");

  step(`search: type ${word}; the results come without pressing anything else`);
  await page.keyboard.type(word);
  const target = new URL(articleUrl).pathname;
  await page.locator(`#search-results a[href="${target}"]`).waitFor({ state: "visible" });

  step("search: Tab reaches the article among the results; Enter opens it");
  await tabUntil(page, "the article's result link", (f) => f.inResults && f.href === target);
  await Promise.all([page.waitForURL(articleUrl), page.keyboard.press("Enter")]);

  check(errors.length === 0, `JavaScript errors on the search page:\n${errors.join("\n")}`);
  step("all passed");
} finally {
  await browser.close();
}
