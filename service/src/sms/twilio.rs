//! A Twilio-compatible Messages client: `POST {base}/2010-04-01/Accounts/{sid}/Messages.json`
//! with basic auth (account SID, auth token), a time-out on every call, and each answer
//! classified into a [`SendOutcome`].

use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde::Deserialize;

use super::sender::{OutgoingSms, SendOutcome, Sender};
use super::settings::{ProviderSettings, SmsFrom};
use crate::domain::Phone;

/// The provider's answer to a create (and each message of a list).
#[derive(Debug, Deserialize)]
struct Message {
    sid: Option<String>,
    status: Option<String>,
    to: Option<String>,
    body: Option<String>,
    date_created: Option<String>,
    error_code: Option<i64>,
    error_message: Option<String>,
}

/// The provider's error body (`{"code": 21211, "message": "…", "status": 400}`).
#[derive(Debug, Default, Deserialize)]
struct ApiError {
    code: Option<i64>,
    message: Option<String>,
}

#[derive(Debug, Deserialize)]
struct MessageList {
    #[serde(default)]
    messages: Vec<Message>,
    /// The next page's path and query on the provider's host; absent on the last page.
    #[serde(default)]
    next_page_uri: Option<String>,
}

/// Sends through a Twilio-compatible provider.
#[derive(Debug, Clone)]
pub struct TwilioSender {
    http: reqwest::Client,
    settings: ProviderSettings,
}

impl TwilioSender {
    pub fn new(settings: ProviderSettings) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            // A redirected POST would be resent as a GET: an answer that redirects is no send.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .context("cannot build the SMS provider's HTTP client")?;
        Ok(Self { http, settings })
    }

    fn messages_url(&self) -> String {
        format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            self.settings.base_url, self.settings.account_sid
        )
    }

    fn form(&self, sms: &OutgoingSms) -> Vec<(&'static str, String)> {
        let mut form = vec![("To", sms.to.e164())];
        match &self.settings.from {
            SmsFrom::Number(number) => form.push(("From", number.clone())),
            SmsFrom::MessagingService(sid) => form.push(("MessagingServiceSid", sid.clone())),
        }
        form.push(("Body", sms.body.clone()));
        if let Some(url) = &self.settings.status_callback_url {
            form.push(("StatusCallback", url.clone()));
        }
        form
    }
}

#[async_trait::async_trait]
impl Sender for TwilioSender {
    #[tracing::instrument(skip_all, fields(outbox_id = %sms.outbox_id, to = %sms.to.masked()))]
    async fn send(&self, sms: &OutgoingSms) -> SendOutcome {
        let sent = self
            .http
            .post(self.messages_url())
            .basic_auth(
                &self.settings.account_sid,
                Some(self.settings.auth_token.expose()),
            )
            .form(&self.form(sms))
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(err) => return failed_request(&err),
        };
        let status = response.status();
        let retry_after = retry_after(response.headers());
        let body = match response.text().await {
            Ok(body) => body,
            // The provider answered, so it had the request: whether it took it is unknown.
            Err(err) => {
                return SendOutcome::Ambiguous {
                    reason: format!("reading the answer ({status}) failed: {}", describe(&err)),
                };
            }
        };
        let outcome = masked(classify(status, retry_after, &body), &sms.to);
        tracing::debug!(outcome = ?outcome, "sms provider answered");
        outcome
    }

    #[tracing::instrument(skip_all, fields(outbox_id = %sms.outbox_id, to = %sms.to.masked()))]
    async fn find_sent(
        &self,
        sms: &OutgoingSms,
        since: DateTime<Utc>,
    ) -> Result<Option<(String, String)>, String> {
        // The reasons are stored and logged like a send's: the number masked in them too.
        self.list_sent(sms, since)
            .await
            .map_err(|reason| mask_number(&reason, &sms.to))
    }
}

/// Pages of the message list read at most when looking for an earlier send; a list that goes
/// on past them answers an error (the worker asks again later) rather than "not sent", which
/// would resend.
const FIND_SENT_PAGES: usize = 10;

impl TwilioSender {
    /// The message to `sms.to` with its body created at or after `since`, if the provider has
    /// one. Lists by `To` only (newest first): a message the provider still holds as queued or
    /// accepted has no send date, so a `DateSent` filter would miss it. Follows
    /// `next_page_uri` (on the configured host only) until a page reaches back before `since`.
    async fn list_sent(
        &self,
        sms: &OutgoingSms,
        since: DateTime<Utc>,
    ) -> Result<Option<(String, String)>, String> {
        let to = sms.to.e164();
        // The provider gives whole seconds.
        let since = since.timestamp();
        let mut url = self.messages_url();
        let mut query = Some([("To", to.clone()), ("PageSize", "100".to_owned())]);
        for _ in 0..FIND_SENT_PAGES {
            let list = self.list_page(&url, query.take()).await?;
            let created = |m: &Message| {
                m.date_created
                    .as_deref()
                    .and_then(|d| DateTime::parse_from_rfc2822(d).ok())
                    .map(|created| created.timestamp())
            };
            let reaches_back = list
                .messages
                .iter()
                .any(|m| created(m).is_some_and(|c| c < since));
            let found = list.messages.iter().find(|m| {
                m.to.as_deref() == Some(to.as_str())
                    && m.body.as_deref() == Some(sms.body.as_str())
                    && created(m).is_some_and(|c| c >= since)
            });
            if let Some(m) = found {
                return Ok(m
                    .sid
                    .clone()
                    .map(|sid| (sid, m.status.clone().unwrap_or_default())));
            }
            match list.next_page_uri.as_deref() {
                Some(next) if !reaches_back && !list.messages.is_empty() => {
                    if !next.starts_with('/') || next.starts_with("//") {
                        return Err(format!(
                            "the message list's next page is not a path on the provider: {next}"
                        ));
                    }
                    url = format!("{}{next}", self.settings.base_url);
                }
                _ => return Ok(None),
            }
        }
        Err(format!(
            "the message list goes on past {FIND_SENT_PAGES} pages since the attempt"
        ))
    }

