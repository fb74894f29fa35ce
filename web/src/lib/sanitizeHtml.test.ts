import { describe, expect, it } from 'vitest';
import { countWords, isSafeUrl, sanitizeHtml } from './sanitizeHtml';

describe('sanitizeHtml (editor preview)', () => {
  it('keeps headings, paragraphs, lists and emphasis', () => {
    const html = '<h2>Overview</h2><p>Some <strong>bold</strong> and <em>soft</em> text.</p><ul><li>One</li></ul>';
    expect(sanitizeHtml(html)).toBe(html);
  });

  it('drops scripts, styles and frames with their content, and event handlers', () => {
    const out = sanitizeHtml(
      '<p onclick="alert(1)" style="color:red">Hi</p><script>alert(2)</script><style>p{}</style><iframe src="https://x"></iframe><img src=x onerror="alert(3)">',
    );
    expect(out).toBe('<p>Hi</p><img src="x" loading="lazy">');
  });

  it('keeps only safe link and image addresses; links open in a new tab without the opener', () => {
    expect(sanitizeHtml('<a href="javascript:alert(1)">a</a>')).toBe('<a>a</a>');
    expect(sanitizeHtml('<a href="java\tscript:alert(1)">a</a>')).toBe('<a>a</a>');
    expect(sanitizeHtml('<img src="data:image/svg+xml;base64,AAAA">')).toBe('');
    expect(sanitizeHtml('<a href="https://example.com/x">a</a>')).toBe(
      '<a href="https://example.com/x" target="_blank" rel="noopener noreferrer nofollow">a</a>',
    );
    expect(isSafeUrl('/api/v1/writer/images/1/file/?sig=1', 'src')).toBe(true);
    expect(isSafeUrl('mailto:a@example.com', 'href')).toBe(true);
    expect(isSafeUrl('mailto:a@example.com', 'src')).toBe(false);
    expect(isSafeUrl('//evil.example/x', 'href')).toBe(false);
  });

  it('unwraps unknown elements but keeps their text', () => {
    expect(sanitizeHtml('<section><custom-tag>Kept</custom-tag></section>')).toBe('Kept');
  });

  it('counts words in the text, not the markup', () => {
    expect(countWords('<h2>Two words</h2><p>and three more</p><script>var x = 1</script>')).toBe(5);
    expect(countWords('<p>one</p><p>two</p>')).toBe(2);
    expect(countWords('')).toBe(0);
  });
});
