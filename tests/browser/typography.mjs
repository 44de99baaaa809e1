// Checks the type of every visible Bengali text in headless Chromium, as the browser computes
// it: Noto Sans Bengali first in the font stack (text marked lang="bn"), no letter-spacing, no upper-casing or italics
// (Bengali has neither), lines tall enough for vowel signs above and below, and no box that
// clips overflowing text (which would cut conjuncts); Latin text keeps the Latin fonts.
//
// Usage: node typography.mjs URL...   (CHROMIUM: the browser binary, default chromium)
import { launch, WAIT } from "./chromium.mjs";

const urls = process.argv.slice(2);

const browser = await launch();
const failures = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(WAIT);
  for (const url of urls) {
    const where = decodeURI(new URL(url).pathname);
    await page.goto(url);
    const seen = await page.evaluate(() => {
      const problems = [];
      let bengali = 0;
      let latin = 0;
      const name = (e) => `<${e.tagName.toLowerCase()}${e.className ? "." + String(e.className).trim().split(/\s+/).join(".") : ""}>`;
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      const checked = new Set();
      while (walker.nextNode()) {
        const text = walker.currentNode.textContent.trim();
        const e = walker.currentNode.parentElement;
        if (!text || checked.has(e) || e.closest(".visually-hidden, script, style, noscript")) continue;
        if (e.getClientRects().length === 0) continue;
        checked.add(e);
        const s = getComputedStyle(e);
        const first = s.fontFamily.split(",")[0].trim().replace(/"/g, "");
        // Bengali in a Bengali element; untagged Bengali (a Bengali tag name on an English
        // page) gets the Bengali fonts as fallbacks of the Latin stack, and every other rule.
        const isBengali = /[\u0980-\u09FF]/.test(text);
        const taggedBengali = isBengali && e.closest("[lang]").lang.startsWith("bn");
        const isLatin = /^[\x00-\u024F\u2000-\u206F]+$/.test(text) && /[A-Za-z]{3}/.test(text) && e.closest("[lang]").lang.startsWith("en");
        const where = `${name(e)} "${text.slice(0, 30)}"`;
        if (isBengali) {
          bengali++;
          if (taggedBengali && first !== "Noto Sans Bengali") problems.push(`${where}: Bengali set in ${first}`);
          if (s.letterSpacing !== "normal" && parseFloat(s.letterSpacing) !== 0) problems.push(`${where}: letter-spacing ${s.letterSpacing}`);
          if (s.textTransform !== "none") problems.push(`${where}: text-transform ${s.textTransform}`);
          if (s.fontStyle !== "normal") problems.push(`${where}: font-style ${s.fontStyle}`);
          const leading = parseFloat(s.lineHeight) / parseFloat(s.fontSize);
          if (!(leading >= 1.4)) problems.push(`${where}: line-height ${s.lineHeight} for ${s.fontSize} text`);
          for (let box = e; box && box !== document.body; box = box.parentElement) {
            const b = getComputedStyle(box);
            if (/hidden|clip/.test(b.overflowX + b.overflowY) || (b.textOverflow === "ellipsis")) {
              problems.push(`${where}: inside ${name(box)}, which clips overflow (${b.overflowX} ${b.overflowY})`);
              break;
            }
          }
        } else if (isLatin) {
          latin++;
          if (first === "Noto Sans Bengali") problems.push(`${where}: English set in ${first}`);
        }
      }
      return { problems, bengali, latin };
    });
    for (const p of seen.problems) failures.push(`${where}: ${p}`);
    if (seen.bengali === 0) failures.push(`${where}: no Bengali text found to check`);
    console.log(`typography: ${where}: ${seen.bengali} Bengali and ${seen.latin} English text elements`);
  }
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(`typography: ${failures.length} problem(s):\n${failures.slice(0, 80).join("\n")}`);
  process.exit(1);
}
console.log("typography: all passed");
