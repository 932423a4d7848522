//! `abide user`: accounts from the command line, for the first owner and for
//! an operator without the admin pages. Errors are one line, exit 1, and
//! change nothing.

use std::process::ExitCode;

use abide_store::{AccountError, Email, NewUser, Role, Store, User};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub(crate) enum UserCommand {
    /// Create an account that signs in by emailed link.
    Add {
        /// The address (stored lower-case).
        email: String,
        /// member, moderator, editor or owner.
        #[arg(long, default_value = "member")]
        role: String,
        /// The name shown (default: the part of the address before the @).
        #[arg(long)]
        name: Option<String>,
    },
    /// List the accounts: address, role, state, name.
    List,
    /// Give an account another role.
    Role {
        /// The account's address.
        email: String,
        /// member, moderator, editor or owner.
        role: String,
    },
    /// Disable an account: it is signed out everywhere and cannot sign in.
    Disable {
        /// The account's address.
        email: String,
    },
    /// Enable a disabled account again.
    Enable {
        /// The account's address.
        email: String,
    },
}

pub(crate) async fn run(store: &Store, command: UserCommand) -> anyhow::Result<ExitCode> {
    match command {
        UserCommand::Add { email, role, name } => {
            let email = Email::parse(&email)?;
            let role = Role::from_input(&role)?;
            let time_zone = store.site_settings().await?.time_zone;
            let new = NewUser {
                display_name: name.unwrap_or_default(),
                time_zone,
                ..NewUser::new(email, role)
            };
            let user = store.create_user(&new).await?;
            println!("added {} {} ({})", user.role, user.email, user.display_name);
        }
        UserCommand::List => print!("{}", table(&store.users().await?)),
        UserCommand::Role { email, role } => {
            let role = Role::from_input(&role)?;
            let user = find(store, &email).await?;
            store.set_role(user.id, role).await?;
            println!("{} is now {role}", user.email);
        }
        UserCommand::Disable { email } => {
            let user = find(store, &email).await?;
            store.set_disabled(user.id, true).await?;
            println!("{} is disabled and signed out everywhere", user.email);
        }
        UserCommand::Enable { email } => {
            let user = find(store, &email).await?;
            store.set_disabled(user.id, false).await?;
            println!("{} is enabled", user.email);
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn find(store: &Store, email: &str) -> anyhow::Result<User> {
    let email = Email::parse(email)?;
    match store.user_by_email(&email).await? {
        Some(user) => Ok(user),
        None => Err(AccountError::UnknownUser(email.to_string()).into()),
    }
}

/// Aligned columns with a header; nothing but the header when there are no
/// accounts.
fn table(users: &[User]) -> String {
    let width = users
        .iter()
        .map(|u| u.email.len())
        .chain([5])
        .max()
        .unwrap_or(5);
    let mut out = format!(
        "{:<width$}  {:<9}  {:<10}  NAME\n",
        "EMAIL", "ROLE", "STATE"
    );
    for user in users {
        let state = if user.disabled {
            "disabled"
        } else if user.email_verified_at.is_none() {
            "unverified"
        } else {
            "active"
        };
        out.push_str(&format!(
            "{:<width$}  {:<9}  {:<10}  {}\n",
            user.email,
            user.role.as_str(),
            state,
            user.display_name
        ));
    }
    out
}
