// The writer part of the end-to-end flow (called from flow.mjs after the planner part, with its page and helpers):
//
//   Ideas: an idea's outline → "Queue to writer" (toast with created/skipped and a link) → Writer → Tasks →
//   "Generate content" in the progress modal → Drafts (Offline draft) → the editor: the outline's H2s in the
//   preview, the SEO checklist, the 60-character counter going red, an HTML edit saved and re-checked → Images: image
//   prompts, then the images (three thumbnails that load) → the two in-article images in the article after their
//   sections, with alt text → the article moved to Review by itself → reject refused without a reason → approve (an
//   offline draft: warned in the dialog and after) → Approved → Settings → Content saves a default.

async function waitForTask(dialog, log) {
  const progress = dialog.getByTestId('task-progress');
  await progress.waitFor();
  log(`task modal opened in state ${await progress.getAttribute('data-status')}`);
  await dialog.locator('[data-testid="task-progress"][data-status="succeeded"]').waitFor({ timeout: 60_000 });
  const percent = (await dialog.getByTestId('task-percent').innerText()).replace(/\s/g, '');
  if (percent !== '100%') throw new Error(`task modal shows ${percent} at the end`);
  return dialog.getByTestId('task-summary').innerText();
}

export async function writerFlow({ page, screenshot, step, log }) {
  const toast = (text) => page.getByRole('status').filter({ hasText: text });

  step('writer: queue an idea from its outline');
  await page.getByRole('link', { name: 'Ideas', exact: true }).click();
  const ideas = page.getByRole('table', { name: 'Ideas' });
  await ideas.locator('tbody tr').first().waitFor();
  const firstIdea = ideas.locator('tbody tr').first().getByRole('button').first();
  const title = await firstIdea.innerText();
  // Offline idea titles name their topic as a headline does: "Meditation for Anxiety: The Complete Guide".
  const ideaTitles = [];
  for (const row of await ideas.locator('tbody tr').all()) ideaTitles.push(await row.getByRole('button').first().innerText());
  for (const ideaTitle of ideaTitles) {
    const [topic, rest] = ideaTitle.split(': ');
    const lower = (topic ?? '').split(' ').filter((w, i) => i > 0 && w.length > 3 && w[0] === w[0].toLowerCase());
    if (!rest || lower.length > 0 || /^How to Choose [A-Z]\w* [a-z]/.test(ideaTitle)) throw new Error(`ungrammatical idea title "${ideaTitle}"`);
  }
  await firstIdea.click();
  const outlineDialog = page.getByRole('dialog', { name: title });
  const outlineH2s = (await outlineDialog.getByTestId('outline-h2').allInnerTexts()).map((t) => t.trim());
  if (outlineH2s.length < 6) throw new Error(`the idea has ${outlineH2s.length} H2 sections`);
  await outlineDialog.getByRole('button', { name: 'Queue to writer' }).click();
  await outlineDialog.waitFor({ state: 'detached' });
  const queued = toast('Queued 1 idea to the writer.');
  await queued.waitFor();
  await ideas.locator('tbody tr').filter({ hasText: title }).getByText('Queued', { exact: true }).waitFor();
  await screenshot('writer-idea-queued');

  step('writer: queueing it again is reported as skipped');
  await ideas.locator('tbody tr').filter({ hasText: title }).getByRole('checkbox').check();
  await page.getByRole('region', { name: 'Bulk actions' }).getByRole('button', { name: 'Queue to writer' }).click();
  await toast('This idea is already in the writer.').waitFor();

  step('writer: the toast links to Writer → Tasks');
  await queued.getByRole('link', { name: 'Open Writer → Tasks' }).click();
  await page.waitForURL('**/writer/tasks');
  await page.getByRole('heading', { name: 'Tasks', level: 1 }).waitFor();
  const tasks = page.getByRole('table', { name: 'Writer tasks' });
  const taskRow = tasks.locator('tbody tr').filter({ hasText: title });
  await taskRow.getByText('Queued', { exact: true }).waitFor();
  await page.getByText('1–1 of 1').waitFor();
  await screenshot('writer-tasks');

  step('writer: generate the article, watched in the progress modal');
  await taskRow.getByRole('checkbox').check();
  await page.getByRole('region', { name: 'Bulk actions' }).getByRole('button', { name: 'Generate content' }).click();
  const writing = page.getByRole('dialog', { name: 'Writing articles' });
  await writing.waitFor();
  const summary = await waitForTask(writing, log);
  if (!/^1 article written\./.test(summary)) throw new Error(`unexpected writing summary "${summary}"`);
  if (!/Offline drafts?/.test(summary)) throw new Error(`the summary does not say the article is an offline draft: "${summary}"`);
  await screenshot('writer-generate-done');
  await writing.getByRole('link', { name: 'View drafts' }).click();

  step('writer: the draft is listed with its Offline draft badge');
  await page.waitForURL('**/writer/drafts');
  const drafts = page.getByRole('table', { name: 'Drafts' });
  const draftRow = drafts.locator('tbody tr').filter({ hasText: title });
  await draftRow.getByText('Offline draft').waitFor();
  await screenshot('writer-drafts');
  await draftRow.getByRole('link', { name: title, exact: true }).click();

  step('writer: the editor shows the outline as H2s in the preview and the SEO checklist');
  await page.waitForURL(/\/writer\/content\/\d+$/);
  const editorUrl = page.url();
  await page.getByRole('heading', { name: title, level: 1 }).first().waitFor();
  const preview = page.getByTestId('article-preview');
  await preview.locator('h2').first().waitFor();
  const previewH2s = (await preview.locator('h2').allInnerTexts()).map((t) => t.trim());
  const missing = outlineH2s.filter((h) => !previewH2s.includes(h));
  if (missing.length) throw new Error(`the preview lacks the outline's H2s ${JSON.stringify(missing)}; it has ${JSON.stringify(previewH2s)}`);
  const checklist = page.getByTestId('seo-checklist');
  await checklist.getByTestId('seo-score').waitFor();
  const checks = await checklist.getByTestId('seo-check').count();
  if (checks < 5) throw new Error(`the SEO checklist shows ${checks} checks`);
  await page.getByText('Offline draft').first().waitFor();
  await page.getByTestId('article-taxonomies').getByRole('list', { name: 'Tags' }).waitFor();
  // Without images the next step is at the top, and submitting now says it skips them (the draft would move to
  // review by itself once its images are made).
  const nextImages = page.getByTestId('editor-next-images');
  await nextImages.getByText('Once they are made, the draft moves to Review by itself.').waitFor();
  await page.getByRole('button', { name: 'Submit now, without images' }).waitFor();
  await screenshot('writer-editor', page, { fullPage: false });

  step('writer: at 1440×900 the image prompts button is in sight without scrolling');
  await page.setViewportSize({ width: 1440, height: 900 });
  const promptsButton = nextImages.getByRole('button', { name: 'Generate image prompts' });
  const box = await promptsButton.boundingBox();
  if (!box || box.y < 0 || box.y + box.height > 900) throw new Error(`"Generate image prompts" is at ${JSON.stringify(box)}, outside 1440×900`);
  await screenshot('writer-editor-1440x900', page, { fullPage: false });
  await page.setViewportSize({ width: 1280, height: 820 });

  step('writer: the meta title counter turns red past 60 characters');
  const metaTitle = page.getByLabel('Meta title');
  const originalMeta = await metaTitle.inputValue();
  await metaTitle.fill('x'.repeat(61));
  const counter = page.getByTestId('meta-title-count');
  if ((await counter.getAttribute('data-state')) !== 'over') throw new Error('the meta title counter is not over the limit');
  if (!(await counter.innerText()).startsWith('61 / 60')) throw new Error(`the counter reads "${await counter.innerText()}"`);
  await page.getByText('1 over the 60-character limit.').waitFor();
  await screenshot('writer-editor-counter', page, { fullPage: false });
  await metaTitle.fill(originalMeta);

  step('writer: an HTML edit is saved and checked again (main keyword in the first paragraph)');
  const firstParagraphCheck = checklist.locator('[data-testid="seo-check"]').filter({ hasText: 'Main keyword in the first paragraph' });
  if ((await firstParagraphCheck.getAttribute('data-passed')) !== 'true') throw new Error('expected the generated introduction to carry the main keyword');
  await page.getByRole('tab', { name: 'HTML' }).click();
  const html = page.getByRole('textbox', { name: 'Article HTML' });
  const before = await html.inputValue();
  // A new opening paragraph without the keyword makes the check fail once saved; taking it out again passes.
  const opener = '<p>Before we begin, a word about this page.</p>';
  await html.fill(opener + before);
  await page.getByText('Save to check your latest changes.').waitFor();
  await page.getByRole('tab', { name: 'Preview' }).click();
  await preview.getByText('Before we begin, a word about this page.').waitFor();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await toast('Saved.').waitFor();
  await checklist.locator('[data-testid="seo-check"][data-passed="false"]').filter({ hasText: 'Main keyword in the first paragraph' }).waitFor();
  await page.getByRole('tab', { name: 'HTML' }).click();
  const edited = await html.inputValue();
  if (!edited.includes('Before we begin')) throw new Error('the saved HTML lost the new paragraph');
  await html.fill(edited.replace(/<p>Before we begin, a word about this page\.<\/p>\s*/, ''));
  await page.getByRole('tab', { name: 'Preview' }).click();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await checklist.locator('[data-testid="seo-check"][data-passed="true"]').filter({ hasText: 'Main keyword in the first paragraph' }).waitFor();
  await page.getByText('Save to check your latest changes.').waitFor({ state: 'detached' });
  await screenshot('writer-editor-saved', page, { fullPage: false });
  const newTitle = title;

  step('writer: image prompts for the article');
  await page.getByRole('link', { name: 'Images', exact: true }).click();
  await page.getByRole('heading', { name: 'Images', level: 1 }).waitFor();
  const card = page.getByTestId('article-images').filter({ hasText: newTitle });
  await card.getByText('No images yet').waitFor();
  await page.getByTestId('next-action-prompts').getByRole('button', { name: 'Generate image prompts' }).click();
  const describing = page.getByRole('dialog', { name: 'Describing images' });
  const promptsSummary = await waitForTask(describing, log);
  if (!/^3 image prompts for 1 article/.test(promptsSummary)) throw new Error(`unexpected image prompts summary "${promptsSummary}"`);
  await describing.getByRole('button', { name: 'Close' }).last().click();
  await describing.waitFor({ state: 'detached' });
  await card.locator('[data-testid="image-tile"][data-status="pending"]').nth(2).waitFor();
  await screenshot('writer-images-pending');

  step('writer: the images are made: three thumbnails');
  await page.getByTestId('next-action-images').getByRole('button', { name: 'Generate images' }).click();
  const making = page.getByRole('dialog', { name: 'Making images' });
  const imagesSummary = await waitForTask(making, log);
  if (!/3 of 3 images made/.test(imagesSummary) || !/1 article moved to review/.test(imagesSummary)) {
    throw new Error(`unexpected images summary "${imagesSummary}"`);
  }
  await screenshot('writer-images-done');
  await making.getByRole('button', { name: 'Close' }).last().click();
  await making.waitFor({ state: 'detached' });
  const thumbs = card.getByTestId('image-thumb');
  await thumbs.nth(2).waitFor();
  if ((await thumbs.count()) !== 3) throw new Error(`the article shows ${await thumbs.count()} thumbnails, expected 3`);
  await page.waitForFunction(
    () => {
      const imgs = [...document.querySelectorAll('[data-testid="image-thumb"]')];
      return imgs.length === 3 && imgs.every((img) => img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0);
    },
    undefined,
    { timeout: 15_000 },
  );
  await card.getByText('In review').waitFor();
  await screenshot('writer-images');

  step('writer: the in-article images are in the article, after their sections, with alt text');
  await page.goto(editorUrl);
  const figures = page.getByTestId('article-preview').locator('figure img');
  await figures.nth(1).waitFor({ state: 'attached' });
  if ((await figures.count()) !== 2) throw new Error(`the preview shows ${await figures.count()} in-article images, expected 2`);
  // They load lazily: bring each into view.
  for (const n of [0, 1]) await figures.nth(n).scrollIntoViewIfNeeded();
  await page.waitForFunction(
    () => {
      const imgs = [...document.querySelectorAll('[data-testid="article-preview"] figure img')];
      return imgs.length === 2 && imgs.every((img) => img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0);
    },
    undefined,
    { timeout: 15_000 },
  );
  const placed = await figures.evaluateAll((imgs) =>
    imgs.map((img) => {
      // The heading of the section the figure closes, and what follows it.
      let el = img.closest('figure');
      const next = el.nextElementSibling?.tagName ?? null;
      while (el && el.tagName !== 'H2') el = el.previousElementSibling;
      return { alt: img.getAttribute('alt') ?? '', section: el?.textContent ?? null, next };
    }),
  );
  const sections = (await preview.locator('h2').allInnerTexts()).map((t) => t.trim()).filter((h) => h !== 'Conclusion');
  placed.forEach((p, n) => {
    if (p.section !== sections[n]) throw new Error(`in-article image ${n + 1} follows "${p.section}", expected "${sections[n]}"`);
    if (!p.alt.startsWith(sections[n])) throw new Error(`in-article image ${n + 1} has alt text "${p.alt}"`);
    if (p.next !== null && p.next !== 'H2') throw new Error(`in-article image ${n + 1} is not at the end of its section (next: ${p.next})`);
  });
  await figures.first().scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, -160));
  await screenshot('writer-editor-images', page, { keepScroll: true });

  step('writer: the article is in Review; approve it (an offline draft: the dialog warns)');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Review', exact: true }).click();
  await page.getByRole('heading', { name: 'Review', level: 1 }).waitFor();
  const review = page.getByRole('table', { name: 'Review' });
  const reviewRow = review.locator('tbody tr').filter({ hasText: newTitle });
  await reviewRow.waitFor();
  await screenshot('writer-review');
  // Rejecting needs a reason: refused without one (then cancelled).
  await reviewRow.getByRole('button', { name: `Reject ${newTitle}` }).click();
  const rejectDialog = page.getByRole('dialog', { name: 'Send back to drafts?' });
  await rejectDialog.getByRole('button', { name: 'Reject', exact: true }).click();
  await rejectDialog.getByText('Say what should change: the reason is required to reject.').waitFor();
  await screenshot('writer-reject-needs-reason');
  await rejectDialog.getByRole('button', { name: 'Cancel' }).click();
  await rejectDialog.waitFor({ state: 'detached' });
  await reviewRow.getByRole('button', { name: `Approve ${newTitle}` }).click();
  const approveDialog = page.getByRole('dialog', { name: 'Approve this article?' });
  await approveDialog.getByText('This is still an offline draft').waitFor();
  await approveDialog.getByLabel(/Note/).fill('Looks good.');
  await screenshot('writer-approve-dialog');
  await approveDialog.getByRole('button', { name: 'Approve', exact: true }).click();
  await approveDialog.waitFor({ state: 'detached' });
  const approvedToast = toast(`Approved “${newTitle}”.`);
  await approvedToast.waitFor();
  // The answer's warning is said too: the offline note is still in the text.
  await toast('still an offline draft').waitFor();
  await screenshot('writer-approved-warning', page, { fullPage: false });
  await page.getByRole('heading', { name: 'Nothing to review' }).waitFor();

  step('writer: it appears in Approved');
  await approvedToast.getByRole('link', { name: 'Open Approved' }).click();
  await page.waitForURL('**/writer/approved');
  const approved = page.getByRole('table', { name: 'Approved' });
  const approvedRow = approved.locator('tbody tr').filter({ hasText: newTitle });
  await approvedRow.getByText('Not published').waitFor();
  await screenshot('writer-approved');

  step('settings: content defaults are saved');
  await page.getByRole('link', { name: 'Content', exact: true }).click();
  await page.getByRole('heading', { name: 'Content', level: 1 }).waitFor();
  const tone = page.getByLabel('Tone');
  if ((await tone.inputValue()) === '') throw new Error('the tone is empty');
  await tone.fill('warm and practical');
  await page.getByLabel('In-article images').selectOption('3');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await toast('Content settings saved.').waitFor();
  await page.reload();
  await page.getByLabel('Tone').waitFor();
  if ((await page.getByLabel('Tone').inputValue()) !== 'warm and practical') throw new Error('the tone was not saved');
  if ((await page.getByLabel('In-article images').inputValue()) !== '3') throw new Error('the image count was not saved');
  await screenshot('settings-content');

  return { editorUrl, articleTitle: newTitle };
}
