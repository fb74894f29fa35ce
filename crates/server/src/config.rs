//! Configuration: built-in defaults → `igny8.toml` (optional) → `IGNY8_*` environment variables.
//!
//! A missing or invalid setting is reported as one line naming the setting; secrets never reach a log line
//! or a `Debug` print.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Deserializer, Serialize};

/// The default config file, read when present in the working directory.
pub const DEFAULT_CONFIG_FILE: &str = "igny8.toml";

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Database URL; empty means `sqlite://<data_dir>/igny8.db`.
    pub database_url: String,
    /// Address the HTTP server listens on.
    pub bind: SocketAddr,
    /// Folder for the SQLite file, stored images, the mail outbox and the generated secret key.
    pub data_dir: PathBuf,
    /// Where generated images are stored; empty means `<data_dir>/images`.
    pub image_dir: String,
    /// Key for signing tokens and encrypting secrets; empty means "generate one into the data folder".
    pub secret_key: Secret,
    /// The secret key in force before `igny8 rotate-secret` (when `secret_key` is configured rather than
    /// generated): it still opens values sealed under it and verifies access tokens signed before this process
    /// started, for one access-token lifetime (15 minutes). Empty: none, or `<data_dir>/secret.key.previous`.
    pub previous_secret_key: Secret,
    /// Run pending migrations when `serve` or `worker` starts.
    pub auto_migrate: bool,
    /// Browser origins allowed to call the API (CORS); empty allows none beyond the same origin.
    #[serde(deserialize_with = "list_or_csv")]
    pub cors_origins: Vec<String>,
    /// Requests taking longer than this are answered with 408.
    pub request_timeout_secs: u64,
    /// Largest accepted request body in bytes.
    pub body_limit_bytes: usize,
    /// Database pool size per process.
    pub db_max_connections: u32,
    /// `pretty` (default) or `json` log lines.
    pub log_format: LogFormat,
    /// Log filter in `tracing` syntax (`info`, `server=debug,sqlx=warn`).
    pub log_level: String,
    /// SMTP server for outgoing mail (`smtps://user:pass@host:465`); empty writes mail to `<data_dir>/outbox/`.
    pub smtp_url: Secret,
    /// Sender of outgoing mail.
    pub mail_from: String,
    /// Address of the web app as users reach it, for links in mails; empty means `http://<bind>`.
    pub public_url: String,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted reverse proxy).
    pub trust_proxy_headers: bool,
    /// Requests per minute to auth endpoints from one client address.
    pub auth_rate_per_minute: u32,
    /// Login and password-reset attempts per minute for one account.
    pub login_rate_per_minute: u32,
    /// Per user (or API key) and minute: AI actions, image generation, other writes, reads (SPEC.md §4).
    pub ai_rate_per_minute: u32,
    pub image_rate_per_minute: u32,
    pub write_rate_per_minute: u32,
    /// Reads: SPEC.md §4 says 100, but one page of the web app reads 5–10 answers (the page's lists, the site and
    /// its sectors, the module switches), so the app's own brisk use would meet 100. The end-to-end walk through
    /// the whole app (sign-up to an approved article, reloading pages far more than a person) reads about 340
    /// answers in all, within one minute on a fast machine; 600 leaves it ample room and still stops a runaway
    /// script.
    pub read_rate_per_minute: u32,
    /// On a fresh SQLite database, create a demo account and print its login once.
    pub demo_account: bool,
    /// Text model provider: `offline` (built in, no key), `openai` (any OpenAI-compatible server),
    /// `anthropic` or `gemini`.
    pub ai_provider: AiProvider,
    /// Provider address; empty means the provider's public API.
    pub ai_base_url: String,
    /// Provider API key (never printed).
    pub ai_api_key: Secret,
    /// Model id; empty means the provider's default.
    pub ai_model: String,
    /// Seconds one model call may take.
    pub ai_timeout_secs: u64,
    /// Runs of a job whose work fails with a retryable error (a provider's 429 or 5xx, a timeout), the first
    /// included; the wait doubles from `job_retry_base_ms` between runs.
    pub job_max_attempts: i32,
    pub job_retry_base_ms: u64,
    /// Let outbound requests to user-given URLs (WordPress sites) reach private, loopback and link-local addresses.
    /// Off by default (SSRF defence); for self-hosted setups whose WordPress is on the private network, and tests.
    pub publish_allow_private: bool,
    /// Seconds one request to a WordPress site may take (connection test, publishing).
    pub publish_timeout_secs: u64,
    /// Things worth telling the operator once logging is up (unknown `IGNY8_*` variables).
    #[serde(skip)]
    pub warnings: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AiProvider {
    Offline,
    Openai,
    Anthropic,
    Gemini,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

/// A secret string: serialised as given, shown as `***` everywhere else.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() { "<unset>" } else { "***" })
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: String::new(),
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./data"),
            image_dir: String::new(),
            secret_key: Secret::default(),
            previous_secret_key: Secret::default(),
            auto_migrate: true,
            cors_origins: Vec::new(),
            request_timeout_secs: 30,
            body_limit_bytes: 10 * 1024 * 1024,
            db_max_connections: 10,
            log_format: LogFormat::Pretty,
            log_level: "info".into(),
            smtp_url: Secret::default(),
            mail_from: "IGNY8 <no-reply@igny8.local>".into(),
            public_url: String::new(),
            trust_proxy_headers: false,
            auth_rate_per_minute: 20,
            login_rate_per_minute: 5,
            ai_rate_per_minute: 10,
            image_rate_per_minute: 15,
            write_rate_per_minute: 60,
            read_rate_per_minute: 600,
            demo_account: true,
            ai_provider: AiProvider::Offline,
            ai_base_url: String::new(),
            ai_api_key: Secret::default(),
            ai_model: String::new(),
            ai_timeout_secs: 120,
            job_max_attempts: 4,
            job_retry_base_ms: 5_000,
            publish_allow_private: false,
            publish_timeout_secs: 20,
            warnings: Vec::new(),
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url()))
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field("image_dir", &self.image_dir)
            .field("image_dir", &self.image_dir)
            .field("secret_key", &self.secret_key)
            .field("previous_secret_key", &self.previous_secret_key)
            .field("auto_migrate", &self.auto_migrate)
            .field("cors_origins", &self.cors_origins)
            .field("request_timeout_secs", &self.request_timeout_secs)
            .field("body_limit_bytes", &self.body_limit_bytes)
            .field("db_max_connections", &self.db_max_connections)
            .field("log_format", &self.log_format)
            .field("log_level", &self.log_level)
            .field("smtp_url", &self.smtp_url)
            .field("mail_from", &self.mail_from)
            .field("public_url", &self.public_url)
            .field("trust_proxy_headers", &self.trust_proxy_headers)
            .field("auth_rate_per_minute", &self.auth_rate_per_minute)
            .field("login_rate_per_minute", &self.login_rate_per_minute)
            .field("ai_rate_per_minute", &self.ai_rate_per_minute)
            .field("image_rate_per_minute", &self.image_rate_per_minute)
            .field("write_rate_per_minute", &self.write_rate_per_minute)
            .field("read_rate_per_minute", &self.read_rate_per_minute)
            .field("demo_account", &self.demo_account)
            .field("ai_provider", &self.ai_provider)
            .field("ai_base_url", &self.ai_base_url)
            .field("ai_api_key", &self.ai_api_key)
            .field("ai_model", &self.ai_model)
            .field("ai_timeout_secs", &self.ai_timeout_secs)
            .field("publish_allow_private", &self.publish_allow_private)
            .field("publish_timeout_secs", &self.publish_timeout_secs)
            .field("job_max_attempts", &self.job_max_attempts)
            .field("job_retry_base_ms", &self.job_retry_base_ms)
            .finish()
    }
}

