use std::io::Cursor;
use std::ops::Range;

use ai::providers::OfflineImages;
use ai::providers::offline_images::{IMAGE_MODEL_ID, card_size};
use ai::{ImageModel, ImageRequest, ImageResponse};

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

fn request(prompt: &str, width: u32, height: u32) -> ImageRequest {
    ImageRequest { prompt: prompt.to_owned(), negative_prompt: None, width, height }
}

async fn card(prompt: &str, width: u32, height: u32) -> ImageResponse {
    OfflineImages::new().generate(&request(prompt, width, height)).await.expect("the offline provider never fails")
}

/// A decoded RGB8 card.
struct Decoded {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
    comments: Vec<String>,
}

fn decode(bytes: &[u8]) -> Decoded {
    assert!(bytes.starts_with(PNG_SIGNATURE));
    let mut reader = png::Decoder::new(Cursor::new(bytes)).read_info().expect("a valid PNG header");
    let mut rgb = vec![0; reader.output_buffer_size().expect("a sane size")];
    let frame = reader.next_frame(&mut rgb).expect("valid PNG image data");
    assert_eq!((frame.color_type, frame.bit_depth), (png::ColorType::Rgb, png::BitDepth::Eight));
    rgb.truncate(frame.buffer_size());
    let comments = reader.info().uncompressed_latin1_text.iter().map(|chunk| chunk.text.clone()).collect();
    Decoded { width: frame.width, height: frame.height, rgb, comments }
}

impl Decoded {
    /// Pure white pixels (only text is drawn in white; every card colour is darker) in the given rows.
    fn white_pixels(&self, rows: Range<u32>) -> usize {
        let stride = self.width as usize * 3;
        let rows = rows.start as usize * stride..rows.end.min(self.height) as usize * stride;
        self.rgb[rows].chunks_exact(3).filter(|pixel| *pixel == [255, 255, 255]).count()
    }

    /// The bottom tenth of the card, where the `OFFLINE DRAFT` label sits.
    fn label_rows(&self) -> Range<u32> {
        self.height - (self.height / 10).max(8)..self.height
    }

    /// Rows well above the label band, where only the title may be white.
    fn title_rows(&self) -> Range<u32> {
        0..self.height * 6 / 10
    }
}

#[tokio::test]
async fn renders_a_labelled_png_of_the_requested_size() {
    let model = OfflineImages::new();
    assert_eq!(model.model_id(), IMAGE_MODEL_ID);
    assert_eq!(IMAGE_MODEL_ID, "offline-image");
    let image = card("A lighthouse at dusk", 800, 600).await;
    assert_eq!(image.mime, "image/png");
    assert_eq!(image.model, "offline-image");
    let decoded = decode(&image.bytes);
    assert_eq!((decoded.width, decoded.height), (800, 600));
    assert_eq!(decoded.rgb.len(), 800 * 600 * 3);
    assert!(decoded.comments.iter().any(|comment| comment.contains("OFFLINE DRAFT")), "{:?}", decoded.comments);
}

#[tokio::test]
async fn zero_sides_mean_the_default_size() {
    let square = decode(&card("Default size", 0, 0).await.bytes);
    assert_eq!((square.width, square.height), (1024, 1024));
    let wide = decode(&card("Default width", 0, 512).await.bytes);
    assert_eq!((wide.width, wide.height), (1024, 512));
}

#[tokio::test]
async fn sides_are_clamped_to_64_through_2048() {
    for ((width, height), expected) in
        [((1, 5000), (64, 2048)), ((u32::MAX, 63), (2048, 64)), ((64, 2048), (64, 2048)), ((65, 2047), (65, 2047))]
    {
        let decoded = decode(&card("Clamped", width, height).await.bytes);
        assert_eq!((decoded.width, decoded.height), expected, "requested {width}x{height}");
        assert_eq!(card_size(width, height), expected);
    }
}

