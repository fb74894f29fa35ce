//! The Offline image provider: the embedded default for images. No network, no key: it renders a real PNG title
//! card for the prompt, deterministically (the same request always gives the same bytes).
//!
//! The card is a diagonal two-colour gradient picked from a stable hash of the whole prompt, the prompt's first
//! words (about [`TITLE_CHARS`] characters, upper-cased, word-wrapped to at most five lines) drawn centred in a small
//! built-in 5×7 bitmap font scaled up to fill the card, and a dark band along the bottom that reads
//! `OFFLINE DRAFT`, so the label travels with the image wherever it shows. The PNG also carries `Software` and
//! `Comment` text chunks saying the same.
//!
//! Text the font cannot draw is folded first: compatibility decomposition with accents dropped (`Crème` →
//! `CREME`, full-width and ligature forms → ASCII), typographic quotes and dashes to their ASCII forms, invisible
//! and control characters removed, and each run of other characters (CJK, emoji, …) shown as one box.

use std::io::Cursor;
use std::ops::Range;

use async_trait::async_trait;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::{AiError, ImageModel, ImageRequest, ImageResponse};

/// The model id the offline image provider reports.
pub const IMAGE_MODEL_ID: &str = "offline-image";

/// Smallest side of a card, in pixels; smaller requests are raised to it.
pub const MIN_SIDE: u32 = 64;
/// Largest side of a card, in pixels; larger requests are cut to it.
pub const MAX_SIDE: u32 = 2048;
/// The side used when a request asks for 0.
pub const DEFAULT_SIDE: u32 = 1024;
/// How many characters of the (folded) prompt the card shows; longer prompts are cut at a word and end in `...`.
pub const TITLE_CHARS: usize = 60;

/// The label drawn on every card.
const LABEL: &str = "OFFLINE DRAFT";
/// Most title lines a card shows.
const MAX_LINES: usize = 5;
/// Glyph cell in font units: 5 columns plus one of spacing; 7 rows plus three of line spacing.
const ADVANCE: i64 = 6;
const LINE_ADVANCE: i64 = 10;
const GLYPH_HEIGHT: i64 = 7;
/// What the font draws for a character it does not have.
const BOX: char = '\u{25A1}';

const WHITE: [u8; 3] = [255, 255, 255];

/// Renders placeholder title cards; see the module docs.
#[derive(Debug, Clone, Copy, Default)]
pub struct OfflineImages;

impl OfflineImages {
    pub fn new() -> Self {
        Self
    }

    /// Renders the card without going through the async trait (for command-line tools and tests). Same result as
    /// [`ImageModel::generate`].
    pub fn render(&self, request: &ImageRequest) -> Result<ImageResponse, AiError> {
        let (width, height) = card_size(request.width, request.height);
        let canvas = draw_card(&request.prompt, width, height);
        let bytes = encode_png(&canvas).map_err(|err| AiError::InvalidResponse {
            provider: "offline",
            detail: format!("could not encode the offline image ({err})"),
        })?;
        Ok(ImageResponse { bytes, mime: "image/png".to_owned(), model: IMAGE_MODEL_ID.to_owned() })
    }
}

#[async_trait]
impl ImageModel for OfflineImages {
    /// Renders on tokio's blocking pool when called inside a runtime (a large card is tens of milliseconds of CPU
    /// work), inline otherwise.
    async fn generate(&self, request: &ImageRequest) -> Result<ImageResponse, AiError> {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return self.render(request);
        };
        let (model, request) = (*self, request.clone());
        runtime.spawn_blocking(move || model.render(&request)).await.unwrap_or_else(|err| {
            Err(AiError::InvalidResponse { provider: "offline", detail: format!("the image render stopped ({err})") })
        })
    }

    fn model_id(&self) -> &str {
        IMAGE_MODEL_ID
    }
}

/// The pixel size a request gets: 0 means [`DEFAULT_SIDE`], anything else is clamped to
/// [`MIN_SIDE`]..=[`MAX_SIDE`]; each side on its own.
pub fn card_size(width: u32, height: u32) -> (u32, u32) {
    let side = |value: u32| if value == 0 { DEFAULT_SIDE } else { value.clamp(MIN_SIDE, MAX_SIDE) };
    (side(width), side(height))
}

/// 64-bit FNV-1a: small, stable across builds and platforms (unlike `std`'s randomly seeded hasher).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

// ---------------------------------------------------------------------------------------------------------------
// Colours

