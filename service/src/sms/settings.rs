//! The `sms` settings section: the provider (a Twilio-compatible Messages API) and where it
//! posts delivery statuses. With no `account_sid` the service sends nothing and a log sender
//! writes what would have been sent (masked).

use std::fmt;
use std::time::Duration;

use serde::Deserialize;

/// A secret read from configuration: `Debug` never shows it.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the provider request and the signature check only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("****")
    }
}

/// `sms.*` as written in the configuration file or `QUEUECALL_SMS__*`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmsSettings {
    /// The provider's API root.
    pub base_url: String,
    /// The account SID; none: no provider, the log sender.
    pub account_sid: Option<String>,
    /// The auth token (basic-auth password and the key of the callback signatures).
    pub auth_token: Option<Secret>,
    /// The sender number (E.164) — or, instead, `messaging_service_sid`.
    pub from: Option<String>,
    pub messaging_service_sid: Option<String>,
    /// The public URL of our `POST /sms/status`, given to the provider with each message and
    /// used (exactly as given) to check the callback signatures.
    pub status_callback_url: Option<String>,
    /// The time-out of every provider call.
    pub timeout_ms: u64,
    /// The outbox worker (`sms.outbox.*`): batch, poll, lease, attempts, backoff.
    pub outbox: super::worker::OutboxSettings,
    /// Per-number limits and quiet hours (`sms.limits.*`).
    pub limits: super::limits::LimitSettings,
    /// Per-branch message templates: `sms.templates.<branch>.<kind>`, checked at start-up.
    pub templates: super::templates::TemplateOverrides,
    /// How long before a booked slot starts its appointment-soon reminder is due (minutes).
    pub appointment_lead_minutes: u32,
    /// Whether a recall (the window calls the same ticket again) sends another "called" SMS.
    pub remind_on_recall: bool,
}

impl Default for SmsSettings {
    fn default() -> Self {
        Self {
            base_url: "https://api.twilio.com".to_owned(),
            account_sid: None,
            auth_token: None,
            from: None,
            messaging_service_sid: None,
            status_callback_url: None,
            timeout_ms: 5000,
            outbox: super::worker::OutboxSettings::default(),
            limits: super::limits::LimitSettings::default(),
            templates: super::templates::TemplateOverrides::default(),
            appointment_lead_minutes: 60,
            remind_on_recall: false,
        }
    }
}

/// Who the messages come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmsFrom {
    Number(String),
    MessagingService(String),
}

/// A configured provider, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderSettings {
    pub base_url: String,
    pub account_sid: String,
    pub auth_token: Secret,
    pub from: SmsFrom,
    pub status_callback_url: Option<String>,
    pub timeout: Duration,
}

impl SmsSettings {
    /// The appointment-soon lead time.
    pub fn appointment_lead(&self) -> chrono::Duration {
        chrono::Duration::minutes(i64::from(self.appointment_lead_minutes))
    }

    /// The provider, if one is configured: `account_sid` with `auth_token` and exactly one of
    /// `from` / `messaging_service_sid`. A partial provider is an error, not the log sender.
    pub fn provider(&self) -> Result<Option<ProviderSettings>, String> {
        let Some(account_sid) = self.account_sid.clone().filter(|s| !s.is_empty()) else {
            return Ok(None);
        };
        let auth_token = self
            .auth_token
            .clone()
            .filter(|t| !t.expose().is_empty())
            .ok_or("sms.auth_token is required with sms.account_sid")?;
        let from = match (&self.from, &self.messaging_service_sid) {
            (Some(number), None) => {
                let digits = number.strip_prefix('+').unwrap_or_default();
                let e164 = (8..=15).contains(&digits.len())
                    && !digits.starts_with('0')
                    && digits.bytes().all(|b| b.is_ascii_digit());
                if !e164 {
                    return Err(format!(
                        "sms.from '{number}' must be a number in E.164 form: + and 8 to 15 digits"
                    ));
                }
                SmsFrom::Number(number.clone())
            }
            (None, Some(service)) => SmsFrom::MessagingService(service.clone()),
            _ => {
                return Err(
                    "sms needs exactly one of sms.from and sms.messaging_service_sid".to_owned(),
                );
            }
        };
        if !(self.base_url.starts_with("http://") || self.base_url.starts_with("https://")) {
            return Err(format!(
                "sms.base_url '{}' must start with http:// or https://",
                self.base_url
            ));
        }
        if self.timeout_ms == 0 {
            return Err("sms.timeout_ms must be more than 0".to_owned());
        }
        Ok(Some(ProviderSettings {
            base_url: self.base_url.trim_end_matches('/').to_owned(),
            account_sid,
            auth_token,
            from,
            status_callback_url: self.status_callback_url.clone(),
            timeout: Duration::from_millis(self.timeout_ms),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn configured() -> SmsSettings {
        SmsSettings {
            account_sid: Some("AC123".to_owned()),
            auth_token: Some(Secret::new("tok-secret")),
            from: Some("+15005550006".to_owned()),
            ..SmsSettings::default()
        }
    }

    #[test]
    fn no_account_sid_means_no_provider() {
        assert_eq!(SmsSettings::default().provider(), Ok(None));
    }

    #[test]
    fn a_provider_needs_a_token_and_exactly_one_sender() {
        let provider = configured().provider().expect("valid").expect("configured");
        assert_eq!(provider.from, SmsFrom::Number("+15005550006".to_owned()));
        assert_eq!(provider.timeout, Duration::from_secs(5));
        let no_token = SmsSettings {
            auth_token: None,
            ..configured()
        };
        assert!(no_token.provider().is_err());
        let both = SmsSettings {
            messaging_service_sid: Some("MG1".to_owned()),
            ..configured()
        };
        assert!(both.provider().is_err());
        for bad in ["15005550006", "+0123456789", "+1500555", "+1 500 555 0006"] {
            let not_e164 = SmsSettings {
                from: Some(bad.to_owned()),
                ..configured()
            };
            let err = not_e164.provider().expect_err(bad);
            assert!(err.contains("sms.from") && err.contains("E.164"), "{err}");
        }
    }

    #[test]
    fn the_auth_token_never_shows_in_debug() {
        let shown = format!("{:?} {:?}", configured(), configured().provider());
        assert!(!shown.contains("tok-secret"), "{shown}");
    }
}
