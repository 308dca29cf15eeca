// Opens an ANECompat diff page (anecompat diff OLD NEW --format html) in Debian's headless chromium (through
// playwright-core) and checks it against the JSON the same tool wrote: no console errors and no network; the verdict;
// every op that moved on or off the ANE marked in both panes, each pane drawing it in the device colour of its own
// JSON report; clicking a moved op in one pane selects the same op in the other; the change lists.
// Prints "OK …" and exits 0, or lists the problems and exits 1.
//
// Usage: node check-diff.mjs DIFF.html --diff DIFF.json --old OLD.json --new NEW.json [--screenshot FILE.png]
import { withOfflinePage } from './offline-chromium.mjs';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// The device colours the report promises (its legend): ANE green, CPU blue, GPU orange, folded grey.
const COLORS = { ane: '#2e7d32', cpu: '#1565c0', gpu: '#ef6c00', none: '#90a4ae' };
const LIST_MAX = 200;

const args = process.argv.slice(2);
const file = args[0];
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
if (!file || !opt('--diff') || !opt('--old') || !opt('--new')) {
  console.error('usage: node check-diff.mjs DIFF.html --diff DIFF.json --old OLD.json --new NEW.json [--screenshot FILE.png]');
  process.exit(2);
}
const diff = JSON.parse(readFileSync(opt('--diff'), 'utf8'));
const moves = () => [...diff.movedOffAne.map((m) => ({ ...m, mark: 'off' })), ...diff.movedOntoAne.map((m) => ({ ...m, mark: 'on' }))];
const reports = { old: JSON.parse(readFileSync(opt('--old'), 'utf8')), new: JSON.parse(readFileSync(opt('--new'), 'utf8')) };

const problems = [];
const facts = [];
await withOfflinePage(problems, { width: 1600, height: 1200 }, async (page) => {
  await open(page);
  await checkVerdict(page);
  await checkMarks(page);
  await checkLists(page);
  await checkLinking(page);
  if (opt('--screenshot')) {
    await open(page);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: opt('--screenshot'), fullPage: true });
  }
});
if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log('OK ' + facts.join(', '));

async function open(page) {
  await page.goto(pathToFileURL(resolve(file)).href, { waitUntil: 'load' });
  await page.waitForSelector('#old-graph[data-ready="1"]', { timeout: 60000 });
  await page.waitForSelector('#new-graph[data-ready="1"]', { timeout: 60000 });
}

async function checkVerdict(page) {
  const chip = page.locator('#diff-verdict');
  const regression = await chip.getAttribute('data-regression');
  if (regression !== (diff.regression ? '1' : '0')) problems.push(`verdict says regression=${regression}, the JSON ${diff.regression}`);
  const text = (await chip.textContent()) || '';
  const expected = diff.unchanged ? 'NO CHANGE' : diff.regression ? 'REGRESSION' : 'NO REGRESSION';
  if (text.trim() !== expected) problems.push(`verdict "${text}", expected "${expected}"`);
  // Both statuses, and eligibility beside placement, for both versions.
  const versus = (await page.textContent('#diff-versus')) || '';
  for (const side of ['old', 'new']) {
    const r = reports[side];
    if (!versus.includes(`${r.status.code} ${r.status.name}`)) problems.push(`the ${side} status ${r.status.name} is not shown`);
    if (!versus.includes(`${r.placement.ops}/${r.placement.ofOps} ops`)) problems.push(`the ${side} placement ${r.placement.ops}/${r.placement.ofOps} is not shown`);
    if (!versus.includes(`${r.eligibility.ops}/${r.eligibility.ofOps} ops`)) problems.push(`the ${side} eligibility is not shown`);
    const chipText = (await page.textContent(`#${side}-verdict`)) || '';
    if (!chipText.startsWith(String(r.status.code))) problems.push(`the ${side} pane's status chip says "${chipText}"`);
  }
  facts.push(`verdict ${expected}`);
}

