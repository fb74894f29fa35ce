// An idea's outline as an H2/H3 tree with its keywords and target length, and the plain-text form used to
// edit an outline (one H2 per line, its H3s indented or starting with "-").
import type { Idea, OutlineSection } from '../../api/types';
import { Badge, formatNumber } from '../../components/ui';
import { OfflineBadge, StatusBadge, plainDescription } from './shared';

export type OutlineIdea = Pick<
  Idea,
  'title' | 'description' | 'outline' | 'primary_keywords' | 'covered_keywords' | 'target_word_count' | 'content_type' | 'content_structure' | 'status' | 'source'
>;

function Chips({ label, words, primary }: { label: string; words: string[]; primary?: boolean }) {
  if (words.length === 0) return null;
  return (
    <div>
      <h4 className="mb-1.5 text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">{label}</h4>
      <ul className="flex flex-wrap gap-1.5" aria-label={label}>
        {words.map((w) => (
          <li key={w}>
            <Badge tone={primary ? 'accent' : 'neutral'}>{w}</Badge>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function OutlineTree({ outline }: { outline: OutlineSection[] }) {
  if (outline.length === 0) {
    return <p className="text-sm text-zinc-500 dark:text-zinc-400">No outline yet. Edit the idea to add its sections.</p>;
  }
  return (
    <ol aria-label="Outline" className="space-y-2.5" data-testid="idea-outline">
      {outline.map((section, i) => (
        <li key={`${i}-${section.h2}`} className="rounded-lg border border-zinc-200 px-3 py-2 dark:border-zinc-800">
          <p className="flex gap-2 text-sm font-medium text-zinc-900 dark:text-zinc-100">
            <span className="shrink-0 font-mono text-[11px] leading-5 text-zinc-400" aria-hidden="true">
              H2
            </span>
            <span data-testid="outline-h2">{section.h2}</span>
          </p>
          {(section.h3 ?? []).length > 0 && (
            <ul className="mt-1 space-y-0.5 border-l border-zinc-200 pl-3 ml-1 dark:border-zinc-700">
              {(section.h3 ?? []).map((h3, j) => (
                <li key={`${j}-${h3}`} className="flex gap-2 text-[13px] text-zinc-600 dark:text-zinc-300">
                  <span className="shrink-0 font-mono text-[11px] leading-5 text-zinc-400" aria-hidden="true">
                    H3
                  </span>
                  <span data-testid="outline-h3">{h3}</span>
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ol>
  );
}

/** `badges`: status and offline label (left out where the idea's header already shows them). */
export function IdeaOutline({ idea, badges = true }: { idea: OutlineIdea; badges?: boolean }) {
  const h3Count = idea.outline.reduce((n, s) => n + (s.h3?.length ?? 0), 0);
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center gap-1.5 text-[13px]">
        {badges && <StatusBadge status={idea.status} kind="idea" />}
        {badges && <OfflineBadge item={idea} />}
        <Badge>{formatNumber(idea.target_word_count)} words</Badge>
        {idea.content_type && <Badge className="capitalize">{idea.content_type}</Badge>}
        {idea.content_structure && <Badge className="capitalize">{idea.content_structure.replace(/_/g, ' ')}</Badge>}
        <span className="text-zinc-500 dark:text-zinc-400">
          {idea.outline.length} sections · {h3Count} subsections
        </span>
      </div>
      {idea.description && <p className="text-sm leading-relaxed text-zinc-600 dark:text-zinc-300">{plainDescription(idea.description)}</p>}
      <div className="space-y-3">
        <Chips label="Primary keywords" words={idea.primary_keywords} primary />
        <Chips label="Also covers" words={idea.covered_keywords} />
      </div>
      <div>
        <h4 className="mb-2 text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Outline</h4>
        <OutlineTree outline={idea.outline} />
      </div>
    </div>
  );
}

/** Sections → editable text: each H2 on its own line, its H3s below as "  - …". */
export function outlineToText(outline: OutlineSection[]): string {
  return outline.map((s) => [s.h2, ...(s.h3 ?? []).map((h) => `  - ${h}`)].join('\n')).join('\n');
}

/**
 * Editable text → sections. A line that is indented or starts with "-", "*" or "###" is an H3 of the H2 above
 * it; any other line (optionally starting with "##") is an H2. An H3 before the first H2 is an error.
 */
export function textToOutline(text: string): { outline: OutlineSection[]; error: string | null } {
  const outline: OutlineSection[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (!raw.trim()) continue;
    const isH3 = /^\s+/.test(raw) || /^\s*([-*•]|###)\s*/.test(raw);
    if (isH3) {
      const title = raw.replace(/^\s*([-*•]|###)?\s*/, '').trim();
      const last = outline[outline.length - 1];
      if (!last) return { outline, error: `Line ${i + 1} is a subsection (H3) before any section (H2).` };
      if (title) (last.h3 ??= []).push(title);
    } else {
      outline.push({ h2: raw.replace(/^\s*##\s*/, '').trim(), h3: [] });
    }
  }
  return { outline, error: null };
}
