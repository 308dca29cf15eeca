// Loads an ANECompat HTML report in Debian's headless chromium (through playwright-core) and checks that it works:
// no console errors, no network requests, every segment drawn, and clicking an op shows its findings.
// Usage: node check-report.mjs REPORT.html --segments N --op INDEX --finding RULE_ID
import { withOfflinePage } from './offline-chromium.mjs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const file = args[0];
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const expectedSegments = Number(opt('--segments'));
const opIndex = Number(opt('--op'));
const ruleId = opt('--finding');
if (!file || Number.isNaN(expectedSegments) || Number.isNaN(opIndex) || !ruleId) {
  console.error('usage: node check-report.mjs REPORT.html --segments N --op INDEX --finding RULE_ID');
  process.exit(2);
}

const problems = [];
await withOfflinePage(problems, null, async (page) => {

  const started = Date.now();
  await page.goto(pathToFileURL(resolve(file)).href, { waitUntil: 'load' });
  await page.waitForSelector('#segments [data-segment]', { timeout: 30000 });
  const loadMs = Date.now() - started;

  // Every segment is drawn and visible.
  const segments = page.locator('#segments [data-segment]');
  const count = await segments.count();
  if (count !== expectedSegments) problems.push(`expected ${expectedSegments} segments, found ${count}`);
  for (let i = 0; i < count; i++) {
    const box = await segments.nth(i).boundingBox();
    if (!box || box.width <= 0 || box.height <= 0) problems.push(`segment ${i} is not visible`);
  }

  // The op list is virtualised: far fewer rows than ops exist in the DOM.
  const rows = await page.locator('#oplist [data-op]').count();
  const total = await page.evaluate(() => JSON.parse(document.getElementById('report-data').textContent).ops.length);
  if (total > 200 && rows > 200) problems.push(`op list is not virtualised: ${rows} rows for ${total} ops`);

  // Jump to the op through its segment, then click the op and read its findings.
  const segIndex = await page.evaluate((i) => {
    const r = JSON.parse(document.getElementById('report-data').textContent);
    const s = r.segments.find((x) => x.firstOp !== null && x.firstOp <= i && i <= x.lastOp);
    return s ? s.index : -1;
  }, opIndex);
  if (segIndex < 0) problems.push(`op ${opIndex} is in no segment`);
  else await page.locator(`#segments [data-segment="${segIndex}"]`).click();
  const row = page.locator(`#oplist [data-op="${opIndex}"]`);
  await row.scrollIntoViewIfNeeded();
  await row.click();
  const selected = await page.getAttribute('#details', 'data-selected-op');
  if (selected !== String(opIndex)) problems.push(`clicking op ${opIndex} selected ${selected}`);
  const finding = page.locator(`#op-findings [data-rule="${ruleId}"]`);
  if ((await finding.count()) !== 1 || !(await finding.isVisible())) problems.push(`finding ${ruleId} not shown for op ${opIndex}`);

  if (problems.length === 0) console.log(`OK ${count} segments, ${total} ops, ${rows} rows in the DOM, loaded in ${loadMs} ms`);
});
if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