// Every moved op is a marked node in both panes, filled with the device its own report gives it; no other node is marked.
async function checkMarks(page) {
  const list = moves();
  for (const side of ['old', 'new']) {
    const report = reports[side];
    const marked = await page.$$eval(`#${side}-graph [data-node][data-moved]`, (els) => els.map((e) => ({
      op: Number(e.getAttribute('data-node')), mark: e.getAttribute('data-moved'), fill: e.querySelector('rect.box').getAttribute('fill'),
    })));
    const byOp = new Map(marked.map((n) => [n.op, n]));
    for (const m of list) {
      const index = side === 'old' ? m.oldIndex : m.newIndex;
      const n = byOp.get(index);
      if (!n) { problems.push(`${m.op} (moved ${m.mark}) is not marked in the ${side} pane`); continue; }
      const device = report.ops[index].device ?? 'none';
      if (n.mark !== m.mark) problems.push(`${m.op} is marked ${n.mark} in the ${side} pane, moved ${m.mark}`);
      if (n.fill.toLowerCase() !== COLORS[device]) problems.push(`${m.op} is drawn ${n.fill} in the ${side} pane, its report says ${device}`);
      if (device !== (side === 'old' ? m.from : m.to) && !(device === 'none' && (side === 'old' ? m.from : m.to) === 'none'))
        problems.push(`${m.op}: the ${side} report's device ${device} is not the diff's ${side === 'old' ? m.from : m.to}`);
    }
    if (marked.length !== list.length) problems.push(`${marked.length} nodes are marked in the ${side} pane, ${list.length} ops moved`);
  }
  facts.push(`${list.length} moved ops marked in both panes in their reports' colours`);
}

async function checkLists(page) {
  const counts = [['#moved-off li[data-old-op]', diff.movedOffAne.length], ['#moved-onto li[data-old-op]', diff.movedOntoAne.length],
    ['#new-findings li[data-rule]', diff.newFindings.length], ['#gone-findings li[data-rule]', diff.goneFindings.length]];
  for (const [sel, n] of counts) {
    const shown = await page.locator(sel).count();
    if (shown !== Math.min(n, LIST_MAX)) problems.push(`${sel}: ${shown} entries, the JSON has ${n}`);
  }
  facts.push(`lists: ${diff.movedOffAne.length} off, ${diff.movedOntoAne.length} onto, ${diff.newFindings.length} new, ${diff.goneFindings.length} gone`);
}

// Clicking a moved op in one pane's graph selects the same op in the other pane (details, graph and table).
async function checkLinking(page) {
  const list = moves();
  if (list.length === 0) return;
  const pairs = [['old', 'new', list[0]], ['new', 'old', list[list.length - 1]]];
  for (const [from, to, m] of pairs) {
    const here = from === 'old' ? m.oldIndex : m.newIndex;
    const there = to === 'old' ? m.oldIndex : m.newIndex;
    const node = page.locator(`#${from}-graph [data-node="${here}"]`);
    await node.evaluate((n) => n.scrollIntoView({ block: 'center' }));
    const inside = await node.evaluate((n) => {
      const r = n.getBoundingClientRect();
      const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      return !!hit && n.contains(hit);
    });
    if (inside) await node.click(); else await node.dispatchEvent('click');
    if ((await page.getAttribute(`#${from}-details`, 'data-selected-op')) !== String(here)) problems.push(`clicking ${m.op} in the ${from} pane does not select it there`);
    if ((await page.getAttribute(`#${to}-details`, 'data-selected-op')) !== String(there)) problems.push(`clicking ${m.op} in the ${from} pane does not select it in the ${to} pane`);
    if ((await page.locator(`#${to}-graph .node.sel[data-node="${there}"]`).count()) !== 1) problems.push(`${m.op} is not the selected node in the ${to} pane`);
    if ((await page.locator(`#${to}-oplist .op.selected.moved[data-op="${there}"]`).count()) !== 1) problems.push(`the ${to} pane's table does not show ${m.op} selected and marked`);
  }
  // An entry of the change list selects the op in both panes.
  const m = list[0];
  await page.locator(`#diff-changes li[data-old-op="${m.oldIndex}"] .linkish`).first().click();
  if ((await page.getAttribute('#old-details', 'data-selected-op')) !== String(m.oldIndex) || (await page.getAttribute('#new-details', 'data-selected-op')) !== String(m.newIndex))
    problems.push(`the change list entry of ${m.op} does not select it in both panes`);
  facts.push('clicking a moved op selects it in the other pane');
}
