//! Twilio's request signature: `X-Twilio-Signature` is
//! `base64(HMAC-SHA1(auth_token, url + key1 + value1 + key2 + value2 …))` with the form
//! parameters sorted by name, over the URL the provider was given.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

type HmacSha1 = Hmac<Sha1>;

fn mac(auth_token: &str, url: &str, params: &[(String, String)]) -> HmacSha1 {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut mac = HmacSha1::new_from_slice(auth_token.as_bytes()).expect("HMAC takes any key");
    mac.update(url.as_bytes());
    for (key, value) in sorted {
        mac.update(key.as_bytes());
        mac.update(value.as_bytes());
    }
    mac
}

/// The signature the provider sends for `params` posted to `url`.
pub fn sign(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    STANDARD.encode(mac(auth_token, url, params).finalize().into_bytes())
}

/// Whether `signature` is the one for `params` posted to `url`, compared in constant time.
pub fn verify(auth_token: &str, url: &str, params: &[(String, String)], signature: &str) -> bool {
    let Ok(given) = STANDARD.decode(signature.trim()) else {
        return false;
    };
    mac(auth_token, url, params).verify_slice(&given).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The voice-request example of Twilio's own request-validator tests (twilio-ruby).
    fn twilio_example() -> Vec<(String, String)> {
        [
            ("ToState", "California"),
            ("CalledState", "California"),
            ("Direction", "inbound"),
            ("FromState", "CA"),
            ("AccountSid", "ACba8bc05eacf94afdae398e642c9cc32d"),
            ("Caller", "+14153595711"),
            ("CallerZip", "94108"),
            ("CallerCountry", "US"),
            ("From", "+14153595711"),
            ("FromCity", "SAN FRANCISCO"),
            ("CallerCity", "SAN FRANCISCO"),
            ("To", "+14157669926"),
            ("FromZip", "94108"),
            ("FromCountry", "US"),
            ("ToCity", ""),
            ("CallStatus", "ringing"),
            ("CalledCity", ""),
            ("CallerState", "CA"),
            ("CalledZip", ""),
            ("ToZip", ""),
            ("ToCountry", "US"),
            ("CallSid", "CA136d09cd59a3c0ec8dbff44da5c03f31"),
            ("CalledCountry", "US"),
            ("Called", "+14157669926"),
            ("ApiVersion", "2010-04-01"),
            ("ApplicationSid", "AP44efecad51364e80b133bb7c07eb8204"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    const TOKEN: &str = "2bd9e9638872de601313dc77410d3b23";
    const URL: &str = "http://twiliotests.heroku.com/validate/voice";
    const SIGNATURE: &str = "oVb2kXoVy8GEfwBDjR8bk/ZZ6eA=";

    #[test]
    fn twilio_documented_example_signs_and_verifies() {
        assert_eq!(sign(TOKEN, URL, &twilio_example()), SIGNATURE);
        assert!(verify(TOKEN, URL, &twilio_example(), SIGNATURE));
    }

    #[test]
    fn another_url_token_or_value_is_rejected() {
        assert!(!verify(
            TOKEN,
            "http://twiliotests.heroku.com/validate/sms",
            &twilio_example(),
            SIGNATURE
        ));
        assert!(!verify("another-token", URL, &twilio_example(), SIGNATURE));
        let mut changed = twilio_example();
        changed[0].1 = "Texas".to_owned();
        assert!(!verify(TOKEN, URL, &changed, SIGNATURE));
        assert!(!verify(TOKEN, URL, &twilio_example(), "not base64!"));
        assert!(!verify(TOKEN, URL, &twilio_example(), ""));
    }
}