/// The card's colours, all picked from the prompt's hash.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Palette {
    /// Gradient start (top left) and end (bottom right); dark enough for white text.
    start: [u8; 3],
    end: [u8; 3],
    /// A light tint of the start hue for the frame and the line above the label band.
    accent: [u8; 3],
}

impl Palette {
    fn for_prompt(prompt: &str) -> Self {
        let hash = fnv1a(prompt.as_bytes());
        let bits = |shift: u32, modulus: u64| ((hash >> shift) % modulus) as u32;
        let hue = bits(0, 1536);
        let end_hue = (hue + 256 + bits(12, 384)) % 1536;
        Palette {
            start: hsv(hue, 150 + bits(24, 70), 105 + bits(32, 35)),
            end: hsv(end_hue, 170 + bits(40, 70), 45 + bits(48, 30)),
            accent: hsv(hue, 110, 230),
        }
    }
}

/// Integer HSV to RGB: `hue` in 0..1536 (six 256-step sectors), `saturation` and `value` in 0..=255.
fn hsv(hue: u32, saturation: u32, value: u32) -> [u8; 3] {
    let (sector, step) = ((hue / 256) % 6, hue % 256);
    let pure = match sector {
        0 => [255, step, 0],
        1 => [255 - step, 255, 0],
        2 => [0, 255, step],
        3 => [0, 255 - step, 255],
        4 => [step, 0, 255],
        _ => [255, 0, 255 - step],
    };
    // channel = value × (1 − s + s × pure/255), in integers.
    pure.map(|channel| (value * (255 * 255 - saturation * (255 - channel)) / (255 * 255)) as u8)
}

// ---------------------------------------------------------------------------------------------------------------
// Canvas

/// An RGB8 image drawn over a diagonal gradient. All drawing clips to the image, so no coordinate can panic.
///
/// Every pixel on one anti-diagonal (`x + y` constant) of the gradient has the same colour, so the gradient is kept
/// as a strip of one colour per diagonal. A row of the gradient, or of a tinted copy of it (the label band, the
/// frame, the text shadow), is then one slice copy, and a row of text is one `fill`: drawing stays fast even in an
/// unoptimised build.
struct Canvas {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
    /// The gradient colour of each diagonal, RGB.
    strip: Vec<u8>,
}

/// What a rectangle is painted with.
enum Brush<'a> {
    Solid([u8; 3]),
    /// A strip from [`Canvas::tinted`]: the gradient as it looks under a translucent colour.
    Tint(&'a [u8]),
}

impl Canvas {
    /// A canvas filled with a diagonal gradient from `start` (top left) to `end` (bottom right).
    fn gradient(width: u32, height: u32, start: [u8; 3], end: [u8; 3]) -> Self {
        let (width, height) = (width as usize, height as usize);
        let diagonals = width + height - 1;
        let span = (diagonals - 1).max(1) as u32;
        let mut strip = Vec::with_capacity(diagonals * 3);
        for index in 0..diagonals as u32 {
            for channel in 0..3 {
                let (a, b) = (u32::from(start[channel]), u32::from(end[channel]));
                strip.push(((a * (span - index) + b * index + span / 2) / span) as u8);
            }
        }
        let stride = width * 3;
        let mut pixels = vec![0; stride * height];
        for (y, row) in pixels.chunks_exact_mut(stride).enumerate() {
            row.copy_from_slice(&strip[y * 3..y * 3 + stride]);
        }
        Canvas { width, height, pixels, strip }
    }

    /// The gradient strip with `colour` mixed over it at opacity `alpha` (0..=255).
    fn tinted(&self, colour: [u8; 3], alpha: u8) -> Vec<u8> {
        let alpha = u32::from(alpha);
        let mix =
            |under: u8, over: u8| ((u32::from(under) * (255 - alpha) + u32::from(over) * alpha + 127) / 255) as u8;
        self.strip
            .chunks_exact(3)
            .flat_map(|pixel| [0, 1, 2].map(|channel| mix(pixel[channel], colour[channel])))
            .collect()
    }

    /// The part of `start..start + length` inside `0..limit`.
    fn clip(start: i64, length: i64, limit: usize) -> Range<usize> {
        let limit = limit as i64;
        let from = start.clamp(0, limit);
        let to = start.saturating_add(length.max(0)).clamp(from, limit);
        from as usize..to as usize
    }