/// One line naming the setting that is wrong and why.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(String);

impl Config {
    /// Loads the configuration. `file` is an explicit `--config` path (which must exist); without it,
    /// `igny8.toml` in the working directory is read when present.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) if !path.exists() => {
                return Err(ConfigError(format!("config file {} does not exist", path.display())));
            }
            Some(path) => figment = figment.merge(Toml::file_exact(path)),
            None if Path::new(DEFAULT_CONFIG_FILE).exists() => {
                figment = figment.merge(Toml::file_exact(DEFAULT_CONFIG_FILE));
            }
            None => {}
        }
        let known = Self::known_keys();
        let known_refs: Vec<&str> = known.iter().map(String::as_str).collect();
        let figment = figment.merge(Env::prefixed("IGNY8_").only(&known_refs));
        let mut config: Config = figment.extract().map_err(|e| ConfigError(describe(&e)))?;
        config.warnings = unknown_env(&known);
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let url = self.database_url();
        db::Backend::from_url(&url).map_err(|_| {
            ConfigError("database_url (IGNY8_DATABASE_URL) must start with sqlite: or postgres://".into())
        })?;
        if !self.secret_key.is_empty() && self.secret_key.expose().len() < 32 {
            return Err(ConfigError("secret_key (IGNY8_SECRET_KEY) must be at least 32 characters".into()));
        }
        if self.request_timeout_secs == 0 {
            return Err(ConfigError("request_timeout_secs (IGNY8_REQUEST_TIMEOUT_SECS) must be at least 1".into()));
        }
        if self.body_limit_bytes < 1024 {
            return Err(ConfigError("body_limit_bytes (IGNY8_BODY_LIMIT_BYTES) must be at least 1024".into()));
        }
        if self.db_max_connections == 0 {
            return Err(ConfigError("db_max_connections (IGNY8_DB_MAX_CONNECTIONS) must be at least 1".into()));
        }
        if self.job_max_attempts < 1 {
            return Err(ConfigError("job_max_attempts (IGNY8_JOB_MAX_ATTEMPTS) must be at least 1".into()));
        }
        if self.publish_timeout_secs == 0 {
            return Err(ConfigError("publish_timeout_secs (IGNY8_PUBLISH_TIMEOUT_SECS) must be at least 1".into()));
        }
        if self.ai_timeout_secs == 0 {
            return Err(ConfigError("ai_timeout_secs (IGNY8_AI_TIMEOUT_SECS) must be at least 1".into()));
        }
        if self.auth_rate_per_minute == 0 || self.login_rate_per_minute == 0 {
            return Err(ConfigError(
                "auth_rate_per_minute and login_rate_per_minute (IGNY8_AUTH_RATE_PER_MINUTE, \
                 IGNY8_LOGIN_RATE_PER_MINUTE) must be at least 1"
                    .into(),
            ));
        }
        for (name, value) in [
            ("ai_rate_per_minute", self.ai_rate_per_minute),
            ("image_rate_per_minute", self.image_rate_per_minute),
            ("write_rate_per_minute", self.write_rate_per_minute),
            ("read_rate_per_minute", self.read_rate_per_minute),
        ] {
            if value == 0 {
                return Err(ConfigError(format!("{name} (IGNY8_{}) must be at least 1", name.to_uppercase())));
            }
        }
        for origin in &self.cors_origins {
            if origin != "*" && !(origin.starts_with("http://") || origin.starts_with("https://")) {
                return Err(ConfigError(format!(
                    "cors_origins (IGNY8_CORS_ORIGINS): {origin:?} is not an origin like https://app.example.com"
                )));
            }
        }
        tracing_subscriber::EnvFilter::try_new(&self.log_level)
            .map_err(|e| ConfigError(format!("log_level (IGNY8_LOG_LEVEL) is not a valid filter: {e}")))?;
        Ok(())
    }

    /// Setting names, as in `igny8.toml` (lower case) and after `IGNY8_` (upper case).
    fn known_keys() -> Vec<String> {
        match serde_json::to_value(Config::default()) {
            Ok(serde_json::Value::Object(map)) => map.keys().cloned().collect(),
            _ => Vec::new(),
        }
    }

    /// Whether users reach the app over https (then HSTS is sent and cookies are `Secure`).
    pub fn is_https(&self) -> bool {
        self.public_url.trim().to_ascii_lowercase().starts_with("https://")
    }

    /// Base URL for links in mails.
    pub fn public_url(&self) -> String {
        if self.public_url.is_empty() {
            format!("http://{}", self.bind)
        } else {
            self.public_url.trim_end_matches('/').to_owned()
        }
    }

    /// The directory generated images are stored in.
    pub fn image_root(&self) -> PathBuf {
        if self.image_dir.is_empty() { self.data_dir.join("images") } else { PathBuf::from(&self.image_dir) }
    }

    /// The database URL in force: the configured one, or the SQLite file in the data folder.
    pub fn database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!("sqlite://{}", self.data_dir.join("igny8.db").display())
        } else {
            self.database_url.clone()
        }
    }
}

