//! Look up a customer profile by email with the Profile API (`list_profiles` with a filter).
//!
//! `cargo run -p amperity-examples --bin lookup_profile -- [EMAIL] [INDEX_ID]`: without an index
//! id, the tenant's first index; without an email, `a+b@x.com` on the bundled mock (its `+` and
//! `@` travel percent-encoded), else the email of the index's first profile.

use amperity::{PageOptions, Profile, ProfileFilter};

fn main() -> std::process::ExitCode {
    amperity_examples::report(run())
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let connection = amperity_examples::connect()?;
    let client = &connection.client;
    let mut args = std::env::args().skip(1);
    let email = args.next();
    let index = match args.next() {
        Some(index_id) => client.get_index(&index_id)?,
        None => client
            .list_indexes(PageOptions::limit(1))
            .items()
            .next()
            .ok_or("the tenant has no Profile API index")??,
    };
    println!("index {} ({})", index.id, index.name);
    let email = match email {
        Some(email) => email,
        None if connection.mock.is_some() => "a+b@x.com".to_owned(),
        None => {
            let first = client
                .list_profiles(&index.id, ProfileFilter::new(), PageOptions::limit(1))
                .items()
                .next()
                .ok_or("the index has no profiles")??;
            first
                .attributes
                .get("email")
                .and_then(|v| v.as_str())
                .ok_or("the index's first profile has no email attribute")?
                .to_owned()
        }
    };
    let matches: Vec<Profile> = client
        .list_profiles(
            &index.id,
            ProfileFilter::new().with("email", email.as_str()),
            PageOptions::default(),
        )
        .items()
        .collect::<Result<_, _>>()?;
    for profile in &matches {
        println!("profile {}", profile.id);
        let mut attributes: Vec<_> = profile.attributes.iter().collect();
        attributes.sort_by(|a, b| a.0.cmp(b.0));
        for (name, value) in attributes {
            println!("  {name:<16} {value}");
        }
    }
    println!(
        "Found {} profile{} with email {email} in {}.",
        matches.len(),
        if matches.len() == 1 { "" } else { "s" },
        index.name
    );
    Ok(())
}
