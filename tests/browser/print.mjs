// Prints pages in headless Chromium (the print stylesheet, in a dark-mode browser too): site
// chrome is hidden, the story is there in black on white, nothing is wider than the paper,
// and the PDF has a sensible number of pages.
//
// Usage: node print.mjs URL...   (CHROMIUM: the browser binary, default chromium)
import { launch, WAIT, finish } from "./chromium.mjs";

const urls = process.argv.slice(2);
// Chrome that only makes sense on screen; none of it may print.
const SCREEN_ONLY = [".skip-link", ".site-nav", ".site-footer", ".pager", ".toc", ".related",
  ".topics", ".pagination", ".search__form", ".feed-link"];
const MAX_PAGES = 6;

const browser = await launch();
const failures = [];
try {
  // A dark-mode browser still prints dark text on white paper.
  const context = await browser.newContext({ colorScheme: "dark" });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  for (const url of urls) {
    const where = decodeURI(new URL(url).pathname);
    await page.goto(url);
    await page.emulateMedia({ media: "print", colorScheme: "dark" });
    // A4 less 1.5 cm margins, in CSS pixels: the width the print layout gets.
    await page.setViewportSize({ width: 680, height: 1000 });
    const seen = await page.evaluate((screenOnly) => {
      const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden";
      const body = getComputedStyle(document.body);
      const h1 = document.querySelector("main h1");
      return {
        printed: screenOnly.filter((s) => [...document.querySelectorAll(s)].some(shown)),
        h1: h1 && shown(h1) ? h1.textContent.trim() : null,
        text: document.querySelector("main").innerText.length,
        background: body.backgroundColor,
        color: body.color,
        scrollWidth: document.documentElement.scrollWidth,
      };
    }, SCREEN_ONLY);
    if (seen.printed.length) failures.push(`${where}: prints screen-only chrome: ${seen.printed.join(", ")}`);
    if (!seen.h1) failures.push(`${where}: the headline does not print`);
    if (seen.text < 200) failures.push(`${where}: only ${seen.text} characters of <main> print`);
    if (seen.background !== "rgb(255, 255, 255)" || seen.color !== "rgb(0, 0, 0)") {
      failures.push(`${where}: prints ${seen.color} on ${seen.background}, not black on white`);
    }
    if (seen.scrollWidth > 680) failures.push(`${where}: ${seen.scrollWidth}px wide, wider than the paper`);
    const pdf = await page.pdf({ format: "A4", margin: { top: "1.5cm", bottom: "1.5cm", left: "1.5cm", right: "1.5cm" } });
    const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;
    if (pages < 1 || pages > MAX_PAGES) failures.push(`${where}: prints on ${pages} pages`);
    console.log(`print: ${where}: ${pages} page(s), ${seen.text} characters`);
  }
} finally {
  await browser.close();
}
finish("print", failures);
