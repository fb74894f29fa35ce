import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { IdeaOutline, outlineToText, textToOutline, type OutlineIdea } from './IdeaOutline';

const IDEA: OutlineIdea = {
  title: 'Stress management techniques: The Complete Guide',
  description: 'Offline draft: a guide about “stress management techniques”.',
  content_type: 'post',
  content_structure: 'how_to',
  primary_keywords: ['stress management techniques'],
  covered_keywords: ['how to manage stress', 'stress relief tips'],
  target_word_count: 1200,
  status: 'new',
  source: 'offline',
  outline: [
    { h2: 'What it means for you', h3: ['Who this is for', 'What you will learn'] },
    { h2: 'Stress relief tips', h3: ['Practical advice'] },
    { h2: 'Frequently asked questions' },
  ],
};

describe('IdeaOutline', () => {
  it('draws the outline as an H2 list with each section’s H3s nested under it', () => {
    render(<IdeaOutline idea={IDEA} />);
    const outline = screen.getByRole('list', { name: 'Outline' });
    const sections = within(outline).getAllByRole('listitem').filter((li) => li.parentElement === outline);
    expect(sections).toHaveLength(3);
    const read = (section: HTMLElement) => ({
      h2: within(section).getByTestId('outline-h2').textContent,
      h3: within(section).queryAllByTestId('outline-h3').map((h) => h.textContent),
    });
    expect(sections.map(read)).toEqual([
      { h2: 'What it means for you', h3: ['Who this is for', 'What you will learn'] },
      { h2: 'Stress relief tips', h3: ['Practical advice'] },
      { h2: 'Frequently asked questions', h3: [] },
    ]);
  });

  it('shows the keywords, the target length, the counts and the offline label', () => {
    render(<IdeaOutline idea={IDEA} />);
    expect(within(screen.getByRole('list', { name: 'Primary keywords' })).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'stress management techniques',
    ]);
    expect(within(screen.getByRole('list', { name: 'Also covers' })).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'how to manage stress',
      'stress relief tips',
    ]);
    expect(screen.getByText('1,200 words')).toBeTruthy();
    expect(screen.getByText('3 sections · 3 subsections')).toBeTruthy();
    expect(screen.getByText('how to')).toBeTruthy();
    expect(screen.getByText('Offline draft')).toBeTruthy();
  });

  it('does not label an AI-written idea as an offline draft', () => {
    render(<IdeaOutline idea={{ ...IDEA, source: 'ai', description: 'A guide.' }} />);
    expect(screen.queryByText('Offline draft')).toBeNull();
  });

  it('says so when there is no outline', () => {
    render(<IdeaOutline idea={{ ...IDEA, outline: [] }} />);
    expect(screen.queryByRole('list', { name: 'Outline' })).toBeNull();
    expect(screen.getByText(/No outline yet/)).toBeTruthy();
  });
});

describe('outline text', () => {
  it('round-trips sections through the editable text', () => {
    const text = outlineToText(IDEA.outline);
    expect(text).toBe(
      'What it means for you\n  - Who this is for\n  - What you will learn\nStress relief tips\n  - Practical advice\nFrequently asked questions',
    );
    expect(textToOutline(text)).toEqual({
      outline: [
        { h2: 'What it means for you', h3: ['Who this is for', 'What you will learn'] },
        { h2: 'Stress relief tips', h3: ['Practical advice'] },
        { h2: 'Frequently asked questions', h3: [] },
      ],
      error: null,
    });
  });

  it('reads markdown-style headings, bullets and indentation, and skips blank lines', () => {
    expect(textToOutline('## Intro\n### Why\n\n* How\nNext\n\tDeeper').outline).toEqual([
      { h2: 'Intro', h3: ['Why', 'How'] },
      { h2: 'Next', h3: ['Deeper'] },
    ]);
  });

  it('refuses a subsection before the first section, with its line', () => {
    expect(textToOutline('\n  - Orphan\nIntro').error).toBe('Line 2 is a subsection (H3) before any section (H2).');
  });
});