#[tokio::test]
async fn the_same_request_gives_the_same_bytes() {
    let first = card("Best trail running shoes for beginners", 640, 480).await;
    // A second instance, used the way the server holds it.
    let model: Box<dyn ImageModel> = Box::new(OfflineImages::new());
    let second = model.generate(&request("Best trail running shoes for beginners", 640, 480)).await.unwrap();
    assert_eq!(first, second);
    // The synchronous entry point draws the same card.
    assert_eq!(
        OfflineImages::new().render(&request("Best trail running shoes for beginners", 640, 480)),
        Ok(first.clone())
    );
    // The negative prompt has nothing to steer on a title card.
    let mut with_negative = request("Best trail running shoes for beginners", 640, 480);
    with_negative.negative_prompt = Some("text, watermark".to_owned());
    assert_eq!(OfflineImages::new().generate(&with_negative).await.unwrap().bytes, first.bytes);
}

#[tokio::test]
async fn different_prompts_give_different_cards() {
    let shoes = decode(&card("Best running shoes", 512, 512).await.bytes);
    let shoe = decode(&card("Best running shoe", 512, 512).await.bytes);
    assert_ne!(shoes.rgb, shoe.rgb);
    // Past the shown title the text is the same, but the colours come from the whole prompt.
    let long = "Word ".repeat(20);
    let first = card(&format!("{long} first"), 512, 512).await;
    let second = card(&format!("{long} second"), 512, 512).await;
    assert_ne!(first.bytes, second.bytes);
    assert_ne!(decode(&first.bytes).rgb, decode(&second.bytes).rgb);
}

#[tokio::test]
async fn every_card_shows_the_label_and_the_title() {
    for (width, height) in [(1024, 1024), (1792, 1024), (512, 900), (64, 64), (2048, 64), (64, 2048)] {
        let titled = decode(&card("Title", width, height).await.bytes);
        assert!(titled.white_pixels(titled.label_rows()) > 0, "no label on {width}x{height}");
        assert!(titled.white_pixels(titled.title_rows()) > 0, "no title on {width}x{height}");
        let empty = decode(&card("", width, height).await.bytes);
        assert!(empty.white_pixels(empty.label_rows()) > 0, "no label on an empty {width}x{height} card");
        assert_eq!(empty.white_pixels(empty.title_rows()), 0, "an empty prompt drew a title on {width}x{height}");
    }
}

#[tokio::test]
async fn any_prompt_renders() {
    let prompts = [
        String::new(),
        " \n\t\r ".to_owned(),
        "\u{65E5}\u{672C}\u{8A9E}\u{306E}SEO\u{30AC}\u{30A4}\u{30C9}".to_owned(),
        "\u{1F680}\u{2728} \u{1F469}\u{200D}\u{1F469}\u{200D}\u{1F467} \u{1F1EB}\u{1F1F7}".to_owned(),
        "\u{645}\u{631}\u{62D}\u{628}\u{627} \u{628}\u{627}\u{644}\u{639}\u{627}\u{644}\u{645} \u{202E}reversed"
            .to_owned(),
        format!("e{}", "\u{301}".repeat(500)),
        "\u{0}\u{1}\u{7F}\u{FEFF}\u{200B}\u{FFFD}\u{10FFFF}".to_owned(),
        "\u{1C5}ungla \u{FB03} \u{210C} \u{338F} \u{2167} \u{00DF}\u{1E9E}".to_owned(),
        "a".repeat(100_000),
        "word ".repeat(20_000),
        "!@#$%^&*()_+-=[]{}|;':\",./<>?`~\\".to_owned(),
    ];
    for prompt in &prompts {
        for (width, height) in [(64, 64), (2048, 64), (64, 2048), (333, 777)] {
            let image = card(prompt, width, height).await;
            assert_eq!(image.mime, "image/png");
            let decoded = decode(&image.bytes);
            assert_eq!((decoded.width, decoded.height), (width, height));
            assert!(decoded.white_pixels(decoded.label_rows()) > 0);
        }
    }
}
