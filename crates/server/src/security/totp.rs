//! Time-based one-time codes (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps) for two-factor sign-in, the QR
//! code an authenticator app scans (an SVG rendered here, never by a third party), and recovery codes.
//!
//! Code generation is `totp-rs`; this module adds what sign-in needs around it: which step a code belongs to
//! (so a code is accepted once within its window) and a tolerance of one step either side for clock drift.

use qrcode::QrCode;
use qrcode::render::svg;
use totp_rs::{Algorithm, Secret, TOTP};

pub const STEP_SECS: u64 = 30;
const DIGITS: usize = 6;
/// Steps accepted either side of now (clock drift between phone and server).
const SKEW: i64 = 1;
pub const ISSUER: &str = "IGNY8";

/// A new random 160-bit secret, base32 (what people type into an authenticator app by hand).
pub fn new_secret() -> String {
    let bytes: [u8; 20] = rand::random();
    Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

fn totp(secret_base32: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_base32.to_owned()).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, DIGITS, 0, STEP_SECS, bytes).ok()
}

/// The code for a moment (seconds since the epoch); for tests and the e2e's code generator.
pub fn code_at(secret_base32: &str, unix_secs: u64) -> Option<String> {
    totp(secret_base32).map(|t| t.generate(unix_secs))
}

/// The step of a code that matches `code` at `unix_secs` (± one step), newest first, if any.
pub fn matching_step(secret_base32: &str, code: &str, unix_secs: u64) -> Option<i64> {
    let code = code.trim().replace(' ', "");
    if code.len() != DIGITS || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret_base32)?;
    let now_step = i64::try_from(unix_secs / STEP_SECS).ok()?;
    (-SKEW..=SKEW).rev().map(|d| now_step + d).filter(|s| *s >= 0).find(|step| {
        let expected = totp.generate(u64::try_from(*step).unwrap_or(0) * STEP_SECS);
        constant_time_eq(expected.as_bytes(), code.as_bytes())
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The `otpauth://` URI authenticator apps read from the QR code.
pub fn otpauth_uri(secret_base32: &str, account: &str) -> String {
    format!(
        "otpauth://totp/{issuer}:{account}?secret={secret_base32}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
        issuer = percent(ISSUER),
        account = percent(account),
    )
}

/// The QR code of `data` as a standalone SVG document.
pub fn qr_svg(data: &str) -> String {
    match QrCode::new(data.as_bytes()) {
        Ok(code) => code
            .render::<svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build(),
        Err(_) => String::new(),
    }
}

/// Ten recovery codes, `xxxxx-xxxxx` of lower-case letters and digits (about 50 bits each).
pub fn recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..10)
        .map(|_| {
            let chars: String = (0..10).map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char).collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

/// How a recovery code is compared: without spaces, dashes or case.
pub fn normalize_recovery(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B (SHA-1 key "12345678901234567890"), last six digits.
    #[test]
    fn rfc_6238_vectors() {
        let secret = Secret::Raw(b"12345678901234567890".to_vec()).to_encoded().to_string();
        for (time, code) in
            [(59, "287082"), (1_111_111_109, "081804"), (1_234_567_890, "005924"), (2_000_000_000, "279037")]
        {
            assert_eq!(code_at(&secret, time).unwrap(), code, "at {time}");
        }
    }

    #[test]
    fn matching_steps_allow_one_step_of_drift() {
        let secret = new_secret();
        let now = 1_700_000_000;
        let code = code_at(&secret, now).unwrap();
        assert_eq!(matching_step(&secret, &code, now), Some((now / 30) as i64));
        assert_eq!(matching_step(&secret, &code, now + 30), Some((now / 30) as i64));
        assert_eq!(matching_step(&secret, &code, now + 90), None);
        assert_eq!(matching_step(&secret, "abcdef", now), None);
        assert_eq!(matching_step(&secret, &format!(" {} {}", &code[..3], &code[3..]), now), Some((now / 30) as i64));
    }

    #[test]
    fn uri_qr_and_recovery_codes() {
        let uri = otpauth_uri("JBSWY3DPEHPK3PXP", "a b@example.com");
        assert!(uri.starts_with("otpauth://totp/IGNY8:a%20b@example.com?secret=JBSWY3DPEHPK3PXP&issuer=IGNY8"));
        let svg = qr_svg(&uri);
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
        let codes = recovery_codes();
        assert_eq!(codes.len(), 10);
        assert!(codes.iter().all(|c| c.len() == 11 && c.as_bytes()[5] == b'-'));
        assert_eq!(normalize_recovery(" ABCDE-fghij "), "abcdefghij");
    }
}