    /// Paints the part of the rectangle that lies inside the canvas.
    fn rect(&mut self, x: i64, y: i64, width: i64, height: i64, brush: &Brush) {
        let columns = Self::clip(x, width, self.width);
        if columns.is_empty() {
            return;
        }
        let stride = self.width * 3;
        // A solid colour that is not grey is copied from one prepared row.
        let pattern = match brush {
            Brush::Solid(colour) if colour[0] != colour[1] || colour[1] != colour[2] => colour.repeat(columns.len()),
            _ => Vec::new(),
        };
        for row in Self::clip(y, height, self.height) {
            let line = &mut self.pixels[row * stride + columns.start * 3..row * stride + columns.end * 3];
            match brush {
                Brush::Solid(_) if !pattern.is_empty() => line.copy_from_slice(&pattern),
                Brush::Solid(colour) => line.fill(colour[0]),
                Brush::Tint(strip) => {
                    let diagonal = (row + columns.start) * 3;
                    line.copy_from_slice(&strip[diagonal..diagonal + line.len()]);
                }
            }
        }
    }

    /// Draws one line of folded text with its top-left corner at (`x`, `y`), each font pixel `scale` pixels wide.
    fn text(&mut self, line: &[char], x: i64, y: i64, scale: i64, brush: &Brush) {
        for (index, &character) in line.iter().enumerate() {
            let left = x + index as i64 * ADVANCE * scale;
            for (row, bits) in glyph(character).iter().enumerate() {
                let top = y + row as i64 * scale;
                // Each run of set bits is one rectangle.
                let mut column = 0;
                while column < 5 {
                    if bits & (0b10000 >> column) == 0 {
                        column += 1;
                        continue;
                    }
                    let run_start = column;
                    while column < 5 && bits & (0b10000 >> column) != 0 {
                        column += 1;
                    }
                    self.rect(left + run_start * scale, top, (column - run_start) * scale, scale, brush);
                }
            }
        }
    }
}

/// Width in font units of a line of `chars` characters.
fn text_units(chars: usize) -> i64 {
    (chars as i64 * ADVANCE - 1).max(0)
}

/// Height in font units of `lines` lines.
fn block_units(lines: usize) -> i64 {
    (lines as i64 * LINE_ADVANCE - (LINE_ADVANCE - GLYPH_HEIGHT)).max(0)
}

// ---------------------------------------------------------------------------------------------------------------
// The card

fn draw_card(prompt: &str, width: u32, height: u32) -> Canvas {
    let palette = Palette::for_prompt(prompt);
    let mut canvas = Canvas::gradient(width, height, palette.start, palette.end);
    let (w, h) = (i64::from(width), i64::from(height));
    let short_side = w.min(h);
    let white = Brush::Solid(WHITE);

    // The label band along the bottom: darkened background, an accent line on top, white label text (on two lines
    // when the card is too narrow for one).
    let label_scale = (short_side / 256).max(1);
    let label_lines: Vec<Vec<char>> = if text_units(LABEL.len()) * label_scale <= w - 4 * label_scale {
        vec![LABEL.chars().collect()]
    } else {
        LABEL.split(' ').map(|word| word.chars().collect()).collect()
    };
    let band_padding = 3 * label_scale;
    let band_height = block_units(label_lines.len()) * label_scale + 2 * band_padding;
    let band_top = h - band_height;
    canvas.rect(0, band_top, w, band_height, &Brush::Tint(&canvas.tinted([0, 0, 0], 140)));
    canvas.rect(0, band_top, w, (label_scale / 2).max(1), &Brush::Solid(palette.accent));
    for (index, line) in label_lines.iter().enumerate() {
        let x = (w - text_units(line.len()) * label_scale) / 2;
        let y = band_top + band_padding + index as i64 * LINE_ADVANCE * label_scale;
        canvas.text(line, x, y, label_scale, &white);
    }

    // A thin frame around the title area.
    let inset = (short_side / 40).max(2);
    let thickness = (short_side / 512).max(1);
    let frame_height = band_top - 2 * inset;
    let frame = canvas.tinted(palette.accent, 90);
    for (x, y, frame_w, frame_h) in [
        (inset, inset, w - 2 * inset, thickness),
        (inset, band_top - inset - thickness, w - 2 * inset, thickness),
        (inset, inset + thickness, thickness, frame_height - 2 * thickness),
        (w - inset - thickness, inset + thickness, thickness, frame_height - 2 * thickness),
    ] {
        canvas.rect(x, y, frame_w, frame_h, &Brush::Tint(&frame));
    }

    // The title, centred in the area above the band, with a soft shadow.
    let margin = w / 12;
    let padding = h / 16;
    let area_height = band_top - 2 * padding;
    let layout = fit_title(&title_text(prompt), w - 2 * margin, area_height, (short_side / 80).max(1));
    let scale = layout.scale;
    let top = padding + (area_height - block_units(layout.lines.len()) * scale) / 2;
    let offset = (scale / 4).max(1);
    let shadow = canvas.tinted([0, 0, 0], 110);
    for (index, line) in layout.lines.iter().enumerate() {
        let x = (w - text_units(line.len()) * scale) / 2;
        let y = top + index as i64 * LINE_ADVANCE * scale;
        canvas.text(line, x + offset, y + offset, scale, &Brush::Tint(&shadow));
        canvas.text(line, x, y, scale, &white);
    }
    canvas
}