    /// One page of the message list at `url` (with `query` on the first).
    async fn list_page(
        &self,
        url: &str,
        query: Option<[(&str, String); 2]>,
    ) -> Result<MessageList, String> {
        let mut request = self.http.get(url).basic_auth(
            &self.settings.account_sid,
            Some(self.settings.auth_token.expose()),
        );
        if let Some(query) = &query {
            request = request.query(query);
        }
        let response = request
            .send()
            .await
            .map_err(|err| format!("listing messages failed: {}", describe(&err)))?;
        let status = response.status();
        let body = response
            .text()
            .await
            .map_err(|err| format!("reading the message list failed: {}", describe(&err)))?;
        if !status.is_success() {
            let error: ApiError = serde_json::from_str(&body).unwrap_or_default();
            return Err(format!(
                "listing messages answered {status}: {}",
                error.message.unwrap_or(body)
            ));
        }
        serde_json::from_str(&body)
            .map_err(|err| format!("the message list is not the expected JSON: {err}"))
    }
}

/// No answer: a connection that never opened is safe to retry; anything later (a time-out
/// after the request went out) may have reached the provider.
fn failed_request(err: &reqwest::Error) -> SendOutcome {
    if err.is_connect() {
        SendOutcome::Retryable {
            reason: format!("cannot connect to the SMS provider: {}", describe(err)),
            retry_after: None,
        }
    } else if err.is_builder() {
        SendOutcome::Permanent {
            code: None,
            reason: format!("cannot build the request: {}", describe(err)),
        }
    } else {
        SendOutcome::Ambiguous {
            reason: format!("no answer from the SMS provider: {}", describe(err)),
        }
    }
}

/// What an answer means: 2xx with a sid Accepted, 429 and 5xx Retryable, other 4xx Permanent.
fn classify(status: StatusCode, retry_after: Option<Duration>, body: &str) -> SendOutcome {
    if status.is_success() {
        return match serde_json::from_str::<Message>(body) {
            Ok(Message {
                sid: Some(sid),
                status,
                error_code,
                error_message,
                ..
            }) => {
                if let Some(code) = error_code {
                    tracing::warn!(code, message = ?error_message, "sms accepted with an error code");
                }
                SendOutcome::Accepted {
                    sid,
                    status: status.unwrap_or_else(|| "queued".to_owned()),
                }
            }
            _ => SendOutcome::Ambiguous {
                reason: format!("the provider answered {status} without a message sid"),
            },
        };
    }
    let error: ApiError = serde_json::from_str(body).unwrap_or_default();
    let reason = format!(
        "{status}: {}",
        error.message.as_deref().unwrap_or("no error message")
    );
    if status.is_client_error() && status != StatusCode::TOO_MANY_REQUESTS {
        SendOutcome::Permanent {
            code: error.code,
            reason,
        }
    } else {
        SendOutcome::Retryable {
            reason,
            retry_after,
        }
    }
}

/// The outcome with the number masked in its reason: the provider's error messages quote it
/// ("The 'To' number +8613812341234 is not a valid phone number"), and reasons are stored and
/// logged.
fn masked(outcome: SendOutcome, to: &Phone) -> SendOutcome {
    let mask = |reason: String| mask_number(&reason, to);
    match outcome {
        SendOutcome::Retryable {
            reason,
            retry_after,
        } => SendOutcome::Retryable {
            reason: mask(reason),
            retry_after,
        },
        SendOutcome::Permanent { code, reason } => SendOutcome::Permanent {
            code,
            reason: mask(reason),
        },
        SendOutcome::Ambiguous { reason } => SendOutcome::Ambiguous {
            reason: mask(reason),
        },
        accepted @ SendOutcome::Accepted { .. } => accepted,
    }
}

/// `reason` with every spelling of the number (`+86…`, the 11 digits, also inside an encoded
/// URL) replaced by its masked form.
fn mask_number(reason: &str, to: &Phone) -> String {
    reason
        .replace(&to.e164(), &to.masked())
        .replace(to.digits(), &to.masked())
}

/// `Retry-After` in seconds (the HTTP-date form is not used by the provider).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let seconds = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(seconds))
}

/// The error with its causes, without the URL (a listing's URL holds the phone number).
fn describe(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    if let Some(url) = err.url() {
        text = text.replace(&format!(" for url ({url})"), "");
    }
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_classified() {
        let ok = r#"{"sid":"SM1","status":"queued","error_code":null,"error_message":null}"#;
        assert_eq!(
            classify(StatusCode::CREATED, None, ok),
            SendOutcome::Accepted {
                sid: "SM1".to_owned(),
                status: "queued".to_owned()
            }
        );
        let invalid = r#"{"code":21211,"message":"Invalid 'To' Phone Number","status":400}"#;
        assert!(matches!(
            classify(StatusCode::BAD_REQUEST, None, invalid),
            SendOutcome::Permanent {
                code: Some(21211),
                ..
            }
        ));
        assert!(matches!(
            classify(StatusCode::TOO_MANY_REQUESTS, Some(Duration::from_secs(3)), ""),
            SendOutcome::Retryable { retry_after: Some(d), .. } if d == Duration::from_secs(3)
        ));
        assert!(matches!(
            classify(StatusCode::BAD_GATEWAY, None, "<html>"),
            SendOutcome::Retryable { .. }
        ));
        assert!(matches!(
            classify(StatusCode::OK, None, "{}"),
            SendOutcome::Ambiguous { .. }
        ));
    }
}
