// The planner part of the end-to-end flow (called from flow.mjs with its page and helpers):
//
//   Keywords (empty) → Import CSV: a file with a bad row is previewed with its line number → the fixed file
//   (15 keywords, 3 topics) is previewed → imported → the next-step hint auto-clusters them in the progress
//   modal → Clusters shows the clusters → Generate ideas for them (progress modal) → Ideas shows outlines →
//   cluster detail → keyword library adds two keywords to the other sector (then marked as in the site) →
//   Settings/Prompts shows a placeholder error on the field.

const TOPICS = {
  meditation: [
    'meditation for anxiety',
    'guided meditation for sleep',
    'meditation techniques for beginners',
    'how to meditate daily',
    'mindfulness meditation benefits',
  ],
  therapy: [
    'therapy for depression',
    'online therapy for depression',
    'cognitive behavioral therapy for depression',
    'depression therapy options',
    'best therapist for depression',
  ],
  stress: [
    'stress management techniques',
    'stress management at work',
    'stress relief tips',
    'how to manage stress',
    'stress management activities',
  ],
};

export const KEYWORDS = Object.values(TOPICS).flat();

function csv({ badLine } = {}) {
  const lines = ['keyword,volume,difficulty,intent'];
  KEYWORDS.forEach((keyword, i) => {
    const volume = badLine === i + 2 ? 'lots' : String(9000 - i * 450);
    lines.push(`${keyword},${volume},${20 + i * 2},${keyword.includes('best') || keyword.includes('online') ? 'commercial' : 'informational'}`);
  });
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

async function waitForTask(dialog, log) {
  const progress = dialog.getByTestId('task-progress');
  await progress.waitFor();
  const status = await progress.getAttribute('data-status');
  log(`task modal opened in state ${status}`);
  await dialog.locator('[data-testid="task-progress"][data-status="succeeded"]').waitFor({ timeout: 60_000 });
  const percent = (await dialog.getByTestId('task-percent').innerText()).replace(/\s/g, '');
  if (percent !== '100%') throw new Error(`task modal shows ${percent} at the end`);
  return dialog.getByTestId('task-summary').innerText();
}

export async function plannerFlow({ page, base, screenshot, step, log, siteName, sectors }) {
  const [sector, otherSector] = sectors;
  const sectorSelect = page.locator('[data-testid="sector-selector"]:visible');
  const toast = (text) => page.getByRole('status').filter({ hasText: text });

  step('planner: keywords page is empty for the chosen sector');
  await page.getByRole('link', { name: 'Keywords', exact: true }).click();
  await page.getByRole('heading', { name: 'Keywords', level: 1 }).waitFor();
  await sectorSelect.selectOption({ label: sector });
  await page.getByRole('heading', { name: `No keywords in ${sector} yet` }).waitFor();
  await page.getByText(`Keywords of ${siteName} · ${sector}.`).waitFor();
  await screenshot('planner-keywords-empty');

  step('planner: a CSV with a bad row is previewed with its line number and cannot be imported');
  await page.getByRole('button', { name: 'Import CSV' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import keywords from CSV' });
  if ((await dialog.getByLabel('Sector').inputValue()) === '') throw new Error('import sector not preset');
  const chosenSector = await dialog.getByLabel('Sector').locator('option:checked').innerText();
  if (chosenSector !== sector) throw new Error(`import sector is "${chosenSector}", expected the header's "${sector}"`);
  await dialog.getByLabel('CSV file').setInputFiles({ name: 'keywords-bad.csv', mimeType: 'text/csv', buffer: csv({ badLine: 6 }) });
  await dialog.getByRole('button', { name: 'Preview' }).click();
  await dialog.getByTestId('import-preview').waitFor();
  await dialog.getByText('1 row cannot be imported').waitFor();
  const errorRow = dialog.getByTestId('row-error');
  const cells = await errorRow.locator('td').allInnerTexts();
  if (cells[0] !== '6' || cells[1] !== 'volume') throw new Error(`row error reads ${JSON.stringify(cells)}, expected line 6, volume`);
  if (!(await dialog.getByTestId('import-confirm').isDisabled())) throw new Error('import offered despite row errors');
  await screenshot('planner-import-errors');

  step('planner: the fixed file is previewed, then imported');
  await dialog.getByRole('button', { name: 'Choose another file' }).click();
  await dialog.getByLabel('CSV file').setInputFiles({ name: 'keywords.csv', mimeType: 'text/csv', buffer: csv() });
  await dialog.getByRole('button', { name: 'Preview' }).click();
  await dialog.getByText(`Ready: 15 keywords will be added to ${sector}.`).waitFor();
  for (const [id, want] of [['count-rows', '15'], ['count-created', '15'], ['count-errors', '0']]) {
    const got = await dialog.getByTestId(id).innerText();
    if (got !== want) throw new Error(`preview ${id} is ${got}, expected ${want}`);
  }
  await screenshot('planner-import-preview');
  await dialog.getByRole('button', { name: 'Import 15 keywords' }).click();
  await dialog.waitFor({ state: 'detached' });
  await toast(`Imported 15 keywords into ${sector}.`).waitFor();
  const table = page.getByRole('table', { name: 'Keywords' });
  await table.getByText('stress management techniques', { exact: true }).waitFor();
  await page.getByText('1–15 of 15').waitFor();
  await screenshot('planner-keywords-imported');

  step('planner: a file without an intent column is previewed with intents read from the wording');
  await page.getByRole('button', { name: 'Import CSV' }).click();
  await dialog.getByLabel('Sector').selectOption({ label: otherSector });
  const noIntents = Buffer.from('keyword,volume\nbest meditation app,900\ncheap yoga mat,500\nhow to meditate at work,300\n', 'utf8');
  await dialog.getByLabel('CSV file').setInputFiles({ name: 'no-intents.csv', mimeType: 'text/csv', buffer: noIntents });
  await dialog.getByRole('button', { name: 'Preview' }).click();
  await dialog.getByText(`Ready: 3 keywords will be added to ${otherSector}.`).waitFor();
  await dialog.getByText(/The file gives no intents: they are read from the wording/).waitFor();
  await screenshot('planner-import-no-intents');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });

  step('planner: with all sectors shown, the hint offers the sector to auto-cluster in place');
  await sectorSelect.selectOption({ label: 'All sectors' });
  const hint = page.getByTestId('next-action');
  await hint.getByText('15 keywords').waitFor();
  const inPlace = hint.getByRole('combobox', { name: 'Sector to auto-cluster' });
  await inPlace.selectOption({ label: sector });
  await screenshot('planner-auto-cluster-choice');

  step('planner: auto-cluster from the next-step hint, watched in the progress modal');
  await hint.getByRole('button', { name: 'Auto-cluster' }).click();
  const clusterModal = page.getByRole('dialog', { name: 'Clustering keywords' });
  await clusterModal.waitFor();
  const clusterSummary = await waitForTask(clusterModal, log);
  const created = Number(/(\d+) clusters? created/.exec(clusterSummary)?.[1] ?? 0);
  if (created < 2 || !/15 keywords mapped/.test(clusterSummary)) throw new Error(`unexpected clustering summary "${clusterSummary}"`);
  await screenshot('planner-auto-cluster-done');
  await clusterModal.getByRole('link', { name: 'View clusters' }).click();

  step('planner: clusters page shows the clusters with their figures');
  await page.waitForURL('**/planner/clusters');
  await sectorSelect.selectOption({ label: sector });
  const clusters = page.getByRole('table', { name: 'Clusters' });
  await page.getByText(`1–${created} of ${created}`).waitFor();
  const clusterRows = clusters.locator('tbody tr');
  if ((await clusterRows.count()) !== created) throw new Error(`clusters table has ${await clusterRows.count()} rows, expected ${created}`);
  await clusters.getByText('Offline draft').first().waitFor();
  await page.getByTestId('next-action').getByText(`${created} clusters`).waitFor();
  await screenshot('planner-clusters');

  step('planner: generate ideas for the selected clusters');
  await clusters.getByRole('checkbox', { name: 'Select all rows on this page' }).check();
  await page.getByRole('region', { name: 'Bulk actions' }).getByRole('button', { name: 'Generate ideas' }).click();
  const ideasModal = page.getByRole('dialog', { name: 'Writing ideas' });
  await ideasModal.waitFor();
  const ideasSummary = await waitForTask(ideasModal, log);
  const ideaCount = Number(/(\d+) ideas? written/.exec(ideasSummary)?.[1] ?? 0);
  if (ideaCount < created * 3) throw new Error(`unexpected ideas summary "${ideasSummary}"`);
  await screenshot('planner-ideas-done');
  await ideasModal.getByRole('link', { name: 'View ideas' }).click();

  step('planner: ideas page shows the ideas; one opens as an outline');
  await page.waitForURL('**/planner/ideas');
  const ideas = page.getByRole('table', { name: 'Ideas' });
  await page.getByText(`of ${ideaCount}`, { exact: false }).first().waitFor();
  await ideas.getByText('Offline draft').first().waitFor();
  await screenshot('planner-ideas');
  const firstTitle = ideas.locator('tbody tr').first().getByRole('button').first();
  const title = await firstTitle.innerText();
  await firstTitle.click();
  const outlineDialog = page.getByRole('dialog', { name: title });
  const h2s = await outlineDialog.getByTestId('outline-h2').count();
  if (h2s < 6 || h2s > 10) throw new Error(`outline has ${h2s} H2 sections, expected 6 to 10`);
  if ((await outlineDialog.getByTestId('outline-h3').count()) === 0) throw new Error('outline has no H3');
  await outlineDialog.getByText(/words$/).first().waitFor();
  const queue = outlineDialog.getByRole('button', { name: 'Queue to writer' });
  if (await queue.isDisabled()) throw new Error('"Queue to writer" is disabled for a new idea');
  await screenshot('planner-idea-outline');
  await outlineDialog.getByRole('button', { name: 'Close' }).last().click();
  await outlineDialog.waitFor({ state: 'detached' });

  step('planner: cluster detail lists its keywords and ideas');
  await page.getByRole('link', { name: 'Clusters', exact: true }).click();
  await clusters.locator('tbody tr').first().getByRole('link').first().click();
  await page.waitForURL(/\/planner\/clusters\/\d+$/);
  await page.getByRole('table', { name: 'Keywords of the cluster' }).locator('tbody tr').first().waitFor();
  const clusterIdeas = page.getByTestId('cluster-idea');
  await clusterIdeas.first().waitFor();
  await clusterIdeas.first().getByRole('button').first().click();
  await clusterIdeas.first().getByTestId('idea-outline').waitFor();
  await screenshot('planner-cluster-detail');

  step('keyword library: add two keywords to the other sector');
  await page.getByRole('link', { name: 'Keyword Library', exact: true }).click();
  await page.getByRole('heading', { name: 'Keyword Library', level: 1 }).waitFor();
  await page.getByRole('group', { name: 'Library sectors' }).getByRole('button', { name: new RegExp(otherSector.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) }).click();
  const library = page.getByRole('table', { name: 'Library keywords' });
  await library.locator('tbody tr').nth(1).waitFor();
  await library.locator('tbody tr').nth(0).getByRole('checkbox').check();
  await library.locator('tbody tr').nth(1).getByRole('checkbox').check();
  await screenshot('library-selected');
  await page.getByRole('region', { name: 'Bulk actions' }).getByRole('button', { name: `Add to ${otherSector}` }).click();
  await toast(`Added 2 keywords to ${otherSector}.`).waitFor();
  // The two rows now say the site has them; the third does not.
  for (const n of [0, 1]) await library.locator('tbody tr').nth(n).getByText('In your keywords').waitFor();
  await library.locator('tbody tr').nth(2).waitFor();
  if ((await library.locator('tbody tr').nth(2).getByText('In your keywords').count()) !== 0) throw new Error('a keyword not added is marked as in the site');
  await screenshot('library-in-site');
  // The library and the planner share the sector choice of the site.
  await page.getByRole('link', { name: 'Keywords', exact: true }).click();
  await page.getByText('1–2 of 2').waitFor();
  if ((await sectorSelect.locator('option:checked').innerText()) !== otherSector) throw new Error('sector choice not shared with the planner');
  await sectorSelect.selectOption({ label: sector });
  await page.getByText('1–15 of 15').waitFor();

  step('settings: prompts show a placeholder error on the field');
  await page.getByRole('link', { name: 'Prompts', exact: true }).click();
  await page.getByRole('heading', { name: 'Prompts', level: 1 }).waitFor();
  const text = page.getByLabel('Prompt text');
  const original = await text.inputValue();
  await text.fill(`${original}\n{not_a_placeholder}`);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText(/Unknown placeholder \{not_a_placeholder\}/).first().waitFor();
  if ((await text.getAttribute('aria-invalid')) !== 'true') throw new Error('the prompt field is not marked invalid');
  await screenshot('settings-prompts-error');
  await page.getByRole('button', { name: 'Discard changes' }).click();
  if ((await text.inputValue()) !== original) throw new Error('discard did not restore the prompt');

  step('dashboard: the pipeline counts keywords, clusters and ideas of the site');
  await page.getByRole('link', { name: 'Dashboard', exact: true }).click();
  for (const [stage, want] of [['keywords', 17], ['clusters', created], ['ideas', ideaCount]]) {
    await page.waitForFunction(
      ([id, n]) => document.querySelector(`[data-testid="pipeline-${id}"]`)?.textContent?.replace(/[^0-9]/g, '') === String(n),
      [stage, want],
    );
  }
  await screenshot('dashboard-pipeline');

  return { base };
}