/// Hides the password part of a URL (`postgres://user:***@host/db`).
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    match rest.split_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// `IGNY8_*` variables that are neither settings nor read elsewhere: probably typos.
fn unknown_env(known: &[String]) -> Vec<String> {
    const OTHERS: [&str; 4] = ["CONFIG", "TEST_DATABASE_URL", "PASSWORD", "NEW_SECRET_KEY"];
    std::env::vars_os()
        .filter_map(|(name, _)| name.into_string().ok())
        .filter_map(|name| name.strip_prefix("IGNY8_").map(str::to_owned))
        .filter(|rest| !OTHERS.contains(&rest.as_str()) && !known.iter().any(|k| k.eq_ignore_ascii_case(rest)))
        .map(|rest| format!("IGNY8_{rest} is not a setting and is ignored (see README, Configuration)"))
        .collect()
}

fn describe(error: &figment::Error) -> String {
    let key = error.path.join(".");
    let kind = error.kind.to_string();
    // figment reports the value it found; never echo it for the secret.
    let kind = if matches!(key.as_str(), "secret_key" | "previous_secret_key" | "smtp_url" | "ai_api_key") {
        "invalid value".to_owned()
    } else {
        kind
    };
    if key.is_empty() {
        let origin = error.metadata.as_ref().map(|m| format!(" in {}", m.name)).unwrap_or_default();
        return format!("{kind}{origin}");
    }
    format!("{key} (IGNY8_{}): {kind}", key.to_uppercase())
}