/// Title lines and the integer scale they are drawn at.
#[derive(Debug, PartialEq)]
struct Layout {
    lines: Vec<Vec<char>>,
    scale: i64,
}

/// Picks the line length that lets the title be drawn largest inside `width`×`height` (at most [`MAX_LINES`]
/// lines, at most `max_scale`). When even scale 1 does not fit (tiny cards), it wraps to the width at scale 1 and
/// keeps the lines that fit, ending in `...`.
fn fit_title(title: &[char], width: i64, height: i64, max_scale: i64) -> Layout {
    if title.is_empty() {
        return Layout { lines: Vec::new(), scale: 1 };
    }
    let mut best: Option<Layout> = None;
    for columns in 6..=30 {
        let lines = wrap(title, columns);
        if lines.len() > MAX_LINES {
            continue;
        }
        let widest = lines.iter().map(Vec::len).max().unwrap_or(0);
        let scale = (width / text_units(widest).max(1)).min(height / block_units(lines.len()).max(1)).min(max_scale);
        let better = match &best {
            None => true,
            Some(best) => scale > best.scale || (scale == best.scale && lines.len() < best.lines.len()),
        };
        if scale >= 1 && better {
            best = Some(Layout { lines, scale });
        }
    }
    best.unwrap_or_else(|| {
        let columns = ((width + 1) / ADVANCE).max(1) as usize;
        let fitting = ((height + LINE_ADVANCE - GLYPH_HEIGHT) / LINE_ADVANCE).max(1) as usize;
        let mut lines = wrap(title, columns);
        if lines.len() > fitting {
            lines.truncate(fitting);
            if let Some(last) = lines.last_mut() {
                last.truncate(columns.saturating_sub(3));
                last.extend(['.'; 3]);
            }
        }
        Layout { lines, scale: 1 }
    })
}

