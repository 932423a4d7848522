//! Property tests of the address check: any input, no panic; what it accepts
//! is normalised and stays accepted.

use abide_store::{Email, MAX_EMAIL_BYTES};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_input_is_accepted_or_refused_without_panic(input in any::<String>()) {
        if let Ok(email) = Email::parse(&input) {
            let s = email.as_str();
            prop_assert!(s.len() <= MAX_EMAIL_BYTES);
            prop_assert_eq!(s.matches('@').count(), 1);
            prop_assert!(!s.chars().any(|c| c.is_whitespace() || c.is_control()));
            prop_assert_eq!(s, s.to_lowercase());
            // Normalising is idempotent.
            prop_assert_eq!(Email::parse(s), Ok(email.clone()));
        }
    }

    #[test]
    fn odd_bytes_near_the_edges_do_not_panic(
        input in "[ \t\r\n@.a-zA-Z\u{0}-\u{1f}\u{130}\u{1e9e}\u{fffd}]{0,300}",
    ) {
        let _ = Email::parse(&input);
    }

    #[test]
    fn plain_addresses_are_accepted_in_any_case_and_padding(
        local in "[a-zA-Z0-9][a-zA-Z0-9._+-]{0,30}",
        domain in "[a-zA-Z0-9]{1,20}(\\.[a-zA-Z0-9]{1,10}){1,3}",
        pad in "[ \t]{0,3}",
    ) {
        let typed = format!("{pad}{local}@{domain}{pad}");
        let email = Email::parse(&typed).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let expected = format!("{local}@{domain}").to_lowercase();
        prop_assert_eq!(email.as_str(), expected.as_str());
        prop_assert_eq!(Email::parse(&typed.to_uppercase()), Ok(email));
    }

    #[test]
    fn addresses_over_the_limit_are_refused(extra in 1usize..300) {
        let domain = format!("{}.org", "d".repeat(MAX_EMAIL_BYTES - 6 + extra));
        let address = format!("r@{domain}");
        prop_assert!(Email::parse(&address).is_err());
    }
}