fn list_or_csv<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        List(Vec<String>),
        Csv(String),
    }
    Ok(match Either::deserialize(deserializer)? {
        Either::List(list) => list,
        Either::Csv(text) => text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect(),
    })
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment's Jail closures return figment::Error
mod tests {
    use super::*;
    use figment::Jail;

    #[test]
    fn defaults_need_no_configuration() {
        Jail::expect_with(|_| {
            let config = Config::load(None).unwrap();
            assert_eq!(config.database_url(), "sqlite://./data/igny8.db");
            assert_eq!(config.bind.port(), 8080);
            // Our own web app never meets the read limit in ordinary use (see `read_rate_per_minute`).
            assert_eq!(config.read_rate_per_minute, 600);
            Ok(())
        });
    }

    #[test]
    fn environment_overrides_file() {
        Jail::expect_with(|jail| {
            jail.create_file("igny8.toml", "bind = \"127.0.0.1:9000\"\ndata_dir = \"/srv/igny8\"\n")?;
            jail.set_env("IGNY8_BIND", "0.0.0.0:7000");
            jail.set_env("IGNY8_CORS_ORIGINS", "https://a.example, https://b.example");
            let config = Config::load(None).unwrap();
            assert_eq!(config.bind.to_string(), "0.0.0.0:7000");
            assert_eq!(config.data_dir, PathBuf::from("/srv/igny8"));
            assert_eq!(config.database_url(), "sqlite:///srv/igny8/igny8.db");
            assert_eq!(config.cors_origins, vec!["https://a.example", "https://b.example"]);
            Ok(())
        });
    }

    #[test]
    fn invalid_setting_is_named() {
        Jail::expect_with(|jail| {
            jail.set_env("IGNY8_BIND", "not-an-address");
            let error = Config::load(None).unwrap_err().to_string();
            assert!(error.contains("IGNY8_BIND"), "{error}");
            assert!(!error.contains('\n'), "one line: {error}");
            Ok(())
        });
    }

    #[test]
    fn unsupported_database_is_named() {
        Jail::expect_with(|jail| {
            jail.set_env("IGNY8_DATABASE_URL", "mysql://localhost/x");
            let error = Config::load(None).unwrap_err().to_string();
            assert!(error.contains("IGNY8_DATABASE_URL"), "{error}");
            Ok(())
        });
    }

    #[test]
    fn short_secret_is_refused_without_echo() {
        Jail::expect_with(|jail| {
            jail.set_env("IGNY8_SECRET_KEY", "hunter2");
            let error = Config::load(None).unwrap_err().to_string();
            assert!(error.contains("IGNY8_SECRET_KEY"), "{error}");
            assert!(!error.contains("hunter2"), "{error}");
            Ok(())
        });
    }

    #[test]
    fn unknown_environment_variable_is_a_warning() {
        Jail::expect_with(|jail| {
            jail.set_env("IGNY8_DATABSE_URL", "postgres://typo/db");
            jail.set_env("IGNY8_PASSWORD", "not a setting but read by create-user");
            let config = Config::load(None).unwrap();
            assert_eq!(config.warnings.len(), 1, "{:?}", config.warnings);
            assert!(config.warnings[0].contains("IGNY8_DATABSE_URL"));
            Ok(())
        });
    }

    #[test]
    fn unknown_file_key_is_named() {
        Jail::expect_with(|jail| {
            jail.create_file("igny8.toml", "bnd = \"127.0.0.1:9000\"\n")?;
            let error = Config::load(None).unwrap_err().to_string();
            assert!(error.contains("bnd"), "{error}");
            Ok(())
        });
    }

    #[test]
    fn missing_explicit_file_is_an_error() {
        Jail::expect_with(|_| {
            let error = Config::load(Some(Path::new("nope.toml"))).unwrap_err().to_string();
            assert!(error.contains("nope.toml"), "{error}");
            Ok(())
        });
    }

    #[test]
    fn debug_never_shows_secrets() {
        let config = Config {
            secret_key: Secret::new("x".repeat(40)),
            database_url: "postgres://app:pa55word@db/igny8".into(),
            ..Config::default()
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains("xxxx"), "{shown}");
        assert!(!shown.contains("pa55word"), "{shown}");
        assert!(shown.contains("postgres://app:***@db/igny8"));
    }
}