/// Greedy word wrap to `columns` characters a line; words longer than a line are broken.
fn wrap(text: &[char], columns: usize) -> Vec<Vec<char>> {
    let columns = columns.max(1);
    let mut lines = Vec::new();
    let mut line: Vec<char> = Vec::new();
    for mut word in text.split(|&c| c == ' ').filter(|word| !word.is_empty()) {
        while word.len() > columns {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(word[..columns].to_vec());
            word = &word[columns..];
        }
        if word.is_empty() {
            continue;
        }
        if !line.is_empty() && line.len() + 1 + word.len() > columns {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.extend_from_slice(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

// ---------------------------------------------------------------------------------------------------------------
// Text folding

/// The prompt as the card shows it: folded to the font, single-spaced, at most [`TITLE_CHARS`] characters (cut at
/// a word where it can, ending in `...`).
fn title_text(prompt: &str) -> Vec<char> {
    let mut folded = Vec::new();
    let mut pending_space = false;
    let mut last_unknown = false;
    fn push(folded: &mut Vec<char>, c: char, pending_space: &mut bool) {
        if *pending_space && !folded.is_empty() {
            folded.push(' ');
        }
        *pending_space = false;
        folded.push(c);
    }
    // One character more than shown is enough to know the prompt was cut.
    for c in prompt.nfkd() {
        if folded.len() > TITLE_CHARS {
            break;
        }
        if is_combining_mark(c) || is_invisible(c) {
            continue;
        }
        if c.is_whitespace() || c.is_control() {
            pending_space = true;
            last_unknown = false;
            continue;
        }
        for upper in c.to_uppercase() {
            match fold(upper) {
                Folded::Glyph(glyph) => {
                    push(&mut folded, glyph, &mut pending_space);
                    last_unknown = false;
                }
                Folded::Text(text) => {
                    for glyph in text.chars() {
                        push(&mut folded, glyph, &mut pending_space);
                    }
                    last_unknown = false;
                }
                Folded::Unknown => {
                    if !last_unknown {
                        push(&mut folded, BOX, &mut pending_space);
                    }
                    last_unknown = true;
                }
            }
        }
    }
    shorten(&folded, TITLE_CHARS)
}

/// Cuts `text` to at most `max` characters, at a word boundary when that keeps at least half, ending in `...`.
fn shorten(text: &[char], max: usize) -> Vec<char> {
    if text.len() <= max {
        return text.to_vec();
    }
    let room = max.saturating_sub(3);
    let cut = text[..=room].iter().rposition(|&c| c == ' ').filter(|&space| space >= room / 2).unwrap_or(room);
    let mut short = text[..cut].to_vec();
    while short.last() == Some(&' ') {
        short.pop();
    }
    short.extend(['.'; 3]);
    short
}

/// Characters that take no room and are dropped: zero-width spaces and joiners, direction marks, variation
/// selectors, tags, the soft hyphen and the byte-order mark.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{E0000}'..='\u{E007F}'
        | '\u{E0100}'..='\u{E01EF}')
}

enum Folded {
    Glyph(char),
    Text(&'static str),
    Unknown,
}

/// Maps an upper-cased, decomposed character to what the font draws for it.
fn fold(c: char) -> Folded {
    match c {
        'A'..='Z' | '0'..='9' => Folded::Glyph(c),
        c if GLYPHS.iter().any(|(glyph, _)| *glyph == c) => Folded::Glyph(c),
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '\u{00B4}' => Folded::Glyph('\''),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' | '\u{00AB}' | '\u{00BB}' => Folded::Glyph('"'),
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '~' => Folded::Glyph('-'),
        '\u{2026}' => Folded::Text("..."),
        '\u{00B7}' | '\u{2022}' => Folded::Glyph('*'),
        '\u{2044}' | '\u{2215}' | '\u{00F7}' => Folded::Glyph('/'),
        '\u{00D7}' => Folded::Glyph('X'),
        '{' => Folded::Glyph('('),
        '}' => Folded::Glyph(')'),
        '\u{00C6}' => Folded::Text("AE"),
        '\u{0152}' => Folded::Text("OE"),
        '\u{00DE}' => Folded::Text("TH"),
        '\u{1E9E}' => Folded::Text("SS"),
        '\u{00D8}' => Folded::Glyph('O'),
        '\u{0141}' => Folded::Glyph('L'),
        '\u{0110}' | '\u{00D0}' => Folded::Glyph('D'),
        '\u{0126}' => Folded::Glyph('H'),
        _ => Folded::Unknown,
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The font: 5×7 glyphs, one byte a row from the top, bit 4 the leftmost column.

const LETTERS: [[u8; 7]; 26] = [
    [0b01110, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001], // A
    [0b11110, 0b10001, 0b10001, 0b11110, 0b10001, 0b10001, 0b11110], // B
    [0b01110, 0b10001, 0b10000, 0b10000, 0b10000, 0b10001, 0b01110], // C
    [0b11110, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b11110], // D
    [0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b11111], // E
    [0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b10000], // F
    [0b01110, 0b10001, 0b10000, 0b10111, 0b10001, 0b10001, 0b01111], // G
    [0b10001, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001], // H
    [0b01110, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110], // I
    [0b00111, 0b00010, 0b00010, 0b00010, 0b00010, 0b10010, 0b01100], // J
    [0b10001, 0b10010, 0b10100, 0b11000, 0b10100, 0b10010, 0b10001], // K
    [0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b11111], // L
    [0b10001, 0b11011, 0b10101, 0b10101, 0b10001, 0b10001, 0b10001], // M
    [0b10001, 0b10001, 0b11001, 0b10101, 0b10011, 0b10001, 0b10001], // N
    [0b01110, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110], // O
    [0b11110, 0b10001, 0b10001, 0b11110, 0b10000, 0b10000, 0b10000], // P
    [0b01110, 0b10001, 0b10001, 0b10001, 0b10101, 0b10010, 0b01101], // Q
    [0b11110, 0b10001, 0b10001, 0b11110, 0b10100, 0b10010, 0b10001], // R
    [0b01111, 0b10000, 0b10000, 0b01110, 0b00001, 0b00001, 0b11110], // S
    [0b11111, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100], // T
    [0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110], // U
    [0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01010, 0b00100], // V
    [0b10001, 0b10001, 0b10001, 0b10101, 0b10101, 0b10101, 0b01010], // W
    [0b10001, 0b10001, 0b01010, 0b00100, 0b01010, 0b10001, 0b10001], // X
    [0b10001, 0b10001, 0b10001, 0b01010, 0b00100, 0b00100, 0b00100], // Y
    [0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b10000, 0b11111], // Z
];

const DIGITS: [[u8; 7]; 10] = [
    [0b01110, 0b10001, 0b10011, 0b10101, 0b11001, 0b10001, 0b01110], // 0
    [0b00100, 0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110], // 1
    [0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111], // 2
    [0b11111, 0b00010, 0b00100, 0b00010, 0b00001, 0b10001, 0b01110], // 3
    [0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010], // 4
    [0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110], // 5
    [0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110], // 6
    [0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000], // 7
    [0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110], // 8
    [0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100], // 9
];

/// Drawn for any character the font lacks: a box with a checked inside, so it cannot pass for `0`, `O` or `D`.
const BOX_GLYPH: [u8; 7] = [0b11111, 0b10101, 0b11011, 0b10101, 0b11011, 0b10101, 0b11111];

/// Space, punctuation, symbols and the box.
const GLYPHS: [(char, [u8; 7]); 31] = [
    (' ', [0, 0, 0, 0, 0, 0, 0]),
    ('.', [0, 0, 0, 0, 0, 0b01100, 0b01100]),
    (',', [0, 0, 0, 0, 0b01100, 0b00100, 0b01000]),
    (':', [0, 0b01100, 0b01100, 0, 0b01100, 0b01100, 0]),
    (';', [0, 0b01100, 0b01100, 0, 0b01100, 0b00100, 0b01000]),
    ('!', [0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0, 0b00100]),
    ('?', [0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0, 0b00100]),
    ('\'', [0b00100, 0b00100, 0b01000, 0, 0, 0, 0]),
    ('"', [0b01010, 0b01010, 0b01010, 0, 0, 0, 0]),
    ('-', [0, 0, 0, 0b01110, 0, 0, 0]),
    ('_', [0, 0, 0, 0, 0, 0, 0b11111]),
    ('/', [0b00001, 0b00001, 0b00010, 0b00100, 0b01000, 0b10000, 0b10000]),
    ('\\', [0b10000, 0b10000, 0b01000, 0b00100, 0b00010, 0b00001, 0b00001]),
    ('|', [0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100]),
    ('&', [0b01100, 0b10010, 0b10100, 0b01000, 0b10101, 0b10010, 0b01101]),
    ('+', [0, 0b00100, 0b00100, 0b11111, 0b00100, 0b00100, 0]),
    ('=', [0, 0, 0b11111, 0, 0b11111, 0, 0]),
    ('*', [0, 0b00100, 0b10101, 0b01110, 0b10101, 0b00100, 0]),
    ('<', [0b00010, 0b00100, 0b01000, 0b10000, 0b01000, 0b00100, 0b00010]),
    ('>', [0b01000, 0b00100, 0b00010, 0b00001, 0b00010, 0b00100, 0b01000]),
    ('(', [0b00010, 0b00100, 0b01000, 0b01000, 0b01000, 0b00100, 0b00010]),
    (')', [0b01000, 0b00100, 0b00010, 0b00010, 0b00010, 0b00100, 0b01000]),
    ('[', [0b01110, 0b01000, 0b01000, 0b01000, 0b01000, 0b01000, 0b01110]),
    (']', [0b01110, 0b00010, 0b00010, 0b00010, 0b00010, 0b00010, 0b01110]),
    ('#', [0b01010, 0b01010, 0b11111, 0b01010, 0b11111, 0b01010, 0b01010]),
    ('%', [0b11000, 0b11001, 0b00010, 0b00100, 0b01000, 0b10011, 0b00011]),
    ('@', [0b01110, 0b10001, 0b00001, 0b01101, 0b10101, 0b10101, 0b01110]),
    ('$', [0b00100, 0b01111, 0b10100, 0b01110, 0b00101, 0b11110, 0b00100]),
    ('^', [0b00100, 0b01010, 0b10001, 0, 0, 0, 0]),
    ('\u{00B0}', [0b01100, 0b10010, 0b10010, 0b01100, 0, 0, 0]),
    (BOX, BOX_GLYPH),
];

/// The rows of a character's glyph; anything the font lacks draws as the box.
fn glyph(c: char) -> [u8; 7] {
    match c {
        'A'..='Z' => LETTERS[c as usize - 'A' as usize],
        '0'..='9' => DIGITS[c as usize - '0' as usize],
        _ => GLYPHS.iter().find(|(glyph, _)| *glyph == c).map_or(BOX_GLYPH, |(_, rows)| *rows),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// PNG

fn encode_png(canvas: &Canvas) -> Result<Vec<u8>, png::EncodingError> {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(Cursor::new(&mut bytes), canvas.width as u32, canvas.height as u32);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        encoder.add_text_chunk("Software".to_owned(), "IGNY8 offline-image".to_owned())?;
        encoder.add_text_chunk(
            "Comment".to_owned(),
            "OFFLINE DRAFT: placeholder title card drawn without an image model".to_owned(),
        )?;
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&canvas.pixels)?;
        writer.finish()?;
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(prompt: &str) -> String {
        title_text(prompt).into_iter().collect()
    }

    fn chars(text: &str) -> Vec<char> {
        text.chars().collect()
    }

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn sizes_default_and_clamp_each_side() {
        assert_eq!(card_size(0, 0), (1024, 1024));
        assert_eq!(card_size(0, 300), (1024, 300));
        assert_eq!(card_size(1, 63), (64, 64));
        assert_eq!(card_size(2049, u32::MAX), (2048, 2048));
        assert_eq!(card_size(1792, 1024), (1792, 1024));
    }

    #[test]
    fn the_font_has_distinct_glyphs_for_letters_digits_and_punctuation() {
        let mut drawn: Vec<char> = ('A'..='Z').chain('0'..='9').collect();
        drawn.extend(GLYPHS.iter().map(|(c, _)| *c).filter(|&c| c != ' '));
        for (index, &c) in drawn.iter().enumerate() {
            let rows = glyph(c);
            assert!(rows.iter().all(|&row| row < 0b100000), "{c:?} is wider than 5 columns");
            assert!(rows.iter().any(|&row| row != 0), "{c:?} is blank");
            assert!(c == BOX || rows != BOX_GLYPH, "{c:?} draws as the box");
            for &other in &drawn[index + 1..] {
                assert_ne!(rows, glyph(other), "{c:?} and {other:?} look the same");
            }
        }
        assert_eq!(glyph(' '), [0; 7]);
        assert_eq!(glyph('\u{00E9}'), BOX_GLYPH);
        assert_eq!(glyph('\u{65E5}'), BOX_GLYPH);
    }

    #[test]
    fn titles_are_folded_to_what_the_font_draws() {
        assert_eq!(
            folded("  Cr\u{00E8}me br\u{00FB}l\u{00E9}e:\tthe   na\u{00EF}ve guide "),
            "CREME BRULEE: THE NAIVE GUIDE"
        );
        assert_eq!(folded("Stra\u{00DF}e \u{FB01}ve \u{00BD} \u{FF33}\u{FF25}\u{FF2F}"), "STRASSE FIVE 1/2 SEO");
        assert_eq!(folded("\u{201C}Smart\u{201D} quotes \u{2013} it\u{2019}s\u{2026}"), "\"SMART\" QUOTES - IT'S...");
        assert_eq!(folded("\u{00C6}sir \u{0141}\u{00F3}d\u{017A} \u{00D8}re {x}"), "AESIR LODZ ORE (X)");
        // Runs of characters the font lacks show as one box each.
        assert_eq!(
            folded("\u{65E5}\u{672C}\u{8A9E}\u{306E}SEO\u{30AC}\u{30A4}\u{30C9} \u{2728}\u{1F680}"),
            "\u{25A1}SEO\u{25A1} \u{25A1}"
        );
        assert_eq!(folded("\u{1F469}\u{200D}\u{1F469}\u{200D}\u{1F467}"), "\u{25A1}");
        // Invisible characters vanish; control characters separate words.
        assert_eq!(folded("zero\u{200B}width\u{0}ctl\u{FE0F}\u{00AD}"), "ZEROWIDTH CTL");
        assert_eq!(folded(""), "");
        assert_eq!(folded(" \n\t\r "), "");
    }

    #[test]
    fn long_titles_are_cut_at_a_word_and_marked() {
        let prompt = "How to choose the best running shoes for flat feet and overpronation in 2025 and beyond";
        let full = prompt.to_uppercase();
        let title = folded(prompt);
        assert!(title.chars().count() <= TITLE_CHARS);
        let kept = title.strip_suffix("...").expect("a cut title ends in ...");
        assert!(full.starts_with(kept) && full[kept.len()..].starts_with(' '), "cut inside a word: {title:?}");
        assert!(kept.len() >= TITLE_CHARS / 2);

        let one_word = folded(&"a".repeat(500));
        assert_eq!(one_word, format!("{}...", "A".repeat(TITLE_CHARS - 3)));
        assert_eq!(folded(&"b".repeat(TITLE_CHARS)), "B".repeat(TITLE_CHARS));
    }

    #[test]
    fn wrapping_keeps_words_whole_unless_they_are_too_long() {
        let lines: Vec<String> =
            wrap(&chars("ONE TWO  THREE SUPERCALIFRAGILISTIC"), 8).into_iter().map(String::from_iter).collect();
        assert_eq!(lines, ["ONE TWO", "THREE", "SUPERCAL", "IFRAGILI", "STIC"]);
        assert!(wrap(&[], 8).is_empty());
        assert_eq!(wrap(&chars("ABC"), 0), [chars("A"), chars("B"), chars("C")]);
    }

    #[test]
    fn titles_are_laid_out_inside_their_area() {
        let titles = ["SEO", "HOW TO CHOOSE RUNNING SHOES FOR FLAT FEET: A COMPLETE GUIDE", &"W".repeat(60)];
        for title in titles.map(chars) {
            for (width, height) in [(54, 33), (200, 80), (853, 700), (1493, 700), (1707, 1700), (10, 5), (-20, -20)] {
                let layout = fit_title(&title, width, height, 16);
                assert!(layout.scale >= 1 && !layout.lines.is_empty());
                assert!(layout.lines.iter().all(|line| !line.is_empty()));
                let widest = layout.lines.iter().map(Vec::len).max().unwrap();
                if layout.lines.len() <= MAX_LINES && text_units(widest) * layout.scale <= width.max(0) {
                    assert!(block_units(layout.lines.len()) * layout.scale <= height.max(7), "{width}x{height}");
                } else {
                    // Too small for any wrap at scale 1: one line of truncated text at the smallest scale.
                    assert_eq!(layout.scale, 1, "{width}x{height}");
                }
            }
        }
        let big = fit_title(&chars("SEO"), 1707, 1700, 16);
        assert_eq!(big, Layout { lines: vec![chars("SEO")], scale: 16 });
        assert_eq!(fit_title(&[], 500, 500, 16).lines.len(), 0);
    }

    #[test]
    fn palettes_are_dark_enough_for_white_text_and_follow_the_prompt() {
        let mut seen = Vec::new();
        for index in 0..500 {
            let palette = Palette::for_prompt(&format!("prompt number {index}"));
            for colour in [palette.start, palette.end] {
                assert!(colour.iter().all(|&channel| channel < 150), "{colour:?}");
            }
            assert!(palette.accent.iter().all(|&channel| channel < 250));
            seen.push(palette);
        }
        seen.dedup();
        assert!(seen.len() > 490);
        assert_eq!(Palette::for_prompt("same"), Palette::for_prompt("same"));
    }

    #[test]
    fn drawing_clips_at_the_edges() {
        let mut canvas = Canvas::gradient(64, 64, [10, 20, 30], [40, 50, 60]);
        let before = canvas.pixels.clone();
        canvas.rect(-100, -100, 50, 50, &Brush::Solid(WHITE));
        canvas.rect(64, 0, 10, 10, &Brush::Solid(WHITE));
        canvas.rect(0, 0, -5, i64::MAX, &Brush::Solid(WHITE));
        assert_eq!(canvas.pixels, before);
        canvas.text(&chars("WWWWWWWWWWWWWWWWW"), i64::MIN / 2, 60, 3, &Brush::Solid(WHITE));
        canvas.text(&chars("WWWWWWWWWWWWWWWWW"), -10, 60, 3, &Brush::Solid([1, 2, 3]));
        assert!(canvas.pixels.chunks_exact(3).any(|pixel| pixel == [1, 2, 3]));
        assert_eq!(canvas.pixels.len(), 64 * 64 * 3);
    }
}
